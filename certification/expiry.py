"""The daily expiry scan: renewal reminders and the date-driven transitions, set-based.

`expiry_scan_run(today=...)` does, in one transaction and with a fixed number of queries
whatever the number of certifications:

1. approved applications past their 12-month window and the result grace period after it
   (`window_ends_on + ProgramPolicy.exam_result_grace_days < today`) with no passed exam on
   file → expired (`rules.application_expiry_problems`);
2. active and suspended certifications past their expiry date (`expires_on < today`; a
   certification is in force through its expiry date) → expired, and their holders are
   emailed; a suspended one keeps its suspension (date and reason) on record;
3. expired certifications on or after their vacate date (`rules.vacate_date`, 4 years after
   expiry) → vacated (a certification caught by 2 and 3 in the same run is emailed nothing);
4. renewal reminders at `ProgramPolicy.current().reminder_days` (90, 60, 30 and 7) before
   expiry, for active certifications with `expires_on - d <= today < expires_on`.

Each transition is one statement: `UPDATE ... RETURNING` (setting `updated_at`, and the
application's `version`) with the audit events of the changed rows (actor None: the system,
same verbs as the per-row services) inserted from its RETURNING in the same statement. The
certificate re-render of every changed certification and the emails are queued with one outbox
INSERT each, as bulk tasks (their own queue: a catch-up scan's tens of thousands of emails never
delay a certificate or email someone is waiting for). Rows are locked in id order (`SELECT ...
ORDER BY id FOR UPDATE`) and re-checked after waiting, so a scan never changes a row a service
changed meanwhile, and two scans at once do not deadlock. Nothing is done per row in Python
except building the email payloads: at 200,000 certifications the scan stays within seconds
(benchmarks/RESULTS.md).

Reminders are claimed before they are sent: one `INSERT ... ON CONFLICT DO NOTHING RETURNING`
writes a `RenewalReminder` per (certification, cycle, threshold) due, and only the rows this
statement inserted get an email, queued in the same transaction. So each reminder goes out
once per cycle, even when two scans run at the same time or one is re-run.

Catching up (our choice): when scans were missed and several thresholds are due at once (say
25 days before expiry with nothing sent yet: 90, 60 and 30 are due), all of them are claimed
but only the most urgent (30) is emailed, so a person never gets a burst of reminders. The
claimed-but-silent rows have `emailed=False`.

`dry_run=True` runs exactly the same statements and rolls the transaction back: the report
says what a real run would do at that moment; nothing is written or queued.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from certification import rules
from certification.events import certification_event, certifications_changed
from certification.models import (
    Application,
    ApplicationStatus,
    Certification,
    CertificationStatus,
    RenewalReminder,
)
from certification.services.certifications import CERTIFICATE_RENDER_BULK_TASK
from core import policy
from core.units import hours_text
from counties.models import County, ProgramPolicy
from exams.models import ExamAttempt, ExamResult
from jobs.services import enqueue_many
from notifications.services import notify_many

REMINDER_KIND = "certification_renewal_reminder"
CERTIFICATION_EXPIRED_KIND = "certification_expired"
APPLICATION_EXPIRED_KIND = "application_expired"


@dataclass
class ScanReport:
    """What a scan did (or, for a dry run, would do) on `today`."""

    today: datetime.date
    dry_run: bool
    applications_expired: list[int] = field(default_factory=list)
    certifications_expired: list[str] = field(default_factory=list)
    certifications_vacated: list[str] = field(default_factory=list)
    # threshold (days before expiry) → reminders emailed for it
    reminders_sent: dict[int, int] = field(default_factory=dict)
    # thresholds claimed without an email because a more urgent one was due (catching up)
    reminders_skipped: int = 0
    emails_queued: int = 0
    renders_queued: int = 0


_TRANSITION = """
WITH locked AS (
    SELECT id FROM {table}
    WHERE status = %(from)s AND {condition}
    ORDER BY id FOR UPDATE
),
changed AS (
    UPDATE {table} t
    SET {assignments}
    FROM locked
    WHERE t.id = locked.id AND t.status = %(from)s
    RETURNING t.id, t.{subject} AS subject_id, t.{county_fk} AS county_id,
              t.{day} AS day, t.{label} AS label
),
audit AS (
    INSERT INTO {audit} ({audit_columns})
    SELECT NULL, %(verb)s, %(object_type)s, id, county_id, subject_id, %(from)s, %(to)s, '',
           jsonb_build_object(%(day_name)s, day, 'source', 'expiry_scan'), %(now)s
    FROM changed
)
SELECT changed.id, changed.subject_id, changed.day, changed.label, k.name
FROM changed JOIN {county} k ON k.id = changed.county_id
"""
_AUDIT_FIELDS = (
    "actor",
    "verb",
    "object_type",
    "object_id",
    "county",
    "subject",
    "from_state",
    "to_state",
    "reason",
    "data",
    "created_at",
)


@dataclass(frozen=True)
class _Transition:
    model: type
    from_state: str
    to_state: str
    verb: str
    condition: str
    assignments: str
    subject: str
    county_fk: str
    day: str
    label: str


# "Past expiry": in force through the expiry (or window end) date itself.
# The vacate date: PostgreSQL's `date + interval 'N years'` turns 29 February into 28 February
# in a common year, exactly like `rules.vacate_date`.
# An approved application expires once the result grace period after its window has passed
# without a passed exam (`rules.application_expiry_problems`: the window is about taking the
# exam; a pass on file is issued after it, a result may arrive during the grace period).
EXPIRE_APPLICATIONS = _Transition(
    model=Application,
    from_state=ApplicationStatus.APPROVED,
    to_state=ApplicationStatus.EXPIRED,
    verb="application_expire",
    condition=(
        f"window_ends_on < %(today)s::date - %(grace_days)s::integer "
        f"AND NOT EXISTS (SELECT 1 FROM {ExamAttempt._meta.db_table} e "
        f"WHERE e.application_id = {Application._meta.db_table}.id "
        f"AND e.result = '{ExamResult.PASSED.value}')"
    ),
    assignments="status = %(to)s, version = t.version + 1, updated_at = %(now)s",
    subject="applicant_id",
    county_fk="county_id",
    day="window_ends_on",
    label="id",
)
EXPIRE_CERTIFICATIONS = _Transition(
    model=Certification,
    from_state=CertificationStatus.ACTIVE,
    to_state=CertificationStatus.EXPIRED,
    verb="certification_expire",
    condition="expires_on < %(today)s",
    assignments="status = %(to)s, status_reason = '', updated_at = %(now)s",
    subject="holder_id",
    county_fk="issuing_county_id",
    day="expires_on",
    label="number",
)
# A suspended certification still expires on its date (docs/domain.md#complaints-and-discipline):
# its suspension stays on record (`suspended_on` and the reason), to be lifted before any
# renewal or reinstatement.
EXPIRE_SUSPENDED_CERTIFICATIONS = _Transition(
    model=Certification,
    from_state=CertificationStatus.SUSPENDED,
    to_state=CertificationStatus.EXPIRED,
    verb="certification_expire",
    condition="expires_on < %(today)s",
    assignments="status = %(to)s, updated_at = %(now)s",
    subject="holder_id",
    county_fk="issuing_county_id",
    day="expires_on",
    label="number",
)
VACATE_CERTIFICATIONS = _Transition(
    model=Certification,
    from_state=CertificationStatus.EXPIRED,
    to_state=CertificationStatus.VACATED,
    verb="certification_vacate",
    # The exact rule, and a range on the expiry index that holds it (N years are at least
    # 365 × N days), so that a normal day reads only the certifications near their vacate
    # date instead of every expired one.
    condition=(
        "expires_on <= %(today)s::date - 365 * %(years)s::integer "
        "AND (expires_on + make_interval(years => %(years)s))::date <= %(today)s"
    ),
    assignments=(
        "status = %(to)s, updated_at = %(now)s, "
        "status_reason = CASE WHEN t.suspended_on IS NULL THEN '' ELSE t.status_reason END"
    ),
    subject="holder_id",
    county_fk="issuing_county_id",
    day="expires_on",
    label="number",
)


def _transition(
    transition: _Transition, *, today: datetime.date, now, grace_days: int = 0
) -> list[tuple]:
    """Apply `transition` to every row due on `today` and write one audit event per changed
    row (actor None: the system), in one statement. Returns (id, subject id, date, label,
    county name) per changed row."""
    audit_columns = ", ".join(AuditEvent._meta.get_field(f).column for f in _AUDIT_FIELDS)
    sql = _TRANSITION.format(
        table=transition.model._meta.db_table,
        condition=transition.condition,
        assignments=transition.assignments,
        subject=transition.subject,
        county_fk=transition.county_fk,
        day=transition.day,
        label=transition.label,
        audit=AuditEvent._meta.db_table,
        audit_columns=audit_columns,
        county=County._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "from": transition.from_state,
                "to": transition.to_state,
                "verb": transition.verb,
                "object_type": transition.model._meta.label_lower,
                "day_name": transition.day,
                "today": today,
                "now": now,
                "years": policy.VACATE_AFTER_EXPIRY_YEARS,
                "grace_days": grace_days,
            },
        )
        return cursor.fetchall()


def _application_notice(row: tuple) -> tuple[int, str, dict[str, Any]]:
    application_id, applicant_id, window_ends_on, _label, county_name = row
    return (
        applicant_id,
        APPLICATION_EXPIRED_KIND,
        {
            "application_id": application_id,
            "county_name": county_name,
            "window_ends_on": window_ends_on.isoformat(),
            "approval_window_months": policy.APPROVAL_WINDOW_MONTHS,
        },
    )


def _expired_notice(
    row: tuple, *, late_months: int, suspended: bool = False
) -> tuple[int, str, dict[str, Any]]:
    certification_id, holder_id, expires_on, number, county_name = row
    return (
        holder_id,
        CERTIFICATION_EXPIRED_KIND,
        {
            "certification_id": certification_id,
            "number": number,
            "status": CertificationStatus.EXPIRED,
            "county_name": county_name,
            "expires_on": expires_on.isoformat(),
            "late_renewal_until_on": rules.late_renewal_last_day(
                expires_on, limit_months=late_months
            ).isoformat(),
            "reinstate_until_on": (
                rules.vacate_date(expires_on) - datetime.timedelta(days=1)
            ).isoformat(),
            "ce_hours": hours_text(policy.REINSTATEMENT_CE_HOURS_REQUIRED),
            "law_and_ethics_hours": hours_text(policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED),
            "suspended": suspended,
        },
    )


# Offered each day: the (certification, threshold) pairs due and not yet claimed. The
# certifications within the horizon come from `certification_expiry_cover_idx` alone (status,
# expiry date, id: no table read), each one's claimed thresholds from one probe of the
# reminders' unique index; only the rows claimed now are read from the table. Before, every
# due pair was offered to the INSERT, the claimed ones refused one by one by ON CONFLICT, and
# the claimed rows joined back by walking the whole table: a normal day grew ×9.7 from
# 200,000 to 1,000,000 certifications (benchmarks/RESULTS.md, "A million certifications").
# ON CONFLICT stays for a scan running at the same time. The most urgent threshold due is
# emailed, whether or not the others were claimed earlier (catching up).
_CLAIM_REMINDERS = """
WITH candidates AS (
    SELECT c.id, c.expires_on,
           ARRAY(SELECT r.days_before FROM {reminder} r
                 WHERE r.certification_id = c.id AND r.expires_on = c.expires_on) AS claimed
    FROM {certification} c
    WHERE c.status = %(active)s
      AND c.expires_on > %(today)s
      AND c.expires_on <= %(horizon)s
    OFFSET 0
),
due AS (
    SELECT cd.id, cd.expires_on, d.days_before,
           d.days_before = (SELECT min(u.days) FROM unnest(%(days)s::integer[]) AS u(days)
                            WHERE cd.expires_on - u.days <= %(today)s) AS emailed
    FROM candidates cd
    CROSS JOIN unnest(%(days)s::integer[]) AS d(days_before)
    WHERE cd.expires_on - d.days_before <= %(today)s
      AND d.days_before <> ALL (cd.claimed)
),
claimed AS (
    INSERT INTO {reminder} (certification_id, expires_on, days_before, emailed, created_at)
    SELECT due.id, due.expires_on, due.days_before, due.emailed, %(now)s
    FROM due
    ORDER BY due.id, due.days_before
    ON CONFLICT (certification_id, expires_on, days_before) DO NOTHING
    RETURNING certification_id, days_before, emailed
)
SELECT cl.days_before, cl.emailed, c.id, c.holder_id, c.number, c.expires_on, k.name
FROM claimed cl
CROSS JOIN LATERAL (
    SELECT c.id, c.holder_id, c.number, c.expires_on, c.issuing_county_id
    FROM {certification} c WHERE c.id = cl.certification_id OFFSET 0
) c
JOIN {county} k ON k.id = c.issuing_county_id
"""


def _claim_reminders(
    today: datetime.date, now, days: list[int], report: ScanReport
) -> list[tuple[int, str, dict[str, Any]]]:
    if not days:
        return []
    sql = _CLAIM_REMINDERS.format(
        certification=Certification._meta.db_table,
        reminder=RenewalReminder._meta.db_table,
        county=County._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "days": days,
                "active": CertificationStatus.ACTIVE,
                "today": today,
                "horizon": today + datetime.timedelta(days=max(days)),
                "now": now,
            },
        )
        rows = cursor.fetchall()
    notices = []
    for days_before, emailed, cert_id, holder_id, number, expires_on, county_name in rows:
        if not emailed:
            report.reminders_skipped += 1
            continue
        report.reminders_sent[days_before] = report.reminders_sent.get(days_before, 0) + 1
        notices.append(
            (
                holder_id,
                REMINDER_KIND,
                {
                    "certification_id": cert_id,
                    "number": number,
                    "county_name": county_name,
                    "expires_on": expires_on.isoformat(),
                    "days_before": days_before,
                    "days_left": (expires_on - today).days,
                    "ce_hours": hours_text(policy.CE_HOURS_REQUIRED),
                    "law_and_ethics_hours": hours_text(policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED),
                    "renewal_window_days": policy.RENEWAL_WINDOW_DAYS,
                },
            )
        )
    return notices


def _change_events(rows: list[tuple], kind: str, now, skip=frozenset()) -> list[dict]:
    """The `certification.changed` events of a transition's rows (`certification.events`):
    built in Python from its RETURNING, published in a few outbox messages."""
    previous = {"expired": CertificationStatus.ACTIVE, "vacated": CertificationStatus.EXPIRED}
    return [
        certification_event(
            certification_id=row[0],
            number=row[3],
            kind=kind,
            previous_status=previous[kind],
            status=kind,
            expires_on=row[2],
            occurred_at=now,
        )
        for row in rows
        if row[0] not in skip
    ]


def expiry_scan_run(*, today: datetime.date, dry_run: bool = False) -> ScanReport:
    """Run the expiry scan for `today` (see the module docstring). Idempotent: a second run
    on the same day changes nothing and sends nothing. With `dry_run` nothing is kept."""
    report = ScanReport(today=today, dry_run=dry_run)
    now = timezone.now()
    program_policy = ProgramPolicy.current()
    reminder_days = sorted({int(d) for d in program_policy.reminder_days if d > 0})
    late_months = program_policy.late_renewal_limit_months
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The scan's statements are planned as large (they may change every row) but read
            # a few indexes on a normal day: PostgreSQL's JIT compilation of them cost more
            # than running them (as for the COPY exports, core/csv_copy.py).
            cursor.execute("SET LOCAL jit = off")
        applications = _transition(
            EXPIRE_APPLICATIONS,
            today=today,
            now=now,
            grace_days=program_policy.exam_result_grace_days,
        )
        expired = _transition(EXPIRE_CERTIFICATIONS, today=today, now=now)
        expired_suspended = _transition(EXPIRE_SUSPENDED_CERTIFICATIONS, today=today, now=now)
        vacated = _transition(VACATE_CERTIFICATIONS, today=today, now=now)
        vacated_ids = {row[0] for row in vacated}
        notices = [_application_notice(row) for row in applications]
        notices += [
            _expired_notice(row, late_months=late_months)
            for row in expired
            if row[0] not in vacated_ids
        ]
        notices += [
            _expired_notice(row, late_months=late_months, suspended=True)
            for row in expired_suspended
            if row[0] not in vacated_ids
        ]
        expired += expired_suspended
        notices += _claim_reminders(today, now, reminder_days, report)
        report.applications_expired = sorted(row[0] for row in applications)
        report.certifications_expired = sorted(row[3] for row in expired)
        report.certifications_vacated = sorted(row[3] for row in vacated)
        changed_ids = sorted({row[0] for row in expired} | vacated_ids)
        report.emails_queued = notify_many(notices)
        certifications_changed(
            [
                *_change_events(expired, "expired", now, skip=vacated_ids),
                *_change_events(vacated, "vacated", now),
            ]
        )
        report.renders_queued = enqueue_many(
            CERTIFICATE_RENDER_BULK_TASK, ({"certification_id": pk} for pk in changed_ids)
        )
        if dry_run:
            transaction.set_rollback(True)
    return report
