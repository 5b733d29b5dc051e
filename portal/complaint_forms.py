"""Forms of the public complaint form and of a peer's response to a complaint. They validate
input only: `cases.services.complaint_file` and `response_submit` decide, and a refusal is put
back on the form at its field (`PortalForm.add_domain_error`)."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cases.models import ComplaintSubjectKind
from cases.services import complaint_categories
from core import policy
from core.forms import DateInput
from portal.forms import PortalForm

MEGABYTE = 1024 * 1024


def _attachments_help() -> str:
    return str(
        _(
            "Optional. PDF, JPEG or PNG: photos, screenshots, letters. Each file up to "
            "%(file_mb)s MB, all files together up to %(total_mb)s MB."
        )
    ) % {
        "file_mb": policy.UPLOAD_MAX_BYTES // MEGABYTE,
        "total_mb": settings.REQUEST_BODY_MAX_BYTES // MEGABYTE - 1,
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (each judged by content in the service)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png", "multiple": True}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class ComplaintForm(PortalForm):
    """The public complaint form (no account)."""

    subject_kind = forms.ChoiceField(
        label=_("Who is the complaint about?"),
        choices=ComplaintSubjectKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who the complaint is about.")},
    )
    subject_number = forms.CharField(
        label=_("Their certification number, if you know it"),
        required=False,
        max_length=40,
        help_text=_(
            "For a certified peer: as printed on the certificate or on the verification page, "
            "for example PSS-0001234."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    subject_name = forms.CharField(
        label=_("Their name, or the name of the training provider"),
        required=False,
        max_length=200,
        help_text=_("Needed when you do not know the certification number."),
    )
    category = forms.ChoiceField(
        label=_("What is the complaint about?"),
        choices=complaint_categories,
        widget=forms.RadioSelect,
        help_text=_("The principles of the Code of Ethics peers sign, or fraud in an application."),
        error_messages={"required": _("Choose what the complaint is about.")},
    )
    incident_on = forms.DateField(
        label=_("When did it happen?"),
        widget=DateInput(),
        help_text=_("If it went on for a while, give the date of the latest incident."),
        error_messages={
            "required": _("Give the date of the incident."),
            "invalid": _("Enter the date like 03/31/2026."),
        },
    )
    summary = forms.CharField(
        label=_("What happened?"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Where and when, what was said or done, and who saw it. Up to 10,000 characters."
        ),
        error_messages={"required": _("Describe what happened.")},
    )
    attachments = MultipleFileField(label=_("Files that support your complaint"))
    complainant_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    complainant_email = forms.CharField(
        label=_("Your email address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send the acknowledgement of your complaint there."),
    )
    complainant_phone = forms.CharField(
        label=_("Your phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    # The form's one-time key (a complaint sent twice is filed once) and a field people never
    # see, which automated senders fill in.
    form_key = forms.CharField(
        label=_("Form"),
        widget=forms.HiddenInput,
        max_length=100,
        error_messages={"required": _("This form has expired. Reload the page and send it again.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = lazy(_attachments_help, str)()

    upload_limit_bytes = policy.UPLOAD_MAX_BYTES

    @property
    def upload_total_bytes(self) -> int:
        """What the attachments may weigh together (the request's limit, less room for the
        rest of the form)."""
        return settings.REQUEST_BODY_MAX_BYTES - MEGABYTE

    def is_automated(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class ResponseForm(PortalForm):
    """A peer's response to a request about a complaint."""

    upload_limit_bytes = policy.UPLOAD_MAX_BYTES
    upload_total_bytes = ComplaintForm.upload_total_bytes

    text = forms.CharField(
        label=_("Your response"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Say what happened from your side. Up to 20,000 characters."),
        error_messages={"required": _("Write your response.")},
    )
    attachments = MultipleFileField(label=_("Documents that support your response"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = lazy(_attachments_help, str)()
