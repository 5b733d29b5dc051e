"""The workspace timeline reads as what happened: no "Draft → Draft", the same event recorded
twice in a row shown once (counted), and which document or course an event was about."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from workspace.timeline import timeline_entries

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 11, 6, 9, 0))


def event(verb, from_state="", to_state="", **extra) -> AuditEvent:
    values = {
        "object_type": "certification.application",
        "object_id": 1,
        "actor_id": None,
        "reason": "",
        "data": {},
        "created_at": NOW,
        **extra,
    }
    return AuditEvent(verb=verb, from_state=from_state, to_state=to_state, **values)


def test_a_state_that_did_not_change_is_not_shown_as_a_change():
    (update, submit) = timeline_entries(
        [
            event("application_update", "draft", "draft"),
            event("application_submit", "draft", "submitted"),
        ]
    )

    assert (update.label, update.from_state, update.to_state) == ("Application changed", "", "")
    assert (submit.from_state, submit.to_state) == ("Draft", "Submitted")


def test_the_same_event_twice_in_a_row_is_shown_once_and_counted():
    signed = event("application_sign_ethics", "draft", "draft", data={"ethics_version": "1"})
    entries = timeline_entries(
        [signed, event("application_sign_ethics", "draft", "draft", data={"ethics_version": "1"})]
        + [event("application_submit", "draft", "submitted"), signed]
    )

    assert [(e.label, e.repeated) for e in entries] == [
        ("Code of Ethics signed", 2),
        ("Application submitted", 1),
        ("Code of Ethics signed", 1),
    ]


def test_events_about_different_documents_say_which():
    entries = timeline_entries(
        [
            event(
                "document_upload",
                "",
                "pending",
                object_type="documents.document",
                object_id=7,
                data={"kind": "photo_id"},
            ),
            event(
                "document_upload",
                "",
                "pending",
                object_type="documents.document",
                object_id=8,
                data={"kind": "diploma"},
            ),
            event(
                "document_review",
                "pending",
                "verified",
                object_type="documents.document",
                object_id=8,
            ),
        ],
        about={("documents.document", 8): "Diploma or equivalent"},
    )

    assert [(e.about, e.repeated) for e in entries] == [
        ("Government photo ID", 1),
        ("Diploma or equivalent", 1),
        ("Diploma or equivalent", 1),
    ]


def test_the_review_page_timeline(cast, world, client):
    application = world.submitted
    for verb in ("application_update", "application_update"):
        AuditEvent.objects.create(
            verb=verb,
            object_type="certification.application",
            object_id=application.pk,
            county=cast.county,
            subject=application.applicant,
            actor=application.applicant,
            from_state="draft",
            to_state="draft",
            data={"fields": ["attest_recovery"]},
        )
    client.force_login(cast.reviewer)

    html = client.get(
        reverse("workspace:application", args=["alameda", application.pk])
    ).content.decode()

    timeline = html.split('id="timeline-heading"')[1]
    assert "Draft → Draft" not in timeline
    assert "Application changed (2 times)" in timeline
