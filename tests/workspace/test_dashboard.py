"""The county dashboard and the county picker: counts, the queue (order, days waiting,
filters, search, pagination), side lists, no other county's rows, pinned query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ce_audits.models import CeAudit
from tests.factories import CertificationFactory, MembershipFactory, TrainingRecordFactory
from tests.workspace.conftest import person, submitted_application


def _dashboard(client, user, code="alameda", **params):
    client.force_login(user)
    return client.get(reverse("workspace:dashboard", args=[code]), params)


def _queue_numbers(response) -> list[int]:
    return [application.pk for application, _days in response.context["queue_rows"]]


def test_queue_lists_submitted_and_in_review_oldest_first_with_days_waiting(cast, world, client):
    response = _dashboard(client, cast.reviewer)
    assert response.status_code == 200
    # in_review was submitted 9 days ago, submitted 3 days ago; approved is not in the queue.
    assert _queue_numbers(response) == [world.in_review.pk, world.submitted.pk]
    assert [days for _app, days in response.context["queue_rows"]] == [9, 3]
    assert world.fresno_application.pk not in _queue_numbers(response)
    assert dict(response.context["application_counts"])["Submitted"] == 1
    assert dict(response.context["application_counts"])["In review"] == 1
    assert dict(response.context["application_counts"])["Approved"] == 1
    assert dict(response.context["certification_counts"]) == {
        "Active": 1,
        "Expired": 1,
        "Suspended": 1,
        "Revoked": 0,
        "Vacated": 0,
    }
    assert response.context["open_audits"] == 1


def test_queue_filters_by_status_and_searches_name_or_number(cast, world, client):
    assert _queue_numbers(_dashboard(client, cast.admin, status="in_review")) == [
        world.in_review.pk
    ]
    assert _queue_numbers(_dashboard(client, cast.admin, q="rita moreno")) == [world.in_review.pk]
    assert _queue_numbers(_dashboard(client, cast.admin, q="REYES")) == [world.submitted.pk]
    assert _queue_numbers(_dashboard(client, cast.admin, q=str(world.submitted.pk))) == [
        world.submitted.pk
    ]
    assert _queue_numbers(_dashboard(client, cast.admin, q="nobody")) == []
    assert _queue_numbers(_dashboard(client, cast.admin, q="²")) == []
    # Nonsense filters are ignored, never an error page.
    response = _dashboard(client, cast.admin, status="hacked", page="x")
    assert response.status_code == 200
    assert _queue_numbers(response) == [world.in_review.pk, world.submitted.pk]


def test_side_lists_training_awaiting_and_expiring_soon(cast, world, client):
    response = _dashboard(client, cast.reviewer)
    assert [r.pk for r in response.context["training_rows"]] == [world.training_record.pk]
    assert response.context["training_rows"][0].application_id == world.submitted.pk
    assert [c.pk for c in response.context["expiring_rows"]] == [world.active.pk]
    assert response.context["expiring_count"] == 1


def test_other_county_admin_sees_only_their_county(cast, world, client):
    response = _dashboard(client, cast.other_admin, code="fresno")
    assert _queue_numbers(response) == [world.fresno_application.pk]
    assert [c.pk for c in response.context["expiring_rows"]] == [world.fresno_certification.pk]
    assert response.context["training_count"] == 0
    assert response.context["open_audits"] == 0
    assert b"Reyes" not in response.content


def _fill_queue(cast, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        applicant = person(f"queue{n}@example.org", f"Q{n}", "Person", cast.county)
        application = submitted_application(applicant, cast.county, days_ago=n % 20)
        TrainingRecordFactory(person=applicant)
        CertificationFactory(
            holder=person(f"cert{n}@example.org", f"C{n}", "Holder", cast.county),
            issuing_county=cast.county,
            issued_on=timezone.localdate() - datetime.timedelta(days=700),
            expires_on=timezone.localdate() + datetime.timedelta(days=10 + n % 50),
        )
        assert application.pk


@pytest.mark.parametrize("who", ["reviewer", "state"])
def test_dashboard_query_count_does_not_grow_with_rows(
    who, cast, client, django_assert_num_queries
):
    user = getattr(cast, who)
    client.force_login(user)
    url = reverse("workspace:dashboard", args=["alameda"])
    _fill_queue(cast, 3)
    client.get(url)  # warm the session and the policy row
    with django_assert_num_queries(QUERIES[who]) as small:
        response = client.get(url)
    assert len(response.context["queue_rows"]) == 3
    _fill_queue(cast, 27, start=3)
    with django_assert_num_queries(QUERIES[who]) as large:
        response = client.get(url, {"page": 2})
    assert len(response.context["queue_rows"]) == 5
    assert len(small.captured_queries) == len(large.captured_queries)


# Session read + user, county, membership role and staff county ids (not for state staff),
# application counts, certification counts, queue count + page, training count + list (+ the
# providers' course approvals of the listed records), expiring count + list, open audits, the
# header's "is county staff" check, and the idle-timeout session save (savepoint, update,
# release).
QUERIES = {"reviewer": 19, "state": 17}


def test_pick_county_redirects_one_membership_and_lists_several(cast, client):
    client.force_login(cast.reviewer)
    response = client.get(reverse("workspace:pick"))
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:dashboard", args=["alameda"])

    MembershipFactory(user=cast.reviewer, county=cast.other_county, role="reviewer")
    response = client.get(reverse("workspace:pick"))
    assert response.status_code == 200
    assert [c.code for c in response.context["counties"]] == ["alameda", "fresno"]
    assert _dashboard(client, cast.reviewer, code="fresno").status_code == 200


def test_pick_county_state_sees_all_counties_applicant_refused(cast, client):
    client.force_login(cast.state)
    response = client.get(reverse("workspace:pick"))
    assert response.status_code == 200
    assert response.context["counties"].count() == 58
    client.force_login(cast.applicant)
    assert client.get(reverse("workspace:pick")).status_code == 403
    client.logout()
    response = client.get(reverse("workspace:pick"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_ce_audit_count_ignores_closed_audits(cast, world, client):
    CeAudit.objects.filter(pk=world.ce_audit.pk).update(outcome="passed", decided_at=timezone.now())
    assert _dashboard(client, cast.admin).context["open_audits"] == 0


def test_staff_dashboard_links_to_the_workspace(cast, client):
    for user in (cast.reviewer, cast.state):
        client.force_login(user)
        response = client.get(reverse("dashboard"))
        assert reverse("workspace:pick").encode() in response.content
    client.force_login(cast.applicant)
    assert reverse("workspace:pick").encode() not in client.get(reverse("dashboard")).content
