"""Personal data rights: downloading everything held about oneself as one
ZIP archive, and closing one's account while the records the law requires are kept."""

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import api_token_create
from audit.models import AuditEvent
from certification import services
from certification.models import Application, Certification, Renewal
from core.errors import DomainError
from documents.models import Document
from documents.services import document_view_record
from notifications.models import EmailLog
from privacy.services import account_close, personal_data_export
from tests.cast import CAST_PASSWORD
from tests.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    CeCreditFactory,
    CertificationFactory,
    ExamAttemptFactory,
    ProviderFactory,
    SpecializationFactory,
    county,
)
from tests.portal.conftest import (
    client_for,
    complete_application,
    rendered_certificate,
    start_application,
)
from training.services import training_record_add

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("portal:privacy_download")
EXPORT_FILE = reverse("portal:privacy_export_file")
CLOSE = reverse("portal:privacy_close")


def marked_pdf(mark: str, name: str = "scan.pdf") -> SimpleUploadedFile:
    """A valid PDF whose bytes name `mark`, so each file in an archive can be told apart."""
    body = MINIMAL_PDF.replace(b"%PDF-1.4\n", f"%PDF-1.4\n%{mark}\n".encode(), 1)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def stored_bytes(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def read_archive(handle) -> tuple[zipfile.ZipFile, dict]:
    archive = zipfile.ZipFile(handle)
    return archive, json.loads(archive.read("personal-data.json"))


@pytest.fixture
def history(cast, ethics, opted_in):
    """The applicant's records in every table the export covers, and another person's."""
    applicant = cast.applicant
    application = start_application(applicant)
    services.application_sign_ethics(
        actor=applicant, application=application, ethics_version=ethics
    )
    services.application_update(
        actor=applicant,
        application=application,
        fields={"attest_share_experience": True, "attest_recovery": True},
    )
    for kind, mark in (("photo_id", "ana-id-1"), ("photo_id", "ana-id-2"), ("diploma", "ana-dip")):
        services.document_upload(
            owner=applicant,
            kind=kind,
            uploaded_file=marked_pdf(mark, f"{mark}.pdf"),
            application=application,
        )
    services.application_submit(actor=applicant, application=application)
    certificate = services.document_upload(
        owner=applicant, kind="training_certificate", uploaded_file=marked_pdf("ana-training")
    )
    training_record_add(
        person=applicant,
        provider=ProviderFactory(name="Peer Academy"),
        course="core_80",
        hours=80,
        completed_on=datetime.date(2024, 5, 1),
        certificate=certificate,
    )
    # An earlier application, certified (one open application at a time).
    approved = ApplicationFactory(
        applicant=applicant,
        county=county("fresno"),
        status="certified",
        approved_on=datetime.date(2025, 1, 2),
        window_ends_on=datetime.date(2026, 1, 1),
    )
    ExamAttemptFactory(application=approved, result="passed", scaled_score=530)
    certification = CertificationFactory(holder=applicant, number="PSS-0000777")
    SpecializationFactory(certification=certification, code="crisis")
    Renewal.objects.create(
        certification=certification,
        cycle_start=datetime.date(2023, 1, 1),
        cycle_end=datetime.date(2024, 12, 31),
        ce_total_hours=20,
        ce_law_and_ethics_hours=6,
        ethics_version=ethics,
        ethics_affirmed_at=timezone.now(),
        previous_expires_on=datetime.date(2024, 12, 31),
        new_expires_on=datetime.date(2026, 12, 31),
    )
    CeCreditFactory(certification=certification, title="Ethics in peer work")
    rendered_certificate(certification)
    photo = Document.objects.get(application=application, kind="photo_id", removed_at=None)
    document_view_record(viewer=applicant, document=photo, via="portal")
    document_view_record(viewer=cast.reviewer, document=photo, via="workspace", county=cast.county)
    for user, subject in (
        (applicant, "Your application was received"),
        (cast.other_applicant, "Hi Ben"),
    ):
        EmailLog.objects.create(
            idempotency_key=f"key-{user.pk}",
            user=user,
            to=user.email,
            kind="application_submitted",
            subject=subject,
            status="sent",
        )
    other = start_application(cast.other_applicant, "fresno")
    other_document = services.document_upload(
        owner=cast.other_applicant,
        kind="photo_id",
        uploaded_file=marked_pdf("ben-id"),
        application=other,
    )
    return {
        "application": application,
        "approved": approved,
        "certification": certification,
        "other_document": other_document,
    }


def test_the_archive_holds_the_persons_rows_and_exactly_their_files(cast, history):
    applicant = cast.applicant

    with personal_data_export(user=applicant) as handle:
        archive, data = read_archive(handle)

        documents = Document.objects.filter(owner=applicant).order_by("pk")
        assert documents.count() == 4  # two photo IDs (one superseded), diploma, training proof
        files = {n: archive.read(n) for n in archive.namelist() if n.startswith("documents/")}
        assert files == {f"documents/{d.pk}-{d.kind}.pdf": stored_bytes(d) for d in documents}
        assert [n for n in archive.namelist() if n.startswith("certificates/")] == [
            f"certificates/{history['certification'].certificate_files.get().pk}-wall.pdf"
        ]
        everything = b"".join(archive.read(n) for n in archive.namelist())
    assert stored_bytes(history["other_document"]) not in everything
    assert b"ben-id" not in everything and b"Okafor" not in everything
    assert b"reviewer@cast.test" not in everything  # staff are named by role, not identity

    assert data["account"]["email"] == applicant.email
    assert data["account"]["email_addresses"] == [
        {"email": applicant.email, "verified": True, "primary": True}
    ]
    assert (data["profile"]["legal_first_name"], data["profile"]["legal_last_name"]) == (
        "Ana",
        "Reyes",
    )
    application, approved = data["applications"]
    assert (application["id"], application["status"], application["county"]) == (
        history["application"].pk,
        "submitted",
        "Alameda",
    )
    assert [row["status"] for row in application["field_history"]][0] == "draft"
    assert application["field_history"][-1]["status"] == "submitted"
    assert [e["action"] for e in application["audit_trail"]] == [
        "application_create",
        "application_sign_ethics",
        "application_update",
        "application_submit",
    ]
    assert application["audit_trail"][-1]["by"] == {"role": "you"}
    assert approved["id"] == history["approved"].pk
    assert {d["id"] for d in data["documents"]} == set(documents.values_list("pk", flat=True))
    assert sum(d["removed_at"] is not None for d in data["documents"]) == 1
    assert all(d["file_missing"] is False for d in data["documents"])
    assert [(t["provider"], t["hours"]) for t in data["training_records"]] == [
        ("Peer Academy", "80.00")
    ]
    assert [
        (e["application_id"], e["result"], e["scaled_score"]) for e in data["exam_attempts"]
    ] == [(history["approved"].pk, "passed", 530)]
    (certification,) = data["certifications"]
    assert certification["number"] == "PSS-0000777"
    assert [s["code"] for s in certification["specializations"]] == ["crisis"]
    assert [r["new_expires_on"] for r in certification["renewals"]] == ["2026-12-31"]
    assert [c["title"] for c in data["ce_credits"]] == ["Ethics in peer work"]
    assert [e["subject"] for e in data["emails"]] == ["Your application was received"]
    assert [(v["by"], v["via"], v["county"]) for v in data["document_views"]] == [
        ({"role": "you"}, "portal", None),
        ({"role": "county_staff", "counties": ["Alameda"]}, "workspace", "Alameda"),
    ]
    assert {e["action"] for e in data["audit_events"]} >= {
        "application_submit",
        "document_upload",
        "training_record_add",
    }
    assert "README.txt" in archive.namelist()


def test_the_export_is_audited_and_a_missing_file_is_marked(cast, history):
    photo = Document.objects.get(application=history["application"], kind="diploma")
    photo.file.storage.delete(photo.file.name)

    with personal_data_export(user=cast.applicant) as handle:
        archive, data = read_archive(handle)
        names = archive.namelist()

    entry = next(d for d in data["documents"] if d["id"] == photo.pk)
    assert entry["file_missing"] is True and entry["file_in_archive"] not in names
    event = AuditEvent.objects.get(verb="personal_data_export")
    assert (event.actor, event.subject, event.data) == (
        cast.applicant,
        cast.applicant,
        {"files": 4, "missing_files": 1},
    )


def _export_through_the_page(client, django_capture_on_commit_callbacks):
    """Ask for the export on the privacy page and run the task it queued here (the real
    worker runs it in `test_the_export_is_built_by_a_real_worker`)."""
    from jobs.models import OutboxMessage
    from privacy.services import personal_data_export_build

    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    response = client.post(DOWNLOAD)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:privacy") + "#download"
    (queued,) = OutboxMessage.objects.exclude(pk__in=before).filter(
        task_name="privacy.tasks.personal_data_export_build"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert personal_data_export_build(**queued.kwargs) == "ready"
    return client.get(EXPORT_FILE)


def test_the_export_is_built_in_the_background_and_downloaded_once_ready(
    cast, history, django_capture_on_commit_callbacks
):
    from jobs.models import OutboxMessage

    client = client_for(cast.applicant)
    assert client.get(EXPORT_FILE).status_code == 404  # nothing asked for yet
    response = client.post(DOWNLOAD)
    # Nothing is built in the request: the task is queued, the page shows the progress.
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(verb="personal_data_export").exists()
    page = client.get(reverse("portal:privacy"))
    assert b"Your file is being prepared" in page.content
    assert b"data-reload-while-pending" in page.content
    assert client.get(EXPORT_FILE).status_code == 404
    # A second click while it is queued queues nothing more.
    client.post(DOWNLOAD)
    tasks = OutboxMessage.objects.filter(task_name="privacy.tasks.personal_data_export_build")
    assert tasks.count() == 1

    from privacy.services import personal_data_export_build

    with django_capture_on_commit_callbacks(execute=True):
        assert personal_data_export_build(**tasks.get().kwargs) == "ready"
        assert personal_data_export_build(**tasks.get().kwargs) == "ready"  # twice: no-op
    assert AuditEvent.objects.filter(verb="personal_data_export").count() == 1
    emails = OutboxMessage.objects.filter(
        task_name="notifications.tasks.email_send", kwargs__kind="personal_data_export_ready"
    )
    assert [m.kwargs["user_id"] for m in emails] == [cast.applicant.pk]
    page = client.get(reverse("portal:privacy"))
    assert b"Download my data (ZIP" in page.content
    assert b"data-reload-while-pending" not in page.content

    response = client.get(EXPORT_FILE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="my-data-{timezone.localdate().isoformat()}.zip"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    _archive, data = read_archive(io.BytesIO(b"".join(response.streaming_content)))
    assert data["account"]["email"] == cast.applicant.email
    # Someone else finds no file of theirs, and never the applicant's.
    assert client_for(cast.other_applicant).get(EXPORT_FILE).status_code == 404


def test_another_person_downloads_only_their_own_data(
    cast, history, django_capture_on_commit_callbacks
):
    response = _export_through_the_page(
        client_for(cast.other_applicant), django_capture_on_commit_callbacks
    )

    archive, data = read_archive(io.BytesIO(b"".join(response.streaming_content)))
    other = history["other_document"]
    assert [d["id"] for d in data["documents"]] == [other.pk]
    assert {n for n in archive.namelist() if n.startswith("documents/")} == {
        f"documents/{other.pk}-photo_id.pdf"
    }
    assert data["certifications"] == [] and data["exam_attempts"] == []
    assert b"Reyes" not in b"".join(archive.read(n) for n in archive.namelist())


def test_stored_exports_are_deleted_after_seven_days(
    cast, history, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from privacy.services import personal_data_exports_purge

    client = client_for(cast.applicant)
    assert _export_through_the_page(client, django_capture_on_commit_callbacks).status_code == 200
    (name,) = default_storage.listdir("exports")[1]
    assert personal_data_exports_purge() == 0
    assert personal_data_exports_purge(now=timezone.now() + datetime.timedelta(days=8)) == 1
    assert default_storage.listdir("exports")[1] == []
    assert client.get(EXPORT_FILE).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_exported(cast, history):
    client = client_for(cast.anonymous)
    for url in (reverse("portal:privacy"), CLOSE):
        assert client.get(url)["Location"].startswith(reverse("account_login"))
    assert client.post(DOWNLOAD)["Location"].startswith(reverse("account_login"))
    assert client_for(cast.applicant).get(DOWNLOAD).status_code == 405
    assert not AuditEvent.objects.filter(verb="personal_data_export").exists()


def test_the_page_says_what_is_kept_and_why(cast, history):
    html = client_for(cast.applicant).get(reverse("portal:privacy")).content.decode()

    assert "What we keep, and why" in html
    assert "stay in the public registry" in html
    assert "section 14045.14" in html
    assert f'action="{DOWNLOAD}"' in html and f'href="{CLOSE}"' in html


@pytest.fixture
def closable(cast, ethics, opted_in):
    """A submitted application in Fresno (the one open application a person may hold), an
    active certification, an API key, and the applicant signed in on a second browser."""
    submitted = complete_application(cast.applicant, ethics, code="fresno")
    services.application_submit(actor=cast.applicant, application=submitted)
    certification = CertificationFactory(holder=cast.applicant, number="PSS-0000888")
    token, _key = api_token_create(user=cast.applicant, days=30, name="laptop")
    return {
        "submitted": submitted,
        "certification": certification,
        "token": token,
        "other_browser": client_for(cast.applicant),
    }


def _close(client, **overrides):
    data = {"understand": "on", "password": CAST_PASSWORD, "reason": "Moving away", **overrides}
    return client.post(CLOSE, data)


def test_closing_withdraws_deactivates_and_keeps_every_record(cast, closable):
    documents_before = list(Document.objects.order_by("pk").values_list("pk", "removed_at"))
    client = client_for(cast.applicant)

    response = _close(client)

    assert response.status_code == 200
    assert "Your account is closed" in response.content.decode()
    assert "PSS-0000888" in response.content.decode()
    user = User.objects.get(pk=cast.applicant.pk)
    assert user.is_active is False
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        (user.email, False)
    ]
    assert ApiToken.objects.get(pk=closable["token"].pk).revoked_at is not None
    assert ApiToken.objects.usable().filter(user=user).count() == 0
    statuses = dict(Application.objects.filter(applicant=user).values_list("pk", "status"))
    assert statuses == {closable["submitted"].pk: "withdrawn"}
    withdrawals = AuditEvent.objects.filter(verb="application_withdraw", actor=user)
    assert {e.reason for e in withdrawals} == {"Account closed by the applicant. Moving away"}
    # Every record is kept: documents, certification (still public), the audit trail.
    assert list(Document.objects.order_by("pk").values_list("pk", "removed_at")) == (
        documents_before
    )
    assert Certification.objects.get(number="PSS-0000888").status == "active"
    assert client_for(cast.anonymous).get("/verify/PSS-0000888").status_code == 200
    event = AuditEvent.objects.get(verb="account_close")
    assert (event.actor, event.subject, event.reason, event.to_state) == (
        user,
        user,
        "Moving away",
        "closed",
    )
    assert event.data["withdrawn_applications"] == sorted(statuses)
    assert event.data["certifications_kept"] == ["PSS-0000888"]
    assert event.data["api_keys_revoked"] == 1


def test_after_closing_the_person_cannot_sign_in_and_other_sessions_end(cast, closable):
    client = client_for(cast.applicant)
    _close(client)

    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:home"))["Location"].startswith(reverse("account_login"))
    other_browser = closable["other_browser"]
    assert other_browser.get(reverse("portal:home"))["Location"].startswith(
        reverse("account_login")
    )
    signing_in = client_for(cast.anonymous)
    signing_in.post(
        reverse("account_login"), {"login": cast.applicant.email, "password": CAST_PASSWORD}
    )
    assert "_auth_user_id" not in signing_in.session
    assert signing_in.get(reverse("portal:home")).status_code == 302


def _unchanged(cast) -> tuple:
    user = User.objects.get(pk=cast.applicant.pk)
    return (
        user.is_active,
        list(Application.objects.order_by("pk").values_list("pk", "status", "version")),
        list(EmailAddress.objects.order_by("pk").values_list("pk", "verified")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password": "not-my-password"}, "password", "That is not your password."),
        ({"password": ""}, "password", "Enter your password to confirm it is you."),
        ({"understand": ""}, "understand", "Check the box to confirm that you want to close it."),
        ({"reason": "x" * 2001}, "reason", "Ensure this value has at most 2000 characters"),
    ],
)
def test_closing_is_refused_without_confirmation_and_nothing_changes(
    overrides, field, message, cast, closable
):
    before = _unchanged(cast)
    client = client_for(cast.applicant)

    response = _close(client, **overrides)

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assert f'id="id_{field}_error"' in response.content.decode()
    assert _unchanged(cast) == before
    assert client.get(reverse("portal:home")).status_code == 200


def test_password_attempts_are_limited(cast, closable):
    client = client_for(cast.applicant)
    for _attempt in range(10):
        _close(client, password="guess")
    before = _unchanged(cast)

    response = _close(client)

    assert response.context["form"].errors["password"] == [
        "Too many attempts. Wait a minute, then enter your password again."
    ]
    assert _unchanged(cast) == before


@pytest.mark.parametrize("member", ["reviewer", "admin", "state"])
def test_staff_accounts_are_not_closed_here(member, cast, closable):
    staff = getattr(cast, member)
    before = User.objects.get(pk=staff.pk).is_active, AuditEvent.objects.count()
    client = client_for(staff)

    page = client.get(CLOSE).content.decode()
    response = client.post(CLOSE, {"understand": "on", "password": CAST_PASSWORD})

    assert "Staff accounts are closed by the program" in page
    assert 'name="password"' not in response.content.decode()
    assert (User.objects.get(pk=staff.pk).is_active, AuditEvent.objects.count()) == before
    with pytest.raises(DomainError):
        account_close(user=staff)


def test_the_close_page_lists_what_will_happen(cast, closable):
    html = client_for(cast.applicant).get(CLOSE).content.decode()

    assert f"Application {closable['submitted'].pk} to Fresno (Submitted)" in html
    assert "Your certification PSS-0000888 (Active) stays in the public registry" in html
    assert 'data-confirm="Close your account now? You will not be able to sign in again."' in html


def test_the_service_refuses_twice_and_anonymous(cast, closable):
    account_close(user=cast.applicant)
    count = AuditEvent.objects.count()

    with pytest.raises(DomainError, match="already closed"):
        account_close(user=User.objects.get(pk=cast.applicant.pk))
    with pytest.raises(PermissionDenied):
        account_close(user=cast.anonymous)
    with pytest.raises(PermissionDenied):
        personal_data_export(user=User.objects.get(pk=cast.applicant.pk))
    assert AuditEvent.objects.count() == count


def test_a_large_document_is_copied_whole(cast, opted_in):
    body = b"%PDF-1.4\n" + hashlib.sha256(b"seed").digest() * (9 * 1024 * 1024 // 32) + b"%%EOF\n"
    document = services.document_upload(
        owner=cast.applicant,
        kind="other",
        uploaded_file=SimpleUploadedFile("big.pdf", body, content_type="application/pdf"),
    )

    with personal_data_export(user=cast.applicant) as handle:
        assert handle.fileno() >= 0  # a real temporary file on disk, not a buffer in memory
        archive, _data = read_archive(handle)
        assert archive.read(f"documents/{document.pk}-other.pdf") == body
