"""Training record services: add (pending), verify and reject by the person's county staff.

Every refusal also asserts that nothing changed: no row, no field, no audit event.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import DomainError
from documents.models import Document
from tests.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    CertificationFactory,
    DocumentFactory,
    MembershipFactory,
    ProviderFactory,
    TrainingRecordFactory,
)
from training.models import SpecializationArea, TrainingProvider, TrainingRecord
from training.services import training_record_add, training_record_reject, training_record_verify

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 1)


@pytest.fixture
def provider():
    return ProviderFactory(name="Hope Education")


def add(person, provider, **overrides):
    fields = {
        "person": person,
        "provider": provider,
        "course": "core_80",
        "hours": "80",
        "completed_on": datetime.date(2025, 5, 1),
        "today": TODAY,
    }
    return training_record_add(**(fields | overrides))


# Add ------------------------------------------------------------------------------------------


def test_add_records_pending_training_and_audits_it(cast, provider):
    certificate = DocumentFactory(owner=cast.applicant, kind="training_certificate")
    record = add(cast.applicant, provider, hours="80.75", certificate=certificate)

    record.refresh_from_db()
    assert (record.person, record.provider, record.course) == (cast.applicant, provider, "core_80")
    assert (record.hours, record.completed_on) == (Decimal("80.75"), datetime.date(2025, 5, 1))
    assert (record.status, record.certificate, record.reviewed_by) == ("pending", certificate, None)
    event = AuditEvent.objects.get(verb="training_record_add")
    assert (event.actor, event.subject, event.object_id) == (
        cast.applicant,
        cast.applicant,
        record.pk,
    )
    assert (event.object_type, event.to_state) == ("training.trainingrecord", "pending")
    assert event.data == {"course": "core_80", "hours": "80.75", "provider_id": provider.pk}


def test_add_stores_the_certificate_file_with_the_record(cast, provider):
    record = add(
        cast.applicant,
        provider,
        certificate_file=SimpleUploadedFile("proof.pdf", MINIMAL_PDF),
    )

    certificate = record.certificate
    assert (certificate.owner, certificate.kind, certificate.original_name) == (
        cast.applicant,
        "training_certificate",
        "proof.pdf",
    )
    assert certificate.file.read() == MINIMAL_PDF
    assert set(AuditEvent.objects.values_list("verb", flat=True)) == {
        "document_upload",
        "training_record_add",
    }


def test_a_refused_record_stores_no_certificate_file(cast, provider):
    add(cast.applicant, provider)
    with pytest.raises(DomainError):
        add(cast.applicant, provider, certificate_file=SimpleUploadedFile("p.pdf", MINIMAL_PDF))

    assert not Document.objects.exists()
    assert TrainingRecord.objects.count() == 1


def test_a_certificate_file_refused_by_content_stores_no_record(cast, provider):
    with pytest.raises(DomainError) as refused:
        add(cast.applicant, provider, certificate_file=SimpleUploadedFile("p.pdf", b"not a pdf"))

    assert refused.value.field == "file"
    assert not TrainingRecord.objects.exists()
    assert not Document.objects.exists()
    assert not AuditEvent.objects.exists()


def test_add_accepts_completion_today_and_a_specialization(cast, provider):
    record = add(cast.applicant, provider, course="crisis", hours=40, completed_on=TODAY)
    assert (record.course, record.hours, record.completed_on) == ("crisis", Decimal("40"), TODAY)


def assert_refused_add(person, provider, *, field, message=None, code="invalid", **overrides):
    with pytest.raises(DomainError) as refused:
        add(person, provider, **overrides)
    assert (refused.value.field, refused.value.code) == (field, code)
    if message is not None:
        assert refused.value.message == message
    assert not TrainingRecord.objects.filter(person=person).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "Enter a number of hours greater than zero."),
        ("-8", "Enter a number of hours greater than zero."),
        ("eighty", "Enter the number of hours, such as 80 or 7.5."),
        ("", "Enter the number of hours, such as 80 or 7.5."),
        ("7.125", "Enter hours below 10,000 with at most two decimals, such as 7.25."),
        ("10000", "Enter hours below 10,000 with at most two decimals, such as 7.25."),
        ("NaN", "Enter a number of hours greater than zero."),
    ],
)
def test_add_refuses_bad_hours(cast, provider, hours, message):
    assert_refused_add(cast.applicant, provider, field="hours", message=message, hours=hours)


def test_add_refuses_a_future_completion_date(cast, provider):
    assert_refused_add(
        cast.applicant,
        provider,
        field="completed_on",
        message="The completion date cannot be in the future.",
        completed_on=TODAY + datetime.timedelta(days=1),
    )


def test_add_refuses_an_unknown_course(cast, provider):
    assert_refused_add(cast.applicant, provider, field="course", course="core_40")


@pytest.mark.parametrize(
    ("completed_on", "accepted"),
    [(datetime.date(2022, 6, 30), False), (datetime.date(2022, 7, 1), True)],
    ids=["2022-06-30", "2022-07-01"],
)
def test_add_refuses_training_completed_before_2022_07_01(cast, provider, completed_on, accepted):
    if accepted:
        assert add(cast.applicant, provider, completed_on=completed_on).status == "pending"
        return
    assert_refused_add(
        cast.applicant,
        provider,
        field="completed_on",
        message="Training completed on 2022-06-30 does not count: training must be completed "
        "on or after 2022-07-01.",
        completed_on=completed_on,
    )


@pytest.mark.parametrize(
    ("course", "hours", "accepted"),
    [("core_80", "79.5", False), ("core_80", "80", True), ("crisis", "39.5", False)],
)
def test_add_refuses_less_than_one_full_course(cast, provider, course, hours, accepted):
    if accepted:
        assert add(cast.applicant, provider, course=course, hours=hours).hours == Decimal(hours)
        return
    assert_refused_add(cast.applicant, provider, field="hours", course=course, hours=hours)


@pytest.mark.parametrize(
    ("approved_from", "approved_until", "accepted"),
    [
        (datetime.date(2025, 5, 2), None, False),
        (datetime.date(2025, 5, 1), None, True),
        (datetime.date(2023, 1, 1), datetime.date(2025, 4, 30), False),
        (datetime.date(2023, 1, 1), datetime.date(2025, 5, 1), True),
    ],
    ids=[
        "approval-starts-the-day-after",
        "approval-starts-that-day",
        "approval-ended-the-day-before",
        "approval-ends-that-day",
    ],
)
def test_add_refuses_a_provider_not_approved_on_the_completion_date(
    cast, approved_from, approved_until, accepted
):
    provider = ProviderFactory(
        name="Dated Academy", approved_from=approved_from, approved_until=approved_until
    )
    if accepted:
        assert add(cast.applicant, provider).provider == provider
        return
    assert_refused_add(
        cast.applicant,
        provider,
        field="provider",
        message="Dated Academy was not an approved training provider on 2025-05-01, the "
        "completion date: training from it does not count.",
    )


def test_add_reads_the_providers_approval_as_stored(cast, provider):
    """A stale provider object in hand does not decide: the stored approval does."""
    TrainingProvider.objects.filter(pk=provider.pk).update(approved=False)
    assert_refused_add(cast.applicant, provider, field="provider")


def test_add_refuses_a_provider_that_does_not_exist(cast):
    assert_refused_add(
        cast.applicant,
        TrainingProvider(name="Nowhere Academy"),
        field="provider",
        message="Choose a training provider from the list.",
    )


@pytest.mark.parametrize(
    ("owner_is_person", "kind", "removed"),
    [
        (False, "training_certificate", False),
        (True, "diploma", False),
        (True, "training_certificate", True),
    ],
    ids=["someone-elses", "wrong-kind", "removed"],
)
def test_add_refuses_an_unsuitable_certificate(cast, provider, owner_is_person, kind, removed):
    owner = cast.applicant if owner_is_person else cast.other_applicant
    certificate = DocumentFactory(
        owner=owner, kind=kind, removed_at=timezone.now() if removed else None
    )
    assert_refused_add(cast.applicant, provider, field="certificate", certificate=certificate)


def test_add_refuses_the_same_training_twice(cast, provider):
    first = add(cast.applicant, provider)
    with pytest.raises(DomainError) as refused:
        add(cast.applicant, provider, hours="90")
    assert refused.value.code == "conflict"
    assert refused.value.message == (
        "You already added this course from this provider, completed on 2025-05-01."
    )
    assert list(TrainingRecord.objects.filter(person=cast.applicant)) == [first]
    assert AuditEvent.objects.filter(verb="training_record_add").count() == 1


def test_add_allows_again_what_was_rejected(cast, provider):
    TrainingRecordFactory(
        person=cast.applicant,
        provider=provider,
        completed_on=datetime.date(2025, 5, 1),
        status="rejected",
    )
    assert add(cast.applicant, provider).status == "pending"


def test_add_needs_a_signed_in_person(cast, provider):
    with pytest.raises(PermissionDenied):
        add(cast.anonymous, provider)
    assert not TrainingRecord.objects.exists()


# Verify and reject ----------------------------------------------------------------------------


@pytest.fixture
def record(cast, provider):
    """A pending record of the applicant, who has a submitted application in Alameda."""
    ApplicationFactory(applicant=cast.applicant, county=cast.county, status="submitted")
    return TrainingRecordFactory(person=cast.applicant, provider=provider, hours=80)


def snapshot(record):
    record.refresh_from_db()
    return (record.status, record.reviewed_by_id, record.reviewed_at, record.reason)


PENDING = ("pending", None, None, "")


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_county_staff_verify(cast, record, who):
    actor = getattr(cast, who)
    returned = training_record_verify(actor=actor, record=record)

    record.refresh_from_db()
    assert (record.status, record.reviewed_by, record.reason) == ("verified", actor, "")
    assert record.reviewed_at is not None
    assert returned.status == "verified"
    event = AuditEvent.objects.get()
    assert (event.verb, event.actor, event.county, event.subject) == (
        "training_record_verify",
        actor,
        cast.county,
        cast.applicant,
    )
    assert (event.object_type, event.object_id) == ("training.trainingrecord", record.pk)
    assert (event.from_state, event.to_state, event.reason) == ("pending", "verified", "")


def test_county_staff_reject_with_a_reason(cast, record):
    training_record_reject(actor=cast.reviewer, record=record, reason="  Certificate unreadable. ")

    record.refresh_from_db()
    assert (record.status, record.reviewed_by, record.reason) == (
        "rejected",
        cast.reviewer,
        "Certificate unreadable.",
    )
    event = AuditEvent.objects.get()
    assert (event.verb, event.county, event.subject) == (
        "training_record_reject",
        cast.county,
        cast.applicant,
    )
    assert (event.from_state, event.to_state, event.reason) == (
        "pending",
        "rejected",
        "Certificate unreadable.",
    )


def test_staff_of_the_county_that_certified_the_person_may_review(cast, provider):
    CertificationFactory(holder=cast.other_applicant, issuing_county=cast.other_county)
    record = TrainingRecordFactory(person=cast.other_applicant, provider=provider, course="crisis")
    training_record_verify(actor=cast.other_admin, record=record)
    assert snapshot(record)[:2] == ("verified", cast.other_admin.pk)
    assert AuditEvent.objects.get().county == cast.other_county


def test_a_multi_county_reviewer_is_audited_in_the_persons_county(cast, record):
    MembershipFactory(user=cast.other_admin, county=cast.county, role="reviewer")
    training_record_verify(actor=cast.other_admin, record=record)
    assert AuditEvent.objects.get().county == cast.county


def assert_denied(action, record):
    with pytest.raises(PermissionDenied):
        action()
    assert snapshot(record) == PENDING
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "who", ["anonymous", "applicant", "other_applicant", "other_admin", "state"]
)
@pytest.mark.parametrize("verb", ["verify", "reject"])
def test_others_may_not_review(cast, record, who, verb):
    actor = getattr(cast, who)
    if verb == "verify":
        assert_denied(lambda: training_record_verify(actor=actor, record=record), record)
    else:
        # Refused for who they are, before the (missing) reason is even looked at.
        assert_denied(lambda: training_record_reject(actor=actor, record=record, reason=""), record)


def test_state_staff_with_a_membership_still_write_nothing(cast, record):
    MembershipFactory(user=cast.state, county=cast.county, role="admin")
    assert_denied(lambda: training_record_verify(actor=cast.state, record=record), record)


def test_a_draft_application_does_not_open_the_record_to_that_county(cast, provider):
    ApplicationFactory(applicant=cast.other_applicant, county=cast.county, status="draft")
    record = TrainingRecordFactory(person=cast.other_applicant, provider=provider)
    assert_denied(lambda: training_record_verify(actor=cast.admin, record=record), record)


def test_staff_may_not_review_their_own_training(cast, provider):
    ApplicationFactory(applicant=cast.reviewer, county=cast.county, status="submitted")
    own = TrainingRecordFactory(person=cast.reviewer, provider=provider)
    assert_denied(lambda: training_record_verify(actor=cast.reviewer, record=own), own)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_needs_a_reason(cast, record, reason):
    with pytest.raises(DomainError) as refused:
        training_record_reject(actor=cast.reviewer, record=record, reason=reason)
    assert (refused.value.field, refused.value.message) == (
        "reason",
        "Give a reason for rejecting this training.",
    )
    assert snapshot(record) == PENDING
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("done", ["verified", "rejected"])
@pytest.mark.parametrize("verb", ["verify", "reject"])
def test_only_pending_records_are_reviewed(cast, record, done, verb):
    TrainingRecord.objects.filter(pk=record.pk).update(status=done, reason="earlier")
    with pytest.raises(DomainError) as refused:
        if verb == "verify":
            training_record_verify(actor=cast.admin, record=record)
        else:
            training_record_reject(actor=cast.admin, record=record, reason="Again")
    assert refused.value.code == "conflict"
    assert refused.value.message == f"This training record is already {done}."
    assert snapshot(record) == (done, None, None, "earlier")
    assert not AuditEvent.objects.exists()


def test_a_stale_copy_cannot_review_twice(cast, record):
    stale = TrainingRecord.objects.get(pk=record.pk)
    training_record_verify(actor=cast.reviewer, record=record)
    with pytest.raises(DomainError) as refused:
        training_record_reject(actor=cast.admin, record=stale, reason="Late")
    assert refused.value.code == "conflict"
    assert snapshot(record)[:2] == ("verified", cast.reviewer.pk)
    assert AuditEvent.objects.count() == 1


# Specialization courses when entered ------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed_on", "accepted"),
    [
        (datetime.date(2024, 2, 29), False),
        (datetime.date(2024, 3, 1), False),
        (datetime.date(2024, 3, 2), True),
    ],
    ids=["day-before-core", "same-day-as-core", "day-after-core"],
)
def test_a_specialization_course_is_entered_only_after_the_core_training(
    cast, provider, completed_on, accepted
):
    core = TrainingRecordFactory(
        person=cast.applicant, provider=provider, completed_on=datetime.date(2024, 3, 1)
    )
    if accepted:
        record = add(
            cast.applicant, provider, course="crisis", hours="40", completed_on=completed_on
        )
        assert record.course == "crisis"
        return
    with pytest.raises(DomainError) as refused:
        add(cast.applicant, provider, course="crisis", hours="40", completed_on=completed_on)
    assert refused.value.field == "completed_on"
    assert refused.value.message == (
        "A specialization course counts only when it is completed after the core training "
        f"(completed on 2024-03-01); this one was completed on {completed_on.isoformat()}."
    )
    assert list(TrainingRecord.objects.filter(person=cast.applicant)) == [core]
    assert not AuditEvent.objects.exists()


def test_a_rejected_core_record_does_not_set_the_order(cast, provider):
    TrainingRecordFactory(
        person=cast.applicant,
        provider=provider,
        completed_on=datetime.date(2025, 5, 1),
        status="rejected",
    )
    record = add(cast.applicant, provider, course="crisis", hours="40")
    assert record.completed_on == datetime.date(2025, 5, 1)


def test_an_area_added_by_an_operator_can_be_entered_and_a_retired_one_cannot(cast, provider):
    SpecializationArea.objects.create(
        code="peer_workforce", name="Peer Workforce", name_es="Fuerza laboral de pares"
    )
    record = add(cast.applicant, provider, course="peer_workforce", hours="40")
    assert record.get_course_display() == "Specialization: Peer Workforce"

    area = SpecializationArea.objects.get(code="peer_workforce")
    area.offered = False
    area.save()
    with pytest.raises(DomainError) as refused:
        add(cast.other_applicant, provider, course="peer_workforce", hours="40")
    assert (refused.value.field, refused.value.message) == (
        "course",
        "Choose the course you completed.",
    )
    assert not TrainingRecord.objects.filter(person=cast.other_applicant).exists()
    # Retired, it is still named on what was recorded (and held).
    assert record.get_course_display() == "Specialization: Peer Workforce"
