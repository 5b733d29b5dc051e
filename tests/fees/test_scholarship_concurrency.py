"""Scholarship places are never over-allocated when decisions and nominations happen at once:
real concurrent transactions on PostgreSQL, each thread on its own connection."""

import datetime
from unittest import mock

import pytest

from config.celery import app as celery_app
from core.errors import DomainError
from fees.models import ScholarshipNomination
from fees.services import scholarship_decide, scholarship_nominate, scholarship_pool_create
from tests.certification.builders import approved_application, today
from tests.certification.test_concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_broker_messages():
    with mock.patch.object(celery_app, "send_task"):
        yield


def _pool(cast, places):
    return scholarship_pool_create(
        actor=cast.state,
        name="Workforce scholarships",
        source="DHCS grant",
        covers="application_exam",
        places=places,
        amount_cents=None,
        opens_on=today() - datetime.timedelta(days=1),
        closes_on=today() + datetime.timedelta(days=30),
    )


def test_concurrent_acceptances_never_take_more_places_than_the_pool_has(cast):
    pool = _pool(cast, places=2)
    nominations = [
        scholarship_nominate(
            actor=cast.reviewer,
            pool=pool,
            county=cast.county,
            person=approved_application(county=cast.county).applicant,
            reason="Nominated.",
        )
        for _ in range(6)
    ]

    outcomes = at_once(
        [
            lambda n=n: scholarship_decide(actor=cast.state, nomination=n, accept=True)
            for n in nominations
        ]
    )

    accepted = [o for o in outcomes if o[0] == "ok"]
    refused = [o for o in outcomes if o[0] == "error"]
    assert len(accepted) == 2 and len(refused) == 4
    assert all(isinstance(e, DomainError) and "No place is left" in e.message for _s, e in refused)
    assert ScholarshipNomination.objects.filter(pool=pool, status="accepted").count() == 2


def test_concurrent_nominations_of_one_person_make_one(cast):
    pool = _pool(cast, places=5)
    person = approved_application(county=cast.county).applicant

    outcomes = at_once(
        [
            lambda: scholarship_nominate(
                actor=cast.reviewer, pool=pool, county=cast.county, person=person, reason="x"
            )
            for _ in range(4)
        ]
    )

    assert all(status == "ok" for status, _value in outcomes)
    assert len({value.pk for _status, value in outcomes}) == 1
    assert ScholarshipNomination.objects.filter(pool=pool, person=person).count() == 1
