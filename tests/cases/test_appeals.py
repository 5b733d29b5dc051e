"""Appeals (docs/domain.md#appeals): a person appeals a denial, a suspension, a revocation,
a refused renewal or reinstatement, or a case decision within the period; someone other than
the person who took the decision decides: upheld, overturned (what the decision took comes
back through the certification services: audited, registry at once) or modified. Every
refusal changes nothing. Private to the appellant, the program and state staff (access layer
and row-level security alone)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import ProgrammingError
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from cases import services
from cases.models import Appeal, AppealDocument, CaseEvent
from cases.selectors import appeal_get, appealable_decisions, appeals_for
from certification import services as certification_services
from certification.models import Application, Certification, Renewal
from core.errors import DomainError
from counties.models import ProgramPolicy
from jobs.models import OutboxMessage
from tests.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    CertificationFactory,
    EthicsVersionFactory,
)
from tests.security.test_rls import acting_as

pytestmark = pytest.mark.django_db


def _revoked(cast, **kw) -> Certification:
    certification = CertificationFactory(
        holder=cast.applicant, issuing_county=cast.county, number="PSS-0004321", **kw
    )
    return certification_services.certification_revoke(
        actor=cast.reviewer, certification=certification, reason="Boundary violation."
    )


def _only(user, kind=None):
    found = [d for d in appealable_decisions(user) if kind is None or d.kind == kind]
    assert len(found) == 1, found
    return found[0]


def _file(cast, decision, **kw) -> Appeal:
    return services.appeal_file(
        actor=kw.pop("actor", cast.applicant),
        decision_ref=decision.ref,
        statement=kw.pop("statement", "The facts were wrong; see the letter."),
        **kw,
    )


def _snapshot():
    return (
        list(Appeal.objects.order_by("pk").values_list("pk", "status", "decided_by")),
        list(Certification.objects.order_by("pk").values_list("pk", "status", "expires_on")),
        list(Application.objects.order_by("pk").values_list("pk", "status", "version")),
        AuditEvent.objects.count(),
        AppealDocument.objects.count(),
    )


def _emails(kind):
    return OutboxMessage.objects.filter(
        task_name="notifications.tasks.email_send", kwargs__kind=kind
    )


def test_an_overturned_revocation_restores_the_certification_and_the_registry(cast, client):
    certification = _revoked(cast)
    expires_on = certification.expires_on
    decision = _only(cast.applicant)
    assert (decision.kind, decision.decision_by_id) == ("revocation", cast.reviewer.pk)
    assert decision.last_day == timezone.localdate() + datetime.timedelta(days=30)

    letter = SimpleUploadedFile("letter.pdf", MINIMAL_PDF, content_type="application/pdf")
    appeal = _file(cast, decision, files=[letter])
    assert appeal.status == "filed" and appeal.documents.count() == 1
    assert _emails("appeal_filed").filter(kwargs__user_id=cast.applicant.pk).count() == 1
    assert _emails("appeal_filed_staff").filter(kwargs__user_id=cast.admin.pk).count() == 1
    # A double click files nothing more.
    assert _file(cast, decision).pk == appeal.pk
    assert Appeal.objects.count() == 1

    services.appeal_decide(
        actor=cast.admin, appeal=appeal, outcome="overturned", reason="The evidence was wrong."
    )
    certification.refresh_from_db()
    assert (certification.status, certification.expires_on) == ("active", expires_on)
    assert certification.suspended_on is None
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by) == ("overturned", cast.admin)
    # History keeps the decision and its reversal.
    verbs = list(
        AuditEvent.objects.filter(
            object_id=certification.pk, object_type="certification.certification"
        )
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["certification_revoke", "certification_restore_on_appeal"]
    assert AuditEvent.objects.filter(verb="appeal_decide", object_id=appeal.pk).exists()
    assert _emails("appeal_decided").filter(kwargs__context__effect="certification_restored")
    # The public verify page and API show it active at once.
    response = client.get(f"/api/v1/verify/{certification.number}/")
    assert response.status_code == 200 and response.json()["status"] == "active"
    page = client.get(f"/verify/{certification.number}/")
    assert "Active" in page.content.decode() and "Revoked" not in page.content.decode()
    # A decided appeal is not decided again (a stale form): nothing changes.
    before = _snapshot()
    with pytest.raises(DomainError) as error:
        services.appeal_decide(actor=cast.state, appeal=appeal, outcome="upheld", reason="No.")
    assert error.value.code == "conflict"
    assert _snapshot() == before


def test_the_person_who_took_the_decision_does_not_decide_the_appeal(cast):
    certification = _revoked(cast)
    appeal = _file(cast, _only(cast.applicant))
    # The reviewer who revoked is made an admin too: still not them.
    cast.reviewer.county_memberships.update(role="admin")
    before = _snapshot()
    with pytest.raises(DomainError, match="another administrator"):
        services.appeal_decide(
            actor=cast.reviewer, appeal=appeal, outcome="overturned", reason="Mine."
        )
    assert _snapshot() == before
    # Another person (state staff) decides.
    services.appeal_decide(actor=cast.state, appeal=appeal, outcome="upheld", reason="Right.")
    certification.refresh_from_db()
    assert certification.status == "revoked"
    assert Appeal.objects.get().status == "upheld"


@pytest.mark.parametrize("who", ["reviewer", "other_admin", "applicant", "other_applicant"])
def test_only_an_administrator_of_the_program_or_state_staff_decides(cast, who):
    _revoked(cast)
    appeal = _file(cast, _only(cast.applicant))
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.appeal_decide(
            actor=cast.everyone[who], appeal=appeal, outcome="overturned", reason="x"
        )
    assert _snapshot() == before


def test_a_late_appeal_is_refused_and_nothing_is_filed(cast):
    _revoked(cast)
    decision = _only(cast.applicant)
    policy = ProgramPolicy.current()
    policy.appeal_days = 10
    policy.save()
    decision = _only(cast.applicant)
    before = _snapshot()
    with pytest.raises(DomainError, match="period to appeal"):
        _file(cast, decision, today=timezone.localdate() + datetime.timedelta(days=11))
    assert _snapshot() == before
    # The last day is still in time.
    _file(cast, decision, today=timezone.localdate() + datetime.timedelta(days=10))


def test_someone_elses_decision_is_not_theirs_to_appeal(cast):
    _revoked(cast)
    decision = _only(cast.applicant)
    assert appealable_decisions(cast.other_applicant) == []
    before = _snapshot()
    for actor in (cast.other_applicant, cast.admin):
        with pytest.raises(PermissionDenied):
            _file(cast, decision, actor=actor)
    with pytest.raises(PermissionDenied):
        services.appeal_file(actor=cast.applicant, decision_ref="audit:999999", statement="x")
    with pytest.raises(DomainError, match="Say why"):
        _file(cast, decision, statement="  ")
    assert _snapshot() == before


def test_an_overturned_denial_sends_the_application_back_to_review(cast):
    application = ApplicationFactory(
        applicant=cast.applicant, county=cast.county, status="in_review"
    )
    certification_services.application_deny(
        actor=cast.reviewer, application=application, reason="Training not approved."
    )
    decision = _only(cast.applicant)
    assert decision.kind == "denial" and decision.summary == "Training not approved."
    appeal = _file(cast, decision)
    services.appeal_decide(
        actor=cast.admin, appeal=appeal, outcome="overturned", reason="The provider is approved."
    )
    application.refresh_from_db()
    assert application.status == "in_review"
    verbs = list(
        AuditEvent.objects.filter(object_type="certification.application", object_id=application.pk)
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["application_deny", "application_reopen_on_appeal"]
    # Denied is no longer a dead end: the review goes on to approval's checks as before.
    assert appealable_decisions(cast.applicant) == []


def test_an_overturned_suspension_is_active_again_and_upheld_changes_nothing(cast):
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    certification_services.certification_suspend(
        actor=cast.admin, certification=certification, reason="Pending investigation."
    )
    appeal = _file(cast, _only(cast.applicant))
    assert appeal.kind == "suspension"
    with pytest.raises(DomainError):
        services.appeal_decide(actor=cast.admin, appeal=appeal, outcome="upheld", reason="x")
    services.appeal_decide(actor=cast.state, appeal=appeal, outcome="overturned", reason="Cleared.")
    certification.refresh_from_db()
    assert (certification.status, certification.suspended_on) == ("active", None)


def test_a_revocation_modified_to_a_suspension(cast):
    certification = _revoked(cast)
    appeal = _file(cast, _only(cast.applicant))
    services.appeal_decide(
        actor=cast.admin,
        appeal=appeal,
        outcome="modified",
        reason="Suspended for 6 months instead.",
    )
    certification.refresh_from_db()
    assert certification.status == "suspended"
    assert certification.suspended_on == timezone.localdate()
    assert Appeal.objects.get().status == "modified"


def test_an_overturned_refused_renewal_is_processed(cast):
    EthicsVersionFactory()
    today = timezone.localdate()
    certification = CertificationFactory(
        holder=cast.applicant,
        issuing_county=cast.county,
        status="expired",
        issued_on=today - datetime.timedelta(days=365 * 3 + 60),
        expires_on=today - datetime.timedelta(days=400),
    )
    decision = _only(cast.applicant)
    assert decision.kind in ("renewal_refusal", "reinstatement_refusal")
    assert decision.last_day is None
    appeal = _file(cast, decision)
    services.appeal_decide(
        actor=cast.admin, appeal=appeal, outcome="overturned", reason="The CE was done in time."
    )
    certification.refresh_from_db()
    assert certification.status == "active"
    assert certification.expires_on == today.replace(year=today.year + 2)
    renewal = Renewal.objects.get(certification=certification)
    assert renewal.kind == "reinstatement" and renewal.decided_by == cast.admin


def test_bad_outcome_and_missing_reasons_are_refused(cast):
    _revoked(cast)
    appeal = _file(cast, _only(cast.applicant))
    before = _snapshot()
    with pytest.raises(DomainError, match="outcome"):
        services.appeal_decide(actor=cast.admin, appeal=appeal, outcome="maybe", reason="x")
    with pytest.raises(DomainError, match="reasons"):
        services.appeal_decide(actor=cast.admin, appeal=appeal, outcome="upheld", reason=" ")
    assert _snapshot() == before


def test_the_access_layer_and_row_level_security_keep_appeals_private(cast):
    _revoked(cast)
    appeal = _file(
        cast,
        _only(cast.applicant),
        files=[SimpleUploadedFile("a.pdf", MINIMAL_PDF, content_type="application/pdf")],
    )
    expected = {
        "anonymous": set(),
        "applicant": {appeal.pk},
        "other_applicant": set(),
        "reviewer": {appeal.pk},
        "admin": {appeal.pk},
        "other_admin": set(),
        "state": {appeal.pk},
    }
    for who, ids in expected.items():
        user = cast.everyone[who]
        assert set(appeals_for(user).values_list("pk", flat=True)) == ids, who
        with acting_as(user) as cursor:
            cursor.execute("SELECT id FROM cases_appeal")
            assert {row[0] for row in cursor.fetchall()} == ids, who
            cursor.execute("SELECT DISTINCT appeal_id FROM cases_appealdocument")
            assert {row[0] for row in cursor.fetchall()} == ids, who
    for who in ("other_applicant", "other_admin", "anonymous"):
        with pytest.raises(Http404):
            appeal_get(cast.everyone[who], appeal.pk)
    with pytest.raises(Http404):
        appeal_get(cast.admin, "x")
    # Nobody outside decides by writing the row directly, the appellant included.
    for who in ("applicant", "other_admin"):
        with acting_as(cast.everyone[who]) as cursor:
            cursor.execute(
                "UPDATE cases_appeal SET status = 'overturned' WHERE id = %s", [appeal.pk]
            )
            assert cursor.rowcount == 0, who
    document_id = AppealDocument.objects.get().document_id
    with (
        acting_as(cast.other_applicant) as cursor,
        pytest.raises(ProgrammingError, match="row-level"),
    ):
        cursor.execute(
            "INSERT INTO cases_appealdocument (appeal_id, document_id) VALUES (%s, %s)",
            [appeal.pk, document_id],
        )
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="denied"):
        cursor.execute("DELETE FROM cases_appeal")
    assert Appeal.objects.get().status == "filed"


def test_an_appeal_of_a_case_decision_is_on_the_case_timeline(cast):
    from cases.models import CaseDecision

    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    case = services.case_open(
        actor=cast.reviewer,
        county=cast.county,
        source="phone_letter",
        category="boundaries",
        summary="Caller reports a boundary violation.",
        received_on=timezone.localdate() - datetime.timedelta(days=20),
        certification=certification,
    )
    CaseDecision.objects.create(
        case=case,
        county=cast.county,
        certification=certification,
        outcome="warning",
        findings="A boundary was crossed once.",
        effective_on=timezone.localdate(),
        decided_by=cast.admin,
    )
    decision = _only(cast.applicant)
    assert decision.kind == "case_decision" and "boundary" in decision.summary
    appeal = _file(cast, decision)
    with pytest.raises(DomainError):
        services.appeal_decide(actor=cast.admin, appeal=appeal, outcome="overturned", reason="x")
    services.appeal_decide(actor=cast.state, appeal=appeal, outcome="overturned", reason="No.")
    assert CaseDecision.objects.get().rescinded_at is not None
    assert list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))[
        -2:
    ] == ["appeal_filed", "appeal_decided"]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("appeal_filed", {}),
        ("appeal_filed_staff", {"county_code": "alameda"}),
        ("appeal_decided", {"status": "overturned", "effect": "certification_restored"}),
        ("appeal_decided", {"status": "upheld", "effect": "upheld"}),
    ],
)
def test_the_emails_say_what_happened_and_what_next(cast, kind, extra, language):
    from notifications.services import email_render

    cast.applicant.preferred_language = language
    context = {
        "appeal_id": 7,
        "kind": "revocation",
        "kind_label": "Revocation",
        "county_name": "Alameda",
        "decision_on": "2026-11-02",
        "status": "filed",
        "reason": "The evidence was wrong.",
        **extra,
    }
    message = email_render(user=cast.applicant, kind=kind, context=context)
    body = message.body
    assert "7" in message.subject
    assert "/appeals/7/" in body
    if language == "es":
        assert "apelación" in (message.subject + body).lower()
