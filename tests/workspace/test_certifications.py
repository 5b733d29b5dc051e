"""A certification's page and its discipline actions: suspend, lift, revoke (reason required,
confirmation page), reinstate; administrators only."""

import datetime

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from certification.models import Certification, Renewal
from exams.models import ExamAttempt
from tests.factories import CeCreditFactory, EthicsVersionFactory, TrainingRecordFactory


def _url(name: str, *args) -> str:
    return reverse(f"workspace:{name}", args=["alameda", *args])


def _status(certification: Certification) -> str:
    return Certification.objects.get(pk=certification.pk).status


def test_suspend_shows_a_confirmation_then_needs_a_reason(cast, world, client):
    client.force_login(cast.admin)
    confirm = client.get(_url("certification_suspend", world.active.pk))
    assert confirm.status_code == 200
    assert b"Suspend the certification" in confirm.content
    assert _status(world.active) == "active"

    response = client.post(_url("certification_suspend", world.active.pk), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert _status(world.active) == "active"

    response = client.post(
        _url("certification_suspend", world.active.pk), {"reason": "Complaint upheld."}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("certification", world.active.pk)
    certification = Certification.objects.get(pk=world.active.pk)
    assert (certification.status, certification.status_reason) == (
        "suspended",
        "Complaint upheld.",
    )


def test_lift_then_revoke(cast, world, client):
    client.force_login(cast.admin)
    response = client.post(_url("certification_lift_suspension", world.suspended.pk), {})
    assert response.status_code == 302
    assert _status(world.suspended) == "active"
    response = client.post(_url("certification_revoke", world.suspended.pk), {"reason": "Fraud."})
    assert response.status_code == 302
    assert _status(world.suspended) == "revoked"
    # Revoked is final: a second revocation is a conflict, told, nothing changes.
    events = AuditEvent.objects.count()
    response = client.post(_url("certification_revoke", world.suspended.pk), {"reason": "Again."})
    assert response.status_code == 302
    assert AuditEvent.objects.count() == events


def test_reviewers_suspend_lift_and_revoke_but_cannot_reinstate(cast, world, client):
    client.force_login(cast.reviewer)
    page = client.get(_url("certification", world.active.pk))
    assert _url("certification_suspend", world.active.pk).encode() in page.content
    response = client.post(_url("certification_suspend", world.active.pk), {"reason": "Complaint."})
    assert response.status_code == 302
    assert _status(world.active) == "suspended"
    assert AuditEvent.objects.filter(
        verb="certification_suspend", object_id=world.active.pk, actor=cast.reviewer
    ).exists()

    page = client.get(_url("certification", world.expired.pk)).content.decode()
    assert _url("certification_reinstate", world.expired.pk) not in page
    assert "Only the county's administrators can reinstate" in page
    events = AuditEvent.objects.count()
    response = client.post(
        _url("certification_reinstate", world.expired.pk), {"ethics_affirmed": "on"}
    )
    assert response.status_code == 403
    assert _status(world.expired) == "expired"
    assert AuditEvent.objects.count() == events


def test_reinstate_refused_without_ce_then_allowed_with_it(cast, world, client):
    EthicsVersionFactory()
    # Past the 12-month late renewal period: reinstatement is the way back.
    today = timezone.localdate()
    Certification.objects.filter(pk=world.expired.pk).update(
        issued_on=today - datetime.timedelta(days=1130),
        cycle_started_on=today - datetime.timedelta(days=1130),
        expires_on=today - datetime.timedelta(days=400),
    )
    client.force_login(cast.admin)
    page = client.get(_url("certification", world.expired.pk))
    assert any("refresher course" in p for p in page.context["reinstatement_problems"])
    response = client.post(
        _url("certification_reinstate", world.expired.pk), {"ethics_affirmed": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _status(world.expired) == "expired"

    TrainingRecordFactory(
        person=world.expired.holder,
        completed_on=today - datetime.timedelta(days=20),
        status="verified",
    )
    CeCreditFactory(certification=world.expired, hours=14, category="general", status="verified")
    CeCreditFactory(
        certification=world.expired, hours=6, category="law_and_ethics", status="verified"
    )
    page = client.get(_url("certification", world.expired.pk))
    assert page.context["reinstatement_problems"] == []
    response = client.post(
        _url("certification_reinstate", world.expired.pk), {"ethics_affirmed": "on"}
    )
    assert response.status_code == 302
    assert _status(world.expired) == "active"
    assert Renewal.objects.get(certification=world.expired).kind == "reinstatement"


def test_reinstate_needs_the_affirmation_box(cast, world, client):
    client.force_login(cast.admin)
    response = client.post(_url("certification_reinstate", world.expired.pk), {})
    assert response.status_code == 200
    assert response.context["form"].errors["ethics_affirmed"]
    assert _status(world.expired) == "expired"


def test_other_county_certification_is_404(cast, world, client):
    client.force_login(cast.admin)
    assert client.get(_url("certification", world.fresno_certification.pk)).status_code == 404
    response = client.post(
        _url("certification_suspend", world.fresno_certification.pk), {"reason": "x"}
    )
    assert response.status_code == 404
    assert _status(world.fresno_certification) == "active"


def test_an_expired_certification_can_be_suspended_and_its_suspension_lifted(cast, world, client):
    client.force_login(cast.reviewer)
    page = client.get(_url("certification", world.expired.pk)).content.decode()
    assert _url("certification_suspend", world.expired.pk) in page
    assert _url("certification_lift_suspension", world.expired.pk) not in page

    response = client.post(_url("certification_suspend", world.expired.pk), {"reason": "Fraud."})
    assert response.status_code == 302
    certification = Certification.objects.get(pk=world.expired.pk)
    assert (certification.status, certification.status_reason) == ("expired", "Fraud.")
    assert certification.suspended_on is not None
    page = client.get(_url("certification", world.expired.pk)).content.decode()
    assert "Suspended since" in page
    assert "still on record after expiry" in page
    assert _url("certification_suspend", world.expired.pk) not in page
    assert _url("certification_lift_suspension", world.expired.pk) in page

    response = client.post(_url("certification_lift_suspension", world.expired.pk), {})
    assert response.status_code == 302
    certification.refresh_from_db()
    assert (certification.status, certification.suspended_on) == ("expired", None)


def _in_reinstatement_period(certification: Certification) -> None:
    """Past the 12-month late renewal period, with the CE a reinstatement needs: only the
    refresher course or an exam is missing."""
    today = timezone.localdate()
    Certification.objects.filter(pk=certification.pk).update(
        issued_on=today - datetime.timedelta(days=1130),
        cycle_started_on=today - datetime.timedelta(days=1130),
        expires_on=today - datetime.timedelta(days=400),
    )
    CeCreditFactory(certification=certification, hours=14, category="general", status="verified")
    CeCreditFactory(
        certification=certification, hours=6, category="law_and_ethics", status="verified"
    )


def test_an_admin_records_a_reinstatement_exam_from_the_certification_page(cast, world, client):
    EthicsVersionFactory()
    _in_reinstatement_period(world.expired)
    client.force_login(cast.admin)
    page = client.get(_url("certification", world.expired.pk))
    assert "No exam sitting since the expiry date." in page.content.decode()
    assert _url("certification_exam_record", world.expired.pk) in page.content.decode()
    assert any("refresher course" in p for p in page.context["reinstatement_problems"])

    taken_on = timezone.localdate() - datetime.timedelta(days=5)
    response = client.post(
        _url("certification_exam_record", world.expired.pk),
        {"taken_on": taken_on.isoformat(), "result": "passed", "scaled_score": "530"},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("certification", world.expired.pk)
    attempt = ExamAttempt.objects.get(certification=world.expired)
    assert (attempt.taken_on, attempt.result, attempt.scaled_score) == (taken_on, "passed", 530)

    page = client.get(_url("certification", world.expired.pk))
    html = page.content.decode()
    assert "This reinstatement" in html
    assert "Exam for a reinstatement recorded" in html  # the timeline
    # A passed sitting: the form is no longer offered, and the reinstatement can go ahead.
    assert _url("certification_exam_record", world.expired.pk) not in html
    assert page.context["reinstatement_problems"] == []
    response = client.post(
        _url("certification_reinstate", world.expired.pk), {"ethics_affirmed": "on"}
    )
    assert response.status_code == 302
    assert _status(world.expired) == "active"


def test_a_refused_reinstatement_exam_says_why_next_to_the_date(cast, world, client):
    client.force_login(cast.admin)
    response = client.post(
        _url("certification_exam_record", world.expired.pk),
        {"taken_on": world.expired.expires_on.isoformat(), "result": "passed"},
    )
    assert response.status_code == 200
    assert "after the expiry date" in str(response.context["form"].errors)
    assert not ExamAttempt.objects.filter(certification=world.expired).exists()


def test_reviewers_see_the_reinstatement_exams_but_cannot_record_one(cast, world, client):
    client.force_login(cast.reviewer)
    page = client.get(_url("certification", world.expired.pk)).content.decode()
    assert "Exam for a reinstatement" in page
    assert _url("certification_exam_record", world.expired.pk) not in page
    assert "Only the county's administrators record an exam for a reinstatement." in page
    events = AuditEvent.objects.count()
    response = client.post(
        _url("certification_exam_record", world.expired.pk),
        {"taken_on": timezone.localdate().isoformat(), "result": "passed"},
    )
    assert response.status_code == 403
    assert not ExamAttempt.objects.filter(certification=world.expired).exists()
    assert AuditEvent.objects.count() == events


def test_another_countys_certification_gets_no_reinstatement_exam(cast, world, client):
    Certification.objects.filter(pk=world.fresno_certification.pk).update(
        status="expired", expires_on=timezone.localdate() - datetime.timedelta(days=400)
    )
    client.force_login(cast.admin)
    events = AuditEvent.objects.count()
    response = client.post(
        _url("certification_exam_record", world.fresno_certification.pk),
        {"taken_on": timezone.localdate().isoformat(), "result": "passed"},
    )
    assert response.status_code == 404
    assert not ExamAttempt.objects.filter(certification__isnull=False).exists()
    assert AuditEvent.objects.count() == events


def test_an_active_certification_has_no_reinstatement_exam_section(cast, world, client):
    client.force_login(cast.admin)
    page = client.get(_url("certification", world.active.pk)).content.decode()
    assert "Exam for a reinstatement" not in page
