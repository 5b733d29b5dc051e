"""A peer's requests for their response to a complaint (docs/domain.md#complaints-and-cases):
the list, and one request with the form to answer it (text and documents), in English and
Spanish. Only the peer a request is addressed to sees it (`cases.selectors`, 404 for anyone
else); the page shows what the request carries, never the complaint or who made it. The peer
may download again the files they sent with their answer (their own uploads only)."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases.models import CaseCategory
from cases.selectors import (
    response_document_for_peer_get,
    response_request_for_peer_get,
    response_requests_for_peer,
)
from cases.services import case_document_view_record, response_submit
from core.errors import DomainError
from documents.uploads import EXTENSION_OF_TYPE
from portal.complaint_forms import ResponseForm
from portal.stash import portal_login_required


@portal_login_required()
@require_safe
def responses(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/responses/list.html",
        {"requests": response_requests_for_peer(request.user), "today": timezone.localdate()},
    )


@portal_login_required()
@require_http_methods(["GET", "POST"])
def response(request: HttpRequest, pk: int) -> HttpResponse:
    found = response_request_for_peer_get(request.user, pk)
    form = ResponseForm()
    status = 200
    if request.method == "POST":
        form = ResponseForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                response_submit(
                    actor=request.user,  # type: ignore[arg-type]
                    request=found,
                    text=form.cleaned_data["text"],
                    attachments=form.cleaned_data["attachments"],
                )
            except DomainError as error:
                if error.code == "conflict":
                    messages.info(request, error.message)
                    return redirect("portal:response", pk=found.pk)
                form.add_domain_error(error)
            else:
                messages.success(request, _("Your response was sent to the program."))
                return redirect("portal:response", pk=found.pk)
        status = 400
    return render(
        request,
        "portal/responses/respond.html",
        {
            "found": found,
            "category": CaseCategory(found.category).label,
            "form": form,
            "documents": found.documents.filter(uploaded_by=request.user)
            if found.responded_at
            else [],
            "late": found.responded_at is None and timezone.localdate() > found.due_on,
        },
        status=status,
    )


@portal_login_required()
@require_safe
def response_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A file the peer sent with their answer to request `pk`, as the content type checked
    at upload, `nosniff`, never cached; each opening audited. Anyone else's file, or a file
    of the case that is not theirs: 404."""
    found = response_request_for_peer_get(request.user, pk)
    document = response_document_for_peer_get(request.user, found, document_pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404("The file is missing from storage.") from exc
    case_document_view_record(
        viewer=request.user,  # type: ignore[arg-type]
        document=document,
        county=found.county,
    )
    extension = EXTENSION_OF_TYPE.get(document.content_type, "")
    response = FileResponse(
        handle,
        content_type=document.content_type,
        filename=f"response-{found.pk}-{document.pk}{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
