"""A county program's contact details: changed by its administrators only (audited), checked
on the way in, and shown in pages and emails through the `program` template tags."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.utils import translation

from audit.models import AuditEvent
from core.errors import DomainError
from counties.models import COUNTY_CONTACT_FIELDS, County, ProgramPolicy
from counties.services import county_contact_update
from notifications.services import email_render

pytestmark = pytest.mark.django_db

DETAILS = {
    "contact_email": "peers@alameda.example",
    "contact_phone": "(510) 555-0142",
    "contact_address": "2000 Embarcadero\nOakland, CA 94606",
    "contact_hours": "Monday to Friday, 9 am to 4 pm",
    "contact_hours_es": "De lunes a viernes, de 9 a 16 h",
    "contact_url": "https://alameda.example/peers",
    "payment_instructions": "Checks payable to Alameda BHCS, Room 12.",
    "payment_instructions_es": "Cheques a nombre de Alameda BHCS, sala 12.",
}


def details(code: str = "alameda") -> dict:
    return County.objects.filter(code=code).values(*COUNTY_CONTACT_FIELDS).get()


def test_an_administrator_sets_the_details_and_it_is_audited(cast):
    county_contact_update(actor=cast.admin, county=cast.county, fields={**DETAILS})

    assert details() == DETAILS
    event = AuditEvent.objects.get(verb="county_contact_update")
    assert (event.actor, event.county, event.data) == (
        cast.admin,
        cast.county,
        {"fields": sorted(DETAILS)},
    )


def test_values_are_trimmed_and_an_unchanged_save_writes_nothing(cast):
    county_contact_update(
        actor=cast.admin, county=cast.county, fields={"contact_email": "  a@alameda.example "}
    )
    county_contact_update(
        actor=cast.admin, county=cast.county, fields={"contact_email": "a@alameda.example"}
    )

    assert details()["contact_email"] == "a@alameda.example"
    assert AuditEvent.objects.filter(verb="county_contact_update").count() == 1


def test_an_empty_value_clears_a_detail(cast):
    county_contact_update(actor=cast.admin, county=cast.county, fields={**DETAILS})

    county_contact_update(actor=cast.admin, county=cast.county, fields={"contact_phone": ""})

    assert details()["contact_phone"] == ""
    assert details()["contact_email"] == DETAILS["contact_email"]


@pytest.mark.parametrize("who", ["reviewer", "other_admin", "state", "applicant"])
def test_only_the_countys_administrators_may_change_them(cast, who):
    before = details(), AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        county_contact_update(actor=getattr(cast, who), county=cast.county, fields={**DETAILS})

    assert (details(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"contact_email": "not an address"}, "contact_email", "Enter a valid email address."),
        ({"contact_url": "javascript:alert(1)"}, "contact_url", "Enter a valid URL."),
        (
            {"contact_url": "http://alameda.example"},
            "contact_url",
            "Give a web address that starts with https://.",
        ),
        ({"contact_hours": "x" * 201}, "contact_hours", "at most 200 characters"),
        ({"name": "Atlantis"}, None, "These details cannot be changed here: name."),
    ],
)
def test_bad_values_are_refused_on_their_field_and_nothing_changes(cast, fields, field, message):
    before = details(), AuditEvent.objects.count()

    with pytest.raises(DomainError) as refused:
        county_contact_update(actor=cast.admin, county=cast.county, fields={**DETAILS, **fields})

    assert refused.value.field == field
    assert message in refused.value.message
    assert (details(), AuditEvent.objects.count()) == before


def render(source: str, **context) -> str:
    return Template("{% load program %}" + source).render(Context(context))


def test_the_tag_shows_the_details_of_a_county_given_or_named(cast):
    county_contact_update(actor=cast.admin, county=cast.county, fields={**DETAILS})
    county = County.objects.get(pk=cast.county.pk)

    by_object = render("{% county_contact county %}", county=county)
    by_name = render("{% county_contact 'Alameda' 2 %}")
    text = render("{% county_contact_text 'Alameda' %}")

    assert "<h3" in by_object and "<h2" in by_name
    for html in (by_object, by_name):
        assert "Certification program of Alameda County" in html
        assert 'href="mailto:peers@alameda.example"' in html
        assert 'href="tel:5105550142"' in html
        assert "2000 Embarcadero<br>Oakland, CA 94606" in html
        assert 'href="https://alameda.example/peers"' in html
    assert "Email: peers@alameda.example\n" in text
    assert "Web page: https://alameda.example/peers\n" in text
    with translation.override("es"):
        spanish = render("{% county_contact_text 'Alameda' %}")
    assert "De lunes a viernes, de 9 a 16 h" in spanish
    assert "Programa de certificación del condado de Alameda" in spanish


def test_the_tag_shows_nothing_without_details_or_county(cast):
    assert render("{% county_contact county %}", county=cast.county).strip() == ""
    assert render("{% county_contact 'Atlantis' %}").strip() == ""
    assert render("{% county_contact_text '' %}").strip() == ""


def test_hostile_details_are_escaped(cast):
    County.objects.filter(pk=cast.county.pk).update(
        contact_hours="<script>alert(1)</script>", contact_address="<b>bold</b>"
    )

    html = render("{% county_contact 'Alameda' %}")

    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_the_exam_details_come_from_the_program_policy(cast):
    ProgramPolicy.current()
    ProgramPolicy.objects.update(exam_vendor_phone="1-800-555-0100")

    html = render("{% exam_booking 'Alameda' %}")
    text = render("{% exam_booking_text %}")

    assert 'href="https://home.pearsonvue.com/"' in html
    assert "or call 1-800-555-0100" in html
    assert "ask the certification program of Alameda County at least 30 days" in html
    assert "- Book a date: https://home.pearsonvue.com/ (or call 1-800-555-0100)" in text
    assert "ask for it at least 30 days before your exam date." in text


APPROVED = {
    "application_id": 1,
    "county_name": "Alameda",
    "approved_on": "2026-12-01",
    "window_ends_on": "2027-11-30",
    "exam_attempts_allowed": 3,
}


def test_the_approval_email_says_how_to_book_the_exam_and_how_to_reach_the_program(cast):

    county_contact_update(actor=cast.admin, county=cast.county, fields={**DETAILS})

    message = email_render(user=cast.applicant, kind="application_approved", context=APPROVED)
    html = message.alternatives[0][0]

    for body in (message.body, html):
        assert "How to take the exam" in body
        assert "https://home.pearsonvue.com/" in body
        assert "A current government photo ID" in body
        assert "at least 30 days before your exam date" in body
        assert "peers@alameda.example" in body
        assert "(510) 555-0142" in body
    assert "Office hours: Monday to Friday, 9 am to 4 pm" in message.body


def test_the_approval_email_in_spanish(cast):

    county_contact_update(actor=cast.admin, county=cast.county, fields={**DETAILS})
    cast.applicant.preferred_language = "es"

    message = email_render(user=cast.applicant, kind="application_approved", context=APPROVED)

    assert "Cómo presentar el examen" in message.body
    assert "Qué llevar:" in message.body
    assert "al menos 30 días antes de la fecha de su examen" in message.body
    assert "Horario de atención: De lunes a viernes, de 9 a 16 h" in message.body


@pytest.mark.parametrize(
    "kind",
    ["application_submitted", "application_denied", "certification_suspended", "exam_recorded"],
)
def test_every_email_that_says_to_contact_the_program_shows_its_details(cast, kind):

    county_contact_update(actor=cast.admin, county=cast.county, fields={**DETAILS})
    context = {
        "county_name": "Alameda",
        "application_id": 1,
        "certification_id": 1,
        "number": "PSS-0000001",
        "reason": "A reason.",
        "result": "failed",
        "taken_on": "2026-12-01",
        "attempts_left": 2,
        "window_ends_on": "2027-11-30",
        "expires_on": "2027-11-30",
    }

    message = email_render(user=cast.applicant, kind=kind, context=context)

    assert "Contact the certification program of Alameda" in message.body
    assert "Email: peers@alameda.example" in message.body
    assert 'href="mailto:peers@alameda.example"' in message.alternatives[0][0]
