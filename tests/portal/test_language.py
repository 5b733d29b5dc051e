"""The language switch remembers the choice: the cookie, and the profile when signed in."""

import pytest
from django.urls import reverse

from certification.models import ApplicantProfile
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


def test_switching_language_saves_it_to_the_profile(cast):
    client = client_for(cast.applicant)

    response = client.post(reverse("portal:language"), {"language": "es", "next": "/me/"})

    assert response.status_code == 302 and response["Location"] == "/me/"
    assert response.cookies["peercert_language"].value == "es"
    assert ApplicantProfile.objects.get(user=cast.applicant).preferred_language == "es"
    page = client.get("/me/").content.decode()
    assert '<html lang="es">' in page


def test_anonymous_visitors_switch_with_the_cookie_only(cast):
    client = client_for(cast.anonymous)

    response = client.post(reverse("portal:language"), {"language": "es", "next": "/"})

    assert response.cookies["peercert_language"].value == "es"
    assert ApplicantProfile.objects.get(user=cast.applicant).preferred_language == "en"


def test_an_unknown_language_changes_nothing(cast):
    client = client_for(cast.applicant)

    client.post(reverse("portal:language"), {"language": "xx", "next": "/"})

    assert ApplicantProfile.objects.get(user=cast.applicant).preferred_language == "en"
