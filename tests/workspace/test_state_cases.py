"""The state's own workspace (/county/state/): the cases no county handles (a complaint naming
no certified peer) worked by state staff, with the county pages' deadlines, flags,
pagination and actions, and the appeals of their decisions, decided by a state staff member
other than the one who took the decision. County staff get 404 there and on the county URL
of a state case; row-level security hides state cases from county sessions; every refusal
changes nothing. The permission matrix of every URL: tests/workspace/test_permissions.py
(test_state_workspace_matrix)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import services
from cases.models import Appeal, Case, CaseDecision, CaseDocument, CaseEvent, CaseResponseRequest
from cases.selectors import appealable_decisions
from tests.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    CertificationFactory,
    UserFactory,
)
from tests.security.test_rls import acting_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


def _url(name, *args):
    return reverse(f"workspace:state_{name}", args=args)


def _provider_complaint(key="p", **extra) -> Case:
    """A public complaint about a training provider: no county handles it."""
    return services.complaint_file(
        actor=None,
        form_key=key * 30,
        subject_kind="provider",
        subject_name="Acme Peer Training",
        category="respect",
        summary="The trainer mocked the participants.",
        incident_on=timezone.localdate() - datetime.timedelta(days=3),
        **extra,
    ).case


def _applicant_case(cast, actor=None) -> Case:
    """A state case about an applicant with an account (`cast.applicant`), so the peer's
    response can be asked and the decision appealed."""
    return services.case_open(
        actor=actor,
        county=None,
        source="phone_letter",
        category="respect",
        summary="A caller says the applicant lied about their training.",
        received_on=timezone.localdate(),
        subject=cast.applicant,
        subject_name="Ana Reyes",
    )


def _state(case) -> tuple:
    case.refresh_from_db()
    return (
        case.stage,
        case.investigator_id,
        case.resolution_due,
        CaseEvent.objects.filter(case=case).count(),
        CaseDocument.objects.filter(case=case).count(),
        CaseResponseRequest.objects.filter(case=case).count(),
        CaseDecision.objects.filter(case=case).count(),
        AuditEvent.objects.count(),
    )


def test_state_staff_land_on_their_cases_and_county_staff_do_not(cast, client):
    client.force_login(cast.state)
    pick = client.get(reverse("workspace:pick")).content.decode()
    assert _url("cases") in pick
    listing = client.get(_url("cases")).content.decode()
    assert _url("appeals") in listing and reverse("workspace:stranded") in listing
    client.force_login(cast.other_admin)  # two counties: sees the picker
    cast.other_admin.county_memberships.create(county=cast.county, role="reviewer")
    assert _url("cases") not in client.get(reverse("workspace:pick")).content.decode()


def test_the_list_shows_only_state_cases_with_flags_and_pages(cast, client):
    state_case = _provider_complaint()
    county_case = services.case_open(
        actor=None,
        county=cast.county,
        source="phone_letter",
        category="respect",
        summary="About an Alameda peer.",
        received_on=timezone.localdate(),
        certification=CertificationFactory(issuing_county=cast.county),
    )
    late = _provider_complaint(key="q")
    Case.objects.filter(pk=late.pk).update(
        received_on=timezone.localdate() - datetime.timedelta(days=95),
        acknowledgement_due=timezone.localdate() - datetime.timedelta(days=88),
        resolution_due=timezone.localdate() - datetime.timedelta(days=5),
    )
    client.force_login(cast.state)
    html = client.get(_url("cases")).content.decode()
    assert _url("case", state_case.pk) in html and _url("case", late.pk) in html
    assert f"/cases/{county_case.pk}/" not in html
    assert "Overdue" in html and "Acme Peer Training" in html
    # The county's list does not show the state's cases, for its staff or state staff.
    for user in (cast.admin, cast.state):
        client.force_login(user)
        county_list = client.get(reverse("workspace:cases", args=[cast.county.code]))
        assert "Acme Peer Training" not in county_list.content.decode()
    # Pagination: 25 a page, the filters kept.
    for n in range(25):
        _provider_complaint(key=f"k{n:02d}")
    client.force_login(cast.state)
    first = client.get(_url("cases"), {"show": "all"}).content.decode()
    assert "27 cases" in first and "?show=all&amp;page=2" in first
    second = client.get(_url("cases"), {"show": "all", "page": 2}).content.decode()
    assert second.count('data-label="Case"') == 2
    assert client.get(_url("cases"), {"page": "x", "show": "nonsense"}).status_code == 200


def test_a_state_case_is_worked_end_to_end_by_state_staff(cast, client):
    investigator = UserFactory(
        email="ines@state.test", first_name="Ines", last_name="Investigator", is_state_staff=True
    )
    case = _applicant_case(cast)
    client.force_login(cast.state)
    page = client.get(_url("case", case.pk)).content.decode()
    for action in ("case_advance", "case_assign", "case_extend", "case_note", "case_evidence"):
        assert _url(action, case.pk) in page, action
    assert _url("case_response_request", case.pk) in page
    assert "/county/alameda/" not in page
    # Assign among state staff only: county staff are not offered and are refused.
    assert "ines@state.test" in page and cast.admin.email not in page
    before = _state(case)
    response = client.post(_url("case_assign", case.pk), {"investigator": cast.admin.pk})
    assert response.status_code == 200 and "usa-error-message" in response.content.decode()
    assert _state(case) == before
    assert (
        client.post(_url("case_assign", case.pk), {"investigator": investigator.pk}).status_code
        == 302
    )
    assert client.post(_url("case_advance", case.pk), {"to": "investigation"}).status_code == 302
    assert (
        client.post(_url("case_extend", case.pk), {"reason": "Records requested."}).status_code
        == 302
    )
    assert (
        client.post(_url("case_note", case.pk), {"text": "Called the school."}).status_code == 302
    )
    pdf = SimpleUploadedFile("transcript.pdf", MINIMAL_PDF, content_type="application/pdf")
    evidence = client.post(
        _url("case_evidence", case.pk), {"file": pdf, "description": "Transcript"}
    )
    assert evidence.status_code == 302
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    asked = client.post(
        _url("case_response_request", case.pk),
        {"message": "Tell us about your training.", "due_on": due},
    )
    assert asked.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.investigator, case.acknowledged_at is not None) == (
        "investigation",
        investigator,
        True,
    )
    assert case.extended_at is not None
    assert CaseResponseRequest.objects.get(case=case).peer == cast.applicant
    document = CaseDocument.objects.get(case=case, kind="evidence")
    download = client.get(_url("case_document", case.pk, document.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == MINIMAL_PDF
    assert AuditEvent.objects.filter(verb="case_document_view").exists()
    page = client.get(_url("case", case.pk)).content.decode()
    assert "Called the school." in page and "transcript.pdf" in page
    # Decide: state staff do not suspend or revoke (the form says why, nothing changes).
    client.post(_url("case_advance", case.pk), {"to": "findings"})
    decide = _url("case_decide", case.pk)
    assert "state staff dismiss, warn" in client.get(decide).content.decode()
    before = _state(case)
    refused = client.post(
        decide,
        {
            "expected_decisions": 0,
            "outcome": "revocation",
            "findings": "Lied.",
            "disclosure": "action",
        },
    )
    assert refused.status_code == 200 and "usa-error-message" in refused.content.decode()
    assert _state(case) == before
    decided = client.post(
        decide,
        {
            "expected_decisions": 0,
            "outcome": "warning",
            "findings": "Misstated hours.",
            "disclosure": "action",
        },
    )
    assert decided.status_code == 302
    assert CaseDecision.objects.get(case=case).decided_by == cast.state
    case.refresh_from_db()
    assert case.stage == "decision"


def test_county_staff_get_404_on_state_cases_and_nothing_changes(cast, client):
    case = _applicant_case(cast)
    county_case_url = reverse("workspace:case", args=[cast.county.code, case.pk])
    before = _state(case)
    for who in ("reviewer", "admin", "other_admin", "applicant"):
        client.force_login(getattr(cast, who))
        assert client.get(_url("case", case.pk)).status_code == 404, who
        assert client.get(county_case_url).status_code == 404, who
        assert client.post(_url("case_note", case.pk), {"text": "Mine."}).status_code == 404
        assert client.post(
            reverse("workspace:case_note", args=[cast.county.code, case.pk]), {"text": "Mine."}
        ).status_code in (403, 404)
    # State staff reach it only at the state's address, never a county's.
    client.force_login(cast.state)
    assert client.get(county_case_url).status_code == 404
    assert _state(case) == before
    # And a county's case is not at the state's address.
    county_case = services.case_open(
        actor=None,
        county=cast.county,
        source="phone_letter",
        category="respect",
        summary="About an Alameda peer.",
        received_on=timezone.localdate(),
        certification=CertificationFactory(issuing_county=cast.county),
    )
    assert client.get(_url("case", county_case.pk)).status_code == 404
    assert client.post(_url("case_note", county_case.pk), {"text": "x"}).status_code == 404
    assert not CaseEvent.objects.filter(case=county_case, kind="note").exists()


def test_row_level_security_hides_state_cases_from_county_sessions(cast):
    case = _applicant_case(cast)
    services.case_note_add(actor=cast.state, case=case, text="State only.")
    for who in ("reviewer", "admin", "other_admin", "applicant"):
        with acting_as(getattr(cast, who)) as cursor:
            cursor.execute("SELECT count(*) FROM cases_case WHERE id = %s", [case.pk])
            assert cursor.fetchone() == (0,), who
            cursor.execute("SELECT count(*) FROM cases_caseevent WHERE case_id = %s", [case.pk])
            assert cursor.fetchone() == (0,), who
    with acting_as(cast.state) as cursor:
        cursor.execute("SELECT count(*) FROM cases_case WHERE id = %s", [case.pk])
        assert cursor.fetchone() == (1,)


def test_state_staff_open_a_case_from_a_letter(cast, client):
    client.force_login(cast.state)
    response = client.post(
        _url("case_open"),
        {
            "subject_kind": "provider",
            "subject_name": "Acme Peer Training",
            "category": "respect",
            "received_on": timezone.localdate().isoformat(),
            "summary": "A letter about the trainer.",
        },
    )
    assert response.status_code == 302 and response["Location"] == _url("cases")
    case = Case.objects.get()
    assert case.county is None and case.opened_by == cast.state
    # Bad input: a clear error, nothing saved.
    response = client.post(_url("case_open"), {"subject_kind": "provider", "category": "respect"})
    assert response.status_code == 200 and "usa-error-message" in response.content.decode()
    assert Case.objects.count() == 1


@pytest.fixture
def state_appeal(cast):
    """A letter of warning `decider` (state staff) gave on a state case, appealed by the
    applicant."""
    decider = UserFactory(email="dora@state.test", first_name="Dora", is_state_staff=True)
    # An applicant (a person's documents are shared with staff once they apply).
    ApplicationFactory(applicant=cast.applicant, county=cast.county, status="submitted")
    case = _applicant_case(cast)
    Case.objects.filter(pk=case.pk).update(stage="findings")
    case.refresh_from_db()
    services.case_decide(
        actor=decider,
        case=case,
        outcome="warning",
        findings="Misstated hours.",
        expected_decisions=0,
    )
    [decision] = appealable_decisions(cast.applicant)
    appeal = services.appeal_file(
        actor=cast.applicant,
        decision_ref=decision.ref,
        statement="The hours were right.",
        files=[SimpleUploadedFile("hours.pdf", MINIMAL_PDF, content_type="application/pdf")],
    )
    return appeal, decider


def _appeal_state(appeal) -> tuple:
    appeal.refresh_from_db()
    return (
        appeal.status,
        appeal.decided_by_id,
        list(CaseDecision.objects.values_list("rescinded_at", flat=True)),
        AuditEvent.objects.count(),
    )


def test_a_state_appeal_is_decided_by_another_state_staff_member(cast, client, state_appeal):
    appeal, decider = state_appeal
    assert appeal.county is None
    detail, decide = _url("appeal", appeal.pk), _url("appeal_decide", appeal.pk)
    # The one who took the decision: sees it, no way to decide, 403 on the decision page.
    client.force_login(decider)
    assert f"Appeal {appeal.pk}" in client.get(_url("appeals")).content.decode()
    page = client.get(detail).content.decode()
    assert "The hours were right." in page and decide not in page
    assert "another state staff member decides it" in page
    before = _appeal_state(appeal)
    assert client.get(decide).status_code == 403
    assert client.post(decide, {"outcome": "overturned", "reason": "Mine."}).status_code == 403
    assert _appeal_state(appeal) == before
    # County staff: 404 everywhere, nothing changes; not on a county's appeal list either.
    for who in ("admin", "reviewer", "other_admin"):
        client.force_login(getattr(cast, who))
        assert client.get(detail).status_code == 404
        assert client.post(decide, {"outcome": "overturned", "reason": "x"}).status_code == 404
        county_appeal = reverse("workspace:appeal", args=[cast.county.code, appeal.pk])
        assert client.get(county_appeal).status_code == 404
    assert _appeal_state(appeal) == before
    # Another state staff member reads the document and overturns: the warning is rescinded.
    client.force_login(cast.state)
    page = client.get(detail).content.decode()
    assert decide in page
    document = appeal.documents.get().document
    file_url = _url("appeal_document", appeal.pk, document.pk)
    assert file_url in page
    opened = client.get(file_url)
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == MINIMAL_PDF
    assert client.get(_url("appeal_document", appeal.pk, document.pk + 999)).status_code == 404
    response = client.post(decide, {"outcome": "overturned", "reason": "The hours add up."})
    assert response.status_code == 302 and response["Location"] == detail
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by) == ("overturned", cast.state)
    assert CaseDecision.objects.get().rescinded_at is not None
    # Decided: no more 403 for the decider, just the outcome (and a stale post changes nothing).
    client.force_login(decider)
    before = _appeal_state(appeal)
    again = client.post(decide, {"outcome": "upheld", "reason": "No."}, follow=True)
    assert "already decided" in again.content.decode()
    assert _appeal_state(appeal) == before


def test_the_county_appeal_list_does_not_show_state_appeals(cast, client, state_appeal):
    appeal, _decider = state_appeal
    client.force_login(cast.state)
    county_list = client.get(reverse("workspace:appeals", args=[cast.county.code]), {"show": "all"})
    assert _url("appeal", appeal.pk) not in county_list.content.decode()
    assert f"Appeal {appeal.pk}" not in county_list.content.decode()
    assert Appeal.objects.filter(county__isnull=True).count() == 1
