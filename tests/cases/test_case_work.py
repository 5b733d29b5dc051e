"""A case's internal notes and evidence, and the request to the peer for their response:
private to the handling county and state staff (access layer, row-level security); the peer
reads only their own request and answers it in the portal, and never learns who complained
(the portal page and the email); every refusal changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import ProgrammingError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import services
from cases.models import CaseDocument, CaseEvent, CaseResponseRequest, Complaint
from cases.services.complaints import complaint_source_ref
from core.errors import DomainError
from jobs.models import OutboxMessage
from notifications.services import email_render
from tests.factories import MINIMAL_PDF, CertificationFactory, UserFactory
from tests.security.test_rls import acting, acting_as

pytestmark = pytest.mark.django_db

COMPLAINANT = {
    "complainant_name": "Carla Quintero",
    "complainant_email": "carla.q@example.test",
    "complainant_phone": "(510) 555-0177",
}


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


def _pdf(name: str = "e.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def _complaint(cast, county=None, key="k") -> Complaint:
    certification = CertificationFactory(issuing_county=county or cast.county)
    return services.complaint_file(
        actor=None,
        form_key=key * 30,
        subject_kind="peer",
        subject_number=certification.number,
        category="boundaries",
        summary="Carla Quintero says the peer asked for money.",
        incident_on=timezone.localdate() - datetime.timedelta(days=3),
        attachments=[_pdf("photo.pdf")],
        **COMPLAINANT,
    )


def _url(cast, name, *args):
    return reverse(f"workspace:{name}", args=[cast.county.code, *args])


def _state(case) -> tuple:
    return (
        CaseEvent.objects.filter(case=case).count(),
        CaseDocument.objects.filter(case=case).count(),
        list(CaseResponseRequest.objects.filter(case=case).values_list("pk", "responded_at")),
        AuditEvent.objects.count(),
    )


def test_staff_add_notes_and_evidence_on_the_timeline_and_open_the_files(cast, client):
    case = _complaint(cast).case
    client.force_login(cast.reviewer)
    assert (
        client.post(_url(cast, "case_note", case.pk), {"text": "Called the family."}).status_code
        == 302
    )
    response = client.post(
        _url(cast, "case_evidence", case.pk),
        {"file": _pdf("sign-in sheet.pdf"), "description": "Sign-in sheet"},
    )
    assert response.status_code == 302
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", "note"))
    assert kinds == [
        ("opened", "Complaint"),
        ("note", "Called the family."),
        ("evidence", "Sign-in sheet"),
    ]
    evidence = CaseDocument.objects.get(case=case, kind="evidence")
    assert (evidence.uploaded_by, evidence.original_name) == (cast.reviewer, "sign-in sheet.pdf")
    page = client.get(_url(cast, "case", case.pk)).content.decode()
    assert "Called the family." in page and "sign-in sheet.pdf" in page and "photo.pdf" in page
    before = AuditEvent.objects.filter(verb="case_document_view").count()
    opened = client.get(_url(cast, "case_document", case.pk, evidence.pk))
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert opened["X-Content-Type-Options"] == "nosniff"
    assert b"".join(opened.streaming_content) == MINIMAL_PDF
    assert AuditEvent.objects.filter(verb="case_document_view").count() == before + 1


def test_bad_notes_and_evidence_are_refused_and_change_nothing(cast, client):
    case = _complaint(cast).case
    client.force_login(cast.reviewer)
    before = _state(case)
    empty = client.post(_url(cast, "case_note", case.pk), {"text": "   "})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    fake = client.post(
        _url(cast, "case_evidence", case.pk),
        {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
    )
    assert fake.status_code == 200 and "is not a PDF, JPEG or PNG" in fake.content.decode()
    assert _state(case) == before


def test_another_county_gets_404_and_state_staff_403_and_nothing_changes(cast, client):
    case = _complaint(cast).case
    for who, expected in (("other_admin", 404), ("applicant", 404), ("state", 403)):
        client.force_login(getattr(cast, who))
        before = _state(case)
        for name, data in (
            ("case_note", {"text": "x"}),
            ("case_evidence", {"file": _pdf()}),
            ("case_response_request", {"message": "x", "due_on": "2099-01-01"}),
        ):
            assert client.post(_url(cast, name, case.pk), data).status_code == expected, (who, name)
        document = CaseDocument.objects.filter(case=case).first()
        if who != "state":
            assert client.get(_url(cast, "case_document", case.pk, document.pk)).status_code == 404
        assert _state(case) == before
    with pytest.raises(PermissionDenied):
        services.case_note_add(actor=cast.other_admin, case=case, text="x")
    with pytest.raises(PermissionDenied):
        services.case_evidence_add(actor=cast.state, case=case, uploaded_file=_pdf())


def test_a_reviewer_cannot_ask_the_peer_and_nothing_changes(cast, client):
    case = _complaint(cast).case
    client.force_login(cast.reviewer)
    before = _state(case)
    response = client.post(
        _url(cast, "case_response_request", case.pk),
        {"message": "Tell us.", "due_on": "2099-01-01"},
    )
    assert response.status_code == 403
    assert _state(case) == before
    with pytest.raises(PermissionDenied):
        services.response_request(
            actor=cast.reviewer, case=case, message="Tell us.", due_on=datetime.date(2099, 1, 1)
        )
    assert _state(case) == before


def test_the_peer_is_asked_answers_in_the_portal_and_never_learns_who_complained(cast, client):
    complaint = _complaint(cast)
    case = complaint.case
    peer = case.subject
    due = timezone.localdate() + datetime.timedelta(days=21)
    client.force_login(cast.admin)
    form = client.get(_url(cast, "case", case.pk)).content.decode()
    assert f'value="{due.isoformat()}"' in form  # ProgramPolicy.case_response_days
    response = client.post(
        _url(cast, "case_response_request", case.pk),
        {"message": "Please describe the group session of last week.", "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    request = CaseResponseRequest.objects.get(case=case)
    assert (request.peer, request.due_on, request.category) == (peer, due, "boundaries")
    queued = OutboxMessage.objects.get(kwargs__kind="case_response_requested")
    assert queued.kwargs["user_id"] == peer.pk
    email = email_render(
        user=peer, kind="case_response_requested", context=queued.kwargs["context"]
    )
    body = email.body + email.alternatives[0][0]
    assert f"/me/responses/{request.pk}/" in body
    for secret in (*COMPLAINANT.values(), "5550177", complaint.reference, "asked for money"):
        assert secret not in body and secret not in email.subject
    client.force_login(peer)
    page = client.get(reverse("portal:response", args=[request.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Please describe the group session" in html and "Professional boundaries" in html
    for secret in (*COMPLAINANT.values(), complaint.reference, "asked for money", "photo.pdf"):
        assert secret not in html
    assert (
        f"/me/responses/{request.pk}/" in client.get(reverse("portal:responses")).content.decode()
    )
    answered = client.post(
        reverse("portal:response", args=[request.pk]),
        {"text": "I never asked for money.", "attachments": [_pdf("schedule.pdf")]},
    )
    assert answered.status_code == 302
    request.refresh_from_db()
    assert request.response_text == "I never asked for money." and request.responded_at
    assert list(
        CaseDocument.objects.filter(case=case, kind="response").values_list(
            "original_name", "uploaded_by"
        )
    ) == [("schedule.pdf", peer.pk)]
    timeline = list(CaseEvent.objects.filter(case=case).values_list("kind", "actor"))
    assert timeline[-2:] == [("response_requested", cast.admin.pk), ("response", peer.pk)]
    # Sent twice: the second is refused, nothing changes.
    before = _state(case)
    again = client.post(
        reverse("portal:response", args=[request.pk]), {"text": "Again."}, follow=True
    )
    assert "You have already sent your response." in again.content.decode()
    assert _state(case) == before
    # Staff see the answer on the case.
    client.force_login(cast.reviewer)
    assert "I never asked for money." in client.get(_url(cast, "case", case.pk)).content.decode()


def test_nobody_else_reads_or_answers_the_peers_request(cast, client):
    case = _complaint(cast).case
    request = services.response_request(
        actor=cast.admin,
        case=case,
        message="Tell us.",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    before = _state(case)
    for user in (cast.applicant, cast.reviewer, cast.state, UserFactory()):
        client.force_login(user)
        url = reverse("portal:response", args=[request.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "Not me."}).status_code == 404
        with pytest.raises(PermissionDenied):
            services.response_submit(actor=user, request=request, text="Not me.")
    assert _state(case) == before


def test_the_request_refusals_change_nothing(cast):
    case = _complaint(cast).case
    future = timezone.localdate() + datetime.timedelta(days=5)
    before = _state(case)
    for message, due, error in (
        ("Carla Quintero said you asked for money.", future, "names the person who complained"),
        ("Write to carla.q@example.test", future, "names the person who complained"),
        ("Call 510 555 0177", future, "names the person who complained"),
        ("  ", future, "Write what the peer should respond to."),
        ("Tell us.", timezone.localdate(), "Give a due date after today."),
    ):
        with pytest.raises(DomainError, match=error):
            services.response_request(actor=cast.admin, case=case, message=message, due_on=due)
    assert _state(case) == before
    services.response_request(actor=cast.admin, case=case, message="Tell us.", due_on=future)
    with pytest.raises(DomainError, match="has not answered the last request"):
        services.response_request(actor=cast.admin, case=case, message="More.", due_on=future)
    by_name = services.complaint_file(
        actor=None,
        form_key="n" * 30,
        subject_kind="applicant",
        subject_name="Someone",
        category="respect",
        summary="x",
        incident_on=timezone.localdate(),
    ).case
    with pytest.raises(PermissionDenied):  # a state case: county staff are not its staff
        services.response_request(actor=cast.admin, case=by_name, message="x", due_on=future)
    with pytest.raises(DomainError, match="names no one with an account"):
        services.response_request(actor=cast.state, case=by_name, message="x", due_on=future)


def test_a_late_answer_is_accepted_and_shown_late(cast):
    case = _complaint(cast).case
    request = services.response_request(
        actor=cast.admin,
        case=case,
        message="Tell us.",
        due_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    CaseResponseRequest.objects.filter(pk=request.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    request.refresh_from_db()
    services.response_submit(actor=case.subject, request=request, text="Sorry, I was away.")
    event = AuditEvent.objects.get(verb="case_response_submit")
    assert event.data["late"] is True


# Row-level security of the new tables, without the access layer.


def _ids(cursor, table: str) -> set[int]:
    cursor.execute(f"SELECT id FROM {table}")
    return {row[0] for row in cursor.fetchall()}


def test_row_level_security_of_complaints_documents_and_requests(cast):
    alameda = _complaint(cast, key="a")
    fresno = _complaint(cast, county=cast.other_county, key="f")
    request = services.response_request(
        actor=cast.admin,
        case=alameda.case,
        message="Tell us.",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    peer = alameda.case.subject
    services.response_submit(actor=peer, request=request, text="My side.", attachments=[_pdf()])
    peer_document = CaseDocument.objects.get(kind="response")
    documents = {
        c: set(CaseDocument.objects.filter(case=c.case).values_list("pk", flat=True))
        for c in (alameda, fresno)
    }
    expected = {
        "applicant": (set(), set(), set()),
        "reviewer": ({alameda.pk}, documents[alameda], {request.pk}),
        "admin": ({alameda.pk}, documents[alameda], {request.pk}),
        "other_admin": ({fresno.pk}, documents[fresno], set()),
        "state": ({alameda.pk, fresno.pk}, documents[alameda] | documents[fresno], {request.pk}),
    }
    for who, (complaints, docs, requests) in expected.items():
        with acting_as(cast.everyone[who]) as cursor:
            assert _ids(cursor, "cases_complaint") == complaints, who
            assert _ids(cursor, "cases_casedocument") == docs, who
            assert _ids(cursor, "cases_caseresponserequest") == requests, who
    # The peer: their request and their own file, no complaint, no timeline but their answer.
    with acting_as(peer) as cursor:
        assert _ids(cursor, "cases_complaint") == set()
        assert _ids(cursor, "cases_casedocument") == {peer_document.pk}
        assert _ids(cursor, "cases_caseresponserequest") == {request.pk}
        cursor.execute("SELECT kind FROM cases_caseevent")
        assert [row[0] for row in cursor.fetchall()] == ["response"]
        cursor.execute("SELECT count(*) FROM cases_case")
        assert cursor.fetchone() == (0,)
        with pytest.raises(ProgrammingError, match="row-level"):
            cursor.execute(
                "INSERT INTO cases_caseevent (case_id, county_id, actor_id, at, kind, from_stage, "
                "to_stage, note) VALUES (%s, %s, %s, now(), 'note', '', '', 'x')",
                [alameda.case_id, cast.county.pk, peer.pk],
            )
    # The public form's capability opens its own case and nothing else.
    with acting(capability=complaint_source_ref("a" * 30)) as cursor:
        assert _ids(cursor, "cases_case") == {alameda.case_id}
        assert _ids(cursor, "cases_complaint") == {alameda.pk}
        assert _ids(cursor, "cases_caseresponserequest") == set()
        cursor.execute("SELECT count(*) FROM cases_casedocument WHERE kind = 'complaint'")
        assert cursor.fetchone() == (1,)
    with acting(capability="complaint:" + "0" * 64) as cursor:
        assert _ids(cursor, "cases_case") == set() and _ids(cursor, "cases_complaint") == set()
    with acting() as cursor:
        for table in ("cases_complaint", "cases_casedocument", "cases_caseresponserequest"):
            assert _ids(cursor, table) == set(), table
        with pytest.raises(ProgrammingError, match="row-level"):
            cursor.execute(
                "INSERT INTO cases_case (county_id, subject_name, source, source_ref, category, "
                "summary, stage, received_on, acknowledgement_due, resolution_due, "
                "extension_reason, created_at) VALUES (%s, 'x', 'complaint', 'complaint:x', "
                "'respect', 'x', 'intake', now(), now(), now(), '', now())",
                [cast.county.pk],
            )
    # Another county cannot add a file or a request to Alameda's case; nobody deletes.
    with acting_as(cast.other_admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "INSERT INTO cases_caseresponserequest (case_id, county_id, peer_id, category, "
            "message, due_on, requested_by_id, created_at, response_text) VALUES "
            "(%s, %s, %s, 'respect', 'x', now(), %s, now(), '')",
            [alameda.case_id, cast.county.pk, peer.pk, cast.other_admin.pk],
        )
    for table in ("cases_complaint", "cases_casedocument", "cases_caseresponserequest"):
        with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="denied"):
            cursor.execute(f"DELETE FROM {table}")
