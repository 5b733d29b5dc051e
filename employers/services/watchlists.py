"""The watchlist: adding a certification by number and last name (one, or many from a CSV
file with a preview), and removing one. Every member of the employer's staff may."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.services import audit_record
from certification.models import Certification
from certification.selectors import certification_by_number_public
from core.errors import DomainError, refuse_problems
from employers import policy, rules
from employers.models import Employer, Watch
from employers.selectors import require_employer_staff
from jobs.previews import PreviewStore

_MAX_NUMBER_LENGTH = 20
_MAX_NAME_LENGTH = 100


def _certification_matching(number: str, last_name: str) -> Certification:
    """The certification with `number` whose holder's last name is `last_name`, or the one
    refusal for both a wrong number and a wrong name."""
    number = (number or "").strip()
    if not number:
        raise DomainError(_("Enter the certification number."), field="number")
    if len(number) > _MAX_NUMBER_LENGTH or len(last_name or "") > _MAX_NAME_LENGTH:
        raise DomainError(_("No certification matches that number and last name."), field="number")
    certification = certification_by_number_public(number)
    refuse_problems(
        rules.watch_match_problems(
            found_last_name=certification.last_name if certification else None,
            given_last_name=last_name,
        ),
        field="number",
    )
    assert certification is not None  # the rule refused an unknown number
    return certification


def watch_add(*, actor: User, employer: Employer, number: str, last_name: str) -> Watch:
    """Put the certification `number` on `employer`'s watchlist, if its holder's last name is
    `last_name` (case and accents aside). Already watched: a conflict."""
    require_employer_staff(actor, employer)
    certification = _certification_matching(number, last_name)
    with transaction.atomic():
        watch, created = Watch.objects.get_or_create(
            employer=employer, certification=certification, defaults={"added_by": actor}
        )
        if not created:
            raise DomainError(
                _("%(number)s is already on your watchlist.") % {"number": certification.number},
                code="conflict",
                field="number",
            )
        audit_record(
            actor=actor,
            verb="watch_add",
            obj=watch,
            data={"employer_id": employer.pk, "number": certification.number},
        )
    return watch


def watch_remove(*, actor: User, watch: Watch) -> None:
    """Take a certification off the watchlist."""
    require_employer_staff(actor, watch.employer)
    with transaction.atomic():
        deleted, _by_model = Watch.objects.filter(pk=watch.pk).delete()
        if not deleted:
            raise DomainError(
                _("This certification is no longer on the watchlist."), code="conflict"
            )
        audit_record(
            actor=actor,
            verb="watch_remove",
            obj=watch.employer,
            data={"watch_id": watch.pk, "certification_id": watch.certification_id},
        )


# --- many at once: a CSV file, previewed, then confirmed -----------------------------------

NUMBER_COLUMNS = ("certification_number", "number")
LAST_NAME_COLUMNS = ("last_name", "lastname", "surname")
TEMPLATE_CSV = "certification_number,last_name\nPSS-0001000,Reyes\n"
# Kept between preview and confirmation (jobs.previews).
_STORE = PreviewStore("employers:watch-upload:", policy.WATCHLIST_PREVIEW_TTL_SECONDS)


class RowOutcome:
    OK = "ok"
    ALREADY = "already"
    DUPLICATE = "duplicate"
    NO_MATCH = "no_match"
    MALFORMED = "malformed"
    LABELS = {
        OK: gettext_lazy("Will be added"),
        ALREADY: gettext_lazy("Already on your watchlist"),
        DUPLICATE: gettext_lazy("Repeated in this file"),
        NO_MATCH: gettext_lazy("No certification matches that number and last name"),
        MALFORMED: gettext_lazy("Number or last name missing"),
    }


@dataclass
class UploadRow:
    line: int
    number: str
    last_name: str
    outcome: str = RowOutcome.OK
    certification_id: int | None = None

    @property
    def label(self) -> str:
        return str(RowOutcome.LABELS[self.outcome])

    @property
    def is_ok(self) -> bool:
        return self.outcome == RowOutcome.OK


@dataclass
class UploadPlan:
    employer_id: int
    user_id: int
    rows: list[UploadRow] = field(default_factory=list)

    @property
    def ok_rows(self) -> list[UploadRow]:
        return [row for row in self.rows if row.is_ok]

    @property
    def problem_rows(self) -> list[UploadRow]:
        return [row for row in self.rows if not row.is_ok]


def _file_error(message: str) -> DomainError:
    return DomainError(message, field="file")


def _read_rows(data: bytes) -> list[tuple[int, str, str]]:
    """(line, number, last name) of every non-empty row of a CSV with a header naming a
    number column and a last-name column."""
    if len(data) > policy.WATCHLIST_UPLOAD_MAX_BYTES:
        raise _file_error(
            _("The file is larger than %(size)d MB.")
            % {"size": policy.WATCHLIST_UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(_("The file is not UTF-8 text. Save it as CSV (UTF-8).")) from None
    if "\x00" in text:
        raise _file_error(_("The file is not a CSV text file."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [rules.name_key(name).replace(" ", "_") for name in next(reader, [])]
        number_at = next((header.index(c) for c in NUMBER_COLUMNS if c in header), None)
        name_at = next((header.index(c) for c in LAST_NAME_COLUMNS if c in header), None)
        if number_at is None or name_at is None:
            raise _file_error(
                _("The first line must name the columns certification_number and last_name.")
            )
        rows: list[tuple[int, str, str]] = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= policy.WATCHLIST_UPLOAD_MAX_ROWS:
                raise _file_error(
                    _("The file has more than %(count)d rows. Split it.")
                    % {"count": policy.WATCHLIST_UPLOAD_MAX_ROWS}
                )

            def cell(at: int, values=values) -> str:
                return values[at].strip() if at < len(values) else ""

            rows.append((reader.line_num, cell(number_at), cell(name_at)))
    except csv.Error:
        raise _file_error(_("The file could not be read as CSV.")) from None
    if not rows:
        raise _file_error(_("The file has no rows under its header."))
    return rows


def watch_upload_plan(*, actor: User, employer: Employer, data: bytes) -> UploadPlan:
    """What adding the file's rows would do, row by row, with three queries whatever the
    number of rows (the numbers, the employer's watchlist)."""
    require_employer_staff(actor, employer)
    rows = [
        UploadRow(line=line, number=number.upper(), last_name=last_name)
        for line, number, last_name in _read_rows(data)
    ]
    numbers = {row.number for row in rows if row.number and len(row.number) <= 20}
    found = {
        number: (pk, last_name)
        for pk, number, last_name in Certification.objects.filter(number__in=numbers).values_list(
            "pk", "number", "last_name"
        )
    }
    watched = set(
        Watch.objects.filter(
            employer=employer, certification_id__in=[v[0] for v in found.values()]
        ).values_list("certification_id", flat=True)
    )
    seen: set[int] = set()
    for row in rows:
        if not row.number or not row.last_name:
            row.outcome = RowOutcome.MALFORMED
            continue
        pk, last_name = found.get(row.number, (None, None))
        if rules.watch_match_problems(found_last_name=last_name, given_last_name=row.last_name):
            row.outcome = RowOutcome.NO_MATCH
        elif pk is None or pk in watched:
            row.outcome = RowOutcome.ALREADY
        elif pk in seen:
            row.outcome = RowOutcome.DUPLICATE
        else:
            row.certification_id = pk
            seen.add(pk)
    return UploadPlan(employer_id=employer.pk, user_id=actor.pk, rows=rows)


def watch_upload_store(plan: UploadPlan) -> str:
    """Keep `plan` for its confirmation; returns the token that names it."""
    token = _STORE.new_token()
    _STORE.save(token, plan)
    return token


def watch_upload_get(*, actor: User, employer: Employer, token: str) -> UploadPlan | None:
    """The stored plan named by `token`, if `actor` uploaded it for `employer`."""
    plan = _STORE.load(token, UploadPlan)
    if plan is None:
        return None
    if plan.employer_id != employer.pk or plan.user_id != actor.pk:
        return None
    return plan


def watch_upload_commit(*, actor: User, employer: Employer, token: str) -> int:
    """Add the plan's good rows in one statement (rows watched meanwhile are skipped) and
    forget the plan. Returns the number added."""
    require_employer_staff(actor, employer)
    plan = watch_upload_get(actor=actor, employer=employer, token=token)
    if plan is None:
        raise DomainError(_("This upload has expired. Upload the file again."), code="conflict")
    ids = [row.certification_id for row in plan.ok_rows if row.certification_id is not None]
    with transaction.atomic():
        before = Watch.objects.filter(employer=employer, certification_id__in=ids).count()
        Watch.objects.bulk_create(
            [Watch(employer=employer, certification_id=pk, added_by=actor) for pk in ids],
            ignore_conflicts=True,
        )
        added = Watch.objects.filter(employer=employer, certification_id__in=ids).count() - before
        audit_record(
            actor=actor,
            verb="watch_add_many",
            obj=employer,
            data={"rows": len(plan.rows), "certification_ids": ids},
        )
    _STORE.discard(token)
    return added
