"""The applicant profile: created and edited by its owner, reviewed answers frozen while a
reviewer holds the application."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from certification.models import ApplicantProfile
from certification.services import profile_save
from core.errors import DomainError
from tests.certification.builders import application_in, last_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_is_created_then_updated(cast):
    user = UserFactory()
    profile = profile_save(
        user=user,
        legal_first_name="Luz",
        legal_last_name="Ortega",
        date_of_birth=datetime.date(1990, 5, 1),
        county_of_residence=cast.county,
        lived_experience="family",
        education="equivalent",
        education_attested=True,
    )
    assert (profile.user, profile.legal_name, profile.lived_experience) == (
        user,
        "Luz Ortega",
        "family",
    )
    event = last_event(profile)
    assert (event.verb, event.actor, event.subject, event.data["created"]) == (
        "profile_save",
        user,
        user,
        True,
    )
    profile_save(user=user, phone="559-555-0100", legal_first_name="Luz")
    profile.refresh_from_db()
    assert profile.phone == "559-555-0100"
    assert last_event(profile).data == {"created": False, "fields": ["phone"]}


def test_saving_nothing_new_writes_nothing(cast):
    profile = cast.applicant.applicant_profile
    profile_save(user=cast.applicant, legal_first_name=profile.legal_first_name)
    assert not AuditEvent.objects.filter(verb="profile_save").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lived_experience": "neighbour"}, "lived_experience"),
        ({"preferred_language": "fr"}, "preferred_language"),
        ({"legal_first_name": ""}, "legal_first_name"),
    ],
)
def test_invalid_values_are_refused(cast, fields, field):
    with pytest.raises(DomainError) as error:
        profile_save(user=cast.applicant, **fields)
    assert error.value.field == field
    profile = ApplicantProfile.objects.get(user=cast.applicant)
    assert (profile.lived_experience, profile.preferred_language, profile.legal_first_name) == (
        "consumer",
        "en",
        "Ana",
    )


def test_unknown_fields_are_a_programming_error(cast):
    with pytest.raises(TypeError):
        profile_save(user=cast.applicant, is_state_staff=True)


def test_anonymous_cannot_save(cast):
    with pytest.raises(PermissionDenied):
        profile_save(user=cast.anonymous, phone="1")


@pytest.mark.parametrize("status", ["submitted", "in_review", "approved"])
def test_reviewed_answers_are_frozen_during_review_but_contact_details_are_not(cast, status):
    application_in(status, cast.applicant)
    with pytest.raises(DomainError, match="being reviewed") as error:
        profile_save(user=cast.applicant, legal_last_name="Smith", phone="510-555-0199")
    assert (error.value.code, error.value.field) == ("conflict", "legal_last_name")
    profile = ApplicantProfile.objects.get(user=cast.applicant)
    assert (profile.legal_last_name, profile.phone) == ("Reyes", "510-555-0100")
    profile_save(user=cast.applicant, phone="510-555-0199")
    profile.refresh_from_db()
    assert profile.phone == "510-555-0199"


def test_reviewed_answers_open_again_when_the_reviewer_asks(cast):
    application = application_in(
        "changes_requested", cast.applicant, changes_requested_parts=["photo_id"]
    )
    with pytest.raises(DomainError):
        profile_save(user=cast.applicant, legal_last_name="Reyes-Luna")
    application.changes_requested_parts = ["profile"]
    application.save()
    profile_save(user=cast.applicant, legal_last_name="Reyes-Luna")
    assert ApplicantProfile.objects.get(user=cast.applicant).legal_last_name == "Reyes-Luna"
