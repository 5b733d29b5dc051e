"""Each county program's payment instructions (how to pay: address, office hours, accepted
methods), set by its administrator in the workspace's program settings, in English and
Spanish, shown on the person's fee pages and in fee emails; a default from the program's
contact details when it set none (docs/domain.md#fees)."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from counties.models import County
from counties.services.contact import county_contact_update
from fees.services import fee_due_record
from notifications.services import email_render
from tests.certification.builders import approved_application
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db

CONTACT = {
    "contact_email": "fees@alameda.example",
    "contact_phone": "(510) 555-0142",
    "contact_address": "2000 Embarcadero\nOakland, CA 94606",
    "contact_hours": "Monday to Friday, 9 am to 4 pm",
    "contact_hours_es": "De lunes a viernes, de 9 a 16 h",
}
OWN = "Bring a check payable to Alameda BHCS to Room 12, Tuesdays 10 to 2. No cash."
OWN_ES = "Traiga un cheque a nombre de Alameda BHCS a la sala 12, los martes de 10 a 14."


def _owe(cast):
    application = approved_application(applicant=cast.applicant, county=cast.county)
    return fee_due_record(
        actor=None,
        county=cast.county,
        person=cast.applicant,
        kind="application",
        application=application,
    )


def _page(cast, spanish=False) -> str:
    client = client_for(cast.applicant)
    if spanish:
        client.cookies["peercert_language"] = "es"
        return client.get(reverse("portal:fees"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    return client.get(reverse("portal:fees")).content.decode()


def test_by_default_the_fee_page_says_how_to_pay_from_the_contact_details(cast):
    county_contact_update(actor=cast.admin, county=cast.county, fields=CONTACT)
    _owe(cast)

    page = _page(cast)

    assert "Fees are paid to the certification program of Alameda County" in page
    assert "by check or money order made out to the program" in page
    assert "2000 Embarcadero<br>Oakland, CA 94606" in page
    assert "Monday to Friday, 9 am to 4 pm" in page
    assert 'href="mailto:fees@alameda.example"' in page
    spanish = _page(cast, spanish=True)
    assert "Las tarifas se pagan al programa de certificación del condado de Alameda" in spanish
    assert "De lunes a viernes, de 9 a 16 h" in spanish
    assert "Fees are paid to" not in spanish


def test_the_programs_own_instructions_replace_the_default_in_each_language(cast):
    county_contact_update(
        actor=cast.admin,
        county=cast.county,
        fields={**CONTACT, "payment_instructions": OWN, "payment_instructions_es": OWN_ES},
    )
    _owe(cast)

    english, spanish = _page(cast), _page(cast, spanish=True)

    assert OWN in english and "Fees are paid to the certification program" not in english
    assert OWN_ES in spanish and OWN not in spanish
    # Who to ask stays beside the county's own words.
    assert 'href="mailto:fees@alameda.example"' in english


def test_spanish_readers_read_the_english_text_when_the_program_wrote_no_spanish(cast):
    county_contact_update(
        actor=cast.admin, county=cast.county, fields={"payment_instructions": OWN}
    )
    _owe(cast)

    assert OWN in _page(cast, spanish=True)


def test_the_application_status_fee_box_shows_the_instructions(cast):
    county_contact_update(
        actor=cast.admin, county=cast.county, fields={"payment_instructions": OWN}
    )
    application = approved_application(applicant=cast.applicant, county=cast.county)
    _owe_on = fee_due_record(
        actor=None,
        county=cast.county,
        person=cast.applicant,
        kind="application",
        application=application,
    )
    assert _owe_on.amount_cents == 10000

    html = (
        client_for(cast.applicant)
        .get(reverse("portal:application_status", args=[application.pk]))
        .content.decode()
    )

    box = html.split('id="fees-heading"')[1]
    assert OWN in box and "Contact the program to pay" not in box


def test_the_administrator_edits_them_in_the_program_settings(cast, client):
    url = reverse("workspace:contact", args=[cast.county.code])
    client.force_login(cast.admin)
    form = client.get(url).content.decode()
    assert 'name="payment_instructions"' in form and 'name="payment_instructions_es"' in form
    assert 'id="payment-instructions-preview"' in form

    response = client.post(url, {**CONTACT, "payment_instructions": OWN})

    assert response.status_code == 302
    assert County.objects.get(pk=cast.county.pk).payment_instructions == OWN
    event = AuditEvent.objects.get(verb="county_contact_update")
    assert "payment_instructions" in event.data["fields"]
    assert OWN in client.get(url).content.decode()


def test_a_reviewer_cannot_change_them(cast, client):
    client.force_login(cast.reviewer)
    url = reverse("workspace:contact", args=[cast.county.code])

    assert client.post(url, {"payment_instructions": OWN}).status_code == 403
    assert County.objects.get(pk=cast.county.pk).payment_instructions == ""


def test_too_long_instructions_are_a_form_error(cast, client):
    client.force_login(cast.admin)
    url = reverse("workspace:contact", args=[cast.county.code])

    response = client.post(url, {"payment_instructions": "x" * 1501})

    assert response.status_code == 200 and 'id="id_payment_instructions_error"' in (
        response.content.decode()
    )
    assert County.objects.get(pk=cast.county.pk).payment_instructions == ""


@pytest.mark.parametrize("language", ["en", "es"])
def test_fee_emails_carry_the_instructions(cast, language):
    county_contact_update(
        actor=cast.admin,
        county=cast.county,
        fields={**CONTACT, "payment_instructions": OWN, "payment_instructions_es": OWN_ES},
    )
    cast.applicant.preferred_language = language
    cast.applicant.save()
    context = {
        "receipt_number": "R2026-000001",
        "fee_label": "Application fee",
        "amount": "$40.00",
        "outstanding": "$60.00",
        "paid_on": "2026-12-01",
        "county_name": cast.county.name,
        "reason": "Wrong fee.",
    }
    own = OWN_ES if language == "es" else OWN

    for kind in ("fee_payment_recorded", "fee_payment_voided"):
        message = email_render(user=cast.applicant, kind=kind, context=context)
        assert own in message.body, kind
        html = message.alternatives[0][0] if message.alternatives else ""
        assert own in html, kind

    paid = email_render(
        user=cast.applicant,
        kind="fee_payment_recorded",
        context={**context, "outstanding": "$0.00"},
    )
    assert own not in paid.body  # nothing left to pay
