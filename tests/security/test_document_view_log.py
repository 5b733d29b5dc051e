"""Every opening of an uploaded document is logged: who, which document, when, through which
part of the site (and in which county's workspace). A refused request logs nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, DocumentView
from documents.services import document_view_record
from tests.factories import ApplicationFactory, DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo_id(cast) -> Document:
    """The applicant's photo ID, part of an application submitted to Alameda."""
    application = ApplicationFactory(
        applicant=cast.applicant,
        county=cast.county,
        status="submitted",
        submitted_at=timezone.now() - datetime.timedelta(days=2),
    )
    return DocumentFactory(owner=cast.applicant, application=application, kind="photo_id")


def log() -> list[tuple]:
    return list(
        DocumentView.objects.order_by("pk").values_list("document_id", "viewer_id", "via", "county")
    )


def test_opening_a_document_in_the_portal_logs_one_view(cast, client, photo_id):
    client.force_login(cast.applicant)
    before = timezone.now()

    response = client.get(reverse("portal:document", args=[photo_id.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert log() == [(photo_id.pk, cast.applicant.pk, "portal", None)]
    assert DocumentView.objects.get().viewed_at >= before


def test_opening_a_document_in_the_workspace_logs_one_view_with_the_county(cast, client, photo_id):
    client.force_login(cast.reviewer)

    response = client.get(reverse("workspace:document", args=[cast.county.code, photo_id.pk]))

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert log() == [(photo_id.pk, cast.reviewer.pk, "workspace", cast.county.pk)]


def test_state_staff_views_are_logged_too(cast, client, photo_id):
    client.force_login(cast.state)

    assert (
        client.get(reverse("workspace:document", args=[cast.county.code, photo_id.pk])).status_code
        == 200
    )
    assert log() == [(photo_id.pk, cast.state.pk, "workspace", cast.county.pk)]


def test_each_opening_is_a_row(cast, client, photo_id):
    client.force_login(cast.applicant)
    url = reverse("portal:document", args=[photo_id.pk])

    client.get(url)
    client.get(url + "?download=1")

    assert log() == [(photo_id.pk, cast.applicant.pk, "portal", None)] * 2


def test_refused_requests_log_nothing(cast, client, photo_id):
    portal_url = reverse("portal:document", args=[photo_id.pk])
    workspace_url = reverse("workspace:document", args=[cast.county.code, photo_id.pk])
    fresno_url = reverse("workspace:document", args=[cast.other_county.code, photo_id.pk])
    refused = [
        (cast.other_applicant, portal_url, 404),
        (cast.reviewer, portal_url, 404),
        (cast.other_admin, workspace_url, 404),
        (cast.other_admin, fresno_url, 404),
        (cast.applicant, workspace_url, 404),
    ]
    for user, url, status in refused:
        client.force_login(user)
        assert client.get(url).status_code == status, (user, url)
    client.logout()
    assert client.get(portal_url).status_code == 302

    assert log() == []


def test_a_missing_file_logs_nothing(cast, client, photo_id):
    photo_id.file.storage.delete(photo_id.file.name)
    client.force_login(cast.applicant)

    assert client.get(reverse("portal:document", args=[photo_id.pk])).status_code == 404
    assert log() == []


def test_staff_opening_a_draft_applications_document_is_refused_and_not_logged(cast, client):
    draft = ApplicationFactory(applicant=cast.applicant, county=cast.county, status="draft")
    document = DocumentFactory(owner=cast.applicant, application=draft)
    client.force_login(cast.admin)

    response = client.get(reverse("workspace:document", args=[cast.county.code, document.pk]))

    assert response.status_code == 404
    assert log() == []


def test_the_service_rejects_an_unknown_channel(cast, photo_id):
    with pytest.raises(ValueError):
        document_view_record(viewer=cast.admin, document=photo_id, via="email")
    assert log() == []


def test_a_preview_reloaded_is_answered_from_the_browser_cache_and_logged_once(
    cast, client, photo_id
):
    """The review page shows the file in a frame on every load: the browser keeps it under
    its ETag and asks again each time (a 304, no file read, access checked again), and the
    inline preview is logged once per document in the staff session."""
    client.force_login(cast.reviewer)
    url = reverse("workspace:document", args=[cast.county.code, photo_id.pk]) + "?preview=1"

    first = client.get(url)
    again = client.get(url)
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == again.status_code == 200
    assert first["Cache-Control"] == "private, no-cache"
    assert first["ETag"] == f'"{photo_id.sha256}"'
    assert "Cookie" in first["Vary"]
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == first["ETag"]
    assert revalidated.content == b""
    assert log() == [(photo_id.pk, cast.reviewer.pk, "workspace", cast.county.pk)]


def test_opening_in_a_new_tab_is_logged_every_time_and_a_new_session_logs_again(
    cast, client, photo_id
):
    url = reverse("workspace:document", args=[cast.county.code, photo_id.pk])
    client.force_login(cast.reviewer)
    client.get(url + "?preview=1")
    client.get(url)
    client.get(url)

    client.logout()
    client.force_login(cast.reviewer)
    client.get(url + "?preview=1")

    assert log() == [(photo_id.pk, cast.reviewer.pk, "workspace", cast.county.pk)] * 4


def test_a_cached_copy_is_no_way_around_the_access_check(cast, client, photo_id):
    url = reverse("workspace:document", args=[cast.county.code, photo_id.pk])
    client.force_login(cast.reviewer)
    etag = client.get(url)["ETag"]

    client.force_login(cast.other_admin)
    refused = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert refused.status_code == 404
    assert len(log()) == 1
