"""Writes of the analytics app: loading Medi-Cal enrollment (operators' work).

An operator loads DHCS's file either with `manage.py load_medi_cal_enrollment FILE` or in the
Django admin (upload, preview with every row problem, then confirm). The same file loaded
twice (a double click, a second run) is one load.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_operator
from analytics import enrollment_files
from analytics.enrollment_files import ParsedRow, RowProblem
from analytics.models import Chart, FigureSnapshot, MediCalEnrollment, MediCalEnrollmentLoad
from analytics.selectors import figures_compute
from audit.services import audit_record
from core.errors import DomainError
from counties.models import County
from jobs.previews import PreviewStore

# The source named beside every ratio unless the operator says otherwise.
DHCS_SOURCE = (
    "DHCS, Research and Analytic Studies Division: Medi-Cal Certified Eligibles by County "
    "(California Health and Human Services Open Data Portal)"
)
PREVIEW_TTL_SECONDS = 6 * 3600
# Kept between preview and confirmation (jobs.previews).
_STORE = PreviewStore("analytics:enrollment-upload:", PREVIEW_TTL_SECONDS)


@dataclass
class EnrollmentPlan:
    """A parsed file waiting for the operator's confirmation."""

    user_id: int | None
    file_name: str
    file_sha256: str
    source: str
    demo: bool
    rows_read: int
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def months(self) -> tuple[datetime.date | None, datetime.date | None]:
        if not self.rows:
            return None, None
        months = [row.month for row in self.rows]
        return min(months), max(months)


def _require_operator(actor: User | None) -> None:
    """Operators (the Django admin) or the system (actor None: the command, the demo)."""
    if actor is not None and not is_operator(actor):
        raise PermissionDenied


def _county_index() -> dict[str, tuple[int, str]]:
    index: dict[str, tuple[int, str]] = {}
    for pk, name, fips in County.objects.values_list("id", "name", "fips"):
        index[enrollment_files.county_key(name)] = (pk, name)
        index[fips] = (pk, name)
    return index


def enrollment_upload_plan(
    *,
    actor: User | None,
    data: bytes,
    file_name: str,
    source: str = "",
    demo: bool = False,
) -> EnrollmentPlan:
    """Parse `data` into a plan: the rows to load and every row left out, with the reason."""
    _require_operator(actor)
    source = " ".join((source or DHCS_SOURCE).split())[:300]
    parsed = enrollment_files.parse_enrollment(data, _county_index())
    return EnrollmentPlan(
        user_id=actor.pk if actor is not None else None,
        file_name=(file_name or "enrollment.csv")[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        source=source,
        demo=demo,
        rows_read=parsed.rows_read,
        rows=parsed.rows,
        problems=parsed.problems,
    )


def enrollment_upload_store(plan: EnrollmentPlan) -> str:
    """Keep `plan` for its confirmation; returns the token that names it."""
    token = _STORE.new_token()
    _STORE.save(token, plan)
    return token


def enrollment_upload_get(*, actor: User, token: str) -> EnrollmentPlan | None:
    """The stored plan named by `token`, if `actor` uploaded it."""
    plan = _STORE.load(token, EnrollmentPlan)
    if plan is None or plan.user_id != actor.pk:
        return None
    return plan


def enrollment_upload_commit(*, actor: User, token: str) -> MediCalEnrollmentLoad:
    """Load the confirmed plan named by `token` and forget it."""
    _require_operator(actor)
    plan = enrollment_upload_get(actor=actor, token=token)
    if plan is None:
        raise DomainError(_("This upload has expired. Upload the file again."), code="conflict")
    load = enrollment_load_plan(actor=actor, plan=plan)
    _STORE.discard(token)
    return load


def enrollment_load_plan(*, actor: User | None, plan: EnrollmentPlan) -> MediCalEnrollmentLoad:
    """Write the plan's rows as one load, audited. A file already loaded from the same source
    is that load (idempotent: a double click or a second run adds nothing)."""
    _require_operator(actor)
    if not plan.rows:
        raise DomainError(_("The file has no row that can be loaded."), field="file")
    existing = MediCalEnrollmentLoad.objects.filter(
        file_sha256=plan.file_sha256, source=plan.source
    ).first()
    if existing is not None:
        return existing
    first, last = plan.months
    try:
        with transaction.atomic():
            load = MediCalEnrollmentLoad.objects.create(
                source=plan.source,
                demo=plan.demo,
                file_name=plan.file_name,
                file_sha256=plan.file_sha256,
                loaded_by=actor,
                rows_read=plan.rows_read,
                rows_loaded=len(plan.rows),
                rows_skipped=len(plan.problems),
                first_month=first,
                last_month=last,
            )
            MediCalEnrollment.objects.bulk_create(
                [
                    MediCalEnrollment(
                        load=load,
                        county_id=row.county_id,
                        month=row.month,
                        certified_eligibles=row.certified_eligibles,
                    )
                    for row in plan.rows
                ],
                batch_size=5000,
            )
            audit_record(
                actor=actor,
                verb="medi_cal_enrollment_load",
                obj=load,
                data={
                    "file": load.file_name,
                    "source": load.source,
                    "rows_loaded": load.rows_loaded,
                    "rows_skipped": load.rows_skipped,
                    "demo": load.demo,
                },
            )
    except IntegrityError:
        # The same file loaded concurrently: the other request's load stands.
        existing = MediCalEnrollmentLoad.objects.filter(
            file_sha256=plan.file_sha256, source=plan.source
        ).first()
        if existing is None:
            raise
        return existing
    return load


def enrollment_load(
    *,
    actor: User | None,
    data: bytes,
    file_name: str,
    source: str = "",
    demo: bool = False,
) -> tuple[MediCalEnrollmentLoad, EnrollmentPlan]:
    """Parse and load in one step (the management command and the demo)."""
    plan = enrollment_upload_plan(
        actor=actor, data=data, file_name=file_name, source=source, demo=demo
    )
    return enrollment_load_plan(actor=actor, plan=plan), plan


def figures_refresh(*, today: datetime.date | None = None) -> int:
    """Compute every chart's series for every county and the state and store them (the
    system's work: the hourly task, `manage.py refresh_analytics`, the demo). A county with no
    rows any more keeps no stale series: its snapshot is emptied. Returns the rows written."""
    today = today or timezone.localdate()
    now = timezone.now()
    written = 0
    with transaction.atomic():
        for chart in Chart.values:
            series = figures_compute(chart, today)
            series.setdefault(None, [])  # the state's series exists even with nothing to count
            stored: set[int | None] = set(
                FigureSnapshot.objects.filter(chart=chart).values_list("county_id", flat=True)
            )
            for stale in stored - set(series):
                series[stale] = []
            for county_id, rows in series.items():
                FigureSnapshot.objects.update_or_create(
                    chart=chart,
                    county=County(pk=county_id) if county_id is not None else None,
                    defaults={"rows": rows, "computed_at": now, "computed_for": today},
                )
                written += 1
    return written
