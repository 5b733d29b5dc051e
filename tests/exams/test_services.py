"""Recording exam attempts: eligibility, the attempt limit, vendor references, permissions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core import policy
from core.errors import DomainError
from counties.models import ProgramPolicy
from exams.models import ExamAttempt
from exams.services import exam_attempt_record
from fees.models import FeeDue
from tests.certification.builders import (
    application_in,
    approved_application,
    emails,
    follow_ups,
    last_event,
    today,
)
from tests.factories import ExamAttemptFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def record(actor, application, **kwargs):
    kwargs.setdefault("taken_on", today() - datetime.timedelta(days=1))
    kwargs.setdefault("result", "failed")
    return exam_attempt_record(actor=actor, application=application, **kwargs)


def assert_nothing_recorded(application, count=0):
    assert ExamAttempt.objects.filter(application=application).count() == count
    assert not AuditEvent.objects.filter(verb="exam_attempt_record").exists()


def test_record_an_attempt_audits_and_tells_the_applicant(cast):
    application = approved_application(cast.applicant, trained=True)
    taken_on = today() - datetime.timedelta(days=2)
    with follow_ups() as sent:
        attempt = record(
            cast.reviewer,
            application,
            taken_on=taken_on,
            result="failed",
            scaled_score=410,
            source="import",
            vendor_reference="PV-123",
        )
    assert (attempt.result, attempt.scaled_score, attempt.recorded_by) == (
        "failed",
        410,
        cast.reviewer,
    )
    event = last_event(attempt)
    assert (event.verb, event.actor, event.county, event.subject, event.to_state) == (
        "exam_attempt_record",
        cast.reviewer,
        cast.county,
        cast.applicant,
        "failed",
    )
    assert event.data["attempt_number"] == 1
    assert emails(sent) == [
        (
            "exam_recorded",
            cast.applicant.pk,
            {
                "application_id": application.pk,
                "exam_attempt_id": attempt.pk,
                "county_name": "Alameda",
                "taken_on": taken_on.isoformat(),
                "result": "failed",
                "scaled_score": 410,
                "attempts_left": policy.MAX_EXAM_ATTEMPTS - 1,
                "window_ends_on": application.window_ends_on.isoformat(),
            },
        )
    ]


def test_a_fourth_attempt_is_refused(cast):
    application = approved_application(cast.applicant, trained=True)
    for _ in range(policy.MAX_EXAM_ATTEMPTS):
        ExamAttemptFactory(application=application, result="failed", taken_on=today())
    with pytest.raises(DomainError, match="All 3 exam attempts") as error:
        record(cast.admin, application)
    assert error.value.code == "invalid"
    assert_nothing_recorded(application, count=3)


def test_an_attempt_after_a_pass_is_refused(cast):
    application = approved_application(cast.applicant, trained=True)
    ExamAttemptFactory(application=application, result="passed", taken_on=today())
    with pytest.raises(DomainError, match="already been passed"):
        record(cast.reviewer, application)
    assert_nothing_recorded(application, count=1)


@pytest.mark.parametrize("status", ["in_review", "denied", "certified"])
def test_an_application_not_approved_cannot_record(cast, status):
    application = application_in(status, cast.applicant)
    with pytest.raises(DomainError, match="Only an approved application"):
        record(cast.reviewer, application)
    assert_nothing_recorded(application)


def test_dates_outside_the_window_or_in_the_future_are_refused(cast):
    application = approved_application(
        cast.applicant, approved_on=today() - datetime.timedelta(days=400), trained=True
    )
    with pytest.raises(DomainError, match="window of this application ended"):
        record(cast.reviewer, application, taken_on=today())
    with pytest.raises(DomainError, match="before the application was approved") as error:
        record(cast.reviewer, application, taken_on=application.approved_on - datetime.timedelta(1))
    assert error.value.field == "taken_on"
    with pytest.raises(DomainError, match="cannot be in the future"):
        record(cast.reviewer, application, taken_on=today() + datetime.timedelta(days=1))
    assert_nothing_recorded(application)


@pytest.mark.parametrize(
    ("days_after_window", "recorded"),
    [(1, True), (30, True), (31, False)],
    ids=["day-after-window", "last-day-of-grace", "day-after-grace"],
)
def test_an_attempt_inside_the_window_is_recorded_within_the_grace(
    cast, days_after_window, recorded
):
    """The window is about taking the exam: its result may be recorded after the window, for
    the grace period (ProgramPolicy.exam_result_grace_days, default 30 days)."""
    application = approved_application(
        cast.applicant, approved_on=today() - datetime.timedelta(days=400), trained=True
    )
    window_end = application.window_ends_on
    on = window_end + datetime.timedelta(days=days_after_window)
    if recorded:
        attempt = record(cast.reviewer, application, taken_on=window_end, result="passed", today=on)
        assert (attempt.taken_on, attempt.result) == (window_end, "passed")
        return
    with pytest.raises(DomainError, match="could be recorded until") as error:
        record(cast.reviewer, application, taken_on=window_end, result="passed", today=on)
    grace_end = (window_end + datetime.timedelta(days=30)).isoformat()
    assert grace_end in error.value.message
    assert_nothing_recorded(application)


def test_an_attempt_taken_after_the_window_is_refused_even_in_the_grace(cast):
    application = approved_application(
        cast.applicant, approved_on=today() - datetime.timedelta(days=400)
    )
    day_after = application.window_ends_on + datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="window of this application ended"):
        record(cast.reviewer, application, taken_on=day_after, today=day_after)
    assert_nothing_recorded(application)


def test_the_operator_set_wait_between_attempts_applies(cast):
    ProgramPolicy.objects.update_or_create(pk=1, defaults={"exam_min_wait_days": 14})
    application = approved_application(cast.applicant, trained=True)
    ExamAttemptFactory(application=application, result="failed", taken_on=today())
    with pytest.raises(DomainError, match="next exam attempt can be taken"):
        record(cast.reviewer, application, taken_on=today())
    assert_nothing_recorded(application, count=1)


def test_a_duplicate_vendor_reference_is_a_clean_conflict(cast):
    first = approved_application(cast.applicant, trained=True)
    record(cast.reviewer, first, source="import", vendor_reference="PV-9")
    other = approved_application(cast.other_applicant, trained=True)
    with pytest.raises(DomainError, match="PV-9 is already recorded") as error:
        record(cast.reviewer, other, source="import", vendor_reference="PV-9")
    assert (error.value.code, error.value.field) == ("conflict", "vendor_reference")
    assert ExamAttempt.objects.filter(application=other).count() == 0
    assert record(cast.reviewer, other, source="manual", vendor_reference="PV-9").pk


@pytest.mark.parametrize("who", ["applicant", "other_applicant", "other_admin", "state"])
def test_recording_by_anyone_but_county_staff_is_denied(cast, who):
    application = approved_application(cast.applicant, trained=True)
    with pytest.raises(PermissionDenied):
        record(getattr(cast, who), application)
    assert_nothing_recorded(application)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("result", {"result": "maybe"}),
        ("source", {"source": "fax"}),
        ("scaled_score", {"scaled_score": -1}),
    ],
)
def test_invalid_values_are_refused(cast, field, kwargs):
    application = approved_application(cast.applicant, trained=True)
    with pytest.raises(DomainError) as error:
        record(cast.reviewer, application, **kwargs)
    assert error.value.field == field
    assert_nothing_recorded(application)


def test_a_vendor_reference_of_another_county_is_not_revealed(cast):
    """Issue 18, item 8: the duplicate check looked across counties (a unique constraint over
    every attempt), so Fresno's staff learnt which references Alameda holds."""
    from tests.factories import MembershipFactory, UserFactory

    record(
        cast.reviewer,
        approved_application(cast.applicant, trained=True),
        source="import",
        vendor_reference="PV-7",
    )
    fresno_reviewer = UserFactory(email="reviewer@fresno.test")
    MembershipFactory(user=fresno_reviewer, county=cast.other_county, role="reviewer")
    fresno_application = approved_application(
        cast.other_applicant, county=cast.other_county, trained=True
    )
    attempt = record(fresno_reviewer, fresno_application, source="import", vendor_reference="PV-7")
    assert attempt.vendor_reference == "PV-7"
    # Within a county the reference is still recorded once.
    with pytest.raises(DomainError, match="PV-7 is already recorded"):
        record(
            fresno_reviewer,
            approved_application(
                UserFactory(email="third@fresno.test"), county=cast.other_county, trained=True
            ),
            source="import",
            vendor_reference="PV-7",
        )
    assert ExamAttempt.objects.filter(vendor_reference="PV-7").count() == 2


def test_an_attempt_without_verified_core_training_is_refused(cast):
    application = approved_application(cast.applicant)
    TrainingRecordFactory(person=cast.applicant, status="pending")
    with pytest.raises(DomainError, match="core training has not been verified") as error:
        record(cast.reviewer, application)
    assert error.value.code == "invalid"
    assert_nothing_recorded(application)
    assert not FeeDue.objects.filter(application=application).exists()


def test_an_attempt_is_recorded_once_the_core_training_is_verified(cast):
    application = approved_application(cast.applicant)
    training = TrainingRecordFactory(person=cast.applicant, status="pending")
    with pytest.raises(DomainError):
        record(cast.reviewer, application)
    training.status = "verified"
    training.save(update_fields=["status"])
    assert record(cast.reviewer, application).result == "failed"


def test_an_out_of_state_candidate_needs_no_core_training(cast):
    application = approved_application(cast.applicant, pathway="out_of_state")
    assert record(cast.reviewer, application).result == "failed"
