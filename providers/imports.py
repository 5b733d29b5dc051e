"""The provider's completions file (issue 15 item 4): read it, preview what would happen to
every row, keep it between the preview and the commit, and report the rows through
`providers.services.completions_report` (which decides everything again), in the background
for a large file (`providers.tasks`), like the exam results import (`exams.imports`).

Re-uploading a file changes nothing: each completion id is unique per provider, so rows
reported before are "unchanged". When a committed file had refused rows, the provider's staff
are emailed where to read them (`completion_upload_errors_notify`).
"""

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import DomainError
from jobs.previews import PreviewStore
from jobs.services import enqueue
from providers.models import CompletionSource, ProviderOrganisation
from providers.rules import COMPLETION_FIELDS
from providers.services import completion_upload_errors_notify, completions_report
from providers.services.completions import RowResult

COLUMNS = COMPLETION_FIELDS
# Technical limits of one upload (not policy): far above a provider's yearly roster.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
PREVIEW_TTL_SECONDS = 6 * 3600
# A file with more rows than this is committed in the background, this many rows per task.
BACKGROUND_THRESHOLD_ROWS = 200
BACKGROUND_CHUNK_ROWS = 2_000

IMPORT_TASK = "providers.tasks.completions_import_commit"
# Kept between preview and commit (jobs.previews).
_STORE = PreviewStore("providers:completions-import:", PREVIEW_TTL_SECONDS)

TEMPLATE_ROWS = (
    COLUMNS,
    (
        "HW-2026-0001",
        "12",
        "ana.reyes@example.org",
        "Ana",
        "Reyes",
        "1985-04-12",
        "80",
        "2026-03-14",
    ),
    (
        "HW-2026-0002",
        "12",
        "ben.okafor@example.org",
        "Ben",
        "Okafor",
        "04/30/1979",
        "80",
        "03/14/2026",
    ),
)


class RowOutcome(models.TextChoices):
    """What happens (preview) or happened (commit) to a row."""

    READY = "ready", gettext_lazy("Ready to report")
    CREATED = "created", gettext_lazy("Reported")
    UNCHANGED = "unchanged", gettext_lazy("Reported before: unchanged")
    REFUSED = "refused", gettext_lazy("Refused")


@dataclass
class RowPlan:
    line: int
    completion_id: str
    outcome: str
    message: str = ""
    status_label: str = ""

    @property
    def outcome_label(self) -> str:
        return str(RowOutcome(self.outcome).label)

    @property
    def is_ok(self) -> bool:
        return self.outcome in (RowOutcome.READY, RowOutcome.CREATED, RowOutcome.UNCHANGED)


class ImportFileError(DomainError):
    """The file as a whole cannot be read (not CSV, missing columns, too big)."""

    def __init__(self, message: str):
        super().__init__(message, code="invalid", field="file")


def template_csv() -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(TEMPLATE_ROWS)
    return buffer.getvalue()


@dataclass
class ParsedFile:
    """The file's rows by column name, with their line numbers (picklable for the cache)."""

    rows: list[tuple[int, dict[str, str]]]


