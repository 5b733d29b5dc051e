"""The daily expiry scan: reminders once per cycle and threshold, set-based transitions with
their audit rows, a fixed number of queries, and the operator command."""

import datetime
import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from certification import rules
from certification.expiry import expiry_scan_run
from certification.models import Application, Certification, RenewalReminder
from counties.models import ProgramPolicy
from jobs.models import OutboxMessage
from jobs.services import enqueue
from tests.factories import (
    ApplicationFactory,
    CertificationFactory,
    ExamAttemptFactory,
    UserFactory,
    county,
)
from tests.jobs.worker import wait_for

TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)
# The result grace period after an application's window (ProgramPolicy.exam_result_grace_days,
# default 30): an approved application without a pass expires the day after it ends.
GRACE = datetime.timedelta(days=30)
LAPSED = TODAY - DAY - GRACE  # the window end of an application the scan expires on TODAY
# The scan's fan-out goes to the bulk queue (CELERY_TASK_ROUTES): the bulk names.
EMAIL = "notifications.tasks.email_send_bulk"
RENDER = "certification.tasks.certificate_render_bulk"


def certification(expires_on: datetime.date, status: str = "active", **fields) -> Certification:
    return CertificationFactory(
        expires_on=expires_on,
        issued_on=expires_on - datetime.timedelta(days=730),
        status=status,
        **fields,
    )


def approved_application(window_ends_on: datetime.date, **fields) -> Application:
    return ApplicationFactory(
        status="approved",
        approved_on=window_ends_on - datetime.timedelta(days=364),
        window_ends_on=window_ends_on,
        **fields,
    )


def emails(kind: str | None = None) -> list[dict]:
    rows = OutboxMessage.objects.filter(task_name=EMAIL).order_by("id")
    return [m.kwargs for m in rows if kind is None or m.kwargs["kind"] == kind]


def reminders_sent() -> list[tuple[int, int]]:
    """(certification id, days_before) of every reminder email queued."""
    return [
        (e["context"]["certification_id"], e["context"]["days_before"])
        for e in emails("certification_renewal_reminder")
    ]


def renders() -> list[int]:
    return sorted(
        m.kwargs["certification_id"] for m in OutboxMessage.objects.filter(task_name=RENDER)
    )


@pytest.fixture(autouse=True)
def _policy(db):
    policy = ProgramPolicy.current()
    policy.reminder_days = [90, 60, 30, 7]
    policy.save()


# Reminders


def test_a_certification_is_reminded_at_90_60_30_and_7_days(db):
    cert = certification(TODAY + datetime.timedelta(days=100))

    for offset in range(102):
        expiry_scan_run(today=TODAY + offset * DAY)

    assert reminders_sent() == [(cert.pk, 90), (cert.pk, 60), (cert.pk, 30), (cert.pk, 7)]
    days_left = [e["context"]["days_left"] for e in emails("certification_renewal_reminder")]
    assert days_left == [90, 60, 30, 7]
    assert list(
        RenewalReminder.objects.filter(certification=cert).values_list(
            "expires_on", "days_before", "emailed"
        )
    ) == [(cert.expires_on, d, True) for d in (90, 60, 30, 7)]
    cert.refresh_from_db()
    assert cert.status == "expired"  # the day after its expiry date


def test_the_reminder_email_carries_what_the_template_needs(db):
    cert = certification(TODAY + 30 * DAY)

    expiry_scan_run(today=TODAY)

    [email] = emails()
    assert email == {
        "user_id": cert.holder_id,
        "kind": "certification_renewal_reminder",
        "context": {
            "certification_id": cert.pk,
            "number": cert.number,
            "county_name": "Alameda",
            "expires_on": (TODAY + 30 * DAY).isoformat(),
            "days_before": 30,
            "days_left": 30,
            "ce_hours": "20",
            "law_and_ethics_hours": "6",
            "renewal_window_days": 90,
        },
    }


def test_boundaries_of_the_reminder_window(db):
    not_yet = certification(TODAY + 91 * DAY)
    due = certification(TODAY + 90 * DAY)
    expires_today = certification(TODAY)

    report = expiry_scan_run(today=TODAY)

    assert reminders_sent() == [(due.pk, 90)]
    assert report.reminders_sent == {90: 1}
    assert not RenewalReminder.objects.filter(certification__in=[not_yet, expires_today]).exists()


