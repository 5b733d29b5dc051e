"""Personal data rights: a person downloads everything the product holds about them, and closes
their account.

What the archive holds (`personal_data_export`): one ZIP file with `personal-data.json` (the
account, the applicant profile, applications with their field history and audit trail,
documents' metadata, training records, exam attempts, certifications with specializations,
renewals and CE audits, CE credits, the audit events about the person, the emails sent to
them and who opened their documents; read by `privacy.selectors.personal_data`), a short
`README.txt`, and every file they uploaded (`documents/`) and every certificate rendered for
them (`certificates/`), byte for byte.

The archive is written to an anonymous temporary file, one file at a time in chunks, so memory
stays constant whatever the size of the documents; the caller streams it and closing it frees
the disk space.

What closing keeps (`account_close`): the law requires the program to keep certification
records, applications, documents and the audit trail (docs/domain.md; W&I §14045.14 reporting,
CE records kept 2 years), so nothing is deleted. Closing withdraws every open application
through `application_withdraw`, deactivates the account (it can no longer sign in, and every
session stops working at its next request because the authentication backends refuse
inactive accounts), marks its email addresses unverified, revokes its API keys and writes an
audit event. An issued certification stays in the public registry with its status: it is a
public fact, not account data. Staff accounts are closed by the program, not here.
"""

import datetime
import json
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import ApiToken, User
from accounts.services import api_tokens_revoke_all
from audit.services import audit_record
from certification import services
from certification.models import OPEN_APPLICATION_STATUSES, Certification
from certification.selectors import applications_for
from core.errors import DomainError
from core.rls import rls_context
from jobs.services import enqueue
from notifications.services import notify
from privacy.selectors import CHUNK_BYTES, DATA_FILE, README_FILE, personal_data


def _readme() -> str:
    return "\n\n".join(
        [
            _("Your data from the California peer support specialist certification program."),
            _(
                "%(data_file)s holds everything the program keeps about you: your account, "
                "your details, your applications with their history, your documents' "
                "details, training, exams, certifications, continuing education, the record "
                "of actions about you, the emails we sent you and who opened your documents."
            )
            % {"data_file": DATA_FILE},
            _(
                "The folder documents/ holds every file you uploaded, including removed ones; "
                "certificates/ holds your certificates. A file that could not be found is "
                "marked file_missing in %(data_file)s."
            )
            % {"data_file": DATA_FILE},
        ]
    )


def _copy_into(archive: zipfile.ZipFile, stored_file: Any, name: str) -> bool:
    """Copy a stored file into the archive in chunks (no compression: PDF, JPEG and PNG are
    compressed already). False when the file is missing from storage."""
    try:
        source = stored_file.open("rb")
    except (FileNotFoundError, ValueError):
        return False
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with source, archive.open(info, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, CHUNK_BYTES)
    return True


def personal_data_export(
    *, user: User, progress: Callable[[int, int], None] | None = None
) -> IO[bytes]:
    """The ZIP archive of everything held about `user` (module docstring), as an anonymous
    temporary file positioned at its start. The caller closes it (FileResponse does), which
    frees the disk space. Writes one audit event. PermissionDenied for anyone not signed in
    and active. `progress(done, total)` is called as files are copied."""
    data, files = personal_data(user)
    missing = set()
    # Returned open, for the caller to stream and close: not a `with` block.
    handle = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115
    try:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, (row, name) in enumerate(files, start=1):
                if not _copy_into(archive, row.file, name):
                    missing.add(name)
                if progress is not None:
                    progress(done, len(files))
            for entry in (*data["documents"], *data["certificate_files"]):
                entry["file_missing"] = entry["file_in_archive"] in missing
            archive.writestr(
                DATA_FILE, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            )
            archive.writestr(README_FILE, _readme())
    except BaseException:
        handle.close()
        raise
    audit_record(
        actor=user,
        verb="personal_data_export",
        obj=user,
        subject=user,
        data={"files": len(files) - len(missing), "missing_files": len(missing)},
    )
    handle.seek(0)
    return handle


