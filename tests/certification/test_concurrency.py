"""Races on real PostgreSQL: each thread has its own connection and transaction, so the row
locks, the number sequence and the unique constraints are what keeps the outcome right."""

import datetime
import re
import threading
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction

from accounts.models import User
from audit.models import AuditEvent
from certification.models import ApplicantProfile, Application, Certification
from certification.rules import approval_window_end
from certification.services import application_approve, application_create, certification_issue
from certification.services._common import lock_application, lock_certification
from config.celery import app as celery_app
from core.errors import DomainError
from counties.models import County
from exams.models import ExamAttempt
from exams.services import exam_attempt_record
from tests.certification.builders import (
    application_in,
    approved_application,
    certification_in,
    today,
    verify_documents,
)
from tests.factories import (
    EthicsVersionFactory,
    ExamAttemptFactory,
    ProviderFactory,
    county,
    participating,
)
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Threads at once: each holds a database connection, on a server other test runs share.
MAX_THREADS = 10


@pytest.fixture(autouse=True)
def _no_broker_messages():
    """Committed work relays its outbox rows to the broker; keep them out of Redis."""
    with mock.patch.object(celery_app, "send_task"):
        yield


def at_once(calls: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run `calls` spread over up to MAX_THREADS threads released together by a barrier; each
    thread runs its share in turn on its own connection, closed when it ends. Returns
    ("ok", value) or ("error", exception) for each call, in order."""
    outcomes: list[tuple[str, Any]] = [("missing", None)] * len(calls)
    thread_count = min(MAX_THREADS, len(calls))
    barrier = threading.Barrier(thread_count)

    def work(first: int) -> None:
        try:
            barrier.wait(timeout=30)
            for index in range(first, len(calls), thread_count):
                try:
                    outcomes[index] = ("ok", calls[index]())
                except Exception as exc:  # the outcome under test
                    outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(thread_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_approvals_at_once_give_one_decision(cast):
    application = application_in("in_review", cast.applicant)
    verify_documents(application)
    outcomes = at_once(
        [
            lambda: application_approve(
                actor=cast.reviewer, application=application, expected_version=1
            ),
            lambda: application_approve(
                actor=cast.admin, application=application, expected_version=1
            ),
        ]
    )
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"]
    (error,) = [value for kind, value in outcomes if kind == "error"]
    assert isinstance(error, DomainError)
    assert error.code == "conflict"
    application.refresh_from_db()
    assert (application.status, application.version) == ("approved", 2)
    assert AuditEvent.objects.filter(verb="application_approve").count() == 1


def ready_to_issue(count: int) -> list[Application]:
    """`count` approved applications, each with a passed exam and 80 verified hours: what
    issuing reads, inserted in bulk (the race is the subject here, not the set-up)."""
    provider = ProviderFactory()
    ethics = EthicsVersionFactory()
    users = User.objects.bulk_create(
        User(email=f"issue{i}@race.test", first_name="Ana", last_name=f"Race{i}")
        for i in range(count)
    )
    ApplicantProfile.objects.bulk_create(
        ApplicantProfile(user=user, legal_first_name="Ana", legal_last_name=user.last_name)
        for user in users
    )
    applications = Application.objects.bulk_create(
        Application(
            applicant=user,
            county=participating(county("alameda")),
            status="approved",
            ethics_version=ethics,
            approved_on=today(),
            window_ends_on=approval_window_end(today()),
        )
        for user in users
    )
    ExamAttempt.objects.bulk_create(
        ExamAttempt(application=application, taken_on=today(), result="passed")
        for application in applications
    )
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            person=user,
            provider=provider,
            course="core_80",
            hours=80,
            completed_on=datetime.date(2024, 3, 1),
            status="verified",
        )
        for user in users
    )
    return applications


def test_fifty_issuances_at_once_give_fifty_distinct_numbers(cast):
    applications = ready_to_issue(50)
    outcomes = at_once(
        [
            lambda application=application: certification_issue(
                actor=cast.reviewer, application=application
            )
            for application in applications
        ]
    )
    assert [kind for kind, _value in outcomes] == ["ok"] * 50
    numbers = [certification.number for _kind, certification in outcomes]
    assert len(set(numbers)) == 50
    assert all(re.fullmatch(r"PSS-\d{7}", number) for number in numbers)
    assert Certification.objects.count() == 50
    assert Application.objects.filter(status="certified").count() == 50


def test_two_attempts_recorded_at_once_when_two_exist_leave_three(cast):
    application = approved_application(cast.applicant, trained=True)
    for _ in range(2):
        ExamAttemptFactory(application=application, result="failed", taken_on=today())

    def record(reference: str) -> Any:
        return exam_attempt_record(
            actor=cast.reviewer,
            application=application,
            taken_on=today(),
            result="failed",
            source="import",
            vendor_reference=reference,
        )

    outcomes = at_once([lambda: record("PV-A"), lambda: record("PV-B")])
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"]
    (error,) = [value for kind, value in outcomes if kind == "error"]
    assert isinstance(error, DomainError)
    assert "All 3 exam attempts" in error.message
    assert ExamAttempt.objects.filter(application=application).count() == 3


def test_one_vendor_result_imported_twice_at_once_is_recorded_once(cast):
    first = approved_application(cast.applicant, trained=True)
    second = approved_application(cast.other_applicant, trained=True)

    def record(application: Application) -> Any:
        return exam_attempt_record(
            actor=cast.reviewer,
            application=application,
            taken_on=today(),
            result="passed",
            source="import",
            vendor_reference="PV-SAME",
        )

    outcomes = at_once([lambda: record(first), lambda: record(second)])
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"]
    (error,) = [value for kind, value in outcomes if kind == "error"]
    assert isinstance(error, DomainError)
    assert error.code == "conflict"
    assert ExamAttempt.objects.filter(vendor_reference="PV-SAME").count() == 1


def test_two_drafts_opened_at_once_give_one(cast, opted_in):
    outcomes = at_once(
        [lambda: application_create(applicant=cast.applicant, county=cast.county)] * 2
    )
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"]
    (error,) = [value for kind, value in outcomes if kind == "error"]
    assert isinstance(error, DomainError)
    assert Application.objects.filter(applicant=cast.applicant).count() == 1


def test_a_transition_locks_its_row_not_the_county_or_the_person(cast):
    """Row locks take the changed rows only: a busy application must not stall the rest of
    its county (the county row is joined in for messages, not locked)."""
    application = application_in("submitted", cast.applicant)
    certification = certification_in("active", holder=cast.other_applicant)
    locked = threading.Event()
    checked = threading.Event()

    def hold_locks() -> None:
        with transaction.atomic():
            lock_application(application)
            lock_certification(certification)
            locked.set()
            checked.wait(timeout=10)

    def lock_the_joined_rows() -> list[str]:
        locked.wait(timeout=10)
        try:
            with transaction.atomic():
                County.objects.select_for_update(nowait=True).get(pk=cast.county.pk)
                User.objects.select_for_update(nowait=True).get(pk=cast.applicant.pk)
                User.objects.select_for_update(nowait=True).get(pk=cast.other_applicant.pk)
            return ["free"]
        finally:
            checked.set()

    outcomes = at_once([hold_locks, lock_the_joined_rows])
    assert outcomes[1] == ("ok", ["free"]), outcomes
