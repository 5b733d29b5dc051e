"""Reads of applications, documents and certifications, scoped to who asks (the access layer,
DESIGN.md 'Tenancy'). Views and APIs read these models only through this module.

- The person sees their own rows, drafts included.
- County staff (any role) see their counties' rows: applications filed with one of their
  counties, certifications issued by one of them, and the documents of a person who applied to
  one of them or holds a certification issued by one of them (`training.selectors`).
- State staff see every county's rows, read-only.
- Anyone else (anonymous, inactive users, other applicants) sees nothing.

Drafts are private: an application in `draft` is visible to its applicant only, not to the
county it names nor to the state, because nothing has been submitted to a program yet. The same
reasoning keeps the documents of someone who has only drafts out of every staff view.

A staff member's counties are read once per user object (`counties.selectors.staff_county_ids`,
one query, cached on it like `accounts.roles.is_county_staff`); everyone else is filtered on
their own rows alone, which an index answers.

Issued certifications are public facts (the registry): `certification_by_number_public` answers
for anyone; what the registry shows of the person is for its callers to limit.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from certification.models import Application, ApplicationStatus, Certification, Document
from counties.selectors import staff_county_ids
from training.selectors import can_read, person_records_visible

# Longer inputs cannot be a certification number (the column holds 20 characters).
_MAX_NUMBER_LENGTH = 20


def applications_for(user: User | AnonymousUser | None) -> QuerySet[Application]:
    """The applications `user` may see (own, including drafts; staff: their counties'
    submitted ones), newest first, with applicant and county loaded."""
    if not can_read(user):
        return Application.objects.none()
    visible = Q(applicant=user)
    if user.is_state_staff:
        visible |= ~Q(status=ApplicationStatus.DRAFT)
    elif county_ids := staff_county_ids(user):
        visible |= ~Q(status=ApplicationStatus.DRAFT) & Q(county_id__in=county_ids)
    return Application.objects.filter(visible).select_related("applicant", "county")


def application_get(user: User | AnonymousUser | None, pk: object) -> Application:
    """One application `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return applications_for(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such application.") from exc


def documents_for(
    user: User | AnonymousUser | None, *, include_removed: bool = False
) -> QuerySet[Document]:
    """The documents `user` may see, newest first. Removed documents (`removed_at` set) are
    left out unless `include_removed` (for history and audit views)."""
    if not can_read(user):
        return Document.objects.none()
    documents = Document.objects.filter(person_records_visible(user, "owner"))
    if not include_removed:
        documents = documents.filter(removed_at__isnull=True)
    return documents.select_related("owner")


def document_get(
    user: User | AnonymousUser | None, pk: object, *, include_removed: bool = False
) -> Document:
    """One document `user` may see, or Http404 (also for a malformed `pk`, and for a removed
    document unless `include_removed`)."""
    try:
        return documents_for(user, include_removed=include_removed).get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such document.") from exc


def certifications_for(user: User | AnonymousUser | None) -> QuerySet[Certification]:
    """The certifications `user` may see in full (own; staff: issued by their counties; state:
    all), by number, with holder, issuing county and specializations loaded."""
    if not can_read(user):
        return Certification.objects.none()
    certifications = Certification.objects.select_related(
        "holder", "issuing_county"
    ).prefetch_related("specializations")
    if user.is_state_staff:
        return certifications
    if county_ids := staff_county_ids(user):
        return certifications.filter(Q(holder=user) | Q(issuing_county_id__in=county_ids))
    return certifications.filter(holder=user)


def certification_get(user: User | AnonymousUser | None, pk: object) -> Certification:
    """One certification `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return certifications_for(user).get(pk=pk)
    except (Certification.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such certification.") from exc


def certification_by_number_public(number: str) -> Certification | None:
    """The certification with this number, in any status, or None. Public: no user needed.
    Surrounding spaces and letter case are ignored ("pss-0001000" finds "PSS-0001000")."""
    if not isinstance(number, str):
        return None
    normalized = number.strip().upper()
    # PostgreSQL refuses NUL in text: such a number cannot exist, so do not ask.
    if not normalized or len(normalized) > _MAX_NUMBER_LENGTH or "\x00" in normalized:
        return None
    return (
        Certification.objects.select_related("issuing_county")
        .prefetch_related("specializations")
        .filter(number=normalized)
        .first()
    )
