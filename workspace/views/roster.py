"""The county roster: every certification the county issued, filtered, paginated, and as a
streamed CSV file of any size."""

import csv
from collections.abc import Iterator

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from certification.models import Certification, CertificationSpecialization
from certification.selectors import certifications_for, expiring_soon_flag
from core.replica import replica_reads
from core.spreadsheet import spreadsheet_text
from training.models import Specialization
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
    labels = dict(Specialization.choices)
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


class _Echo:
    """A file-like object whose write() returns what it is given, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: QuerySet[Certification]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in rows.iterator(chunk_size=CSV_CHUNK_ROWS):
        yield writer.writerow(
            (
                row.number,
                row.status,
                spreadsheet_text(row.first_name),
                spreadsheet_text(row.last_name),
                row.issued_on.isoformat(),
                row.expires_on.isoformat(),
                "yes" if row.expiring_soon else "no",
                row.specialization_codes or "",
            )
        )


@workspace_view()
@require_safe
@replica_reads
def roster_csv(request: HttpRequest, workspace: CountyWorkspace) -> StreamingHttpResponse:
    """The filtered roster as CSV, streamed row by row from a server-side cursor."""
    rows = roster_rows(request.user, workspace, request.GET).qs
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    filename = _("roster-%(county)s-%(date)s.csv") % {
        "county": workspace.county.code,
        "date": timezone.localdate().isoformat(),
    }
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
