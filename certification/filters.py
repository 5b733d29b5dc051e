"""The roster filter: one set of filters for every roster of certifications, the REST API's
(JSON and CSV) and the county workspace's (page and CSV); docs/architecture.md#contracts names
the API's parameters.

Filters narrow what the caller may already see (the caller passes a queryset from
`certification.selectors.certifications_for`): a county outside a county staff member's
counties gives no rows, not an error. Every value is validated: the form of an unbound or
invalid filter names each refused parameter in `form.errors` (the API answers them as 400).
"""

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from certification.models import Certification, CertificationSpecialization, CertificationStatus
from core.forms import DateInput
from counties.models import County
from training.selectors import specialization_area_choices

DATE_FORMAT = "%Y-%m-%d"
MAX_QUERY_LENGTH = 100
# More words than this in `q` cannot be one person's name.
_MAX_NAME_TERMS = 5


class _UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date or date-time, returned in UTC. PostgreSQL refuses offsets beyond
    ±15:59 that Python accepts, and a moment outside years 1 to 9999 in UTC is no date at
    all: both are invalid input here, never a database error."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _UtcDateTimeField


class RosterFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(
        label=_("County"),
        field_name="issuing_county",
        to_field_name="code",
        queryset=County.objects.all(),
        error_messages={"invalid_choice": _("No county has the code “%(value)s”.")},
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CertificationStatus.choices, empty_label=_("Any status")
    )
    specialization = django_filters.ChoiceFilter(
        label=_("Specialization"),
        choices=specialization_area_choices,
        empty_label=_("Any specialization"),
        method="filter_specialization",
    )
    expires_before = django_filters.DateFilter(
        label=_("Expires before"),
        field_name="expires_on",
        lookup_expr="lt",
        input_formats=[DATE_FORMAT],
        widget=DateInput,
    )
    expires_after = django_filters.DateFilter(
        label=_("Expires after"),
        field_name="expires_on",
        lookup_expr="gt",
        input_formats=[DATE_FORMAT],
        widget=DateInput,
    )
    updated_since = UtcDateTimeFilter(
        label=_("Updated since"), field_name="updated_at", lookup_expr="gte"
    )
    q = django_filters.CharFilter(
        label=_("Name or certification number"), method="filter_q", max_length=MAX_QUERY_LENGTH
    )

    class Meta:
        model = Certification
        fields: list[str] = []

    def filter_specialization(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        held = CertificationSpecialization.objects.filter(certification=OuterRef("pk"), code=value)
        return queryset.filter(Exists(held))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A certification number (exact or its beginning) or a name: every word must appear in
        the first or the last name. Case is ignored."""
        text = value.strip()
        if not text:
            return queryset
        names = Q()
        for term in text.split()[:_MAX_NAME_TERMS]:
            names &= Q(first_name__icontains=term) | Q(last_name__icontains=term)
        return queryset.filter(Q(number__istartswith=text) | names)