def parse_file(data: bytes) -> ParsedFile:
    """Read a completions CSV; ImportFileError for a file that cannot be read as one."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text. Save it as CSV (UTF-8).")) from None
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV text file."))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [column for column in COLUMNS if column not in header]
        if not header:
            raise ImportFileError(_("The file is empty."))
        if missing:
            raise ImportFileError(
                _("Columns missing from the header: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(count)d rows. Split it.") % {"count": MAX_ROWS}
                )
            rows.append((reader.line_num, dict(zip(header, values, strict=False))))
    except csv.Error:
        raise ImportFileError(
            _("Line %(line)d is not valid CSV.") % {"line": reader.line_num}
        ) from None
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return ParsedFile(rows=rows)


def _plans(parsed: ParsedFile, outcomes) -> list[RowPlan]:
    plans = []
    for (line, _raw), outcome in zip(parsed.rows, outcomes, strict=True):
        result = {
            RowResult.CREATED: RowOutcome.READY,
            RowResult.UNCHANGED: RowOutcome.UNCHANGED,
            RowResult.REFUSED: RowOutcome.REFUSED,
        }[outcome.result]
        plans.append(
            RowPlan(
                line=line,
                completion_id=outcome.completion_id,
                outcome=result,
                message=outcome.message,
            )
        )
    return plans


def preview(user: User, provider: ProviderOrganisation, parsed: ParsedFile) -> list[RowPlan]:
    """What would happen to each row if the file were committed now (nothing is written)."""
    outcomes = completions_report(
        provider=provider,
        rows=[raw for _line, raw in parsed.rows],
        source=CompletionSource.UPLOAD,
        actor=user,
        dry_run=True,
    )
    return _plans(parsed, outcomes)


class ImportState(models.TextChoices):
    PREVIEWED = "previewed", gettext_lazy("Previewed")
    QUEUED = "queued", gettext_lazy("Reporting in the background")
    DONE = "done", gettext_lazy("Reported")


@dataclass
class StoredFile:
    """A previewed file and, once committed, what became of each row; bound to who uploaded
    it and for which provider. `results` holds (line, outcome, message, status label) of the
    rows tried so far, in order, so a commit in several steps never tries a row twice."""

    token: str
    user_id: int
    provider_id: int
    filename: str
    sha256: str
    parsed: ParsedFile
    result_url: str = ""
    state: str = ImportState.PREVIEWED
    results: list[tuple[int, str, str, str]] = field(default_factory=list)
    notified: bool = False

    @property
    def committed(self) -> bool:
        return self.state == ImportState.DONE

    @property
    def tried(self) -> int:
        return len(self.results)

    @property
    def total(self) -> int:
        return len(self.parsed.rows)

    def rows(self) -> list[RowPlan]:
        return [
            RowPlan(
                line=line, completion_id="", outcome=outcome, message=message, status_label=status
            )
            for line, outcome, message, status in self.results
        ]

    def summary(self) -> list[tuple[str, int]]:
        counts = Counter(outcome for _line, outcome, _m, _s in self.results)
        return [(str(label), counts[value]) for value, label in RowOutcome.choices if counts[value]]

    @property
    def refused(self) -> int:
        return sum(outcome == RowOutcome.REFUSED for _line, outcome, _m, _s in self.results)


def store_file(
    *, user: User, provider: ProviderOrganisation, filename: str, data: bytes
) -> StoredFile:
    """Parse `data` and keep it (in the cache, for PREVIEW_TTL_SECONDS) under a new token."""
    parsed = parse_file(data)
    stored = StoredFile(
        token=_STORE.new_token(),
        user_id=user.pk,
        provider_id=provider.pk,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        parsed=parsed,
    )
    _save(stored)
    return stored


def _save(stored: StoredFile) -> None:
    _STORE.save(stored.token, stored)


def _load(token: str) -> StoredFile | None:
    return _STORE.load(token, StoredFile)


def load_file(*, token: str, user: User, provider: ProviderOrganisation) -> StoredFile | None:
    """The stored file `token`, if it exists and belongs to `user` and `provider`."""
    stored = _load(token)
    if stored is None or stored.user_id != user.pk or stored.provider_id != provider.pk:
        return None
    return stored


def commit_step(
    *, user: User, provider: ProviderOrganisation, stored: StoredFile, limit: int | None = None
) -> bool:
    """Report up to `limit` (default: all) of the rows not tried yet; returns whether rows
    remain. When none do, the file is done and, if rows were refused, the provider's staff
    are told once. Safe to run twice: rows reported before come back unchanged."""
    start = stored.tried
    end = stored.total if limit is None else min(stored.total, start + limit)
    batch = stored.parsed.rows[start:end]
    outcomes = completions_report(
        provider=provider,
        rows=[raw for _line, raw in batch],
        source=CompletionSource.UPLOAD,
        actor=user,
    )
    labels: dict[str, str] = {}  # a status's label translated once, not once per row
    for (line, _raw), outcome in zip(batch, outcomes, strict=True):
        status = ""
        if outcome.completion is not None:
            code = outcome.completion.status
            if code not in labels:
                labels[code] = str(outcome.completion.get_status_display())
            status = labels[code]
        stored.results.append((line, outcome.result, outcome.message, status))
    remaining = stored.tried < stored.total
    stored.state = ImportState.QUEUED if remaining else ImportState.DONE
    if not remaining and stored.refused and not stored.notified:
        completion_upload_errors_notify(
            provider_id=provider.pk,
            upload_name=stored.filename,
            rows_total=stored.total,
            rows_refused=stored.refused,
            upload_url=stored.result_url,
        )
        stored.notified = True
    _save(stored)
    return remaining


_claim = _STORE.claim


def commit(
    *, user: User, provider: ProviderOrganisation, stored: StoredFile, result_url: str
) -> StoredFile:
    """Commit a previewed file: now for a small file, in the background (`IMPORT_TASK`) for
    a large one. A file already committed or being committed is left as it is."""
    with _claim(stored.token) as claimed:
        current = _load(stored.token)
        if not claimed or current is None or current.state != ImportState.PREVIEWED:
            return current or stored
        current.result_url = result_url
        if current.total > BACKGROUND_THRESHOLD_ROWS:
            current.state = ImportState.QUEUED
            _save(current)
            enqueue(IMPORT_TASK, token=current.token, user_id=user.pk, provider_id=provider.pk)
            return current
        commit_step(user=user, provider=provider, stored=current)
        return current


def commit_in_background(*, token: str, user_id: int, provider_id: int) -> int:
    """One background step: report the next chunk and queue the next step when rows remain.
    Returns the rows tried so far (0 when there is nothing to do)."""
    stored = _load(token)
    if stored is None or stored.user_id != user_id or stored.provider_id != provider_id:
        return 0
    with _claim(token) as claimed:
        stored = _load(token) if claimed else None
        if stored is None or stored.committed:
            return 0
        try:
            remaining = commit_step(
                user=User.objects.get(pk=user_id),
                provider=ProviderOrganisation.objects.get(pk=provider_id),
                stored=stored,
                limit=BACKGROUND_CHUNK_ROWS,
            )
        except PermissionDenied:
            # The uploader left the provider's staff meanwhile: the rest is not reported.
            stored.state = ImportState.DONE
            _save(stored)
            return stored.tried
    if remaining:
        enqueue(IMPORT_TASK, token=token, user_id=user_id, provider_id=provider_id)
    return stored.tried
