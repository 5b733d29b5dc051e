"""The roster filters of the API (JSON and CSV alike): `certification.filters.RosterFilter`,
with each invalid value answered as 400 naming the parameter:
`{"status": ["Select a valid choice. ..."]}` (docs/architecture.md#contracts).
"""

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from certification.filters import RosterFilter
from certification.models import Certification


def roster_filtered(params) -> bool:
    """Whether `params` (a QueryDict) name any roster filter, even with an empty value."""
    return any(name in params for name in RosterFilter.base_filters)


def filter_roster(certifications: QuerySet[Certification], params) -> QuerySet[Certification]:
    """`certifications` narrowed by the roster filters in `params` (a QueryDict), or
    ValidationError (400) naming each invalid parameter. Without any filter parameter the
    rows are all of `certifications` (the filter set and its form are not built: a walk of
    the roster by its pages pays nothing for them)."""
    if not roster_filtered(params):
        return certifications
    roster_filter = RosterFilter(params, queryset=certifications)
    if not roster_filter.is_valid():
        raise ValidationError(
            {
                field: [str(message) for message in errors]
                for field, errors in roster_filter.form.errors.items()
            }
        )
    return roster_filter.qs
