"""API keys: the model and authentication, the account page, the operator command."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from accounts import services
from accounts.authentication import HashedTokenAuthentication
from accounts.models import ApiToken, hash_token_key
from core.errors import DomainError
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKENS_URL = "/accounts/api-tokens/"


@pytest.fixture
def staff():
    user = UserFactory(email="admin@example.org")
    MembershipFactory(user=user, role="admin")
    return user


def _authenticate(key: str):
    """Authenticate a request carrying the key; returns (user, token) or raises."""
    request = RequestFactory().get("/api/v1/roster/", HTTP_AUTHORIZATION=f"Token {key}")
    return HashedTokenAuthentication().authenticate(request)


def test_a_key_is_stored_only_as_its_hash_and_authenticates(staff):
    token, key = services.api_token_create(user=staff, days=30, name="roster sync")

    assert token.key_hash == hash_token_key(key)
    assert token.prefix == key[:8]
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    user, authenticated = _authenticate(key)
    assert (user, authenticated) == (staff, token)


def test_expired_and_revoked_keys_do_not_authenticate(staff):
    expired, expired_key = services.api_token_create(user=staff, days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked, revoked_key = services.api_token_create(user=staff, days=1)
    assert services.api_token_revoke(user=staff, token_id=revoked.pk) is True

    for key in (expired_key, revoked_key, "not-a-key"):
        with pytest.raises(AuthenticationFailed):
            _authenticate(key)


def test_key_lifetime_is_bounded(staff):
    for days in (0, services.MAX_TOKEN_DAYS + 1):
        with pytest.raises(DomainError):
            services.api_token_create(user=staff, days=days)
    assert not ApiToken.objects.exists()


def test_a_person_cannot_revoke_someone_elses_key(staff):
    token, _key = services.api_token_create(user=staff, days=5)

    assert services.api_token_revoke(user=UserFactory(), token_id=token.pk) is False

    token.refresh_from_db()
    assert token.revoked_at is None


def test_command_prints_the_key_as_the_last_word_of_the_last_line(staff, capsys):
    call_command("create_api_token", "ADMIN@example.org", "--days", "7")

    output = capsys.readouterr().out
    key = output.strip().splitlines()[-1].split()[-1]
    token = ApiToken.objects.get(user=staff)
    assert token.key_hash == hash_token_key(key)
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=7)).date()
    assert _authenticate(key)[0] == staff


def test_command_refuses_an_unknown_email(capsys):
    with pytest.raises(CommandError, match="No user has the email address 'nobody@example.org'"):
        call_command("create_api_token", "nobody@example.org")
    assert not ApiToken.objects.exists()


def test_command_refuses_a_bad_lifetime(staff):
    with pytest.raises(CommandError, match="1 to 365 days"):
        call_command("create_api_token", staff.email, "--days", "0")
    assert not ApiToken.objects.exists()


def test_page_is_for_staff_only(client):
    anonymous = client.get(TOKENS_URL)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))

    client.force_login(UserFactory())
    assert client.get(TOKENS_URL).status_code == 403
    assert client.post(TOKENS_URL, {"name": "x", "days": 5}).status_code == 403
    assert not ApiToken.objects.exists()


def test_state_staff_create_a_key_shown_once(client):
    state = UserFactory(is_state_staff=True)
    client.force_login(state)

    response = client.post(TOKENS_URL, {"name": "nightly export", "days": 30})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=state)
    key = response.context["new_key"]
    assert token.key_hash == hash_token_key(key)
    assert token.name == "nightly export"
    assert key.encode() in response.content
    assert key.encode() not in client.get(TOKENS_URL).content


def test_invalid_lifetime_is_a_field_error(client, staff):
    client.force_login(staff)

    response = client.post(TOKENS_URL, {"name": "", "days": 9999})

    assert response.status_code == 200
    assert response.context["form"].errors["days"]
    assert b'aria-describedby="id_days_error"' in response.content
    assert not ApiToken.objects.exists()


def test_revoke_from_the_page(client, staff):
    token, key = services.api_token_create(user=staff, days=30)
    client.force_login(staff)

    response = client.post(TOKENS_URL, {"revoke": str(token.pk)}, follow=True)

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert b"The key was revoked" in response.content


def test_revoking_another_persons_key_from_the_page_changes_nothing(client, staff):
    other_staff = UserFactory()
    MembershipFactory(user=other_staff, role="reviewer")
    token, _key = services.api_token_create(user=other_staff, days=30)
    client.force_login(staff)

    response = client.post(TOKENS_URL, {"revoke": str(token.pk)}, follow=True)

    assert b"already revoked or does not exist" in response.content
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(TOKENS_URL, {"revoke": "not-a-number"}).status_code == 302
