"""GET /api/v1/roster/: fields, filters, errors and cursor pagination
(docs/architecture.md#contracts)."""

import base64
import datetime

import pytest
from django.utils import timezone

from certification.models import Certification
from core import policy
from tests.api.conftest import bulk_certifications
from tests.factories import CertificationFactory, SpecializationFactory, UserFactory, county

URL = "/api/v1/roster/"
UTC = datetime.UTC


def numbers(response) -> list[str]:
    return [row["certification_number"] for row in response.json()["results"]]


@pytest.fixture
def state(cast, client_for):
    return client_for(cast.state)


@pytest.fixture
def ana(cast):
    """An active Alameda certification with two specializations and fixed values."""
    cert = CertificationFactory(
        number="PSS-0001000",
        holder=UserFactory(email="ana.quinones@example.org"),
        issuing_county=cast.county,
        first_name="Ana María",
        last_name="Quiñones",
        issued_on=datetime.date(2024, 5, 1),
        expires_on=datetime.date(2026, 5, 1),
        updated_at=datetime.datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC),
    )
    SpecializationFactory(certification=cert, code="unhoused")
    SpecializationFactory(certification=cert, code="crisis")
    return cert


def test_a_row_carries_exactly_the_contract_fields(state, ana, settings):
    response = state.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "next": None,
        "previous": None,
        "results": [
            {
                "certification_number": "PSS-0001000",
                "status": "active",
                "first_name": "Ana María",
                "last_name": "Quiñones",
                "county": {"code": "alameda", "name": "Alameda"},
                "issued_on": "2024-05-01",
                "expires_on": "2026-05-01",
                "expiring_soon": False,
                "specializations": ["crisis", "unhoused"],
                "updated_at": "2025-03-04T05:06:07.123456Z",
                "public_actions": [],
            }
        ],
    }


def test_a_certification_without_specializations_lists_none(state, cast):
    CertificationFactory(issuing_county=cast.county)

    assert state.get(URL).json()["results"][0]["specializations"] == []


@pytest.mark.parametrize(
    ("status", "days_left", "expected"),
    [
        ("active", 0, True),
        ("active", policy.EXPIRING_SOON_DAYS, True),
        ("active", policy.EXPIRING_SOON_DAYS + 1, False),
        ("active", 400, False),
        ("expired", -1, False),
        ("suspended", 30, False),
        ("revoked", 30, False),
    ],
)
def test_expiring_soon_is_derived_from_status_and_days_left(
    state, cast, status, days_left, expected
):
    expires_on = timezone.localdate() + datetime.timedelta(days=days_left)
    CertificationFactory(
        issuing_county=cast.county,
        status=status,
        issued_on=expires_on - datetime.timedelta(days=730),
        expires_on=expires_on,
    )

    (row,) = state.get(URL).json()["results"]

    assert (row["status"], row["expiring_soon"]) == (status, expected)


def test_an_update_through_updated_at_shows_at_once(state, ana):
    moment = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    Certification.objects.filter(pk=ana.pk).update(
        status="suspended", suspended_on=datetime.date(2025, 6, 1), updated_at=moment
    )

    (row,) = state.get(URL).json()["results"]

    assert (row["status"], row["updated_at"]) == ("suspended", "2025-06-01T12:00:00.000000Z")


# Filters ------------------------------------------------------------------------------------


