"""Spanish is complete on the pages a complainant or a peer sees about a complaint: every
message of their templates (the public form, its confirmation, the peer's request and
response pages, the complainant's and the peer's emails) has a Spanish translation, and the
pages render in Spanish."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

from cases import services
from notifications.services import email_render
from tests.factories import CertificationFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PUBLIC_TEMPLATES = [
    "portal/complaint.html",
    "portal/complaint_sent.html",
    "portal/responses/list.html",
    "portal/responses/respond.html",
    "emails/complaint_acknowledgement.subject.txt",
    "emails/complaint_acknowledgement.txt",
    "emails/complaint_acknowledgement.html",
    "emails/case_response_requested.subject.txt",
    "emails/case_response_requested.txt",
    "emails/case_response_requested.html",
]
# Messages whose Spanish is spelled the same.
SAME_IN_SPANISH = {"Error:"}

_TRANSLATE = re.compile(r'{% translate "((?:[^"\\]|\\.)*)"')
_BLOCK = re.compile(r"{% blocktranslate( trimmed)?[^%]*%}(.*?){% endblocktranslate %}", re.S)
_VARIABLE = re.compile(r"{{ *(\w+) *}}")


def _messages(template: str) -> list[str]:
    text = (TEMPLATES / template).read_text()
    found = [m.replace('\\"', '"') for m in _TRANSLATE.findall(text)]
    for trimmed, body in _BLOCK.findall(text):
        if trimmed:
            body = " ".join(body.split())
        found.append(_VARIABLE.sub(r"%(\1)s", body))
    return found


@pytest.mark.parametrize("template", PUBLIC_TEMPLATES)
def test_every_message_of_the_template_has_spanish(template):
    messages = _messages(template)
    assert messages, template
    with translation.override("es"):
        missing = [m for m in messages if m not in SAME_IN_SPANISH and translation.gettext(m) == m]
    assert missing == []


def test_the_extraction_would_catch_a_missing_translation():
    with translation.override("es"):
        assert translation.gettext("A sentence nobody translated.") == (
            "A sentence nobody translated."
        )
    assert "Make a complaint" in _messages("portal/complaint.html")


@pytest.mark.django_db
def test_the_public_form_and_its_errors_in_spanish(client, cast):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get("/complaint/").content.decode()
    assert "Presentar una queja" in page and "¿Sobre quién es la queja?" in page
    assert "Límites profesionales" in page  # the Code of Ethics categories
    assert "Make a complaint" not in page and "What happened?" not in page
    key = client.get("/complaint/").context["form"].initial["form_key"]
    refused = client.post(
        "/complaint/",
        {
            "form_key": key,
            "subject_kind": "peer",
            "subject_number": "PSS-9999999",
            "category": "respect",
            "incident_on": "2026-01-02",
            "summary": "Algo pasó.",
        },
    ).content.decode()
    assert "Ninguna certificación tiene este número" in refused


@pytest.mark.django_db
def test_the_peers_email_in_spanish(cast):
    peer = CertificationFactory(issuing_county=cast.county).holder
    peer.preferred_language = "es"
    message = email_render(
        user=peer,
        kind="case_response_requested",
        context={
            "request_id": 1,
            "due_on": (timezone.localdate() + datetime.timedelta(days=21)).isoformat(),
            "county_name": cast.county.name,
        },
    )
    assert message.subject == "Se le pide su respuesta a una queja"
    assert "Inicie sesión para leer la solicitud" in message.body


@pytest.mark.django_db
def test_the_complainants_email_in_spanish(cast):
    complaint = services.complaint_file(
        actor=None,
        form_key="s" * 30,
        subject_kind="provider",
        subject_name="Acme",
        category="safety",
        summary="x",
        incident_on=timezone.localdate(),
        complainant_email="a@example.test",
        language="es",
    )
    from cases.emails import complaint_acknowledgement_email

    message = complaint_acknowledgement_email(complaint)
    assert message.subject == f"Recibimos su queja ({complaint.reference})"
    assert "Su número de referencia es" in message.body
