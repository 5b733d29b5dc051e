"""Signing in through the real forms and producing TOTP codes, for MFA tests."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

PASSWORD = "correct-horse-battery"


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The RFC 6238 code an authenticator app shows for `secret` now (or at `at`)."""
    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // 30))


def sign_in(client: Client, email: str, password: str = PASSWORD):
    """Sign in through allauth's form."""
    return client.post(reverse("account_login"), {"login": email, "password": password})


def reauthenticate(client: Client, password: str = PASSWORD) -> None:
    """Confirm the password again, as allauth asks before any change to MFA."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content


def enrol_totp(client: Client) -> str:
    """Activate an authenticator app for the signed-in user; returns its secret."""
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content
    return secret