def test_after_missed_scans_only_the_most_urgent_reminder_is_sent(db):
    cert = certification(TODAY + 25 * DAY)

    report = expiry_scan_run(today=TODAY)

    assert reminders_sent() == [(cert.pk, 30)]
    assert (report.reminders_sent, report.reminders_skipped) == ({30: 1}, 2)
    assert dict(
        RenewalReminder.objects.filter(certification=cert).values_list("days_before", "emailed")
    ) == {90: False, 60: False, 30: True}

    expiry_scan_run(today=TODAY + 17 * DAY)  # 8 days left: nothing new is due
    expiry_scan_run(today=TODAY + 18 * DAY)  # 7 days left

    assert reminders_sent() == [(cert.pk, 30), (cert.pk, 7)]


def test_a_rerun_sends_nothing_twice(db):
    certification(TODAY + 60 * DAY)
    certification(TODAY - DAY)
    approved_application(LAPSED)
    expiry_scan_run(today=TODAY)
    outbox = OutboxMessage.objects.count()
    audits = AuditEvent.objects.count()

    report = expiry_scan_run(today=TODAY)

    assert (report.reminders_sent, report.reminders_skipped, report.emails_queued) == ({}, 0, 0)
    assert report.certifications_expired == report.applications_expired == []
    assert OutboxMessage.objects.count() == outbox
    assert AuditEvent.objects.count() == audits


def test_a_renewed_certification_is_reminded_again_in_its_new_cycle(db):
    cert = certification(TODAY + 30 * DAY)
    expiry_scan_run(today=TODAY)
    Certification.objects.filter(pk=cert.pk).update(expires_on=cert.expires_on.replace(year=2028))

    expiry_scan_run(today=datetime.date(2028, 7, 15) - 90 * DAY)

    assert reminders_sent() == [(cert.pk, 30), (cert.pk, 90)]
    assert RenewalReminder.objects.filter(certification=cert).count() == 4


@pytest.mark.parametrize("status", ["suspended", "expired", "revoked", "vacated"])
def test_only_active_certifications_are_reminded(db, status):
    certification(TODAY + 7 * DAY, status=status)

    expiry_scan_run(today=TODAY)

    assert emails() == []
    assert RenewalReminder.objects.count() == 0


def test_reminder_days_come_from_the_program_policy(db):
    policy = ProgramPolicy.current()
    policy.reminder_days = [45]
    policy.save()
    cert = certification(TODAY + 45 * DAY)
    certification(TODAY + 46 * DAY)  # due under the default days (60, 90), not under [45]

    report = expiry_scan_run(today=TODAY)

    assert reminders_sent() == [(cert.pk, 45)]
    assert report.reminders_sent == {45: 1}


# Transitions


def test_certifications_past_expiry_are_expired_with_audit_render_and_email(db):
    lapsed = certification(TODAY - DAY)
    in_force = certification(TODAY)  # valid through its expiry date
    before = timezone.now()

    report = expiry_scan_run(today=TODAY)

    assert report.certifications_expired == [lapsed.number]
    lapsed.refresh_from_db()
    assert lapsed.status == "expired"
    assert lapsed.updated_at >= before
    in_force.refresh_from_db()
    assert in_force.status == "active"
    event = AuditEvent.objects.get()
    assert (
        event.actor,
        event.verb,
        event.object_type,
        event.object_id,
        event.county,
        event.subject_id,
        event.from_state,
        event.to_state,
    ) == (
        None,
        "certification_expire",
        "certification.certification",
        lapsed.pk,
        county("alameda"),
        lapsed.holder_id,
        "active",
        "expired",
    )
    assert event.data == {"expires_on": (TODAY - DAY).isoformat(), "source": "expiry_scan"}
    assert renders() == [lapsed.pk]
    [email] = emails()
    assert email["user_id"] == lapsed.holder_id
    assert email["kind"] == "certification_expired"
    assert email["context"]["number"] == lapsed.number
    assert (
        email["context"]["reinstate_until_on"] == (rules.vacate_date(TODAY - DAY) - DAY).isoformat()
    )


