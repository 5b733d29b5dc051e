"""GET /api/v1/stats/: counts by status, exam pass rate and median days to certification,
statewide for state staff and per county for the counties the caller may read."""

import datetime
import itertools
import zoneinfo

import pytest

from accounts.models import User
from certification.models import Application
from exams.models import ExamAttempt
from tests.factories import CertificationFactory, EthicsVersionFactory

URL = "/api/v1/stats/"
CALIFORNIA = zoneinfo.ZoneInfo("America/Los_Angeles")
ISSUED = datetime.date(2025, 3, 1)
_people = itertools.count()

CERTS_ZERO = {"active": 0, "expired": 0, "suspended": 0, "revoked": 0, "vacated": 0}
APPS_ZERO = {
    "submitted": 0,
    "in_review": 0,
    "changes_requested": 0,
    "approved": 0,
    "certified": 0,
    "denied": 0,
    "withdrawn": 0,
    "expired": 0,
}
EMPTY = {
    "certifications": CERTS_ZERO,
    "applications": APPS_ZERO,
    "exam_pass_rate": None,
    "median_days_to_certification": None,
}


def person() -> User:
    return User.objects.create_user(f"stats-{next(_people)}@example.org")


def application(county, status, *, submitted_days_before_issue=None, **fields) -> Application:
    submitted_at = None
    if submitted_days_before_issue is not None:
        day = ISSUED - datetime.timedelta(days=submitted_days_before_issue)
        # Late in the evening in California, already the next day in UTC.
        submitted_at = datetime.datetime.combine(day, datetime.time(22, 30), tzinfo=CALIFORNIA)
    return Application.objects.create(
        applicant=person(),
        county=county,
        status=status,
        submitted_at=submitted_at,
        ethics_version=EthicsVersionFactory(),
        **fields,
    )


def certified(county, status, days: int):
    app = application(county, "certified", submitted_days_before_issue=days)
    CertificationFactory(
        holder=app.applicant,
        application=app,
        issuing_county=county,
        status=status,
        issued_on=ISSUED,
        expires_on=ISSUED.replace(year=2027),
    )
    return app


def attempts(app, *results):
    for n, result in enumerate(results):
        ExamAttempt.objects.create(
            application=app, taken_on=ISSUED - datetime.timedelta(days=40 - n), result=result
        )


@pytest.fixture
def program(cast):
    alameda, fresno = cast.county, cast.other_county
    first = certified(alameda, "active", 10)
    certified(alameda, "suspended", 20)
    CertificationFactory(holder=person(), issuing_county=alameda)  # issued without an application
    application(alameda, "in_review", submitted_days_before_issue=5)
    application(alameda, "submitted", submitted_days_before_issue=3)
    application(alameda, "draft")
    approved = application(
        alameda,
        "approved",
        submitted_days_before_issue=50,
        approved_on=ISSUED,
        window_ends_on=ISSUED.replace(year=2026),
    )
    attempts(approved, "failed", "failed", "no_show")
    attempts(first, "passed")
    application(fresno, "denied", submitted_days_before_issue=9)
    attempts(certified(fresno, "expired", 31), "passed")


ALAMEDA = {
    "code": "alameda",
    "name": "Alameda",
    "certifications": {**CERTS_ZERO, "active": 2, "suspended": 1},
    "applications": {**APPS_ZERO, "certified": 2, "in_review": 1, "submitted": 1, "approved": 1},
    "exam_pass_rate": 0.3333,
    "median_days_to_certification": 15.0,
}
FRESNO = {
    "code": "fresno",
    "name": "Fresno",
    "certifications": {**CERTS_ZERO, "expired": 1},
    "applications": {**APPS_ZERO, "certified": 1, "denied": 1},
    "exam_pass_rate": 1.0,
    "median_days_to_certification": 31.0,
}


def test_state_staff_get_statewide_and_every_county(cast, client_for, program, settings):
    response = client_for(cast.state).get(URL)

    assert response.status_code == 200
    stats = response.json()
    counties = {entry["code"]: entry for entry in stats["counties"]}
    assert len(stats["counties"]) == 58
    assert stats["as_of"] == datetime.datetime.now(CALIFORNIA).date().isoformat()
    assert stats["statewide"] == {
        "certifications": {**CERTS_ZERO, "active": 2, "suspended": 1, "expired": 1},
        "applications": {
            **APPS_ZERO,
            "certified": 3,
            "in_review": 1,
            "submitted": 1,
            "approved": 1,
            "denied": 1,
        },
        "exam_pass_rate": 0.5,
        "median_days_to_certification": 20.0,
    }
    assert counties["alameda"] == ALAMEDA
    assert counties["fresno"] == FRESNO
    assert counties["yolo"] == {"code": "yolo", "name": "Yolo", **EMPTY}


@pytest.mark.parametrize(("who", "expected"), [("reviewer", ALAMEDA), ("other_admin", FRESNO)])
def test_county_staff_get_their_counties_only(cast, client_for, program, who, expected):
    stats = client_for(getattr(cast, who)).get(URL).json()

    assert stats["statewide"] is None
    assert stats["counties"] == [expected]


# The token; for county staff whether they are staff and their county ids; the counties;
# certifications, applications and exam attempts by county; the medians by county; for
# state staff the statewide median.
@pytest.mark.parametrize(("who", "queries"), [("state", 7), ("reviewer", 8)])
def test_stats_cost_a_fixed_number_of_queries(
    cast, client_for, program, who, queries, django_assert_num_queries
):
    client = client_for(getattr(cast, who))

    with django_assert_num_queries(queries):
        assert client.get(URL).status_code == 200
