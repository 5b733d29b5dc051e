"""Builders for the certification service tests: applications and certifications in a given
state, made with the factories (no services), and a reader of the queued follow-ups."""

import datetime
import io
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone
from PIL import Image

from accounts.models import User
from audit.models import AuditEvent
from certification.models import Application, Certification
from jobs.models import OutboxMessage
from tests.factories import (
    ApplicationFactory,
    CertificationFactory,
    DocumentFactory,
    EthicsVersionFactory,
    ExamAttemptFactory,
    ProfileFactory,
    TrainingRecordFactory,
    UserFactory,
    county,
)


def today() -> datetime.date:
    return timezone.localdate()


def applicant_with_profile(**profile: Any) -> User:
    user = UserFactory()
    ProfileFactory(user=user, **profile)
    return user


def draft_application(applicant: User | None = None, **fields: Any) -> Application:
    """A draft that satisfies every submission rule: profile, ethics, attestations and a
    pending photo ID and diploma."""
    applicant = applicant or applicant_with_profile()
    fields.setdefault("county", county("alameda"))
    fields.setdefault("ethics_version", EthicsVersionFactory())
    application = ApplicationFactory(applicant=applicant, **fields)
    for kind in ("photo_id", "diploma"):
        DocumentFactory(owner=applicant, application=application, kind=kind)
    return application


def application_in(status: str, applicant: User | None = None, **fields: Any) -> Application:
    """A complete application in `status` (documents pending; an approved one gets its
    window, see `approved_application`)."""
    if status == "approved" and "approved_on" not in fields:
        return approved_application(applicant, **fields)
    application = draft_application(applicant, status=status, **fields)
    if status != "draft":
        application.submitted_at = timezone.now()
        application.save(update_fields=["submitted_at"])
    return application


def verify_documents(application: Application) -> None:
    application.documents.update(review_status="verified")


def verified_core_training(applicant: User, **fields: Any):
    """A verified 80-hour core course of `applicant` (completed 2024-03-01 unless told), as
    the county verifies it before the candidate may sit the exam."""
    fields.setdefault("status", "verified")
    return TrainingRecordFactory(person=applicant, **fields)


def approved_application(
    applicant: User | None = None,
    approved_on: datetime.date | None = None,
    *,
    trained: bool = False,
    **fields: Any,
) -> Application:
    """An approved application with its window and documents verified; `trained`: with the
    applicant's core training verified too, so exam attempts can be recorded."""
    from certification.rules import approval_window_end

    approved_on = approved_on or today() - datetime.timedelta(days=30)
    application = application_in(
        "approved",
        applicant,
        approved_on=approved_on,
        window_ends_on=approval_window_end(approved_on),
        **fields,
    )
    verify_documents(application)
    if trained:
        verified_core_training(application.applicant)
    return application


def issuable_application(applicant: User | None = None, **fields: Any) -> Application:
    """Approved, with a passed exam and 80 verified core training hours."""
    application = approved_application(applicant, trained=True, **fields)
    ExamAttemptFactory(application=application, taken_on=today() - datetime.timedelta(days=5))
    return application


def certification_in(status: str = "active", **fields: Any) -> Certification:
    holder = fields.pop("holder", None) or applicant_with_profile()
    return CertificationFactory(holder=holder, status=status, **fields)


def audit_events(obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk).order_by(
            "id"
        )
    )


def last_event(obj) -> AuditEvent:
    events = audit_events(obj)
    assert events, f"no audit event for {obj!r}"
    return events[-1]


@contextmanager
def follow_ups() -> Iterator[list[tuple[str, dict]]]:
    """The background tasks (emails, certificate renders) queued in the block, read from the
    transactional outbox as (task name, kwargs) in order. A refused service queues none."""
    start = OutboxMessage.objects.aggregate(last=Max("id"))["last"] or 0
    sent: list[tuple[str, dict]] = []
    yield sent
    sent.extend(
        OutboxMessage.objects.filter(id__gt=start).order_by("id").values_list("task_name", "kwargs")
    )


def emails(sent: list[tuple[str, dict]]) -> list[tuple[str, int, dict]]:
    """The emails among `sent` tasks, as (kind, user id, context)."""
    return [
        (kwargs["kind"], kwargs["user_id"], kwargs["context"])
        for name, kwargs in sent
        if name == "notifications.tasks.email_send"
    ]


def renders(sent: list[tuple[str, dict]]) -> list[int]:
    return [
        kwargs["certification_id"]
        for name, kwargs in sent
        if name == "certification.tasks.certificate_render"
    ]


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    """A small real image in `fmt` (PNG or JPEG)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` pixels, with a tiny data chunk: what a
    decompression bomb looks like before it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(content: bytes, name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