@pytest.mark.parametrize(
    ("expires_on", "today", "vacated"),
    [
        (datetime.date(2022, 6, 14), datetime.date(2026, 6, 13), False),
        (datetime.date(2022, 6, 14), datetime.date(2026, 6, 14), True),
        (datetime.date(2024, 2, 29), datetime.date(2028, 2, 28), False),
        (datetime.date(2024, 2, 29), datetime.date(2028, 2, 29), True),
        (datetime.date(2020, 2, 29), datetime.date(2024, 2, 28), False),
        (datetime.date(2020, 2, 29), datetime.date(2024, 2, 29), True),
    ],
)
def test_expired_certifications_are_vacated_on_the_vacate_date(db, expires_on, today, vacated):
    cert = certification(expires_on, status="expired")
    assert (today >= rules.vacate_date(expires_on)) is vacated  # the scan agrees with the rule

    report = expiry_scan_run(today=today)

    cert.refresh_from_db()
    assert cert.status == ("vacated" if vacated else "expired")
    assert report.certifications_vacated == ([cert.number] if vacated else [])
    verbs = list(AuditEvent.objects.values_list("verb", "from_state", "to_state"))
    assert verbs == ([("certification_vacate", "expired", "vacated")] if vacated else [])
    assert renders() == ([cert.pk] if vacated else [])
    assert emails() == []


def test_a_suspended_certification_still_expires_on_its_date_with_its_suspension(db):
    suspended_on = TODAY - 100 * DAY
    lapsed = certification(
        TODAY - DAY, status="suspended", suspended_on=suspended_on, status_reason="Complaint."
    )
    in_force = certification(TODAY, status="suspended", suspended_on=suspended_on)

    report = expiry_scan_run(today=TODAY)

    assert report.certifications_expired == [lapsed.number]
    lapsed.refresh_from_db()
    in_force.refresh_from_db()
    assert (lapsed.status, lapsed.suspended_on, lapsed.status_reason) == (
        "expired",
        suspended_on,
        "Complaint.",
    ), "the suspension stays on record"
    assert (in_force.status, in_force.suspended_on) == ("suspended", suspended_on)
    event = AuditEvent.objects.get()
    assert (event.verb, event.object_id, event.from_state, event.to_state) == (
        "certification_expire",
        lapsed.pk,
        "suspended",
        "expired",
    )
    [email] = emails()
    assert (email["kind"], email["user_id"]) == ("certification_expired", lapsed.holder_id)
    assert email["context"]["suspended"] is True
    assert renders() == [lapsed.pk]


@pytest.mark.parametrize(("days_after_vacate_date", "vacated"), [(-1, False), (0, True)])
def test_an_expired_certification_still_suspended_is_vacated_4_years_later(
    db, days_after_vacate_date, vacated
):
    expires_on = datetime.date(2022, 6, 14)
    cert = certification(
        expires_on, status="expired", suspended_on=expires_on - 30 * DAY, status_reason="Fraud."
    )

    expiry_scan_run(today=rules.vacate_date(expires_on) + days_after_vacate_date * DAY)

    cert.refresh_from_db()
    assert (cert.status, cert.suspended_on, cert.status_reason) == (
        "vacated" if vacated else "expired",
        expires_on - 30 * DAY,
        "Fraud.",
    )


def test_a_long_lapsed_active_certification_is_expired_and_vacated_at_once(db):
    cert = certification(TODAY - datetime.timedelta(days=5 * 365))

    report = expiry_scan_run(today=TODAY)

    cert.refresh_from_db()
    assert cert.status == "vacated"
    assert report.certifications_expired == report.certifications_vacated == [cert.number]
    assert list(AuditEvent.objects.order_by("id").values_list("verb", flat=True)) == [
        "certification_expire",
        "certification_vacate",
    ]
    assert renders() == [cert.pk]
    assert emails() == []  # no "you can reinstate" email for a vacated certification


