"""The testing vendor's results file: parse it, say what would happen to every row, keep it
between the preview and the commit, and apply the valid rows through the exam service.

Nothing here decides eligibility on its own: the preview asks `exams.rules` (the same rule the
service applies), and the commit records each valid row through
`exams.services.exam_attempt_record(..., source="import")`, which checks everything again under
a lock. Because a vendor reference is unique per source within a county, importing the same
file twice records nothing the second time; another county's references are never looked at
(a refusal would tell which references that county holds). A large file is committed in the
background (`exams.tasks`).

The candidates are the county's applications, reached through its reverse relation: they
belong to the `certification` app above this one, which is never imported here.
"""

import csv
import datetime
import hashlib
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import DomainError
from counties.models import County, ProgramPolicy
from counties.selectors import REVIEW_ROLES, staff_role
from exams import rules as exam_rules
from exams.authorization import exam_authorization_problems
from exams.models import ExamResult, ExamSource
from exams.selectors import exam_attempts_for
from exams.services import exam_attempt_record
from jobs.previews import PreviewStore
from jobs.services import enqueue

# Columns of the vendor file, in the order of the downloadable template.
COLUMNS = ("application_id", "email", "exam_date", "result", "scaled_score", "vendor_reference")
# The vendor may call our application number its candidate id.
ID_COLUMNS = ("application_id", "candidate_id")
REQUIRED_COLUMNS = ("email", "exam_date", "result", "vendor_reference")
RESULT_SPELLINGS = {
    "passed": ExamResult.PASSED,
    "pass": ExamResult.PASSED,
    "failed": ExamResult.FAILED,
    "fail": ExamResult.FAILED,
    "no_show": ExamResult.NO_SHOW,
    "no show": ExamResult.NO_SHOW,
    "no-show": ExamResult.NO_SHOW,
    "noshow": ExamResult.NO_SHOW,
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
# Technical limits of one upload (not policy): far above a vendor's monthly file.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
VENDOR_REFERENCE_MAX_LENGTH = 64
SCALED_SCORE_MAX = 32767
# How long a previewed file waits for its commit (and a committed one shows its summary).
PREVIEW_TTL_SECONDS = 6 * 3600
# A commit with more valid rows than this runs in the background, this many rows per task
# (each task well inside the worker's time limit), so no web request runs for minutes.
BACKGROUND_THRESHOLD_ROWS = 200
BACKGROUND_CHUNK_ROWS = 500

IMPORT_TASK = "exams.tasks.exam_import_commit"
# Kept between preview and commit (jobs.previews).
_STORE = PreviewStore("workspace:exam-import:", PREVIEW_TTL_SECONDS)

TEMPLATE_ROWS = (
    COLUMNS,
    ("1234", "ana.reyes@example.org", "2025-03-14", "passed", "512", "PV-000123"),
    ("1240", "ben.okafor@example.org", "03/15/2025", "failed", "431", "PV-000124"),
)


class RowOutcome(models.TextChoices):
    OK = "ok", gettext_lazy("Ready to import")
    RECORDED = "recorded", gettext_lazy("Recorded")
    REFUSED = "refused", gettext_lazy("Refused when recording")
    MALFORMED_ROW = "malformed_row", gettext_lazy("Malformed row")
    UNKNOWN_CANDIDATE = "unknown_candidate", gettext_lazy("Unknown candidate")
    EMAIL_MISMATCH = "email_mismatch", gettext_lazy("Email does not match")
    NOT_ELIGIBLE = "not_eligible", gettext_lazy("Not eligible")
    DUPLICATE_IN_FILE = "duplicate_in_file", gettext_lazy("Duplicate in this file")
    ALREADY_IMPORTED = "already_imported", gettext_lazy("Already imported")
    MALFORMED_DATE = "malformed_date", gettext_lazy("Malformed date")
    FUTURE_DATE = "future_date", gettext_lazy("Date in the future")
    BAD_RESULT = "bad_result", gettext_lazy("Unknown result")
    BAD_SCORE = "bad_score", gettext_lazy("Bad scaled score")
    MISSING_REFERENCE = "missing_reference", gettext_lazy("Missing vendor reference")


@dataclass
class RowPlan:
    """One row of the file and what would happen to it."""

    line: int
    raw: dict[str, str]
    outcome: str = RowOutcome.OK
    message: str = ""
    application_id: int | None = None
    taken_on: datetime.date | None = None
    result: str = ""
    scaled_score: int | None = None
    vendor_reference: str = ""

    @property
    def identifier(self) -> str:
        """The application number as written in the file."""
        return self.raw.get("application_id") or self.raw.get("candidate_id") or ""

    @property
    def outcome_label(self) -> str:
        return str(RowOutcome(self.outcome).label)

    @property
    def is_ok(self) -> bool:
        return self.outcome == RowOutcome.OK


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    counts: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.counts = Counter(row.outcome for row in self.rows)

    @property
    def ok_count(self) -> int:
        return self.counts[RowOutcome.OK]

    def summary(self) -> list[tuple[str, str, int]]:
        """(outcome, label, count) for every outcome present, in RowOutcome order."""
        return [
            (value, str(label), self.counts[value])
            for value, label in RowOutcome.choices
            if self.counts[value]
        ]


class ImportFileError(DomainError):
    """The file as a whole cannot be read (not CSV, missing columns, too big)."""

    def __init__(self, message: str):
        super().__init__(message, code="invalid", field="file")


def template_csv() -> str:
    """The downloadable template: the header and two example rows."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(TEMPLATE_ROWS)
    return buffer.getvalue()


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class ParsedFile:
    """A vendor CSV as text: the header names (trimmed, lower-cased) and each data row with
    its line number. Small and picklable, so it can wait in the cache for the commit."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def parse_file(data: bytes) -> ParsedFile:
    """Read a vendor CSV. Raises ImportFileError for a file that cannot be read as one (not
    UTF-8 text, no header, a required column missing, no rows, too large)."""
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
    rows: list[tuple[int, list[str]]] = []
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(count)d rows. Split it.") % {"count": MAX_ROWS}
                )
            rows.append((reader.line_num, values))
    except csv.Error:
        raise ImportFileError(
            _("Line %(line)d is not valid CSV.") % {"line": reader.line_num}
        ) from None
    if not header:
        raise ImportFileError(_("The file is empty."))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not any(c in header for c in ID_COLUMNS):
        missing.insert(0, "application_id")
    if missing:
        raise ImportFileError(
            _("Columns missing from the header: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return ParsedFile(header=header, rows=rows)


def _parse_date(text: str) -> datetime.date | None:
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def _read_fields(line: int, values: list[str], header: list[str]) -> RowPlan:
    """The row's values, or the first problem with its shape (no database)."""
    raw = dict(zip(header, values, strict=False))
    row = RowPlan(line=line, raw=raw)
    if len(values) != len(header):
        row.outcome = RowOutcome.MALFORMED_ROW
        row.message = _("The row has %(found)d values; the header has %(expected)d.") % {
            "found": len(values),
            "expected": len(header),
        }
        return row
    row.vendor_reference = raw.get("vendor_reference", "").strip()
    identifier = row.identifier.strip()
    # ASCII digits only: str.isdigit() also accepts "²" (which int() refuses) and other scripts'
    # digits (which int() reads, but no vendor writes).
    if not (identifier.isascii() and identifier.isdigit()) or len(identifier) > 12:
        row.outcome = RowOutcome.UNKNOWN_CANDIDATE
        row.message = _("“%(value)s” is not an application number.") % {"value": identifier}
        return row
    row.application_id = int(identifier)
    row.taken_on = _parse_date(raw.get("exam_date", "").strip())
    result_text = raw.get("result", "").strip().lower()
    score_text = raw.get("scaled_score", "").strip()
    if row.taken_on is None:
        row.outcome = RowOutcome.MALFORMED_DATE
        row.message = _("“%(value)s” is not a date (use YYYY-MM-DD or MM/DD/YYYY).") % {
            "value": raw.get("exam_date", "")
        }
    elif result_text not in RESULT_SPELLINGS:
        row.outcome = RowOutcome.BAD_RESULT
        row.message = _("“%(value)s” is not a result (use passed, failed or no_show).") % {
            "value": raw.get("result", "")
        }
    elif score_text and not (
        score_text.isascii() and score_text.isdigit() and int(score_text) <= SCALED_SCORE_MAX
    ):
        row.outcome = RowOutcome.BAD_SCORE
        row.message = _("“%(value)s” is not a scaled score (a whole number).") % {
            "value": score_text
        }
    elif not row.vendor_reference or len(row.vendor_reference) > VENDOR_REFERENCE_MAX_LENGTH:
        row.outcome = RowOutcome.MISSING_REFERENCE
        row.message = _("Each row needs a vendor reference of at most %(length)d characters.") % {
            "length": VENDOR_REFERENCE_MAX_LENGTH
        }
    else:
        row.result = RESULT_SPELLINGS[result_text]
        row.scaled_score = int(score_text) if score_text else None
    return row


@dataclass
class _Pending:
    """An attempt the plan will record: counts towards the next rows' eligibility."""

    taken_on: datetime.date
    result: str


def _candidates(user, county: County) -> models.QuerySet:
    """The applications of `county` past their draft, with applicant and county, when `user`
    may record exam results there (a reviewer or administrator of the county); none
    otherwise. The service checks the role again under lock."""
    if user.is_state_staff or staff_role(user, county) not in REVIEW_ROLES:
        return county.applications.none()
    return county.applications.exclude(status="draft").select_related("applicant", "county")


def plan_import(user, county: County, parsed: ParsedFile) -> ImportPlan:
    """What would happen to each row if the file were committed now, as `user` in `county`.

    Five queries whatever the size of the file: the user's role in the county, the
    applications named, their attempts, their applicants' core training (verified before the
    exam: `exams.authorization`), the vendor references already imported.
    """
    today = timezone.localdate()
    rows = [_read_fields(line, values, parsed.header) for line, values in parsed.rows]
    ids = {row.application_id for row in rows if row.application_id is not None}
    applications: dict[int, Any] = {
        application.pk: application for application in _candidates(user, county).filter(pk__in=ids)
    }
    attempts: dict[int, list[Any]] = defaultdict(list)
    for attempt in exam_attempts_for(user).filter(application_id__in=applications.keys()):
        attempts[attempt.application_id].append(attempt)
    references = {row.vendor_reference for row in rows if row.vendor_reference}
    imported = set(
        exam_attempts_for(user)
        .filter(
            source=ExamSource.IMPORT, vendor_reference__in=references, application__county=county
        )
        .values_list("vendor_reference", flat=True)
    )
    # Authorized to sit the exam (training verified first): asked once for every dated row.
    dated = [
        row
        for row in rows
        if row.outcome == RowOutcome.OK and row.application_id in applications and row.taken_on
    ]
    authorization = dict(
        zip(
            (row.line for row in dated),
            exam_authorization_problems(
                [(applications[row.application_id], row.taken_on) for row in dated]
            ),
            strict=True,
        )
    )
    program_policy = ProgramPolicy.current()
    seen_references: set[str] = set()
    for row in rows:
        duplicate = row.vendor_reference and row.vendor_reference in seen_references
        seen_references.add(row.vendor_reference)
        if row.outcome != RowOutcome.OK:
            continue
        application = applications.get(row.application_id)
        if duplicate:
            row.outcome = RowOutcome.DUPLICATE_IN_FILE
            row.message = _("Vendor reference %(reference)s appears earlier in this file.") % {
                "reference": row.vendor_reference
            }
        elif row.vendor_reference in imported:
            row.outcome = RowOutcome.ALREADY_IMPORTED
            row.message = _("Vendor reference %(reference)s was imported before.") % {
                "reference": row.vendor_reference
            }
        elif application is None:
            row.outcome = RowOutcome.UNKNOWN_CANDIDATE
            row.message = _("No application %(number)d in this county.") % {
                "number": row.application_id
            }
        elif row.raw.get("email", "").strip().lower() != application.applicant.email.lower():
            row.outcome = RowOutcome.EMAIL_MISMATCH
            row.message = _("The email does not match application %(number)d.") % {
                "number": application.pk
            }
        elif row.taken_on > today:
            row.outcome = RowOutcome.FUTURE_DATE
            row.message = _("The exam date is in the future.")
        else:
            problems = exam_rules.exam_eligibility_problems(
                application_status=application.status,
                window_ends_on=application.window_ends_on,
                attempts=attempts[application.pk],
                on=row.taken_on,
                min_wait_days=program_policy.exam_min_wait_days,
                recorded_on=today,
                grace_days=program_policy.exam_result_grace_days,
            )
            if application.approved_on and row.taken_on < application.approved_on:
                problems.append(_("The exam date is before the application was approved."))
            problems += authorization.get(row.line, [])
            if problems:
                row.outcome = RowOutcome.NOT_ELIGIBLE
                row.message = " ".join(str(problem) for problem in problems)
            else:
                attempts[application.pk].append(_Pending(row.taken_on, row.result))
    return ImportPlan(rows=rows)


class ImportState(models.TextChoices):
    PREVIEWED = "previewed", gettext_lazy("Previewed")
    QUEUED = "queued", gettext_lazy("Importing in the background")
    DONE = "done", gettext_lazy("Imported")


@dataclass
class StoredFile:
    """A previewed file and, once committed, what became of it; bound to who uploaded it and
    for which county. `recorded` and `refused` hold line numbers already tried, so a commit
    in several steps never tries a row twice."""

    token: str
    user_id: int
    county_id: int
    filename: str
    sha256: str
    parsed: ParsedFile
    state: str = ImportState.PREVIEWED
    ok_at_commit: int = 0
    recorded: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    result_counts: dict[str, int] = field(default_factory=dict)

    @property
    def committed(self) -> bool:
        return self.state == ImportState.DONE

    @property
    def tried(self) -> int:
        return len(self.recorded) + len(self.refused)


def store_file(*, user, county: County, filename: str, data: bytes) -> StoredFile:
    """Parse `data` and keep it (in the cache, for PREVIEW_TTL_SECONDS) under a new token."""
    parsed = parse_file(data)
    stored = StoredFile(
        token=_STORE.new_token(),
        user_id=user.pk,
        county_id=county.pk,
        filename=filename[:200],
        sha256=file_sha256(data),
        parsed=parsed,
    )
    _save(stored)
    return stored


def _save(stored: StoredFile) -> None:
    _STORE.save(stored.token, stored)


def _load(token: str) -> StoredFile | None:
    return _STORE.load(token, StoredFile)


def load_file(*, token: str, user, county: County) -> StoredFile | None:
    """The stored file `token`, if it exists and belongs to `user` and `county`."""
    stored = _load(token)
    if stored is None or stored.user_id != user.pk or stored.county_id != county.pk:
        return None
    return stored


def commit_step(*, user, county: County, stored: StoredFile, limit: int | None = None) -> bool:
    """Record up to `limit` (default: all) of the rows that are valid now and not tried yet,
    one `exam_attempt_record` call per row; rows the service refuses keep its message. The
    plan is made again first: things may have changed since the preview. Returns whether
    valid rows remain; when none do, the file is done and its summary is kept.

    Safe to run twice or after a crash: rows already recorded are "already imported" in the
    new plan (vendor references are unique), and rows tried are never tried again."""
    plan = plan_import(user, county, stored.parsed)
    tried = set(stored.recorded) | {line for line, _message in stored.refused}
    todo = [row for row in plan.rows if row.is_ok and row.line not in tried]
    if stored.state == ImportState.PREVIEWED:
        stored.ok_at_commit = len(todo)
    batch = todo if limit is None else todo[:limit]
    applications = {
        application.pk: application
        for application in _candidates(user, county).filter(
            pk__in={row.application_id for row in batch}
        )
    }
    for row in batch:
        try:
            exam_attempt_record(
                actor=user,
                application=applications[row.application_id],
                taken_on=row.taken_on,
                result=row.result,
                scaled_score=row.scaled_score,
                source=ExamSource.IMPORT,
                vendor_reference=row.vendor_reference,
            )
        except DomainError as error:
            stored.refused.append((row.line, str(error.message)))
        else:
            stored.recorded.append(row.line)
    remaining = len(todo) > len(batch)
    if remaining:
        stored.state = ImportState.QUEUED
    else:
        stored.state = ImportState.DONE
        stored.result_counts = _final_counts(plan, stored)
    _save(stored)
    return remaining


def _final_counts(plan: ImportPlan, stored: StoredFile) -> dict[str, int]:
    recorded = set(stored.recorded)
    refused = {line for line, _message in stored.refused}
    counts: Counter = Counter()
    for row in plan.rows:
        if row.line in recorded:
            counts[RowOutcome.RECORDED] += 1
        elif row.line in refused:
            counts[RowOutcome.REFUSED] += 1
        else:
            counts[row.outcome] += 1
    return dict(counts)


_claim = _STORE.claim


def commit_file(*, user, county: County, stored: StoredFile) -> StoredFile:
    """Commit every valid row now, in this process, unless the file is already committed
    or being committed. Returns the file as it now stands."""
    with _claim(stored.token) as claimed:
        current = _load(stored.token)
        if not claimed or current is None or current.state != ImportState.PREVIEWED:
            return current or stored
        commit_step(user=user, county=county, stored=current)
        return current


def commit_queue(*, stored: StoredFile, ok_count: int) -> None:
    """Hand the commit of a file with `ok_count` valid rows (as last previewed) to a
    background worker (`exams.tasks`), which records BACKGROUND_CHUNK_ROWS
    rows per task and queues the next task until done."""
    stored.state = ImportState.QUEUED
    stored.ok_at_commit = ok_count
    _save(stored)
    enqueue(
        IMPORT_TASK,
        token=stored.token,
        user_id=stored.user_id,
        county_id=stored.county_id,
    )


def commit_in_background(*, token: str, user_id: int, county_id: int) -> int:
    """One background step of the commit of `token`: record the next chunk of rows and queue
    the next step when rows remain. Returns the number of rows tried so far (0 when there is
    nothing to do: unknown or finished file, or a step already running for it, such as a
    redelivered message)."""
    stored = _load(token)
    if stored is None or stored.user_id != user_id or stored.county_id != county_id:
        return 0
    with _claim(token) as claimed:
        stored = _load(token) if claimed else None
        if stored is None or stored.committed:
            return 0
        remaining = commit_step(
            user=User.objects.get(pk=user_id),
            county=County.objects.get(pk=county_id),
            stored=stored,
            limit=BACKGROUND_CHUNK_ROWS,
        )
    if remaining:
        enqueue(
            IMPORT_TASK,
            token=token,
            user_id=user_id,
            county_id=county_id,
        )
    return stored.tried


def result_summary(stored: StoredFile) -> list[tuple[str, int]]:
    """(label, count) of a committed file, in RowOutcome order."""
    return [
        (str(label), stored.result_counts[value])
        for value, label in RowOutcome.choices
        if stored.result_counts.get(value)
    ]
