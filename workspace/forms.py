"""Forms of the county workspace. They check the shape of the input only: every rule is
the services' (a refused action comes back as a DomainError and is shown on the form)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ce_audits.models import CeAuditOutcome
from certification.models import ApplicationPart, ApplicationStatus, CertificationStatus
from core import policy
from counties.models import DeliverySystem, StaffRole
from exams.models import ExamResult
from training.models import Specialization

_INPUT_CLASSES = {
    forms.Textarea: "usa-textarea",
    forms.Select: "usa-select",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}
_GROUP_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.CheckboxInput)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UswdsForm(forms.Form):
    """USWDS classes on every widget, and, once validated, `aria-invalid` and an
    `aria-describedby` pointing at the field's error message (templates/workspace/includes/
    field.html renders it with the id `<field id>-error`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (*_GROUP_WIDGETS, forms.HiddenInput)):
                continue
            widget.attrs.setdefault("class", _INPUT_CLASSES.get(type(widget), "usa-input"))
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                self._mark_invalid(name)

    def _mark_invalid(self, name: str) -> None:
        widget = self.fields[name].widget
        if widget.attrs.get("aria-invalid") == "true":
            return
        error_id = f"{self[name].auto_id}-error"
        described = widget.attrs.get("aria-describedby", "")
        widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()
        widget.attrs["aria-invalid"] = "true"
        if not isinstance(widget, _GROUP_WIDGETS):
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} usa-input--error".strip()


def _required_text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        strip=True,
    )


class ConfirmForm(UswdsForm):
    """An action that needs nothing but the confirmation itself."""


class VersionedForm(UswdsForm):
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


class DenyForm(VersionedForm):
    reason = _required_text(_("Reason for the denial"), _("The applicant reads this reason."))


class ReasonForm(UswdsForm):
    reason = _required_text(_("Reason"))


class OptionalReasonForm(UswdsForm):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ReviewDecisionForm(UswdsForm):
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


class ExamAttemptForm(UswdsForm):
    taken_on = forms.DateField(label=_("Exam date"), widget=DateInput)
    result = forms.ChoiceField(
        label=_("Result"), choices=ExamResult.choices, widget=forms.RadioSelect
    )
    scaled_score = forms.IntegerField(
        label=_("Scaled score (optional)"), required=False, min_value=0, max_value=32767
    )


class ExamImportForm(UswdsForm):
    file = forms.FileField(
        label=_("Vendor results file (CSV)"),
        help_text=_("A CSV file with the columns described above, UTF-8 encoded."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ReinstateForm(UswdsForm):
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

    q = forms.CharField(label=_("Name or application number"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "usa-input", "type": "search"})
        self.fields["status"].widget.attrs["class"] = "usa-select"

    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {"q": "", "status": ""}


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or certification number"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *CertificationStatus.choices],
        required=False,
    )
    specialization = forms.ChoiceField(
        label=_("Specialization"),
        choices=[("", _("Any specialization")), *Specialization.choices],
        required=False,
    )
    expiring = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expiring"].label = _("Expiring within %(days)d days") % {
            "days": policy.EXPIRING_SOON_DAYS
        }
        self.fields["q"].widget.attrs.update({"class": "usa-input", "type": "search"})
        self.fields["status"].widget.attrs["class"] = "usa-select"
        self.fields["specialization"].widget.attrs["class"] = "usa-select"
        self.fields["expiring"].widget.attrs["class"] = "usa-checkbox__input"

    def values(self) -> dict:
        if self.is_valid():
            return self.cleaned_data
        return {"q": "", "status": "", "specialization": "", "expiring": False}


class OptInChangeForm(UswdsForm):
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


class InviteForm(UswdsForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=StaffRole.choices,
        initial=StaffRole.REVIEWER,
        widget=forms.RadioSelect,
    )


class MembershipRoleForm(UswdsForm):
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices, widget=forms.Select)


class CeAuditDrawForm(UswdsForm):
    percent = forms.IntegerField(
        label=_("Share of eligible peers to audit (percent)"), min_value=1, max_value=100
    )


class CeAuditOutcomeForm(UswdsForm):
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
