"""A password changed or reset revokes the person's API keys, and they are told by email
(SECURITY.md, "Accounts"): whoever learnt the old password may have minted a key with it."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create
from jobs.models import OutboxMessage
from notifications.services import email_render
from tests.accounts.mfa_helpers import PASSWORD, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-7"


@pytest.fixture
def holder(cast):
    """State staff with two live keys and a revoked one."""
    for name in ("roster", "stats"):
        api_token_create(user=cast.state, days=30, name=name)
    old, _key = api_token_create(user=cast.state, days=30, name="old")
    ApiToken.objects.filter(pk=old.pk).update(revoked_at=timezone.now() - timezone.timedelta(1))
    return cast.state


def _live(user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


def _sent_to(user) -> list[str]:
    """The subjects of the emails queued for `user` about their keys, as they render."""
    subjects = []
    for message in OutboxMessage.objects.filter(task_name="notifications.tasks.email_send"):
        if message.kwargs["user_id"] == user.pk and message.kwargs["kind"] == "api_keys_revoked":
            email = email_render(
                user=user, kind="api_keys_revoked", context=message.kwargs["context"]
            )
            subjects.append(email.subject)
            assert "2 API keys" in email.body
            assert "2 API keys" in email.alternatives[0][0]
    return subjects


def test_changing_the_password_revokes_every_key_and_says_so(client, holder):
    assert _live(holder) == 2
    client.force_login(holder)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _live(holder) == 0
    assert _sent_to(holder) == ["Your API keys were revoked"]


def test_resetting_the_password_by_email_revokes_every_key(client, holder):
    client.post(reverse("account_reset_password"), {"email": holder.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert link
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200

    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _live(holder) == 0
    assert _sent_to(holder) == ["Your API keys were revoked"]


def test_a_person_without_keys_gets_no_email(client):
    person = UserFactory(email="peer@example.org")
    sign_in(client, person.email)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _sent_to(person) == []


def test_a_failed_change_revokes_nothing(client, holder):
    client.force_login(holder)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert _live(holder) == 2


def test_the_email_is_in_spanish_for_a_spanish_speaker(holder):
    holder.preferred_language = "es"
    email = email_render(user=holder, kind="api_keys_revoked", context={"count": 2})

    assert email.subject == "Se revocaron sus claves de API"
    assert "se revocaron sus 2 claves de API" in email.body
