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
import zipfile
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
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


def personal_data_export(*, user: User) -> IO[bytes]:
    """The ZIP archive of everything held about `user` (module docstring), as an anonymous
    temporary file positioned at its start. The caller closes it (FileResponse does), which
    frees the disk space. Writes one audit event. PermissionDenied for anyone not signed in
    and active."""
    data, files = personal_data(user)
    missing = set()
    # Returned open, for the caller to stream and close: not a `with` block.
    handle = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115
    try:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for row, name in files:
                if not _copy_into(archive, row.file, name):
                    missing.add(name)
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
