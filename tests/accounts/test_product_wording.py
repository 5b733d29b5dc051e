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
from tests.accounts.mfa_helpers import enrol_totp, reauthenticate, sign_in
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


# allauth's Title Case wording of the password reset and two-step sign-in pages (STYLE.md:
# sentence case), and its "contact us" with nobody to contact.
TITLE_CASE = (
    "Password Reset",
    "Reset My Password",
    "Change Password",
    "Bad Token",
    "New Password",
    "Remember Me",
    "Two-Factor",
    "Authenticator App",
    "Recovery Codes",
    "Confirm Access",
    "Generate",
    "Activate",
    "contact us",
)


def _main(response) -> str:
    assert response.status_code == 200
    main = response.content.decode().split('id="main-content"')[1]
    _assert_no_stock_wording(main)
    for stock in TITLE_CASE:
        assert stock not in main, stock
    return main


def _h1(main: str) -> str:
    return re.search(r"<h1[^>]*>\s*(.*?)\s*</h1>", main, re.S).group(1)


def _reset_link(client) -> str:
    UserFactory(email="peer@example.org", first_name="Ana")
    client.post(reverse("account_reset_password"), {"email": "peer@example.org"})
    link = _link(mail.outbox[-1])
    # The emailed link moves its key into the session and redirects to the key-less form.
    return client.get(link)["Location"]


def test_the_password_reset_pages_are_in_sentence_case(client):
    main = _main(client.get(reverse("account_reset_password")))
    assert _h1(main) == "Reset your password"
    assert re.search(r"<button[^>]*>\s*Email me a link\s*</button>", main)
    assert 'href="/programs/"' in main  # help points to the county programs

    main = _main(client.get(reverse("account_reset_password_done")))
    assert _h1(main) == "Check your email"

    form_url = _reset_link(client)
    main = _main(client.get(form_url))
    assert _h1(main) == "Choose a new password"
    assert ">New password</label>" in main and ">New password (again)</label>" in main
    new = "a-new-long-passphrase-7"
    done = client.post(form_url, {"password1": new, "password2": new})
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    main = _main(client.get(done["Location"]))
    assert _h1(main) == "Password changed"
    assert User.objects.get(email="peer@example.org").check_password(new)

    # The link works once: a second visit says so and offers a new one.
    main = _main(client.get(form_url))
    assert _h1(main) == "This link no longer works"
    assert f'href="{reverse("account_reset_password")}"' in main


def test_the_sign_in_page_says_remember_me_in_sentence_case(client):
    main = _main(client.get(reverse("account_login")))
    assert "Remember me" in main


def test_the_two_step_sign_in_pages_are_in_sentence_case(client):
    user = UserFactory(email="peer@example.org")
    sign_in(client, "peer@example.org")
    main = _main(client.get(reverse("mfa_index")))
    assert _h1(main) == "Two-step sign-in"
    assert "Off: no authenticator app is set up." in main

    main = _main(client.get(reverse("mfa_activate_totp"), follow=True))
    assert _h1(main) == "Confirm it is you"  # the password again before any change
    reauthenticate(client)
    main = _main(client.get(reverse("mfa_activate_totp")))
    assert _h1(main) == "Set up an authenticator app"
    assert ">Setup key</label>" in main
    assert not re.search(r"<script(?![^>]*\bsrc=)", main)
    enrol_totp(client)

    main = _main(client.get(reverse("mfa_index")))
    assert "On: signing in asks for a code from your authenticator app." in main
    assert "10 of your 10 recovery codes are left." in main
    main = _main(client.get(reverse("mfa_view_recovery_codes")))
    assert _h1(main) == "Recovery codes"
    assert not re.search(r"<script(?![^>]*\bsrc=)", main)
    main = _main(client.get(reverse("mfa_generate_recovery_codes")))
    assert _h1(main) == "Make new recovery codes"
    assert "Your current codes will stop working." in main
    main = _main(client.get(reverse("mfa_deactivate_totp")))
    assert _h1(main) == "Turn off the authenticator app"
    assert user.authenticator_set.count() == 2  # looking changed nothing


def test_the_password_reset_and_two_step_pages_in_spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    main = _main(client.get(reverse("account_reset_password")))
    assert _h1(main) == "Restablezca su contraseña"
    assert "Envíenme un enlace" in main
    form_url = _reset_link(client)
    main = _main(client.get(form_url))
    assert _h1(main) == "Elija una contraseña nueva"
    assert ">Contraseña nueva</label>" in main

    sign_in(client, "peer@example.org")
    main = _main(client.get(reverse("mfa_index")))
    assert _h1(main) == "Inicio de sesión en dos pasos"
    assert "Configurar una aplicación de autenticación" in main
