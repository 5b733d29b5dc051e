"""A county reviewer and a training record reported at the source (issue 15): the application
page says who reported it and offers to reject it with a reason even though it is verified;
the rejection is confirmed, audited, and the learner is emailed the reason and what to do
next. Another county's reviewer gets 404 and state staff 403, and nothing changes. The same
for a CE credit reported at the source, from the certification page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from continuing_ed.models import CeCredit
from continuing_ed.services import ce_credit_report
from jobs.models import OutboxMessage
from notifications.services import email_render
from tests.factories import CeCreditFactory
from tests.providers.completions_data import reported_completion_of
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db


def _url(name: str, *args, county: str = "alameda") -> str:
    return reverse(f"workspace:{name}", args=[county, *args])


@pytest.fixture
def reported(cast, world) -> TrainingRecord:
    completion = reported_completion_of(
        cast.applicant,
        email=cast.applicant.email,
        first="Ana",
        last="Reyes",
        born=datetime.date(1985, 4, 12),
    )
    record = completion.training_record
    assert record.reported_at_source and record.status == "verified"
    return record


def _state(record):
    return (
        TrainingRecord.objects.filter(pk=record.pk).values().get(),
        AuditEvent.objects.filter(verb="training_record_reject").count(),
        OutboxMessage.objects.filter(kwargs__kind="training_record_rejected").count(),
    )


def test_the_application_page_shows_who_reported_it_and_offers_a_rejection(
    cast, world, reported, client
):
    client.force_login(cast.reviewer)
    page = client.get(_url("application", world.submitted.pk)).content.decode()
    assert "Reported by Reporting Provider, verified at the source" in page
    action = _url("training_review", world.submitted.pk, reported.pk)
    assert f'action="{action}"' in page
    assert "Reject this reported record" in page
    # The confirmation page, for a reported record: a reason only, no "verify".
    confirm = client.get(action).content.decode()
    assert "Reporting Provider" in confirm
    assert 'name="reason"' in confirm and 'value="verify"' not in confirm


def test_a_reviewer_rejects_a_verified_reported_record_with_a_reason(cast, world, reported, client):
    client.force_login(cast.reviewer)
    action = _url("training_review", world.submitted.pk, reported.pk)
    before = _state(reported)
    response = client.post(action, {"reason": "  "})
    assert response.status_code == 200  # the reason is required
    assert _state(reported) == before

    response = client.post(action, {"reason": "The provider's roster lists another person."})
    assert response.status_code == 302
    reported.refresh_from_db()
    assert (reported.status, reported.reason, reported.reviewed_by) == (
        "rejected",
        "The provider's roster lists another person.",
        cast.reviewer,
    )
    event = AuditEvent.objects.get(verb="training_record_reject")
    assert (event.actor, event.from_state, event.to_state) == (
        cast.reviewer,
        "verified",
        "rejected",
    )
    [email] = OutboxMessage.objects.filter(kwargs__kind="training_record_rejected")
    assert email.kwargs["user_id"] == cast.applicant.pk
    message = email_render(
        user=cast.applicant, kind="training_record_rejected", context=email.kwargs["context"]
    )
    assert "The provider's roster lists another person." in message.body
    assert "Reporting Provider" in message.body
    assert "/me/training/" in message.body  # what to do next: add the certificate there
    cast.applicant.preferred_language = "es"
    spanish = email_render(
        user=cast.applicant, kind="training_record_rejected", context=email.kwargs["context"]
    )
    assert "Reporting Provider" in spanish.body and "Hello" not in spanish.body
    # The page no longer offers the rejection; a second one is a conflict that changes nothing.
    page = client.get(_url("application", world.submitted.pk)).content.decode()
    assert "Reject this reported record" not in page
    after = _state(reported)
    client.post(action, {"reason": "Again."})
    assert _state(reported) == after


def test_another_countys_reviewer_gets_404_and_state_staff_403_and_nothing_changes(
    cast, world, reported, client
):
    before = _state(reported)
    client.force_login(cast.other_admin)
    assert (
        client.post(
            _url("training_review", world.submitted.pk, reported.pk, county="fresno"),
            {"reason": "Not ours."},
        ).status_code
        == 404
    )
    assert (
        client.post(
            _url("training_review", world.submitted.pk, reported.pk), {"reason": "Not ours."}
        ).status_code
        == 404
    )
    client.force_login(cast.state)
    assert (
        client.post(
            _url("training_review", world.submitted.pk, reported.pk), {"reason": "No."}
        ).status_code
        == 403
    )
    assert _state(reported) == before


# CE credits reported at the source, on the certification page -------------------------------


@pytest.fixture
def reported_credit(cast, world) -> CeCredit:
    credit = ce_credit_report(
        certification=world.active,
        title="Ethics refresher",
        provider_name="Reporting Provider",
        hours=6,
        category="law_and_ethics",
        completed_on=timezone.localdate() - datetime.timedelta(days=10),
        reported_as="9:R-CE-1",
    )
    assert credit.reported_at_source and credit.status == "verified"
    return credit


def _ce_state(credit):
    return (
        CeCredit.objects.filter(pk=credit.pk).values().get(),
        AuditEvent.objects.filter(verb="ce_credit_reject").count(),
        OutboxMessage.objects.filter(kwargs__kind="ce_credit_rejected").count(),
    )


def test_a_reviewer_rejects_a_reported_ce_credit_from_the_certification_page(
    cast, world, reported_credit, client
):
    client.force_login(cast.reviewer)
    page = client.get(_url("certification", world.active.pk)).content.decode()
    assert "Reported by Reporting Provider, verified at the source" in page
    action = _url("ce_credit_reject", world.active.pk, reported_credit.pk)
    assert f'href="{action}"' in page
    confirm = client.get(action).content.decode()
    assert "Reporting Provider" in confirm and 'name="reason"' in confirm
    before = _ce_state(reported_credit)
    assert client.post(action, {"reason": ""}).status_code == 200
    assert _ce_state(reported_credit) == before

    response = client.post(action, {"reason": "The roster named another person."})
    assert response.status_code == 302
    reported_credit.refresh_from_db()
    assert (reported_credit.status, reported_credit.reason) == (
        "rejected",
        "The roster named another person.",
    )
    event = AuditEvent.objects.get(verb="ce_credit_reject")
    assert (event.actor, event.from_state) == (cast.reviewer, "verified")
    [email] = OutboxMessage.objects.filter(kwargs__kind="ce_credit_rejected")
    holder = world.active.holder
    assert email.kwargs["user_id"] == holder.pk
    message = email_render(user=holder, kind="ce_credit_rejected", context=email.kwargs["context"])
    assert "The roster named another person." in message.body
    assert "/me/certification/ce/" in message.body
    # Rejected: no longer offered, and the page answers 404 for it now.
    assert (
        f'href="{action}"'
        not in client.get(_url("certification", world.active.pk)).content.decode()
    )
    after = _ce_state(reported_credit)
    assert client.post(action, {"reason": "Again."}).status_code == 404
    assert _ce_state(reported_credit) == after


def test_ce_rejection_denied_to_other_counties_and_state_staff_and_for_uploaded_credits(
    cast, world, reported_credit, client
):
    before = _ce_state(reported_credit)
    action = _url("ce_credit_reject", world.active.pk, reported_credit.pk)
    client.force_login(cast.other_admin)
    assert client.post(action, {"reason": "No."}).status_code == 404
    client.force_login(cast.state)
    assert client.post(action, {"reason": "No."}).status_code == 403
    assert _ce_state(reported_credit) == before
    uploaded = CeCreditFactory(certification=world.active)
    client.force_login(cast.reviewer)
    assert client.get(_url("ce_credit_reject", world.active.pk, uploaded.pk)).status_code == 404
