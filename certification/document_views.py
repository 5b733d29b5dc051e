"""The document-view log: who opened which uploaded document, when, and where.

Every view that serves a `Document`'s file calls `document_view_record` after the access
checks passed and the file opened, just before answering. The log is append-only in the
database (a trigger refuses UPDATE and DELETE), and county administrators and state staff
read it on the county workspace's audit page.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from certification.models import Document, DocumentView, DocumentViewChannel
from counties.models import County
from counties.selectors import admin_counties


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


def document_views_for(user: User | AnonymousUser | None) -> QuerySet[DocumentView]:
    """The document views `user` may read (the access layer of the log): state staff every
    one; county administrators those made in their counties' workspaces; anyone else none.
    Newest first, with the viewer and the document's kind and owner loaded."""
    if user is None or not user.is_authenticated or not user.is_active:
        return DocumentView.objects.none()
    views = DocumentView.objects.select_related("viewer", "document__owner").order_by(
        "-viewed_at", "-id"
    )
    if user.is_state_staff:
        return views
    return views.filter(county__in=admin_counties(user))
