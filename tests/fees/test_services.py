"""Fees fall due with the change that makes them due, at the county's amount, once; a county
administrator sets the county's amounts (docs/domain.md#fees)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from certification.services import (
    application_submit,
    certification_reinstate,
    certification_renew,
)
from core.errors import DomainError
from counties.models import ProgramPolicy
from exams.services import exam_attempt_record
from fees.models import FeeDue, FeeSchedule
from fees.selectors import fee_amounts_of
from fees.services import fee_due_record, fee_schedule_set
from tests.certification.builders import (
    approved_application,
    certification_in,
    draft_application,
    today,
)
from tests.factories import CeCreditFactory, EthicsVersionFactory, TrainingRecordFactory, county

pytestmark = pytest.mark.django_db


def _fees(**filters) -> list[tuple[str, int]]:
    return list(FeeDue.objects.filter(**filters).values_list("kind", "amount_cents"))


def test_submitting_an_application_makes_the_application_fee_due(opted_in):
    application = draft_application()

    application_submit(actor=application.applicant, application=application)

    fee = FeeDue.objects.get(application=application)
    assert (fee.kind, fee.amount_cents, fee.county, fee.person) == (
        "application",
        10000,
        application.county,
        application.applicant,
    )
    event = AuditEvent.objects.get(verb="fee_due_record", object_id=fee.pk)
    assert (event.actor, event.subject, event.data) == (
        application.applicant,
        application.applicant,
        {"amount_cents": 10000},
    )


def test_a_refused_submission_makes_no_fee_due(opted_in):
    application = draft_application(attest_recovery=False)

    with pytest.raises(DomainError):
        application_submit(actor=application.applicant, application=application)

    assert FeeDue.objects.count() == 0


def test_the_county_schedule_sets_the_amount_and_the_program_default_the_rest(cast, opted_in):
    fee_schedule_set(actor=cast.admin, county=cast.county, amounts={"application": 2500})
    policy = ProgramPolicy.current()
    policy.fee_exam_cents = 17500
    policy.save()

    assert fee_amounts_of(cast.county) == {
        "application": 2500,
        "exam": 17500,
        "renewal": 8000,
        "late": 4000,
        "reinstatement": 8000,
    }
    application = draft_application(county=cast.county)
    application_submit(actor=application.applicant, application=application)
    assert _fees(application=application) == [("application", 2500)]
    # Fresno has no schedule of its own: the program's amounts.
    assert fee_amounts_of(cast.other_county)["application"] == 10000


def test_each_exam_sitting_makes_an_exam_fee_due(cast):
    application = approved_application(county=cast.county)
    TrainingRecordFactory(person=application.applicant, status="verified")

    first = exam_attempt_record(
        actor=cast.reviewer,
        application=application,
        taken_on=today() - datetime.timedelta(days=3),
        result="failed",
    )
    second = exam_attempt_record(
        actor=cast.reviewer, application=application, taken_on=today(), result="passed"
    )

    assert list(
        FeeDue.objects.filter(application=application)
        .order_by("id")
        .values_list("kind", "amount_cents", "exam_attempt")
    ) == [("exam", 15000, first.pk), ("exam", 15000, second.pk)]


def test_a_renewal_makes_the_renewal_fee_due_at_the_issuing_countys_amount(cast):
    fee_schedule_set(actor=cast.admin, county=cast.county, amounts={"renewal": 6000})
    certification = certification_in(
        issuing_county=cast.county,
        issued_on=today() - datetime.timedelta(days=700),
        expires_on=today() + datetime.timedelta(days=30),
    )
    CeCreditFactory(certification=certification, hours=20, status="verified")

    renewal = certification_renew(
        actor=certification.holder,
        certification=certification,
        ethics_version=EthicsVersionFactory(),
        attest_ce=True,
        attest_records=True,
    )

    assert renewal.fee_cents == 6000
    assert _fees(renewal=renewal) == [("renewal", 6000)]


def test_a_late_renewal_makes_the_renewal_and_late_fees_due_once(cast):
    fee_schedule_set(actor=cast.admin, county=cast.county, amounts={"late": 2500})
    certification = certification_in(
        "expired",
        issuing_county=cast.county,
        issued_on=today() - datetime.timedelta(days=800),
        expires_on=today() - datetime.timedelta(days=70),
    )

    renewal = certification_renew(
        actor=certification.holder,
        certification=certification,
        ethics_version=EthicsVersionFactory(),
        attest_ce=True,
        attest_records=True,
    )
    # A retried task recording the late fee again finds the one already due.
    again = fee_due_record(
        actor=None,
        county=cast.county,
        person=certification.holder,
        kind="late",
        renewal=renewal,
    )

    assert renewal.fee_cents == 8000 + 2500
    assert _fees(renewal=renewal) == [("renewal", 8000), ("late", 2500)]
    assert again == renewal.fees_due.get(kind="late")
    assert FeeDue.objects.filter(kind="late").count() == 1


def test_a_reinstatement_makes_the_reinstatement_and_late_fees_due(cast):
    certification = certification_in(
        "expired",
        issuing_county=cast.county,
        issued_on=today() - datetime.timedelta(days=1130),
        expires_on=today() - datetime.timedelta(days=400),
    )
    TrainingRecordFactory(
        person=certification.holder,
        completed_on=today() - datetime.timedelta(days=20),
        status="verified",
    )
    CeCreditFactory(
        certification=certification,
        hours=20,
        status="verified",
        completed_on=today() - datetime.timedelta(days=10),
    )

    renewal = certification_reinstate(
        actor=cast.admin, certification=certification, ethics_version=EthicsVersionFactory()
    )

    assert _fees(renewal=renewal) == [("reinstatement", 8000), ("late", 4000)]


def test_the_same_fee_is_recorded_once(cast):
    application = approved_application(county=cast.county)

    first = fee_due_record(
        actor=None,
        county=cast.county,
        person=application.applicant,
        kind="application",
        application=application,
    )
    again = fee_due_record(
        actor=None,
        county=cast.county,
        person=application.applicant,
        kind="application",
        application=application,
    )

    assert again.pk == first.pk
    assert FeeDue.objects.count() == 1


def test_an_amount_changed_later_leaves_fees_already_due(cast, opted_in):
    application = draft_application(county=cast.county)
    application_submit(actor=application.applicant, application=application)

    fee_schedule_set(actor=cast.admin, county=cast.county, amounts={"application": 5})

    assert _fees(application=application) == [("application", 10000)]


def test_setting_a_schedule_is_audited_with_what_changed(cast):
    fee_schedule_set(actor=cast.admin, county=cast.county, amounts={"exam": 12000})
    schedule = fee_schedule_set(
        actor=cast.admin, county=cast.county, amounts={"exam": None, "late": 0}
    )

    assert (schedule.exam_cents, schedule.late_cents, schedule.updated_by) == (
        None,
        0,
        cast.admin,
    )
    events = AuditEvent.objects.filter(verb="fee_schedule_set").order_by("id")
    day = today().isoformat()
    assert [e.data for e in events] == [
        {"exam": {"from": None, "to": 12000}, "effective_from": day},
        {
            "exam": {"from": 12000, "to": None},
            "late": {"from": None, "to": 0},
            "effective_from": day,
        },
    ]
    assert {e.county for e in events} == {cast.county}


@pytest.mark.parametrize("who", ["reviewer", "other_admin", "state", "applicant", "anonymous"])
def test_only_the_countys_admin_sets_its_fees(cast, who):
    with pytest.raises(PermissionDenied):
        fee_schedule_set(actor=cast.everyone[who], county=cast.county, amounts={"exam": 1})

    assert not FeeSchedule.objects.exists()
    assert not AuditEvent.objects.filter(verb="fee_schedule_set").exists()


def test_a_bad_amount_is_refused_on_its_field(cast):
    with pytest.raises(DomainError) as refused:
        fee_schedule_set(actor=cast.admin, county=cast.county, amounts={"renewal": -5})

    assert (refused.value.field, refused.value.message) == (
        "renewal_cents",
        "A fee cannot be negative.",
    )
    assert not FeeSchedule.objects.exists()


def test_a_fee_belongs_to_what_its_kind_is_charged_on(cast):
    from django.db import IntegrityError, transaction

    application = approved_application(county=cast.county)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeDue.objects.create(
            county=cast.county,
            person=application.applicant,
            kind="renewal",
            amount_cents=8000,
            application=application,
        )
    assert FeeDue.objects.count() == 0


def test_fees_due_are_kept_per_county(cast, opted_in):
    fresno = county("fresno")
    fee_schedule_set(actor=cast.other_admin, county=fresno, amounts={"application": 7500})
    application = draft_application(county=fresno)

    application_submit(actor=application.applicant, application=application)

    assert list(FeeDue.objects.values_list("county__code", "amount_cents")) == [("fresno", 7500)]


def test_a_change_applies_from_its_date_and_the_history_stays(cast):
    day = today()
    fee_schedule_set(actor=cast.admin, county=cast.county, amounts={"exam": 12000})
    later = day + datetime.timedelta(days=30)
    fee_schedule_set(
        actor=cast.admin, county=cast.county, amounts={"renewal": 9000}, effective_from=later
    )

    # Today: the first change only; from its date: both (the later one starts from the first).
    assert (fee_amounts_of(cast.county)["exam"], fee_amounts_of(cast.county)["renewal"]) == (
        12000,
        8000,
    )
    assert (
        fee_amounts_of(cast.county, later)["exam"],
        fee_amounts_of(cast.county, later)["renewal"],
    ) == (12000, 9000)
    assert fee_amounts_of(cast.county, day - datetime.timedelta(days=1))["exam"] == 15000
    assert list(
        FeeSchedule.objects.order_by("effective_from").values_list(
            "effective_from", "exam_cents", "renewal_cents"
        )
    ) == [(day, 12000, None), (later, 12000, 9000)]


def test_a_change_cannot_rewrite_the_past(cast):
    fee_schedule_set(actor=cast.admin, county=cast.county, amounts={"exam": 12000})
    before = list(FeeSchedule.objects.values_list("effective_from", "exam_cents"))

    with pytest.raises(DomainError) as refused:
        fee_schedule_set(
            actor=cast.admin,
            county=cast.county,
            amounts={"exam": 1},
            effective_from=today() - datetime.timedelta(days=1),
        )

    assert refused.value.field == "effective_from"
    assert list(FeeSchedule.objects.values_list("effective_from", "exam_cents")) == before
