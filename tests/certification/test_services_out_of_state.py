"""Out-of-state reciprocity through the services (docs/domain.md#other-pathways): the CE
records with their proof, the letters, and every requirement enforced at submission,
approval and issue; each refusal names its reason and changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from certification.models import Certification, OutOfStateCeRecord
from certification.services import (
    application_approval_problems,
    application_approve,
    application_submit,
    certification_issue,
    document_remove,
    document_review,
    document_upload,
    out_of_state_ce_add,
)
from core.errors import DomainError
from documents.models import Document
from tests.certification.builders import (
    application_in,
    approved_application,
    draft_application,
    last_event,
    today,
    upload,
)
from tests.factories import MINIMAL_PDF, DocumentFactory, ExamAttemptFactory

pytestmark = pytest.mark.django_db

OUT_OF_STATE = {
    "pathway": "out_of_state",
    "other_state": "OR",
    "other_state_certification_number": "OR-123",
    "peer_work_hours": 1600,
    "attest_no_pending_discipline": True,
}


def fields(**overrides):
    return {
        **OUT_OF_STATE,
        "other_state_expires_on": today() + datetime.timedelta(days=365),
        **overrides,
    }


def add_ce(application, hours="14", category="general", days_ago=30, actor=None):
    return out_of_state_ce_add(
        actor=actor or application.applicant,
        application=application,
        title="Ethics in peer work",
        provider_name="Oregon Peer Alliance",
        hours=Decimal(hours),
        category=category,
        completed_on=today() - datetime.timedelta(days=days_ago),
        uploaded_file=upload(MINIMAL_PDF),
    )


def add_letters(application, count=3):
    return [
        document_upload(
            owner=application.applicant,
            kind="recommendation_letter",
            uploaded_file=upload(MINIMAL_PDF, name=f"letter{n}.pdf"),
            application=application,
        )
        for n in range(count)
    ]


def complete_draft(applicant, **overrides):
    application = draft_application(applicant, **fields(**overrides))
    add_letters(application)
    add_ce(application)
    add_ce(application, "6", "law_and_ethics")
    return application


def test_a_ce_record_is_stored_with_its_proof_and_audited(cast):
    application = draft_application(cast.applicant, **fields())
    record = add_ce(application, "6", "law_and_ethics")
    assert (record.hours, record.category, record.application) == (
        Decimal("6"),
        "law_and_ethics",
        application,
    )
    proof = record.document
    assert (proof.kind, proof.application, proof.owner, proof.review_status) == (
        "ce_certificate",
        application,
        cast.applicant,
        "pending",
    )
    event = last_event(record)
    assert (event.verb, event.actor, event.county, event.data["hours"]) == (
        "out_of_state_ce_add",
        cast.applicant,
        cast.county,
        "6",
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"hours": "0"}, "hours", "between 0.25 and 999"),
        ({"hours": "1000"}, "hours", "between 0.25 and 999"),
        ({"category": "cooking"}, "category", "Choose the category"),
        ({"days_ago": -1}, "completed_on", "cannot be in the future"),
    ],
)
def test_bad_ce_records_are_refused_and_nothing_is_stored(cast, kwargs, field, message):
    application = draft_application(cast.applicant, **fields())
    documents = Document.objects.count()
    with pytest.raises(DomainError, match=message) as error:
        add_ce(application, **kwargs)
    assert error.value.field == field
    assert not OutOfStateCeRecord.objects.exists()
    assert Document.objects.count() == documents


def test_ce_records_and_letters_belong_to_the_out_of_state_pathway_only(cast):
    standard = draft_application(cast.applicant)
    documents = Document.objects.count()
    with pytest.raises(DomainError, match="only of out-of-state applicants"):
        add_ce(standard)
    with pytest.raises(DomainError, match="Letters of recommendation are asked only"):
        add_letters(standard, 1)
    with pytest.raises(DomainError, match="belongs to a CE credit"):
        document_upload(
            owner=cast.applicant,
            kind="ce_certificate",
            uploaded_file=upload(MINIMAL_PDF),
            application=standard,
        )
    assert Document.objects.count() == documents
    assert not OutOfStateCeRecord.objects.exists()


def test_only_the_applicant_adds_ce_records(cast):
    application = draft_application(cast.applicant, **fields())
    for who in (cast.other_applicant, cast.reviewer):
        with pytest.raises(PermissionDenied):
            add_ce(application, actor=who)
    assert not OutOfStateCeRecord.objects.exists()


def test_ce_records_are_added_only_while_the_part_is_editable(cast):
    submitted = application_in("submitted", cast.applicant, **fields())
    with pytest.raises(DomainError):
        add_ce(submitted)
    sent_back = application_in(
        "changes_requested",
        cast.other_applicant,
        changes_requested_parts=["out_of_state"],
        **fields(),
    )
    assert add_ce(sent_back).application == sent_back
    assert OutOfStateCeRecord.objects.count() == 1


def test_removing_the_proof_withdraws_the_ce_record(cast):
    application = complete_draft(cast.applicant)
    record = application.out_of_state_ce_records.get(category="law_and_ethics")
    document_remove(actor=cast.applicant, document=record.document)
    with pytest.raises(DomainError, match="0 of those hours are in law and ethics"):
        application_submit(actor=cast.applicant, application=application)


def test_submission_needs_letters_ce_and_a_current_other_certification(cast):
    application = draft_application(cast.applicant, **fields())
    add_letters(application, 2)
    with pytest.raises(DomainError) as error:
        application_submit(actor=cast.applicant, application=application)
    message = error.value.message
    assert "3 letters of recommendation are required; 2 are uploaded." in message
    assert "0 hours of continuing education completed between" in message
    application.refresh_from_db()
    assert application.status == "draft"

    complete = complete_draft(
        cast.other_applicant, other_state_expires_on=today() - datetime.timedelta(days=1)
    )
    with pytest.raises(DomainError, match="a current certification from another state"):
        application_submit(actor=cast.other_applicant, application=complete)
    complete.refresh_from_db()
    assert complete.status == "draft"


def test_a_complete_out_of_state_application_is_submitted(cast):
    application = complete_draft(cast.applicant, other_state_expires_on=today())
    application_submit(actor=cast.applicant, application=application)
    application.refresh_from_db()
    assert application.status == "submitted"


def _in_review(applicant):
    application = complete_draft(applicant)
    application_submit(actor=applicant, application=application)
    application.status = "in_review"
    application.save(update_fields=["status"])
    return application


def test_approval_waits_for_each_letter_and_ce_proof_to_be_verified(cast):
    application = _in_review(cast.applicant)
    for kind in ("photo_id", "diploma"):
        for document in application.documents.filter(kind=kind, removed_at=None):
            document_review(actor=cast.reviewer, document=document, verified=True)
    letters = list(application.documents.filter(kind="recommendation_letter"))
    for letter in letters[:2]:
        document_review(actor=cast.reviewer, document=letter, verified=True)
    problems = application_approval_problems(application)
    assert "3 letters of recommendation are required; 2 are verified." in problems
    assert any("have verified proof; 20 are required" in p for p in problems)
    with pytest.raises(DomainError, match="2 are verified"):
        application_approve(actor=cast.reviewer, application=application)
    application.refresh_from_db()
    assert application.status == "in_review"

    document_review(actor=cast.reviewer, document=letters[2], verified=True)
    for document in application.documents.filter(kind="ce_certificate"):
        document_review(actor=cast.reviewer, document=document, verified=True)
    assert application_approval_problems(application) == []
    application_approve(actor=cast.reviewer, application=application)
    application.refresh_from_db()
    assert application.status == "approved"


def _issuable(applicant, **overrides):
    application = approved_application(applicant, **fields(**overrides))
    for n in range(3):
        DocumentFactory(
            owner=applicant,
            application=application,
            kind="recommendation_letter",
            review_status="verified",
            original_name=f"letter{n}.pdf",
        )
    for hours, category in (("14", "general"), ("6", "law_and_ethics")):
        OutOfStateCeRecord.objects.create(
            application=application,
            title="Course",
            provider_name="Provider",
            hours=Decimal(hours),
            category=category,
            completed_on=today() - datetime.timedelta(days=60),
            document=DocumentFactory(
                owner=applicant,
                application=application,
                kind="ce_certificate",
                review_status="verified",
            ),
        )
    ExamAttemptFactory(application=application, taken_on=today() - datetime.timedelta(days=5))
    return application


def test_an_out_of_state_application_is_issued_without_80_hours(cast):
    application = _issuable(cast.applicant, other_state_expires_on=today())
    certification = certification_issue(actor=cast.reviewer, application=application)
    assert (certification.status, certification.holder) == ("active", cast.applicant)


def test_issue_is_refused_when_the_other_certification_has_expired(cast):
    application = _issuable(
        cast.applicant, other_state_expires_on=today() - datetime.timedelta(days=1)
    )
    with pytest.raises(DomainError, match="a current certification from another state"):
        certification_issue(actor=cast.reviewer, application=application)
    assert not Certification.objects.exists()
    assert not AuditEvent.objects.filter(verb="certification_issue").exists()


def test_issue_is_refused_while_a_letter_is_not_verified(cast):
    application = _issuable(cast.applicant)
    letter = application.documents.filter(kind="recommendation_letter").first()
    Document.objects.filter(pk=letter.pk).update(review_status="pending")
    with pytest.raises(DomainError, match="2 are verified"):
        certification_issue(actor=cast.reviewer, application=application)
    assert not Certification.objects.exists()
