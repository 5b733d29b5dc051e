"""The course finder's API, /api/v1/courses/ (api/views_courses.py): public (no token), only
the courses approved today, each filter, pages, 400 naming a bad parameter (never a 500), and
its own rate limit per client address. The schema conformance run is in test_schema.py."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.providers import test_course_finder as finder

catalogue = finder.catalogue  # the fixture: Hope Works and Rival Training with their courses
course = finder.course

pytestmark = pytest.mark.django_db

URL = "/api/v1/courses/"


def _titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def test_anyone_reads_the_courses_approved_today(api, catalogue):
    response = api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["next"] is None and body["previous"] is None
    assert _titles(response) == ["Curso básico", "Crisis online", "Ethics refresher"]
    first = body["results"][0]
    assert first["languages"] == ["es", "en"]
    assert first["hours"] == "80.00"
    assert first["provider"]["contact_email"] == "boss@hope.test"
    assert first["provider"]["counties"] == [{"code": "alameda", "name": "Alameda"}]
    assert first["approved_until"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"type": "core_80"}, ["Curso básico"]),
        ({"type": "specialization", "area": "crisis"}, ["Crisis online"]),
        ({"area": "unhoused"}, []),
        ({"type": "ce", "ce_category": "law_ethics"}, ["Ethics refresher"]),
        ({"ce_category": "general"}, []),
        ({"language": "es"}, ["Curso básico"]),
        ({"delivery_mode": "online_live"}, ["Crisis online"]),
        ({"county": "fresno"}, ["Crisis online", "Ethics refresher"]),
        ({"county": "alameda", "language": "es"}, ["Curso básico"]),
    ],
)
def test_each_filter_narrows(api, catalogue, query, expected):
    response = api.get(URL, query)

    assert response.status_code == 200
    assert _titles(response) == expected


def test_pages(api, providers, cast):
    for n in range(5):
        course(providers.hope, f"Course {n}", approver=providers.reviewer)

    first = api.get(URL, {"page_size": 2})
    last = api.get(URL, {"page_size": 2, "page": 3})
    beyond = api.get(URL, {"page_size": 2, "page": 4})

    assert first.json()["count"] == 5 and "page=2" in first.json()["next"]
    assert _titles(last) == ["Course 4"] and last.json()["next"] is None
    assert "page=2" in last.json()["previous"]
    assert beyond.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"type": "nope"},
        {"language": "xx"},
        {"page": "0"},
        {"page": "99999999999999999999"},
        {"page_size": "201"},
        {"area": "\x00"},
        {"county": "'; drop table"},
    ],
)
def test_a_bad_parameter_answers_400_naming_it(api, catalogue, query):
    response = api.get(URL, query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.parametrize(
    "name", ["type", "area", "ce_category", "county", "language", "delivery_mode", "page"]
)
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=st.text(max_size=60))
def test_hostile_parameters_never_fail(api, catalogue, name, value):
    response = api.get(URL, {name: value})

    assert response.status_code in (200, 400, 404)


def test_rate_limited_per_client(api, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "courses_anon": "2/min",
        },
    }
    codes = [api.get(URL, REMOTE_ADDR="203.0.113.77").status_code for _ in range(2)]
    refused = api.get(URL, REMOTE_ADDR="203.0.113.77")
    other_client = api.get(URL, REMOTE_ADDR="192.0.2.7")

    assert codes == [200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert other_client.status_code == 200


def test_documented_fields_are_the_fields_sent(api, catalogue):
    schema = json.loads(api.get("/api/schema/", {"format": "json"}).content)
    components = schema["components"]["schemas"]
    operation = schema["paths"][URL]["get"]
    row = api.get(URL, {"county": "alameda"}).json()["results"][0]

    assert operation.get("security") in (None, [], [{}])  # no credentials
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {
        "type",
        "area",
        "ce_category",
        "county",
        "language",
        "delivery_mode",
        "page",
        "page_size",
    }
    assert set(row) == set(components["Course"]["properties"])
    assert set(row["provider"]) == set(components["CourseProvider"]["properties"])
