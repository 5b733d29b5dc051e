"""The permission matrix over EVERY URL of the county workspace.

`SPECS` must name every pattern of `workspace.urls`: a new URL without a line
here fails `test_every_workspace_url_has_a_spec`. For each county-scoped URL, against the cast:

- anonymous → the sign-in page (GET and POST);
- applicant, other-county admin (Fresno) → 404 (GET and POST), for an Alameda object;
- reviewer → 403 on staff and opt-in management (GET and POST), 200 elsewhere (GET);
- admin → 200 (GET), 405 for a POST to a read-only page;
- state staff → 200 (GET) with no action form on the page, 403 (POST): read-only;
- except the transfer of an application whose county stopped participating (STATE): state
  staff → 200 on both methods (here the county participates, so the page only says why not
  and nothing changes), the county's own staff → 403 on both;
- and deciding an appeal (APPEAL): administrators and state staff → 200 (state staff may
  post: an empty form is shown again and nothing changes), reviewers → 403 on both.

Every denied request also asserts that nothing in the database changed.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from cases.models import (
    Appeal,
    AppealDocument,
    Case,
    CaseDecision,
    CaseDocument,
    CaseEvent,
    CaseResponseRequest,
)
from cases.services import case_decide, case_open
from ce_audits.models import CeAudit
from certification.models import Application, Certification
from continuing_ed.models import CeCredit
from continuing_ed.services import ce_credit_report
from counties.models import (
    COUNTY_CONTACT_FIELDS,
    County,
    CountyMembership,
    OptInPeriod,
    StaffInvitation,
)
from documents.models import Document
from employers.models import ExclusionEntry, ExclusionListLoad, ExclusionMatch
from exams import imports as exam_import
from exams.models import ExamAttempt
from fees.models import (
    FeeDue,
    FeePayment,
    FeePaymentVoid,
    FeeWaiver,
    ScholarshipNomination,
    ScholarshipPool,
)
from reports.models import ProgramReport
from tests.factories import MINIMAL_PDF, CertificationFactory, DocumentFactory, UserFactory
from training.models import TrainingRecord
from workspace.urls import urlpatterns

PAGE = "page"  # read-only page: GET
ACTION = "action"  # GET shows the confirmation (or the form), POST acts
ADMIN = "admin"  # county administration: reviewers get 403 on every method
SPECIAL = "special"  # not county-scoped: tested in test_pick_and_invitations.py
STATE = "state"  # state staff act, the county's staff get 403 (tests/workspace/test_transfer.py)
APPEAL = "appeal"  # county admins and state staff act, reviewers get 403 (test_appeals.py)
# The state's own workspace (/county/state/: cases no county handles, their appeals): state
# staff act; everyone else gets 404 on every method (test_state_workspace_matrix).
STATE_PAGE = "state_page"  # GET only: a POST answers 405
STATE_ACTION = "state_action"  # GET shows the form, POST acts


@dataclass(frozen=True)
class Spec:
    kind: str
    args: Callable[[Any, Any], list] = lambda world, user: []
    post: Callable[[Any], dict] = field(default=lambda world: {})


def _version(application: Application) -> dict:
    return {"version": application.version}


def _reported_ce_credit(world) -> CeCredit:
    """A CE credit reported at the source on the active certification (made once)."""
    credit = CeCredit.objects.filter(
        certification=world.active, reported_at_source=True, title="Matrix refresher"
    ).first()
    if credit is None:
        credit = ce_credit_report(
            certification=world.active,
            title="Matrix refresher",
            provider_name="Reporting Provider",
            hours=6,
            category="law_and_ethics",
            completed_on=timezone.localdate() - datetime.timedelta(days=10),
            reported_as="9:MATRIX",
        )
    return credit


def _import_token(world, user) -> list:
    """A previewed file of the requesting user (tokens are bound to who uploaded them)."""
    owner = user if user.is_authenticated else world.approved.applicant
    stored = exam_import.store_file(
        user=owner,
        county=world.submitted.county,
        filename="results.csv",
        data=_csv(world).encode(),
    )
    return [stored.token]


def _csv(world) -> str:
    application = world.approved
    return (
        "application_id,email,exam_date,result,scaled_score,vendor_reference\n"
        f"{application.pk},{application.applicant.email},{timezone.localdate()},passed,520,PV-1\n"
    )


def _exclusion_match(world, user) -> list:
    """A pending possible match of the county's active certification."""
    load = ExclusionListLoad.objects.create(source="oig_leie", file_name="UPDATED.csv")
    entry = ExclusionEntry.objects.create(
        load=load, line=2, last_name="X", first_name="Y", last_key="x", first_key="y"
    )
    match = ExclusionMatch.objects.create(
        certification=world.active,
        county=world.active.issuing_county,
        entry=entry,
        source="oig_leie",
        fingerprint=f"f{entry.pk}",
        score=70,
    )
    return [match.pk]


