"""Forms of the employer pages: shape only; every rule is the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from employers.models import EmployerRole, NoticeMode


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)


class SettingsForm(forms.Form):
    notice_mode = forms.ChoiceField(
        label=_("Email notices of changes"),
        choices=NoticeMode.choices,
        widget=forms.RadioSelect,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)


class WatchAddForm(forms.Form):
    number = forms.CharField(
        label=_("Certification number"),
        max_length=20,
        help_text=_("As printed on the certificate, for example PSS-0001000."),
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, help_text=_("The last name on the certification.")
    )


class WatchUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns certification_number and last_name, one peer per line."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=EmployerRole.choices)


class ConfirmForm(forms.Form):
    """An action that needs nothing but the confirmation itself."""


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of your system that accepts POSTed JSON."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class EndpointStateForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label=_("State"),
        choices=(("true", _("Enabled")), ("false", _("Disabled"))),
        coerce=lambda value: value == "true",
        widget=forms.HiddenInput,
    )
