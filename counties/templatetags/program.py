"""How to reach a county program, how to pay it and how to take the exam, for pages and emails
alike.

`{% county_contact county %}` (HTML) and `{% county_contact_text county %}` (plain text)
show a county program's contact details wherever the product tells someone to contact their
program; `{% payment_instructions county %}` and `{% payment_instructions_text county %}` how
to pay its fees (the county's own text, else a default from its contact details); `county` is
a County or its name (emails carry `county_name`). `{% exam_booking county %}` and
`{% exam_booking_text county %}` show the program's exam vendor, booking page, phone, what to
bring and how far ahead to ask for accommodations (`ProgramPolicy`).

Emails are rendered by a background task from ids and names, so the tags read the current
details when the email is written: one query for the county, one for the policy.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from counties.models import County, ProgramPolicy
from counties.selectors import ExamBooking, exam_booking_details

register = template.Library()


def _county(county: County | str | None) -> County | None:
    if isinstance(county, County):
        return county
    if not county:
        return None
    return County.objects.filter(name=str(county)).first()


def _spanish() -> bool:
    return (get_language() or "").startswith("es")


def _contact_context(county: County, heading_level: int = 3) -> dict:
    phone = county.contact_phone
    return {
        "county": county,
        "hours": (county.contact_hours_es if _spanish() else "") or county.contact_hours,
        "phone_href": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
        "heading_level": heading_level,
    }


@register.simple_tag
def county_contact(county: County | str | None, heading_level: int = 3) -> str:
    """The program's contact details as a USWDS address block (nothing when none are set)."""
    found = _county(county)
    if found is None or not found.has_contact:
        return ""
    return render_to_string("counties/contact.html", _contact_context(found, heading_level))


@register.simple_tag
def county_contact_text(county: County | str | None) -> str:
    """The same details as plain-text lines, for text emails."""
    found = _county(county)
    if found is None or not found.has_contact:
        return ""
    return render_to_string("counties/contact.txt", _contact_context(found))


def _payment_context(county: County, heading_level: int = 3) -> dict:
    return {
        **_contact_context(county, heading_level),
        "own": (county.payment_instructions_es if _spanish() else "")
        or county.payment_instructions,
    }


@register.simple_tag
def payment_instructions(county: County | str | None, heading_level: int = 3) -> str:
    """How to pay the program of `county` (HTML): its own instructions (in Spanish for Spanish
    readers when it wrote them), else a default from its contact details; then who to ask."""
    found = _county(county)
    if found is None:
        return ""
    return render_to_string(
        "counties/payment_instructions.html", _payment_context(found, heading_level)
    )


@register.simple_tag
def payment_instructions_text(county: County | str | None) -> str:
    """The same as plain text, for text emails."""
    found = _county(county)
    if found is None:
        return ""
    return render_to_string("counties/payment_instructions.txt", _payment_context(found))


@register.simple_tag
def exam_booking(
    county: County | str | None = None, heading_level: int = 3, exam: ExamBooking | None = None
) -> str:
    """How to book and sit the exam; `exam` when the caller has read it already."""
    return render_to_string(
        "counties/exam_booking.html",
        {
            "exam": exam or exam_booking_details(),
            "county": _county(county),
            "heading_level": heading_level,
        },
    )


@register.simple_tag
def exam_booking_text(county: County | str | None = None) -> str:
    return render_to_string(
        "counties/exam_booking.txt", {"exam": exam_booking_details(), "county": _county(county)}
    )


@register.simple_tag
def appeal_days() -> int:
    """The days a person has to appeal a decision (`ProgramPolicy.appeal_days`)."""
    return ProgramPolicy.current().appeal_days
