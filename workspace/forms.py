"""Forms of the county workspace. They check the shape of the input only: every rule is
the services' (a refused action comes back as a DomainError and is shown on the form). Their
fields are rendered by templates/forms/field.html (`{{ field.as_field_group }}`, core/forms.py)."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ce_audits.models import CeAuditConsequence, CeAuditOutcome
from certification.filters import RosterFilter
from certification.models import ApplicationPart, ApplicationStatus
from certification.selectors import expiring_soon_q
from core import policy
from core.forms import DateInput
from counties.models import County, DeliverySystem, StaffRole
from exams.models import ExamResult


def _required_text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        strip=True,
    )


class ConfirmForm(forms.Form):
    """An action that needs nothing but the confirmation itself."""


class VersionedForm(forms.Form):
    """An action on an application: carries the version the reviewer saw, so a decision made
    meanwhile by someone else refuses this one instead of being overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RequestChangesForm(VersionedForm):
    parts = forms.MultipleChoiceField(
        label=_("Parts the applicant must change"),
        choices=ApplicationPart.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    message = _required_text(
        _("Message to the applicant"), _("The applicant reads this. Say what to change and why.")
    )


class TransferForm(VersionedForm):
    """State staff move an application whose county stopped participating."""

    county = forms.ModelChoiceField(
        label=_("County program to move the application to"),
        queryset=County.objects.none(),
        empty_label=_("- Select a county -"),
        help_text=_("Only counties that take part in peer support certification are listed."),
    )
    reason = _required_text(
        _("Reason for the transfer"),
        _("The applicant and both counties' staff read this in the email about the transfer."),
    )

    def __init__(self, *args, counties=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if counties is not None:
            self.fields["county"].queryset = counties


class DenyForm(VersionedForm):
    reason = _required_text(_("Reason for the denial"), _("The applicant reads this reason."))


class ReasonForm(forms.Form):
    reason = _required_text(_("Reason"))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ReviewDecisionForm(forms.Form):
    """Verify or reject a document, training record or CE credit; a rejection needs a reason."""

    VERIFY = "verify"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(VERIFY, _("Verify")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required to reject)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for the rejection."))
        return cleaned


class RejectReportedRecordForm(forms.Form):
    """Reject a training record its provider reported (verified at the source): a reason
    only, which the learner is emailed; there is nothing to verify."""

    reason = forms.CharField(
        label=_("Reason for rejecting (the learner is emailed it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["decision"] = ReviewDecisionForm.REJECT
        return cleaned


class ExamAttemptForm(forms.Form):
    taken_on = forms.DateField(label=_("Exam date"), widget=DateInput)
    result = forms.ChoiceField(
        label=_("Result"), choices=ExamResult.choices, widget=forms.RadioSelect
    )
    scaled_score = forms.IntegerField(
        label=_("Scaled score (optional)"), required=False, min_value=0, max_value=32767
    )


class ExamImportForm(forms.Form):
    file = forms.FileField(
        label=_("Vendor results file (CSV)"),
        help_text=_("A CSV file with the columns described above, UTF-8 encoded."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ReinstateForm(forms.Form):
    ethics_affirmed = forms.BooleanField(
        label=_("The person has signed the current Code of Ethics affirmation."),
    )


class QueueFilterForm(forms.Form):
    """Filters of the review queue (GET); invalid values are ignored, never an error page."""

    STATUSES = [
        ("", _("Submitted and in review")),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.SUBMITTED.label),
        (ApplicationStatus.IN_REVIEW, ApplicationStatus.IN_REVIEW.label),
    ]

    q = forms.CharField(
        label=_("Name or application number"),
        required=False,
        max_length=100,
        widget=forms.SearchInput,
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)

    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {"q": "", "status": ""}


class CountyRosterFilter(RosterFilter):
    """The roster filter (`certification.filters.RosterFilter`, shared with the API) with the
    workspace's "expiring soon" box."""

    expiring = django_filters.BooleanFilter(method="filter_expiring", widget=forms.CheckboxInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["expiring"].label = _("Expiring within %(days)d days") % {
            "days": policy.EXPIRING_SOON_DAYS
        }

    def filter_expiring(self, queryset, name: str, value: bool):
        return queryset.filter(expiring_soon_q(on=timezone.localdate())) if value else queryset


class OptInChangeForm(forms.Form):
    delivery_system = forms.ChoiceField(
        label=_("Delivery system"), choices=DeliverySystem.choices, widget=forms.Select
    )
    opted_in = forms.TypedChoiceField(
        label=_("Status"),
        choices=[("true", _("Opted in")), ("false", _("Not opted in"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput)
    reason = _required_text(_("Reason"), _("For example, the board resolution that decided it."))


class CountyContactForm(forms.Form):
    """The program's contact details, as applicants and peers see them (every one optional)."""

    contact_email = forms.EmailField(label=_("Email address"), max_length=254, required=False)
    contact_phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_address = forms.CharField(
        label=_("Postal address"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_hours = forms.CharField(
        label=_("Office hours"),
        max_length=200,
        required=False,
        help_text=_("For example: Monday to Friday, 9 am to 4 pm."),
    )
    contact_hours_es = forms.CharField(
        label=_("Office hours in Spanish"),
        max_length=200,
        required=False,
        help_text=_("Shown to Spanish readers. For example: De lunes a viernes, de 9 a 16 h."),
    )
    contact_url = forms.URLField(
        label=_("Web page"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("The program's page for applicants, starting with https://."),
    )
    payment_instructions = forms.CharField(
        label=_("How to pay"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown on the applicants' and peers' fee pages and in fee emails: where to send or "
            "bring a payment, office hours, the methods you accept, who to make a check out to. "
            "Leave empty to show a default made from the contact details above."
        ),
    )
    payment_instructions_es = forms.CharField(
        label=_("How to pay, in Spanish"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown to Spanish readers (otherwise they read the English text above)."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=StaffRole.choices,
        initial=StaffRole.REVIEWER,
        widget=forms.RadioSelect,
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices, widget=forms.Select)


class CeAuditDrawForm(forms.Form):
    percent = forms.IntegerField(
        label=_("Share of eligible peers to audit (percent)"), min_value=1, max_value=100
    )


class CeAuditOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (CeAuditOutcome.PASSED, _("Passed: the proof holds up")),
            (CeAuditOutcome.FAILED, _("Failed: the proof is missing or insufficient")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("What was checked. Required when the audit fails: say what was missing."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class CeAuditConsequenceForm(forms.Form):
    """What follows a failed CE audit (docs/domain.md#ce-audits)."""

    consequence = forms.ChoiceField(
        label=_("Consequence"),
        choices=[
            (CeAuditConsequence.MAKEUP, _("Require the missing hours by a deadline")),
            (CeAuditConsequence.SUSPENSION, _("Suspend the certification")),
        ],
        widget=forms.RadioSelect,
    )
    total_hours = forms.DecimalField(
        label=_("Missing hours, in all"),
        help_text=_("For a deadline: the hours the peer must complete and have verified."),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
    )
    law_and_ethics_hours = forms.DecimalField(
        label=_("Of which in law and ethics"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
    )
    due_on = forms.DateField(label=_("Deadline"), widget=DateInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the suspension"),
        help_text=_("For a suspension: the peer reads it, and the registry shows the suspension."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ExclusionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(
            ("confirmed", _("Confirmed: this is the same person")),
            ("dismissed", _("Not the same person")),
        ),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("How you decided"),
        help_text=_("For example: the date of birth and address match the county's records."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
