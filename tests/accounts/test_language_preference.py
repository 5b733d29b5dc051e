"""The person's language choice is remembered on their account: emails follow it, and signing
in on another browser applies it."""

import pytest
from django.conf import settings

from accounts.models import User
from certification import services
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_language_switch_saves_the_choice_on_the_account(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    response = client.post("/me/language/", {"language": "es", "next": "/me/"})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).preferred_language == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_an_unknown_language_changes_nothing(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    client.post("/me/language/", {"language": "fr", "next": "/me/"})
    assert User.objects.get(pk=user.pk).preferred_language == "en"


def test_saving_the_profile_language_updates_the_account():
    profile = ProfileFactory(preferred_language="en", user__preferred_language="en")
    services.profile_save(user=profile.user, preferred_language="es")
    assert User.objects.get(pk=profile.user_id).preferred_language == "es"


def test_signing_in_applies_the_saved_language_to_a_new_browser(client):
    user = UserFactory(email="lang@example.org", preferred_language="es")
    response = client.post(
        "/accounts/login/", {"login": "lang@example.org", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert User.objects.get(pk=user.pk).preferred_language == "es"


def test_a_choice_made_before_signing_in_becomes_the_preference(client):
    user = UserFactory(email="lang2@example.org", preferred_language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    client.post(
        "/accounts/login/", {"login": "lang2@example.org", "password": "correct-horse-battery"}
    )
    assert User.objects.get(pk=user.pk).preferred_language == "es"