# The data export in the background (issue 18, item 7): asked for on the privacy page, built
# by a worker (`privacy.tasks`), stored for `settings.PERSONAL_DATA_EXPORT_KEEP_DAYS` under a
# random name, announced by email and downloaded from the key-less
# `portal:privacy_export_file` by its owner only. Its state (queued, building with files done
# of total, ready, failed) lives in the cache, one per person: there is nothing to keep once
# the file is gone.
EXPORT_TASK = "privacy.tasks.personal_data_export_build"
EXPORT_STALE_SECONDS = 30 * 60  # a build not heard of for this long may be asked for again
EXPORT_FOLDER = "exports"
QUEUED, BUILDING, READY, FAILED = "queued", "building", "ready", "failed"


def _export_key(user_id: int) -> str:
    return f"privacy:export:{user_id}"


def _export_save(user_id: int, state: dict[str, Any]) -> None:
    state["updated_at"] = timezone.now().isoformat()
    keep = settings.PERSONAL_DATA_EXPORT_KEEP_DAYS * 24 * 3600
    cache.set(_export_key(user_id), state, timeout=keep)


def personal_data_export_state(user: User) -> dict[str, Any] | None:
    """The person's latest export: {"id", "status", "done", "total", "size", "expires_at",
    ...}, or None."""
    if user is None or not user.is_authenticated:
        return None
    state = cache.get(_export_key(user.pk))
    return state if isinstance(state, dict) else None


def personal_data_export_request(*, user: User) -> dict[str, Any]:
    """Queue a new export of `user`'s data, unless one is already queued or being built (a
    double click, a second tab): then that one is returned. Call inside the request's
    transaction (the task is queued when it commits)."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    current = personal_data_export_state(user)
    if current is not None and current["status"] in (QUEUED, BUILDING):
        updated = datetime.datetime.fromisoformat(current["updated_at"])
        if (timezone.now() - updated).total_seconds() < EXPORT_STALE_SECONDS:
            return current
    state: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "status": QUEUED,
        "done": 0,
        "total": 0,
        "requested_at": timezone.now().isoformat(),
        # The file of the previous export stays downloadable until this one is ready.
        "previous": current if current is not None and current["status"] == READY else None,
    }
    _export_save(user.pk, state)
    enqueue(EXPORT_TASK, user_id=user.pk, export_id=state["id"])
    return state


def personal_data_export_build(*, user_id: int, export_id: str) -> str:
    """Build export `export_id` of user `user_id` (the task): the archive, read acting for
    the person (the wall shows the worker only their rows), progress recorded as files are
    copied, then stored under a random name and announced by email. Safe to run twice: an
    export already ready, replaced by a newer request or unknown is left alone. Returns the
    status reached."""
    key_state = cache.get(_export_key(user_id))
    if not isinstance(key_state, dict) or key_state.get("id") != export_id:
        return "unknown"
    if key_state["status"] == READY:
        return READY
    state: dict[str, Any] = key_state
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        state["status"] = FAILED
        _export_save(user_id, state)
        return FAILED
    state["status"] = BUILDING
    _export_save(user_id, state)

    def progress(done: int, total: int) -> None:
        if done == total or done % 5 == 0:
            state.update(done=done, total=total)
            _export_save(user_id, state)

    with rls_context(user):
        handle = personal_data_export(user=user, progress=progress)
    try:
        name = default_storage.save(f"{EXPORT_FOLDER}/{uuid.uuid4().hex}.zip", File(handle))
        size = default_storage.size(name)
    finally:
        handle.close()
    if cache.get(_export_key(user_id), {}).get("id") != export_id:
        default_storage.delete(name)  # a newer request replaced this one meanwhile
        return "replaced"
    previous = state.pop("previous", None)
    if previous and previous.get("file"):
        default_storage.delete(previous["file"])
    expires_at = timezone.now() + datetime.timedelta(days=settings.PERSONAL_DATA_EXPORT_KEEP_DAYS)
    state.update(
        status=READY, file=name, size=size, expires_at=expires_at.isoformat(),
        finished_at=timezone.now().isoformat(),
    )  # fmt: skip
    _export_save(user_id, state)
    with transaction.atomic(), rls_context(system=True, savepoint=False):
        notify(
            user=user,
            kind="personal_data_export_ready",
            context={"expires_on": timezone.localdate(expires_at).isoformat()},
        )
    return READY


def personal_data_export_file(user: User) -> tuple[IO[bytes], dict[str, Any]] | None:
    """The person's ready export, opened, with its state; None when there is none (never
    another person's: the state is found by the asker's own id)."""
    state = personal_data_export_state(user)
    if state is None:
        return None
    ready = state if state["status"] == READY else state.get("previous")
    if not ready or not ready.get("file"):
        return None
    if datetime.datetime.fromisoformat(ready["expires_at"]) < timezone.now():
        return None
    try:
        return default_storage.open(ready["file"], "rb"), ready
    except FileNotFoundError:
        return None


def personal_data_exports_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete stored exports older than PERSONAL_DATA_EXPORT_KEEP_DAYS (daily, `privacy.tasks`).
    Returns the number deleted."""
    keep = datetime.timedelta(days=settings.PERSONAL_DATA_EXPORT_KEEP_DAYS)
    cutoff = (now or timezone.now()) - keep
    try:
        _folders, names = default_storage.listdir(EXPORT_FOLDER)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{EXPORT_FOLDER}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted


