"""The Django admin signs in through allauth (SECURITY.md, "Accounts"): its rate limits, its
second-factor step, one authentication backend so that a wrong password costs what a right one
does, and MFA for operators whenever staff MFA is required."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from accounts.models import ApiToken
from tests.accounts.mfa_helpers import PASSWORD, sign_in, totp_code
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def operator():
    return UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)


def test_the_admin_sign_in_page_sends_to_the_products_sign_in(client):
    response = client.get(ADMIN_LOGIN + "?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_the_admin_sign_in_form_no_longer_signs_anyone_in(client, operator):
    response = client.post(
        ADMIN_LOGIN, {"username": operator.email, "password": PASSWORD, "next": ADMIN}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_an_operator_with_an_authenticator_gives_the_second_factor_before_the_admin(
    client, operator
):
    secret = generate_totp_secret()
    TOTP.activate(operator, secret)

    first = sign_in(client, operator.email)

    assert first["Location"] == reverse("mfa_authenticate")
    assert client.get(ADMIN).status_code == 302
    second = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert second.status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_the_admins_sign_in_is_rate_limited_like_everyone_elses(client, operator):
    for attempt in range(5):
        client.post(
            reverse("account_login") + "?next=/admin/",
            {"login": operator.email, "password": "wrong-password"},
            REMOTE_ADDR=f"203.0.113.{attempt + 1}",
        )

    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": operator.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )

    assert response.context["form"].non_field_errors() == [
        "Too many failed login attempts. Try again later."
    ]
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


class CountingHasher(MD5PasswordHasher):
    """MD5 (cheap, as in every test) that counts the hashes it computes: a wrong password
    must cost the hashes a right one does, and so must an unknown address."""

    algorithm = "counting_md5"
    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt).replace("md5$", "counting_md5$", 1)

    def decode(self, encoded):
        return super().decode(encoded.replace("counting_md5$", "md5$", 1))


def _hashes(client, email: str, password: str) -> int:
    CountingHasher.computed = 0
    client.post(reverse("account_login"), {"login": email, "password": password})
    return CountingHasher.computed


def test_right_wrong_and_unknown_cost_one_hash_each(client, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_admin_sign_in.CountingHasher"]
    person = UserFactory(email="peer@example.org")
    person.set_password(PASSWORD)
    person.save()
    operator = UserFactory(email="ops2@example.org", is_staff=True)
    operator.set_password(PASSWORD)
    operator.save()

    costs = {
        "right": _hashes(client, person.email, PASSWORD),
        "wrong": _hashes(client, operator.email, "wrong-password"),
        "unknown": _hashes(client, "nobody@example.org", "wrong-password"),
    }

    assert costs == {"right": 1, "wrong": 1, "unknown": 1}


def test_settings_name_one_authentication_backend(settings):
    assert settings.AUTHENTICATION_BACKENDS == [
        "allauth.account.auth_backends.AuthenticationBackend"
    ]


@pytest.fixture
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def test_operators_need_a_second_factor_for_the_admin_when_staff_need_one(
    client, operator, mfa_required
):
    client.force_login(operator)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    TOTP.activate(operator, generate_totp_secret())
    assert client.get(ADMIN).status_code == 200


def test_an_operator_who_is_county_staff_reaches_no_county_page_or_key_without_it(
    client, operator, mfa_required, cast
):
    MembershipFactory(user=operator, county=cast.county, role="admin")
    client.force_login(operator)

    county_page = client.get(reverse("workspace:dashboard", args=[cast.county.code]))
    keys_page = client.get(reverse("api_tokens"))
    minted = client.post(reverse("api_tokens"), {"name": "roster", "days": "30"})

    for response in (county_page, keys_page, minted):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert not ApiToken.objects.filter(user=operator).exists()
