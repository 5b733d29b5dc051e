"""Sign-up with mandatory email verification, sign-in, sign-out, password reset and the
login rate limit, through allauth's real views and the site's templates."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-new-long-passphrase-7"


def _only_link(message) -> str:
    links = re.findall(r"https?://testserver(/\S+)", message.body)
    assert len(links) == 1, message.body
    return links[0]


def test_sign_up_sends_a_verification_link_that_signs_the_person_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "New.Person@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.person@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in yet
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    link = _only_link(mail.outbox[0])

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert b"new.person@example.org" in confirm_page.content
    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("dashboard")
    assert EmailAddress.objects.get(user=user).verified
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.context["user"] == user


def test_sign_up_in_spanish_keeps_the_language_and_writes_the_email_in_spanish(client):
    client.cookies["peercert_language"] = "es"

    client.post(
        reverse("account_signup"),
        {"email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert User.objects.get(email="ana@example.org").preferred_language == "es"
    assert mail.outbox[0].subject == "Confirme su dirección de correo electrónico"
    with translation.override("es"):
        product = translation.gettext("CA Peer Certification")
    assert mail.outbox[0].body.startswith("Hola:\n")
    assert f"Para terminar de crear su cuenta en {product}" in mail.outbox[0].body


def test_an_unverified_account_cannot_sign_in(client):
    UserFactory(email="unverified@example.org", verified_email=False)

    response = client.post(
        reverse("account_login"), {"login": "unverified@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302


def test_sign_in_lands_on_the_dashboard_and_sign_out_ends_the_session(client):
    user = UserFactory(email="peer@example.org")

    response = client.post(
        reverse("account_login"), {"login": "PEER@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).context["user"] == user

    signed_out = client.post(reverse("account_logout"))

    assert signed_out.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="peer@example.org")

    response = client.post(
        reverse("account_login"), {"login": "peer@example.org", "password": "wrong-password"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]
    assert b'class="usa-alert usa-alert--error' in response.content
    assert "_auth_user_id" not in client.session


def test_password_reset_email_link_sets_a_new_password(client):
    user = UserFactory(email="peer@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "peer@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["peer@example.org"]
    key_page = client.get(_only_link(mail.outbox[0]), follow=True)
    assert key_page.status_code == 200
    form_url = key_page.redirect_chain[-1][0] if key_page.redirect_chain else None
    assert form_url is not None
    # The key is traded for the session at once: the form's URL, where the password is
    # posted, holds no key (SECURITY.md, "Secrets").
    key = _only_link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[-1].split("-", 1)[1]
    assert key not in form_url and form_url.endswith("-set-password/")

    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)


def test_password_reset_email_is_in_the_account_language(client):
    UserFactory(email="peer@example.org", preferred_language="es")

    client.post(reverse("account_reset_password"), {"email": "peer@example.org"})

    assert mail.outbox[0].subject == "Elija una contraseña nueva"


def test_repeated_failed_sign_ins_are_rate_limited(client):
    user = UserFactory(email="peer@example.org")
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Too many failed login attempts. Try again later."
    ]
    assert "_auth_user_id" not in client.session
