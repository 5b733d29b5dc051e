"""Sign-up answers the same whether or not the address has an account (issue 18, item 8):
same page, one email, and the same work, counted in password hashes (a hash is what a
timing difference would come from: creating an account hashes the password, the
'account already exists' path hashed nothing, about 0.3 s apart with PBKDF2)."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.test_admin_sign_in import CountingHasher
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _sign_up(client, email: str):
    CountingHasher.computed = 0
    mail.outbox.clear()
    response = client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    return response, CountingHasher.computed, list(mail.outbox)


def test_sign_up_costs_and_answers_the_same_for_a_new_and_a_taken_address(client, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_admin_sign_in.CountingHasher"]
    existing = UserFactory(email="taken@example.org")
    stored_hash = existing.password
    users = User.objects.count()

    new, new_hashes, new_mail = _sign_up(client, "fresh@example.org")
    client.logout()
    taken, taken_hashes, taken_mail = _sign_up(client, "taken@example.org")

    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    assert taken["Location"] == reverse("account_email_verification_sent")
    assert (new_hashes, taken_hashes) == (1, 1)
    assert [m.to for m in new_mail] == [["fresh@example.org"]]
    assert [m.to for m in taken_mail] == [["taken@example.org"]]
    # The taken address created nothing and its owner's password is unchanged.
    assert User.objects.count() == users + 1
    existing.refresh_from_db()
    assert existing.password == stored_hash
