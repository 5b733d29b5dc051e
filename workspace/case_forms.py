"""Forms of the workspace's case pages (the shape of the input only; the rules are
`cases.services`')."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.models import CaseStage, ComplaintSubjectKind, DecisionOutcome, Disclosure
from cases.services import complaint_categories
from core.forms import DateInput
from counties.models import County
from counties.selectors import county_memberships


class CaseOpenForm(forms.Form):
    """A complaint staff record from a phone call or letter (`cases.services.complaint_file`)."""

    subject_kind = forms.ChoiceField(
        label=_("Who it is about"),
        choices=ComplaintSubjectKind.choices,
        initial=ComplaintSubjectKind.PEER,
        required=False,
    )
    certification_number = forms.CharField(
        label=_("Certification number"),
        help_text=_("Of the peer the call or letter is about, when known (e.g. PSS-000123)."),
        required=False,
        max_length=40,
    )
    subject_name = forms.CharField(
        label=_("Name of the person it is about"),
        help_text=_("When the certification number is not known; or the training provider."),
        required=False,
        max_length=200,
    )
    category = forms.ChoiceField(label=_("Category"), choices=complaint_categories)
    received_on = forms.DateField(
        label=_("Date received"), widget=DateInput, initial=timezone.localdate
    )
    incident_on = forms.DateField(
        label=_("Date of the incident"),
        help_text=_("When known. An ethics complaint more than 3 years after it is flagged."),
        widget=DateInput,
        required=False,
    )
    summary = forms.CharField(
        label=_("What the caller or letter says"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    complainant_name = forms.CharField(
        label=_("Complainant's name"), required=False, max_length=200
    )
    complainant_email = forms.CharField(
        label=_("Complainant's email"),
        help_text=_("When given, the complainant is emailed the acknowledgement and reference."),
        required=False,
        max_length=254,
    )
    complainant_phone = forms.CharField(
        label=_("Complainant's phone"), required=False, max_length=40
    )


class CaseNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        help_text=_("Seen only by this program's staff and state staff."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class CaseEvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence document"),
        help_text=_("PDF, JPEG or PNG. Seen only by this program's staff and state staff."),
    )
    description = forms.CharField(label=_("What it is"), required=False, max_length=200)


class CaseResponseRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the peer"),
        help_text=_(
            "What the peer should respond to. The peer never learns who complained: do not "
            "name the complainant or say anything that identifies them."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    due_on = forms.DateField(label=_("Response due"), widget=DateInput)


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


def case_assign_form(county: County | None) -> type[forms.Form]:
    """The assign form, offering the county's staff (state staff for a case no county
    handles)."""
    staff = (
        User.objects.filter(pk__in=county_memberships(county).values("user_id"))
        if county is not None
        else User.objects.filter(is_state_staff=True)
    )

    class CaseAssignForm(forms.Form):
        investigator = forms.ModelChoiceField(
            label=_("Investigator"),
            queryset=staff.filter(is_active=True).order_by("last_name", "first_name", "pk"),
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