def test_approved_applications_past_their_window_expire(db):
    lapsed = approved_application(LAPSED)
    open_window = approved_application(TODAY)
    in_grace = approved_application(LAPSED + DAY)
    draft = ApplicationFactory(status="draft")
    version = lapsed.version

    report = expiry_scan_run(today=TODAY)

    assert report.applications_expired == [lapsed.pk]
    lapsed.refresh_from_db()
    open_window.refresh_from_db()
    draft.refresh_from_db()
    assert (lapsed.status, lapsed.version) == ("expired", version + 1)
    in_grace.refresh_from_db()
    assert (open_window.status, in_grace.status, draft.status) == ("approved", "approved", "draft")
    event = AuditEvent.objects.get()
    assert (event.verb, event.object_type, event.object_id, event.actor, event.subject_id) == (
        "application_expire",
        "certification.application",
        lapsed.pk,
        None,
        lapsed.applicant_id,
    )
    assert (event.from_state, event.to_state, event.county) == (
        "approved",
        "expired",
        county("alameda"),
    )
    [email] = emails()
    assert email == {
        "user_id": lapsed.applicant_id,
        "kind": "application_expired",
        "context": {
            "application_id": lapsed.pk,
            "county_name": "Alameda",
            "window_ends_on": LAPSED.isoformat(),
            "approval_window_months": 12,
        },
    }


@pytest.mark.parametrize(
    ("window_ends_on", "expired"),
    [(TODAY - GRACE, False), (TODAY - GRACE - DAY, True)],
    ids=["last-day-of-grace", "day-after-grace"],
)
def test_an_application_expires_only_after_the_result_grace_period(db, window_ends_on, expired):
    application = approved_application(window_ends_on)

    report = expiry_scan_run(today=TODAY)

    application.refresh_from_db()
    assert report.applications_expired == ([application.pk] if expired else [])
    assert application.status == ("expired" if expired else "approved")
    assert AuditEvent.objects.filter(verb="application_expire").count() == int(expired)


def test_the_grace_period_comes_from_the_program_policy(db):
    ProgramPolicy.objects.filter(pk=1).update(exam_result_grace_days=0)
    application = approved_application(TODAY - DAY)

    assert expiry_scan_run(today=TODAY).applications_expired == [application.pk]


@pytest.mark.parametrize(
    ("results", "expired"),
    [(("passed",), False), (("failed", "passed"), False), (("failed", "no_show"), True)],
    ids=["passed", "passed-on-retake", "never-passed"],
)
def test_an_application_with_a_passed_exam_on_file_never_expires(db, results, expired):
    application = approved_application(LAPSED - 400 * DAY)
    for n, result in enumerate(results):
        ExamAttemptFactory(
            application=application,
            result=result,
            taken_on=application.approved_on + (n + 1) * 30 * DAY,
        )

    report = expiry_scan_run(today=TODAY)

    application.refresh_from_db()
    assert application.status == ("expired" if expired else "approved")
    assert report.applications_expired == ([application.pk] if expired else [])
    if not expired:
        assert not AuditEvent.objects.filter(verb="application_expire").exists()
        assert emails() == []


def test_a_dry_run_reports_and_changes_nothing(db):
    lapsed = certification(TODAY - DAY)
    due = certification(TODAY + 7 * DAY)
    application = approved_application(LAPSED)

    report = expiry_scan_run(today=TODAY, dry_run=True)

    assert report.dry_run is True
    assert report.certifications_expired == [lapsed.number]
    assert report.applications_expired == [application.pk]
    assert (report.reminders_sent, report.reminders_skipped) == ({7: 1}, 3)
    assert (report.emails_queued, report.renders_queued) == (3, 1)
    lapsed.refresh_from_db()
    application.refresh_from_db()
    assert (lapsed.status, application.status) == ("active", "approved")
    assert AuditEvent.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert RenewalReminder.objects.count() == 0
    assert expiry_scan_run(today=TODAY).reminders_sent == {7: 1}  # still due for real
    assert reminders_sent() == [(due.pk, 7)]


# Set-based: the number of queries does not depend on the number of rows


def _population(n: int, today: datetime.date) -> None:
    for i in range(n):
        certification(today + 30 * DAY)
        certification(today - DAY)
        certification(today - datetime.timedelta(days=4 * 365 + 2), status="expired")
        approved_application(today - DAY - GRACE)
        certification(today + (200 + i) * DAY)  # nothing due


def test_the_number_of_queries_does_not_grow_with_the_rows(db):
    counts = {}
    for n, today in ((2, TODAY), (25, TODAY + 3650 * DAY)):
        Certification.objects.update(status="revoked")  # the previous round's rows drop out
        _population(n, today)
        with CaptureQueriesContext(connection) as queries:
            report = expiry_scan_run(today=today)
        assert len(report.certifications_expired) == n
        assert len(report.certifications_vacated) == n
        assert len(report.applications_expired) == n
        assert report.reminders_sent == {30: n}
        counts[n] = len(queries)

    assert counts[2] == counts[25]
    assert counts[2] <= 14


