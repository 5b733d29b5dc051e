"""Completions reported at the source (issue 15 item 4, Done when): refused for a course not
approved on its date, with the reason; reported twice changes nothing; matched learners get a
record verified at source (no upload, no county review) that authorizes the exam; unmatched
completions attach themselves when the learner signs up; another provider sees nothing; the
learner disputes; a county reviewer may still reject."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import ProgrammingError, transaction

from accounts.models import User
from audit.models import AuditEvent
from certification.services.profiles import profile_save
from continuing_ed.models import CeCredit
from core.errors import DomainError
from core.rls import rls_context
from exams.authorization import exam_authorization_problems
from exams.services import exam_attempt_record
from providers import selectors
from providers.models import (
    Completion,
    CompletionStatus,
    CourseApproval,
)
from providers.services import (
    completion_dispute,
    completions_report,
    provider_api_key_authenticate,
    provider_api_key_create,
    provider_api_key_revoke,
)
from tests.factories import ApplicationFactory, CertificationFactory, ProfileFactory, UserFactory
from tests.providers.completions_data import DOB, END, TODAY, row
from training.models import TrainingRecord
from training.services import training_record_reject

pytestmark = pytest.mark.django_db


def report(providers, rows, actor=None):
    return completions_report(
        provider=providers.hope, rows=rows, source="upload", actor=actor or providers.clerk
    )


def test_a_matched_core_completion_is_verified_at_source_and_authorizes_the_exam(
    cast,
    providers,
    courses,
):
    application = ApplicationFactory(
        applicant=cast.applicant,
        county=cast.county,
        status="approved",
        approved_on=TODAY - datetime.timedelta(days=10),
        window_ends_on=TODAY + datetime.timedelta(days=300),
    )
    exam_day = TODAY - datetime.timedelta(days=1)
    assert exam_authorization_problems([(application, exam_day)])  # no training yet

    [outcome] = report(providers, [row(courses["core"])])

    assert outcome.result == "created", outcome.errors
    completion = Completion.objects.get()
    assert completion.status == CompletionStatus.ATTACHED
    assert completion.person == cast.applicant
    record = completion.training_record
    assert record.status == "verified"
    assert record.reported_at_source
    assert record.certificate_id is None
    assert record.reviewed_by_id is None
    assert record.provider == providers.hope.training_provider
    assert exam_authorization_problems([(application, exam_day)]) == [[]]
    attempt = exam_attempt_record(
        actor=cast.reviewer, application=application, taken_on=exam_day, result="passed"
    )
    assert attempt.pk


def test_a_completion_outside_the_approval_is_refused_with_the_reason(
    providers,
    courses,
):
    late = END + datetime.timedelta(days=1)
    CourseApproval.objects.filter(course=courses["core"]).update(
        starts_on=TODAY - datetime.timedelta(days=400), ends_on=TODAY - datetime.timedelta(days=40)
    )
    [outcome] = report(providers, [row(courses["core"])])

    assert outcome.result == "refused"
    assert "was not approved on" in outcome.errors["completed_on"]
    assert (TODAY - datetime.timedelta(days=30)).isoformat() in outcome.errors["completed_on"]
    assert not Completion.objects.exists()
    assert not TrainingRecord.objects.exists()
    assert late > END


def test_a_course_never_approved_is_refused(providers, courses):
    CourseApproval.objects.filter(course=courses["core"]).delete()
    [outcome] = report(providers, [row(courses["core"])])
    assert "never been approved" in outcome.errors["completed_on"]
    assert not Completion.objects.exists()


def test_reporting_the_same_completion_twice_changes_nothing(cast, providers, courses):
    report(providers, [row(courses["core"])])
    before = (
        list(Completion.objects.values()),
        list(TrainingRecord.objects.values()),
        AuditEvent.objects.count(),
    )

    [again] = report(providers, [row(courses["core"], email="APPLICANT@cast.test ")])
    assert again.result == "unchanged"
    [changed] = report(providers, [row(courses["core"], hours="90")])
    assert changed.result == "refused" and changed.conflict
    assert "other details" in changed.errors["completion_id"]

    after = (
        list(Completion.objects.values()),
        list(TrainingRecord.objects.values()),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_a_row_repeated_in_one_report_is_created_once(providers, courses):
    outcomes = report(providers, [row(courses["core"]), row(courses["core"])])
    assert [o.result for o in outcomes] == ["created", "unchanged"]
    assert Completion.objects.count() == 1


def test_bad_rows_are_refused_each_with_its_problems_and_good_rows_go_through(
    providers,
    courses,
):
    outcomes = report(
        providers,
        [
            row(courses["core"], completion_id="A", email="not-an-email", hours="-1"),
            row(courses["core"], completion_id="B", completed_on="2099-01-01"),
            row(courses["core"], completion_id="C", course_id="999999"),
            row(courses["core"], completion_id="D", hours="40"),
            row(courses["core"], completion_id="E", email="nobody@example.org"),
        ],
    )
    assert [o.result for o in outcomes] == ["refused"] * 4 + ["created"]
    assert set(outcomes[0].errors) == {"email", "hours"}
    assert "future" in outcomes[1].errors["completed_on"]
    assert "not one of your courses" in outcomes[2].errors["course_id"]
    assert "80" in outcomes[3].errors["hours"]
    assert Completion.objects.get().status == CompletionStatus.WAITING


def test_an_unmatched_completion_attaches_itself_when_the_learner_signs_up(
    providers,
    courses,
):
    report(providers, [row(courses["core"], email="new.person@example.org")])
    completion = Completion.objects.get()
    assert completion.status == CompletionStatus.WAITING
    assert completion.person is None

    learner = UserFactory(email="New.Person@example.org", first_name="Ana", last_name="Reyes")
    # Signed up; the name alone does not match yet (no date of birth).
    profile_save(user=learner, legal_first_name="ana", legal_last_name="REYES")
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.WAITING
    profile_save(user=learner, date_of_birth=DOB)

    completion.refresh_from_db()
    assert completion.status == CompletionStatus.ATTACHED
    assert completion.person == learner
    assert completion.training_record.person == learner
    assert completion.training_record.status == "verified"


def test_a_different_date_of_birth_or_name_does_not_match(providers, courses):
    learner = UserFactory(email="twin@example.org")
    ProfileFactory(user=learner, legal_first_name="Ana", legal_last_name="Reyes")
    report(
        providers,
        [
            row(
                courses["core"],
                completion_id="1",
                email="twin@example.org",
                date_of_birth="1990-01-01",
            ),
            row(
                courses["core"], completion_id="2", email="twin@example.org", legal_last_name="Rey"
            ),
        ],
    )
    assert set(Completion.objects.values_list("status", flat=True)) == {"waiting"}
    assert not TrainingRecord.objects.filter(person=learner).exists()


def test_a_ce_completion_becomes_a_verified_credit_of_its_category(cast, providers, courses):
    certification = CertificationFactory(
        holder=cast.applicant,
        issuing_county=cast.county,
        issued_on=TODAY - datetime.timedelta(days=100),
    )
    [outcome] = report(providers, [row(courses["ce"], hours="6")])
    assert outcome.result == "created", outcome.errors
    credit = CeCredit.objects.get()
    assert credit.certification == certification
    assert credit.category == "law_and_ethics"
    assert credit.status == "verified" and credit.reported_at_source
    assert credit.provider_name == "Hope Works"
    assert outcome.completion.ce_credit == credit


def test_a_ce_completion_waits_for_a_certification(cast, providers, courses):
    report(providers, [row(courses["ce"], hours="6")])
    completion = Completion.objects.get()
    assert completion.status == CompletionStatus.WAITING
    CertificationFactory(
        holder=cast.applicant,
        issuing_county=cast.county,
        issued_on=TODAY - datetime.timedelta(days=100),
    )
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.ATTACHED
    assert completion.ce_credit.reported_at_source


def test_another_provider_sees_nothing_and_cannot_report(cast, providers, courses):
    report(providers, [row(courses["core"])])
    assert selectors.completions_for(providers.rival).count() == 0
    assert selectors.completions_of_provider(providers.rival, providers.hope).count() == 0
    assert selectors.completions_for(cast.other_applicant).count() == 0
    assert selectors.completions_for(cast.other_admin).count() == 0
    assert selectors.completions_for(providers.clerk).count() == 1
    assert selectors.completions_for(cast.applicant).count() == 1
    assert selectors.completions_for(cast.state).count() == 1
    before = Completion.objects.count()
    with pytest.raises(PermissionDenied):
        completions_report(
            provider=providers.hope,
            rows=[row(courses["core"], completion_id="X")],
            source="upload",
            actor=providers.rival,
        )
    with pytest.raises(PermissionDenied):
        report(providers, [row(courses["core"], completion_id="Y")], actor=cast.applicant)
    # The rival's own course id names nothing of Hope's.
    assert Completion.objects.count() == before


def test_the_learner_disputes_and_a_county_reviewer_may_still_reject(cast, providers, courses):
    ApplicationFactory(applicant=cast.applicant, county=cast.county, status="submitted")
    report(providers, [row(courses["core"])])
    completion = Completion.objects.get()
    with pytest.raises(PermissionDenied):
        completion_dispute(person=cast.other_applicant, completion=completion, reason="x")
    with pytest.raises(DomainError):
        completion_dispute(person=cast.applicant, completion=completion, reason="  ")
    disputed = completion_dispute(
        person=cast.applicant, completion=completion, reason="I never took this course."
    )
    assert disputed.disputed_at is not None
    assert selectors.completions_for(cast.reviewer).get().dispute_reason.startswith("I never")
    assert selectors.completions_for(providers.boss).get().disputed_at is not None

    record = training_record_reject(
        actor=cast.reviewer, record=completion.training_record, reason="Disputed by the learner."
    )
    assert record.status == "rejected"


def test_api_keys_are_hashed_shown_once_and_revocable_by_administrators(providers):
    with pytest.raises(PermissionDenied):
        provider_api_key_create(actor=providers.clerk, provider=providers.hope, name="LMS")
    new = provider_api_key_create(actor=providers.boss, provider=providers.hope, name="LMS")
    assert new.key not in str(list(type(new.api_key).objects.values()))
    assert provider_api_key_authenticate(new.key) == new.api_key
    assert provider_api_key_authenticate("pk_wrong") is None
    with pytest.raises(PermissionDenied):
        provider_api_key_revoke(actor=providers.rival, api_key=new.api_key)
    provider_api_key_revoke(actor=providers.boss, api_key=new.api_key)
    assert provider_api_key_authenticate(new.key) is None
    assert User.objects.filter(pk=providers.boss.pk).exists()


def test_under_row_level_security_each_actor_sees_what_the_selectors_say(cast, providers, courses):
    ApplicationFactory(applicant=cast.applicant, county=cast.county, status="submitted")
    with rls_context(providers.clerk):
        [outcome] = report(providers, [row(courses["core"])])
        assert outcome.result == "created"
        assert Completion.objects.count() == 1
        # The provider's staff read the outcome, not the learner's records.
        assert not TrainingRecord.objects.exists()
    with rls_context(providers.rival):
        assert Completion.objects.count() == 0
        assert list(selectors.completions_for(providers.rival)) == []
    with rls_context(cast.other_admin):
        assert Completion.objects.count() == 0
    with rls_context(cast.other_applicant):
        assert Completion.objects.count() == 0
    with rls_context(cast.reviewer):
        assert Completion.objects.count() == 1
    with rls_context(cast.applicant):
        completion = selectors.completion_get(cast.applicant, outcome.completion.pk)
        completion_dispute(person=cast.applicant, completion=completion, reason="Wrong date.")
        assert TrainingRecord.objects.get().reported_at_source
    with rls_context(providers.boss):
        new = provider_api_key_create(actor=providers.boss, provider=providers.hope, name="LMS")
    with rls_context(providers.rival):
        assert not type(new.api_key).objects.exists()
    with rls_context(None):
        assert provider_api_key_authenticate(new.key) == new.api_key


def test_a_provider_cannot_write_completions_directly(providers, courses):
    with rls_context(providers.clerk), pytest.raises(ProgrammingError), transaction.atomic():
        Completion.objects.create(
            provider=providers.hope,
            course=courses["core"],
            completion_id="forged",
            email="a@b.org",
            legal_first_name="A",
            legal_last_name="B",
            date_of_birth=DOB,
            hours=80,
            completed_on=TODAY,
            payload_sha256="x",
            source="upload",
        )
    assert not Completion.objects.exists()
