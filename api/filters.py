"""The roster filters of the API (JSON and CSV alike): `certification.filters.RosterFilter`,
with each invalid value answered as 400 naming the parameter:
`{"status": ["Select a valid choice. ..."]}` (docs/architecture.md#contracts).
"""

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from certification.filters import RosterFilter
from certification.models import Certification


def filter_roster(certifications: QuerySet[Certification], params) -> QuerySet[Certification]:
    """`certifications` narrowed by the roster filters in `params` (a QueryDict), or
    ValidationError (400) naming each invalid parameter."""
    roster_filter = RosterFilter(params, queryset=certifications)
    if not roster_filter.is_valid():
        raise ValidationError(
            {
                field: [str(message) for message in errors]
                for field, errors in roster_filter.form.errors.items()
            }
        )
    return roster_filter.qs
