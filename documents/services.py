"""Writes of documents: the document-view log (who opened which uploaded document, when, and
where).

Every view that serves a `Document`'s file calls `document_view_record` after the access
checks passed and the file opened, just before answering. The log is append-only in the
database (a trigger refuses UPDATE and DELETE), and county administrators and state staff
read it on the county workspace's audit page (`documents.selectors.document_views_for`).
"""

from accounts.models import User
from counties.models import County
from documents.models import Document, DocumentView, DocumentViewChannel


def document_view_record(
    *,
    viewer: User,
    document: Document,
    via: DocumentViewChannel | str,
    county: County | None = None,
) -> DocumentView:
    """Append one view of `document` by `viewer` through `via` ("portal", "workspace" or
    "admin"); `county` is the county workspace it was opened in, when there is one.

    One INSERT, made before the file is streamed: a view that started is logged even when
    the download is cut short.
    """
    return DocumentView.objects.create(
        document=document, viewer=viewer, via=DocumentViewChannel(via), county=county
    )
