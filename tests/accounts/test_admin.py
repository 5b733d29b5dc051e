"""The operators' Django admin for people and API keys."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import ApiToken, User
from audit.models import AuditEvent
from counties.models import CountyMembership
from tests.factories import MembershipFactory, UserFactory, county

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_user_pages_open_with_email_as_the_login(client, operator):
    person = UserFactory(email="peer@example.org")
    MembershipFactory(user=person, role="reviewer")

    assert client.get(reverse("admin:accounts_user_changelist") + "?q=peer").status_code == 200
    change = client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert change.status_code == 200
    assert b'name="email"' in change.content
    assert b'name="is_state_staff"' in change.content
    assert b"county_memberships-0-role" in change.content


def test_operator_adds_a_user_by_email(client, operator):
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Staff@Example.org",
            "usable_password": "true",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new.staff@example.org")
    assert user.check_password("a-long-passphrase-9")


def test_an_email_differing_only_in_case_is_refused(client, operator):
    UserFactory(email="peer@example.org")

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "PEER@example.org",
            "usable_password": "true",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="peer@example.org").count() == 1


def test_state_staff_flag_and_membership_inline_are_saved_with_audit(client, operator):
    person = UserFactory(email="peer@example.org")
    data = {
        "email": person.email,
        "first_name": "Pat",
        "last_name": "Lee",
        "preferred_language": "en",
        "is_active": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "10:00:00",
        "county_memberships-TOTAL_FORMS": "1",
        "county_memberships-INITIAL_FORMS": "0",
        "county_memberships-MIN_NUM_FORMS": "0",
        "county_memberships-MAX_NUM_FORMS": "1000",
        "county_memberships-0-county": county("kern").pk,
        "county_memberships-0-role": "admin",
    }

    response = client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert CountyMembership.objects.get(user=person).county == county("kern")
    event = AuditEvent.objects.get(verb="membership_set")
    assert (event.actor, event.subject, event.to_state) == (operator, person, "admin")


def test_api_keys_show_the_prefix_never_the_hash_and_cannot_be_added(client, operator):
    token, key = services.api_token_create(user=UserFactory(), days=10, name="sync")

    listing = client.get(reverse("admin:accounts_apitoken_changelist"))
    detail = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))

    assert listing.status_code == detail.status_code == 200
    for page in (listing, detail):
        assert token.prefix.encode() in page.content
        assert token.key_hash.encode() not in page.content
        assert key.encode() not in page.content
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_operator_revokes_keys_with_the_action(client, operator):
    token, _key = services.api_token_create(user=UserFactory(), days=10)

    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.count() == 1
