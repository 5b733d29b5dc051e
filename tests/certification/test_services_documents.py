"""Documents: upload checked by content, soft removal, review by county staff."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.utils import timezone

from certification.services import document_remove, document_review, document_upload
from core.errors import DomainError
from documents.models import Document
from tests.certification.builders import (
    application_in,
    audit_events,
    draft_application,
    image_bytes,
    last_event,
    upload,
)
from tests.factories import MINIMAL_PDF, DocumentFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def snapshot(document: Document) -> dict:
    document.refresh_from_db()
    return {
        "review_status": document.review_status,
        "review_reason": document.review_reason,
        "reviewed_by": document.reviewed_by_id,
        "removed_at": document.removed_at,
        "events": len(audit_events(document)),
    }


def current(application, kind):
    return list(application.documents.filter(kind=kind, removed_at__isnull=True))


# --- upload ---------------------------------------------------------------------------------


def test_upload_stores_a_checked_file_under_a_random_name(cast):
    application = draft_application(cast.applicant)
    content = image_bytes("JPEG")
    document = document_upload(
        owner=cast.applicant,
        kind="other",
        uploaded_file=upload(content, name="../My License.jpg"),
        application=application,
    )
    assert (document.content_type, document.size) == ("image/jpeg", len(content))
    assert document.original_name == "My License.jpg"
    assert document.review_status == "pending"
    assert "License" not in document.file.name
    assert document.file.name.startswith("documents/")
    with default_storage.open(document.file.name, "rb") as stored:
        assert stored.read() == content
    event = last_event(document)
    assert (event.verb, event.actor, event.county, event.to_state) == (
        "document_upload",
        cast.applicant,
        cast.county,
        "pending",
    )


def test_a_new_photo_id_replaces_the_previous_one(cast):
    application = draft_application(cast.applicant)
    (old,) = current(application, "photo_id")
    new = document_upload(
        owner=cast.applicant,
        kind="photo_id",
        uploaded_file=upload(MINIMAL_PDF),
        application=application,
    )
    assert current(application, "photo_id") == [new]
    old.refresh_from_db()
    assert old.removed_at is not None
    assert last_event(new).data["superseded"] == [old.pk]


def test_upload_without_an_application_is_the_owners_own(cast):
    document = document_upload(
        owner=cast.applicant, kind="training_certificate", uploaded_file=upload(MINIMAL_PDF)
    )
    assert (document.owner, document.application) == (cast.applicant, None)
    assert last_event(document).county is None


def test_upload_of_bad_content_stores_nothing(cast):
    application = draft_application(cast.applicant)
    with pytest.raises(DomainError, match="not a PDF, JPEG or PNG") as error:
        document_upload(
            owner=cast.applicant,
            kind="photo_id",
            uploaded_file=upload(b"#!/bin/sh\nrm -rf /", name="id.pdf"),
            application=application,
        )
    assert error.value.field == "file"
    assert application.documents.count() == 2
    assert len(current(application, "photo_id")) == 1


def test_upload_while_changes_requested_only_for_the_requested_part(cast):
    application = application_in(
        "changes_requested", cast.applicant, changes_requested_parts=["photo_id"]
    )
    document_upload(
        owner=cast.applicant,
        kind="photo_id",
        uploaded_file=upload(MINIMAL_PDF),
        application=application,
    )
    with pytest.raises(DomainError, match="did not ask for changes to this document") as error:
        document_upload(
            owner=cast.applicant,
            kind="diploma",
            uploaded_file=upload(MINIMAL_PDF),
            application=application,
        )
    assert error.value.code == "conflict"
    assert len(current(application, "diploma")) == 1
    assert application.documents.count() == 3


@pytest.mark.parametrize("status", ["submitted", "in_review", "approved", "denied"])
def test_upload_to_an_application_out_of_the_applicants_hands_is_a_conflict(cast, status):
    application = application_in(status, cast.applicant)
    with pytest.raises(DomainError) as error:
        document_upload(
            owner=cast.applicant,
            kind="photo_id",
            uploaded_file=upload(MINIMAL_PDF),
            application=application,
        )
    assert error.value.code == "conflict"
    assert application.documents.count() == 2


def test_upload_to_someone_elses_application_is_denied(cast):
    application = draft_application(cast.applicant)
    with pytest.raises(PermissionDenied):
        document_upload(
            owner=cast.other_applicant,
            kind="photo_id",
            uploaded_file=upload(MINIMAL_PDF),
            application=application,
        )
    assert application.documents.count() == 2
    assert not Document.objects.filter(owner=cast.other_applicant).exists()


def test_upload_refuses_a_ce_certificate_on_an_application_and_unknown_kinds(cast):
    application = draft_application(cast.applicant)
    for kind in ("ce_certificate", "selfie"):
        with pytest.raises(DomainError) as error:
            document_upload(
                owner=cast.applicant,
                kind=kind,
                uploaded_file=upload(MINIMAL_PDF),
                application=application,
            )
        assert error.value.field == "kind"
    assert application.documents.count() == 2


# --- remove ---------------------------------------------------------------------------------


def test_remove_is_soft_and_audited(cast):
    application = draft_application(cast.applicant)
    (document,) = current(application, "diploma")
    document_remove(actor=cast.applicant, document=document)
    document.refresh_from_db()
    assert document.removed_at is not None
    assert Document.objects.filter(pk=document.pk).exists()
    event = last_event(document)
    assert (event.verb, event.actor, event.county, event.from_state, event.to_state) == (
        "document_remove",
        cast.applicant,
        cast.county,
        "pending",
        "removed",
    )


def test_remove_refused_twice_for_others_and_after_submission(cast):
    application = draft_application(cast.applicant)
    (document,) = current(application, "diploma")
    before = snapshot(document)
    for who in ("other_applicant", "reviewer", "state"):
        with pytest.raises(PermissionDenied):
            document_remove(actor=getattr(cast, who), document=document)
    assert snapshot(document) == before
    document_remove(actor=cast.applicant, document=document)
    before = snapshot(document)
    with pytest.raises(DomainError, match="already removed") as error:
        document_remove(actor=cast.applicant, document=document)
    assert error.value.code == "conflict"
    assert snapshot(document) == before
    submitted = application_in("submitted", cast.other_applicant)
    (locked,) = current(submitted, "photo_id")
    before = snapshot(locked)
    with pytest.raises(DomainError, match="This application is submitted, so"):
        document_remove(actor=cast.other_applicant, document=locked)
    assert snapshot(locked) == before


def test_remove_keeps_the_proof_of_a_training_record(cast):
    document = DocumentFactory(owner=cast.applicant, kind="training_certificate")
    TrainingRecordFactory(person=cast.applicant, certificate=document, status="verified")
    before = snapshot(document)
    with pytest.raises(DomainError, match="proof of a training record") as error:
        document_remove(actor=cast.applicant, document=document)
    assert error.value.code == "conflict"
    assert snapshot(document) == before


# --- review ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "in_review"])
def test_review_verifies(cast, status):
    application = application_in(status, cast.applicant)
    (document,) = current(application, "photo_id")
    document_review(actor=cast.reviewer, document=document, verified=True)
    document.refresh_from_db()
    assert (document.review_status, document.reviewed_by) == ("verified", cast.reviewer)
    assert document.reviewed_at is not None
    event = last_event(document)
    assert (event.verb, event.actor, event.county, event.from_state, event.to_state) == (
        "document_review",
        cast.reviewer,
        cast.county,
        "pending",
        "verified",
    )


def test_review_rejects_with_a_reason(cast):
    application = application_in("in_review", cast.applicant)
    (document,) = current(application, "photo_id")
    before = snapshot(document)
    with pytest.raises(DomainError) as error:
        document_review(actor=cast.admin, document=document, verified=False)
    assert error.value.field == "reason"
    assert snapshot(document) == before
    document_review(actor=cast.admin, document=document, verified=False, reason="Blurred.")
    document.refresh_from_db()
    assert (document.review_status, document.review_reason) == ("rejected", "Blurred.")
    assert last_event(document).reason == "Blurred."


@pytest.mark.parametrize("who", ["applicant", "other_applicant", "other_admin", "state"])
def test_review_by_anyone_but_county_staff_is_denied(cast, who):
    application = application_in("in_review", cast.applicant)
    (document,) = current(application, "photo_id")
    before = snapshot(document)
    with pytest.raises(PermissionDenied):
        document_review(actor=getattr(cast, who), document=document, verified=True)
    assert snapshot(document) == before


def test_review_conflicts(cast):
    draft = draft_application(cast.applicant)
    (in_draft,) = current(draft, "photo_id")
    before = snapshot(in_draft)
    with pytest.raises(DomainError, match="This application is a draft, so") as error:
        document_review(actor=cast.reviewer, document=in_draft, verified=True)
    assert error.value.code == "conflict"
    assert snapshot(in_draft) == before

    application = application_in("in_review", cast.other_applicant)
    (document,) = current(application, "photo_id")
    document_review(actor=cast.reviewer, document=document, verified=True)
    before = snapshot(document)
    with pytest.raises(DomainError, match="already verified") as error:
        document_review(actor=cast.reviewer, document=document, verified=False, reason="x")
    assert error.value.code == "conflict"
    assert snapshot(document) == before

    (diploma,) = current(application, "diploma")
    diploma.removed_at = timezone.now()
    diploma.save()
    before = snapshot(diploma)
    with pytest.raises(DomainError, match="removed by its owner"):
        document_review(actor=cast.reviewer, document=diploma, verified=True)
    assert snapshot(diploma) == before


def test_review_of_a_document_outside_an_application_is_refused(cast):
    document = DocumentFactory(owner=cast.applicant, kind="training_certificate")
    before = snapshot(document)
    with pytest.raises(DomainError, match="not part of an application"):
        document_review(actor=cast.reviewer, document=document, verified=True)
    assert snapshot(document) == before
