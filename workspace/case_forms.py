"""Forms of the workspace's case pages (the shape of the input only; the rules are
`cases.services`')."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.models import CaseCategory, CaseStage, DecisionOutcome, Disclosure
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


class CaseDecideForm(forms.Form):
    """A decision (the rules are `cases.rules.decision_problems`'). `expected_decisions` is
    the number of decisions the page showed: a stale form or a second click changes nothing."""

    expected_decisions = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    findings = forms.CharField(
        label=_("Findings"),
        help_text=_(
            "What was found and why this outcome. The peer reads this; never name the complainant."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )
    required_hours = forms.DecimalField(
        label=_("Corrective action: continuing-education hours to complete"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
    )
    required_law_and_ethics_hours = forms.DecimalField(
        label=_("Corrective action: of which in law and ethics"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
    )
    due_on = forms.DateField(
        label=_("Corrective action: deadline"), required=False, widget=DateInput
    )
    suspended_until = forms.DateField(
        label=_("Suspension: until (date)"),
        help_text=_("The suspension ends on this day; or leave empty and give conditions."),
        required=False,
        widget=DateInput,
    )
    suspension_conditions = forms.CharField(
        label=_("Suspension: conditions to lift it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    disclosure = forms.ChoiceField(
        label=_("What the public registry shows"),
        help_text=_(
            "A dismissal is never public; a suspension or revocation always shows at least the "
            "action and its date."
        ),
        choices=Disclosure.choices,
        initial=Disclosure.ACTION,
        widget=forms.RadioSelect,
    )
    public_summary = forms.CharField(
        label=_("Public summary"),
        help_text=_(
            "Shown to the public only when chosen above; at most 500 characters. Never the "
            "complaint or who made it."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
    )


class CaseLiftSuspensionForm(forms.Form):
    note = forms.CharField(
        label=_("How the conditions were met"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
