"""The watchlist: one page with every watched peer's registry facts, adding one or many,
removing one, and the CSV export."""

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import DomainError
from core.spreadsheet import spreadsheet_text
from employers import services
from employers.selectors import watch_get, watchlist_rows
from employers_portal.access import EmployerPage, employer_view
from employers_portal.forms import ConfirmForm, WatchAddForm, WatchUploadForm
from employers_portal.views.common import form_action, home_url

CSV_COLUMNS = (
    "certification_number",
    "first_name",
    "last_name",
    "status",
    "issued_on",
    "expires_on",
    "issuing_county",
    "specializations",
    "public_actions",
)


@employer_view()
@require_http_methods(["GET", "HEAD", "POST"])
def watchlist(request: HttpRequest, page: EmployerPage) -> HttpResponse:
    """Every watched peer on one page; POST adds one by number and last name."""
    employer = page.employer
    if request.method == "POST":
        form = WatchAddForm(request.POST)
        if form.is_valid():
            try:
                watch = services.watch_add(
                    actor=request.user, employer=employer, **form.cleaned_data
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("%(number)s is on your watchlist.") % {"number": watch.certification.number},
                )
                return redirect(home_url(employer))
    else:
        form = WatchAddForm()
    return render(
        request,
        "employers_portal/watchlist.html",
        {
            "page": page,
            "employer": employer,
            "nav": "watchlist",
            "form": form,
            "rows": watchlist_rows(employer),
        },
    )


class _Echo:
    """A file-like object whose write() returns what it is given, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in rows:
        certification = row.watch.certification
        yield writer.writerow(
            (
                certification.number,
                spreadsheet_text(certification.first_name),
                spreadsheet_text(certification.last_name),
                certification.status,
                certification.issued_on.isoformat(),
                certification.expires_on.isoformat(),
                certification.issuing_county.name,
                " ".join(row.specialization_codes),
                spreadsheet_text(
                    "; ".join(
                        [f"{a.occurred_on.isoformat()} {a.label}" for a in row.actions]
                        + [
                            f"{n.effective_on.isoformat()} {n.get_action_display()}: {n.summary}"
                            for n in row.notices
                            if n.summary
                        ]
                    )
                ),
            )
        )


@employer_view()
@require_safe
def watchlist_csv(request: HttpRequest, page: EmployerPage) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_lines(watchlist_rows(page.employer)), content_type="text/csv; charset=utf-8"
    )
    filename = f"watchlist-{page.employer.pk}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@employer_view()
@require_http_methods(["GET", "HEAD", "POST"])
def watch_remove(request: HttpRequest, page: EmployerPage, pk: int) -> HttpResponse:
    watch = watch_get(request.user, pk)
    if watch.employer_id != page.employer.pk:
        raise Http404("No such watchlist entry.")
    return form_action(
        request,
        page,
        form_class=ConfirmForm,
        perform=lambda data: services.watch_remove(actor=request.user, watch=watch),
        success_message=_("Removed from your watchlist."),
        done_url=home_url(page.employer),
        context={
            "nav": "watchlist",
            "title": _("Remove from the watchlist"),
            "subject": f"{watch.certification.number} {watch.certification.first_name} "
            f"{watch.certification.last_name}",
            "intro": _("You will no longer be told of changes to this certification."),
            "submit_label": _("Remove"),
            "danger": True,
        },
    )


@employer_view()
@require_http_methods(["GET", "HEAD", "POST"])
def watch_upload(request: HttpRequest, page: EmployerPage) -> HttpResponse:
    """A CSV of numbers and last names: read and checked, then previewed row by row."""
    if request.method == "POST":
        form = WatchUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                plan = services.watch_upload_plan(
                    actor=request.user,
                    employer=page.employer,
                    data=form.cleaned_data["file"].read(),
                )
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                token = services.watch_upload_store(plan)
                return redirect(
                    reverse("employers_portal:watch_upload_preview", args=[page.employer.pk, token])
                )
    else:
        form = WatchUploadForm()
    return render(
        request,
        "employers_portal/watch_upload.html",
        {"page": page, "employer": page.employer, "nav": "watchlist", "form": form},
    )


@employer_view()
@require_http_methods(["GET", "HEAD", "POST"])
def watch_upload_preview(request: HttpRequest, page: EmployerPage, token: str) -> HttpResponse:
    """What the file would add, row by row with the refused rows' reasons; POST adds."""
    plan = services.watch_upload_get(actor=request.user, employer=page.employer, token=token)
    if plan is None:
        raise Http404("No such upload.")
    if request.method == "POST":
        try:
            added = services.watch_upload_commit(
                actor=request.user, employer=page.employer, token=token
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(count)d peers added to your watchlist.") % {"count": added}
            )
        return redirect(home_url(page.employer))
    return render(
        request,
        "employers_portal/watch_upload_preview.html",
        {"page": page, "employer": page.employer, "nav": "watchlist", "plan": plan},
    )


@employer_view()
@require_safe
def watch_upload_template(request: HttpRequest, page: EmployerPage) -> HttpResponse:
    response = HttpResponse(services.TEMPLATE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="watchlist-template.csv"'
    return response
