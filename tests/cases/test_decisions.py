"""Case decisions (issue 14 item 4): each outcome's effect on the certification (through the
certification services: audited, emailed, the registry changed at once), the peer emailed the
findings and how to appeal, the public notice as chosen, refusals that change nothing, the
daily scan of corrective actions and dated suspensions, and row-level security on the new
tables."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import ProgrammingError
from django.http import Http404
from django.utils import timezone

from api.rows import verification_row
from audit.models import AuditEvent
from cases import services
from cases.models import Case, CaseDecision, PublicNotice
from cases.selectors import case_decisions, decision_get, public_notices_of
from certification.models import Certification
from core.errors import DomainError
from jobs.models import OutboxMessage
from notifications.services import email_render
from tests.factories import CeCreditFactory, CertificationFactory
from tests.security.test_rls import acting_as

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def _emails(kind: str | None = None) -> list[tuple[str, int, dict]]:
    return [
        (kwargs["kind"], kwargs["user_id"], kwargs["context"])
        for name, kwargs in OutboxMessage.objects.order_by("id").values_list("task_name", "kwargs")
        if name.startswith("notifications.tasks.email_send")
        and (kind is None or kwargs["kind"] == kind)
    ]


def _case(cast, *, county=None, actor=None, stage="findings", certification=None) -> Case:
    county = county or cast.county
    actor = actor or (cast.admin if county == cast.county else cast.other_admin)
    certification = certification or CertificationFactory(issuing_county=county)
    case = services.case_open(
        actor=actor,
        county=county,
        source="phone_letter",
        category="boundaries",
        summary="Complainant Jane Roe says the peer lent her money.",
        received_on=today() - datetime.timedelta(days=20),
        certification=certification,
    )
    for to in ("investigation", "findings")[: ("intake", "investigation", "findings").index(stage)]:
        case = services.case_advance(actor=actor, case=case, to=to)
    return case


def _decide(cast, case, outcome, **kw):
    return services.case_decide(
        actor=kw.pop("actor", cast.admin),
        case=case,
        outcome=outcome,
        findings=kw.pop("findings", "The peer lent a participant money on two occasions."),
        expected_decisions=kw.pop("expected_decisions", 0),
        **kw,
    )


def _snapshot():
    return (
        list(Certification.objects.order_by("pk").values_list("pk", "status", "suspended_on")),
        list(Case.objects.order_by("pk").values_list("pk", "stage")),
        CaseDecision.objects.count(),
        PublicNotice.objects.count(),
        AuditEvent.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_a_dismissal_changes_nothing_on_the_certification_and_is_never_public(cast):
    case = _case(cast)
    decision = _decide(cast, case, "dismissed", disclosure="summary", public_summary="x")
    case.refresh_from_db()
    assert case.stage == "decision"
    assert decision.disclosure == "none" and not PublicNotice.objects.exists()
    assert case.certification.status == "active"
    [(kind, user_id, context)] = _emails()
    assert (kind, user_id) == ("case_decision", case.subject_id)
    body = email_render(user=case.subject, kind=kind, context=context).body
    assert "dismissed" in body and "appeal" not in body
    assert list(case.events.values_list("kind", flat=True))[-2:] == ["stage", "decided"]
    assert AuditEvent.objects.filter(verb="case_decide", object_id=case.pk).count() == 1


def test_a_warning_is_public_by_default_as_action_and_date_only(cast):
    case = _case(cast)
    _decide(cast, case, "warning")
    [notice] = PublicNotice.objects.all()
    assert (notice.action, notice.effective_on, notice.summary) == ("warning", today(), "")
    assert public_notices_of([case.certification_id]) == {case.certification_id: [notice]}
    # Watching employers hear of it as a public action (the status does not change).
    events = [
        e
        for name, kwargs in OutboxMessage.objects.values_list("task_name", "kwargs")
        for e in kwargs.get("events", [])
    ]
    assert [e["kind"] for e in events] == ["public_action"]
    assert events[0]["action"] == "warning" and "Roe" not in str(events[0])


def test_a_suspension_until_a_date_goes_through_the_certification_service(cast):
    case = _case(cast)
    until = today() + datetime.timedelta(days=60)
    decision = _decide(
        cast,
        case,
        "suspension",
        suspended_until=until,
        disclosure="summary",
        public_summary="Suspended for 60 days for a boundary violation.",
    )
    certification = Certification.objects.get(pk=case.certification_id)
    assert (certification.status, certification.suspended_on) == ("suspended", today())
    assert AuditEvent.objects.filter(
        verb="certification_suspend", object_id=certification.pk, actor=cast.admin
    ).exists()
    # The registry at once: the verify API row shows the status and the notice.
    row = verification_row(certification)
    assert row["status"] == "suspended"
    assert row["public_actions"] == [
        {
            "action": "suspension",
            "effective_on": today(),
            "ended_on": None,
            "summary": "Suspended for 60 days for a boundary violation.",
        }
    ]
    kinds = [k for k, _u, _c in _emails()]
    # One email, the decision's: it says the certification is suspended, why and how to appeal.
    assert kinds == ["case_decision"]
    context = _emails("case_decision")[0][2]
    body = email_render(user=case.subject, kind="case_decision", context=context).body
    assert "appeal this decision within 30 days" in body
    assert "The peer lent a participant money" in body
    assert f"your certification {certification.number} is suspended until" in body

    # The daily scan ends it on its date, through the certification service.
    assert services.case_decisions_scan(today=until - datetime.timedelta(days=1)) == {
        "met": 0,
        "overdue": 0,
        "suspensions_ended": 0,
    }
    assert services.case_decisions_scan(today=until)["suspensions_ended"] == 1
    assert services.case_decisions_scan(today=until)["suspensions_ended"] == 0  # once
    certification.refresh_from_db()
    decision.refresh_from_db()
    assert certification.status == "active" and certification.suspended_on is None
    assert decision.suspension_ended_at is not None
    assert PublicNotice.objects.get().ended_on == today()


def test_a_suspension_until_conditions_are_met_is_lifted_by_staff(cast):
    case = _case(cast)
    decision = _decide(
        cast, case, "suspension", suspension_conditions="Complete a boundaries course."
    )
    with pytest.raises(DomainError) as caught:
        services.case_decision_lift_suspension(actor=cast.reviewer, decision=decision, note=" ")
    assert caught.value.field == "note"
    with pytest.raises(PermissionDenied):
        services.case_decision_lift_suspension(
            actor=cast.other_admin, decision=decision, note="Done."
        )
    assert Certification.objects.get(pk=case.certification_id).status == "suspended"
    services.case_decision_lift_suspension(
        actor=cast.reviewer, decision=decision, note="Course certificate received."
    )
    assert Certification.objects.get(pk=case.certification_id).status == "active"
    with pytest.raises(DomainError) as caught:
        services.case_decision_lift_suspension(actor=cast.reviewer, decision=decision, note="x")
    assert caught.value.code == "conflict"


def test_a_revocation_goes_through_the_certification_service(cast):
    case = _case(cast)
    _decide(cast, case, "revocation")
    certification = Certification.objects.get(pk=case.certification_id)
    assert certification.status == "revoked"
    assert verification_row(certification)["public_actions"] == [
        {"action": "revocation", "effective_on": today(), "ended_on": None, "summary": ""}
    ]
    assert AuditEvent.objects.filter(verb="certification_revoke", object_id=certification.pk)
    # The peer gets one email, the decision's, that says the certification is revoked.
    assert [k for k, _u, _c in _emails()] == ["case_decision"]
    body = email_render(
        user=case.subject, kind="case_decision", context=_emails("case_decision")[0][2]
    ).body
    assert f"your certification {certification.number} is revoked" in body


def test_corrective_action_is_followed_by_the_daily_scan(cast):
    met_case, missed_case = _case(cast), _case(cast)
    due = today() + datetime.timedelta(days=30)
    met = _decide(
        cast,
        met_case,
        "corrective_action",
        required_hours="6",
        required_law_and_ethics_hours="6",
        due_on=due,
        disclosure="none",
    )
    missed = _decide(
        cast, missed_case, "corrective_action", required_hours=4, due_on=due, disclosure="none"
    )
    assert missed.required_law_and_ethics_hours == Decimal("0")
    assert not PublicNotice.objects.exists()
    CeCreditFactory(
        certification=met.certification, hours=6, completed_on=today(), status="verified"
    )
    # Pending hours count for nothing; old hours (before the decision) neither.
    CeCreditFactory(certification=missed.certification, hours=6, status="verified")
    CeCreditFactory(certification=missed.certification, hours=6, completed_on=today())
    assert services.case_decisions_scan(today=today()) == {
        "met": 1,
        "overdue": 0,
        "suspensions_ended": 0,
    }
    assert services.case_decisions_scan(today=due) == {
        "met": 0,
        "overdue": 0,
        "suspensions_ended": 0,
    }
    after = due + datetime.timedelta(days=1)
    assert services.case_decisions_scan(today=after)["overdue"] == 1
    assert services.case_decisions_scan(today=after)["overdue"] == 0  # flagged once
    assert [u for _k, u, _c in _emails("case_corrective_met")] == [met_case.subject_id]
    assert [u for _k, u, _c in _emails("case_corrective_overdue")] == [missed_case.subject_id]
    assert [u for _k, u, _c in _emails("case_corrective_overdue_staff")] == [cast.admin.pk]
    # A missed corrective action opens the case to a further decision; a met one does not.
    missed_case.refresh_from_db()
    assert services.decision_open_to(missed_case)
    met_case.refresh_from_db()
    assert not services.decision_open_to(met_case)
    _decide(cast, missed_case, "suspension", suspension_conditions="Hours.", expected_decisions=1)
    assert Certification.objects.get(pk=missed_case.certification_id).status == "suspended"


@pytest.mark.parametrize(
    ("outcome", "kw", "field"),
    [
        ("warning", {"findings": "  "}, "findings"),
        ("nonsense", {}, "outcome"),
        ("corrective_action", {"required_hours": "0", "due_on": None}, "required_hours"),
        ("corrective_action", {"required_hours": "abc"}, "required_hours"),
        (
            "corrective_action",
            {"required_hours": "4", "required_law_and_ethics_hours": "6", "due_on": None},
            "required_law_and_ethics_hours",
        ),
        ("corrective_action", {"required_hours": "4"}, "due_on"),
        ("suspension", {}, "suspended_until"),
        ("suspension", {"suspended_until": datetime.date(2020, 1, 1)}, "suspended_until"),
        ("revocation", {"disclosure": "none"}, "disclosure"),
        ("warning", {"disclosure": "summary", "public_summary": " "}, "public_summary"),
        ("warning", {"disclosure": "summary", "public_summary": "x" * 501}, "public_summary"),
        ("warning", {"disclosure": "everything"}, "disclosure"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(cast, outcome, kw, field):
    case = _case(cast)
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        _decide(cast, case, outcome, **kw)
    assert caught.value.field == field
    assert _snapshot() == before


def test_refusals_of_who_and_when_change_nothing(cast):
    case = _case(cast)
    early = _case(cast, stage="investigation")
    before = _snapshot()
    # Deciding is the handling county's administrators'.
    for actor in (cast.reviewer, cast.other_admin, cast.state, cast.applicant):
        with pytest.raises(PermissionDenied):
            _decide(cast, case, "revocation", actor=actor)
    # Not before the findings.
    with pytest.raises(DomainError) as caught:
        _decide(cast, early, "warning")
    assert caught.value.code == "conflict"
    assert _snapshot() == before
    # A double click or a stale form: the second one changes nothing.
    _decide(cast, case, "warning")
    after = _snapshot()
    with pytest.raises(DomainError) as caught:
        _decide(cast, case, "revocation")
    assert caught.value.code == "conflict"
    with pytest.raises(DomainError) as caught:
        _decide(cast, case, "revocation", expected_decisions=1)
    assert caught.value.code == "conflict"
    assert _snapshot() == after


def test_state_staff_decide_the_cases_no_county_handles_but_never_suspend(cast):
    certification = CertificationFactory(issuing_county=cast.county)
    case = services.case_open(
        actor=cast.state,
        county=None,
        source="complaint",
        category="integrity",
        summary="No county program.",
        received_on=today(),
        certification=certification,
    )
    for to in ("investigation", "findings"):
        services.case_advance(actor=cast.state, case=case, to=to)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        _decide(cast, case, "warning", actor=cast.admin)
    with pytest.raises(DomainError) as caught:
        _decide(cast, case, "suspension", actor=cast.state, suspension_conditions="x")
    assert caught.value.field == "outcome"
    assert _snapshot() == before
    _decide(cast, case, "warning", actor=cast.state, disclosure="none")
    assert CaseDecision.objects.get().county is None


def test_decisions_are_private_to_the_handling_county_and_state_staff(cast):
    case = _case(cast)
    decision = _decide(cast, case, "warning", disclosure="summary", public_summary="Warned.")
    fresno = _case(cast, county=cast.other_county)
    fresno_decision = _decide(cast, fresno, "dismissed", actor=cast.other_admin)
    assert list(case_decisions(cast.reviewer, case)) == [decision]
    assert list(case_decisions(cast.state, case)) == [decision]
    assert list(case_decisions(cast.other_admin, case)) == []
    assert list(case_decisions(case.subject, case)) == []
    with pytest.raises(Http404):
        decision_get(cast.other_admin, decision.pk, case=case)
    expected = {
        "anonymous": set(),
        "applicant": set(),
        "reviewer": {decision.pk},
        "admin": {decision.pk},
        "other_admin": {fresno_decision.pk},
        "state": {decision.pk, fresno_decision.pk},
    }
    for who, ids in expected.items():
        with acting_as(cast.everyone[who]) as cursor:
            cursor.execute("SELECT id FROM cases_casedecision")
            assert {row[0] for row in cursor.fetchall()} == ids, who
            # Public notices are public: anyone reads them (what the registry shows).
            cursor.execute("SELECT decision_id, summary FROM cases_publicnotice")
            assert cursor.fetchall() == [(decision.pk, "Warned.")], who
    with acting_as(cast.other_admin) as cursor:
        cursor.execute("UPDATE cases_casedecision SET findings = 'x' WHERE id = %s", [decision.pk])
        assert cursor.rowcount == 0
        cursor.execute("UPDATE cases_publicnotice SET summary = 'x'")
        assert cursor.rowcount == 0
    with (
        acting_as(cast.everyone["anonymous"]) as cursor,
        pytest.raises(ProgrammingError, match="row-level"),
    ):
        cursor.execute(
            "INSERT INTO cases_publicnotice (decision_id, certification_id, county_id, action, "
            "effective_on, summary, published_at) VALUES (%s, %s, %s, 'revocation', now(), "
            "'', now())",
            [fresno_decision.pk, fresno.certification_id, cast.other_county.pk],
        )
    for table in ("cases_casedecision", "cases_publicnotice"):
        with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="denied"):
            cursor.execute(f"DELETE FROM {table}")
    decision.refresh_from_db()
    assert decision.findings.startswith("The peer lent")
    assert PublicNotice.objects.get().summary == "Warned."


def test_the_notice_never_carries_the_complaint_or_the_complainant(cast):
    case = _case(cast)
    _decide(cast, case, "suspension", suspension_conditions="Training.", disclosure="action")
    row = verification_row(Certification.objects.get(pk=case.certification_id))
    text = str(row)
    for private in ("Roe", "lent", "Complainant", "Training."):
        assert private not in text


@pytest.mark.parametrize(
    ("outcome", "kw", "spanish"),
    [
        ("dismissed", {}, "la queja se desestima"),
        ("warning", {}, "una carta de advertencia"),
        (
            "corrective_action",
            {"required_hours": "6", "due_on": datetime.date(2099, 1, 1)},
            "acción correctiva",
        ),
        ("suspension", {"suspension_conditions": "Curso."}, "hasta que se cumplan"),
        ("revocation", {}, "queda revocada"),
    ],
)
def test_every_decision_email_renders_in_spanish(cast, outcome, kw, spanish):
    case = _case(cast)
    case.subject.preferred_language = "es"
    case.subject.save()
    _decide(cast, case, outcome, **kw)
    [(_kind, _user, context)] = _emails("case_decision")
    message = email_render(user=case.subject, kind="case_decision", context=context)
    assert spanish in message.body and 'lang="es"' in message.alternatives[0][0]
    assert "Decisión sobre el caso" in message.subject
    assert ("Puede apelar" in message.body) == (outcome != "dismissed")