def account_close_problems(user: User) -> list[str]:
    """Why `user` cannot close their account here (empty when they can): staff accounts are
    managed by their county or the state program, not closed by their holder."""
    if roles.is_program_staff(user) or user.is_staff:
        return [
            _(
                "Staff accounts are closed by the program: ask a county administrator to "
                "remove your county roles, or the state program for state staff accounts."
            )
        ]
    return []


def account_close(*, user: User, reason: str = "") -> User:
    """Close `user`'s own account (module docstring): withdraw every open application through
    `application_withdraw`, deactivate the account, make its email addresses unverified,
    revoke its API keys and write the audit event `account_close`. Keeps every application,
    document, certification and audit record. DomainError for a staff account or an account
    already closed; PermissionDenied when not signed in."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    problems = account_close_problems(user)
    if problems:
        raise DomainError(" ".join(problems), code="conflict")
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise DomainError(_("This account is already closed."), code="conflict")
        withdrawn = []
        open_applications = applications_for(user).filter(
            applicant=user, status__in=OPEN_APPLICATION_STATUSES
        )
        for application in open_applications.order_by("pk"):
            services.application_withdraw(
                actor=user,
                application=application,
                reason=_("Account closed by the applicant.") + (f" {reason}" if reason else ""),
            )
            withdrawn.append(application.pk)
        kept = list(Certification.objects.filter(holder=user).values_list("number", flat=True))
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        EmailAddress.objects.filter(user=user).update(verified=False)
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=user,
            verb="account_close",
            obj=locked,
            subject=locked,
            from_state="active",
            to_state="closed",
            reason=reason,
            data={
                "withdrawn_applications": withdrawn,
                "certifications_kept": kept,
                "api_keys_revoked": tokens,
                "closed_on": datetime.date.isoformat(timezone.localdate()),
            },
        )
    user.is_active = False
    return user


def api_keys_revoke_after_password_change(*, user: User) -> int:
    """The person's password was changed or reset: revoke every API key they hold (whoever
    learnt the old password may have minted one), audit it and tell them by email. Acts for
    the system: a reset by link happens before the person is signed in. Returns the number
    of keys revoked (no email when none)."""
    with transaction.atomic(), rls_context(system=True, savepoint=False):
        revoked = api_tokens_revoke_all(user=user)
        if revoked:
            audit_record(
                actor=user,
                verb="api_keys_revoke",
                obj=user,
                subject=user,
                reason="password changed",
                data={"count": revoked},
            )
            notify(user=user, kind="api_keys_revoked", context={"count": revoked})
    return revoked
