"""Documents: the wizard's upload step, and viewing or removing one's own document.

Files are served only here, after the access layer (`document_get`) and an owner check, with
the content type found by sniffing at upload, a safe ASCII file name and `nosniff`. Nothing
about the file (name, content) is logged.
"""

import re
import unicodedata

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certification import rules, services
from certification.models import Pathway
from certification.selectors import document_get
from core.errors import DomainError
from documents.models import Document, DocumentKind
from documents.services import document_view_record
from documents.uploads import EXTENSION_OF_TYPE
from portal import steps
from portal.forms import CeCreditForm, DocumentUploadForm
from portal.stash import portal_login_required
from portal.views.common import own_application
from portal.views.wizard import WizardState

LETTER = DocumentKind.RECOMMENDATION_LETTER
# The `kind` the CE record form posts (not a document kind: the record carries its proof).
CE_RECORD = "ce_record"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NAME_STEM_MAX = 80


def safe_download_name(document: Document) -> str:
    """An ASCII file name for the Content-Disposition header: the uploader's name reduced to
    letters, digits, dot, dash and underscore, with the extension of the sniffed type."""
    ascii_name = (
        unicodedata.normalize("NFKD", document.original_name).encode("ascii", "ignore").decode()
    )
    stem = ascii_name.rsplit(".", 1)[0] if "." in ascii_name else ascii_name
    stem = _UNSAFE.sub("_", stem).strip("._-")[:_NAME_STEM_MAX] or "document"
    return stem + EXTENSION_OF_TYPE.get(document.content_type, "")


def _own_document(request: HttpRequest, pk: int) -> Document:
    document = document_get(request.user, pk)
    if document.owner_id != request.user.pk:
        raise Http404("No such document.")
    return document


@portal_login_required()
@require_GET
@xframe_options_sameorigin
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file itself: shown in the browser (PDF, JPEG and PNG all are), or downloaded with
    `?download=1`."""
    document = _own_document(request, pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        # ValueError: no file at all, its copy purged after the retention (documents.services).
        raise Http404("The file is missing.") from None
    document_view_record(viewer=request.user, document=document, via="portal")
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("download") == "1",
        filename=safe_download_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@portal_login_required()
@require_POST
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one's own document while it may still change (the service decides)."""
    document = _own_document(request, pk)
    try:
        services.document_remove(actor=request.user, document=document)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The document was removed."))
    if document.application_id is not None:
        return redirect("portal:application_documents", pk=document.application_id)
    return redirect("portal:home")


@portal_login_required()
@require_http_methods(["GET", "POST"])
def application_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 5: the photo ID and the diploma, each uploaded with its own form, so a refused
    file is reported at its field and nothing else on the page changes. For out-of-state
    reciprocity also the letters of recommendation (one upload each) and the CE records
    with their proof (docs/domain.md#other-pathways), each section saying what is left."""
    application = own_application(request, pk)
    state = WizardState(request, application, steps.DOCUMENTS)
    labels = {kind: DocumentKind(kind).label for kind in rules.APPLICATION_DOCUMENTS}
    out_of_state = application.pathway == Pathway.OUT_OF_STATE
    if out_of_state:
        labels[LETTER] = DocumentKind(LETTER).label
    upload_forms = {
        kind: DocumentUploadForm(prefix=kind, document_label=labels[kind]) for kind in labels
    }
    ce_form = CeCreditForm(prefix="ce")
    proof_editable = out_of_state and steps.document_kind_editable(LETTER, application)
    if request.method == "POST" and request.POST.get("kind") == CE_RECORD:
        if not proof_editable:
            messages.error(request, _("This document cannot be changed now."))
            return redirect("portal:application_documents", pk=application.pk)
        ce_form = CeCreditForm(request.POST, request.FILES, prefix="ce")
        if ce_form.is_valid():
            data = ce_form.cleaned_data
            try:
                services.out_of_state_ce_add(
                    actor=request.user,
                    application=application,
                    title=data["title"],
                    provider_name=data["provider_name"],
                    hours=data["hours"],
                    category=data["category"],
                    completed_on=data["completed_on"],
                    uploaded_file=data["proof"],
                )
            except DomainError as error:
                ce_form.add_domain_error(error, field_map={"document": "proof", "file": "proof"})
            else:
                messages.success(request, _("Your CE record was added."))
                return redirect(f"{request.path}#heading-ce")
    elif request.method == "POST":
        kind = request.POST.get("kind")
        if kind not in upload_forms or not steps.document_kind_editable(kind, application):
            messages.error(request, _("This document cannot be changed now."))
            return redirect("portal:application_documents", pk=application.pk)
        form = DocumentUploadForm(
            request.POST, request.FILES, prefix=kind, document_label=labels[kind]
        )
        upload_forms[kind] = form
        if form.is_valid():
            try:
                services.document_upload(
                    owner=request.user,
                    kind=kind,
                    uploaded_file=form.cleaned_data["file"],
                    application=application,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Your file was uploaded."))
                return redirect("portal:application_documents", pk=application.pk)
    sections = [
        {
            "kind": kind,
            "label": labels[kind],
            "document": state.documents.get(kind),
            "form": upload_forms[kind],
            "editable": steps.document_kind_editable(kind, application),
        }
        for kind in rules.APPLICATION_DOCUMENTS
    ]
    letters = [d for d in state.all_documents if d.kind == LETTER and d.removed_at is None]
    letters_line, ce_line = state.proof_lines or (None, None)
    return render(
        request,
        "portal/wizard/documents.html",
        state.context(
            sections=sections,
            out_of_state=out_of_state,
            proof_editable=proof_editable,
            letters=letters,
            letter_form=upload_forms.get(LETTER),
            letters_line=letters_line,
            ce_records=[r for r in state.ce_records if r.document.removed_at is None],
            ce_form=ce_form,
            ce_line=ce_line,
        ),
    )
