"""Checks that data is in a state the services would have left it in: the rules held when each
certification was issued, expiry dates follow from issue and renewals, and every record's audit
trail is the chain of transitions the services write, ending in the record's current state.

Shared by the tests of seed_demo and seed_scale. Each check returns readable problems (an
empty list when the data is consistent), so a failing test names every offending record.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Model
from django.utils import timezone

from audit.models import AuditEvent
from ce_audits.models import CeAudit
from certification import rules
from certification.expiry import expiry_scan_run
from certification.models import Application, Certification, Renewal
from continuing_ed.models import CeCredit
from documents.models import Document
from exams.models import ExamAttempt
from training.models import TrainingRecord

# (model, the field holding the state its audit trail must end in)
AUDITED = (
    (Application, "status"),
    (Certification, "status"),
    (Document, "review_status"),
    (TrainingRecord, "status"),
    (CeCredit, "status"),
    (ExamAttempt, "result"),
    (CeAudit, "outcome"),
)


def _trails(model: type[Model], ids: Iterable[int]) -> dict[int, list[AuditEvent]]:
    trails: dict[int, list[AuditEvent]] = defaultdict(list)
    events = AuditEvent.objects.filter(
        object_type=model._meta.label_lower, object_id__in=list(ids)
    ).order_by("created_at", "id")
    for event in events:
        trails[event.object_id].append(event)
    return trails


def audit_trail_problems(rows: Iterable[Model], state_field: str) -> list[str]:
    """Each row's audit events, oldest first, start from nothing, each going on from where
    the one before ended, and end in the row's current `state_field`."""
    rows = list(rows)
    if not rows:
        return []
    trails = _trails(type(rows[0]), [row.pk for row in rows])
    problems = []
    for row in rows:
        label = f"{row._meta.label} #{row.pk}"
        trail = trails.get(row.pk, [])
        if not trail:
            problems.append(f"{label} has no audit event")
            continue
        if trail[0].from_state:
            problems.append(f"{label}: its first event {trail[0].verb} starts from a state")
        for before, after in zip(trail, trail[1:], strict=False):
            if after.from_state != before.to_state:
                problems.append(
                    f"{label}: {after.verb} goes from {after.from_state!r} but "
                    f"{before.verb} left {before.to_state!r}"
                )
        if trail[-1].to_state != getattr(row, state_field):
            problems.append(
                f"{label} is {getattr(row, state_field)!r} but its trail ends in "
                f"{trail[-1].to_state!r}"
            )
    return problems


def issue_problems(certification: Certification) -> list[str]:
    """The certification came from a certified application that met the rules on the issue
    day: approved with its window, a passed exam taken inside the window, sufficient verified
    training on the standard pathway, photo ID and diploma verified."""
    label = f"certification {certification.number}"
    application = certification.application
    if application is None:
        return [f"{label} has no application"]
    if application.status != "certified":
        return [f"{label}: its application is {application.status}"]
    problems = []
    if application.window_ends_on != rules.approval_window_end(application.approved_on):
        problems.append(f"{label}: the exam window does not follow from the approval")
    attempts = list(application.exam_attempts.all())
    passed = [a for a in attempts if a.result == "passed"]
    if not any(application.approved_on <= a.taken_on <= application.window_ends_on for a in passed):
        problems.append(f"{label}: no exam passed inside the window")
    records = list(
        TrainingRecord.objects.filter(person_id=certification.holder_id).select_related("provider")
    )
    application.status = "approved"  # as it was on the issue day
    problems += [
        f"{label}: {reason}"
        for reason in rules.issue_problems(
            application, records, attempts, on=certification.issued_on
        )
    ]
    verified = {
        d.kind
        for d in application.documents.all()
        if d.removed_at is None and d.review_status == "verified"
    }
    if not {"photo_id", "diploma"} <= verified:
        problems.append(f"{label}: photo ID and diploma were not both verified")
    return problems