def _case(world, user) -> list:
    """An open case of the county about its active certification."""
    case = case_open(
        actor=None,
        county=world.active.issuing_county,
        source="phone_letter",
        category="respect",
        summary="A caller's complaint.",
        received_on=timezone.localdate(),
        certification=world.active,
    )
    return [case.pk]


def _case_in_findings(world, user) -> list:
    """An open case of the county in the findings stage (ready for a decision)."""
    case = Case.objects.get(pk=_case(world, user)[0])
    Case.objects.filter(pk=case.pk).update(stage="findings")
    return [case.pk]


def _suspension_until_conditions(world, user) -> list:
    """A case whose decision suspended the county's active certification until conditions
    are met."""
    county = world.active.issuing_county
    case = case_open(
        actor=None,
        county=county,
        source="phone_letter",
        category="respect",
        summary="A caller's complaint.",
        received_on=timezone.localdate(),
        certification=CertificationFactory(issuing_county=county),
    )
    Case.objects.filter(pk=case.pk).update(stage="findings")
    case.refresh_from_db()
    admin = CountyMembership.objects.filter(county=county, role="admin").first()
    decision = case_decide(
        actor=admin.user,
        case=case,
        outcome="suspension",
        findings="Found.",
        expected_decisions=0,
        suspension_conditions="A course.",
    )
    return [case.pk, decision.pk]


def _appeal(world, user) -> list:
    """A filed appeal of the county's active certification's holder."""
    appeal = Appeal.objects.create(
        appellant=world.active.holder,
        county=world.active.issuing_county,
        kind="suspension",
        certification=world.active,
        decision_ref=f"test:{Appeal.objects.count()}",
        decision_on=timezone.localdate(),
        statement="Please look again.",
    )
    return [appeal.pk]


def _case_document(world, user) -> list:
    """A case of the county with an evidence document."""
    case = Case.objects.get(pk=_case(world, user)[0])
    document = CaseDocument.objects.create(
        case=case,
        county=case.county,
        kind="evidence",
        file=SimpleUploadedFile("e.pdf", MINIMAL_PDF),
        original_name="e.pdf",
        content_type="application/pdf",
        size=len(MINIMAL_PDF),
        sha256="0" * 64,
    )
    return [case.pk, document.pk]


def _state_case(world, user, *, stage: str = "intake") -> list:
    """A case no county handles (a complaint about an applicant, `cast.applicant`)."""
    case = case_open(
        actor=None,
        county=None,
        source="phone_letter",
        category="respect",
        summary="A caller's complaint about an applicant.",
        received_on=timezone.localdate(),
        subject=Application.objects.get(pk=world.submitted.pk).applicant,
        subject_name="Ana Reyes",
    )
    Case.objects.filter(pk=case.pk).update(stage=stage)
    return [case.pk]


def _state_case_document(world, user) -> list:
    [pk] = _state_case(world, user)
    document = CaseDocument.objects.create(
        case_id=pk,
        county=None,
        kind="evidence",
        file=SimpleUploadedFile("e.pdf", MINIMAL_PDF),
        original_name="e.pdf",
        content_type="application/pdf",
        size=len(MINIMAL_PDF),
        sha256="0" * 64,
    )
    return [pk, document.pk]


