"""Every allauth page renders inside the site's USWDS layout, with a label for every field."""

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.accounts.mfa_helpers import reauthenticate, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INPUT = re.compile(r"<(input|select|textarea)\b[^>]*>")


def _assert_site_layout_with_labelled_fields(html: str, url: str) -> None:
    assert 'class="usa-header' in html, url
    assert html.count("<h1") == 1, url
    for tag in INPUT.finditer(html):
        element = tag.group(0)
        if re.search(r'type="(hidden|submit)"', element):
            continue
        field_id = re.search(r'id="([^"]+)"', element)
        assert field_id, f"{url}: a field without an id: {element}"
        assert f'for="{field_id.group(1)}"' in html, f"{url}: no label for {element}"


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_pages_for_visitors(client, name):
    url = reverse(name)
    response = client.get(url)

    assert response.status_code == 200
    _assert_site_layout_with_labelled_fields(response.content.decode(), url)


@pytest.mark.parametrize(
    "name",
    [
        "account_logout",
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
    ],
)
def test_pages_for_signed_in_people(client, name):
    UserFactory(email="peer@example.org")
    sign_in(client, "peer@example.org")
    reauthenticate(client)
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 200
    _assert_site_layout_with_labelled_fields(response.content.decode(), url)


@pytest.mark.parametrize(
    "name",
    [
        "mfa_index",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
    ],
)
def test_pages_for_people_with_mfa(client, name):
    user = UserFactory(email="peer@example.org")
    sign_in(client, "peer@example.org")
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    reauthenticate(client)
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 200
    _assert_site_layout_with_labelled_fields(response.content.decode(), url)


def test_the_mfa_step_of_sign_in(client):
    user = UserFactory(email="peer@example.org")
    TOTP.activate(user, generate_totp_secret())
    sign_in(client, "peer@example.org")

    response = client.get(reverse("mfa_authenticate"))

    assert response.status_code == 200
    html = response.content.decode()
    _assert_site_layout_with_labelled_fields(html, "mfa_authenticate")
    assert '<label class="usa-label" for="id_code">' in html
