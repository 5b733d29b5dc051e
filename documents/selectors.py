"""Reads of the document-view log, scoped to who asks. (Documents themselves are a person's
private records, read through `certification.selectors.documents_for`.)"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from counties.selectors import admin_counties
from documents.models import DocumentView


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
