"""The public complaint form (no account) and staff's record of a phone call or letter: a
complaint is saved (behind row-level security, through the form's capability) before any
email, with its reference, its handling county and its attachments; sent twice it is filed
once; every refusal is a clear error with nothing saved, never a 500; an ethics complaint more
than 3 years after the incident is accepted and flagged with its reason; the acknowledgement
email goes once, with the reference, what happens next and the program's contact details."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from audit.models import AuditEvent
from cases import rules, services
from cases.models import Case, CaseDocument, CaseEvent, Complaint
from jobs.models import OutboxMessage
from tests.factories import MINIMAL_PDF, CertificationFactory
from tests.security.hostile import (
    HOSTILE,
    assert_answered,
    assert_refused_clearly,
    has_nul,
    some_hostile,
)

pytestmark = pytest.mark.django_db

URL = "/complaint/"


def _pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def _form(client, **changes) -> dict:
    """A filled-in form, with the one-time key the page gave."""
    page = client.get(URL)
    key = page.context["form"].initial["form_key"]
    data = {
        "form_key": key,
        "subject_kind": "peer",
        "subject_number": "",
        "subject_name": "",
        "category": "boundaries",
        "incident_on": (timezone.localdate() - datetime.timedelta(days=20)).isoformat(),
        "summary": "The peer asked my son for money after a group session.",
        "complainant_name": "Maria Lopez",
        "complainant_email": "maria@example.test",
        "complainant_phone": "510-555-0199",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _nothing_saved() -> None:
    assert (Case.objects.count(), Complaint.objects.count(), CaseDocument.objects.count()) == (
        0,
        0,
        0,
    )


def test_the_form_is_public_and_reached_from_the_verify_pages_and_the_footer(client, cast):
    certification = CertificationFactory(issuing_county=cast.county)
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'for="id_summary"' in html and 'enctype="multipart/form-data"' in html
    # The plain statement of how the contact details are used.
    assert "never shown to the person you complain about" in html
    assert f'href="{URL}"' in client.get("/").content.decode()  # the footer
    assert f'href="{URL}"' in client.get("/verify/").content.decode()
    entry = client.get(f"/verify/{certification.number}").content.decode()
    assert f"{URL}?number={certification.number}" in entry
    prefilled = client.get(URL, {"number": certification.number})
    assert prefilled.context["form"].initial["subject_number"] == certification.number


def test_a_complaint_about_a_certified_peer_is_saved_with_its_county_and_files(client, cast):
    certification = CertificationFactory(issuing_county=cast.county, number="PSS-0001234")
    cast.county.contact_email = "peers@alameda.example"
    cast.county.contact_phone = "510-555-0100"
    cast.county.save()
    data = _form(client, subject_number=certification.number.lower().replace("-", " "))
    data["attachments"] = [_pdf("one.pdf"), _pdf("two.pdf")]
    response = client.post(URL, data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == "/complaint/sent/"
    complaint = Complaint.objects.select_related("case").get()
    case = complaint.case
    assert (case.county, case.certification, case.subject, case.source, case.stage) == (
        cast.county,
        certification,
        certification.holder,
        "complaint",
        "intake",
    )
    assert case.source_ref.startswith("complaint:") and not complaint.out_of_time
    assert case.acknowledgement_due == rules.acknowledgement_due(timezone.localdate())
    assert (complaint.complainant_name, complaint.complainant_email) == (
        "Maria Lopez",
        "maria@example.test",
    )
    assert sorted(CaseDocument.objects.values_list("original_name", "kind")) == [
        ("one.pdf", "complaint"),
        ("two.pdf", "complaint"),
    ]
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == ["opened"]
    assert AuditEvent.objects.filter(verb="complaint_file", object_id=case.pk).count() == 1
    # The acknowledgement is queued in the same transaction, sent after it.
    assert OutboxMessage.objects.filter(
        task_name=services.complaints.ACKNOWLEDGEMENT_TASK,
        kwargs={"complaint_id": complaint.pk},
    ).exists()
    sent = client.get("/complaint/sent/").content.decode()
    assert complaint.reference in sent
    assert "peers@alameda.example" in sent and "510-555-0100" in sent
    assert "5 business days" in sent


def test_sent_twice_the_form_files_one_complaint(client, cast):
    data = _form(client, subject_name="Pat Example")
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert Complaint.objects.count() == 1 and Case.objects.count() == 1


def test_a_complaint_by_name_an_applicant_or_a_provider_goes_to_state_staff(client, cast):
    client.post(URL, _form(client, subject_kind="provider", subject_name="Acme Training"))
    client.post(URL, _form(client, subject_kind="applicant", subject_name="Lee Doe"))
    assert sorted(Case.objects.values_list("subject_name", "county")) == [
        ("Acme Training", None),
        ("Lee Doe", None),
    ]
    sent = client.get("/complaint/sent/").content.decode()
    assert "State certification staff handle it" in sent and 'href="/programs/"' in sent


def test_an_ethics_complaint_after_three_years_is_accepted_and_flagged(client, cast, settings):
    settings.STAFF_MFA_REQUIRED = False
    today = timezone.localdate()
    old = rules.years_after(today, -3) - datetime.timedelta(days=1)
    client.post(URL, _form(client, subject_name="Old Case", incident_on=old.isoformat()))
    client.post(
        URL,
        _form(
            client,
            subject_name="Old Fraud",
            category="application_fraud",
            incident_on=old.isoformat(),
        ),
    )
    on_time = rules.years_after(today, -3)
    client.post(URL, _form(client, subject_name="Just In Time", incident_on=on_time.isoformat()))
    flagged = dict(Complaint.objects.values_list("case__subject_name", "out_of_time"))
    assert flagged == {"Old Case": True, "Old Fraud": False, "Just In Time": False}
    reason = Complaint.objects.get(case__subject_name="Old Case").out_of_time_reason
    assert old.isoformat() in reason and "within 3 years" in reason
    # Shown to staff (state staff handle a complaint by name).
    client.force_login(cast.state)
    case = Case.objects.get(subject_name="Old Case")
    case.county = cast.county
    case.save()
    Complaint.objects.filter(case=case).update(county=cast.county)
    page = client.get(reverse("workspace:case", args=[cast.county.code, case.pk]))
    html = page.content.decode()
    assert "Out of time for an ethics complaint." in html and reason.split(" (")[0] in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"subject_number": "PSS-9999999"}, "No certification has this number"),
        ({"subject_name": "", "subject_number": ""}, "certification number or their name"),
        ({"subject_kind": "provider"}, "name of the training provider"),
        ({"subject_kind": "nobody"}, "Select a valid choice"),
        ({"category": "exclusion"}, "Select a valid choice"),
        ({"incident_on": ""}, "Give the date of the incident."),
        ({"incident_on": "2999-01-01"}, "cannot be in the future"),
        ({"incident_on": "31/31/2026"}, "Enter the date like"),
        ({"summary": "   "}, "Describe what happened."),
        ({"complainant_email": "not an address"}, "Enter an email address like"),
        ({"form_key": ""}, "This form has expired"),
        ({"form_key": "short"}, "This form has expired"),
        ({"website": "http://spam.example"}, "the field that must stay empty"),
        ({"summary": "x" * 10001}, "at most 10000 characters"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_saved(client, cast, changes, message):
    data = _form(client, subject_name="Pat Example")
    data.update(changes)
    if changes.get("subject_kind") == "provider":
        data["subject_name"] = ""
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    _nothing_saved()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 64), "is not a PDF, JPEG or PNG"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
        (
            SimpleUploadedFile(
                "script.pdf", b"%PDF-1.4\n1 0 obj << /JS (app.alert(1)) >> endobj\n%%EOF\n"
            ),
            "script.pdf",
        ),
    ],
)
def test_a_bad_attachment_is_refused_by_name_and_nothing_is_saved(client, cast, upload, message):
    data = _form(client, subject_name="Pat Example")
    data["attachments"] = [_pdf(), upload]
    response = client.post(URL, data)
    assert response.status_code == 400 and message in response.content.decode()
    _nothing_saved()


def test_too_many_attachments_are_refused(client, cast, settings):
    data = _form(client, subject_name="Pat Example")
    data["attachments"] = [_pdf(f"{n}.pdf") for n in range(6)]
    response = client.post(URL, data)
    assert response.status_code == 400 and "Attach at most 5 files." in response.content.decode()
    _nothing_saved()


def test_an_oversized_request_is_refused_with_413_never_500(client, cast, settings):
    settings.REQUEST_BODY_MAX_BYTES = 200_000
    data = _form(client, subject_name="Pat Example")
    data["attachments"] = [SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 300_000)]
    response = client.post(URL, data)
    assert response.status_code == 413
    _nothing_saved()


def test_past_the_rate_limit_the_form_is_kept_and_nothing_saved(client, cast, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "complaint": "2/h/ip"}
    for name in ("One", "Two"):
        assert client.post(URL, _form(client, subject_name=name)).status_code == 302
    refused = client.post(URL, _form(client, subject_name="Three", summary="Kept text."))
    assert refused.status_code == 429
    assert "Too many complaints" in refused.content.decode()
    assert "Kept text." in refused.content.decode()
    assert Complaint.objects.count() == 2


def test_hostile_text_is_stored_as_text_or_refused_never_a_500(client, cast):
    hostile = "<script>alert(1)</script>\u202e O'Brien; DROP TABLE x;-- \x00"
    response = client.post(
        URL,
        _form(client, subject_name=hostile, summary=hostile, complainant_name=hostile),
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        case = Case.objects.get()
        assert "\x00" not in case.summary and "<script>" in case.summary


def test_the_confirmation_page_without_a_complaint_goes_back_to_the_form(client, cast):
    response = client.get("/complaint/sent/")
    assert response.status_code == 302 and response["Location"] == URL


def test_the_acknowledgement_is_emailed_once_with_the_reference_and_the_contact(cast):
    cast.county.contact_email = "peers@alameda.example"
    cast.county.save()
    certification = CertificationFactory(issuing_county=cast.county)
    complaint = services.complaint_file(
        actor=None,
        form_key="k" * 30,
        subject_kind="peer",
        subject_number=certification.number,
        category="respect",
        summary="Rude to my mother.",
        incident_on=timezone.localdate(),
        complainant_name="Maria Lopez",
        complainant_email="Maria@Example.test",
        language="es",
    )
    assert services.complaint_acknowledgement_send(complaint_id=complaint.pk) is True
    assert services.complaint_acknowledgement_send(complaint_id=complaint.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria@example.test"]
    assert complaint.reference in message.subject and complaint.reference in message.body
    assert "peers@alameda.example" in message.body
    assert message.subject == f"Recibimos su queja ({complaint.reference})"
    # Nothing of the complaint's content is repeated.
    assert "Rude to my mother" not in message.body
    complaint.refresh_from_db()
    assert complaint.acknowledgement_sent_at is not None


def test_no_email_address_no_acknowledgement_queued(client, cast):
    client.post(URL, _form(client, subject_name="Pat Example", complainant_email=""))
    complaint = Complaint.objects.get()
    assert not OutboxMessage.objects.filter(kwargs={"complaint_id": complaint.pk}).exists()
    assert services.complaint_acknowledgement_send(complaint_id=complaint.pk) is False


def test_staff_record_a_phone_call_with_the_callers_details(cast, client, settings):
    settings.STAFF_MFA_REQUIRED = False
    certification = CertificationFactory(issuing_county=cast.county)
    client.force_login(cast.reviewer)
    response = client.post(
        reverse("workspace:case_open", args=[cast.county.code]),
        {
            "subject_kind": "peer",
            "certification_number": certification.number,
            "category": "confidentiality",
            "received_on": timezone.localdate().isoformat(),
            "incident_on": "2020-01-02",
            "summary": "Caller says her story was shared.",
            "complainant_name": "Caller Person",
            "complainant_phone": "510-555-0142",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.select_related("case").get()
    assert (complaint.case.source, complaint.case.opened_by, complaint.complainant_name) == (
        "phone_letter",
        cast.reviewer,
        "Caller Person",
    )
    assert complaint.out_of_time  # 2020 is more than 3 years ago
    detail = client.get(reverse("workspace:case", args=[cast.county.code, complaint.case.pk]))
    assert "Caller Person" in detail.content.decode()
    assert complaint.reference in detail.content.decode()


@HOSTILE
@given(
    values=some_hostile(
        {
            "subject_kind": "provider",
            "subject_number": "",
            "subject_name": "Acme Training",
            "category": "safety",
            "incident_on": "2026-01-02",
            "summary": "Unsafe practice in class.",
            "complainant_name": "Ana",
            "complainant_email": "ana@example.test",
            "complainant_phone": "555",
        }
    )
)
def test_hostile_input_on_the_public_form_is_refused_clearly_or_saved(
    client, cast, settings, values
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "complaint": "1000/h/ip"}
    before = Complaint.objects.count()
    response = client.post(URL, _form(client, **values))
    assert_answered(response)
    if response.status_code == 302:
        assert Complaint.objects.count() == before + 1
        assert not any(has_nul(v) for v in values.values())
        stored = Complaint.objects.select_related("case").order_by("-pk").first()
        assert "\x00" not in stored.case.summary + stored.case.subject_name
    else:
        assert_refused_clearly(response)
        assert Complaint.objects.count() == before
