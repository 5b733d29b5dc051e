"""Every URL of ours is in a permission matrix: the portal's (tests/portal/test_permissions.py),
the workspace's (tests/workspace/test_permissions.py), the API's
(tests/api/test_permissions.py, STAFF_URLS and STATE_URLS; public endpoints in test_verify.py
and test_schema.py), or the site-wide one below. A new URL without a matrix entry fails here.
Third-party URLs (allauth, the Django admin, i18n) are checked by their own tests."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.api.test_permissions import STAFF_URLS, STATE_URLS
from tests.api.test_reports import REPORT_URLS
from tests.factories import CertificationFactory
from tests.portal.test_permissions import MATRIX as PORTAL
from tests.workspace.test_permissions import SPECS as WORKSPACE

OURS = ("accounts.", "api.", "portal.", "workspace.")
# Open to anyone, token or none (tests/api/test_verify.py, test_schema.py).
# The course finder's API too (tests/api/test_courses.py).
API_PUBLIC = {"api:verify", "api:courses", "api:schema", "api:docs", "api:not_found"}
# State staff only (everyone else 401 or 403, nothing changed): tests/api/test_analytics.py.
API_STATE_ONLY = {"api:analytics_series"}
# A provider's API key only (no key, an unknown, revoked or staff key: 401; another provider's
# courses refused, nothing saved): tests/providers/test_completions_api.py.
API_PROVIDER_KEY = {"api:provider_completions"}
# The digital credentials' public documents, each needing a certification with a credential
# (tests/credentials/test_credentials.py: served, 404 for an unknown list, rate-limited), and
# the wallets' OID4VCI endpoints, open to anyone holding a fresh code or token
# (tests/credentials/test_wallet.py: spent codes, expired codes, another person's offer).
CREDENTIALS_PUBLIC = {
    "credential_status_list",
    "wallet_offer",
    "wallet_token",
    "wallet_credential",
}

# The confirmation of a complaint just filed in this browser, open to anyone and otherwise
# sending back to the form (tests/cases/test_complaints.py).
COMPLAINT_PUBLIC = {"complaint_sent"}

# Site-wide pages: who gets what on GET.
ANYONE = {"anonymous": 200, "applicant": 200, "reviewer": 200, "state": 200}
SIGNED_IN = {"anonymous": 302, "applicant": 200, "reviewer": 200, "state": 200}
STAFF = {"anonymous": 302, "applicant": 403, "reviewer": 200, "state": 200}
SITE = {
    "home": ANYONE,
    "programs": ANYONE,
    "courses": ANYONE,
    "healthz": ANYONE,
    "dashboard": SIGNED_IN,
    "api_tokens": STAFF,
    "verify_search": ANYONE,
    "complaint": ANYONE,
    "verify_certification": ANYONE,
    "verify_credential": ANYONE,
    "did_json": ANYONE,
    "openid_credential_issuer": ANYONE,
    "oauth_authorization_server": ANYONE,
}


def _our_url_names(patterns, namespace: str = "") -> set[str]:
    """Named URLs of config/urls.py and of the URLconfs of our apps it includes."""
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
        elif isinstance(pattern, URLResolver):
            module = pattern.urlconf_module
            module_name = module if isinstance(module, str) else getattr(module, "__name__", "")
            if module_name.startswith(OURS):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= _our_url_names(pattern.url_patterns, inner)
    return names


def test_every_url_of_ours_is_in_a_permission_matrix():
    covered = (
        {f"portal:{name}" for name in PORTAL}
        | {f"workspace:{name}" for name in WORKSPACE}
        | {f"api:{resolve(url).url_name}" for url in STAFF_URLS + STATE_URLS}
        | {f"api:{resolve(url.format(id=1)).url_name}" for url in REPORT_URLS}
        | API_PUBLIC
        | API_STATE_ONLY
        | API_PROVIDER_KEY
        | CREDENTIALS_PUBLIC
        | COMPLAINT_PUBLIC
        | set(SITE)
    )
    names = _our_url_names(get_resolver().url_patterns)
    assert names - covered == set(), "URLs in no permission matrix"
    assert covered - names == set(), "matrix entries for no URL"


@pytest.mark.parametrize("name", sorted(SITE))
def test_site_wide_pages(name, cast, client, settings):
    settings.STAFF_MFA_REQUIRED = False
    kwargs = {"number": CertificationFactory().number} if name == "verify_certification" else {}
    url = reverse(name, kwargs=kwargs)
    for who, expected in SITE[name].items():
        client.logout()
        user = getattr(cast, who)
        if user.is_authenticated:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, (who, url)
        if expected == 302:
            assert response["Location"].startswith(reverse("account_login"))
