"""The daily expiry scan: renewal reminders and the date-driven transitions, set-based.

`expiry_scan_run(today=...)` does, in one transaction and with a fixed number of queries
whatever the number of certifications:

1. approved applications past their 12-month window (`window_ends_on < today`) → expired;
2. active certifications past their expiry date (`expires_on < today`; a certification is in
   force through its expiry date) → expired, and their holders are emailed;
3. expired certifications on or after their vacate date (`rules.vacate_date`, 4 years after
   expiry) → vacated (a certification caught by 2 and 3 in the same run is emailed nothing);
4. renewal reminders at `ProgramPolicy.current().reminder_days` (90, 60, 30 and 7) before
   expiry, for active certifications with `expires_on - d <= today < expires_on`.

Each transition is one `UPDATE ... RETURNING` statement that sets `updated_at`; its audit
events (actor None: the system) are inserted with one `bulk_create`; the certificate
re-render of every changed certification and the emails are queued with one outbox INSERT
each. Rows are locked in id order (`SELECT ... ORDER BY id FOR UPDATE`) and re-checked after
waiting, so a scan never changes a row a service changed meanwhile, and two scans at once
do not deadlock.

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

from accounts.notifications import notify_many
from certification import rules
from certification.models import (
    Application,
    ApplicationStatus,
    Certification,
    CertificationStatus,
    RenewalReminder,
)
from certification.services.certifications import CERTIFICATE_RENDER_TASK
from config import policy
from config.jobs import enqueue_many
from continuing_ed.rules import hours_text
from counties.models import AuditEvent, County, ProgramPolicy

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


def _tables() -> dict[str, str]:
    return {
        "certification": Certification._meta.db_table,
        "application": Application._meta.db_table,
        "county": County._meta.db_table,
        "reminder": RenewalReminder._meta.db_table,
    }


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**_tables()), params)
        return cursor.fetchall()


def _audit_rows(
    rows: list[tuple], *, verb: str, object_type: str, from_state: str, to_state: str, now
) -> list[AuditEvent]:
    """Audit events for rows of (id, subject_id, county_id, date_field_name, date)."""
    return [
        AuditEvent(
            actor=None,
            verb=verb,
            object_type=object_type,
            object_id=object_id,
            county_id=county_id,
            subject_id=subject_id,
            from_state=from_state,
            to_state=to_state,
            data={date_name: date_value.isoformat(), "source": "expiry_scan"},
            created_at=now,
        )
        for object_id, subject_id, county_id, date_name, date_value in rows
    ]


_EXPIRE_APPLICATIONS = """
WITH locked AS (
    SELECT id FROM {application}
    WHERE status = %(from)s AND window_ends_on < %(today)s
    ORDER BY id FOR UPDATE
)
UPDATE {application} a
SET status = %(to)s, version = a.version + 1, updated_at = %(now)s
FROM locked, {county} k
WHERE a.id = locked.id AND k.id = a.county_id AND a.status = %(from)s
RETURNING a.id, a.applicant_id, a.county_id, a.window_ends_on, k.name
"""


def _expire_applications(today: datetime.date, now, report: ScanReport) -> list[tuple]:
    rows = _fetch(
        _EXPIRE_APPLICATIONS,
        {
            "from": ApplicationStatus.APPROVED,
            "to": ApplicationStatus.EXPIRED,
            "today": today,
            "now": now,
        },
    )
    report.applications_expired = sorted(row[0] for row in rows)
    AuditEvent.objects.bulk_create(
        _audit_rows(
            [(r[0], r[1], r[2], "window_ends_on", r[3]) for r in rows],
            verb="application_expire",
            object_type=Application._meta.label_lower,
            from_state=ApplicationStatus.APPROVED,
            to_state=ApplicationStatus.EXPIRED,
            now=now,
        )
    )
    return [
        (
            applicant_id,
            APPLICATION_EXPIRED_KIND,
            {
                "application_id": application_id,
                "county_name": county_name,
                "window_ends_on": window_ends_on.isoformat(),
                "approval_window_months": policy.APPROVAL_WINDOW_MONTHS,
            },
        )
        for application_id, applicant_id, _county_id, window_ends_on, county_name in rows
    ]


_CERTIFICATION_TRANSITION = """
WITH locked AS (
    SELECT id FROM {certification}
    WHERE status = %(from)s AND {condition}
    ORDER BY id FOR UPDATE
)
UPDATE {certification} c
SET status = %(to)s, status_reason = '', updated_at = %(now)s
FROM locked, {county} k
WHERE c.id = locked.id AND k.id = c.issuing_county_id AND c.status = %(from)s
RETURNING c.id, c.holder_id, c.issuing_county_id, c.expires_on, c.number, k.name
"""
# "Past expiry": the certification is in force through its expiry date.
_PAST_EXPIRY = "expires_on < %(today)s"
# On or after the vacate date. PostgreSQL's `date + interval 'N years'` turns 29 February
# into 28 February in a common year, exactly like `rules.vacate_date`.
_PAST_VACATE_DATE = "(expires_on + make_interval(years => %(years)s))::date <= %(today)s"


def _transition_certifications(
    *, condition: str, from_state: str, to_state: str, verb: str, today, now
) -> list[tuple]:
    rows = _fetch(
        _CERTIFICATION_TRANSITION.replace("{condition}", condition),
        {
            "from": from_state,
            "to": to_state,
            "today": today,
            "now": now,
            "years": policy.VACATE_AFTER_EXPIRY_YEARS,
        },
    )
    AuditEvent.objects.bulk_create(
        _audit_rows(
            [(r[0], r[1], r[2], "expires_on", r[3]) for r in rows],
            verb=verb,
            object_type=Certification._meta.label_lower,
            from_state=from_state,
            to_state=to_state,
            now=now,
        )
    )
    return rows


def _expired_notice(row: tuple) -> tuple[int, str, dict[str, Any]]:
    certification_id, holder_id, _county_id, expires_on, number, county_name = row
    return (
        holder_id,
        CERTIFICATION_EXPIRED_KIND,
        {
            "certification_id": certification_id,
            "number": number,
            "status": CertificationStatus.EXPIRED,
            "county_name": county_name,
            "expires_on": expires_on.isoformat(),
            "reinstate_until_on": (
                rules.vacate_date(expires_on) - datetime.timedelta(days=1)
            ).isoformat(),
            "ce_hours": hours_text(policy.REINSTATEMENT_CE_HOURS_REQUIRED),
            "law_and_ethics_hours": hours_text(policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED),
        },
    )


_CLAIM_REMINDERS = """
WITH due AS (
    SELECT c.id, c.expires_on, d.days_before
    FROM {certification} c
    CROSS JOIN unnest(%(days)s::integer[]) AS d(days_before)
    WHERE c.status = %(active)s
      AND c.expires_on > %(today)s
      AND c.expires_on <= %(horizon)s
      AND c.expires_on - d.days_before <= %(today)s
),
most_urgent AS (
    SELECT id, min(days_before) AS days_before FROM due GROUP BY id
),
claimed AS (
    INSERT INTO {reminder} (certification_id, expires_on, days_before, emailed, created_at)
    SELECT due.id, due.expires_on, due.days_before, due.days_before = mu.days_before, %(now)s
    FROM due JOIN most_urgent mu ON mu.id = due.id
    ORDER BY due.id, due.days_before
    ON CONFLICT (certification_id, expires_on, days_before) DO NOTHING
    RETURNING certification_id, days_before, emailed
)
SELECT cl.days_before, cl.emailed, c.id, c.holder_id, c.number, c.expires_on, k.name
FROM claimed cl
JOIN {certification} c ON c.id = cl.certification_id
JOIN {county} k ON k.id = c.issuing_county_id
"""


def _claim_reminders(
    today: datetime.date, now, days: list[int], report: ScanReport
) -> list[tuple[int, str, dict[str, Any]]]:
    if not days:
        return []
    rows = _fetch(
        _CLAIM_REMINDERS,
        {
            "days": days,
            "active": CertificationStatus.ACTIVE,
            "today": today,
            "horizon": today + datetime.timedelta(days=max(days)),
            "now": now,
        },
    )
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


def expiry_scan_run(*, today: datetime.date, dry_run: bool = False) -> ScanReport:
    """Run the expiry scan for `today` (see the module docstring). Idempotent: a second run
    on the same day changes nothing and sends nothing. With `dry_run` nothing is kept."""
    report = ScanReport(today=today, dry_run=dry_run)
    now = timezone.now()
    reminder_days = sorted({int(d) for d in ProgramPolicy.current().reminder_days if d > 0})
    with transaction.atomic():
        notices = _expire_applications(today, now, report)
        expired = _transition_certifications(
            condition=_PAST_EXPIRY,
            from_state=CertificationStatus.ACTIVE,
            to_state=CertificationStatus.EXPIRED,
            verb="certification_expire",
            today=today,
            now=now,
        )
        vacated = _transition_certifications(
            condition=_PAST_VACATE_DATE,
            from_state=CertificationStatus.EXPIRED,
            to_state=CertificationStatus.VACATED,
            verb="certification_vacate",
            today=today,
            now=now,
        )
        vacated_ids = {row[0] for row in vacated}
        notices += [_expired_notice(row) for row in expired if row[0] not in vacated_ids]
        notices += _claim_reminders(today, now, reminder_days, report)
        report.certifications_expired = sorted(row[4] for row in expired)
        report.certifications_vacated = sorted(row[4] for row in vacated)
        changed_ids = sorted({row[0] for row in expired} | vacated_ids)
        report.emails_queued = notify_many(notices)
        report.renders_queued = enqueue_many(
            CERTIFICATE_RENDER_TASK, ({"certification_id": pk} for pk in changed_ids)
        )
        if dry_run:
            transaction.set_rollback(True)
    return report
