"""GET /api/v1/fees/totals/: fee and scholarship totals per county and period, every county for
state staff and their own for county staff, documented in the OpenAPI schema."""

import datetime
import json

import pytest
from django.utils import timezone

from fees.models import FeeDue, FeePayment
from fees.services import fee_payment_void
from tests.certification.builders import approved_application

pytestmark = pytest.mark.django_db

URL = "/api/v1/fees/totals/"


@pytest.fixture
def fees(cast):
    rows = {}
    for county in (cast.county, cast.other_county):
        application = approved_application(county=county)
        fee = FeeDue.objects.create(
            county=county,
            person=application.applicant,
            kind="application",
            amount_cents=10000,
            application=application,
        )
        FeePayment.objects.create(
            fee=fee,
            county=county,
            person=fee.person,
            amount_cents=2500,
            method="cash",
            paid_on=timezone.localdate(),
            recorded_by=cast.state,
        )
        rows[county.code] = fee
    return rows


def test_state_staff_read_every_county(client_for, cast, fees):
    body = client_for(cast.state).get(URL).json()

    by_code = {row["county"]: row for row in body["counties"]}
    assert by_code["alameda"]["fees_charged_cents"] == 10000
    assert by_code["alameda"]["fees_collected_cents"] == 2500
    assert by_code["fresno"]["fees_charged_count"] == 1
    assert len(body["counties"]) > 2  # every county, with zeros where nothing happened


def test_county_staff_read_their_own(client_for, cast, fees):
    body = client_for(cast.reviewer).get(URL).json()

    assert [row["county"] for row in body["counties"]] == ["alameda"]
    assert client_for(cast.reviewer).get(URL, {"county": "fresno"}).json()["counties"] == []


def test_the_period_defaults_to_the_state_fiscal_year_and_can_be_chosen(client_for, cast, fees):
    today = timezone.localdate()
    body = client_for(cast.state).get(URL).json()
    start = datetime.date.fromisoformat(body["start"])
    assert (start.month, start.day) == (7, 1) and start <= today

    later = (today + datetime.timedelta(days=1)).isoformat()
    empty = client_for(cast.state).get(URL, {"start": later, "end": later}).json()
    assert {row["fees_charged_cents"] for row in empty["counties"]} == {0}


@pytest.mark.parametrize(
    "params",
    [
        {"start": "yesterday"},
        {"start": "2026-07-01", "end": "2026-06-30"},
        {"start": "2000-01-01", "end": "2026-01-01"},
        {"county": "atlantis"},
    ],
)
def test_bad_parameters_answer_400(client_for, cast, params):
    response = client_for(cast.state).get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) <= {"start", "end", "county"}


def test_applicants_get_403(client_for, cast, fees):
    assert client_for(cast.applicant).get(URL).status_code == 403


def test_the_documented_fields_are_the_fields_sent(api, client_for, cast, fees):
    schema = json.loads(api.get("/api/schema/", {"format": "json"}).content)
    components = schema["components"]["schemas"]
    body = client_for(cast.state).get(URL).json()

    assert set(body) == set(components["FeeTotals"]["properties"])
    assert set(body["counties"][0]) == set(components["CountyFeeTotals"]["properties"])


def test_a_voided_payment_is_not_collected(client_for, cast, fees):
    payment = FeePayment.objects.get(fee=fees["alameda"])
    fee_payment_void(actor=cast.reviewer, payment=payment, reason="Recorded on the wrong fee.")

    body = client_for(cast.state).get(URL).json()

    by_code = {row["county"]: row for row in body["counties"]}
    assert by_code["alameda"]["fees_collected_cents"] == 0
    assert by_code["fresno"]["fees_collected_cents"] == 2500
