"""Uploaded documents as staff see them: the file itself (inline, access-checked) and the
review of an application's documents."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from certification import services
from certification.selectors import applications_for, certifications_for, document_get
from documents.models import Document
from documents.services import document_view_record
from documents.uploads import EXTENSION_OF_TYPE
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import ReviewDecisionForm
from workspace.views.applications import application_url, county_application
from workspace.views.common import run_action


def county_document(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> Document:
    """Document `pk` if the visitor may see it and its owner applied to (or was certified by)
    this workspace's county; otherwise Http404."""
    user = request.user
    document = document_get(user, pk)
    county = workspace.county
    related = (
        applications_for(user)
        .filter(county=county, applicant_id=document.owner_id)
        .exclude(status="draft")
        .exists()
        or certifications_for(user)
        .filter(issuing_county=county, holder_id=document.owner_id)
        .exists()
    )
    if not related:
        raise Http404("No such document in this county.")
    return document


def download_name(document: Document) -> str:
    """A safe file name built from what we know (never the uploader's name, which could hold
    anything): kind, number and the extension of the checked content type."""
    return f"{document.kind}-{document.pk}{EXTENSION_OF_TYPE.get(document.content_type, '')}"


# The documents whose inline preview this staff session has logged already.
PREVIEWED_SESSION_KEY = "workspace_documents_previewed"


def _preview_is_new(request: HttpRequest, document: Document) -> bool:
    """Whether this inline preview is the first of `document` in this session: the review
    page shows the file in a frame on every load, and one preview per review is what the
    view log is for (an explicit opening in a new tab is logged every time)."""
    seen = request.session.get(PREVIEWED_SESSION_KEY, [])
    if document.pk in seen:
        return False
    request.session[PREVIEWED_SESSION_KEY] = [*seen, document.pk]
    return True


def _cache_headers(response: HttpResponse, etag: str) -> HttpResponse:
    """The browser may keep the file but must ask again before each use (`no-cache`): the
    answer is a bodiless 304 while the file is unchanged, and access is checked every time.
    Never in a shared cache (`private`)."""
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@xframe_options_sameorigin
@workspace_view()
@require_safe
def document_file(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    """The file, inline, with the content type checked at upload and `nosniff`; `?preview=1`
    for the review page's frame. Cached by the browser under an ETag (the file's SHA-256: a
    stored file never changes), so a reload costs a 304 and no view is logged for it; an
    inline preview is logged once per document and session, any other opening every time."""
    document = county_document(request, workspace, pk)
    etag = f'"{document.sha256}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _cache_headers(not_modified, etag)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        # ValueError: no file at all, its copy purged after the retention (documents.services).
        raise Http404("The file is missing from storage.") from exc
    if request.GET.get("preview") != "1" or _preview_is_new(request, document):
        document_view_record(
            viewer=request.user, document=document, via="workspace", county=workspace.county
        )
    response = FileResponse(
        handle, content_type=document.content_type, filename=download_name(document)
    )
    return _cache_headers(response, etag)


@workspace_view()
def document_review(
    request: HttpRequest, workspace: CountyWorkspace, application_pk: int, pk: int
) -> HttpResponse:
    application = county_application(request, workspace, application_pk)
    document = county_document(request, workspace, pk)
    if document.application_id != application.pk:
        raise Http404("That document is not part of this application.")
    return run_action(
        request,
        workspace,
        form_class=ReviewDecisionForm,
        perform=lambda data: services.document_review(
            actor=request.user,
            document=document,
            verified=data["decision"] == ReviewDecisionForm.VERIFY,
            reason=data["reason"],
        ),
        success_message=_("Document review recorded."),
        done_url=application_url(workspace, application),
        context={
            "nav": "dashboard",
            "title": _("Review a document"),
            "subject": f"{document.get_kind_display()}: {document.original_name}",
            "intro": _("Verify the document if it is readable and matches the application."),
            "submit_label": _("Record the review"),
        },
    )
