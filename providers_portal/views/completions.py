"""The provider's reported completions (issue 15 item 4): the list of its learners'
completions, the CSV upload with its preview and commit (`providers.imports`), and the API
keys its administrators create and revoke for `POST /api/v1/provider/completions/`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import DomainError
from providers import imports, services
from providers.imports import ImportState, RowOutcome
from providers.models import CompletionStatus
from providers.selectors import api_key_get, api_keys_of, completions_of_provider, courses_for
from providers_portal.access import ProviderPage, provider_view
from providers_portal.forms import (
    ApiKeyForm,
    CompletionsFilterForm,
    CompletionsUploadForm,
    ConfirmForm,
)

PAGE_SIZE = 50
PREVIEW_PAGE_SIZE = 100


def _context(page: ProviderPage, **extra) -> dict:
    return {"page": page, "provider": page.provider, "nav": "completions", **extra}


@provider_view()
@require_safe
def completions(request: HttpRequest, page: ProviderPage) -> HttpResponse:
    """The completions the provider reported, newest first, filterable by course and status."""
    rows = completions_of_provider(request.user, page.provider)
    course_choices = [
        (str(course.pk), course.title)
        for course in courses_for(request.user).filter(provider=page.provider)
    ]
    form = CompletionsFilterForm(request.GET or None, course_choices=course_choices)
    if form.is_valid():
        if form.cleaned_data.get("course"):
            rows = rows.filter(course_id=form.cleaned_data["course"])
        if form.cleaned_data.get("status"):
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data.get("disputed"):
            rows = rows.filter(disputed_at__isnull=False)
    listing = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "providers_portal/completions.html",
        _context(
            page,
            page_obj=listing,
            form=form,
            querystring=query.urlencode() + "&" if query else "",
            statuses=CompletionStatus,
        ),
    )


@provider_view()
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest, page: ProviderPage) -> HttpResponse:
    """The columns, the template and the upload form; a readable file is kept and previewed."""
    form = CompletionsUploadForm()
    if request.method == "POST":
        form = CompletionsUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            if upload_file.size > imports.MAX_FILE_BYTES:
                form.add_error("file", _("The file is too large."))
            else:
                try:
                    stored = imports.store_file(
                        user=request.user,
                        provider=page.provider,
                        filename=upload_file.name,
                        data=upload_file.read(),
                    )
                except imports.ImportFileError as error:
                    form.add_error("file", error.message)
                else:
                    return redirect(
                        "providers_portal:completions_preview", page.provider.pk, stored.token
                    )
    return render(
        request,
        "providers_portal/completions_upload.html",
        _context(
            page,
            form=form,
            columns=imports.COLUMNS,
            courses=courses_for(request.user).filter(provider=page.provider),
        ),
    )


@provider_view()
@require_safe
def upload_template(request: HttpRequest, page: ProviderPage) -> HttpResponse:
    response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="completions-template.csv"'
    return response


@provider_view()
@require_http_methods(["GET", "HEAD", "POST"])
def preview(request: HttpRequest, page: ProviderPage, token: str) -> HttpResponse:
    """GET: what would happen to each row (or, once committed, what did). POST: commit."""
    stored = imports.load_file(token=token, user=request.user, provider=page.provider)
    if stored is None:
        raise Http404("No such upload, or it has expired.")
    here = reverse("providers_portal:completions_preview", args=[page.provider.pk, token])
    if request.method == "POST":
        if stored.state != ImportState.PREVIEWED:
            messages.info(request, _("This file is already reported or being reported."))
        else:
            stored = imports.commit(
                user=request.user, provider=page.provider, stored=stored, result_url=here
            )
            if stored.state == ImportState.QUEUED:
                messages.info(
                    request,
                    _("The rows are being reported in the background. This page shows progress."),
                )
            else:
                messages.success(request, _("The file was reported."))
        return redirect(here)
    context = _context(page, stored=stored)
    if stored.state == ImportState.QUEUED:
        return render(request, "providers_portal/completions_progress.html", context)
    problems_only = request.GET.get("show") == "problems"
    if stored.committed:
        rows = stored.rows()
        summary = stored.summary()
    else:
        rows = imports.preview(request.user, page.provider, stored.parsed)
        counts = {value: 0 for value in RowOutcome.values}
        for row in rows:
            counts[row.outcome] += 1
        summary = [
            (str(label), counts[value]) for value, label in RowOutcome.choices if counts[value]
        ]
        context["ready"] = counts[RowOutcome.READY]
        context["form"] = ConfirmForm()
    if problems_only:
        rows = [row for row in rows if row.outcome == RowOutcome.REFUSED]
    context.update(
        {
            "summary": summary,
            "page_obj": Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
            "problems_only": problems_only,
            "querystring": "show=problems&" if problems_only else "",
        }
    )
    return render(request, "providers_portal/completions_preview.html", context)


@provider_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def api_keys(request: HttpRequest, page: ProviderPage) -> HttpResponse:
    """The provider's API keys; a new one is shown once, on this page's answer to the POST."""
    form = ApiKeyForm()
    new_key = None
    if request.method == "POST":
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                new_key = services.provider_api_key_create(
                    actor=request.user, provider=page.provider, name=form.cleaned_data["name"]
                )
            except DomainError as error:
                form.add_error("name", error.message)
            else:
                form = ApiKeyForm()
    response = render(
        request,
        "providers_portal/api_keys.html",
        _context(page, form=form, new_key=new_key, keys=api_keys_of(request.user, page.provider)),
    )
    if new_key is not None:
        response["Cache-Control"] = "no-store"
    return response


@provider_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def api_key_revoke(request: HttpRequest, page: ProviderPage, pk: int) -> HttpResponse:
    api_key = api_key_get(request.user, page.provider, pk)
    back = reverse("providers_portal:api_keys", args=[page.provider.pk])
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_api_key_revoke(actor=request.user, api_key=api_key)
        except DomainError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, _("The key was revoked: it no longer works."))
        return redirect(back)
    return render(
        request,
        "providers_portal/action_confirm.html",
        _context(
            page,
            nav="api_keys",
            form=form,
            title=_("Revoke the API key"),
            subject=f"{api_key.name} ({api_key.prefix}…)",
            submit_label=_("Revoke"),
            back_url=back,
        ),
    )
