"""Request bodies over the limit are refused with 413 before they are read, never written to
disk and never a 500 (issue 18, item 7); nginx in docker-compose caps at the same size."""

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from documents.models import Document
from tests.certification.builders import draft_application

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 12 * 1024 * 1024


def test_the_limit_is_12_mb_and_above_one_upload():
    from core import policy

    assert settings.REQUEST_BODY_MAX_BYTES == LIMIT
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == LIMIT
    assert policy.UPLOAD_MAX_BYTES < LIMIT


@pytest.mark.django_db
def test_an_upload_over_the_limit_gets_the_413_page_and_stores_nothing(
    cast, client, tmp_path, settings
):
    temp = tmp_path / "upload-temp"
    temp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    application = draft_application(cast.applicant)
    documents = Document.objects.count()
    client.force_login(cast.applicant)
    big = SimpleUploadedFile("id.pdf", b"%PDF-1.4\n" + b"0" * LIMIT, content_type="application/pdf")
    response = client.post(
        reverse("portal:application_documents", args=[application.pk]),
        {"kind": "photo_id", "file": big},
    )
    assert response.status_code == 413
    assert b"What you sent is too large" in response.content
    assert b"12 MB" in response.content
    assert Document.objects.count() == documents
    assert list(temp.iterdir()) == []


def test_the_api_answers_413_in_json(client):
    response = client.post(
        "/api/v1/verify/", data=b"x" * (LIMIT + 1), content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "12 MB" in response.json()["detail"]


def test_a_body_at_the_limit_is_read_as_usual(client):
    response = client.post("/accounts/login/", data=b"x" * LIMIT, content_type="text/plain")
    assert response.status_code != 413


@pytest.fixture(scope="session")
def live_server_media_url() -> Iterator[None]:
    """As in tests/browser/conftest.py: the live server's media handler cannot parse the unset
    MEDIA_URL; give it a prefix no page links to, for the whole session."""
    with override_settings(MEDIA_URL="/uploads-are-not-served-here/"):
        yield


@pytest.fixture(scope="session")
def live_server(live_server_media_url, live_server):
    return live_server


# pytest-django makes a live-server test transactional: keep the migrated rows for later tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_live_server_answers_413_before_the_body_arrives(live_server):
    """The request declares 50 MB and sends 1 KB: the answer comes at once (before the fix the
    CSRF check began reading the body to find its token, writing the file part to a temporary
    file as it came, and waited for the rest)."""
    host, port = re.match(r"http://([^:]+):(\d+)", live_server.url).groups()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"POST /me/privacy/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Cookie: csrftoken=abcdefghijklmnopqrstuvwxyz012345\r\n"
            + f"Content-Length: {50 * 1024 * 1024}\r\n\r\n".encode()
            + b"--x\r\n"
            + b"0" * 1024
        )
        connection.settimeout(10)
        head = connection.recv(4096)
    assert head.startswith(b"HTTP/1.1 413"), head[:200]


def test_nginx_in_docker_compose_caps_bodies_at_the_same_size():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    nginx = compose["configs"]["nginx"]["content"]
    assert re.search(r"client_max_body_size\s+12m;", nginx)
