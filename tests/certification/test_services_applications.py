"""The application life cycle: every transition allowed and refused, with its audit event;
every refusal leaves the application as it was."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from certification.models import Application
from certification.rules import approval_window_end
from certification.services import (
    application_approve,
    application_create,
    application_deny,
    application_expire,
    application_request_changes,
    application_resubmit,
    application_sign_ethics,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
)
from core.errors import DomainError
from tests.certification.builders import (
    application_in,
    approved_application,
    audit_events,
    certification_in,
    draft_application,
    emails,
    follow_ups,
    last_event,
    today,
    verify_documents,
)
from tests.factories import EthicsVersionFactory, ExamAttemptFactory, county

pytestmark = pytest.mark.django_db


def snapshot(application: Application) -> dict:
    """The columns a refused transition must leave untouched, plus its audit count."""
    application.refresh_from_db()
    return {
        "status": application.status,
        "version": application.version,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "decision_reason": application.decision_reason,
        "approved_on": application.approved_on,
        "changes_requested_parts": list(application.changes_requested_parts),
        "attest_recovery": application.attest_recovery,
        "pathway": application.pathway,
        "events": len(audit_events(application)),
    }


def assert_event(application, *, verb, actor, from_state, to_state, reason=""):
    event = last_event(application)
    assert (event.verb, event.from_state, event.to_state, event.reason) == (
        verb,
        from_state,
        to_state,
        reason,
    )
    assert event.actor_id == (actor.pk if actor else None)
    assert event.county_id == application.county_id
    assert event.subject_id == application.applicant_id


# --- create -------------------------------------------------------------------------------


def test_create_opens_a_draft(cast, opted_in):
    application = application_create(applicant=cast.applicant, county=cast.county)
    assert (application.status, application.pathway, application.version) == (
        "draft",
        "standard",
        1,
    )
    assert_event(
        application,
        verb="application_create",
        actor=cast.applicant,
        from_state="",
        to_state="draft",
    )


@pytest.mark.parametrize("status", ["draft", "submitted", "in_review", "changes_requested"])
@pytest.mark.parametrize("where", ["county", "other_county"])
def test_create_refuses_a_second_open_application_anywhere_in_the_state(
    cast, opted_in, status, where
):
    application_in(status, cast.applicant)
    with pytest.raises(DomainError) as error:
        application_create(applicant=cast.applicant, county=getattr(cast, where))
    assert error.value.code == "conflict"
    assert "open application with Alameda" in error.value.message
    assert "one open application at a time" in error.value.message
    assert Application.objects.filter(applicant=cast.applicant).count() == 1


def test_an_approved_application_cannot_be_multiplied_elsewhere(cast, opted_in):
    """The 3 exam attempts of an approved application are not multiplied by applying in a
    second county."""
    approved_application(cast.applicant)
    with pytest.raises(DomainError, match="open application with Alameda"):
        application_create(applicant=cast.applicant, county=cast.other_county)
    assert Application.objects.filter(applicant=cast.applicant).count() == 1


@pytest.mark.parametrize("final", ["certified", "denied", "withdrawn", "expired"])
def test_create_allows_a_new_application_once_the_earlier_is_final(cast, opted_in, final):
    application_in(final, cast.applicant)
    created = application_create(applicant=cast.applicant, county=cast.other_county)
    assert (created.status, created.county) == ("draft", cast.other_county)


def test_create_refuses_a_person_holding_a_live_certification(cast, opted_in):
    certification_in("expired", holder=cast.applicant, number="PSS-0000042")
    with pytest.raises(DomainError, match="PSS-0000042") as error:
        application_create(applicant=cast.applicant, county=cast.county)
    assert error.value.code == "conflict"
    assert not Application.objects.filter(applicant=cast.applicant).exists()


def test_create_refuses_unknown_pathway_and_anonymous(cast, opted_in):
    with pytest.raises(DomainError) as error:
        application_create(applicant=cast.applicant, county=cast.county, pathway="shortcut")
    assert error.value.field == "pathway"
    with pytest.raises(PermissionDenied):
        application_create(applicant=cast.anonymous, county=cast.county)
    assert not Application.objects.exists()


# --- update and ethics ----------------------------------------------------------------------


def test_update_changes_a_draft_and_bumps_the_version(cast):
    application = draft_application(cast.applicant, attest_recovery=False)
    application_update(
        actor=cast.applicant,
        application=application,
        fields={"attest_recovery": True, "pathway": "out_of_state", "other_state": "OR"},
        expected_version=1,
    )
    application.refresh_from_db()
    assert (application.attest_recovery, application.pathway, application.other_state) == (
        True,
        "out_of_state",
        "OR",
    )
    assert application.version == 2
    event = last_event(application)
    assert event.verb == "application_update"
    assert event.data == {"fields": ["attest_recovery", "other_state", "pathway"]}


def test_update_with_a_stale_version_changes_nothing(cast):
    application = draft_application(cast.applicant, attest_recovery=False)
    before = snapshot(application)
    with pytest.raises(DomainError, match="Someone else changed this application") as error:
        application_update(
            actor=cast.applicant,
            application=application,
            fields={"attest_recovery": True},
            expected_version=0,
        )
    assert error.value.code == "conflict"
    assert snapshot(application) == before


def test_update_while_changes_requested_allows_only_requested_parts(cast):
    application = application_in(
        "changes_requested",
        cast.applicant,
        changes_requested_parts=["attestations"],
        attest_recovery=False,
    )
    application_update(
        actor=cast.applicant, application=application, fields={"attest_recovery": True}
    )
    before = snapshot(application)
    assert before["attest_recovery"] is True
    with pytest.raises(DomainError) as error:
        application_update(
            actor=cast.applicant, application=application, fields={"pathway": "out_of_state"}
        )
    assert error.value.field == "pathway"
    assert snapshot(application) == before


@pytest.mark.parametrize("who", ["other_applicant", "reviewer", "state"])
def test_update_by_anyone_but_the_applicant_is_denied(cast, who):
    application = draft_application(cast.applicant, attest_recovery=False)
    before = snapshot(application)
    with pytest.raises(PermissionDenied):
        application_update(
            actor=getattr(cast, who), application=application, fields={"attest_recovery": True}
        )
    assert snapshot(application) == before


def test_update_of_a_submitted_application_is_a_conflict(cast):
    application = application_in("submitted", cast.applicant, attest_recovery=False)
    before = snapshot(application)
    with pytest.raises(DomainError, match="This application is submitted, so") as error:
        application_update(
            actor=cast.applicant, application=application, fields={"attest_recovery": True}
        )
    assert error.value.code == "conflict"
    assert snapshot(application) == before


def test_update_refuses_an_invalid_value(cast):
    application = draft_application(cast.applicant)
    before = snapshot(application)
    with pytest.raises(DomainError) as error:
        application_update(
            actor=cast.applicant, application=application, fields={"other_state": "Oregon"}
        )
    assert error.value.field == "other_state"
    assert snapshot(application) == before


def test_sign_ethics_records_the_current_version(cast):
    EthicsVersionFactory(version="2020.1", effective_on=datetime.date(2020, 1, 1))
    current = EthicsVersionFactory(version="2025.1", effective_on=datetime.date(2025, 1, 1))
    application = draft_application(cast.applicant, ethics_version=None, ethics_signed_at=None)
    application_sign_ethics(actor=cast.applicant, application=application, ethics_version=current)
    application.refresh_from_db()
    assert application.ethics_version == current
    assert application.ethics_signed_at is not None
    assert application.version == 2
    assert last_event(application).data == {"ethics_version": "2025.1"}


def test_sign_ethics_refuses_an_outdated_version(cast):
    old = EthicsVersionFactory(version="2020.1", effective_on=datetime.date(2020, 1, 1))
    EthicsVersionFactory(version="2025.1", effective_on=datetime.date(2025, 1, 1))
    application = draft_application(cast.applicant, ethics_version=None, ethics_signed_at=None)
    before = snapshot(application)
    with pytest.raises(DomainError, match="version 2025.1"):
        application_sign_ethics(actor=cast.applicant, application=application, ethics_version=old)
    assert snapshot(application) == before
    application.refresh_from_db()
    assert application.ethics_version is None


# --- submit --------------------------------------------------------------------------------


def test_submit_moves_a_complete_draft_and_confirms_by_email(cast):
    application = draft_application(cast.applicant)
    with follow_ups() as sent:
        application_submit(actor=cast.applicant, application=application)
    application.refresh_from_db()
    assert (application.status, application.version) == ("submitted", 2)
    assert application.submitted_at is not None
    assert_event(
        application,
        verb="application_submit",
        actor=cast.applicant,
        from_state="draft",
        to_state="submitted",
    )
    assert emails(sent) == [
        (
            "application_submitted",
            cast.applicant.pk,
            {"application_id": application.pk, "county_name": "Alameda", "resubmitted": False},
        )
    ]


def test_submit_refuses_with_every_rule_reason(cast):
    application = draft_application(cast.applicant, attest_recovery=False)
    application.documents.filter(kind="photo_id").update(removed_at=timezone.now())
    before = snapshot(application)
    with follow_ups() as sent, pytest.raises(DomainError) as error:
        application_submit(actor=cast.applicant, application=application)
    assert error.value.code == "invalid"
    assert "Upload a government photo ID." in error.value.message
    assert "Confirm that you are dedicated to recovery." in error.value.message
    assert snapshot(application) == before
    assert sent == []


def test_submit_without_a_profile_asks_for_personal_details(cast):
    application = draft_application(cast.reviewer)
    with pytest.raises(DomainError, match="Fill in your personal details first"):
        application_submit(actor=cast.reviewer, application=application)


@pytest.mark.parametrize("who", ["other_applicant", "reviewer", "admin", "state", "anonymous"])
def test_submit_by_anyone_but_the_applicant_is_denied(cast, who):
    application = draft_application(cast.applicant)
    before = snapshot(application)
    with pytest.raises(PermissionDenied):
        application_submit(actor=getattr(cast, who), application=application)
    assert snapshot(application) == before


def test_submit_twice_is_a_conflict_naming_the_state(cast):
    application = application_in("submitted", cast.applicant)
    before = snapshot(application)
    with pytest.raises(DomainError, match="This application is already submitted.") as error:
        application_submit(actor=cast.applicant, application=application)
    assert error.value.code == "conflict"
    assert snapshot(application) == before


# --- review ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_start_review_by_county_staff(cast, who):
    application = application_in("submitted", cast.applicant)
    actor = getattr(cast, who)
    application_start_review(actor=actor, application=application, expected_version=1)
    application.refresh_from_db()
    assert (application.status, application.version) == ("in_review", 2)
    assert_event(
        application,
        verb="application_start_review",
        actor=actor,
        from_state="submitted",
        to_state="in_review",
    )


def test_start_review_refuses_draft_and_stale_version(cast):
    draft = draft_application(cast.applicant)
    before = snapshot(draft)
    with pytest.raises(DomainError, match="This application is a draft, so") as error:
        application_start_review(actor=cast.reviewer, application=draft)
    assert error.value.code == "conflict"
    assert snapshot(draft) == before
    submitted = application_in("submitted", cast.other_applicant)
    before = snapshot(submitted)
    with pytest.raises(DomainError, match="Someone else changed"):
        application_start_review(actor=cast.reviewer, application=submitted, expected_version=7)
    assert snapshot(submitted) == before


STAFF_ACTIONS = {
    "start_review": ("submitted", application_start_review, {}),
    "request_changes": (
        "in_review",
        application_request_changes,
        {"parts": ["photo_id"], "message": "Unreadable ID."},
    ),
    "approve": ("in_review", application_approve, {}),
    "deny": ("in_review", application_deny, {"reason": "Not eligible."}),
}


@pytest.mark.parametrize("action", STAFF_ACTIONS)
@pytest.mark.parametrize("who", ["applicant", "other_applicant", "other_admin", "state"])
def test_staff_decisions_by_anyone_else_are_denied(cast, action, who):
    status, service, kwargs = STAFF_ACTIONS[action]
    application = application_in(status, cast.applicant)
    verify_documents(application)
    before = snapshot(application)
    with pytest.raises(PermissionDenied):
        service(actor=getattr(cast, who), application=application, **kwargs)
    assert snapshot(application) == before


def test_state_staff_with_a_membership_still_cannot_write(cast):
    from tests.factories import MembershipFactory

    MembershipFactory(user=cast.state, county=cast.county, role="admin")
    application = application_in("submitted", cast.applicant)
    with pytest.raises(PermissionDenied):
        application_start_review(actor=cast.state, application=application)
    assert snapshot(application)["status"] == "submitted"


def test_request_changes_sends_parts_back_with_the_message(cast):
    application = application_in("in_review", cast.applicant)
    with follow_ups() as sent:
        application_request_changes(
            actor=cast.reviewer,
            application=application,
            parts=["photo_id", "attestations"],
            message="The ID photo is blurred.",
            expected_version=1,
        )
    application.refresh_from_db()
    assert application.status == "changes_requested"
    assert application.changes_requested_parts == ["photo_id", "attestations"]
    assert application.changes_requested_message == "The ID photo is blurred."
    assert_event(
        application,
        verb="application_request_changes",
        actor=cast.reviewer,
        from_state="in_review",
        to_state="changes_requested",
        reason="The ID photo is blurred.",
    )
    assert emails(sent) == [
        (
            "application_changes_requested",
            cast.applicant.pk,
            {
                "application_id": application.pk,
                "county_name": "Alameda",
                "message": "The ID photo is blurred.",
                "parts": ["photo_id", "attestations"],
                "parts_display": ["Photo ID", "Attestations"],
            },
        )
    ]


@pytest.mark.parametrize(
    ("parts", "message", "field"),
    [([], "Fix it.", "parts"), (["nonsense"], "Fix it.", "parts"), (["photo_id"], "  ", "message")],
)
def test_request_changes_needs_parts_and_a_message(cast, parts, message, field):
    application = application_in("in_review", cast.applicant)
    before = snapshot(application)
    with pytest.raises(DomainError) as error:
        application_request_changes(
            actor=cast.reviewer, application=application, parts=parts, message=message
        )
    assert (error.value.code, error.value.field) == ("invalid", field)
    assert snapshot(application) == before


def test_request_changes_on_a_submitted_application_is_a_conflict(cast):
    application = application_in("submitted", cast.applicant)
    before = snapshot(application)
    with pytest.raises(DomainError) as error:
        application_request_changes(
            actor=cast.reviewer, application=application, parts=["photo_id"], message="x"
        )
    assert error.value.code == "conflict"
    assert snapshot(application) == before


def test_resubmit_returns_to_review_and_clears_the_request(cast):
    application = application_in(
        "changes_requested",
        cast.applicant,
        changes_requested_parts=["photo_id"],
        changes_requested_message="Blurred.",
    )
    with follow_ups() as sent:
        application_resubmit(actor=cast.applicant, application=application)
    application.refresh_from_db()
    assert (application.status, application.changes_requested_parts) == ("in_review", [])
    assert application.changes_requested_message == ""
    assert_event(
        application,
        verb="application_resubmit",
        actor=cast.applicant,
        from_state="changes_requested",
        to_state="in_review",
    )
    assert [kind for kind, _user, _context in emails(sent)] == ["application_submitted"]
    assert emails(sent)[0][2]["resubmitted"] is True


def test_resubmit_refused_when_rules_fail_or_state_is_wrong(cast):
    application = application_in(
        "changes_requested", cast.applicant, changes_requested_parts=["photo_id"]
    )
    application.documents.filter(kind="photo_id").update(review_status="rejected")
    before = snapshot(application)
    with pytest.raises(DomainError, match="Upload a government photo ID") as error:
        application_resubmit(actor=cast.applicant, application=application)
    assert error.value.code == "invalid"
    assert snapshot(application) == before
    in_review = application_in("in_review", cast.other_applicant)
    with pytest.raises(DomainError) as error:
        application_resubmit(actor=cast.other_applicant, application=in_review)
    assert error.value.code == "conflict"
    with pytest.raises(PermissionDenied):
        application_resubmit(actor=cast.reviewer, application=application)
    assert snapshot(application) == before


# --- decisions ------------------------------------------------------------------------------


def test_approve_opens_the_exam_window_and_emails(cast):
    application = application_in("in_review", cast.applicant)
    verify_documents(application)
    on = datetime.date(2026, 3, 15)
    with follow_ups() as sent:
        application_approve(actor=cast.admin, application=application, expected_version=1, today=on)
    application.refresh_from_db()
    assert application.status == "approved"
    assert (application.approved_on, application.window_ends_on) == (
        on,
        datetime.date(2027, 3, 14),
    )
    assert (application.decided_by, application.version) == (cast.admin, 2)
    assert_event(
        application,
        verb="application_approve",
        actor=cast.admin,
        from_state="in_review",
        to_state="approved",
    )
    assert emails(sent) == [
        (
            "application_approved",
            cast.applicant.pk,
            {
                "application_id": application.pk,
                "county_name": "Alameda",
                "approved_on": "2026-03-15",
                "window_ends_on": "2027-03-14",
                "exam_attempts_allowed": 3,
            },
        )
    ]


def test_approve_requires_verified_id_and_diploma(cast):
    application = application_in("in_review", cast.applicant)
    application.documents.filter(kind="photo_id").update(review_status="verified")
    before = snapshot(application)
    with pytest.raises(DomainError, match="Verify the diploma or equivalent") as error:
        application_approve(actor=cast.reviewer, application=application)
    assert error.value.code == "invalid"
    assert snapshot(application) == before


def test_approve_twice_names_the_state(cast):
    application = approved_application(cast.applicant)
    before = snapshot(application)
    with pytest.raises(DomainError, match="This application is already approved.") as error:
        application_approve(actor=cast.reviewer, application=application)
    assert error.value.code == "conflict"
    assert snapshot(application) == before


def test_approve_with_a_stale_version_changes_nothing(cast):
    application = application_in("in_review", cast.applicant)
    verify_documents(application)
    before = snapshot(application)
    with pytest.raises(DomainError, match="Someone else changed") as error:
        application_approve(actor=cast.reviewer, application=application, expected_version=3)
    assert error.value.code == "conflict"
    assert snapshot(application) == before


@pytest.mark.parametrize("status", ["submitted", "in_review", "changes_requested"])
def test_deny_with_a_reason(cast, status):
    application = application_in(status, cast.applicant)
    with follow_ups() as sent:
        application_deny(actor=cast.reviewer, application=application, reason=" Under 18. ")
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == ("denied", "Under 18.")
    assert application.decided_by == cast.reviewer
    assert_event(
        application,
        verb="application_deny",
        actor=cast.reviewer,
        from_state=status,
        to_state="denied",
        reason="Under 18.",
    )
    assert emails(sent) == [
        (
            "application_denied",
            cast.applicant.pk,
            {"application_id": application.pk, "county_name": "Alameda", "reason": "Under 18."},
        )
    ]


def test_deny_refused_without_reason_and_after_approval(cast):
    application = application_in("in_review", cast.applicant)
    before = snapshot(application)
    with pytest.raises(DomainError) as error:
        application_deny(actor=cast.reviewer, application=application, reason="")
    assert (error.value.code, error.value.field) == ("invalid", "reason")
    assert snapshot(application) == before
    approved = approved_application(cast.other_applicant)
    before = snapshot(approved)
    with pytest.raises(DomainError, match="This application is approved, so") as error:
        application_deny(actor=cast.reviewer, application=approved, reason="Changed my mind.")
    assert error.value.code == "conflict"
    assert snapshot(approved) == before


@pytest.mark.parametrize(
    "status", ["draft", "submitted", "in_review", "changes_requested", "approved"]
)
def test_withdraw_by_the_applicant_from_any_open_state(cast, status):
    application = application_in(status, cast.applicant)
    application_withdraw(actor=cast.applicant, application=application, reason="Moving away.")
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert_event(
        application,
        verb="application_withdraw",
        actor=cast.applicant,
        from_state=status,
        to_state="withdrawn",
        reason="Moving away.",
    )


def test_withdraw_refused_for_staff_and_closed_applications(cast):
    application = application_in("in_review", cast.applicant)
    before = snapshot(application)
    with pytest.raises(PermissionDenied):
        application_withdraw(actor=cast.admin, application=application)
    assert snapshot(application) == before
    denied = application_in("denied", cast.other_applicant)
    before = snapshot(denied)
    with pytest.raises(DomainError, match="This application is denied, so") as error:
        application_withdraw(actor=cast.other_applicant, application=denied)
    assert error.value.code == "conflict"
    assert snapshot(denied) == before


def test_expire_after_the_window_and_its_grace_is_a_system_transition(cast):
    approved_on = datetime.date(2025, 3, 15)
    application = approved_application(cast.applicant, approved_on=approved_on)
    assert application.window_ends_on == approval_window_end(approved_on)
    # The window ends 2026-03-14; results may be recorded for 30 days more (docs/domain.md#exam).
    application_expire(application=application, today=datetime.date(2026, 4, 14))
    application.refresh_from_db()
    assert application.status == "expired"
    assert_event(
        application,
        verb="application_expire",
        actor=None,
        from_state="approved",
        to_state="expired",
    )
    assert last_event(application).is_system


def test_expire_refused_with_a_passed_exam_on_file(cast):
    application = approved_application(cast.applicant, approved_on=datetime.date(2025, 3, 15))
    ExamAttemptFactory(application=application, taken_on=datetime.date(2026, 3, 14))
    before = snapshot(application)
    with pytest.raises(DomainError, match="passed exam on file"):
        application_expire(application=application, today=datetime.date(2027, 1, 1))
    assert snapshot(application) == before
    assert not AuditEvent.objects.filter(verb="application_expire").exists()


def test_expire_refused_in_the_window_its_grace_and_for_other_states(cast):
    application = approved_application(cast.applicant, approved_on=datetime.date(2025, 3, 15))
    before = snapshot(application)
    with pytest.raises(DomainError, match="open until 2026-03-14") as error:
        application_expire(application=application, today=datetime.date(2026, 3, 14))
    assert error.value.code == "conflict"
    with pytest.raises(DomainError, match="can still be recorded until 2026-04-13"):
        application_expire(application=application, today=datetime.date(2026, 4, 13))
    assert snapshot(application) == before
    in_review = application_in("in_review", cast.other_applicant)
    with pytest.raises(DomainError) as error:
        application_expire(application=in_review, today=today())
    assert error.value.code == "conflict"
    assert not AuditEvent.objects.filter(verb="application_expire").exists()


def test_sign_ethics_refused_for_others_and_after_submission(cast):
    current = EthicsVersionFactory()
    draft = draft_application(cast.applicant, ethics_version=None, ethics_signed_at=None)
    before = snapshot(draft)
    for who in ("other_applicant", "reviewer", "state"):
        with pytest.raises(PermissionDenied):
            application_sign_ethics(
                actor=getattr(cast, who), application=draft, ethics_version=current
            )
    assert snapshot(draft) == before
    submitted = application_in("submitted", cast.other_applicant)
    before = snapshot(submitted)
    with pytest.raises(DomainError, match="This application is submitted, so") as error:
        application_sign_ethics(
            actor=cast.other_applicant, application=submitted, ethics_version=current
        )
    assert error.value.code == "conflict"
    assert snapshot(submitted) == before


def test_create_refuses_a_county_that_has_not_opted_in(cast, opted_in):
    kern = county("kern")  # opted out of SMHS in the `opted_in` fixture
    with pytest.raises(DomainError, match="not taking applications") as refused:
        application_create(applicant=cast.applicant, county=kern)
    assert refused.value.field == "county"
    assert not Application.objects.filter(applicant=cast.applicant).exists()
    assert not AuditEvent.objects.filter(verb="application_create").exists()