def _state_appeal(world, user) -> list:
    """A filed appeal of a letter of warning another state staff member gave on a state case,
    with a document."""
    [pk] = _state_case(world, user, stage="decision")
    case = Case.objects.get(pk=pk)
    decider = UserFactory(is_state_staff=True)
    appeal = Appeal.objects.create(
        appellant=case.subject,
        county=None,
        kind="case_decision",
        case=case,
        decision_ref=f"test:{Appeal.objects.count()}",
        decision_on=timezone.localdate(),
        decision_by=decider,
        statement="Please look again.",
    )
    document = DocumentFactory(owner=case.subject, kind="other")
    AppealDocument.objects.create(appeal=appeal, document=document)
    return [appeal.pk, document.pk]


def _report(world, user) -> list:
    """A draft of the county's report on the last fiscal year."""
    report, _created = ProgramReport.objects.get_or_create(
        county=world.active.issuing_county,
        period_start=timezone.datetime(2025, 7, 1).date(),
        period_end=timezone.datetime(2026, 6, 30).date(),
        version=1,
        defaults={"created_by": world.reviewer_membership.user},
    )
    return [report.pk]


def _submitted_report(world, user) -> list:
    """A submitted report of the county (frozen: a correction starts from it)."""
    report, _created = ProgramReport.objects.get_or_create(
        county=world.active.issuing_county,
        period_start=timezone.datetime(2024, 7, 1).date(),
        period_end=timezone.datetime(2025, 6, 30).date(),
        version=1,
        defaults={
            "created_by": world.reviewer_membership.user,
            "status": "submitted",
            "figures": {"sections": []},
            "pdf": "reports/x.pdf",
            "submitted_at": timezone.now(),
            "submitted_by": world.reviewer_membership.user,
        },
    )
    return [report.pk]


def _fee(world, user) -> list:
    """The application fee of the county's submitted application."""
    fee, _created = FeeDue.objects.get_or_create(
        kind="application",
        application=world.submitted,
        defaults={
            "county": world.submitted.county,
            "person": world.submitted.applicant,
            "amount_cents": 10000,
        },
    )
    return [fee.pk]


def _payment(world, user) -> list:
    """A payment of part of that fee."""
    fee = FeeDue.objects.get(pk=_fee(world, user)[0])
    payment = FeePayment.objects.create(
        fee=fee,
        county=fee.county,
        person=fee.person,
        amount_cents=1000,
        method="cash",
        paid_on=timezone.localdate(),
        recorded_by=fee.person,
    )
    return [payment.pk]


def _nomination(world, user) -> list:
    """A nomination by the county of its submitted applicant, waiting for a decision."""
    pool = ScholarshipPool.objects.create(
        name="Pool",
        source="DHCS",
        covers="application_exam",
        places=3,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        created_by=world.reviewer_membership.user,
    )
    nomination = ScholarshipNomination.objects.create(
        pool=pool,
        county=world.submitted.county,
        person=world.submitted.applicant,
        reason="Nominated.",
        nominated_by=world.reviewer_membership.user,
    )
    return [nomination.pk]


