"""The county roster: every certification the county issued, filtered, paginated, and as a
streamed CSV file of any size."""

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, TextField, Value, When
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from certification.models import Certification, CertificationSpecialization
from certification.selectors import certifications_for, expiring_soon_flag
from core.csv_copy import csv_cell, csv_copy_chunks
from core.replica import replica_reads
from core.spreadsheet import spreadsheet_text_sql
from training.selectors import specialization_area_names
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import CountyRosterFilter
from workspace.views.common import paginate, querystring_without_page

CSV_CHUNK_ROWS = 2000
CSV_COLUMNS = (
    "certification_number",
    "status",
    "first_name",
    "last_name",
    "issued_on",
    "expires_on",
    "expiring_soon",
    "specializations",
)


def roster_rows(user, workspace: CountyWorkspace, params) -> CountyRosterFilter:
    """The roster filter of `params` over the county's certifications, by last name, each
    with its specialization codes joined in one column (`specialization_codes`, a correlated
    subquery: a page reads the codes of its own rows only, and counting the rows needs no
    grouping) and its `expiring_soon` flag: one query in all (`.qs`). The order is that of
    the index `certification_roster_idx`, so a page costs the same in any county."""
    codes = (
        CertificationSpecialization.objects.filter(certification=OuterRef("pk"))
        .order_by()
        .values("certification")
        .annotate(codes=StringAgg("code", delimiter=" ", order_by="code"))
        .values("codes")
    )
    rows = (
        certifications_for(user)
        .prefetch_related(None)
        .filter(issuing_county=workspace.county)
        .annotate(
            specialization_codes=Subquery(codes),
            expiring_soon=expiring_soon_flag(on=timezone.localdate()),
        )
        .order_by("last_name", "first_name", "number")
    )
    return CountyRosterFilter(params, queryset=rows)


@workspace_view()
@require_safe
@replica_reads
def roster(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    roster_filter = roster_rows(request.user, workspace, request.GET)
    # The page's ids first, then their rows: a deep page skips index entries, not rows with
    # their joins and specialization codes (OFFSET computes every row it skips).
    page = paginate(request, roster_filter.qs.values_list("pk", flat=True))
    ids = list(page.object_list)
    rows = {row.pk: row for row in roster_filter.qs.filter(pk__in=ids)}
    labels = specialization_area_names()
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    for row in page.object_list:
        row.specialization_labels = [
            labels.get(code, code) for code in (row.specialization_codes or "").split()
        ]
    return render(
        request,
        "workspace/roster.html",
        {
            "workspace": workspace,
            "nav": "roster",
            "filter_form": roster_filter.form,
            "page_obj": page,
            "querystring": querystring_without_page(request),
        },
    )


def csv_rows(rows: QuerySet[Certification]) -> QuerySet:
    """The `roster_rows` queryset as rows of text in `CSV_COLUMNS` order, for
    `core.csv_copy` (PostgreSQL writes the CSV): names written as text even when they look
    like spreadsheet formulas (`core.spreadsheet`), `expiring_soon` as yes or no."""
    cells = {
        "csv_number": csv_cell("number"),
        "csv_status": csv_cell("status"),
        "csv_first_name": csv_cell(spreadsheet_text_sql("first_name")),
        "csv_last_name": csv_cell(spreadsheet_text_sql("last_name")),
        # Written YYYY-MM-DD by COPY (core.csv_copy).
        "csv_issued_on": F("issued_on"),
        "csv_expires_on": F("expires_on"),
        "csv_expiring_soon": Case(
            When(expiring_soon=True, then=Value("yes")),
            default=Value("no"),
            output_field=TextField(),
        ),
        "csv_specializations": csv_cell("specialization_codes"),
    }
    return rows.annotate(**cells).values_list(*cells)


@workspace_view()
@require_safe
@replica_reads
def roster_csv(request: HttpRequest, workspace: CountyWorkspace) -> StreamingHttpResponse:
    """The filtered roster as CSV, written by PostgreSQL (COPY, in this request's transaction
    and row-level security context) and streamed in chunks."""
    rows = csv_rows(roster_rows(request.user, workspace, request.GET).qs)
    # The query is checked here: a database error is an error page, not a CSV cut off.
    response = StreamingHttpResponse(
        csv_copy_chunks(rows, CSV_COLUMNS), content_type="text/csv; charset=utf-8"
    )
    filename = _("roster-%(county)s-%(date)s.csv") % {
        "county": workspace.county.code,
        "date": timezone.localdate().isoformat(),
    }
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
