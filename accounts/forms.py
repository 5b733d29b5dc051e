from typing import Any

from allauth.account.forms import (
    ChangePasswordForm,
    LoginForm,
    ResetPasswordKeyForm,
    SetPasswordForm,
    SignupForm,
)
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.adapter import CONFIRMED_EMAIL_SESSION_KEY


class SiteLoginForm(LoginForm):
    """allauth's sign-in form (ACCOUNT_FORMS) in the product's words, starting with the
    email address the person has just confirmed, if any."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")
        request = self.request
        if not self.is_bound and request is not None and hasattr(request, "session"):
            confirmed = request.session.get(CONFIRMED_EMAIL_SESSION_KEY)
            if confirmed:
                self.fields["login"].initial = confirmed


def _relabel(form: forms.Form, labels: dict[str, Any]) -> None:
    """New labels for allauth's fields, and the same words as their placeholders."""
    for name, label in labels.items():
        if name in form.fields:
            field = form.fields[name]
            field.label = label
            if "placeholder" in field.widget.attrs:
                field.widget.attrs["placeholder"] = label


class SiteSignupForm(SignupForm):
    """allauth's sign-up form (ACCOUNT_FORMS) in the product's words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"password2": _("Password again")})


class SiteChangePasswordForm(ChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "oldpassword": _("Current password"),
                "password1": _("New password"),
                "password2": _("New password again"),
            },
        )


class SiteSetPasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"password2": _("Password again")})


class SiteResetPasswordKeyForm(ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"password1": _("New password"), "password2": _("New password again")})


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Name (what the key is for)"), max_length=100, required=False)
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=services.MAX_TOKEN_DAYS,
        initial=services.DEFAULT_TOKEN_DAYS,
    )
