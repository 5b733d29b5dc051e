"""The emails the services queue render with exactly the context they give: every kind, in
text and HTML, says what happened, with the values the person needs."""

import datetime

import pytest

from certification.services import (
    application_approve,
    application_deny,
    application_request_changes,
    application_resubmit,
    application_start_review,
    application_submit,
    certification_issue,
    certification_lift_suspension,
    certification_reinstate,
    certification_renew,
    certification_revoke,
    certification_suspend,
)
from exams.services import exam_attempt_record
from notifications.services import email_render
from tests.certification.builders import (
    application_in,
    certification_in,
    draft_application,
    emails,
    follow_ups,
    today,
    verify_documents,
)
from tests.factories import CeCreditFactory, EthicsVersionFactory, TrainingRecordFactory
from tests.paying import pay_fees_owed

pytestmark = pytest.mark.django_db

ALL_KINDS = {
    "application_submitted",
    "application_changes_requested",
    "application_approved",
    "application_denied",
    "exam_recorded",
    "certification_issued",
    "certification_renewed",
    "certification_suspended",
    "certification_suspension_lifted",
    "certification_revoked",
    "certification_reinstated",
    "fee_payment_recorded",
}
# Kinds whose message tells the holder until when the certification is valid.
SAYS_EXPIRY = {
    "certification_issued",
    "certification_renewed",
    "certification_reinstated",
    "certification_suspension_lifted",
}


def with_ce(certification):
    for hours, category in ((14, "general"), (6, "law_and_ethics")):
        CeCreditFactory(
            certification=certification,
            hours=hours,
            category=category,
            completed_on=today() - datetime.timedelta(days=20),
            status="verified",
        )
    return certification


def run_every_emailing_transition(cast) -> list[tuple[str, int, dict]]:
    """Drive one application through its whole life and a few certifications through
    theirs, returning every email queued on the way."""
    ethics = EthicsVersionFactory()
    application = draft_application(cast.applicant)
    with follow_ups() as sent:
        application_submit(actor=cast.applicant, application=application)
        application_start_review(actor=cast.reviewer, application=application)
        application_request_changes(
            actor=cast.reviewer,
            application=application,
            parts=["photo_id"],
            message="The photo is <blurred> & dark.",
        )
        application_resubmit(actor=cast.applicant, application=application)
        verify_documents(application)
        application_approve(actor=cast.reviewer, application=application)
        TrainingRecordFactory(person=cast.applicant, status="verified")
        # The exam waits for the application fee (the program's fee hold, on by default).
        pay_fees_owed(cast.applicant, actor=cast.reviewer)
        exam_attempt_record(
            actor=cast.reviewer, application=application, taken_on=today(), result="no_show"
        )
        exam_attempt_record(
            actor=cast.reviewer,
            application=application,
            taken_on=today(),
            result="passed",
            scaled_score=512,
        )
        certification = certification_issue(actor=cast.reviewer, application=application)
        certification_suspend(
            actor=cast.admin, certification=certification, reason="<script>x</script>"
        )
        certification_lift_suspension(actor=cast.admin, certification=certification)
        certification_revoke(actor=cast.admin, certification=certification, reason="Fraud.")

        application_deny(
            actor=cast.reviewer,
            application=application_in("in_review", cast.other_applicant),
            reason="Not 18 yet.",
        )
        expires_on = today() + datetime.timedelta(days=10)
        renewing = with_ce(
            certification_in(
                "active",
                issued_on=expires_on.replace(year=expires_on.year - 2),
                expires_on=expires_on,
            )
        )
        certification_renew(
            actor=cast.admin,
            certification=renewing,
            ethics_version=ethics,
            attest_ce=True,
            attest_records=True,
        )
        expired_on = today() - datetime.timedelta(days=400)
        lapsed = with_ce(
            certification_in(
                "expired",
                issued_on=expired_on.replace(year=expired_on.year - 2),
                expires_on=expired_on,
            )
        )
        TrainingRecordFactory(
            person=lapsed.holder,
            completed_on=today() - datetime.timedelta(days=30),
            status="verified",
        )
        certification_reinstate(actor=cast.admin, certification=lapsed, ethics_version=ethics)
    return emails(sent)


