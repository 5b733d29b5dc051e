"""Hardened production settings and what they promise (SECURITY.md):

- `manage.py check --deploy` is clean with production variables, and production refuses to
  start without a real SECRET_KEY (both in a fresh process with DEBUG off);
- every response carries a Content-Security-Policy without 'unsafe-inline', frame denial,
  a Referrer-Policy and nosniff; with DEBUG off, HSTS and Secure, HttpOnly, SameSite cookies;
- no page template holds inline script, inline style or on* handlers (the CSP would block
  them);
- staff need MFA in production; weak passwords are refused at sign-up; sign-in, sign-up and
  password reset are rate-limited;
- the error pages (400, 403, 404, 429, 500) are the site's own, helpful and translatable.
"""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.template import loader
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from core.rls import context_key
from tests.factories import UserFactory

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_HOST = "example.org"


def _secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def run_in_production(
    args: list[str], *, secret_key: str | None = None, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run `python <args>` in a fresh process with production settings: DEBUG off, the given
    SECRET_KEY (none at all when None), ALLOWED_HOSTS=example.org, and the `extra` variables."""
    env = {
        name: value
        for name, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for Playwright.
        if name
        not in (
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "STAFF_MFA_REQUIRED",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
        and not name.startswith("SECURE_")
    }
    # The worktree's .env (read by this process already) is not read again: it would bring
    # back the development values removed above. The database is this process's (the owner,
    # switching to the application role), with this process's row-level security key.
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        ALLOWED_HOSTS=PRODUCTION_HOST,
        ENV_FILE=os.devnull,
        ROW_LEVEL_SECURITY="switch",
        RLS_CONTEXT_KEY=context_key().hex(),
    )
    # The fresh process talks to the test database, which holds the row-level security
    # functions (on a clean clone the development database has never been migrated).
    database = connection.settings_dict
    if database["NAME"].startswith("test_"):
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        )
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    env.update(extra or {})
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_is_clean_in_production():
    result = run_in_production(["manage.py", "check", "--deploy"], secret_key=_secret_key())

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "secret_key", [None, "", "change-me", "local-development-only-not-a-secret"]
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = run_in_production(["manage.py", "check"], secret_key=secret_key)

    assert result.returncode != 0
    assert (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set to a real secret "
        "when DEBUG is off." in result.stderr
    )


PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client()
secure = client.get("/no-such-page/", secure=True, HTTP_HOST="example.org")
plain = client.get("/verify/", HTTP_HOST="example.org")
names = [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
    "STAFF_MFA_REQUIRED", "STAFF_SESSION_IDLE_SECONDS", "X_FRAME_OPTIONS",
]
print(json.dumps({
    "settings": {name: getattr(settings, name) for name in names},
    "secure_status": secure.status_code,
    "secure_headers": dict(secure.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
}))
"""


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker) -> dict:
    """What a production process (DEBUG off) has set, and the headers it answers with."""
    result = run_in_production(["-c", PRODUCTION_PROBE], secret_key=_secret_key())
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_httponly_and_samesite(production):
    assert production["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "STAFF_MFA_REQUIRED": True,
        "STAFF_SESSION_IDLE_SECONDS": 1800,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_production_sends_hsts_and_redirects_plain_http_to_https(production):
    headers = production["secure_headers"]
    assert production["secure_status"] == 404
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert production["plain_status"] == 301
    assert production["plain_location"] == "https://example.org/verify/"


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "applicant", "admin"])
def test_security_headers_on_pages(cast, client, who):
    pages = {
        "anonymous": [reverse("home"), reverse("account_login"), reverse("verify_search")],
        "applicant": [reverse("dashboard")],
        "admin": [reverse("workspace:dashboard", args=[cast.county.code])],
    }
    user = getattr(cast, who)
    if user.is_authenticated:
        client.force_login(user)
    for url in pages[who]:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = _csp(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'self'"]
        assert csp["object-src"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# Rendered only to PDF by WeasyPrint, never served as a page: a payment's receipt
# (`fees.receipts`) and a program report (`reports.documents`).
PDF_TEMPLATES = {"fees/receipt.html", "reports/report.html"}
PAGE_TEMPLATES = [
    path
    for path in sorted((BASE_DIR / "templates").rglob("*.html"))
    # Certificates are rendered to PDF by WeasyPrint and emails are read in mail clients:
    # neither is served as a page under the CSP.
    if not {"certificates", "emails"} & set(path.relative_to(BASE_DIR / "templates").parts)
    and path.relative_to(BASE_DIR / "templates").as_posix() not in PDF_TEMPLATES
]
INLINE_PATTERNS = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "on*= handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_page_template_uses_inline_script_style_or_handlers():
    assert len(PAGE_TEMPLATES) > 50
    # The PDF-only templates exist and are rendered by the modules named above.
    assert all((BASE_DIR / "templates" / name).exists() for name in PDF_TEMPLATES)
    assert "fees/receipt.html" in (BASE_DIR / "fees" / "receipts.py").read_text()
    assert "reports/report.html" in (BASE_DIR / "reports" / "documents.py").read_text()
    offenders = [
        f"{path.relative_to(BASE_DIR)}:{number}: {label}"
        for path in PAGE_TEMPLATES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        for label, pattern in INLINE_PATTERNS.items()
        if pattern.search(line)
    ]
    assert offenders == []


@pytest.mark.django_db
def test_staff_must_enrol_in_mfa_when_required(cast, client, settings):
    settings.STAFF_MFA_REQUIRED = True
    client.force_login(cast.admin)

    response = client.get(reverse("workspace:dashboard", args=[cast.county.code]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("8675309245", "This password is entirely numeric."),
        ("jordan.rivera.example", "The password is too similar to the email address."),
    ],
)
def test_weak_passwords_are_refused_at_sign_up(client, password, message):
    response = client.post(
        reverse("account_signup"),
        {"email": "jordan.rivera@example.org", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["password1"]
    assert not User.objects.filter(email__iexact="jordan.rivera@example.org").exists()


@pytest.mark.django_db
def test_repeated_failed_sign_ins_for_one_account_are_refused_from_any_address(client):
    user = UserFactory(email="peer@example.org", password="correct-horse-battery")
    for attempt in range(5):
        response = client.post(
            reverse("account_login"),
            {"login": user.email, "password": "wrong-password"},
            REMOTE_ADDR=f"203.0.113.{attempt + 1}",
        )
        assert "The email address and/or password you specified are not correct." in (
            response.content.decode()
        )

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct-horse-battery"},
        REMOTE_ADDR="198.51.100.7",
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Too many failed login attempts. Try again later."
    ]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_requests_for_one_address_are_rate_limited(client):
    from django.core import mail

    UserFactory(email="peer@example.org")
    url = reverse("account_reset_password")
    for _ in range(5):
        assert client.post(url, {"email": "peer@example.org"}).status_code == 302

    response = client.post(url, {"email": "peer@example.org"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_sign_up_attempts_from_one_address_are_rate_limited(client):
    url = reverse("account_signup")
    form = {"email": "someone@example.org", "password1": "a-long-passphrase-1", "password2": "x"}
    for _ in range(20):
        assert client.post(url, form).status_code == 200

    response = client.post(url, form)

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(email="someone@example.org").exists()


@pytest.mark.django_db
def test_an_unknown_address_shows_the_sites_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'class="usa-skipnav"' in html
    assert reverse("verify_search") in html
    assert "Error code: 404" in html


@pytest.mark.django_db
def test_a_refused_page_shows_the_sites_403_page(cast, client):
    client.force_login(cast.reviewer)

    response = client.get(reverse("workspace:staff", args=[cast.county.code]))

    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>You cannot do this</h1>" in html
    assert reverse("dashboard") in html
    assert "Error code: 403" in html


@pytest.mark.django_db
def test_a_bad_host_header_shows_the_sites_400_page(client):
    response = client.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>We could not understand that request</h1>" in html
    assert "Error code: 400" in html


def test_the_500_page_stands_alone_and_is_translatable():
    source = (BASE_DIR / "templates" / "500.html").read_text()
    assert "{% extends" not in source
    assert "{% url" not in source
    assert "request" not in source
    assert "{% load i18n static %}" in source

    # In English whatever language an earlier test's request left active in this thread.
    with translation.override("en"):
        html = loader.get_template("500.html").render()

    assert "<h1>Something went wrong on our side</h1>" in html
    assert 'href="/"' in html
    assert "Error code: 500" in html


@pytest.mark.django_db
def test_error_pages_follow_the_language(client):
    with translation.override("es"):
        html = loader.get_template("500.html").render()
    assert '<html lang="es">' in html
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es">' in response.content.decode()


@pytest.mark.django_db
def test_language_cookies_are_httponly_and_secure_in_production(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    user = UserFactory(email="peer@example.org", preferred_language="es")

    signed_in = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )
    switched = client.post(reverse("portal:language"), {"language": "en", "next": "/"})

    for response in (signed_in, switched):
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        assert cookie["httponly"] is True
        assert cookie["secure"] is True
        assert cookie["samesite"] == "Lax"
