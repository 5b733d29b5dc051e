"""Storage per person (issue 18, item 7): an upload over the quota is refused with a clear
message and nothing stored; replaced and removed files count until their copies are purged,
REMOVED_FILE_RETENTION_DAYS after removal, by the daily task."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from certification.services import document_upload as application_document_upload
from core.errors import DomainError
from documents import services
from documents.models import Document
from tests.certification.builders import draft_application, upload
from tests.factories import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def pdf(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes."""
    return MINIMAL_PDF[:-6] + b" " * (size - len(MINIMAL_PDF)) + b"%%EOF\n"


@pytest.fixture
def quota(settings):
    settings.PERSON_STORAGE_QUOTA_BYTES = 3000
    settings.REMOVED_FILE_RETENTION_DAYS = 90
    return settings.PERSON_STORAGE_QUOTA_BYTES


def test_the_default_quota_is_100_mb_and_retention_90_days():
    from django.conf import settings

    assert settings.PERSON_STORAGE_QUOTA_BYTES == 100 * 1024 * 1024
    assert settings.REMOVED_FILE_RETENTION_DAYS == 90


def test_an_upload_over_the_quota_is_refused_and_stores_nothing(cast, quota):
    services.document_upload(owner=cast.applicant, kind="other", uploaded_file=upload(pdf(2000)))
    assert services.storage_used(cast.applicant) == 2000
    documents, events = Document.objects.count(), AuditEvent.objects.count()
    files = default_storage.listdir("documents") if default_storage.exists("documents") else None

    with pytest.raises(DomainError, match="does not fit in your storage") as error:
        services.document_upload(
            owner=cast.applicant, kind="other", uploaded_file=upload(pdf(1001))
        )

    assert error.value.field == "file"
    assert "you use 0.0 MB of the 0.0 MB" not in str(error.value.message)
    assert "90 days" in str(error.value.message)
    assert (Document.objects.count(), AuditEvent.objects.count()) == (documents, events)
    assert services.storage_used(cast.applicant) == 2000
    # Exactly at the quota still fits; another person has their own quota.
    services.document_upload(owner=cast.applicant, kind="other", uploaded_file=upload(pdf(1000)))
    services.document_upload(
        owner=cast.other_applicant, kind="other", uploaded_file=upload(pdf(2500))
    )
    assert files is None or len(default_storage.listdir("documents")) >= 1


def test_the_portal_shows_the_quota_message_at_the_file(cast, quota, client):
    application = draft_application(cast.applicant)
    used = services.storage_used(cast.applicant)
    client.force_login(cast.applicant)
    response = client.post(
        reverse("portal:application_documents", args=[application.pk]),
        {
            "kind": "photo_id",
            "photo_id-file": upload(pdf(max(quota - used + 1, 200)), name="id.pdf"),
        },
    )
    assert response.status_code == 200
    assert b"does not fit in your storage" in response.content
    assert services.storage_used(cast.applicant) == used


def test_replaced_files_count_until_purged_after_the_retention(
    cast, quota, django_capture_on_commit_callbacks
):
    application = draft_application(cast.applicant)
    for document in Document.objects.filter(owner=cast.applicant):
        document.file = ""
        document.save(update_fields=["file"])  # start from nothing stored
    first = application_document_upload(
        owner=cast.applicant,
        kind="photo_id",
        uploaded_file=upload(pdf(1500)),
        application=application,
    )
    second = application_document_upload(
        owner=cast.applicant,
        kind="photo_id",
        uploaded_file=upload(pdf(1500)),
        application=application,
    )
    first.refresh_from_db()
    assert first.removed_at is not None
    # The replaced ID still counts: a third file does not fit.
    assert services.storage_used(cast.applicant) == 3000
    with pytest.raises(DomainError, match="does not fit"):
        application_document_upload(
            owner=cast.applicant,
            kind="diploma",
            uploaded_file=upload(pdf(500)),
            application=application,
        )
    name = first.file.name
    assert default_storage.exists(name)

    # Not yet past the retention: nothing purged.
    assert services.removed_files_purge(now=first.removed_at + datetime.timedelta(days=89)) == 0
    with pytest.raises(DomainError):
        application_document_upload(
            owner=cast.applicant,
            kind="diploma",
            uploaded_file=upload(pdf(500)),
            application=application,
        )

    later = first.removed_at + datetime.timedelta(days=91)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.removed_files_purge(now=later) == 1
    assert services.removed_files_purge(now=later) == 0  # twice is harmless
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.file.name, second.file.name != "") == ("", True)
    assert not default_storage.exists(name)
    assert (first.sha256, first.size, first.original_name) != ("", 0, "")  # the record stays
    event = AuditEvent.objects.get(verb="document_file_purge")
    assert (event.actor, event.object_id, event.subject) == (None, first.pk, cast.applicant)
    assert services.storage_used(cast.applicant) == 1500
    application_document_upload(
        owner=cast.applicant,
        kind="diploma",
        uploaded_file=upload(pdf(500)),
        application=application,
    )


def test_the_purge_runs_daily_on_the_beat():
    from config.celery import app

    entries = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "documents.tasks.removed_files_purge_daily" in entries
    assert timezone.now()  # the task takes no argument: it purges as of now


def test_a_purged_file_is_a_404_in_the_portal_and_the_workspace_never_a_500(cast, client):
    from certification.models import Application

    application = draft_application(cast.applicant)
    Application.objects.filter(pk=application.pk).update(status="submitted")
    document = Document.objects.filter(application=application).first()
    Document.objects.filter(pk=document.pk).update(file="")
    client.force_login(cast.applicant)
    assert client.get(reverse("portal:document", args=[document.pk])).status_code == 404
    client.force_login(cast.reviewer)
    assert (
        client.get(reverse("workspace:document", args=["alameda", document.pk])).status_code == 404
    )


def test_the_quota_message_is_in_spanish_too(cast, quota):
    from django.utils import translation

    with translation.override("es"), pytest.raises(DomainError) as error:
        services.document_upload(
            owner=cast.applicant, kind="other", uploaded_file=upload(pdf(quota + 1))
        )
    assert "no cabe en su espacio" in str(error.value.message)
    assert "90 días" in str(error.value.message)