def test_every_kind_renders_in_text_and_html(cast):
    from accounts.models import User

    queued = run_every_emailing_transition(cast)
    assert {kind for kind, _user, _context in queued} == ALL_KINDS
    for kind, user_id, context in queued:
        user = User.objects.get(pk=user_id)
        message = email_render(user=user, kind=kind, context=context)
        (html, _mimetype) = message.alternatives[0]
        for body in (message.subject, message.body, html):
            assert "{{" not in body and "{%" not in body, (kind, body)
        assert message.subject.strip(), kind
        assert user.first_name in message.body, kind
        if "number" in context:
            assert context["number"] in message.subject + message.body, kind
        if "county_name" in context:
            assert context["county_name"] in message.body, kind
        if context.get("reason"):
            assert context["reason"] in message.body, kind
        if kind in SAYS_EXPIRY:
            expires = datetime.date.fromisoformat(context["expires_on"])
            assert str(expires.year) in message.body, kind
        assert "http://" in message.body or "https://" in message.body, kind


def test_what_people_supply_is_escaped_in_html_and_kept_in_text(cast):
    queued = run_every_emailing_transition(cast)
    by_kind = {kind: (user_id, context) for kind, user_id, context in queued}
    user_id, context = by_kind["certification_suspended"]
    message = email_render(user=cast.applicant, kind="certification_suspended", context=context)
    html = message.alternatives[0][0]
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "<script>x</script>" in message.body
    _user, context = by_kind["application_changes_requested"]
    message = email_render(
        user=cast.applicant, kind="application_changes_requested", context=context
    )
    assert "The photo is <blurred> & dark." in message.body
    assert "Photo ID" in message.body
    assert "The photo is &lt;blurred&gt; &amp; dark." in message.alternatives[0][0]


def test_exam_results_say_what_comes_next(cast):
    queued = run_every_emailing_transition(cast)
    no_show, passed = [context for kind, _u, context in queued if kind == "exam_recorded"]
    absent = email_render(user=cast.applicant, kind="exam_recorded", context=no_show)
    assert "absent" in absent.body and "2 attempts left" in absent.body
    success = email_render(user=cast.applicant, kind="exam_recorded", context=passed)
    assert success.subject == "You passed the certification exam"
    assert "512" in success.body and "issue your certification" in success.body


def test_emails_render_in_spanish_too(cast):
    cast.applicant.preferred_language = "es"
    cast.applicant.save()
    queued = run_every_emailing_transition(cast)
    for kind, user_id, context in queued:
        if user_id != cast.applicant.pk:
            continue
        message = email_render(user=cast.applicant, kind=kind, context=context)
        assert 'lang="es"' in message.alternatives[0][0], kind


def test_a_suspension_on_an_expired_certification_is_explained_in_both_languages(cast):
    expired_on = today() - datetime.timedelta(days=30)
    lapsed = certification_in(
        "expired",
        holder=cast.applicant,
        issued_on=expired_on.replace(year=expired_on.year - 2),
        expires_on=expired_on,
    )
    with follow_ups() as sent:
        certification_suspend(actor=cast.admin, certification=lapsed, reason="Fraud.")
    [(kind, _user_id, context)] = emails(sent)
    message = email_render(user=cast.applicant, kind=kind, context=context)
    assert "which has expired. The suspension stays on record" in message.body
    assert "Fraud." in message.body

    cast.applicant.preferred_language = "es"
    cast.applicant.save()
    message = email_render(user=cast.applicant, kind=kind, context=context)
    assert "que ya venció. La suspensión queda registrada" in message.body
    expired_context = {**context, "expires_on": expired_on.isoformat(), "suspended": True}
    expired_context |= {"reinstate_until_on": today().isoformat(), "ce_hours": "20"}
    message = email_render(
        user=cast.applicant,
        kind="certification_expired",
        context=expired_context | {"law_and_ethics_hours": "6"},
    )
    assert "Su certificación estaba suspendida cuando venció" in message.body
    assert "Su certificación estaba suspendida cuando venció" in message.alternatives[0][0]