SPECS: dict[str, Spec] = {
    "pick": Spec(SPECIAL),
    "invitation_accept": Spec(SPECIAL),
    "invitation_link": Spec(SPECIAL),
    # The state's analytics: tests/analytics/test_access.py (state staff; county staff are
    # sent to their county's page; anyone else 403 or the sign-in page).
    "state_analytics": Spec(SPECIAL),
    "state_analytics_csv": Spec(SPECIAL),
    "county_analytics": Spec(PAGE),
    "county_analytics_csv": Spec(PAGE, lambda w, u: ["active"]),
    "stranded": Spec(SPECIAL),  # statewide, state staff only: tests/workspace/test_stranded.py
    "state_reports": Spec(SPECIAL),  # statewide, state staff only: test_state_reports.py
    "dashboard": Spec(PAGE),
    "application": Spec(PAGE, lambda w, u: [w.submitted.pk]),
    "application_start_review": Spec(
        ACTION, lambda w, u: [w.submitted.pk], lambda w: _version(w.submitted)
    ),
    "application_request_changes": Spec(
        ACTION,
        lambda w, u: [w.in_review.pk],
        lambda w: {**_version(w.in_review), "parts": ["photo_id"], "message": "Unreadable."},
    ),
    "application_approve": Spec(
        ACTION, lambda w, u: [w.in_review.pk], lambda w: _version(w.in_review)
    ),
    "application_deny": Spec(
        ACTION,
        lambda w, u: [w.submitted.pk],
        lambda w: {**_version(w.submitted), "reason": "Not eligible."},
    ),
    "exam_record": Spec(
        ACTION,
        lambda w, u: [w.approved.pk],
        lambda w: {"taken_on": timezone.localdate().isoformat(), "result": "passed"},
    ),
    "certification_issue": Spec(ACTION, lambda w, u: [w.approved.pk]),
    "application_transfer": Spec(
        STATE,
        lambda w, u: [w.submitted.pk],
        lambda w: {**_version(w.submitted), "county": w.submitted.county_id, "reason": "Moved."},
    ),
    "document_review": Spec(
        ACTION, lambda w, u: [w.submitted.pk, w.document.pk], lambda w: {"decision": "verify"}
    ),
    "training_review": Spec(
        ACTION,
        lambda w, u: [w.submitted.pk, w.training_record.pk],
        lambda w: {"decision": "verify"},
    ),
    "document": Spec(PAGE, lambda w, u: [w.document.pk]),
    "roster": Spec(PAGE),
    "roster_csv": Spec(PAGE),
    "certification": Spec(PAGE, lambda w, u: [w.active.pk]),
    "certification_suspend": Spec(
        ACTION, lambda w, u: [w.active.pk], lambda w: {"reason": "Complaint upheld."}
    ),
    "ce_credit_reject": Spec(
        ACTION,
        lambda w, u: [w.active.pk, _reported_ce_credit(w).pk],
        lambda w: {"reason": "Not this person's course."},
    ),
    "certification_lift_suspension": Spec(ACTION, lambda w, u: [w.suspended.pk]),
    "certification_revoke": Spec(
        ACTION, lambda w, u: [w.active.pk], lambda w: {"reason": "Fraud."}
    ),
    "certification_reinstate": Spec(
        ACTION, lambda w, u: [w.expired.pk], lambda w: {"ethics_affirmed": "on"}
    ),
    "certification_exam_record": Spec(
        ADMIN,
        lambda w, u: [w.expired.pk],
        lambda w: {"taken_on": timezone.localdate().isoformat(), "result": "passed"},
    ),
    "exam_import": Spec(
        ACTION, post=lambda w: {"file": SimpleUploadedFile("r.csv", _csv(w).encode())}
    ),
    "exam_import_template": Spec(PAGE),
    "exam_import_preview": Spec(ACTION, _import_token),
    "exclusions": Spec(PAGE),
    "exclusion": Spec(
        ACTION, _exclusion_match, lambda w: {"decision": "dismissed", "note": "Other person."}
    ),
    "cases": Spec(PAGE),
    "case_open": Spec(
        ACTION,
        post=lambda w: {
            "certification_number": w.active.number,
            "category": "respect",
            "received_on": timezone.localdate().isoformat(),
            "summary": "A letter.",
        },
    ),
    "case": Spec(PAGE, _case),
    "case_advance": Spec(ACTION, _case, lambda w: {"to": "investigation", "note": ""}),
    "case_assign": Spec(ADMIN, _case, lambda w: {"investigator": w.reviewer_membership.user_id}),
    "case_extend": Spec(ADMIN, _case, lambda w: {"reason": "Witness away."}),
    "case_decide": Spec(
        ADMIN,
        _case_in_findings,
        lambda w: {
            "expected_decisions": 0,
            "outcome": "revocation",
            "findings": "Found.",
            "disclosure": "action",
        },
    ),
    "case_decision_lift": Spec(ACTION, _suspension_until_conditions, lambda w: {"note": "Done."}),
    "case_note": Spec(ACTION, _case, lambda w: {"text": "Called the witness."}),
    "case_evidence": Spec(
        ACTION,
        _case,
        lambda w: {"file": SimpleUploadedFile("e.pdf", MINIMAL_PDF), "description": "Letter"},
    ),
    "case_document": Spec(PAGE, _case_document),
    "case_response_request": Spec(
        ADMIN,
        _case,
        lambda w: {
            "message": "Tell us about the group session.",
            "due_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        },
    ),
    "state_cases": Spec(STATE_PAGE),
    "state_case_open": Spec(
        STATE_ACTION,
        post=lambda w: {
            "subject_kind": "provider",
            "subject_name": "Acme Training",
            "category": "respect",
            "received_on": timezone.localdate().isoformat(),
            "summary": "A letter.",
        },
    ),
    "state_case": Spec(STATE_PAGE, _state_case),
    "state_case_advance": Spec(STATE_ACTION, _state_case, lambda w: {"to": "investigation"}),
    "state_case_assign": Spec(
        STATE_ACTION,
        _state_case,
        lambda w: {"investigator": User.objects.filter(is_state_staff=True).first().pk},
    ),
    "state_case_extend": Spec(STATE_ACTION, _state_case, lambda w: {"reason": "Witness away."}),
    "state_case_decide": Spec(
        STATE_ACTION,
        lambda w, u: _state_case(w, u, stage="findings"),
        lambda w: {
            "expected_decisions": 0,
            "outcome": "warning",
            "findings": "Found.",
            "disclosure": "action",
        },
    ),
    "state_case_note": Spec(STATE_ACTION, _state_case, lambda w: {"text": "Called."}),
    "state_case_evidence": Spec(
        STATE_ACTION,
        _state_case,
        lambda w: {"file": SimpleUploadedFile("e.pdf", MINIMAL_PDF), "description": "Letter"},
    ),
    "state_case_document": Spec(STATE_PAGE, _state_case_document),
    "state_case_response_request": Spec(
        STATE_ACTION,
        _state_case,
        lambda w: {
            "message": "Tell us about the application.",
            "due_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        },
    ),
    "state_appeals": Spec(STATE_PAGE),
    "state_appeal": Spec(STATE_PAGE, lambda w, u: _state_appeal(w, u)[:1]),
    "state_appeal_decide": Spec(
        STATE_ACTION,
        lambda w, u: _state_appeal(w, u)[:1],
        lambda w: {"outcome": "upheld", "reason": "The letter stands."},
    ),
    "state_appeal_document": Spec(STATE_PAGE, _state_appeal),
    "appeals": Spec(PAGE),
    "appeal": Spec(PAGE, _appeal),
    "appeal_decide": Spec(APPEAL, _appeal),
    "ce_audits": Spec(PAGE),
    "ce_audit_draw": Spec(ADMIN, post=lambda w: {"percent": 100}),
    "ce_audit": Spec(
        ACTION, lambda w, u: [w.ce_audit.pk], lambda w: {"outcome": "passed", "note": "Fine."}
    ),
    "ce_audit_consequence": Spec(
        ACTION,
        lambda w, u: [w.ce_audit.pk],
        lambda w: {"consequence": "makeup", "total_hours": "6", "law_and_ethics_hours": "6"},
    ),
    "reports": Spec(ACTION, post=lambda w: {"period": "2026"}),
    "report": Spec(ACTION, _report, lambda w: {"plan_changes": "Plan.", "challenges": "Few."}),
    "report_submit": Spec(ADMIN, _report),
    "report_correct": Spec(ADMIN, _submitted_report),
    "report_file": Spec(PAGE, lambda w, u: [*_report(w, u), "csv"]),
    "opt_in": Spec(
        ADMIN,
        post=lambda w: {
            "delivery_system": "smhs",
            "opted_in": "false",
            "effective_from": timezone.localdate().isoformat(),
            "reason": "Board resolution 12.",
        },
    ),
    "contact": Spec(
        ADMIN,
        post=lambda w: {"contact_email": "peers@alameda.example", "contact_phone": "510-555-0142"},
    ),
    "staff": Spec(ADMIN, post=lambda w: {"email": "someone@example.org", "role": "reviewer"}),
    "audit": Spec(ADMIN),
    "membership_role": Spec(
        ADMIN, lambda w, u: [w.reviewer_membership.pk], lambda w: {"role": "admin"}
    ),
    "membership_remove": Spec(ADMIN, lambda w, u: [w.reviewer_membership.pk]),
    "invitation_revoke": Spec(ADMIN, lambda w, u: [w.invitation.pk]),
    "fees": Spec(PAGE),
    "fee": Spec(PAGE, _fee),
    "fee_payment_record": Spec(
        ACTION,
        _fee,
        lambda w: {
            "amount": "10",
            "method": "cash",
            "paid_on": timezone.localdate().isoformat(),
            "idempotency_key": "8d3f4a52-8c4e-4c1a-9d55-0d5f7f1e2a10",
        },
    ),
    "fee_receipt": Spec(PAGE, _payment),
    "fee_payment_void": Spec(ACTION, _payment, lambda w: {"reason": "Recorded on the wrong fee."}),
    "fee_waiver_grant": Spec(ACTION, lambda w, u: [w.active.pk], lambda w: {"reason": "DHCS."}),
    "scholarships": Spec(PAGE),
    "scholarship_nominate": Spec(
        ACTION, post=lambda w: {"email": w.submitted.applicant.email, "reason": "Nominated."}
    ),
    # State staff administer the pools: an empty form is refused on its fields, changing nothing.
    "scholarship_decide": Spec(STATE, _nomination),
    "scholarship_pool_new": Spec(STATE),
}


def snapshot() -> tuple:
    """Everything a workspace action could change."""
    return (
        list(
            Application.objects.order_by("pk").values_list("pk", "status", "version", "county_id")
        ),
        list(Certification.objects.order_by("pk").values_list("pk", "status", "expires_on")),
        list(Document.objects.order_by("pk").values_list("pk", "review_status")),
        list(TrainingRecord.objects.order_by("pk").values_list("pk", "status")),
        list(CeCredit.objects.order_by("pk").values_list("pk", "status")),
        ExamAttempt.objects.count(),
        list(CeAudit.objects.order_by("pk").values_list("pk", "outcome")),
        list(CountyMembership.objects.order_by("pk").values_list("user_id", "county_id", "role")),
        list(StaffInvitation.objects.order_by("pk").values_list("pk", "revoked_at", "accepted_at")),
        list(OptInPeriod.objects.order_by("pk").values_list("pk", "effective_to")),
        list(County.objects.order_by("pk").values_list("pk", *COUNTY_CONTACT_FIELDS)),
        list(ExclusionMatch.objects.order_by("pk").values_list("pk", "status")),
        list(Appeal.objects.order_by("pk").values_list("pk", "status", "decided_by_id")),
        list(
            Case.objects.order_by("pk").values_list(
                "pk", "stage", "investigator_id", "resolution_due"
            )
        ),
        list(CaseDecision.objects.order_by("pk").values_list("pk", "suspension_ended_at")),
        CaseEvent.objects.count(),
        CaseDocument.objects.count(),
        CaseResponseRequest.objects.count(),
        list(
            ProgramReport.objects.order_by("pk").values_list(
                "pk", "status", "plan_changes", "challenges", "figures"
            )
        ),
        list(FeePayment.objects.order_by("pk").values_list("pk", "amount_cents")),
        list(FeePaymentVoid.objects.order_by("pk").values_list("pk", "payment_id")),
        list(FeeWaiver.objects.order_by("pk").values_list("pk", "fee_id")),
        list(ScholarshipNomination.objects.order_by("pk").values_list("pk", "status")),
        ScholarshipPool.objects.count(),
        AuditEvent.objects.count(),
    )


def test_every_workspace_url_has_a_spec():
    names = {pattern.name for pattern in urlpatterns if isinstance(pattern, URLPattern)}
    assert names == set(SPECS), (
        f"URLs without a permission spec: {sorted(names - set(SPECS))}; "
        f"specs without a URL: {sorted(set(SPECS) - names)}"
    )


def _request(client, user, method: str, url: str, data: dict):
    client.logout()
    if user.is_authenticated:
        client.force_login(user)
    if method == "get":
        return client.get(url)
    return client.post(url, data)


def _expected(spec: Spec, who: str, method: str) -> int:
    if who in ("applicant", "other_admin"):
        return 404
    if spec.kind == STATE:
        return 200 if who == "state" else 403
    if spec.kind == APPEAL:
        return 403 if who == "reviewer" else 200
    if who == "state":
        return 200 if method == "get" else 403
    if who == "reviewer" and spec.kind == ADMIN:
        return 403
    if method == "post" and spec.kind == PAGE:
        return 405  # read-only pages answer GET only
    return 200


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html") and not response.streaming


COUNTY_SCOPED = sorted(
    name for name, spec in SPECS.items() if spec.kind not in (SPECIAL, STATE_PAGE, STATE_ACTION)
)
STATE_SCOPED = sorted(
    name for name, spec in SPECS.items() if spec.kind in (STATE_PAGE, STATE_ACTION)
)


@pytest.mark.parametrize("name", COUNTY_SCOPED)
def test_permission_matrix(name, cast, world, client):
    spec = SPECS[name]
    denials = []
    for who in ("anonymous", "applicant", "other_admin", "reviewer", "admin", "state"):
        user = getattr(cast, who)
        url = reverse(f"workspace:{name}", args=[cast.county.code, *spec.args(world, user)])
        methods = ["get", "post"] if who != "admin" or spec.kind == PAGE else ["get"]
        if who == "reviewer" and spec.kind not in (ADMIN, APPEAL):
            methods = ["get"]
        if spec.kind == STATE:
            methods = ["get", "post"]
        for method in methods:
            before = snapshot()
            response = _request(client, user, method, url, spec.post(world))
            if who == "anonymous":
                assert response.status_code == 302, (name, who, method)
                assert response["Location"].startswith(reverse("account_login")), (name, who)
            else:
                expected = _expected(spec, who, method)
                assert response.status_code == expected, (name, who, method, expected)
            if (
                who == "state"
                and method == "get"
                and _is_html(response)
                and spec.kind not in (APPEAL, STATE)
            ):
                main = response.content.decode().split('id="main-content"')[1]
                assert 'method="post"' not in main, f"{name}: an action form for state staff"
            if response.status_code != 200 or spec.kind in (STATE, APPEAL):
                denials.append((who, method))
                assert snapshot() == before, f"{name}: a denied {method} by {who} changed data"
    if spec.kind == APPEAL:
        assert {("reviewer", "get"), ("reviewer", "post"), ("state", "post")} <= set(denials)
        return
    assert ("state", "post") in denials
    if spec.kind == STATE:
        assert {("reviewer", "post"), ("admin", "post")} <= set(denials)


def test_unknown_county_is_404_for_everyone(cast, client):
    for who in ("reviewer", "admin", "state"):
        client.force_login(getattr(cast, who))
        assert client.get("/county/atlantis/").status_code == 404


@pytest.mark.parametrize("name", STATE_SCOPED)
def test_state_workspace_matrix(name, cast, world, client):
    """The state's own workspace: state staff read and act; anyone else, county staff
    included, gets 404 on every method and changes nothing; anonymous: the sign-in page."""
    spec = SPECS[name]
    for who in cast.everyone:
        user = getattr(cast, who)
        url = reverse(f"workspace:{name}", args=spec.args(world, user))
        for method in ("get", "post"):
            before = snapshot()
            response = _request(client, user, method, url, spec.post(world))
            if who == "anonymous":
                assert response.status_code == 302, (name, method)
                assert response["Location"].startswith(reverse("account_login")), name
            elif who != "state":
                assert response.status_code == 404, (name, who, method)
            elif method == "get":
                assert response.status_code == 200, (name, method)
                continue  # Opening a file is audited.
            elif spec.kind == STATE_PAGE:
                assert response.status_code == 405, name
            else:
                assert response.status_code in (200, 302), (name, response.status_code)
                continue
            assert snapshot() == before, f"{name}: a refused {method} by {who} changed data"
