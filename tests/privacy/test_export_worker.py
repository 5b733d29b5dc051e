"""The personal data export is built by a real Celery worker, not in the request (issue 18,
item 7): asked for on the page, progress recorded, the file downloadable once ready, and the
person emailed."""

import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from documents.services import document_upload
from privacy.services import personal_data_export_state
from tests.certification.builders import upload
from tests.factories import MINIMAL_PDF, UserFactory
from tests.jobs.worker import wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_export_is_built_by_a_real_worker(
    celery_worker, celery_workers, broker_queue, settings
):
    import config.settings as base

    # The worker's cache (the test process counts in a namespace of its own per test).
    settings.CACHES = base.CACHES
    person = UserFactory(email="export.person@example.org", first_name="Ezra")
    document = document_upload(owner=person, kind="other", uploaded_file=upload(MINIMAL_PDF))
    client = Client()
    client.force_login(person)
    try:
        response = client.post(reverse("portal:privacy_download"))
        assert response.status_code == 302
        state = wait_for(
            lambda: (s := personal_data_export_state(person)) and s["status"] == "ready" and s,
            timeout=90,
            what=f"the worker's export\n{celery_worker.log()[-3000:]}",
        )
        assert (state["done"], state["total"]) == (1, 1)  # the progress the page shows
        page = client.get(reverse("portal:privacy"))
        assert b"Download my data (ZIP" in page.content

        response = client.get(reverse("portal:privacy_export_file"))
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        data = json.loads(archive.read("personal-data.json"))
        assert data["account"]["email"] == person.email
        [entry] = data["documents"]
        assert entry["id"] == document.pk and not entry["file_missing"]
        assert archive.read(entry["file_in_archive"]) == MINIMAL_PDF

        def ready_email():
            for path in celery_workers.mail_dir.glob("*"):
                text = path.read_text(errors="replace")
                if "export.person@example.org" in text and "Your data is ready" in text:
                    return text
            return None

        text = wait_for(ready_email, timeout=60, what="the ready email")
        assert "/me/privacy/#download" in text
    finally:
        cache.delete(f"privacy:export:{person.pk}")
