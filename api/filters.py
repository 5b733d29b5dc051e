"""Filters of the roster (JSON and CSV alike), DESIGN.md 'Contracts'.

Every filter value is validated; an invalid one answers 400 with the parameter's name as the
key: `{"status": ["Select a valid choice. ..."]}`. Filters narrow what the caller may already
see: a county outside a county staff member's counties gives no rows, not an error.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError as FormValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from rest_framework.exceptions import ValidationError

from certification.models import Certification, CertificationSpecialization, CertificationStatus
from counties.models import County
from training.models import Specialization

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
            raise FormValidationError(self.error_messages["invalid"], code="invalid") from exc


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _UtcDateTimeField


class RosterFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(
        field_name="issuing_county",
        to_field_name="code",
        queryset=County.objects.all(),
        error_messages={"invalid_choice": _("No county has the code “%(value)s”.")},
    )
    status = django_filters.ChoiceFilter(choices=CertificationStatus.choices)
    specialization = django_filters.ChoiceFilter(
        choices=Specialization.choices, method="filter_specialization"
    )
    expires_before = django_filters.DateFilter(
        field_name="expires_on", lookup_expr="lt", input_formats=[DATE_FORMAT]
    )
    expires_after = django_filters.DateFilter(
        field_name="expires_on", lookup_expr="gt", input_formats=[DATE_FORMAT]
    )
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    q = django_filters.CharFilter(method="filter_q", max_length=MAX_QUERY_LENGTH)

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


def filter_roster(certifications: QuerySet[Certification], params) -> QuerySet[Certification]:
    """`certifications` narrowed by the roster filters in `params` (a QueryDict), or
    ValidationError (400) naming each invalid parameter."""
    roster_filter = RosterFilter(params, queryset=certifications)
    if not roster_filter.is_valid():
        raise ValidationError(_form_errors(roster_filter.form))
    return roster_filter.qs


def _form_errors(form: forms.Form) -> dict[str, list[str]]:
    return {field: [str(message) for message in errors] for field, errors in form.errors.items()}
