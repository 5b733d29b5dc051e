"""Helpers shared by the portal views: the person's own objects, or 404."""

from django.http import Http404, HttpRequest

from accounts.models import User
from certification.models import TERMINAL_CERTIFICATION_STATUSES, Application, Certification
from certification.selectors import application_get, certifications_for


def own_application(request: HttpRequest, pk: int) -> Application:
    """The signed-in person's own application `pk`, or 404 (someone else's, even one a staff
    member may read in the county workspace, is not part of their portal)."""
    application = application_get(request.user, pk)
    if application.applicant_id != request.user.pk:
        raise Http404("No such application.")
    return application


def own_certification(user: User) -> Certification | None:
    """The person's current certification (the one not revoked or vacated, else the latest
    issued), with issuing county and specializations loaded, or None."""
    certifications = certifications_for(user).filter(holder=user)
    ordered = sorted(
        certifications,
        key=lambda c: (c.status not in TERMINAL_CERTIFICATION_STATUSES, c.issued_on, c.pk),
    )
    return ordered[-1] if ordered else None


def own_certification_or_404(request: HttpRequest) -> Certification:
    certification = own_certification(request.user)
    if certification is None:
        raise Http404("No certification.")
    return certification
