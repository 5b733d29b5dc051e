"""Scholarships: state staff create pools, counties nominate, state staff decide; places and
amounts are never over-allocated; a scholarship covers application and exam fees within 12
months of its grant and never on the out-of-state pathway (docs/domain.md#scholarships)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core.errors import DomainError
from core.rls import rls_context
from exams.services import exam_attempt_record
from fees import rules
from fees.models import FeeDue, ScholarshipNomination, ScholarshipPool, ScholarshipUse
from fees.selectors import fee_accounts, fee_totals_by_county
from fees.services import (
    fee_due_record,
    scholarship_decide,
    scholarship_nominate,
    scholarship_pool_create,
)
from jobs.models import OutboxMessage
from tests.certification.builders import approved_application, today

pytestmark = pytest.mark.django_db


def _pool(cast, **fields) -> ScholarshipPool:
    values = {
        "name": "Workforce scholarships 2026",
        "source": "DHCS Peer Support Workforce grant",
        "covers": "application_exam",
        "places": 2,
        "amount_cents": None,
        "opens_on": today() - datetime.timedelta(days=1),
        "closes_on": today() + datetime.timedelta(days=60),
        **fields,
    }
    return scholarship_pool_create(actor=cast.state, **values)


def _applicant(cast, **fields):
    return approved_application(county=cast.county, **fields)


def _nominate(cast, pool, application, **kw):
    return scholarship_nominate(
        actor=kw.pop("actor", cast.reviewer),
        pool=pool,
        county=cast.county,
        person=application.applicant,
        reason="First-generation peer, no income.",
        **kw,
    )


def _snapshot():
    return (
        list(ScholarshipNomination.objects.values_list("pk", "status")),
        ScholarshipPool.objects.count(),
        ScholarshipUse.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_granted_scholarship_covers_the_application_and_exam_fees(cast):
    pool = _pool(cast)
    application = _applicant(cast)
    owed = fee_due_record(
        actor=None,
        county=cast.county,
        person=application.applicant,
        kind="application",
        application=application,
    )
    nomination = _nominate(cast, pool, application)

    scholarship_decide(actor=cast.state, nomination=nomination, accept=True)

    nomination.refresh_from_db()
    assert (nomination.status, nomination.granted_on) == ("accepted", today())
    # The fee already owed is covered at once.
    assert fee_accounts(FeeDue.objects.filter(pk=owed.pk))[0].status == "covered"
    email = OutboxMessage.objects.get(kwargs__kind="scholarship_decided")
    assert (
        email.kwargs["context"]["expires_on"] == rules.scholarship_expires_on(today()).isoformat()
    )
    assert AuditEvent.objects.filter(verb="scholarship_decide", object_id=nomination.pk).exists()


def test_an_amount_pool_covers_up_to_the_amount_granted(cast):
    pool = _pool(cast, places=None, amount_cents=30000)
    application = _applicant(cast, trained=True)
    nomination = _nominate(cast, pool, application, amount_cents=12000)
    scholarship_decide(actor=cast.state, nomination=nomination, accept=True)

    fee_due_record(
        actor=None,
        county=cast.county,
        person=application.applicant,
        kind="application",
        application=application,
    )
    exam_attempt_record(
        actor=cast.reviewer, application=application, taken_on=today(), result="failed"
    )

    accounts = {a.fee.kind: a for a in fee_accounts(FeeDue.objects.filter(application=application))}
    assert (accounts["application"].status, accounts["application"].outstanding_cents) == (
        "covered",
        0,
    )
    # What is left of the 120.00 granted: 20.00 of the 150.00 exam fee.
    assert (accounts["exam"].status, accounts["exam"].outstanding_cents) == ("part_paid", 13000)


def test_places_are_never_over_allocated(cast):
    pool = _pool(cast, places=1)
    first, second = _nominate(cast, pool, _applicant(cast)), _nominate(cast, pool, _applicant(cast))
    scholarship_decide(actor=cast.state, nomination=first, accept=True)
    before = _snapshot()

    with pytest.raises(DomainError, match="No place is left"):
        scholarship_decide(actor=cast.state, nomination=second, accept=True)
    assert _snapshot() == before
    with pytest.raises(DomainError, match="No place is left"):
        _nominate(cast, pool, _applicant(cast))
    assert _snapshot() == before


def test_an_amount_is_never_over_allocated(cast):
    pool = _pool(cast, places=None, amount_cents=20000)
    first = _nominate(cast, pool, _applicant(cast), amount_cents=15000)
    scholarship_decide(actor=cast.state, nomination=first, accept=True)

    with pytest.raises(DomainError, match=r"Only \$50.00 is left"):
        _nominate(cast, pool, _applicant(cast), amount_cents=6000)


def test_not_available_to_the_out_of_state_pathway(cast):
    pool = _pool(cast)
    application = _applicant(cast, pathway="out_of_state")
    before = _snapshot()

    with pytest.raises(DomainError, match="not available to the out-of-state pathway"):
        _nominate(cast, pool, application)
    assert _snapshot() == before


def test_a_nomination_outside_the_window_is_refused(cast):
    pool = _pool(
        cast,
        opens_on=today() - datetime.timedelta(days=30),
        closes_on=today() - datetime.timedelta(days=1),
    )
    with pytest.raises(DomainError, match="This pool is open from"):
        _nominate(cast, pool, _applicant(cast))


def test_nominating_twice_nominates_once(cast):
    pool = _pool(cast)
    application = _applicant(cast)
    assert _nominate(cast, pool, application).pk == _nominate(cast, pool, application).pk
    assert ScholarshipNomination.objects.count() == 1


def test_deciding_again_the_same_way_changes_nothing_and_the_other_way_is_a_conflict(cast):
    pool = _pool(cast)
    nomination = _nominate(cast, pool, _applicant(cast))
    scholarship_decide(actor=cast.state, nomination=nomination, accept=False)
    scholarship_decide(actor=cast.state, nomination=nomination, accept=False)
    with pytest.raises(DomainError) as refused:
        scholarship_decide(actor=cast.state, nomination=nomination, accept=True)
    assert refused.value.code == "conflict"
    assert AuditEvent.objects.filter(verb="scholarship_decide").count() == 1


@pytest.mark.parametrize("who", ["reviewer", "admin", "applicant", "anonymous"])
def test_only_state_staff_create_pools_and_decide(cast, who):
    pool = _pool(cast)
    nomination = _nominate(cast, pool, _applicant(cast))
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        scholarship_pool_create(
            actor=cast.everyone[who],
            name="X",
            source="Y",
            covers="application_exam",
            places=1,
            amount_cents=None,
            opens_on=today(),
            closes_on=today(),
        )
    with pytest.raises(PermissionDenied):
        scholarship_decide(actor=cast.everyone[who], nomination=nomination, accept=True)
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["other_admin", "state", "applicant", "anonymous"])
def test_only_the_countys_staff_nominate(cast, who):
    pool = _pool(cast)
    application = _applicant(cast)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        _nominate(cast, pool, application, actor=cast.everyone[who])
    assert _snapshot() == before


def test_the_scholarship_rules():
    granted = datetime.date(2026, 3, 1)
    assert rules.scholarship_expires_on(granted) == datetime.date(2027, 3, 1)
    on_time = rules.scholarship_use_problems(
        granted_on=granted, on=datetime.date(2027, 3, 1), pathway="standard"
    )
    late = rules.scholarship_use_problems(
        granted_on=granted, on=datetime.date(2027, 3, 2), pathway="standard"
    )
    out_of_state = rules.scholarship_use_problems(
        granted_on=granted, on=granted, pathway="out_of_state"
    )
    assert on_time == [] and len(late) == 1 and "had to be used by 2027-03-01" in late[0]
    assert out_of_state == ["Scholarships are not available to the out-of-state pathway."]
    assert rules.allocation_problems(places_left=1, amount_left_cents=None, amount_cents=None) == []
    assert rules.allocation_problems(places_left=0, amount_left_cents=None, amount_cents=None)
    assert rules.pool_problems(places=1, amount_cents=100, opens_on=granted, closes_on=granted) == [
        "Give either a number of places or an amount, not both."
    ]


def test_a_scholarship_past_its_12_months_covers_nothing(cast):
    pool = _pool(cast)
    application = _applicant(cast)
    nomination = _nominate(cast, pool, application)
    scholarship_decide(actor=cast.state, nomination=nomination, accept=True)
    ScholarshipNomination.objects.filter(pk=nomination.pk).update(
        granted_on=today() - datetime.timedelta(days=400)
    )

    fee = fee_due_record(
        actor=None,
        county=cast.county,
        person=application.applicant,
        kind="application",
        application=application,
    )
    assert fee_accounts(FeeDue.objects.filter(pk=fee.pk))[0].status == "unpaid"


def test_totals_per_county(cast):
    pool = _pool(cast)
    application = _applicant(cast)
    fee_due_record(
        actor=None,
        county=cast.county,
        person=application.applicant,
        kind="application",
        application=application,
    )
    nomination = _nominate(cast, pool, application)
    scholarship_decide(actor=cast.state, nomination=nomination, accept=True)

    rows = fee_totals_by_county([cast.county, cast.other_county], today(), today())

    assert rows[0] == {
        "county": cast.county.code,
        "name": cast.county.name,
        "fees_charged_cents": 10000,
        "fees_charged_count": 1,
        "fees_collected_cents": 0,
        "fees_waived_cents": 0,
        "fees_covered_by_scholarships_cents": 10000,
        "scholarships_nominated": 1,
        "scholarships_granted": 1,
    }
    assert rows[1]["fees_charged_cents"] == 0 and rows[1]["scholarships_granted"] == 0


def test_under_row_level_security_another_county_and_another_person_see_no_nomination(cast):
    """The second wall: the rows themselves, whatever a view would ask (fees 0008)."""
    pool = _pool(cast)
    application = _applicant(cast)
    nomination = _nominate(cast, pool, application)
    scholarship_decide(actor=cast.state, nomination=nomination, accept=True)
    for who in ("other_admin", "other_applicant"):
        with rls_context(cast.everyone[who]):
            assert not ScholarshipNomination.objects.exists()
            assert not ScholarshipUse.objects.exists()
            # Pools are public facts (what is offered), nominations are not.
            assert ScholarshipPool.objects.filter(pk=pool.pk).exists()
    for who in ("reviewer", "state"):
        with rls_context(cast.everyone[who]):
            assert list(ScholarshipNomination.objects.values_list("pk", flat=True)) == [
                nomination.pk
            ]
    with rls_context(application.applicant):
        assert list(ScholarshipNomination.objects.values_list("pk", flat=True)) == [nomination.pk]
