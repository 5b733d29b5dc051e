"""Forms of the applicant portal. They validate input only: every save goes through a service
(`certification.services`, `training.services`, `continuing_ed.services`), and a refusal from a
service (`DomainError`) is put back on the form at its field with `add_domain_error`."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from certification.models import PROFILE_FIELDS, ApplicantProfile, Pathway
from continuing_ed.models import CeCategory
from core import policy
from core.errors import DomainError
from core.forms import DateInput
from core.units import hours_text
from counties.models import County
from training.models import TrainingProvider, TrainingRecord
from training.selectors import course_choices


def _lazy_format(message: Any, **values: Any) -> str:
    """Interpolate a lazily translated message when it is shown, not when the module loads:
    class-level help texts would otherwise be frozen in the language of the first import."""
    return lazy(lambda: str(message) % values, str)()


UPLOAD_HELP = _lazy_format(
    _("PDF, JPEG or PNG, up to %(megabytes)s MB."),
    megabytes=policy.UPLOAD_MAX_BYTES // (1024 * 1024),
)


class PortalForm(forms.Form):
    """A portal form: its required fields are marked (templates/forms/field.html)."""

    mark_required = True

    def add_domain_error(
        self, error: DomainError, *, field_map: dict[str, str] | None = None
    ) -> None:
        """Show a service's refusal at the field it names (mapped through `field_map` when the
        service's field name differs from the form's), or above the form."""
        field = (field_map or {}).get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, str(error.message))


class PortalModelForm(forms.ModelForm):
    """A ModelForm used for its fields and labels only: views never call `save()`."""

    mark_required = True
    add_domain_error = PortalForm.add_domain_error

    def _post_clean(self) -> None:
        # Model validation belongs to the service; only the form's own fields are checked here.
        pass


class ProfileForm(PortalModelForm):
    class Meta:
        model = ApplicantProfile
        fields = PROFILE_FIELDS
        widgets = {
            "date_of_birth": DateInput,
            "lived_experience": forms.RadioSelect,
            "education": forms.RadioSelect,
            "preferred_language": forms.RadioSelect,
        }
        help_texts = {
            "legal_first_name": _("Exactly as it appears on your government photo ID."),
            "legal_last_name": _("Exactly as it appears on your government photo ID."),
            "preferred_name": _("The name you would like us to use, if different."),
            "state": _("Two letters, for example CA."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].required = True
        self.fields["lived_experience"].required = True
        self.fields["education"].required = True
        self.fields["lived_experience"].choices = [
            c for c in self.fields["lived_experience"].choices if c[0]
        ]
        self.fields["education"].choices = [c for c in self.fields["education"].choices if c[0]]
        self.fields["county_of_residence"].queryset = County.objects.order_by("name")
        self.fields["county_of_residence"].empty_label = _("- Select -")
        self.fields["phone"].widget.attrs.update(type="tel", autocomplete="tel")
        self.fields["legal_first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["legal_last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["address_line1"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["address_line2"].widget.attrs["autocomplete"] = "address-line2"
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["postal_code"].widget.attrs.update(
            autocomplete="postal-code", inputmode="numeric"
        )
        self.fields["date_of_birth"].widget.attrs["autocomplete"] = "bday"


class NewApplicationForm(PortalForm):
    """Step 1 of a new application: the county program and the pathway."""

    county = forms.ModelChoiceField(
        label=_("County program"),
        queryset=County.objects.none(),
        empty_label=_("- Select a county -"),
        help_text=_("Only counties that offer peer support services are listed."),
    )
    pathway = forms.ChoiceField(label=_("Pathway"), widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, counties: QuerySet[County], today: datetime.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["county"].label_from_instance = county_label
        self.fields["pathway"].choices = open_pathways(today)


class TransferForm(PortalForm):
    """Move an application whose county stopped participating to another county's program."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    county = forms.ModelChoiceField(
        label=_("County program to move your application to"),
        queryset=County.objects.none(),
        empty_label=_("- Select a county -"),
        help_text=_("Only counties that offer peer support services are listed."),
    )

    def __init__(self, *args: Any, counties: QuerySet[County], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["county"].label_from_instance = county_label


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by content
    in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AppealForm(PortalForm):
    """An appeal of a decision: why it should change, and documents that show it."""

    statement = forms.CharField(
        label=_("Why the decision should change"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        help_text=_(
            "Say what you think is wrong with the decision and what you ask for. Your "
            "statement is read by someone who did not take the decision."
        ),
        error_messages={"required": _("Say why the decision should change.")},
    )
    documents = MultipleFileField(
        label=_("Documents (optional)"),
        required=False,
        help_text=_lazy_format(
            _("Up to %(count)s files: PDF, JPEG or PNG, up to %(megabytes)s MB each."),
            count=5,
            megabytes=policy.UPLOAD_MAX_BYTES // (1024 * 1024),
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"


class DisputeForm(PortalForm):
    """The learner disputes a record a provider reported about them."""

    reason = forms.CharField(
        label=_("What is wrong with this record"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text=_("For example: I never took this course, or the date or hours are wrong."),
        error_messages={"required": _("Say what is wrong with this record.")},
    )


class PathwayForm(PortalForm):
    """Step 1 of an existing draft: only the pathway can change (the county is fixed)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    pathway = forms.ChoiceField(label=_("Pathway"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pathway"].choices = open_pathways(today)


def open_pathways(today: datetime.date) -> list[tuple[str, str]]:
    """The pathways a new application may take on `today` (grandparenting closed in 2022)."""
    return [
        (value, label)
        for value, label in Pathway.choices
        if value != Pathway.GRANDPARENTING or today <= policy.GRANDPARENTING_CLOSED_ON
    ]


def county_label(county: County) -> str:
    """ "Alameda (Specialty Mental Health Services, Drug Medi-Cal State Plan)": the county and
    the delivery systems it has opted in for (`open_opt_ins`, prefetched by the view)."""
    systems = [period.get_delivery_system_display() for period in county.open_opt_ins]
    if not systems:
        return county.name
    return _("%(county)s (%(systems)s)") % {"county": county.name, "systems": ", ".join(systems)}


class EthicsSignForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ethics_version = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("I have read the Code of Ethics above and I agree to follow it."),
        error_messages={"required": _("Check the box to sign the Code of Ethics.")},
    )


class AttestationsForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    attest_share_experience = forms.BooleanField(
        label=_("I am willing to share my lived experience to support others."),
        error_messages={"required": _("Check the box to confirm this statement.")},
    )
    attest_recovery = forms.BooleanField(
        label=_("I am dedicated to recovery, my own or my family member's."),
        error_messages={"required": _("Check the box to confirm this statement.")},
    )


class OutOfStateForm(PortalForm):
    """The out-of-state reciprocity answers (only for that pathway)."""

    other_state = forms.CharField(
        label=_("State that certified you"),
        max_length=2,
        min_length=2,
        help_text=_("Two letters, for example NV."),
    )
    other_state_certification_number = forms.CharField(
        label=_("Your certification number in that state"), max_length=50
    )
    other_state_expires_on = forms.DateField(
        label=_("Expiry date of that certification"),
        widget=DateInput,
        help_text=_("It must still be current when you apply and when you are certified here."),
    )
    peer_work_hours = forms.IntegerField(
        label=_("Hours of paid or volunteer peer work"),
        min_value=0,
        help_text=_lazy_format(
            _("At least %(hours)s hours are required."),
            hours=policy.OUT_OF_STATE_PEER_WORK_HOURS,
        ),
    )
    attest_no_pending_discipline = forms.BooleanField(
        label=_("I have no pending discipline in any state."),
        error_messages={"required": _("Check the box to confirm this statement.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other_state"].widget.attrs.update(
            {"class": "usa-input usa-input--2xs", "autocomplete": "off"}
        )
        self.fields["peer_work_hours"].widget.attrs["class"] = "usa-input usa-input--small"

    def clean_other_state(self) -> str:
        # Two ASCII letters: upper-casing other letters can lengthen them ("ß" → "SS").
        state = self.cleaned_data["other_state"].upper()
        if not (len(state) == 2 and state.isascii() and state.isalpha()):
            raise forms.ValidationError(
                _("Enter the two-letter code of the state, for example NV.")
            )
        return state


class OutOfStateAttestationsForm(AttestationsForm, OutOfStateForm):
    """Attestations and the out-of-state answers on one step."""


class DocumentUploadForm(PortalForm):
    """One document (photo ID or diploma); the kind is the form's prefix. The file is judged
    by content in the service."""

    file = forms.FileField(
        help_text=UPLOAD_HELP,
        error_messages={"required": _("Choose a file to upload.")},
    )

    def __init__(self, *args: Any, document_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("File for: %(document)s") % {"document": document_label}
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"


class TrainingRecordForm(PortalForm):
    course = forms.ChoiceField(label=_("Course"), choices=course_choices)
    provider = forms.ModelChoiceField(
        label=_("Training provider"),
        queryset=TrainingProvider.objects.none(),
        empty_label=_("- Select an approved provider -"),
    )
    hours = forms.DecimalField(
        label=_("Hours completed"), min_value=0.25, max_digits=6, decimal_places=2
    )
    completed_on = forms.DateField(label=_("Completion date"), widget=DateInput)
    certificate = forms.FileField(
        label=_("Certificate of completion"),
        help_text=UPLOAD_HELP,
        error_messages={"required": _("Upload the certificate of completion.")},
    )

    def __init__(self, *args: Any, providers: QuerySet[TrainingProvider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["hours"].widget.attrs["class"] = "usa-input usa-input--small"
        self.fields["certificate"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"


class CeCreditForm(PortalForm):
    title = forms.CharField(label=_("Course title"), max_length=200)
    provider_name = forms.CharField(label=_("Provider"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.25, max_digits=5, decimal_places=2)
    category = forms.ChoiceField(
        label=_("Category"), choices=CeCategory.choices, widget=forms.RadioSelect
    )
    completed_on = forms.DateField(label=_("Completion date"), widget=DateInput)
    proof = forms.FileField(
        label=_("Proof of completion"),
        help_text=UPLOAD_HELP,
        error_messages={"required": _("Upload the proof of completion.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hours"].widget.attrs["class"] = "usa-input usa-input--small"
        self.fields["proof"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"


class RenewalForm(PortalForm):
    """A reinstatement: the Code of Ethics affirmed again (the rest is on record)."""

    ethics_version = forms.IntegerField(widget=forms.HiddenInput)
    affirm = forms.BooleanField(
        label=_("I have read the Code of Ethics above and I affirm that I follow it."),
        error_messages={"required": _("Check the box to affirm the Code of Ethics.")},
    )


class AttestedRenewalForm(RenewalForm):
    """A renewal or late renewal: the holder's attestation of the cycle's CE and of keeping
    the records, and the Code of Ethics affirmed again (docs/domain.md#renewal)."""

    attest_ce = forms.BooleanField(
        label=_lazy_format(
            _(
                "I completed at least %(total)s hours of continuing education in this "
                "certification period, at least %(law)s of them in law and ethics."
            ),
            total=hours_text(policy.CE_HOURS_REQUIRED),
            law=hours_text(policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED),
        ),
        error_messages={"required": _("Check the box to confirm your continuing education.")},
    )
    attest_records = forms.BooleanField(
        label=_(
            "I keep the certificates of completion of this continuing education for 2 years "
            "and will show them if my county program audits me."
        ),
        error_messages={"required": _("Check the box to confirm that you keep the records.")},
    )
    field_order = ["ethics_version", "attest_ce", "attest_records", "affirm"]


class SpecializationForm(PortalForm):
    training_record = forms.ModelChoiceField(
        label=_("Verified specialization training"),
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the training that qualifies you.")},
    )

    def __init__(self, *args: Any, records: QuerySet[TrainingRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["training_record"]
        field.queryset = records
        field.label_from_instance = lambda record: (
            _("%(course)s: %(hours)s hours, %(provider)s, completed %(date)s")
            % {
                "course": record.get_course_display(),
                "hours": hours_text(record.hours),
                "provider": record.provider.name,
                "date": record.completed_on.isoformat(),
            }
        )


class AccountCloseForm(PortalForm):
    """Closing one's own account: an explicit confirmation and the password again, checked
    only while `password_attempts_left` (the view counts attempts with allauth's rate limit)."""

    understand = forms.BooleanField(
        label=_(
            "I understand that I will not be able to sign in again, that my open applications "
            "will be withdrawn, and that my records are kept as described above."
        ),
        error_messages={"required": _("Check the box to confirm that you want to close it.")},
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm it is you.")},
    )
    reason = forms.CharField(
        label=_("Why are you closing your account? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, user: User, password_attempts_left: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.password_attempts_left = password_attempts_left

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.password_attempts_left:
            raise forms.ValidationError(
                _("Too many attempts. Wait a minute, then enter your password again.")
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
