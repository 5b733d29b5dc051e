"""What follows a failed CE audit: the peer told, the missing hours required by a deadline
(and followed by the daily scan) or a suspension through the certification service."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from ce_audits.models import CeAudit
from ce_audits.services import (
    ce_audit_makeup_scan,
    ce_audit_record_outcome,
    ce_audit_require_hours,
    ce_audit_suspend,
)
from certification.models import Certification
from core.errors import DomainError
from jobs.models import OutboxMessage
from tests.factories import CeCreditFactory, CertificationFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def _emails() -> list[tuple[str, int, dict]]:
    """Every email queued so far (one at a time or in bulk), as (kind, user id, context)."""
    return [
        (kwargs["kind"], kwargs["user_id"], kwargs["context"])
        for name, kwargs in OutboxMessage.objects.order_by("id").values_list("task_name", "kwargs")
        if name.startswith("notifications.tasks.email_send")
    ]


@pytest.fixture
def failed(cast) -> CeAudit:
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    audit = CeAudit.objects.create(
        county=cast.county,
        certification=certification,
        cycle_start=certification.issued_on,
        cycle_end=certification.expires_on,
    )
    return ce_audit_record_outcome(
        actor=cast.reviewer, audit=audit, outcome="failed", note="No proof for 6 ethics hours."
    )


def test_a_failure_tells_the_peer_what_was_missing(cast, failed):
    kinds = [(kind, user, ctx.get("note")) for kind, user, ctx in _emails()]
    assert ("ce_audit_failed", cast.applicant.pk, "No proof for 6 ethics hours.") in kinds


def test_require_the_missing_hours_by_the_default_deadline(cast, failed):
    audit = ce_audit_require_hours(
        actor=cast.reviewer, audit=failed, total_hours="6", law_and_ethics_hours="6"
    )
    audit.refresh_from_db()
    assert (audit.consequence, audit.makeup_total_hours, audit.makeup_law_and_ethics_hours) == (
        "makeup",
        Decimal("6"),
        Decimal("6"),
    )
    assert audit.makeup_due_on == today() + datetime.timedelta(days=90)
    [email] = [e for e in _emails() if e[0] == "ce_audit_hours_required"]
    assert (email[1], email[2]["due_on"], email[2]["hours"]) == (
        cast.applicant.pk,
        audit.makeup_due_on.isoformat(),
        "6",
    )
    assert AuditEvent.objects.filter(verb="ce_audit_decide_consequence", to_state="makeup").exists()


def test_one_consequence_only_and_only_after_a_failure(cast, failed):
    ce_audit_require_hours(
        actor=cast.reviewer, audit=failed, total_hours="6", law_and_ethics_hours="0"
    )
    before = CeAudit.objects.values().get(pk=failed.pk)
    with pytest.raises(DomainError, match="already decided") as error:
        ce_audit_suspend(actor=cast.reviewer, audit=failed, reason="Missing hours.")
    assert error.value.code == "conflict"
    assert CeAudit.objects.values().get(pk=failed.pk) == before
    assert Certification.objects.get(pk=failed.certification_id).status == "active"


def test_bad_input_and_strangers_change_nothing(cast, failed):
    before = CeAudit.objects.values().get(pk=failed.pk)
    with pytest.raises(DomainError, match="after today"):
        ce_audit_require_hours(
            actor=cast.reviewer,
            audit=failed,
            total_hours="6",
            law_and_ethics_hours="0",
            due_on=today(),
        )
    with pytest.raises(DomainError, match="Enter the number of hours"):
        ce_audit_require_hours(
            actor=cast.reviewer, audit=failed, total_hours="six", law_and_ethics_hours="0"
        )
    for who in ("applicant", "other_admin", "state"):
        with pytest.raises(PermissionDenied):
            ce_audit_suspend(actor=getattr(cast, who), audit=failed, reason="x")
    assert CeAudit.objects.values().get(pk=failed.pk) == before


def test_suspend_through_the_certification_service(cast, failed):
    ce_audit_suspend(actor=cast.reviewer, audit=failed, reason="CE audit failed: no proof.")
    certification = Certification.objects.get(pk=failed.certification_id)
    assert (certification.status, certification.status_reason) == (
        "suspended",
        "CE audit failed: no proof.",
    )
    failed.refresh_from_db()
    assert failed.consequence == "suspension"
    assert "certification_suspended" in [kind for kind, _u, _c in _emails()]


def _required(cast, failed, due_in=30) -> CeAudit:
    return ce_audit_require_hours(
        actor=cast.reviewer,
        audit=failed,
        total_hours="6",
        law_and_ethics_hours="2",
        due_on=today() + datetime.timedelta(days=due_in),
    )


def test_the_scan_marks_the_hours_made_up(cast, failed):
    audit = _required(cast, failed)
    for hours, category in ((4, "general"), (2, "law_and_ethics")):
        CeCreditFactory(
            certification=audit.certification,
            hours=hours,
            category=category,
            completed_on=today(),
            status="verified",
        )
    assert ce_audit_makeup_scan(today=today()) == {"made_up": 1, "overdue": 0}
    audit.refresh_from_db()
    assert audit.makeup_met_at is not None and audit.makeup_overdue_at is None
    assert ce_audit_makeup_scan(today=today()) == {"made_up": 0, "overdue": 0}


def test_the_scan_flags_a_passed_deadline_once_and_tells_peer_and_county(cast, failed):
    audit = _required(cast, failed, due_in=10)
    CeCreditFactory(
        certification=audit.certification, hours=6, completed_on=today(), status="pending"
    )
    deadline = audit.makeup_due_on
    assert ce_audit_makeup_scan(today=deadline) == {"made_up": 0, "overdue": 0}
    sent_before = len(_emails())
    assert ce_audit_makeup_scan(today=deadline + datetime.timedelta(days=1)) == {
        "made_up": 0,
        "overdue": 1,
    }
    audit.refresh_from_db()
    assert audit.makeup_overdue_at is not None
    new = _emails()[sent_before:]
    assert ("ce_audit_hours_overdue", cast.applicant.pk) in [(k, u) for k, u, _c in new]
    staff = {u for k, u, _c in new if k == "ce_audit_hours_overdue_staff"}
    assert cast.reviewer.pk in staff and cast.admin.pk in staff
    assert cast.other_admin.pk not in staff
    # A second run (a retried task) sends nothing more.
    assert ce_audit_makeup_scan(today=deadline + datetime.timedelta(days=2)) == {
        "made_up": 0,
        "overdue": 0,
    }
    assert len(_emails()) == sent_before + len(new)