@pytest.fixture
def spread(cast):
    """Certifications that differ in one attribute each, named for what tells them apart."""
    make = CertificationFactory
    return {
        "alameda": make(
            number="PSS-0002001",
            issuing_county=cast.county,
            first_name="Rosa",
            last_name="Delgado",
            issued_on=datetime.date(2024, 1, 10),
            expires_on=datetime.date(2026, 1, 10),
            updated_at=datetime.datetime(2025, 1, 1, tzinfo=UTC),
        ),
        "fresno": make(
            number="PSS-0002002",
            issuing_county=cast.other_county,
            first_name="Tomás",
            last_name="Ibarra",
            issued_on=datetime.date(2024, 6, 1),
            expires_on=datetime.date(2026, 6, 1),
            updated_at=datetime.datetime(2025, 2, 1, tzinfo=UTC),
        ),
        "suspended": make(
            number="PSS-0002010",
            issuing_county=cast.county,
            first_name="Lee",
            last_name="Rosales",
            status="suspended",
            issued_on=datetime.date(2023, 3, 1),
            expires_on=datetime.date(2025, 3, 1),
            updated_at=datetime.datetime(2025, 3, 1, tzinfo=UTC),
        ),
        "crisis": SpecializationFactory(
            code="crisis",
            certification=make(
                number="PSS-0003000",
                issuing_county=county("los-angeles"),
                first_name="Kim",
                last_name="Nguyen",
                issued_on=datetime.date(2024, 9, 1),
                expires_on=datetime.date(2026, 9, 1),
                updated_at=datetime.datetime(2025, 4, 1, 8, 30, tzinfo=UTC),
            ),
        ).certification,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["alameda", "fresno", "suspended", "crisis"]),
        ({"county": "alameda"}, ["alameda", "suspended"]),
        ({"county": "los-angeles"}, ["crisis"]),
        ({"county": "san-luis-obispo"}, []),
        ({"status": "suspended"}, ["suspended"]),
        ({"status": "revoked"}, []),
        ({"specialization": "crisis"}, ["crisis"]),
        ({"specialization": "unhoused"}, []),
        ({"expires_before": "2026-01-10"}, ["suspended"]),
        ({"expires_before": "2026-01-11"}, ["alameda", "suspended"]),
        ({"expires_after": "2026-06-01"}, ["crisis"]),
        ({"expires_after": "2026-01-09", "expires_before": "2026-06-02"}, ["alameda", "fresno"]),
        ({"updated_since": "2025-03-01T00:00:00Z"}, ["suspended", "crisis"]),
        ({"updated_since": "2025-04-01T08:30:00+00:00"}, ["crisis"]),
        ({"updated_since": "2025-04-01T08:30:00.000001Z"}, []),
        # A date, or a date-time without an offset, is California time (UTC-8 in February).
        ({"updated_since": "2025-01-31T16:00:00"}, ["fresno", "suspended", "crisis"]),
        ({"updated_since": "2025-02-01"}, ["suspended", "crisis"]),
        ({"q": "rosa"}, ["alameda", "suspended"]),
        ({"q": "ROSA delgado"}, ["alameda"]),
        ({"q": "tomás"}, ["fresno"]),
        ({"q": "PSS-0002001"}, ["alameda"]),
        ({"q": "pss-000200"}, ["alameda", "fresno"]),
        ({"q": "PSS-00020"}, ["alameda", "fresno", "suspended"]),
        ({"q": "0002001"}, []),
        ({"q": "  "}, ["alameda", "fresno", "suspended", "crisis"]),
        ({"county": "alameda", "status": "active", "q": "delgado"}, ["alameda"]),
    ],
)
def test_filters(state, spread, query, expected):
    response = state.get(URL, query)

    assert response.status_code == 200, response.json()
    assert numbers(response) == [spread[name].number for name in expected]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"county": "atlantis"}, "county", "No county has the code “atlantis”."),
        (
            {"status": "paused"},
            "status",
            "Select a valid choice. paused is not one of the available choices.",
        ),
        (
            {"specialization": "juggling"},
            "specialization",
            "Select a valid choice. juggling is not one of the available choices.",
        ),
        ({"expires_before": "2025-13-01"}, "expires_before", "Enter a valid date."),
        ({"expires_before": "01/02/2025"}, "expires_before", "Enter a valid date."),
        ({"expires_after": "tomorrow"}, "expires_after", "Enter a valid date."),
        ({"updated_since": "yesterday"}, "updated_since", "Enter a valid date/time."),
        ({"updated_since": "2025-02-30T00:00:00Z"}, "updated_since", "Enter a valid date/time."),
        (
            {"q": "x" * 101},
            "q",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
        ({"q": "ana\x00"}, "q", "Null characters are not allowed."),
        ({"county": "ala\x00meda"}, "county", "Null characters are not allowed."),
        ({"page_size": "0"}, "page_size", "Enter a whole number from 1 to 1000."),
        ({"page_size": "1001"}, "page_size", "Enter a whole number from 1 to 1000."),
        ({"page_size": "-5"}, "page_size", "Enter a whole number from 1 to 1000."),
        ({"page_size": "ten"}, "page_size", "Enter a whole number from 1 to 1000."),
        ({"page_size": "99999999999"}, "page_size", "Enter a whole number from 1 to 1000."),
        ({"cursor": "not-base64!"}, "cursor", "Invalid cursor."),
        ({"cursor": base64.b64encode(b"p=abc").decode()}, "cursor", "Invalid cursor."),
        ({"cursor": base64.b64encode(b"p=1" + b"0" * 30).decode()}, "cursor", "Invalid cursor."),
        ({"cursor": base64.b64encode(b"r=x").decode()}, "cursor", "Invalid cursor."),
    ],
)
def test_an_invalid_parameter_answers_400_naming_it(state, spread, query, field, message):
    response = state.get(URL, query)

    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_several_invalid_parameters_are_all_named(state):
    response = state.get(URL, {"status": "x", "expires_after": "y"})

    assert response.status_code == 400
    assert set(response.json()) == {"status", "expires_after"}


# Pagination ---------------------------------------------------------------------------------


def test_default_page_is_100_rows_with_links_both_ways(state, cast):
    created = bulk_certifications(250, cast.county)
    expected = [cert.number for cert in sorted(created, key=lambda cert: cert.pk)]

    first = state.get(URL).json()
    second = state.get(first["next"]).json()
    third = state.get(second["next"]).json()
    back = state.get(third["previous"]).json()

    assert first["previous"] is None
    assert [len(page["results"]) for page in (first, second, third)] == [100, 100, 50]
    assert third["next"] is None
    assert [r["certification_number"] for r in first["results"]] == expected[:100]
    assert [r["certification_number"] for r in third["results"]] == expected[200:]
    assert back["results"] == second["results"]
    assert state.get(back["previous"]).json()["results"] == first["results"]


