"""CE credit services: the holder logs a credit (pending), issuing-county staff verify or
reject it. Every refusal also asserts that nothing changed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from certification.models import Certification
from continuing_ed.models import CeCredit
from continuing_ed.services import ce_credit_add, ce_credit_reject, ce_credit_verify
from core.errors import DomainError
from core.review import ReviewStatus
from documents.models import Document
from tests.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    CeCreditFactory,
    CertificationFactory,
    DocumentFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 6, 1)
# Issued 2024-03-15, expiring 2026-03-15: the CE cycle runs from the issue date itself,
# 2024-03-15 … 2026-03-15.
CYCLE_START = D(2024, 3, 15)


@pytest.fixture
def certification(cast):
    return CertificationFactory(
        holder=cast.applicant,
        issuing_county=cast.county,
        issued_on=D(2024, 3, 15),
        expires_on=D(2026, 3, 15),
    )


def add(certification, **overrides):
    fields = {
        "certification": certification,
        "title": "Ethics and boundaries",
        "provider_name": "Peer Academy",
        "hours": "6",
        "category": "law_and_ethics",
        "completed_on": D(2025, 5, 1),
        "today": TODAY,
    }
    return ce_credit_add(**(fields | overrides))


# Add ------------------------------------------------------------------------------------------


def test_add_stores_the_proof_file_with_the_credit(cast, certification):
    credit = add(certification, document_file=SimpleUploadedFile("ce.pdf", MINIMAL_PDF))

    proof = credit.document
    assert (proof.owner, proof.kind, proof.original_name) == (
        cast.applicant,
        "ce_certificate",
        "ce.pdf",
    )
    assert proof.file.read() == MINIMAL_PDF


def test_a_refused_credit_stores_no_proof_file(cast, certification):
    with pytest.raises(DomainError):
        add(
            certification,
            completed_on=TODAY + datetime.timedelta(days=1),
            document_file=SimpleUploadedFile("ce.pdf", MINIMAL_PDF),
        )

    assert not CeCredit.objects.exists()
    assert not Document.objects.exists()
    assert not AuditEvent.objects.exists()


def test_add_logs_a_pending_credit_and_audits_it(cast, certification):
    proof = DocumentFactory(owner=cast.applicant, kind="ce_certificate")
    credit = add(certification, title="  Ethics and boundaries ", hours="5.75", document=proof)

    credit.refresh_from_db()
    assert (credit.certification, credit.title, credit.provider_name) == (
        certification,
        "Ethics and boundaries",
        "Peer Academy",
    )
    assert (credit.hours, credit.category, credit.completed_on) == (
        Decimal("5.75"),
        "law_and_ethics",
        D(2025, 5, 1),
    )
    assert (credit.status, credit.document, credit.reviewed_by) == ("pending", proof, None)
    event = AuditEvent.objects.get()
    assert (event.verb, event.actor, event.subject, event.county) == (
        "ce_credit_add",
        cast.applicant,
        cast.applicant,
        cast.county,
    )
    assert (event.object_type, event.object_id, event.to_state) == (
        "continuing_ed.cecredit",
        credit.pk,
        "pending",
    )


@pytest.mark.parametrize("completed_on", [CYCLE_START, TODAY], ids=["issue-date", "today"])
def test_add_accepts_the_edges_of_the_window(certification, completed_on):
    assert add(certification, completed_on=completed_on).completed_on == completed_on


def test_after_a_renewal_the_cycle_starts_on_the_renewal_date_itself(certification):
    renewed_on = D(2026, 2, 1)
    Certification.objects.filter(pk=certification.pk).update(
        expires_on=D(2028, 3, 15), cycle_started_on=renewed_on
    )
    certification.refresh_from_db()
    credit = add(certification, completed_on=renewed_on, today=D(2026, 3, 1))
    assert credit.completed_on == renewed_on
    with pytest.raises(DomainError) as refused:
        add(
            certification,
            title="Another course",
            completed_on=renewed_on - datetime.timedelta(days=1),
            today=D(2026, 3, 1),
        )
    assert refused.value.message == (
        "Only CE completed on or after 2026-02-01 counts toward this certification."
    )
    assert list(CeCredit.objects.all()) == [credit]


def test_add_toward_reinstatement_after_expiry(certification):
    Certification.objects.filter(pk=certification.pk).update(status="expired")
    credit = add(certification, completed_on=D(2026, 9, 1), today=D(2026, 10, 1))
    assert credit.completed_on == D(2026, 9, 1)


def assert_refused_add(certification, *, field, message=None, code="invalid", **overrides):
    with pytest.raises(DomainError) as refused:
        add(certification, **overrides)
    assert (refused.value.field, refused.value.code) == (field, code)
    if message is not None:
        assert refused.value.message == message
    assert not CeCredit.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("completed_on", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "The completion date cannot be in the future."),
        (
            CYCLE_START - datetime.timedelta(days=1),
            "Only CE completed on or after 2024-03-15 counts toward this certification.",
        ),
    ],
    ids=["tomorrow", "day-before-cycle"],
)
def test_add_refuses_dates_outside_the_window(certification, completed_on, message):
    assert_refused_add(
        certification, field="completed_on", message=message, completed_on=completed_on
    )


@pytest.mark.parametrize("status", ["revoked", "vacated"])
def test_add_refuses_a_revoked_or_vacated_certification(certification, status):
    Certification.objects.filter(pk=certification.pk).update(status=status)
    assert_refused_add(
        certification,
        field="completed_on",
        message="CE can be logged only for an active, suspended or expired certification.",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"provider_name": ""}, "provider_name"),
        ({"hours": "0"}, "hours"),
        ({"hours": "1.005"}, "hours"),
        ({"category": "ethics"}, "category"),
        ({"completed_on": None}, "completed_on"),
    ],
    ids=[
        "blank-title",
        "long-title",
        "blank-provider",
        "zero-hours",
        "thousandths",
        "category",
        "no-date",
    ],
)
def test_add_refuses_bad_input(certification, overrides, field):
    assert_refused_add(certification, field=field, **overrides)


@pytest.mark.parametrize(
    ("owner", "kind"),
    [("other_applicant", "ce_certificate"), ("applicant", "training_certificate")],
    ids=["someone-elses", "wrong-kind"],
)
def test_add_refuses_an_unsuitable_document(cast, certification, owner, kind):
    document = DocumentFactory(owner=getattr(cast, owner), kind=kind)
    assert_refused_add(certification, field="document", document=document)


def test_add_refuses_a_removed_document(cast, certification):
    document = DocumentFactory(
        owner=cast.applicant, kind="ce_certificate", removed_at=timezone.now()
    )
    assert_refused_add(certification, field="document", document=document)


def test_add_refuses_the_same_course_twice(certification):
    first = add(certification)
    with pytest.raises(DomainError) as refused:
        add(certification, title="ETHICS AND BOUNDARIES", hours="3")
    assert refused.value.code == "conflict"
    assert refused.value.message == "This course, completed on 2025-05-01, is already logged."
    assert list(CeCredit.objects.all()) == [first]
    assert AuditEvent.objects.count() == 1


# Verify and reject ----------------------------------------------------------------------------


@pytest.fixture
def credit(certification):
    return CeCreditFactory(certification=certification, hours=6, completed_on=D(2025, 5, 1))


def snapshot(credit):
    credit.refresh_from_db()
    return (credit.status, credit.reviewed_by_id, credit.reviewed_at, credit.reason)


PENDING = ("pending", None, None, "")


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_issuing_county_staff_verify(cast, credit, who):
    actor = getattr(cast, who)
    returned = ce_credit_verify(actor=actor, credit=credit)

    credit.refresh_from_db()
    assert (credit.status, credit.reviewed_by, credit.reason) == ("verified", actor, "")
    assert credit.reviewed_at is not None
    assert returned.status == "verified"
    event = AuditEvent.objects.get()
    assert (event.verb, event.actor, event.county, event.subject) == (
        "ce_credit_verify",
        actor,
        cast.county,
        cast.applicant,
    )
    assert (event.object_type, event.object_id) == ("continuing_ed.cecredit", credit.pk)
    assert (event.from_state, event.to_state) == ("pending", "verified")


def test_issuing_county_staff_reject_with_a_reason(cast, credit):
    ce_credit_reject(actor=cast.admin, credit=credit, reason=" Not an approved course. ")

    credit.refresh_from_db()
    assert (credit.status, credit.reviewed_by, credit.reason) == (
        "rejected",
        cast.admin,
        "Not an approved course.",
    )
    event = AuditEvent.objects.get()
    assert (event.verb, event.county, event.subject, event.reason) == (
        "ce_credit_reject",
        cast.county,
        cast.applicant,
        "Not an approved course.",
    )
    assert (event.from_state, event.to_state) == ("pending", "rejected")


def assert_denied(action, credit):
    with pytest.raises(PermissionDenied):
        action()
    assert snapshot(credit) == PENDING
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "who", ["anonymous", "applicant", "other_applicant", "other_admin", "state"]
)
@pytest.mark.parametrize("verb", ["verify", "reject"])
def test_others_may_not_review(cast, credit, who, verb):
    actor = getattr(cast, who)
    if verb == "verify":
        assert_denied(lambda: ce_credit_verify(actor=actor, credit=credit), credit)
    else:
        assert_denied(lambda: ce_credit_reject(actor=actor, credit=credit, reason=""), credit)


def test_state_staff_with_a_membership_still_write_nothing(cast, credit):
    MembershipFactory(user=cast.state, county=cast.county, role="admin")
    assert_denied(lambda: ce_credit_verify(actor=cast.state, credit=credit), credit)


def test_staff_may_not_review_their_own_ce(cast):
    own = CertificationFactory(holder=cast.reviewer, issuing_county=cast.county)
    credit = CeCreditFactory(certification=own)
    assert_denied(lambda: ce_credit_verify(actor=cast.reviewer, credit=credit), credit)


def test_a_county_the_holder_applied_to_but_that_did_not_issue_may_not_review(cast, credit):
    """CE belongs to the certification: only its issuing county reviews it."""
    ApplicationFactory(applicant=cast.applicant, county=cast.other_county, status="submitted")
    assert_denied(lambda: ce_credit_verify(actor=cast.other_admin, credit=credit), credit)


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_reject_needs_a_reason(cast, credit, reason):
    with pytest.raises(DomainError) as refused:
        ce_credit_reject(actor=cast.reviewer, credit=credit, reason=reason)
    assert (refused.value.field, refused.value.message) == (
        "reason",
        "Give a reason for rejecting this CE credit.",
    )
    assert snapshot(credit) == PENDING
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("done", ["verified", "rejected"])
@pytest.mark.parametrize("verb", ["verify", "reject"])
def test_only_pending_credits_are_reviewed(cast, credit, done, verb):
    CeCredit.objects.filter(pk=credit.pk).update(status=done, reason="earlier")
    with pytest.raises(DomainError) as refused:
        if verb == "verify":
            ce_credit_verify(actor=cast.admin, credit=credit)
        else:
            ce_credit_reject(actor=cast.admin, credit=credit, reason="Again")
    assert refused.value.code == "conflict"
    assert refused.value.message == f"This CE credit is already {done}."
    assert snapshot(credit) == (done, None, None, "earlier")
    assert not AuditEvent.objects.exists()


# Reported at the source, many at once ----------------------------------------------------------


def _reported_state(certification):
    credits = sorted(
        (
            c.title,
            c.provider_name,
            c.hours,
            c.category,
            c.completed_on,
            c.status,
            c.reported_at_source,
        )
        for c in CeCredit.objects.filter(certification=certification)
    )
    events = sorted(
        (e.verb, e.county_id, e.object_type, e.to_state, sorted(e.data.items()), e.actor_id)
        for e in AuditEvent.objects.filter(verb="ce_credit_report", subject=certification.holder)
    )
    return credits, events


def test_credits_reported_at_once_each_get_their_credit_or_refusal(cast):
    """`ce_credits_report` (a provider's file, set-based; `ce_credit_report` is one item of
    it) gives each item, in order, its credit or the refusal `ce_credit_add` would give: a
    credit, one outside the cycle, the same course again in other letter case (already
    logged), one logged before by the peer, a bad category, no title, and a second credit;
    the two credits verified at source, each with its audit event as the system."""
    from continuing_ed.services import ReportedCe, ce_credit_report, ce_credits_report

    certification = CertificationFactory(
        issuing_county=cast.county, issued_on=D(2024, 3, 15), expires_on=D(2026, 3, 15)
    )
    add(certification, title="logged BEFORE", provider_name="peer academy")
    base = {
        "certification_id": certification.pk,
        "title": "Ethics refresher",
        "provider_name": "Peer Academy",
        "hours": "6",
        "category": "law_and_ethics",
        "completed_on": D(2025, 5, 1),
        "reported_as": "9:R-1",
    }
    items = [
        ReportedCe(**base),
        ReportedCe(**(base | {"completed_on": D(2023, 1, 1), "reported_as": "9:R-2"})),
        ReportedCe(**(base | {"title": "ETHICS REFRESHER", "reported_as": "9:R-3"})),
        ReportedCe(**(base | {"title": "Logged before", "reported_as": "9:R-4"})),
        ReportedCe(**(base | {"category": "nonsense", "reported_as": "9:R-5"})),
        ReportedCe(**(base | {"title": " ", "reported_as": "9:R-6"})),
        ReportedCe(
            **(base | {"completed_on": D(2025, 5, 2), "hours": "7.5", "reported_as": "9:R-7"})
        ),
    ]

    results = ce_credits_report(items, today=TODAY)

    def outcome(result):
        if isinstance(result, DomainError):
            return ("refused", result.field, result.code)
        return ("credit", result.title, result.hours, result.status, result.reported_at_source)

    already = ("refused", None, "conflict")
    assert [outcome(r) for r in results] == [
        ("credit", "Ethics refresher", Decimal("6"), ReviewStatus.VERIFIED, True),
        ("refused", "completed_on", results[1].code),
        already,
        already,
        ("refused", "category", results[4].code),
        ("refused", "title", results[5].code),
        ("credit", "Ethics refresher", Decimal("7.5"), ReviewStatus.VERIFIED, True),
    ]
    assert "already logged" in str(results[2].message)
    assert "already logged" in str(results[3].message)
    assert results[1].code != "conflict"
    credits, events = _reported_state(certification)
    assert len(credits) == 3  # the two reported and the one the peer logged before
    assert [e[4] for e in events] == [
        [("category", "law_and_ethics"), ("hours", "6"), ("reported_as", "9:R-1")],
        [("category", "law_and_ethics"), ("hours", "7.5"), ("reported_as", "9:R-7")],
    ]
    assert all(e[5] is None for e in events)  # the system reported them

    # One item alone, by `ce_credit_report`: the same course again is refused, nothing added.
    with pytest.raises(DomainError) as refused:
        ce_credit_report(
            certification=certification,
            title="ethics refresher",
            provider_name="PEER ACADEMY",
            hours="6",
            category="law_and_ethics",
            completed_on=D(2025, 5, 1),
            reported_as="9:R-8",
            today=TODAY,
        )
    assert refused.value.code == "conflict"
    assert _reported_state(certification) == (credits, events)
