"""An exam sitting recorded toward the reinstatement of an expired certification
(`exams.services.exam_attempt_record_reinstatement`, docs/domain.md#late-renewal-and-
reinstatement), and the reinstatement accepting it: each date boundary on both sides, the
fee, the audit event and the email, and every denial changing nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from certification.models import Certification
from certification.rules import vacate_date
from certification.services import certification_reinstate
from core.errors import DomainError
from core.units import add_years
from counties.models import ProgramPolicy
from exams.models import ExamAttempt
from exams.services import exam_attempt_record_reinstatement
from fees.models import FeeDue
from notifications.services import email_render
from tests.certification.builders import (
    certification_in,
    emails,
    follow_ups,
    last_event,
    today,
)
from tests.factories import CeCreditFactory, EthicsVersionFactory, ExamAttemptFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def expired(holder, *, expires_on: datetime.date | None = None, **fields) -> Certification:
    """An expired certification in its reinstatement period (2 years after expiry, past the
    12-month late renewal), with 20 verified CE hours (6 in law and ethics) from the past 2
    years and no refresher course: only an exam is missing for its reinstatement."""
    expires_on = expires_on or add_years(today(), -2)
    certification = certification_in(
        fields.pop("status", "expired"),
        holder=holder,
        issued_on=add_years(expires_on, -2),
        expires_on=expires_on,
        **fields,
    )
    for hours, category in ((14, "general"), (6, "law_and_ethics")):
        CeCreditFactory(
            certification=certification,
            hours=hours,
            category=category,
            completed_on=today() - datetime.timedelta(days=20),
            status="verified",
        )
    return certification


def record(actor, certification, **kwargs) -> ExamAttempt:
    kwargs.setdefault("taken_on", today() - DAY)
    kwargs.setdefault("result", "passed")
    return exam_attempt_record_reinstatement(actor=actor, certification=certification, **kwargs)


def state_of(certification) -> tuple:
    certification.refresh_from_db()
    return (
        certification.status,
        certification.expires_on,
        ExamAttempt.objects.count(),
        FeeDue.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_issuing_countys_admin_records_a_sitting_with_its_fee_audit_and_email(cast):
    certification = expired(cast.applicant)
    taken_on = today() - datetime.timedelta(days=3)
    with follow_ups() as sent:
        attempt = record(cast.admin, certification, taken_on=taken_on, scaled_score=515)
    assert (attempt.certification, attempt.application, attempt.recorded_by) == (
        certification,
        None,
        cast.admin,
    )
    (fee,) = FeeDue.objects.all()
    assert (fee.kind, fee.amount_cents, fee.county, fee.person, fee.exam_attempt) == (
        "exam",
        ProgramPolicy.current().fee_exam_cents,
        cast.county,
        cast.applicant,
        attempt,
    )
    assert fee.application is None
    event = last_event(attempt)
    assert (event.verb, event.actor, event.county, event.subject, event.to_state) == (
        "exam_attempt_record_reinstatement",
        cast.admin,
        cast.county,
        cast.applicant,
        "passed",
    )
    assert event.data == {
        "certification_id": certification.pk,
        "attempt_number": 1,
        "vendor_reference": "",
    }
    assert emails(sent) == [
        (
            "reinstatement_exam_recorded",
            cast.applicant.pk,
            {
                "certification_id": certification.pk,
                "exam_attempt_id": attempt.pk,
                "number": certification.number,
                "county_name": "Alameda",
                "taken_on": taken_on.isoformat(),
                "result": "passed",
                "scaled_score": 515,
                "expired_on": certification.expires_on.isoformat(),
            },
        )
    ]


def test_the_reinstatement_accepts_the_passed_exam_instead_of_the_refresher(cast):
    ethics = EthicsVersionFactory()
    certification = expired(cast.applicant)
    with pytest.raises(DomainError, match="refresher course"):
        certification_reinstate(
            actor=cast.applicant, certification=certification, ethics_version=ethics
        )
    record(cast.admin, certification, result="failed", taken_on=today() - datetime.timedelta(60))
    with pytest.raises(DomainError, match="refresher course"):
        certification_reinstate(
            actor=cast.applicant, certification=certification, ethics_version=ethics
        )
    record(cast.admin, certification, result="passed")
    certification_reinstate(
        actor=cast.applicant, certification=certification, ethics_version=ethics
    )
    certification.refresh_from_db()
    assert certification.status == "active"


@pytest.mark.parametrize(("offset", "counts"), [(0, False), (1, True)])
def test_the_reinstatement_counts_an_exam_only_after_the_expiry_date(cast, offset, counts):
    """The rule's window, both sides: an exam on the expiry date does not count, the next day
    does (rows made directly: the service would not record the first)."""
    ethics = EthicsVersionFactory()
    certification = expired(cast.applicant)
    ExamAttemptFactory(
        application=None,
        certification=certification,
        taken_on=certification.expires_on + offset * DAY,
        result="passed",
    )
    if counts:
        certification_reinstate(
            actor=cast.admin, certification=certification, ethics_version=ethics
        )
        certification.refresh_from_db()
        assert certification.status == "active"
    else:
        before = state_of(certification)
        with pytest.raises(DomainError, match="refresher course"):
            certification_reinstate(
                actor=cast.admin, certification=certification, ethics_version=ethics
            )
        assert state_of(certification) == before


def test_an_exam_on_or_before_the_expiry_date_is_refused(cast):
    certification = expired(cast.applicant)
    before = state_of(certification)
    with pytest.raises(DomainError, match="after the expiry date"):
        record(cast.admin, certification, taken_on=certification.expires_on)
    assert state_of(certification) == before
    record(cast.admin, certification, taken_on=certification.expires_on + DAY)
    assert ExamAttempt.objects.filter(certification=certification).count() == 1


def test_an_exam_on_the_vacate_date_is_refused_the_day_before_is_recorded(cast):
    # Vacated today (the nightly scan has not run yet): the day before was the last one.
    certification = expired(cast.applicant, expires_on=add_years(today(), -4))
    assert vacate_date(certification.expires_on) == today()
    before = state_of(certification)
    with pytest.raises(DomainError, match="vacated"):
        record(cast.admin, certification, taken_on=today())
    assert state_of(certification) == before
    record(cast.admin, certification, taken_on=today() - DAY)
    assert ExamAttempt.objects.filter(certification=certification).count() == 1


@pytest.mark.parametrize("status", ["active", "suspended", "revoked", "vacated"])
def test_only_an_expired_certification_gets_a_reinstatement_exam(cast, status):
    certification = expired(cast.applicant, status=status)
    before = state_of(certification)
    with pytest.raises(DomainError, match="only for an expired certification"):
        record(cast.admin, certification)
    assert state_of(certification) == before


def test_the_wait_between_sittings_and_nothing_after_a_pass(cast):
    wait = ProgramPolicy.current().exam_min_wait_days
    certification = expired(cast.applicant)
    first = today() - datetime.timedelta(days=wait + 10)
    record(cast.admin, certification, result="failed", taken_on=first)
    if wait:
        before = state_of(certification)
        with pytest.raises(DomainError, match="on or after"):
            record(cast.admin, certification, taken_on=first + (wait - 1) * DAY)
        assert state_of(certification) == before
    record(cast.admin, certification, taken_on=first + wait * DAY)
    before = state_of(certification)
    with pytest.raises(DomainError, match="already recorded"):
        record(cast.admin, certification, taken_on=today())
    assert state_of(certification) == before


def test_a_vendor_reference_is_recorded_once_in_the_county(cast):
    certification = expired(cast.applicant)
    record(
        cast.admin,
        certification,
        result="failed",
        vendor_reference="PV-9",
        taken_on=today() - 60 * DAY,
    )
    before = state_of(certification)
    with pytest.raises(DomainError, match="already recorded") as error:
        record(cast.admin, certification, vendor_reference=" PV-9 ")
    assert error.value.code == "conflict"
    assert state_of(certification) == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"taken_on": datetime.date.max}, "taken_on"),
        ({"result": "maybe"}, "result"),
        ({"scaled_score": -1}, "scaled_score"),
    ],
)
def test_bad_input_is_refused_with_its_field(cast, kwargs, field):
    certification = expired(cast.applicant)
    before = state_of(certification)
    with pytest.raises(DomainError) as error:
        record(cast.admin, certification, **kwargs)
    assert error.value.field == field
    assert state_of(certification) == before


@pytest.mark.parametrize("who", ["reviewer", "state", "applicant", "other_admin"])
def test_anyone_but_the_issuing_countys_admin_is_refused_and_nothing_changes(cast, who):
    """Reviewers record applicants' exams but not a reinstatement's (the administrators decide
    the reinstatement); state staff write nothing; the holder cannot record their own; another
    county's administrator has no power here."""
    certification = expired(cast.applicant)
    before = state_of(certification)
    with follow_ups() as sent, pytest.raises(PermissionDenied):
        record(cast.everyone[who], certification)
    assert state_of(certification) == before
    assert sent == []


@pytest.mark.parametrize("result", ["passed", "failed"])
def test_the_email_says_what_the_result_means_for_the_reinstatement(cast, result):
    certification = expired(cast.applicant)
    with follow_ups() as sent:
        record(cast.admin, certification, result=result, scaled_score=480)
    [(kind, _user, context)] = emails(sent)
    message = email_render(user=cast.applicant, kind=kind, context=context)
    if result == "passed":
        assert message.subject == "You passed the certification exam"
        assert f"reinstating your certification {certification.number}" in message.body
        assert "you do not need the refresher course" in message.body
    else:
        assert message.subject == "Your certification exam result"
        assert "book another sitting with the testing vendor" in message.body
        assert "80-hour refresher course" in message.body
    assert "The exam fee for this sitting is due to your county program." in message.body
    assert "/me/certification/" in message.body

    cast.applicant.preferred_language = "es"
    cast.applicant.save()
    message = email_render(user=cast.applicant, kind=kind, context=context)
    html = message.alternatives[0][0]
    assert 'lang="es"' in html
    assert "La tarifa del examen de esta sesión" in message.body
    spanish = "no necesita el curso de actualización" if result == "passed" else "reserve otra"
    assert spanish in message.body and spanish in html
