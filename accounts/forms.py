"""The account forms: API keys, and allauth's sign-up and sign-in forms as the product uses
them (`ACCOUNT_FORMS`, allauth's documented override point)."""

from allauth.account.forms import LoginForm, ResetPasswordKeyForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.adapter import CONFIRMED_EMAIL_SESSION_KEY


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Name (what the key is for)"), max_length=100, required=False)
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=services.MAX_TOKEN_DAYS,
        initial=services.DEFAULT_TOKEN_DAYS,
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (settings.ACCOUNT_FORMS), doing the same work whether or not
    the address already has an account (issue 18, item 8; SECURITY.md, "Accounts").

    allauth already answers both the same (the "check your email" page; the owner of a taken
    address gets an "account already exists" email instead of a confirmation), but a new
    account hashes its password and a taken address hashed nothing: with PBKDF2, a response
    a few hundred milliseconds faster meant "this address has an account". The taken path
    now hashes the password too (and throws the hash away)."""

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)


class SignInForm(LoginForm):
    """allauth's sign-in form, with the email address just confirmed by link in this browser
    filled in once (`AccountAdapter.get_email_verification_redirect_url` remembers it). Its
    fields are allauth's: the password is only checked against its hash, never stored."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        session = getattr(self.request, "session", None)
        if not self.is_bound and session is not None:
            confirmed = session.pop(CONFIRMED_EMAIL_SESSION_KEY, "")
            if confirmed:
                self.initial["login"] = confirmed
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me")


class NewPasswordForm(ResetPasswordKeyForm):
    """allauth's form of the emailed password reset link, its labels in sentence case like
    every other label of the product (allauth's are "New Password", "New Password (again)")."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (
            ("password1", _("New password")),
            ("password2", _("New password (again)")),
        ):
            self.fields[name].label = label
            self.fields[name].widget.attrs["placeholder"] = label