# Concurrency


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_scans_at_once_send_each_reminder_once():
    ProgramPolicy.objects.update_or_create(pk=1, defaults={"reminder_days": [90, 60, 30, 7]})
    due = [certification(TODAY + d * DAY) for d in (90, 60, 45, 30, 7, 3) for _ in range(5)]
    lapsed = [certification(TODAY - DAY) for _ in range(5)]
    barrier = threading.Barrier(2)
    reports = []
    errors = []

    def scan() -> None:
        try:
            barrier.wait()
            reports.append(expiry_scan_run(today=TODAY))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    sent = reminders_sent()
    assert sorted(sent) == sorted(set(sent))
    assert {pk for pk, _days in sent} == {c.pk for c in due}
    assert sum(sum(r.reminders_sent.values()) for r in reports) == len(due)
    assert sorted(sum((r.certifications_expired for r in reports), [])) == sorted(
        c.number for c in lapsed
    )
    assert AuditEvent.objects.filter(verb="certification_expire").count() == len(lapsed)
    assert len(emails("certification_expired")) == len(lapsed)
    assert renders() == sorted(c.pk for c in lapsed)

    expiry_scan_run(today=TODAY)  # and a re-run afterwards adds nothing
    assert len(reminders_sent()) == len(due)


# The operator command


def test_command_prints_what_it_did(db):
    lapsed = certification(TODAY - DAY)
    certification(TODAY + 60 * DAY)
    out = io.StringIO()

    call_command("run_expiry_scan", "--today", TODAY.isoformat(), "-v", "2", stdout=out)

    assert out.getvalue().splitlines() == [
        f"Expiry scan for {TODAY.isoformat()}",
        "  0 applications expired",
        "  1 certifications expired",
        f"    {lapsed.number}",
        "  0 certifications vacated",
        "  1 renewal reminders sent (60 days before expiry)",
        "  1 earlier reminders marked done without an email (a more urgent one was due)",
        "  2 emails and 1 certificate renders queued",
    ]
    lapsed.refresh_from_db()
    assert lapsed.status == "expired"


def test_command_dry_run_says_what_it_would_do(db):
    lapsed = certification(TODAY - DAY)
    out = io.StringIO()

    call_command("run_expiry_scan", "--today", TODAY.isoformat(), "--dry-run", stdout=out)

    assert out.getvalue().splitlines() == [
        f"Expiry scan for {TODAY.isoformat()} (dry run: nothing changed)",
        "  0 applications expired",
        "  1 certifications expired",
        "  0 certifications vacated",
        "  0 renewal reminders would be sent",
        "  1 emails and 1 certificate renders would be queued",
    ]
    lapsed.refresh_from_db()
    assert lapsed.status == "active"


def test_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="--today must be a date like 2025-06-30"):
        call_command("run_expiry_scan", "--today", "15/06/2026")
    assert AuditEvent.objects.count() == 0


# Through a real worker


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_scan_task_runs_in_a_real_worker(celery_worker, broker_queue):
    ProgramPolicy.objects.update_or_create(pk=1, defaults={"reminder_days": [90, 60, 30, 7]})
    lapsed = certification(TODAY - DAY)
    due = certification(TODAY + 7 * DAY)
    application = approved_application(LAPSED, applicant=UserFactory())

    with transaction.atomic():
        enqueue("certification.tasks.expiry_scan", today=TODAY.isoformat())

    wait_for(
        lambda: Certification.objects.filter(pk=lapsed.pk, status="expired").exists(),
        what=f"the worker's scan\n{celery_worker.log()[-2000:]}",
    )
    application.refresh_from_db()
    assert application.status == "expired"
    assert list(
        RenewalReminder.objects.filter(emailed=True).values_list("certification", "days_before")
    ) == [(due.pk, 7)]
    assert sorted(AuditEvent.objects.values_list("verb", flat=True)) == [
        "application_expire",
        "certification_expire",
    ]
    # Follow-up work the scan queued (notices to watchers) finishes before the database is
    # flushed: a task still running holds locks the flush waits on (a deadlock otherwise).
    wait_for(
        lambda: not OutboxMessage.objects.filter(finished_at=None).exists(),
        what="the scan's follow-up work to finish",
    )
