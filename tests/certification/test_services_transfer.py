"""Only participating counties certify (docs/domain.md#counties-and-opt-in): opt-in is
checked at submission, approval and issue, and an open application whose county stops
participating is transferred, by the applicant or state staff, to a participating county's
program (docs/domain.md#transfers). Each rule on both sides; every refusal changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from certification import rules
from certification.models import Application, Certification
from certification.services import (
    application_approval_problems,
    application_approve,
    application_create,
    application_resubmit,
    application_submit,
    application_transfer,
    application_transfer_problems,
    certification_issue,
    transfer_counties,
)
from core.errors import DomainError
from counties.models import OptInPeriod
from counties.services import county_opt_in_change
from exams.rules import attempts_left
from fees.models import FeeDue
from notifications.services import email_render
from tests.certification.builders import (
    application_in,
    audit_events,
    draft_application,
    emails,
    follow_ups,
    issuable_application,
    today,
    verify_documents,
)
from tests.factories import ExamAttemptFactory, MembershipFactory, UserFactory, county

pytestmark = pytest.mark.django_db


def opt_out(county_, admin, *, effective_from: datetime.date | None = None) -> None:
    """`county_` opts out of every delivery system it is opted in for, from `effective_from`
    (default today), through the opt-in service."""
    for period in OptInPeriod.objects.filter(county=county_, effective_to=None, opted_in=True):
        county_opt_in_change(
            actor=admin,
            county=county_,
            delivery_system=period.delivery_system,
            opted_in=False,
            effective_from=effective_from or today(),
            reason="Board resolution 2026-14: peer support services end.",
        )


def state_of(application: Application) -> tuple:
    application.refresh_from_db()
    return (
        application.status,
        application.version,
        application.county_id,
        len(audit_events(application)),
    )


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["submit", "approve", "issue"])
def test_participation_rule_on_both_sides(step):
    assert rules.participation_problems("Kern", participating=True, step=step) == []
    (problem,) = rules.participation_problems("Kern", participating=False, step=step)
    assert "Kern no longer takes part in peer support certification" in problem
    assert "transfer" in problem.lower()


def test_participation_rule_knows_its_steps():
    with pytest.raises(ValueError):
        rules.participation_problems("Kern", participating=False, step="withdraw")


@pytest.mark.parametrize("status", ["draft", "submitted", "in_review", "changes_requested"])
def test_transfer_rule_allows_an_open_application_of_a_county_that_stopped(cast, status):
    application = application_in(status)
    assert (
        rules.transfer_problems(
            application,
            from_participating=False,
            to_county_name="Fresno",
            to_participating=True,
            same_county=False,
        )
        == []
    )


@pytest.mark.parametrize("status", ["certified", "denied", "withdrawn", "expired"])
def test_transfer_rule_refuses_a_final_application(cast, status):
    application = application_in(status)
    (problem,) = rules.transfer_problems(
        application,
        from_participating=False,
        to_county_name="Fresno",
        to_participating=True,
        same_county=False,
    )
    assert "Only an open application can be transferred" in problem


def test_transfer_rule_refuses_the_other_cases(cast):
    application = application_in("submitted")
    kwargs = {"to_county_name": "Kern", "same_county": False}
    assert "still takes part" in " ".join(
        rules.transfer_problems(
            application, from_participating=True, to_participating=True, **kwargs
        )
    )
    assert "Kern does not take part" in " ".join(
        rules.transfer_problems(
            application, from_participating=False, to_participating=False, **kwargs
        )
    )
    assert rules.transfer_problems(
        application,
        from_participating=False,
        to_county_name="Alameda",
        to_participating=False,
        same_county=True,
    ) == ["Choose another county’s program."]


# --- opt-in at submission, approval and issue -----------------------------------------------


def test_submit_is_refused_once_the_county_stopped_and_changes_nothing(cast):
    application = draft_application(cast.applicant)
    opt_out(cast.county, cast.admin)
    before = state_of(application)
    with follow_ups() as sent, pytest.raises(DomainError) as error:
        application_submit(actor=cast.applicant, application=application)
    assert "Alameda no longer takes part in peer support certification" in error.value.message
    assert "Transfer the application" in error.value.message
    assert state_of(application) == before
    assert sent == [] and not FeeDue.objects.filter(application=application).exists()


def test_submit_the_day_before_the_opt_out_takes_effect_is_allowed(cast):
    application = draft_application(cast.applicant)
    opt_out(cast.county, cast.admin, effective_from=today() + datetime.timedelta(days=1))
    application = application_submit(actor=cast.applicant, application=application)
    assert application.status == "submitted"
    # On the day itself the county no longer participates.
    assert "no longer takes part" not in " ".join(application_approval_problems(application))
    tomorrow = today() + datetime.timedelta(days=1)
    assert "no longer takes part" in " ".join(
        application_approval_problems(application, today=tomorrow)
    )


def test_resubmit_is_refused_once_the_county_stopped(cast):
    application = application_in("changes_requested", cast.applicant)
    application.changes_requested_parts = ["attestations"]
    application.save()
    opt_out(cast.county, cast.admin)
    before = state_of(application)
    with pytest.raises(DomainError, match="no longer takes part"):
        application_resubmit(actor=cast.applicant, application=application)
    assert state_of(application) == before


def test_approve_is_refused_once_the_county_stopped_and_the_page_reason_says_why(cast):
    application = application_in("in_review", cast.applicant)
    verify_documents(application)
    assert application_approval_problems(application) == []
    opt_out(cast.county, cast.admin)
    (problem,) = application_approval_problems(application)
    assert "cannot be approved here" in problem and "state staff can transfer" in problem
    before = state_of(application)
    with pytest.raises(DomainError, match="cannot be approved here"):
        application_approve(actor=cast.reviewer, application=application)
    assert state_of(application) == before


def test_issue_is_refused_once_the_county_stopped_and_changes_nothing(cast):
    application = issuable_application(cast.applicant)
    opt_out(cast.county, cast.admin)
    before = state_of(application)
    with follow_ups() as sent, pytest.raises(DomainError, match="no certification can be issued"):
        certification_issue(actor=cast.reviewer, application=application)
    assert state_of(application) == before
    assert sent == [] and not Certification.objects.filter(application=application).exists()


def test_issue_in_a_participating_county_still_works(cast):
    application = issuable_application(cast.applicant)
    certification = certification_issue(actor=cast.reviewer, application=application)
    assert certification.issuing_county == cast.county


# --- transfer ---------------------------------------------------------------------------------


@pytest.fixture
def stranded(cast, opted_in):
    """The applicant's submitted application to Alameda, which has just opted out; Fresno
    participates."""
    application = application_in("submitted", cast.applicant)
    opt_out(cast.county, cast.admin)
    return application


def test_the_applicant_transfers_and_everyone_is_told(cast, stranded):
    new_reviewer = UserFactory(email="fresno.reviewer@cast.test")
    MembershipFactory(user=new_reviewer, county=cast.other_county, role="reviewer")
    version = stranded.version
    assert list(transfer_counties(stranded)) == [cast.other_county]
    with follow_ups() as sent:
        moved = application_transfer(
            actor=cast.applicant,
            application=stranded,
            to_county=cast.other_county,
            expected_version=version,
        )
    stranded.refresh_from_db()
    assert (stranded.county, stranded.status, stranded.version) == (
        cast.other_county,
        "submitted",
        version + 1,
    )
    assert moved.pk == stranded.pk
    (event,) = [e for e in audit_events(stranded) if e.verb == "application_transfer"]
    assert (event.actor, event.county, event.subject) == (
        cast.applicant,
        cast.other_county,
        cast.applicant,
    )
    assert event.data == {"from_county": "alameda", "to_county": "fresno", "by": "applicant"}
    queued = emails(sent)
    assert [(kind, user_id) for kind, user_id, _context in queued] == [
        ("application_transferred", cast.applicant.pk),
        # Both counties' staff: Alameda's reviewer and admin, Fresno's admin and reviewer.
        *[
            ("application_transferred_staff", user.pk)
            for user in sorted(
                [cast.reviewer, cast.admin, cast.other_admin, new_reviewer],
                key=lambda u: (u.county_memberships.get().county_id, u.pk),
            )
        ],
    ]
    incoming = {user_id: context["incoming"] for _kind, user_id, context in queued[1:]}
    assert incoming == {
        cast.reviewer.pk: False,
        cast.admin.pk: False,
        cast.other_admin.pk: True,
        new_reviewer.pk: True,
    }


def test_state_staff_transfer_with_a_reason(cast, stranded):
    with pytest.raises(DomainError, match="Give a reason"):
        application_transfer(actor=cast.state, application=stranded, to_county=cast.other_county)
    application_transfer(
        actor=cast.state,
        application=stranded,
        to_county=cast.other_county,
        reason="Alameda's program closed; Fresno agreed to take its applicants.",
    )
    stranded.refresh_from_db()
    assert stranded.county == cast.other_county
    event = audit_events(stranded)[-1]
    assert (event.verb, event.actor, event.data["by"]) == (
        "application_transfer",
        cast.state,
        "state",
    )
    assert event.reason.startswith("Alameda's program closed")


@pytest.mark.parametrize("who", ["reviewer", "admin", "other_admin", "other_applicant"])
def test_anyone_else_is_denied_and_nothing_changes(cast, stranded, who):
    before = state_of(stranded)
    with follow_ups() as sent, pytest.raises(PermissionDenied):
        application_transfer(
            actor=getattr(cast, who),
            application=stranded,
            to_county=cast.other_county,
            reason="Moving it.",
        )
    assert state_of(stranded) == before and sent == []


def test_a_county_still_participating_keeps_its_applications(cast, opted_in):
    application = application_in("submitted", cast.applicant)
    before = state_of(application)
    with pytest.raises(DomainError, match="still takes part"):
        application_transfer(
            actor=cast.applicant, application=application, to_county=cast.other_county
        )
    assert state_of(application) == before


@pytest.mark.parametrize("target", ["kern", "alameda"])
def test_the_new_county_must_participate_and_be_another(cast, stranded, target):
    before = state_of(stranded)
    with pytest.raises(DomainError) as error:
        application_transfer(actor=cast.applicant, application=stranded, to_county=county(target))
    assert error.value.field == "county"
    assert state_of(stranded) == before


def test_a_final_application_is_not_moved(cast, opted_in):
    application = application_in("denied", cast.applicant)
    opt_out(cast.county, cast.admin)
    before = state_of(application)
    with pytest.raises(DomainError, match="Only an open application"):
        application_transfer(
            actor=cast.applicant, application=application, to_county=cast.other_county
        )
    assert state_of(application) == before


def test_a_stale_form_changes_nothing(cast, stranded):
    before = state_of(stranded)
    with pytest.raises(DomainError, match="Someone else changed this application"):
        application_transfer(
            actor=cast.applicant,
            application=stranded,
            to_county=cast.other_county,
            expected_version=stranded.version - 1,
        )
    assert state_of(stranded) == before


def test_a_double_submit_moves_once(cast, stranded):
    version = stranded.version
    application_transfer(
        actor=cast.applicant,
        application=stranded,
        to_county=cast.other_county,
        expected_version=version,
    )
    with pytest.raises(DomainError):
        application_transfer(
            actor=cast.applicant,
            application=stranded,
            to_county=cast.other_county,
            expected_version=version,
        )
    assert [e.verb for e in audit_events(stranded)].count("application_transfer") == 1


def test_one_open_application_per_person_holds_through_a_transfer(cast, opted_in):
    application = issuable_application(cast.applicant)
    ExamAttemptFactory(application=application, result="failed", taken_on=today())
    attempts_before = attempts_left(list(application.exam_attempts.all()))
    window = application.window_ends_on
    opt_out(cast.county, cast.admin)
    application_transfer(actor=cast.applicant, application=application, to_county=cast.other_county)
    application.refresh_from_db()
    # The same application, still approved, with its window and its attempts.
    assert (application.status, application.window_ends_on) == ("approved", window)
    assert attempts_left(list(application.exam_attempts.all())) == attempts_before
    assert Application.objects.filter(applicant=cast.applicant).count() == 1
    # Still one open application: a new one anywhere is refused.
    with pytest.raises(DomainError, match="already have an open application with Fresno"):
        application_create(applicant=cast.applicant, county=cast.other_county)
    # The new county issues from it.
    certification = certification_issue(actor=cast.other_admin, application=application)
    assert certification.issuing_county == cast.other_county


def test_the_problems_of_a_transfer_name_what_blocks_it(cast, stranded):
    assert application_transfer_problems(stranded, None) == []
    assert application_transfer_problems(stranded, cast.other_county) == []
    assert application_transfer_problems(stranded, county("kern"))


# --- the emails -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_emails_say_what_happened_and_what_next(cast, stranded, language):
    for user in (cast.applicant, cast.admin, cast.other_admin):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    with follow_ups() as sent:
        application_transfer(
            actor=cast.state,
            application=stranded,
            to_county=cast.other_county,
            reason="Fresno takes over.",
        )
    rendered = {
        user_id: email_render(
            user=type(cast.applicant).objects.get(pk=user_id), kind=kind, context=c
        )
        for kind, user_id, c in emails(sent)
    }
    applicant = rendered[cast.applicant.pk]
    outgoing = rendered[cast.admin.pk]
    incoming = rendered[cast.other_admin.pk]
    text = applicant.body
    if language == "en":
        assert applicant.subject == "Your application moved to Fresno County"
        assert "Alameda County no longer takes part" in text
        assert "State program staff made the transfer." in text
        assert "Fresno County will review your application" in text
        assert f"/me/applications/{stranded.pk}/status/" in text
        assert (
            incoming.subject == f"Application #{stranded.pk} transferred to you from Alameda County"
        )
        assert f"/county/fresno/applications/{stranded.pk}/" in incoming.body
        assert "Ana Reyes" in incoming.body
        assert outgoing.subject == f"Application #{stranded.pk} transferred to Fresno County"
        assert "nothing is needed from you" in outgoing.body
    else:
        assert applicant.subject == "Su solicitud pasó al condado de Fresno"
        assert "El condado de Alameda ya no participa" in text
        assert "Alameda" in incoming.subject and "ahora está en el espacio" in incoming.body
        assert "no tiene que hacer nada" in outgoing.body
    for message in (applicant, incoming, outgoing):
        html = message.alternatives[0][0]
        assert "Fresno" in html and "Alameda" in html
