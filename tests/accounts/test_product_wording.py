"""Account emails and pages speak the product's language, not django-allauth's stock wording
(issue 13 item 18): the person's name when known, the site name and its address instead of a
host, "Sign in" and "Create an account" everywhere, the address just confirmed filled in on the
sign-in page, a favicon; in English and Spanish."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.mfa_helpers import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
# allauth's stock wording that must not reach a person.
STOCK = (
    "Sign In",
    "Sign Up",
    "Signup",
    "sign up",
    "Sign Out",
    "Hello from",
    "Thank you for using",
    "example.com",
    "testserver\n",
)


def _link(message) -> str:
    (link,) = re.findall(r"https?://testserver(/\S+)", message.body)
    return link


def _assert_no_stock_wording(text: str) -> None:
    for stock in STOCK:
        assert stock not in text, stock


@pytest.mark.parametrize(
    ("name", "heading", "button"),
    [
        ("account_login", "Sign in", "Sign in"),
        ("account_signup", "Create an account", "Create an account"),
    ],
)
def test_the_entrance_pages_say_sign_in_and_create_an_account(client, name, heading, button):
    html = client.get(reverse(name)).content.decode()
    assert re.search(rf"<h1[^>]*>\s*{heading}\s*</h1>", html)
    assert re.search(rf"<button[^>]*>\s*{button}\s*</button>", html)
    other = "account_signup" if name == "account_login" else "account_login"
    assert f'href="{reverse(other)}"' in html
    main = html.split('id="main-content"')[1]
    _assert_no_stock_wording(main)
    assert "CA Peer Certification" in main


def test_the_sign_out_and_second_step_pages_say_sign_out_and_sign_in(client):
    user = UserFactory(email="peer@example.org")
    sign_in(client, "peer@example.org")
    html = client.get(reverse("account_logout")).content.decode()
    assert re.search(r"<button[^>]*>\s*Sign out\s*</button>", html)
    _assert_no_stock_wording(html.split('id="main-content"')[1])

    client.logout()
    TOTP.activate(user, generate_totp_secret())
    sign_in(client, "peer@example.org")
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert re.search(r"<button[^>]*>\s*Sign in\s*</button>", html)
    assert "<title>Sign in |" in html
    main = html.split('id="main-content"')[1]
    _assert_no_stock_wording(main)
    # The Content-Security-Policy allows no inline script: every script has a source.
    assert not re.search(r"<script(?![^>]*\bsrc=)", main)


def test_the_pages_in_spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    login = client.get(reverse("account_login")).content.decode()
    signup = client.get(reverse("account_signup")).content.decode()
    assert re.search(r"<h1[^>]*>\s*Iniciar sesión\s*</h1>", login)
    assert "Crear una cuenta" in login
    assert re.search(r"<h1[^>]*>\s*Crear una cuenta\s*</h1>", signup)
    assert "Inicie sesión" in signup


def test_the_confirmation_email_names_the_site_and_signs_with_its_address(client):
    client.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mail.outbox
    assert message.subject == "Confirm your email address"
    assert message.body.startswith("Hello,\n")  # no name known yet
    assert "To finish setting up your account on CA Peer Certification" in message.body
    assert "new.person@example.org" in message.body
    assert f"{settings.SITE_URL}/" in message.body
    _assert_no_stock_wording(message.body)

    html = client.get(reverse("account_email_verification_sent")).content.decode()
    assert "Check your email" in html


def test_the_password_reset_email_greets_the_person_by_name(client):
    UserFactory(email="peer@example.org", first_name="Ana")
    client.post(reverse("account_reset_password"), {"email": "peer@example.org"})
    (message,) = mail.outbox
    assert message.subject == "Choose a new password"
    assert message.body.startswith("Hello Ana,\n")
    assert "your account on CA Peer Certification" in message.body
    _assert_no_stock_wording(message.body)


def test_the_email_for_an_unknown_address_offers_to_create_an_account(client):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    (message,) = mail.outbox
    assert message.subject == "No account with this email address"
    assert "nobody@example.org" in message.body
    assert reverse("account_signup") in message.body
    _assert_no_stock_wording(message.body)


def test_signing_up_with_a_taken_address_says_so_in_the_products_words(client):
    UserFactory(email="peer@example.org", first_name="Ana")
    client.post(
        reverse("account_signup"),
        {"email": "peer@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mail.outbox
    assert message.subject == "You already have an account"
    assert message.body.startswith("Hello Ana,\n")
    assert f"{settings.SITE_URL}/accounts/login/" in message.body
    _assert_no_stock_wording(message.body)


def test_the_emails_in_spanish(client):
    UserFactory(email="peer@example.org", first_name="Ana", preferred_language="es")
    client.post(reverse("account_reset_password"), {"email": "peer@example.org"})
    (message,) = mail.outbox
    assert message.subject == "Elija una contraseña nueva"
    assert message.body.startswith("Hola, Ana:\n")
    assert "su cuenta en Certificación de Pares de California" in message.body
    assert "Certificación de Especialistas en Apoyo entre Pares de California" in message.body


def test_after_confirming_in_another_browser_the_sign_in_page_has_the_address(client):
    client.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = _link(mail.outbox[0])
    other = client_class_new()
    confirmed = other.post(link)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("account_login")
    page = other.get(confirmed["Location"])
    assert page.context["form"]["login"].value() == "new.person@example.org"
    assert 'value="new.person@example.org"' in page.content.decode()
    # Once: a later visit to the sign-in page starts empty.
    assert other.get(reverse("account_login")).context["form"]["login"].value() in (None, "")
    assert User.objects.get(email="new.person@example.org").emailaddress_set.get().verified


def client_class_new():
    from django.test import Client

    return Client()


def test_the_sign_in_page_of_someone_who_never_confirmed_anything_is_empty(client):
    assert client.get(reverse("account_login")).context["form"]["login"].value() in (None, "")


def test_a_favicon_is_served_and_linked_from_every_page(client):
    for name in ("favicon.svg", "favicon.ico", "apple-touch-icon.png"):
        assert finders.find(name), name
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon\.ico" sizes="32x32">', html)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    login = client.get(reverse("account_login")).content.decode()
    assert 'href="/static/favicon.svg"' in login
