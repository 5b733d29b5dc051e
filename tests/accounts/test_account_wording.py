"""Account pages and emails (allauth) speak the product's language: "Sign in" and "Create an
account" everywhere, the person's name when it is known, the site's name rather than a host,
the email address filled in after it is confirmed, in English and Spanish; and a favicon."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from certification.services import profile_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
STOCK = ("Sign In", "Sign Up", "Signup", "Sign Out", "Log in", "Remember Me", "(again)")
PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]


def main(response) -> str:
    return response.content.decode().split('id="main-content"')[1]


@pytest.mark.parametrize("name", PAGES)
def test_visitor_pages_use_the_products_words(client, name):
    html = main(client.get(reverse(name)))

    for stock in STOCK:
        assert stock not in html, (name, stock)
    assert "contact us" not in html.lower()


def test_sign_in_and_create_an_account_link_to_each_other(client):
    login = main(client.get(reverse("account_login")))
    signup = main(client.get(reverse("account_signup")))

    assert "<h1" in login and ">Sign in</h1>" in login
    assert f'<a href="{reverse("account_signup")}">Create an account</a>' in login
    assert "Keep me signed in on this device" in login
    assert ">Create an account</h1>" in signup
    assert f'<a href="{reverse("account_login")}">Sign in</a>' in signup
    assert "Password again" in signup


def test_the_pages_in_spanish(client):
    client.cookies["peercert_language"] = "es"

    login = main(client.get(reverse("account_login")))
    signup = main(client.get(reverse("account_signup")))
    reset = main(client.get(reverse("account_reset_password")))

    assert "Iniciar sesión" in login and "Crear una cuenta" in login
    assert "Mantener la sesión iniciada en este dispositivo" in login
    assert "Crear una cuenta" in signup and "Contraseña otra vez" in signup
    assert "Restablezca su contraseña" in reset and "Envíenme un enlace" in reset


def test_signed_in_pages_use_the_products_words(client):
    client.force_login(UserFactory(email="peer@example.org"))

    logout = main(client.get(reverse("account_logout")))
    change = main(client.get(reverse("account_change_password")))

    assert ">Sign out</h1>" in logout
    assert "Current password" in change and "New password again" in change
    for stock in STOCK:
        assert stock not in logout + change


def _signup(client, email="rosa@example.org"):
    client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    return mail.outbox[-1]


def test_the_confirmation_email_names_the_site_not_a_host(client, settings):
    settings.SITE_URL = "https://peers.example.gov"

    message = _signup(client)

    assert message.subject == "Confirm your email address to finish creating your account"
    assert message.body.startswith("Hello,\n")
    assert "California Peer Support Specialist Certification" in message.body
    assert "https://peers.example.gov" in message.body
    assert "testserver\n" not in message.body and "Hello from" not in message.body
    assert "example.com" not in message.body


def test_account_emails_greet_the_person_by_name_once_known(client):
    UserFactory(email="ana@example.org", first_name="Ana")

    client.post(reverse("account_reset_password"), {"email": "ana@example.org"})

    message = mail.outbox[-1]
    assert message.subject == "Reset your password"
    assert message.body.startswith("Hello Ana,\n")
    assert re.search(r"https?://testserver/accounts/password/reset/key/\S+", message.body)


def test_account_emails_in_spanish(client):
    UserFactory(email="ana@example.org", first_name="Ana", preferred_language="es")

    client.post(reverse("account_reset_password"), {"email": "ana@example.org"})

    message = mail.outbox[-1]
    assert message.subject == "Restablezca su contraseña"
    assert message.body.startswith("Hola, Ana:\n")
    assert "Certificación de Especialistas en Apoyo entre Pares de California" in message.body


def test_an_unknown_address_is_told_how_to_create_an_account(client):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    message = mail.outbox[-1]
    assert message.subject == "No account with this email address"
    assert "There is no account with this address." in message.body
    assert "/accounts/signup/" in message.body


def test_the_profile_name_becomes_the_accounts_name(cast):
    user = UserFactory(email="new@example.org", first_name="", last_name="")

    profile_save(user=user, legal_first_name="Rosa", legal_last_name="Díaz")

    assert User.objects.filter(pk=user.pk).values_list("first_name", "last_name").get() == (
        "Rosa",
        "Díaz",
    )


def test_after_confirming_elsewhere_the_sign_in_form_has_the_address(client):
    message = _signup(client, "rosa@example.org")
    link = re.search(r"https?://testserver(/\S+)", message.body).group(1)
    client.logout()
    client.cookies.clear()  # the link opened in another browser

    confirmed = client.post(link)

    assert confirmed.status_code == 302
    login = client.get(confirmed["Location"])
    assert 'value="rosa@example.org"' in login.content.decode()
    assert client.get(reverse("account_login")).context["form"].fields["login"].initial == (
        "rosa@example.org"
    )


def test_a_favicon(client):
    home = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in home

    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.ico"
