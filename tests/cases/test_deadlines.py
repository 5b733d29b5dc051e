"""The daily case deadline scan (docs/domain.md#complaints-and-cases): the investigator (or,
with none assigned, the program's administrators) is emailed 2 business days before the
acknowledgement and resolution deadlines and once each is missed, each email exactly once
(a re-run, a retried task, a real worker running it twice); nothing for a deadline met."""

import datetime

import pytest
from django.db import transaction

from cases import rules, services
from cases.models import CaseDeadlineNotice
from cases.tasks import case_deadlines_scan
from jobs.models import OutboxMessage
from jobs.services import enqueue
from tests.factories import CertificationFactory
from tests.jobs.worker import wait_for

# A Monday in 2026; the acknowledgement is due 5 business days later (Monday 2026-09-14:
# Labor Day, 2026-09-07, is a holiday).
RECEIVED = datetime.date(2026, 9, 4)


def _emails():
    return list(
        OutboxMessage.objects.filter(
            task_name="notifications.tasks.email_send", kwargs__kind="case_deadline"
        )
        .order_by("pk")
        .values_list("kwargs", flat=True)
    )


def _case(cast, **kw):
    return services.case_open(
        actor=cast.reviewer,
        county=cast.county,
        source="phone_letter",
        category="boundaries",
        summary="Caller reports a boundary violation.",
        received_on=kw.pop("received_on", RECEIVED),
        certification=CertificationFactory(issuing_county=cast.county),
    )


@pytest.mark.django_db
def test_warning_then_overdue_each_once_to_the_investigator(cast):
    case = _case(cast)
    services.case_assign(actor=cast.admin, case=case, investigator=cast.reviewer)
    due = case.acknowledgement_due
    assert due == datetime.date(2026, 9, 14)
    # Three business days before: nothing yet.
    assert case_deadlines_scan(today="2026-09-09")["emails"] == 0
    # Two business days before (Thursday 10th): the warning, once.
    assert case_deadlines_scan(today="2026-09-10")["warning"] == 1
    assert case_deadlines_scan(today="2026-09-10")["emails"] == 0
    assert case_deadlines_scan(today="2026-09-11")["emails"] == 0
    [email] = _emails()
    assert email["user_id"] == cast.reviewer.pk
    assert email["context"]["deadline"] == "acknowledgement"
    assert email["context"]["notice"] == "warning" and email["context"]["assigned"] is True
    # Due day: nothing new; the day after: overdue, once.
    assert case_deadlines_scan(today="2026-09-14")["emails"] == 0
    assert case_deadlines_scan(today="2026-09-15")["overdue"] == 1
    assert case_deadlines_scan(today="2026-09-16")["emails"] == 0
    assert [e["context"]["notice"] for e in _emails()] == ["warning", "overdue"]


@pytest.mark.django_db
def test_an_acknowledged_case_is_not_chased_and_the_resolution_is(cast):
    case = _case(cast)
    services.case_advance(actor=cast.reviewer, case=case, to="investigation")
    assert case_deadlines_scan(today="2026-09-15")["emails"] == 0
    resolution_due = case.resolution_due
    warn_on = resolution_due - datetime.timedelta(days=4)
    while rules.add_business_days(warn_on, 2) < resolution_due:
        warn_on += datetime.timedelta(days=1)
    counts = case_deadlines_scan(today=warn_on.isoformat())
    assert counts["warning"] == 1
    # No investigator: the county's administrators are told.
    assert {e["user_id"] for e in _emails()} == {cast.admin.pk}
    # Extended: a new due date, warned again; the old one is never overdue.
    case = services.case_extend(actor=cast.admin, case=case, reason="Witness away.")
    later = resolution_due + datetime.timedelta(days=1)
    assert case_deadlines_scan(today=later.isoformat())["emails"] == 0
    assert CaseDeadlineNotice.objects.count() == 1


@pytest.mark.django_db
def test_a_closed_case_gets_nothing(cast):
    case = _case(cast)
    services.case_advance(actor=cast.reviewer, case=case, to="closed", note="Withdrawn.")
    assert case_deadlines_scan(today="2026-12-31")["emails"] == 0
    assert _emails() == []


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_scan_runs_in_a_real_worker_and_twice_sends_once(cast, celery_worker, broker_queue):
    case = _case(cast)
    services.case_assign(actor=cast.admin, case=case, investigator=cast.reviewer)
    for _ in range(2):
        with transaction.atomic():
            enqueue("cases.tasks.case_deadlines_scan", today="2026-09-15")
    wait_for(
        lambda: (
            OutboxMessage.objects.filter(
                task_name="cases.tasks.case_deadlines_scan", finished_at__isnull=False
            ).count()
            == 2
        ),
        what=f"the worker's scans\n{celery_worker.log()[-2000:]}",
    )
    assert [(e["user_id"], e["context"]["notice"]) for e in _emails()] == [
        (cast.reviewer.pk, "overdue")
    ]
    assert CaseDeadlineNotice.objects.count() == 1
    # The emails the scan queued are sent before the database is flushed: a task still
    # running holds locks the flush waits on (a deadlock otherwise).
    wait_for(
        lambda: not OutboxMessage.objects.filter(finished_at=None).exists(),
        what="the scan's emails to be sent",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("deadline", ["acknowledgement", "resolution"])
@pytest.mark.parametrize("notice", ["warning", "overdue"])
def test_the_email_says_which_deadline_and_what_to_do(cast, deadline, notice):
    from notifications.services import email_render

    message = email_render(
        user=cast.reviewer,
        kind="case_deadline",
        context={
            "case_id": 12,
            "county_code": "alameda",
            "county_name": "Alameda",
            "deadline": deadline,
            "notice": notice,
            "due_on": "2026-09-14",
            "assigned": True,
        },
    )
    assert "Case 12" in message.subject and "2026" in message.body
    assert ("overdue" in message.subject) == (notice == "overdue")
    assert "/county/alameda/cases/12/" in message.body and "What to do:" in message.body
