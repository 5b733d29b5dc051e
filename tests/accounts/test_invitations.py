"""County and employer staff invitations share one helper (accounts.invitations): the same
token hashing and the same reasons an invitation cannot be accepted, each with its own words
for the organisation."""

import datetime

import pytest
from django.utils import timezone

from accounts import invitations
from counties.models import StaffInvitation
from counties.services import invitations as county_invitations
from employers.models import EmployerInvitation
from employers.services import organisations as employer_invitations
from tests.employers.cast import make_employer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_both_kinds_hash_their_links_with_the_shared_helper():
    token, token_hash = invitations.invitation_token_new()
    assert len(token) == 43 and token_hash == invitations.invitation_token_hash(token)
    assert county_invitations.invitation_token_hash is invitations.invitation_token_hash
    assert employer_invitations.invitation_token_hash is invitations.invitation_token_hash
    assert not invitations.invitation_token_plausible("")
    assert not invitations.invitation_token_plausible("x" * 101)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"revoked_at": timezone.now()}, "withdrawn or replaced"),
        ({"accepted_at": timezone.now()}, "already been accepted"),
        ({"email": "someone.else@example.org"}, "another email address"),
    ],
)
def test_both_kinds_refuse_for_the_same_reasons(cast, change, reason):
    invitee = UserFactory(email="invitee@example.org")
    boss = UserFactory()
    employer = make_employer("Bayview Health", boss)
    fields = {
        "email": "invitee@example.org",
        "role": "reviewer",
        "token_hash": "1" * 64,
        "invited_by": cast.admin,
        "expires_at": timezone.now() + datetime.timedelta(days=7),
    }
    county = StaffInvitation(county=cast.county, **{**fields, **change})
    employer_fields = {**fields, "role": "member", "invited_by": boss, "token_hash": "2" * 64}
    theirs = EmployerInvitation(employer=employer, **{**employer_fields, **change})
    assert reason in county_invitations.invitation_problem(county, invitee)
    assert reason in employer_invitations.invitation_problem(theirs, invitee)


def test_each_kind_names_its_own_organisation_when_expired(cast):
    invitee = UserFactory(email="invitee@example.org")
    past = timezone.now() - datetime.timedelta(minutes=1)
    county = StaffInvitation(email=invitee.email, expires_at=past)
    employer = EmployerInvitation(email=invitee.email, expires_at=past)
    assert "Ask the county" in county_invitations.invitation_problem(county, invitee)
    assert "Ask the organisation" in employer_invitations.invitation_problem(employer, invitee)
    assert (
        invitations.invitation_problem(None, invitee, expired_message="", state_staff_message="")
        == "This invitation link is not valid."
    )