def expiry_problems(certification: Certification) -> list[str]:
    """expires_on = issue + 2 years, or follows from the renewals: each renewal extends the
    expiry it found by 2 years, each reinstatement runs 2 years from its day."""
    label = f"certification {certification.number}"
    expected = rules.certification_expiry(certification.issued_on)
    problems = []
    for renewal in Renewal.objects.filter(certification=certification).order_by("created_at"):
        if renewal.previous_expires_on != expected:
            found = renewal.previous_expires_on
            problems.append(f"{label}: a renewal found {found}, not {expected}")
        if renewal.kind == "renewal":
            expected = rules.certification_expiry(renewal.previous_expires_on)
        else:
            expected = rules.certification_expiry(timezone.localdate(renewal.created_at))
        if renewal.new_expires_on != expected:
            problems.append(f"{label}: a {renewal.kind} set {renewal.new_expires_on}")
    if certification.expires_on != expected:
        problems.append(f"{label} expires on {certification.expires_on}, not {expected}")
    return problems


def status_problems(certification: Certification, *, today: datetime.date) -> list[str]:
    """The status agrees with the dates on `today` (the expiry scan would change nothing)."""
    label = f"certification {certification.number} ({certification.status})"
    expires_on = certification.expires_on
    if certification.status == "active" and expires_on < today:
        return [f"{label} expired on {expires_on}"]
    if certification.status == "expired" and not (
        expires_on < today < rules.vacate_date(expires_on)
    ):
        return [f"{label}: expiry {expires_on} does not make it expired on {today}"]
    if certification.status == "vacated" and rules.vacate_date(expires_on) > today:
        return [f"{label} is not due to be vacated before {rules.vacate_date(expires_on)}"]
    return []


def specialization_problems(certification: Certification) -> list[str]:
    problems = []
    for specialization in certification.specializations.select_related("training_record"):
        record = specialization.training_record
        label = f"certification {certification.number}: {specialization.code}"
        if record is None or record.person_id != certification.holder_id:
            problems.append(f"{label} has no training record of the holder's")
        elif (record.course, record.status) != (specialization.code, "verified"):
            problems.append(f"{label} comes from a {record.status} {record.course} record")
        elif record.hours < 40:
            problems.append(f"{label} comes from {record.hours} hours of training")
        if not certification.issued_on <= specialization.added_on:
            problems.append(f"{label} was added before the certification was issued")
    return problems


def consistency_problems(
    *,
    today: datetime.date,
    certifications: Iterable[Certification] | None = None,
    applications: bool = True,
) -> list[str]:
    """Every check above, for `certifications` (default: all) and the records around them,
    and for every other audited row when `certifications` is None. `applications` False:
    a certification may have no application (seed_scale's default depth); one that has is
    checked all the same."""
    whole = certifications is None
    if whole:
        certifications = Certification.objects.all()
    certifications = list(
        Certification.objects.filter(pk__in=[c.pk for c in certifications])
        .select_related("application")
        .order_by("pk")
    )
    problems = []
    for certification in certifications:
        if applications or certification.application_id is not None:
            problems += issue_problems(certification)
        problems += expiry_problems(certification)
        problems += status_problems(certification, today=today)
        problems += specialization_problems(certification)
    holders = [c.holder_id for c in certifications]
    for model, state_field in AUDITED:
        rows = model.objects.all()
        if not whole:
            rows = _around(model, rows, certifications, holders)
        problems += audit_trail_problems(rows.order_by("pk"), state_field)
    if whole:
        report = expiry_scan_run(today=today, dry_run=True)
        for name in ("applications_expired", "certifications_expired", "certifications_vacated"):
            if getattr(report, name):
                problems.append(f"the expiry scan on {today} has {name}: {getattr(report, name)}")
    return problems


def _around(model, rows, certifications, holders):
    """The rows of `model` belonging to the sampled certifications and their holders."""
    ids = [c.pk for c in certifications]
    if model is Certification:
        return rows.filter(pk__in=ids)
    if model is Application:
        return rows.filter(applicant_id__in=holders)
    if model is ExamAttempt:
        return rows.filter(application__applicant_id__in=holders)
    if model is CeCredit or model is CeAudit:
        return rows.filter(certification_id__in=ids)
    if model is Document:
        return rows.filter(owner_id__in=holders)
    return rows.filter(person_id__in=holders)
