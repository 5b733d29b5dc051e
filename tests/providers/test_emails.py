"""Every provider email renders, in English and Spanish-preferring accounts alike, saying what
happened and what to do next, with the program's provider approvals contact when set."""

import datetime

import pytest
from django.core import mail

from notifications.services import email_render
from providers.models import ProviderPolicy
from providers.services import approvals, organisations
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTACT = {"contact_email": "providers@state.test", "contact_phone": "916-555-0100"}
KINDS = {
    approvals.CYCLE_OPENED: {
        "cycle_id": 1,
        "course_type": "ce",
        "area_code": "",
        "ce_category": "law_ethics",
        "ce_hours": "6",
        "opens_on": "2027-01-04",
        "closes_on": "2027-01-29",
    },
    approvals.APPLICATION_APPROVED: {
        "application_id": 1,
        "course_title": "Peer core",
        "note": "",
        "starts_on": "2026-07-01",
        "ends_on": "2028-06-30",
    },
    approvals.APPLICATION_CHANGES_REQUESTED: {
        "application_id": 1,
        "course_title": "Peer core",
        "note": "Add trainer bios.",
    },
    approvals.APPLICATION_DENIED: {
        "application_id": 1,
        "course_title": "Peer core",
        "note": "The curriculum is a copy.",
    },
    approvals.APPROVAL_LAPSING: {
        "approval_id": 1,
        "course_title": "Peer core",
        "ends_on": "2027-02-05",
    },
    approvals.COMPLETIONS_ERRORS: {
        "upload_name": "june.csv",
        "rows_total": 120,
        "rows_refused": 3,
        "upload_url": "/provider/1/completions/9/",
    },
}
EXPECTED = {
    approvals.CYCLE_OPENED: "law and ethics",
    approvals.APPLICATION_APPROVED: "June 30, 2028",
    approvals.APPLICATION_CHANGES_REQUESTED: "Add trainer bios.",
    approvals.APPLICATION_DENIED: "The curriculum is a copy.",
    approvals.APPROVAL_LAPSING: "Feb. 5, 2027",
    approvals.COMPLETIONS_ERRORS: "3 of its 120 rows were refused",
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("language", ["en", "es"])
def test_each_provider_email_renders_with_what_to_do_and_the_contact(kind, language):
    user = UserFactory(first_name="Bo", preferred_language=language)
    message = email_render(user=user, kind=kind, context={**KINDS[kind], **CONTACT})
    html = message.alternatives[0][0]
    assert message.subject and "\n" not in message.subject
    assert "providers@state.test" in message.body and "providers@state.test" in html
    assert "/provider/" in message.body
    if language == "en":
        assert EXPECTED[kind] in message.body


def test_without_a_contact_the_email_still_reads(db):
    user = UserFactory()
    message = email_render(
        user=user, kind=approvals.APPROVAL_LAPSING, context=KINDS[approvals.APPROVAL_LAPSING]
    )
    assert "Questions about provider approval" not in message.body
    assert "California Peer Support Specialist Certification" in message.body


def test_the_invitation_email_carries_the_link_and_the_contact(providers):
    ProviderPolicy.objects.create(pk=1, **CONTACT)
    invitation, token = organisations.provider_invite(
        actor=providers.boss, provider=providers.hope, email="new@hope.test", role="member"
    )
    organisations._send_invitation(invitation_id=invitation.pk, token=token, language="en")
    [message] = mail.outbox
    assert message.to == ["new@hope.test"]
    assert f"/provider/invitations/{token}/" in message.body
    assert "Hope Works" in message.subject
    assert "providers@state.test" in message.body
    assert invitation.expires_at.date() >= datetime.date.today()


@pytest.mark.parametrize(("language", "name"), [("en", "Crisis Services"), ("es", "Servicios")])
def test_a_specialization_cycle_email_names_the_area_not_its_code(language, name):
    user = UserFactory(first_name="Bo", preferred_language=language)
    context = {**KINDS[approvals.CYCLE_OPENED], "course_type": "specialization"}
    context.update(area_code="crisis", ce_category="", ce_hours="")
    message = email_render(user=user, kind=approvals.CYCLE_OPENED, context=context)
    assert name in message.body and name in message.alternatives[0][0]
    assert "(crisis," not in message.body


def test_the_program_contact_is_the_published_one_until_an_operator_changes_it(providers):
    """Without a saved policy the emails (and the provider pages) name the certifying entity's
    published peer certification contact, never nothing."""
    with_defaults = approvals._policy_contact()
    assert with_defaults == {
        "contact_email": "PeerCertification@calmhsa.org",
        "contact_phone": "(279) 234-0699",
    }
    user = UserFactory(first_name="Bo")
    message = email_render(
        user=user,
        kind=approvals.APPROVAL_LAPSING,
        context={**KINDS[approvals.APPROVAL_LAPSING], **with_defaults},
    )
    assert "PeerCertification@calmhsa.org" in message.body
    assert "(279) 234-0699" in message.body
