"""MFA with an authenticator app and recovery codes, and the staff MFA gate."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.accounts.mfa_helpers import enrol_totp, reauthenticate, sign_in, totp_code
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIVATE_URL = "/accounts/2fa/totp/activate/"


def test_totp_enrolment_activates_the_app_and_issues_recovery_codes(client):
    user = UserFactory(email="peer@example.org")
    sign_in(client, user.email)
    assert client.get(ACTIVATE_URL)["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)

    page = client.get(ACTIVATE_URL)
    assert page.status_code == 200
    assert b'<label class="usa-label" for="id_code">' in page.content
    secret = page.context["form"].secret
    response = client.post(ACTIVATE_URL, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    assert codes_page.status_code == 200
    assert len(codes_page.context["unused_codes"]) == 10


def test_a_wrong_code_does_not_activate_and_the_error_is_linked_to_the_field(client):
    user = UserFactory(email="peer@example.org")
    sign_in(client, user.email)
    reauthenticate(client)
    client.get(ACTIVATE_URL)

    response = client.post(ACTIVATE_URL, {"code": "000000"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert b'aria-describedby="id_code_error"' in response.content
    assert b'<span class="usa-error-message" id="id_code_error">Incorrect code.</span>' in (
        response.content
    )
    assert not Authenticator.objects.filter(user=user).exists()


def test_sign_in_with_mfa_asks_for_the_code_before_letting_in(client):
    user = UserFactory(email="peer@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    first_step = sign_in(client, user.email)

    assert first_step.status_code == 302
    assert first_step["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("dashboard")).status_code == 302
    second_step = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert second_step.status_code == 302
    assert second_step["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.fixture
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def test_gate_sends_county_staff_without_mfa_to_set_it_up_then_lets_them_in(client, mfa_required):
    admin = UserFactory(email="admin@example.org")
    MembershipFactory(user=admin, role="admin")
    sign_in(client, admin.email)

    gated = client.get(reverse("dashboard"))

    assert gated.status_code == 302
    assert gated["Location"] == f"{ACTIVATE_URL}?next=%2Fdashboard%2F"
    assert client.get(reverse("api_tokens")).status_code == 302
    reauthenticate(client)
    setup_page = client.get(gated["Location"])
    assert setup_page.status_code == 200
    assert "must use two-factor authentication" in setup_page.content.decode()

    enrol_totp(client)

    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("api_tokens")).status_code == 200


def test_gate_applies_to_state_staff(client, mfa_required):
    UserFactory(email="dhcs@example.org", is_state_staff=True)
    sign_in(client, "dhcs@example.org")

    assert client.get(reverse("dashboard"))["Location"].startswith(ACTIVATE_URL)


def test_gate_leaves_applicants_and_public_pages_alone(client, mfa_required):
    UserFactory(email="applicant@example.org")
    sign_in(client, "applicant@example.org")

    assert client.get(reverse("dashboard")).status_code == 200


def test_gated_staff_can_still_sign_out_and_see_public_pages(client, mfa_required):
    admin = UserFactory(email="admin@example.org")
    MembershipFactory(user=admin, role="admin")
    sign_in(client, admin.email)

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    # Only the site's own home page is open: a front end's page named "home" is gated.
    assert client.get(reverse("portal:home"))["Location"].startswith(ACTIVATE_URL)
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_gate_is_off_unless_required(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    admin = UserFactory(email="admin@example.org")
    MembershipFactory(user=admin, role="admin")
    sign_in(client, admin.email)

    assert client.get(reverse("dashboard")).status_code == 200
