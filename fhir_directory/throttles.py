"""The directory's rate limit: public like /verify/, counted per client address, with a
budget of its own (a vendor pulling the directory walks many pages). Rate from
`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["fhir_anon"]`; fails open while Redis restarts,
as the API's limits do."""

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.outage import is_dependency_outage

logger = logging.getLogger(__name__)


class FhirThrottle(SimpleRateThrottle):
    scope = "fhir_anon"

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:
            if not is_dependency_outage(exc):
                raise
            logger.warning("Rate limit %s not counted: the cache is unreachable", self.scope)
            return True
