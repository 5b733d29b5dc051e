"""The review page and the decisions taken from it, through the views: start review, request
changes, approve, deny, documents and training review, exam attempts by hand, issuing, and
stale forms refused."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from audit.models import AuditEvent
from certification.models import Application, Certification
from exams.models import ExamAttempt
from tests.factories import DocumentFactory, ExamAttemptFactory, TrainingRecordFactory
from tests.workspace.conftest import person, submitted_application
from training.models import TrainingRecord


def _url(name: str, *args) -> str:
    return reverse(f"workspace:{name}", args=["alameda", *args])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_review_page_shows_person_documents_inline_training_and_actions(cast, world, client):
    png = _png()
    DocumentFactory(
        owner=cast.applicant,
        application=world.submitted,
        kind="other",
        file=ContentFile(png, name="x.png"),
        content_type="image/png",
        size=len(png),
        original_name="letter.png",
    )
    client.force_login(cast.reviewer)
    response = client.get(_url("application", world.submitted.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana Reyes" in html and "applicant@cast.test" in html
    assert html.count("<iframe") == 2  # the photo ID and the diploma (PDFs)
    assert html.count('<img src="/county/alameda/documents/') == 1  # the PNG
    assert _url("document", world.document.pk) in html
    assert _url("training_review", world.submitted.pk, world.training_record.pk) in html
    assert _url("application_start_review", world.submitted.pk) in html
    assert 'data-confirm="' in html
    assert f'name="version" value="{world.submitted.version}"' in html


def test_state_staff_see_the_review_page_without_any_action(cast, world, client):
    client.force_login(cast.state)
    response = client.get(_url("application", world.submitted.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<iframe" in html
    assert 'method="post"' not in html.split('id="main-content"')[1]


def test_document_view_serves_inline_with_safe_headers(cast, world, client):
    client.force_login(cast.reviewer)
    response = client.get(_url("document", world.document.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="photo_id-{world.document.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cache-Control"] == "private, no-cache"
    assert response["ETag"] == f'"{world.document.sha256}"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_document_of_other_county_or_of_a_draft_is_404(cast, world, client):
    fresno_document = world.fresno_application.documents.first()
    drafter = person("draft@example.org", "Dee", "Draft", cast.county)
    draft = submitted_application(drafter, cast.county, status="draft")
    client.force_login(cast.admin)
    assert client.get(_url("document", fresno_document.pk)).status_code == 404
    assert client.get(_url("document", draft.documents.first().pk)).status_code == 404
    assert client.get(_url("application", draft.pk)).status_code == 404
    assert client.get(_url("application", world.fresno_application.pk)).status_code == 404


def _post(client, user, name, *args, data):
    client.force_login(user)
    return client.post(_url(name, *args), data)


def test_start_review_then_request_changes_with_parts_and_message(cast, world, client):
    application = world.submitted
    response = _post(
        client,
        cast.reviewer,
        "application_start_review",
        application.pk,
        data={"version": application.version},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "in_review"
    assert _messages(response) == ["Review started."]

    # The message is required: nothing changes without it.
    response = _post(
        client,
        cast.reviewer,
        "application_request_changes",
        application.pk,
        data={"version": application.version, "parts": ["photo_id"], "message": "  "},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    application.refresh_from_db()
    assert application.status == "in_review"

    response = _post(
        client,
        cast.reviewer,
        "application_request_changes",
        application.pk,
        data={
            "version": application.version,
            "parts": ["photo_id", "diploma"],
            "message": "The photo ID is blurry.",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "changes_requested"
    assert application.changes_requested_parts == ["photo_id", "diploma"]
    assert application.changes_requested_message == "The photo ID is blurry."
    page = client.get(_url("application", application.pk)).content.decode()
    assert "Photo ID, Diploma or equivalent" in page


def test_deny_requires_a_reason(cast, world, client):
    application = world.submitted
    response = _post(
        client,
        cast.admin,
        "application_deny",
        application.pk,
        data={"version": application.version, "reason": ""},
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    application.refresh_from_db()
    assert application.status == "submitted"

    response = _post(
        client,
        cast.admin,
        "application_deny",
        application.pk,
        data={"version": application.version, "reason": "Not 18 yet."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == ("denied", "Not 18 yet.")


def _verify_documents(client, user, application: Application) -> None:
    for document in application.documents.all():
        response = _post(
            client,
            user,
            "document_review",
            application.pk,
            document.pk,
            data={"decision": "verify", "reason": ""},
        )
        assert response.status_code == 302, response.content


def test_approve_needs_verified_documents_then_opens_the_window(cast, world, client):
    application = world.in_review
    response = _post(
        client,
        cast.reviewer,
        "application_approve",
        application.pk,
        data={"version": application.version},
    )
    assert response.status_code == 200
    assert "Verify the government photo ID" in str(response.context["form"].non_field_errors())
    application.refresh_from_db()
    assert application.status == "in_review"

    _verify_documents(client, cast.reviewer, application)
    response = _post(
        client,
        cast.reviewer,
        "application_approve",
        application.pk,
        data={"version": application.version},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.approved_on == timezone.localdate()


def test_document_rejection_needs_a_reason(cast, world, client):
    response = _post(
        client,
        cast.reviewer,
        "document_review",
        world.submitted.pk,
        world.document.pk,
        data={"decision": "reject", "reason": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    world.document.refresh_from_db()
    assert world.document.review_status == "pending"


def test_two_reviewers_deciding_at_once_one_decision_the_other_told(cast, world, client):
    """Both open the page at version v; the reviewer approves first; the admin's denial,
    still carrying v, is refused and nothing is overwritten."""
    application = world.in_review
    _verify_documents(client, cast.admin, application)
    application.refresh_from_db()
    seen_version = application.version
    first = _post(
        client,
        cast.reviewer,
        "application_approve",
        application.pk,
        data={"version": seen_version},
    )
    assert first.status_code == 302
    events_before = AuditEvent.objects.count()

    second = _post(
        client,
        cast.admin,
        "application_deny",
        application.pk,
        data={"version": seen_version, "reason": "Late objection."},
    )
    assert second.status_code == 302
    assert second["Location"] == _url("application", application.pk)
    assert _messages(second)[-1] == (
        "Someone else changed this application since you opened it. Reload the page to see "
        "its current state, then try again."
    )
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.decision_reason == ""
    assert application.decided_by == cast.reviewer
    assert AuditEvent.objects.count() == events_before


def test_stale_start_review_is_refused(cast, world, client):
    application = world.submitted
    response = _post(
        client,
        cast.reviewer,
        "application_start_review",
        application.pk,
        data={"version": application.version - 1 or 99},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"


def test_training_record_verify_and_reject_with_reason(cast, world, client):
    record = world.training_record
    response = _post(
        client,
        cast.reviewer,
        "training_review",
        world.submitted.pk,
        record.pk,
        data={"decision": "reject", "reason": ""},
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.status == "pending"

    other = TrainingRecordFactory(person=cast.applicant, hours=8)
    response = _post(
        client,
        cast.reviewer,
        "training_review",
        world.submitted.pk,
        other.pk,
        data={"decision": "reject", "reason": "Not an approved course."},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.status, other.reason) == ("rejected", "Not an approved course.")

    response = _post(
        client,
        cast.reviewer,
        "training_review",
        world.submitted.pk,
        record.pk,
        data={"decision": "verify"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.reviewed_by) == ("verified", cast.reviewer)


def test_training_record_of_someone_else_is_404(cast, world, client):
    stranger = TrainingRecordFactory(person=cast.other_applicant)
    response = _post(
        client,
        cast.reviewer,
        "training_review",
        world.submitted.pk,
        stranger.pk,
        data={"decision": "verify"},
    )
    assert response.status_code == 404
    assert TrainingRecord.objects.get(pk=stranger.pk).status == "pending"


def test_record_exam_by_hand_then_issue_when_the_rules_hold(cast, world, client):
    """The exam is recorded only once the core training is verified (the form is not offered
    and a posted one is refused, with the reason); then the certification is issued."""
    application = world.approved
    training = TrainingRecord.objects.get(person=application.applicant)
    TrainingRecord.objects.filter(pk=training.pk).update(status="pending")
    client.force_login(cast.reviewer)
    page = client.get(_url("application", application.pk))
    problems = page.context["issue_problems"]
    assert "The certification exam has not been passed yet." in problems
    assert any("80" in str(problem) for problem in problems)
    assert _url("certification_issue", application.pk).encode() not in page.content
    assert _url("exam_record", application.pk).encode() not in page.content
    assert "core training has not been verified" in " ".join(page.context["exam_problems"])
    assert b"core training has not been verified" in page.content

    exam = {"taken_on": timezone.localdate().isoformat(), "result": "passed", "scaled_score": 510}
    response = _post(client, cast.reviewer, "exam_record", application.pk, data=exam)
    assert response.status_code == 200
    assert b"core training has not been verified" in response.content
    assert not ExamAttempt.objects.filter(application=application).exists()

    TrainingRecord.objects.filter(pk=training.pk).update(status="verified")
    page = client.get(_url("application", application.pk))
    assert _url("exam_record", application.pk).encode() in page.content
    response = _post(client, cast.reviewer, "exam_record", application.pk, data=exam)
    assert response.status_code == 302
    attempt = ExamAttempt.objects.get(application=application)
    assert (attempt.result, attempt.scaled_score, attempt.source) == ("passed", 510, "manual")

    page = client.get(_url("application", application.pk))
    assert page.context["issue_problems"] == []
    response = _post(client, cast.reviewer, "certification_issue", application.pk, data={})
    assert response.status_code == 302
    certification = Certification.objects.get(application=application)
    assert certification.status == "active"
    assert certification.issuing_county == cast.county
    application.refresh_from_db()
    assert application.status == "certified"


@pytest.mark.parametrize(
    ("days_ago", "open_form"),
    [(30, True), (31, False)],
    ids=["last-day-of-grace", "day-after-grace"],
)
def test_after_the_window_an_attempt_taken_inside_it_is_recorded_in_the_grace(
    cast, world, client, days_ago, open_form
):
    """docs/domain.md#exam: results of exams taken inside the window may be recorded for 30
    days (ProgramPolicy.exam_result_grace_days) after it; the page says until when."""
    application = world.approved
    window_end = timezone.localdate() - datetime.timedelta(days=days_ago)
    Application.objects.filter(pk=application.pk).update(
        approved_on=window_end - datetime.timedelta(days=300), window_ends_on=window_end
    )
    client.force_login(cast.reviewer)
    page = client.get(_url("application", application.pk))
    recordable = _url("exam_record", application.pk).encode() in page.content
    assert recordable is open_form
    assert (b'id="result-grace"' in page.content) is open_form

    response = _post(
        client,
        cast.reviewer,
        "exam_record",
        application.pk,
        data={"taken_on": window_end.isoformat(), "result": "passed", "scaled_score": 505},
    )
    recorded = ExamAttempt.objects.filter(application=application)
    if open_form:
        assert response.status_code == 302
        assert [(a.taken_on, a.result) for a in recorded] == [(window_end, "passed")]
    else:
        assert response.status_code == 200
        assert "could be recorded until" in response.content.decode()
        assert not recorded.exists()


def test_exam_form_errors_stay_on_the_form(cast, world, client):
    response = _post(
        client,
        cast.reviewer,
        "exam_record",
        world.approved.pk,
        data={"taken_on": "2099-01-01", "result": "passed"},
    )
    assert response.status_code == 200
    assert "future" in str(response.context["form"].errors["taken_on"])
    assert not ExamAttempt.objects.filter(application=world.approved).exists()


@pytest.mark.parametrize("attempts", [3])
def test_exam_record_refused_when_attempts_are_used_up(attempts, cast, world, client):
    for _n in range(attempts):
        ExamAttemptFactory(
            application=world.approved, result="failed", taken_on=timezone.localdate()
        )
    client.force_login(cast.reviewer)
    page = client.get(_url("application", world.approved.pk))
    assert page.context["exam_problems"]
    assert _url("exam_record", world.approved.pk).encode() not in page.content
    response = _post(
        client,
        cast.reviewer,
        "exam_record",
        world.approved.pk,
        data={"taken_on": timezone.localdate().isoformat(), "result": "passed"},
    )
    assert response.status_code == 200
    assert ExamAttempt.objects.filter(application=world.approved).count() == attempts


def test_a_reviewer_sees_the_applications_timeline(cast, world, client):
    application = world.submitted
    _post(
        client,
        cast.reviewer,
        "application_start_review",
        application.pk,
        data={"version": application.version},
    )
    page = client.get(_url("application", application.pk)).content.decode()
    assert "Review started" in page
    assert AuditEvent.objects.filter(
        verb="application_start_review", object_id=application.pk, actor=cast.reviewer
    ).exists()


def test_the_review_page_shows_earlier_applications_and_discipline_anywhere(client, cast):
    from certification.services import certification_suspend
    from tests.factories import ApplicationFactory, CertificationFactory

    application = submitted_application(cast.applicant, cast.county)
    ApplicationFactory(
        applicant=cast.applicant,
        county=cast.other_county,
        status="denied",
        decision_reason="Diploma could not be verified.",
    )
    revoked = CertificationFactory(
        holder=cast.applicant, issuing_county=cast.other_county, number="PSS-0000088"
    )
    certification_suspend(actor=cast.other_admin, certification=revoked, reason="Inquiry")
    client.force_login(cast.reviewer)

    page = client.get(reverse("workspace:application", args=["alameda", application.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Fresno" in text and "Diploma could not be verified." in text
    assert "Certification PSS-0000088 (Fresno) suspended on" in text
    assert "No earlier application in any county." not in text


def test_approve_is_offered_only_once_the_documents_are_verified(cast, world, client):
    client.force_login(cast.reviewer)
    application = world.in_review
    approve_url = _url("application_approve", application.pk)

    page = client.get(_url("application", application.pk)).content.decode()

    assert f'action="{approve_url}"' not in page
    assert "Approval is possible once this is done:" in page
    assert "Verify the government photo ID before approving." in page
    assert "Verify the diploma or equivalent before approving." in page
    for document in application.documents.all():
        document.review_status = "verified"
        document.save(update_fields=["review_status"])
    page = client.get(_url("application", application.pk)).content.decode()
    assert f'action="{approve_url}"' in page
    assert "Approval is possible once this is done:" not in page


def test_attempts_left_are_not_shown_beside_a_passed_exam(cast, world, client):
    from exams.services import exam_attempt_record

    exam_attempt_record(
        actor=cast.reviewer,
        application=world.approved,
        taken_on=timezone.localdate(),
        result="passed",
    )
    client.force_login(cast.reviewer)

    page = client.get(_url("application", world.approved.pk)).content.decode()

    assert "Exam attempts: passed." in page
    assert "attempts left." not in page and "attempt left." not in page