@pytest.mark.parametrize("page_size", [1, 1000])
def test_page_size_bounds_are_accepted(state, cast, page_size):
    bulk_certifications(1001, cast.county)

    page = state.get(URL, {"page_size": page_size}).json()

    assert len(page["results"]) == page_size
    assert f"page_size={page_size}" in page["next"]


def test_links_keep_the_filters(state, cast):
    bulk_certifications(3, cast.county)
    bulk_certifications(3, cast.other_county)

    first = state.get(URL, {"county": "fresno", "page_size": 2}).json()
    second = state.get(first["next"]).json()

    assert {row["county"]["code"] for row in first["results"] + second["results"]} == {"fresno"}
    assert (len(first["results"]), len(second["results"]), second["next"]) == (2, 1, None)


@pytest.mark.django_db(transaction=False)
def test_walking_10000_rows_while_rows_are_inserted_and_updated_sees_each_once(state, cast):
    existing = bulk_certifications(10_000, cast.county)
    seen: list[str] = []
    inserted: list[str] = []
    url = f"{URL}?page_size=700"
    while url:
        page = state.get(url).json()
        seen.extend(numbers_of(page))
        url = page["next"]
        # Between fetches others issue certifications and change existing ones.
        inserted += [c.number for c in bulk_certifications(25, cast.other_county, prefix="NEW-")]
        Certification.objects.filter(pk__in=[c.pk for c in existing[::997]]).update(
            updated_at=timezone.now(), status="suspended", suspended_on=timezone.localdate()
        )

    assert len(seen) == len(set(seen))
    assert set(seen) >= {cert.number for cert in existing}
    # Rows issued while walking come after the ones already there, never in between.
    assert seen[: len(existing)] == [c.number for c in sorted(existing, key=lambda c: c.pk)]
    assert set(seen) - {cert.number for cert in existing} <= set(inserted)


def numbers_of(page: dict) -> list[str]:
    return [row["certification_number"] for row in page["results"]]


# Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [10, 1000])
def test_a_state_page_costs_two_queries_whatever_its_size(
    state, cast, rows, django_assert_num_queries
):
    bulk_certifications(rows, cast.county, specializations=("crisis", "unhoused"))

    # The token lookup, then the page with its specializations.
    with django_assert_num_queries(2):
        response = state.get(URL, {"page_size": 1000})

    assert len(response.json()["results"]) == rows
    assert response.json()["results"][0]["specializations"] == ["crisis", "unhoused"]


@pytest.mark.parametrize("rows", [10, 1000])
def test_a_county_page_costs_four_queries_whatever_its_size(
    cast, client_for, rows, django_assert_num_queries
):
    bulk_certifications(rows, cast.county, specializations=("crisis",))
    bulk_certifications(rows, cast.other_county)
    reviewer = client_for(cast.reviewer)

    # The token lookup, whether the user is county staff, their county ids, then the page.
    with django_assert_num_queries(4):
        response = reviewer.get(URL, {"page_size": 1000, "status": "active"})

    assert len(response.json()["results"]) == rows


def test_an_offset_postgresql_would_refuse_is_read_in_utc(state, spread):
    # 2025-04-02T00:30+16:00 is 2025-04-01T08:30Z: the Los Angeles row's exact moment.
    response = state.get(URL, {"updated_since": "2025-04-02T00:30:00+16:00"})

    assert numbers(response) == [spread["crisis"].number]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_an_updated_since_outside_the_calendar_in_utc_answers_400(state, spread, moment):
    response = state.get(URL, {"updated_since": moment})

    assert response.status_code == 400
    assert response.json() == {"updated_since": ["Enter a valid date/time."]}


def test_a_public_action_is_in_the_roster_row_at_once(state, ana, cast):
    from cases import services as case_services

    case = case_services.case_open(
        actor=cast.admin,
        county=cast.county,
        source="phone_letter",
        category="integrity",
        summary="Complainant Lee Wu says the peer lied about hours.",
        received_on=timezone.localdate(),
        certification=ana,
    )
    for to in ("investigation", "findings"):
        case_services.case_advance(actor=cast.admin, case=case, to=to)
    case_services.case_decide(
        actor=cast.admin,
        case=case,
        outcome="warning",
        findings="Overstated hours once.",
        expected_decisions=0,
        disclosure="summary",
        public_summary="Letter of warning: inaccurate records.",
    )

    [row] = state.get(URL).json()["results"]

    assert row["public_actions"] == [
        {
            "action": "warning",
            "effective_on": timezone.localdate().isoformat(),
            "ended_on": None,
            "summary": "Letter of warning: inaccurate records.",
        }
    ]
    assert "Lee Wu" not in str(row) and "Overstated" not in str(row)
