"""Emails of complaints to people who have no account (the complainant): rendered in the
language they filed in, from templates/emails/<kind>.{subject.txt,txt,html}, sent through the
product's logged backend (notifications.mail). Emails to a peer go through
`notifications.services.notify` like every email to a person with an account."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from cases.models import Complaint
from notifications.mail import KIND_HEADER

ACKNOWLEDGEMENT_KIND = "complaint_acknowledgement"


def complaint_acknowledgement_email(complaint: Complaint) -> EmailMultiAlternatives:
    """The acknowledgement of `complaint` to its complainant: the reference, what happens
    next and the handling program's contact details (none: the state staff, and where to
    find the county programs). Nothing about the complaint's content is repeated."""
    case = complaint.case
    context = {
        "reference": complaint.reference,
        "name": complaint.complainant_name,
        "received_on": case.received_on,
        "acknowledgement_due": case.acknowledgement_due,
        "resolution_due": case.resolution_due,
        "county_name": complaint.county.name if complaint.county is not None else "",
        "site_url": settings.SITE_URL,
    }
    language = complaint.language if complaint.language in dict(settings.LANGUAGES) else None
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{ACKNOWLEDGEMENT_KIND}.subject.txt", context)
        text = render_to_string(f"emails/{ACKNOWLEDGEMENT_KIND}.txt", context)
        html = render_to_string(f"emails/{ACKNOWLEDGEMENT_KIND}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[complaint.complainant_email],
        headers={KIND_HEADER: ACKNOWLEDGEMENT_KIND},
    )
    message.attach_alternative(html, "text/html")
    return message
