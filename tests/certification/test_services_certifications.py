"""The certification life cycle: issue, suspend, lift, revoke, expire, vacate, renew,
reinstate and specializations; allowed and refused, each with its audit event."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from certification.models import Certification, Renewal
from certification.rules import (
    certification_expiry,
    late_renewal_last_day,
    renewal_window_opens,
    vacate_date,
)
from certification.services import (
    certification_add_specialization,
    certification_expire,
    certification_issue,
    certification_lift_suspension,
    certification_reinstate,
    certification_renew,
    certification_revoke,
    certification_suspend,
    certification_vacate,
)
from core.errors import DomainError
from counties.models import ProgramPolicy
from exams.models import ExamAttempt
from fees.models import FeeDue
from tests.certification.builders import (
    applicant_with_profile,
    approved_application,
    audit_events,
    certification_in,
    emails,
    follow_ups,
    issuable_application,
    last_event,
    renders,
    today,
)
from tests.factories import (
    CeCreditFactory,
    EthicsVersionFactory,
    ExamAttemptFactory,
    SpecializationFactory,
    TrainingRecordFactory,
)
from tests.paying import pay_fees_owed
from training.models import SpecializationArea

pytestmark = pytest.mark.django_db
RENDER = "certification.tasks.certificate_render"
ATTESTED = {"attest_ce": True, "attest_records": True}


def snapshot(certification: Certification) -> dict:
    certification.refresh_from_db()
    return {
        "status": certification.status,
        "status_reason": certification.status_reason,
        "suspended_on": certification.suspended_on,
        "expires_on": certification.expires_on,
        "updated_at": certification.updated_at,
        "specializations": sorted(certification.specializations.values_list("code", flat=True)),
        "renewals": certification.renewals.count(),
        "events": len(audit_events(certification)),
    }


def assert_event(certification, *, verb, actor, from_state, to_state, reason=""):
    event = last_event(certification)
    assert (event.verb, event.from_state, event.to_state, event.reason) == (
        verb,
        from_state,
        to_state,
        reason,
    )
    assert event.actor_id == (actor.pk if actor else None)
    assert event.county_id == certification.issuing_county_id
    assert event.subject_id == certification.holder_id


# --- issue ----------------------------------------------------------------------------------


def test_issue_creates_the_certification_from_the_approved_application(cast):
    application = issuable_application(cast.applicant)
    with follow_ups() as sent:
        certification = certification_issue(actor=cast.reviewer, application=application)
    assert re.fullmatch(r"PSS-\d{7}", certification.number)
    assert (certification.first_name, certification.last_name) == ("Ana", "Reyes")
    assert (certification.holder, certification.issuing_county) == (cast.applicant, cast.county)
    assert (certification.status, certification.issued_on) == ("active", today())
    assert certification.expires_on == certification_expiry(today())
    assert certification.cycle_started_on == today(), "the CE cycle starts on the issue date"
    application.refresh_from_db()
    assert (application.status, application.version) == ("certified", 2)
    app_event = last_event(application)
    assert (app_event.verb, app_event.from_state, app_event.to_state) == (
        "certification_issue",
        "approved",
        "certified",
    )
    assert_event(
        certification,
        verb="certification_issue",
        actor=cast.reviewer,
        from_state="",
        to_state="active",
    )
    assert emails(sent) == [
        (
            "certification_issued",
            cast.applicant.pk,
            {
                "certification_id": certification.pk,
                "number": certification.number,
                "status": "active",
                "county_name": "Alameda",
                "issued_on": today().isoformat(),
                "expires_on": certification.expires_on.isoformat(),
                "renewal_opens_on": renewal_window_opens(certification.expires_on).isoformat(),
                "ce_hours": "20",
                "law_and_ethics_hours": "6",
            },
        )
    ]
    assert renders(sent) == [certification.pk]


def test_issued_numbers_increase_and_are_never_reused(cast):
    first = certification_issue(actor=cast.admin, application=issuable_application(cast.applicant))
    second = certification_issue(
        actor=cast.admin, application=issuable_application(cast.other_applicant)
    )
    assert int(second.number[4:]) > int(first.number[4:])


def test_issue_copies_the_legal_name_not_the_account_name(cast):
    person = applicant_with_profile(legal_first_name="María José", legal_last_name="Núñez")
    certification = certification_issue(
        actor=cast.reviewer, application=issuable_application(person)
    )
    assert (certification.first_name, certification.last_name) == ("María José", "Núñez")


def assert_not_issued(application, status="approved"):
    application.refresh_from_db()
    assert application.status == status
    assert not Certification.objects.filter(application=application).exists()
    assert not AuditEvent.objects.filter(verb="certification_issue").exists()


def test_issue_requires_a_passed_exam_and_training(cast):
    application = approved_application(cast.applicant)
    ExamAttemptFactory(application=application, result="failed", taken_on=today())
    TrainingRecordFactory(person=cast.applicant, status="pending")
    with pytest.raises(DomainError) as error:
        certification_issue(actor=cast.reviewer, application=application)
    assert error.value.code == "invalid"
    assert "exam has not been passed" in error.value.message
    assert "80" in error.value.message
    assert_not_issued(application)


def test_issue_after_the_window_of_an_exam_passed_inside_it(cast):
    """The window is about taking the exam (docs/domain.md#exam): a pass inside it is issued
    after it."""
    application = issuable_application(cast.applicant)
    certification = certification_issue(
        actor=cast.reviewer,
        application=application,
        today=application.window_ends_on + datetime.timedelta(days=200),
    )
    assert certification.status == "active"


def test_issue_refused_after_the_window_without_a_pass_inside_it(cast):
    application = issuable_application(cast.applicant)
    ExamAttempt.objects.filter(application=application).update(result="failed")
    with pytest.raises(DomainError, match="window of this application ended"):
        certification_issue(
            actor=cast.reviewer,
            application=application,
            today=application.window_ends_on + datetime.timedelta(days=1),
        )
    assert_not_issued(application)


def test_issue_twice_is_a_conflict(cast):
    application = issuable_application(cast.applicant)
    certification_issue(actor=cast.reviewer, application=application)
    with pytest.raises(DomainError, match="already certified") as error:
        certification_issue(actor=cast.reviewer, application=application)
    assert error.value.code == "conflict"
    assert Certification.objects.filter(holder=cast.applicant).count() == 1


def test_issue_refused_when_the_person_holds_a_live_certification(cast):
    held = certification_in("suspended", holder=cast.applicant, number="PSS-0000007")
    application = issuable_application(cast.applicant)
    with pytest.raises(DomainError, match="already holds certification PSS-0000007") as error:
        certification_issue(actor=cast.reviewer, application=application)
    assert error.value.code == "conflict"
    assert list(Certification.objects.filter(holder=cast.applicant)) == [held]
    application.refresh_from_db()
    assert application.status == "approved"


@pytest.mark.parametrize("who", ["applicant", "other_applicant", "other_admin", "state"])
def test_issue_by_anyone_but_county_staff_is_denied(cast, who):
    application = issuable_application(cast.applicant)
    with pytest.raises(PermissionDenied):
        certification_issue(actor=getattr(cast, who), application=application)
    assert_not_issued(application)


# --- suspend, lift, revoke --------------------------------------------------------------------


def test_suspend_then_lift(cast):
    certification = certification_in("active", holder=cast.applicant)
    with follow_ups() as sent:
        certification_suspend(actor=cast.admin, certification=certification, reason="Complaint.")
    assert snapshot(certification)["status"] == "suspended"
    assert (certification.status_reason, certification.suspended_on) == ("Complaint.", today())
    assert_event(
        certification,
        verb="certification_suspend",
        actor=cast.admin,
        from_state="active",
        to_state="suspended",
        reason="Complaint.",
    )
    assert [kind for kind, _u, _c in emails(sent)] == ["certification_suspended"]
    assert emails(sent)[0][2]["reason"] == "Complaint."
    assert renders(sent) == [certification.pk]

    with follow_ups() as sent:
        certification_lift_suspension(
            actor=cast.admin, certification=certification, reason="Resolved."
        )
    assert snapshot(certification)["status"] == "active"
    assert (certification.status_reason, certification.suspended_on) == ("Resolved.", None)
    assert_event(
        certification,
        verb="certification_lift_suspension",
        actor=cast.admin,
        from_state="suspended",
        to_state="active",
        reason="Resolved.",
    )
    assert [kind for kind, _u, _c in emails(sent)] == ["certification_suspension_lifted"]
    assert renders(sent) == [certification.pk]


def test_lifting_a_suspension_past_the_expiry_date_expires_it(cast):
    certification = certification_in(
        "suspended",
        holder=cast.applicant,
        issued_on=today() - datetime.timedelta(days=800),
        expires_on=today() - datetime.timedelta(days=70),
    )
    certification_lift_suspension(actor=cast.admin, certification=certification)
    assert snapshot(certification)["status"] == "expired"
    lift, expire = audit_events(certification)[-2:]
    assert (lift.verb, lift.to_state, lift.actor) == (
        "certification_lift_suspension",
        "active",
        cast.admin,
    )
    assert (expire.verb, expire.from_state, expire.to_state, expire.actor) == (
        "certification_expire",
        "active",
        "expired",
        None,
    )


@pytest.mark.parametrize("status", ["active", "suspended"])
def test_revoke(cast, status):
    certification = certification_in(status, holder=cast.applicant)
    with follow_ups() as sent:
        certification_revoke(actor=cast.admin, certification=certification, reason="Fraud.")
    assert snapshot(certification)["status"] == "revoked"
    assert_event(
        certification,
        verb="certification_revoke",
        actor=cast.admin,
        from_state=status,
        to_state="revoked",
        reason="Fraud.",
    )
    assert [kind for kind, _u, _c in emails(sent)] == ["certification_revoked"]


DISCIPLINE = {
    "suspend": (certification_suspend, "active", {"reason": "Complaint."}),
    "lift": (certification_lift_suspension, "suspended", {}),
    "revoke": (certification_revoke, "active", {"reason": "Fraud."}),
    "reinstate": (certification_reinstate, "expired", {"ethics_version": None}),
}


@pytest.mark.parametrize(
    ("action", "who"),
    [
        (action, who)
        for action in DISCIPLINE
        for who in ["applicant", "other_applicant", "other_admin", "state"]
        # The holder may reinstate their own certification once everything is on record.
        if (action, who) != ("reinstate", "applicant")
    ]
    + [("reinstate", "reviewer")],
)
def test_discipline_is_for_the_issuing_countys_staff_and_reinstatement_for_admins(
    cast, action, who
):
    service, status, kwargs = DISCIPLINE[action]
    certification = certification_in(status, holder=cast.applicant)
    before = snapshot(certification)
    with pytest.raises(PermissionDenied):
        service(actor=getattr(cast, who), certification=certification, **kwargs)
    assert snapshot(certification) == before


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("suspend", "suspended", "is already suspended"),
        ("suspend", "vacated", "is vacated, so this cannot be done now"),
        ("lift", "active", "has no suspension to lift"),
        ("lift", "expired", "has no suspension to lift"),
        ("revoke", "revoked", "is already revoked"),
        ("revoke", "expired", "is expired"),
        ("revoke", "vacated", "is vacated"),
    ],
)
def test_discipline_from_the_wrong_state_is_a_conflict(cast, action, status, message):
    service, _status, kwargs = DISCIPLINE[action]
    certification = certification_in(status, holder=cast.applicant)
    before = snapshot(certification)
    with pytest.raises(DomainError, match=message) as error:
        service(actor=cast.admin, certification=certification, **kwargs)
    assert error.value.code == "conflict"
    assert snapshot(certification) == before


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_suspend_and_revoke_need_a_reason(cast, action):
    service, status, _kwargs = DISCIPLINE[action]
    certification = certification_in(status, holder=cast.applicant)
    before = snapshot(certification)
    with pytest.raises(DomainError) as error:
        service(actor=cast.admin, certification=certification, reason="  ")
    assert error.value.field == "reason"
    assert snapshot(certification) == before


# --- expire and vacate (system) ----------------------------------------------------------------


def test_expire_the_day_after_the_expiry_date(cast):
    certification = certification_in("active", holder=cast.applicant)
    before = snapshot(certification)
    with pytest.raises(DomainError, match="is valid until") as error:
        certification_expire(certification=certification, today=certification.expires_on)
    assert error.value.code == "conflict"
    assert snapshot(certification) == before
    with follow_ups() as sent:
        certification_expire(
            certification=certification,
            today=certification.expires_on + datetime.timedelta(days=1),
        )
    assert snapshot(certification)["status"] == "expired"
    assert_event(
        certification,
        verb="certification_expire",
        actor=None,
        from_state="active",
        to_state="expired",
    )
    assert (emails(sent), renders(sent)) == ([], [certification.pk])


def test_a_suspended_certification_still_expires_keeping_its_suspension(cast):
    certification = certification_in(
        "suspended", holder=cast.applicant, status_reason="Complaint under review."
    )
    suspended_on = certification.suspended_on
    before = snapshot(certification)
    with pytest.raises(DomainError, match="is valid until"):
        certification_expire(certification=certification, today=certification.expires_on)
    assert snapshot(certification) == before

    certification_expire(
        certification=certification, today=certification.expires_on + datetime.timedelta(1)
    )

    after = snapshot(certification)
    assert (after["status"], after["suspended_on"], after["status_reason"]) == (
        "expired",
        suspended_on,
        "Complaint under review.",
    )
    assert_event(
        certification,
        verb="certification_expire",
        actor=None,
        from_state="suspended",
        to_state="expired",
    )


def expired_and_suspended(holder, *, days_since_expiry=30):
    expires_on = today() - datetime.timedelta(days=days_since_expiry)
    return certification_in(
        "expired",
        holder=holder,
        issued_on=expires_on.replace(year=expires_on.year - 2),
        expires_on=expires_on,
        suspended_on=expires_on - datetime.timedelta(days=10),
        status_reason="Complaint upheld.",
    )


def test_suspending_an_expired_certification_puts_the_suspension_on_record(cast):
    certification = certification_in(
        "expired",
        holder=cast.applicant,
        issued_on=today() - datetime.timedelta(days=800),
        expires_on=today() - datetime.timedelta(days=70),
    )
    with follow_ups() as sent:
        certification_suspend(actor=cast.reviewer, certification=certification, reason="Fraud.")
    after = snapshot(certification)
    assert (after["status"], after["suspended_on"], after["status_reason"]) == (
        "expired",
        today(),
        "Fraud.",
    )
    assert_event(
        certification,
        verb="certification_suspend",
        actor=cast.reviewer,
        from_state="expired",
        to_state="expired",
        reason="Fraud.",
    )
    [(kind, _user, context)] = emails(sent)
    assert (kind, context["status"]) == ("certification_suspended", "expired")

    before = snapshot(certification)
    with pytest.raises(DomainError, match="is expired, so this cannot be done now"):
        certification_suspend(actor=cast.reviewer, certification=certification, reason="Again.")
    assert snapshot(certification) == before


def test_lifting_the_suspension_of_an_expired_certification_keeps_it_expired(cast):
    certification = expired_and_suspended(cast.applicant)
    certification_lift_suspension(actor=cast.admin, certification=certification, reason="Cleared.")
    after = snapshot(certification)
    assert (after["status"], after["suspended_on"], after["status_reason"]) == (
        "expired",
        None,
        "Cleared.",
    )
    assert_event(
        certification,
        verb="certification_lift_suspension",
        actor=cast.admin,
        from_state="expired",
        to_state="expired",
        reason="Cleared.",
    )


def test_an_expired_certification_still_suspended_can_be_revoked(cast):
    certification = expired_and_suspended(cast.applicant)
    certification_revoke(actor=cast.admin, certification=certification, reason="Upheld.")
    assert snapshot(certification)["status"] == "revoked"


def test_vacate_on_the_vacate_date_not_before(cast):
    certification = certification_in(
        "expired",
        holder=cast.applicant,
        issued_on=datetime.date(2020, 3, 15),
        expires_on=datetime.date(2022, 3, 15),
    )
    vacate_on = vacate_date(certification.expires_on)
    before = snapshot(certification)
    with pytest.raises(DomainError, match=f"reinstated until {vacate_on.isoformat()}"):
        certification_vacate(
            certification=certification, today=vacate_on - datetime.timedelta(days=1)
        )
    assert snapshot(certification) == before
    certification_vacate(certification=certification, today=vacate_on)
    assert snapshot(certification)["status"] == "vacated"
    assert_event(
        certification,
        verb="certification_vacate",
        actor=None,
        from_state="expired",
        to_state="vacated",
    )


def test_vacate_refused_for_an_active_certification(cast):
    certification = certification_in("active", holder=cast.applicant)
    before = snapshot(certification)
    with pytest.raises(DomainError, match="is active") as error:
        certification_vacate(certification=certification, today=datetime.date(2099, 1, 1))
    assert error.value.code == "conflict"
    assert snapshot(certification) == before


# --- renew and reinstate ----------------------------------------------------------------------


def ce(certification, hours, category, completed_on, status="verified"):
    return CeCreditFactory(
        certification=certification,
        hours=hours,
        category=category,
        completed_on=completed_on,
        status=status,
    )


def renewable(holder, days_to_expiry=30):
    expires_on = today() + datetime.timedelta(days=days_to_expiry)
    certification = certification_in(
        "active",
        holder=holder,
        issued_on=expires_on.replace(year=expires_on.year - 2),
        expires_on=expires_on,
    )
    ce(certification, 14, "general", today() - datetime.timedelta(days=100))
    ce(certification, 6, "law_and_ethics", today() - datetime.timedelta(days=50))
    return certification


def test_renew_extends_by_two_years_with_the_same_number(cast):
    ethics = EthicsVersionFactory()
    certification = renewable(cast.applicant)
    number, old_expiry = certification.number, certification.expires_on
    with follow_ups() as sent:
        renewal = certification_renew(
            actor=cast.applicant, certification=certification, ethics_version=ethics, **ATTESTED
        )
    certification.refresh_from_db()
    assert (certification.number, certification.status) == (number, "active")
    assert certification.expires_on == certification_expiry(old_expiry)
    assert (renewal.kind, renewal.previous_expires_on, renewal.new_expires_on) == (
        "renewal",
        old_expiry,
        certification.expires_on,
    )
    assert (renewal.ce_total_hours, renewal.ce_law_and_ethics_hours) == (
        Decimal("20"),
        Decimal("6"),
    )
    # The closed cycle runs from the issue date through the day before the renewal; the next
    # one starts on the renewal date itself.
    assert (renewal.cycle_start, renewal.cycle_end) == (
        certification.issued_on,
        today() - datetime.timedelta(days=1),
    )
    assert certification.cycle_started_on == today()
    assert (renewal.ethics_version, renewal.decided_by) == (ethics, cast.applicant)
    assert renewal.fee_cents == 8000
    assert renewal.attested_at is not None
    assert_event(
        certification,
        verb="certification_renew",
        actor=cast.applicant,
        from_state="active",
        to_state="active",
    )
    assert [kind for kind, _u, _c in emails(sent)] == ["certification_renewed"]
    assert emails(sent)[0][2]["previous_expires_on"] == old_expiry.isoformat()
    assert renders(sent) == [certification.pk]


def test_county_staff_may_record_a_renewal(cast):
    certification = renewable(cast.applicant)
    renewal = certification_renew(
        actor=cast.reviewer,
        certification=certification,
        ethics_version=EthicsVersionFactory(),
        **ATTESTED,
    )
    assert renewal.decided_by == cast.reviewer


def test_renew_refused_before_the_window_and_without_the_attestation(cast):
    ethics = EthicsVersionFactory()
    early = renewable(cast.applicant, days_to_expiry=91)
    before = snapshot(early)
    with pytest.raises(DomainError, match="Renewal opens on") as error:
        certification_renew(
            actor=cast.applicant, certification=early, ethics_version=ethics, **ATTESTED
        )
    assert error.value.code == "invalid"
    assert snapshot(early) == before

    due = renewable(cast.other_applicant)
    before = snapshot(due)
    for attest_ce, attest_records, message in (
        (False, True, "Confirm that you completed 20 hours"),
        (True, False, "keep the records"),
    ):
        with pytest.raises(DomainError, match=message) as error:
            certification_renew(
                actor=cast.other_applicant,
                certification=due,
                ethics_version=ethics,
                attest_ce=attest_ce,
                attest_records=attest_records,
            )
        assert error.value.field == "attest"
    assert snapshot(due) == before
    assert not Renewal.objects.exists()
    assert not FeeDue.objects.exists()


def test_pending_or_missing_ce_never_blocks_a_renewal(cast):
    """The program renews on attestation: logged CE is counted on the renewal, pending CE is
    not, and neither is required (capeercertification.org, renewal)."""
    certification = renewable(cast.applicant)
    certification.ce_credits.filter(category="law_and_ethics").update(status="pending")
    renewal = certification_renew(
        actor=cast.applicant,
        certification=certification,
        ethics_version=EthicsVersionFactory(),
        **ATTESTED,
    )
    assert (renewal.ce_total_hours, renewal.ce_law_and_ethics_hours) == (Decimal("14"), 0)
    bare = certification_in(
        "active", holder=cast.other_applicant, expires_on=today() + datetime.timedelta(days=5)
    )
    renewal = certification_renew(
        actor=cast.other_applicant,
        certification=bare,
        ethics_version=EthicsVersionFactory(version="2"),
        **ATTESTED,
    )
    assert renewal.ce_total_hours == 0


def test_renew_refused_for_a_suspended_certification_and_for_strangers(cast):
    ethics = EthicsVersionFactory()
    certification = renewable(cast.applicant)
    for who in ("other_applicant", "other_admin", "state"):
        with pytest.raises(PermissionDenied):
            certification_renew(
                actor=getattr(cast, who),
                certification=certification,
                ethics_version=ethics,
                **ATTESTED,
            )
    Certification.objects.filter(pk=certification.pk).update(
        status="suspended", suspended_on=today()
    )
    before = snapshot(certification)
    with pytest.raises(DomainError) as error:
        certification_renew(
            actor=cast.applicant, certification=certification, ethics_version=ethics, **ATTESTED
        )
    assert error.value.code == "conflict"
    assert error.value.message == (
        f"This certification was suspended on {today().isoformat()}. The issuing program must "
        "lift the suspension before it can be renewed or reinstated."
    )
    assert snapshot(certification) == before


def test_renew_requires_the_current_code_of_ethics(cast):
    old = EthicsVersionFactory(version="2020.1", effective_on=datetime.date(2020, 1, 1))
    EthicsVersionFactory(version="2025.1", effective_on=datetime.date(2025, 1, 1))
    certification = renewable(cast.applicant)
    before = snapshot(certification)
    with pytest.raises(DomainError, match="version 2025.1") as error:
        certification_renew(
            actor=cast.applicant, certification=certification, ethics_version=old, **ATTESTED
        )
    assert error.value.field == "ethics_version"
    assert snapshot(certification) == before


def expired_certification(holder, days_since_expiry=400, *, refresher=True):
    """Expired `days_since_expiry` ago (by default past the 12-month late renewal period),
    with 20 verified CE hours (6 in law and ethics) in the last weeks and, when `refresher`,
    the 80-hour refresher course verified since the expiry date."""
    expires_on = today() - datetime.timedelta(days=days_since_expiry)
    certification = certification_in(
        "expired",
        holder=holder,
        issued_on=expires_on.replace(year=expires_on.year - 2),
        expires_on=expires_on,
    )
    ce(certification, 14, "general", today() - datetime.timedelta(days=20))
    ce(certification, 6, "law_and_ethics", today() - datetime.timedelta(days=10))
    if refresher:
        TrainingRecordFactory(
            person=holder, completed_on=today() - datetime.timedelta(days=30), status="verified"
        )
    return certification


def test_reinstatement_waits_for_the_suspension_to_be_lifted(cast):
    ethics = EthicsVersionFactory()
    certification = expired_certification(cast.applicant)
    Certification.objects.filter(pk=certification.pk).update(suspended_on=today())
    before = snapshot(certification)
    with pytest.raises(DomainError, match="must lift the suspension") as error:
        certification_reinstate(
            actor=cast.admin, certification=certification, ethics_version=ethics
        )
    assert error.value.code == "conflict"
    assert snapshot(certification) == before

    certification_lift_suspension(actor=cast.admin, certification=certification)
    certification_reinstate(actor=cast.admin, certification=certification, ethics_version=ethics)
    assert snapshot(certification)["status"] == "active"


def test_reinstate_an_expired_certification(cast):
    ethics = EthicsVersionFactory()
    certification = expired_certification(cast.applicant)
    old_expiry = certification.expires_on
    with follow_ups() as sent:
        renewal = certification_reinstate(
            actor=cast.admin, certification=certification, ethics_version=ethics
        )
    certification.refresh_from_db()
    assert certification.status == "active"
    assert certification.expires_on == certification_expiry(today())
    assert certification.cycle_started_on == today()
    assert (renewal.kind, renewal.previous_expires_on, renewal.cycle_end) == (
        "reinstatement",
        old_expiry,
        today(),
    )
    # The reinstatement fee and the late fee (program defaults: $80 and $40).
    assert (renewal.ce_total_hours, renewal.fee_cents) == (Decimal("20"), 12000)
    assert sorted(renewal.fees_due.values_list("kind", "amount_cents")) == [
        ("late", 4000),
        ("reinstatement", 8000),
    ]
    assert renewal.attested_at is None
    assert_event(
        certification,
        verb="certification_reinstate",
        actor=cast.admin,
        from_state="expired",
        to_state="active",
    )
    assert [kind for kind, _u, _c in emails(sent)] == ["certification_reinstated"]
    assert renders(sent) == [certification.pk]


def test_the_holder_reinstates_their_own_certification(cast):
    """The portal's Reinstate button works for the holder once everything is on record."""
    certification = expired_certification(cast.applicant)
    renewal = certification_reinstate(
        actor=cast.applicant, certification=certification, ethics_version=EthicsVersionFactory()
    )
    certification.refresh_from_db()
    assert (certification.status, renewal.decided_by) == ("active", cast.applicant)


def test_reinstate_refused_without_the_refresher_course_or_the_exam(cast):
    ethics = EthicsVersionFactory()
    certification = expired_certification(cast.applicant, refresher=False)
    before = snapshot(certification)
    with pytest.raises(DomainError, match="80-hour refresher course") as error:
        certification_reinstate(
            actor=cast.applicant, certification=certification, ethics_version=ethics
        )
    assert error.value.code == "invalid"
    assert snapshot(certification) == before
    assert not FeeDue.objects.exists()
    # A passed exam since the expiry date does instead.
    application = approved_application(cast.applicant)
    ExamAttemptFactory(application=application, taken_on=today() - datetime.timedelta(days=3))
    certification_reinstate(
        actor=cast.applicant, certification=certification, ethics_version=ethics
    )
    assert snapshot(certification)["status"] == "active"


def test_reinstate_refused_during_the_late_renewal_period(cast):
    certification = expired_certification(cast.applicant, days_since_expiry=200)
    before = snapshot(certification)
    with pytest.raises(DomainError, match="can still be renewed late"):
        certification_reinstate(
            actor=cast.admin, certification=certification, ethics_version=EthicsVersionFactory()
        )
    assert snapshot(certification) == before


def test_late_renewal_after_expiry_with_the_late_fee(cast):
    ethics = EthicsVersionFactory()
    certification = expired_certification(cast.applicant, days_since_expiry=200, refresher=False)
    certification.ce_credits.update(status="pending")
    old_expiry = certification.expires_on
    with follow_ups() as sent:
        renewal = certification_renew(
            actor=cast.applicant, certification=certification, ethics_version=ethics, **ATTESTED
        )
    certification.refresh_from_db()
    assert certification.status == "active"
    # Valid 2 years from the day it is granted; the new cycle starts that day.
    assert certification.expires_on == certification_expiry(today())
    assert certification.cycle_started_on == today()
    assert (renewal.kind, renewal.previous_expires_on, renewal.fee_cents) == (
        "late_renewal",
        old_expiry,
        12000,
    )
    assert sorted(renewal.fees_due.values_list("kind", "amount_cents")) == [
        ("late", 4000),
        ("renewal", 8000),
    ]
    assert_event(
        certification,
        verb="certification_renew",
        actor=cast.applicant,
        from_state="expired",
        to_state="active",
    )
    [(kind, _user, context)] = emails(sent)
    assert (kind, context["late"], context["fee_total"]) == (
        "certification_renewed",
        True,
        "$120.00",
    )


def test_late_renewal_through_the_limit_and_not_a_day_later(cast):
    ethics = EthicsVersionFactory()
    expires_on = today() - datetime.timedelta(days=30)
    last_day = late_renewal_last_day(expires_on)
    on_the_limit = certification_in("expired", holder=cast.applicant, expires_on=expires_on)
    renewal = certification_renew(
        actor=cast.applicant,
        certification=on_the_limit,
        ethics_version=ethics,
        today=last_day,
        **ATTESTED,
    )
    assert renewal.kind == "late_renewal"

    too_late = certification_in("expired", holder=cast.other_applicant, expires_on=expires_on)
    before = snapshot(too_late)
    with pytest.raises(DomainError, match="it can now only be reinstated"):
        certification_renew(
            actor=cast.other_applicant,
            certification=too_late,
            ethics_version=ethics,
            today=last_day + datetime.timedelta(days=1),
            **ATTESTED,
        )
    assert snapshot(too_late) == before


def test_the_late_renewal_limit_is_the_programs_policy(cast):
    policy_row = ProgramPolicy.current()
    policy_row.late_renewal_limit_months = 3
    policy_row.save()
    certification = expired_certification(cast.applicant, days_since_expiry=120, refresher=True)
    with pytest.raises(DomainError, match="it can now only be reinstated"):
        certification_renew(
            actor=cast.applicant,
            certification=certification,
            ethics_version=EthicsVersionFactory(),
            **ATTESTED,
        )
    certification_reinstate(
        actor=cast.applicant,
        certification=certification,
        ethics_version=EthicsVersionFactory(version="2"),
    )
    assert snapshot(certification)["status"] == "active"


def test_a_second_late_renewal_charges_nothing_more(cast):
    """A double click or a retried request: the second call is refused once the first has
    committed, and the late fee is due exactly once."""
    ethics = EthicsVersionFactory()
    certification = expired_certification(cast.applicant, days_since_expiry=40, refresher=False)
    certification_renew(
        actor=cast.applicant, certification=certification, ethics_version=ethics, **ATTESTED
    )
    # Paid at once: the fee hold (on by default) does not answer before the dates do.
    pay_fees_owed(cast.applicant, actor=cast.reviewer)
    before = snapshot(certification)
    with pytest.raises(DomainError, match="Renewal opens on"):
        certification_renew(
            actor=cast.applicant, certification=certification, ethics_version=ethics, **ATTESTED
        )
    assert snapshot(certification) == before
    assert FeeDue.objects.filter(kind="late").count() == 1
    assert Renewal.objects.count() == 1


def test_reinstate_refused_without_ce_and_from_other_states(cast):
    ethics = EthicsVersionFactory()
    certification = expired_certification(cast.applicant)
    certification.ce_credits.update(status="pending")
    before = snapshot(certification)
    with pytest.raises(DomainError, match="waiting for review") as error:
        certification_reinstate(
            actor=cast.admin, certification=certification, ethics_version=ethics
        )
    assert error.value.code == "invalid"
    assert snapshot(certification) == before
    active = certification_in("active", holder=cast.other_applicant)
    before = snapshot(active)
    with pytest.raises(DomainError, match="is already active") as error:
        certification_reinstate(actor=cast.admin, certification=active, ethics_version=ethics)
    assert error.value.code == "conflict"
    assert snapshot(active) == before


def test_reinstate_refused_on_the_vacate_date(cast):
    ethics = EthicsVersionFactory()
    certification = expired_certification(cast.applicant)
    with pytest.raises(DomainError, match="is vacated|vacated"):
        certification_reinstate(
            actor=cast.admin,
            certification=certification,
            ethics_version=ethics,
            today=vacate_date(certification.expires_on),
        )
    assert snapshot(certification)["status"] == "expired"


# --- specializations --------------------------------------------------------------------------


def test_add_a_specialization_from_verified_training(cast):
    certification = certification_in("active", holder=cast.applicant)
    record = TrainingRecordFactory(
        person=cast.applicant, course="crisis", hours=40, status="verified"
    )
    with follow_ups() as sent:
        specialization = certification_add_specialization(
            actor=cast.reviewer, certification=certification, training_record=record
        )
    assert (specialization.code, specialization.training_record) == ("crisis", record)
    assert specialization.added_on == today()
    event = last_event(certification)
    assert (event.verb, event.actor, event.data["code"]) == (
        "certification_add_specialization",
        cast.reviewer,
        "crisis",
    )
    assert renders(sent) == [certification.pk]


def test_the_holder_may_add_a_specialization(cast):
    certification = certification_in("active", holder=cast.applicant)
    record = TrainingRecordFactory(
        person=cast.applicant, course="unhoused", hours=40, status="verified"
    )
    certification_add_specialization(
        actor=cast.applicant, certification=certification, training_record=record
    )
    assert snapshot(certification)["specializations"] == ["unhoused"]


@pytest.mark.parametrize(
    ("record_fields", "message"),
    [
        ({"status": "pending"}, "must be verified first"),
        ({"hours": Decimal("39.5")}, "40 hours"),
        ({"course": "core_80"}, "not a specialization course"),
        ({"course": "justice_involved"}, "already holds"),
    ],
)
def test_add_a_specialization_refused_by_the_rules(cast, record_fields, message):
    certification = certification_in("active", holder=cast.applicant)
    SpecializationFactory(certification=certification, code="justice_involved")
    fields = {"course": "crisis", "hours": 40, "status": "verified", **record_fields}
    record = TrainingRecordFactory(person=cast.applicant, **fields)
    before = snapshot(certification)
    with pytest.raises(DomainError, match=message) as error:
        certification_add_specialization(
            actor=cast.reviewer, certification=certification, training_record=record
        )
    assert error.value.field == "training_record"
    assert snapshot(certification) == before


@pytest.mark.parametrize(
    ("completed_on", "added"),
    [
        (datetime.date(2024, 2, 29), False),
        (datetime.date(2024, 3, 1), False),
        (datetime.date(2024, 3, 2), True),
    ],
    ids=["day-before-core", "same-day-as-core", "day-after-core"],
)
def test_a_specialization_comes_after_the_holders_core_training(cast, completed_on, added):
    certification = certification_in("active", holder=cast.applicant)
    TrainingRecordFactory(
        person=cast.applicant, status="verified", completed_on=datetime.date(2024, 3, 1)
    )
    record = TrainingRecordFactory(
        person=cast.applicant,
        course="crisis",
        hours=40,
        status="verified",
        completed_on=completed_on,
    )
    before = snapshot(certification)
    if added:
        certification_add_specialization(
            actor=cast.applicant, certification=certification, training_record=record
        )
        assert snapshot(certification)["specializations"] == ["crisis"]
        return
    with pytest.raises(DomainError, match="completed after the core training") as error:
        certification_add_specialization(
            actor=cast.applicant, certification=certification, training_record=record
        )
    assert error.value.field == "training_record"
    assert snapshot(certification) == before


def test_an_area_the_operator_added_can_be_held(cast):
    SpecializationArea.objects.create(
        code="peer_workforce", name="Peer Workforce", name_es="Fuerza laboral de pares"
    )
    certification = certification_in("active", holder=cast.applicant)
    record = TrainingRecordFactory(
        person=cast.applicant, course="peer_workforce", hours=40, status="verified"
    )
    added = certification_add_specialization(
        actor=cast.applicant, certification=certification, training_record=record
    )
    assert (added.code, added.get_code_display()) == ("peer_workforce", "Peer Workforce")


def test_add_a_specialization_refused_for_others(cast):
    certification = certification_in("active", holder=cast.applicant)
    record = TrainingRecordFactory(
        person=cast.other_applicant, course="crisis", hours=40, status="verified"
    )
    before = snapshot(certification)
    with pytest.raises(DomainError, match="belongs to someone else"):
        certification_add_specialization(
            actor=cast.reviewer, certification=certification, training_record=record
        )
    for who in ("other_applicant", "other_admin", "state"):
        with pytest.raises(PermissionDenied):
            certification_add_specialization(
                actor=getattr(cast, who), certification=certification, training_record=record
            )
    assert snapshot(certification) == before


@pytest.mark.parametrize("action", ["suspend", "lift", "revoke"])
def test_a_reviewer_of_the_issuing_county_may_discipline(cast, action):
    service, status, kwargs = DISCIPLINE[action]
    certification = certification_in(status, holder=cast.applicant)
    service(actor=cast.reviewer, certification=certification, **kwargs)
    certification.refresh_from_db()
    assert (
        certification.status
        == {"suspend": "suspended", "lift": "active", "revoke": "revoked"}[action]
    )
    event = AuditEvent.objects.filter(object_id=certification.pk).latest("id")
    assert (event.actor, event.from_state, event.to_state) == (
        cast.reviewer,
        status,
        certification.status,
    )
