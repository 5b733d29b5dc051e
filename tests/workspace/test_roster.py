"""The county roster: the county's certifications only, filters, pagination, the streamed CSV,
and pinned query counts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CertificationFactory, SpecializationFactory
from tests.workspace.conftest import person


def _roster(client, user, **params):
    client.force_login(user)
    return client.get(reverse("workspace:roster", args=["alameda"]), params)


def _numbers(response) -> list[str]:
    return [c.number for c in response.context["page_obj"].object_list]


def test_roster_lists_the_county_certifications_by_name(cast, world, client):
    response = _roster(client, cast.reviewer)
    assert response.status_code == 200
    assert _numbers(response) == [
        world.expired.number,  # Diaz
        world.active.number,  # Lee
        world.suspended.number,  # Park
    ]
    assert world.fresno_certification.number.encode() not in response.content


def test_roster_filters(cast, world, client):
    SpecializationFactory(certification=world.suspended, code="crisis")
    assert _numbers(_roster(client, cast.admin, status="suspended")) == [world.suspended.number]
    assert _numbers(_roster(client, cast.admin, specialization="crisis")) == [
        world.suspended.number
    ]
    assert _numbers(_roster(client, cast.admin, expiring="on")) == [world.active.number]
    assert _numbers(_roster(client, cast.admin, q="pat lee")) == [world.active.number]
    assert _numbers(_roster(client, cast.admin, q=world.expired.number.lower())) == [
        world.expired.number
    ]
    page = _roster(client, cast.admin, specialization="crisis")
    assert "Crisis Services" in page.content.decode()
    # Bad filter values are ignored, never an error.
    assert _roster(client, cast.admin, status="nope", page="-4").status_code == 200


def test_roster_csv_streams_the_filtered_rows(cast, world, client):
    SpecializationFactory(certification=world.active, code="unhoused")
    SpecializationFactory(certification=world.active, code="crisis")
    client.force_login(cast.state)
    response = client.get(reverse("workspace:roster_csv", args=["alameda"]), {"status": "active"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="roster-alameda-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        [
            "certification_number",
            "status",
            "first_name",
            "last_name",
            "issued_on",
            "expires_on",
            "expiring_soon",
            "specializations",
        ],
        [
            world.active.number,
            "active",
            "Pat",
            "Lee",
            world.active.issued_on.isoformat(),
            world.active.expires_on.isoformat(),
            "yes",
            "crisis unhoused",
        ],
    ]


def test_other_county_roster_has_only_its_rows(cast, world, client):
    client.force_login(cast.other_admin)
    response = client.get(reverse("workspace:roster", args=["fresno"]))
    assert [c.number for c in response.context["page_obj"].object_list] == [
        world.fresno_certification.number
    ]
    response = client.get(reverse("workspace:roster_csv", args=["fresno"]))
    body = b"".join(response.streaming_content).decode()
    assert world.fresno_certification.number in body
    assert world.active.number not in body


def _add_certifications(cast, count: int, start: int) -> None:
    today = timezone.localdate()
    for n in range(start, start + count):
        certification = CertificationFactory(
            holder=person(f"roster{n}@example.org", f"R{n}", "Roster", cast.county),
            issuing_county=cast.county,
            issued_on=today - datetime.timedelta(days=300),
            expires_on=today + datetime.timedelta(days=400),
        )
        SpecializationFactory(certification=certification, code="crisis")


@pytest.mark.parametrize("who", ["admin", "state"])
def test_roster_query_count_does_not_grow_with_rows(who, cast, client, django_assert_num_queries):
    client.force_login(getattr(cast, who))
    url = reverse("workspace:roster", args=["alameda"])
    _add_certifications(cast, 3, 0)
    client.get(url)
    with django_assert_num_queries(ROSTER_QUERIES[who]):
        response = client.get(url)
    assert len(response.context["page_obj"].object_list) == 3
    _add_certifications(cast, 27, 3)
    with django_assert_num_queries(ROSTER_QUERIES[who]):
        response = client.get(url, {"page": 2})
    assert len(response.context["page_obj"].object_list) == 5


# Session read + user, county, membership role and staff county ids (not for state staff),
# count, the page's ids, the page's rows (specializations by subquery in the same query), the
# header's "is county staff" check, and the idle-timeout session save (savepoint, update,
# release).
ROSTER_QUERIES = {"admin": 12, "state": 10}


def test_roster_csv_query_count_does_not_grow_with_rows(cast, client, django_assert_num_queries):
    client.force_login(cast.admin)
    url = reverse("workspace:roster_csv", args=["alameda"])
    _add_certifications(cast, 3, 0)
    client.get(url)
    with django_assert_num_queries(CSV_QUERIES) as small:
        b"".join(client.get(url).streaming_content)
    _add_certifications(cast, 30, 3)
    with django_assert_num_queries(CSV_QUERIES) as large:
        body = b"".join(client.get(url).streaming_content)
    assert body.count(b"\n") == 34
    assert len(small.captured_queries) == len(large.captured_queries)


# As the page, but the rows by COPY (core.csv_copy): the query checked by EXPLAIN in the
# view, then one COPY of every row.
CSV_QUERIES = 11
