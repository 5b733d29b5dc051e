"""GET /api/v1/counties/ and /api/v1/counties/{code}/: every county with its opt-in status
per delivery system and certification counts by status."""

import datetime

import pytest

from counties.models import OptInPeriod
from tests.api.conftest import bulk_certifications
from tests.factories import county

LIST_URL = "/api/v1/counties/"
ZERO = {"active": 0, "expired": 0, "suspended": 0, "revoked": 0, "vacated": 0}


def period(code, system, opted_in, start, end=None) -> OptInPeriod:
    return OptInPeriod.objects.create(
        county=county(code),
        delivery_system=system,
        opted_in=opted_in,
        effective_from=start,
        effective_to=end,
    )


@pytest.fixture
def program(cast):
    """Alameda: SMHS in since 2023; DMC-ODS in, then out; DMC never recorded.
    Certifications: 3 active and 1 suspended in Alameda, 2 expired in Fresno."""
    period("alameda", "smhs", True, datetime.date(2023, 7, 1))
    period("alameda", "dmc_ods", True, datetime.date(2023, 1, 1), datetime.date(2024, 6, 30))
    period("alameda", "dmc_ods", False, datetime.date(2024, 7, 1))
    period("fresno", "dmc", True, datetime.date(2024, 1, 1))
    bulk_certifications(3, cast.county)
    bulk_certifications(1, cast.county, status="suspended")
    bulk_certifications(2, cast.other_county, status="expired")


ALAMEDA = {
    "code": "alameda",
    "name": "Alameda",
    "fips": "06001",
    "opt_in": {
        "smhs": {"opted_in": True, "effective_from": "2023-07-01", "effective_to": None},
        "dmc_ods": {"opted_in": False, "effective_from": "2024-07-01", "effective_to": None},
        "dmc": None,
    },
    "certifications": {**ZERO, "active": 3, "suspended": 1},
}
FRESNO_OPT_IN = {
    "smhs": None,
    "dmc_ods": None,
    "dmc": {"opted_in": True, "effective_from": "2024-01-01", "effective_to": None},
}


def by_code(response) -> dict[str, dict]:
    return {entry["code"]: entry for entry in response.json()}


def test_state_staff_see_every_county_with_counts(cast, client_for, program):
    response = client_for(cast.state).get(LIST_URL)

    assert response.status_code == 200
    entries = by_code(response)
    assert len(response.json()) == 58
    assert [entry["name"] for entry in response.json()] == sorted(
        entry["name"] for entry in response.json()
    )
    assert entries["alameda"] == ALAMEDA
    assert entries["fresno"]["opt_in"] == FRESNO_OPT_IN
    assert entries["fresno"]["certifications"] == {**ZERO, "expired": 2}
    assert entries["san-luis-obispo"] == {
        "code": "san-luis-obispo",
        "name": "San Luis Obispo",
        "fips": "06079",
        "opt_in": {"smhs": None, "dmc_ods": None, "dmc": None},
        "certifications": ZERO,
    }


def test_county_staff_see_every_county_but_only_their_own_counts(cast, client_for, program):
    entries = by_code(client_for(cast.reviewer).get(LIST_URL))

    assert len(entries) == 58
    assert entries["alameda"] == ALAMEDA
    assert entries["fresno"]["opt_in"] == FRESNO_OPT_IN
    assert entries["fresno"]["certifications"] is None
    assert {code for code, entry in entries.items() if entry["certifications"] is not None} == {
        "alameda"
    }


def test_detail_adds_the_whole_opt_in_history(cast, client_for, program):
    response = client_for(cast.state).get("/api/v1/counties/alameda/")

    assert response.status_code == 200
    assert response.json() == {
        **ALAMEDA,
        "opt_in_history": [
            {
                "delivery_system": "dmc_ods",
                "opted_in": False,
                "effective_from": "2024-07-01",
                "effective_to": None,
            },
            {
                "delivery_system": "dmc_ods",
                "opted_in": True,
                "effective_from": "2023-01-01",
                "effective_to": "2024-06-30",
            },
            {
                "delivery_system": "smhs",
                "opted_in": True,
                "effective_from": "2023-07-01",
                "effective_to": None,
            },
        ],
    }


def test_detail_of_another_county_hides_its_counts_from_county_staff(cast, client_for, program):
    response = client_for(cast.reviewer).get("/api/v1/counties/fresno/")

    assert response.status_code == 200
    assert response.json()["certifications"] is None
    assert response.json()["opt_in"] == FRESNO_OPT_IN


@pytest.mark.parametrize("code", ["atlantis", "ALAMEDA", "06001", "ala\x00meda"])
def test_an_unknown_code_answers_404(cast, client_for, code):
    response = client_for(cast.state).get(f"/api/v1/counties/{code}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No county has this code."}


# The token; for county staff whether they are staff and their county ids; then the counts,
# the open opt-in periods and the counties.
@pytest.mark.parametrize(("who", "queries"), [("state", 4), ("reviewer", 6)])
def test_the_list_costs_a_fixed_number_of_queries(
    cast, client_for, program, who, queries, django_assert_num_queries
):
    client = client_for(getattr(cast, who))
    bulk_certifications(50, cast.county)

    with django_assert_num_queries(queries):
        assert client.get(LIST_URL).status_code == 200
