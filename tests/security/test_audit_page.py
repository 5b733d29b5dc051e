"""The county audit trail page (/county/<code>/audit/): county administrators read their
county's events and document views, state staff every county's, reviewers get 403 and
everyone else 404. Filters by action and date range, 25 rows a page, a fixed query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from documents.models import DocumentView
from tests.factories import CertificationFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def audit_url(county, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("workspace:audit", args=[county.code]) + (f"?{query}" if query else "")


def event(county, *, verb="certification_suspend", actor=None, days_ago=0, reason="", obj_id=1):
    return AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        object_type="certification.certification",
        object_id=obj_id,
        county=county,
        from_state="active",
        to_state="suspended",
        reason=reason,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def main(response) -> str:
    return response.content.decode().split('id="main-content"')[1]


def test_an_admin_reads_the_county_trail_and_its_document_views(cast, client):
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    event(cast.county, actor=cast.admin, reason="Complaint upheld.", obj_id=certification.pk)
    event(cast.other_county, actor=cast.other_admin, reason="Fresno business.")
    document = DocumentFactory(owner=cast.applicant)
    DocumentView.objects.create(
        document=document, viewer=cast.reviewer, via="workspace", county=cast.county
    )
    DocumentView.objects.create(
        document=document, viewer=cast.other_admin, via="workspace", county=cast.other_county
    )
    DocumentView.objects.create(document=document, viewer=cast.applicant, via="portal")
    client.force_login(cast.admin)

    response = client.get(audit_url(cast.county))

    assert response.status_code == 200
    html = main(response)
    assert "Complaint upheld." in html
    assert "Certification suspended" in html
    assert cast.admin.email in html
    certification_url = reverse("workspace:certification", args=["alameda", certification.pk])
    assert f'href="{certification_url}"' in html
    assert "Fresno business." not in html
    assert "1 event" in html
    assert "1 document view" in html
    assert cast.reviewer.email in html
    assert cast.other_admin.email not in html
    assert 'method="post"' not in html


def test_state_staff_read_any_county_trail(cast, client):
    event(cast.other_county, reason="Fresno business.")
    client.force_login(cast.state)

    response = client.get(audit_url(cast.other_county))

    assert response.status_code == 200
    html = main(response)
    assert "Fresno business." in html
    assert "The system" in html
    assert "read-only" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("reviewer", 403), ("applicant", 404), ("other_admin", 404), ("other_applicant", 404)],
)
def test_others_are_refused(cast, client, who, status):
    event(cast.county, reason="Secret reason.")
    client.force_login(getattr(cast, who))

    response = client.get(audit_url(cast.county))

    assert response.status_code == status
    assert "Secret reason." not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(cast, client):
    response = client.get(audit_url(cast.county))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_answers_get_only(cast, client):
    before = AuditEvent.objects.count()
    client.force_login(cast.admin)
    assert client.post(audit_url(cast.county), {}).status_code == 405
    client.force_login(cast.state)
    assert client.post(audit_url(cast.county), {}).status_code == 403
    assert AuditEvent.objects.count() == before


def test_filter_by_action(cast, client):
    event(cast.county, verb="certification_suspend", reason="Suspended one.")
    event(cast.county, verb="certification_revoke", reason="Revoked one.")
    client.force_login(cast.admin)

    html = main(client.get(audit_url(cast.county, verb="certification_revoke")))

    assert "Revoked one." in html
    assert "Suspended one." not in html


def test_filter_by_date_range_uses_local_calendar_days(cast, client):
    today = timezone.localdate()
    event(cast.county, days_ago=10, reason="Ten days ago.")
    event(cast.county, days_ago=3, reason="Three days ago.")
    event(cast.county, days_ago=0, reason="Today.")
    client.force_login(cast.admin)
    start = (today - datetime.timedelta(days=5)).isoformat()
    end = (today - datetime.timedelta(days=1)).isoformat()

    html = main(client.get(audit_url(cast.county, start=start, end=end)))
    assert "Three days ago." in html
    assert "Ten days ago." not in html
    assert "Today." not in html

    html = main(client.get(audit_url(cast.county, start=today.isoformat())))
    assert "Today." in html
    assert "Three days ago." not in html


def test_the_widest_date_range_is_answered(cast, client):
    event(cast.county, reason="Within any range.")
    client.force_login(cast.admin)

    response = client.get(audit_url(cast.county, start="0001-01-01", end="9999-12-31"))

    assert response.status_code == 200
    assert "Within any range." in main(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-05-10", "end": "2026-05-01"}, "The end date must be on or after"),
        ({"start": "not-a-date"}, "Enter a valid date."),
        ({"verb": "drop_table"}, "Select a valid choice."),
    ],
)
def test_bad_filters_are_shown_as_field_errors_not_500(cast, client, params, message):
    event(cast.county, reason="Still listed.")
    client.force_login(cast.admin)

    response = client.get(audit_url(cast.county, **params))

    assert response.status_code == 200
    html = main(response)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert "Still listed." in html


def test_pages_of_25(cast, client):
    for number in range(30):
        event(cast.county, reason=f"Event number {number:02d}.", days_ago=0)
    client.force_login(cast.admin)

    first = main(client.get(audit_url(cast.county)))
    second = main(client.get(audit_url(cast.county, page=2)))

    assert first.count("Event number") == 25
    assert second.count("Event number") == 5
    assert "Event number 29." in first
    assert "Event number 00." in second
    assert "Page 1 of 2" in first


AUDIT_PAGE_QUERIES = {"admin": 12, "state": 11}


@pytest.mark.parametrize("who", sorted(AUDIT_PAGE_QUERIES))
def test_query_count_does_not_grow_with_rows(who, cast, client, django_assert_num_queries):
    user = getattr(cast, who)
    client.force_login(user)
    document = DocumentFactory(owner=cast.applicant)
    event(cast.county, actor=cast.admin)
    DocumentView.objects.create(
        document=document, viewer=cast.reviewer, via="workspace", county=cast.county
    )
    client.get(audit_url(cast.county))
    with django_assert_num_queries(AUDIT_PAGE_QUERIES[who]):
        assert client.get(audit_url(cast.county)).status_code == 200

    for _ in range(30):
        event(cast.county, actor=cast.reviewer)
        DocumentView.objects.create(
            document=DocumentFactory(owner=cast.other_applicant),
            viewer=cast.admin,
            via="workspace",
            county=cast.county,
        )
    with django_assert_num_queries(AUDIT_PAGE_QUERIES[who]):
        assert client.get(audit_url(cast.county)).status_code == 200


def test_records_and_changes_are_named_in_words():
    from workspace.timeline import STATE_LABELS
    from workspace.views.audit import _object_label

    assert _object_label("certification.application") == "Application"
    assert _object_label("counties.countymembership") == "Staff membership"
    assert _object_label("gone.model") == "gone.model"
    # Models that moved app: events from before and after the move read the same.
    assert _object_label("documents.document") == _object_label("certification.document")
    assert _object_label("ce_audits.ceaudit") == _object_label("certification.ceaudit")
    assert _object_label("ce_audits.ceaudit") == "CE audit"
    assert (str(STATE_LABELS["admin"]), str(STATE_LABELS["opted_out"])) == (
        "Administrator",
        "Opted out",
    )
