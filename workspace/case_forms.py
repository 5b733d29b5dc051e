"""Forms of the workspace's case pages (the shape of the input only; the rules are
`cases.services`')."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.models import CaseCategory, CaseStage
from core.forms import DateInput
from counties.models import County
from counties.selectors import county_memberships


class CaseOpenForm(forms.Form):
    certification_number = forms.CharField(
        label=_("Certification number"),
        help_text=_("Of the peer the call or letter is about, when known (e.g. PSS-000123)."),
        required=False,
        max_length=40,
    )
    subject_name = forms.CharField(
        label=_("Name of the person it is about"),
        help_text=_("When the certification number is not known."),
        required=False,
        max_length=200,
    )
    category = forms.ChoiceField(label=_("Category"), choices=CaseCategory.choices)
    received_on = forms.DateField(
        label=_("Date received"), widget=DateInput, initial=timezone.localdate
    )
    summary = forms.CharField(
        label=_("What the caller or letter says"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )


class CaseAdvanceForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to stage"), choices=CaseStage.choices)
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Required when closing the case: say why."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class CaseExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the case needs 30 more days"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


def case_assign_form(county: County) -> type[forms.Form]:
    """The assign form, offering the county's staff."""

    class CaseAssignForm(forms.Form):
        investigator = forms.ModelChoiceField(
            label=_("Investigator"),
            queryset=User.objects.filter(
                pk__in=county_memberships(county).values("user_id"), is_active=True
            ).order_by("last_name", "first_name", "pk"),
        )

    return CaseAssignForm
