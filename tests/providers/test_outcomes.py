"""Outcomes per provider and course (issue 15 item 5): the figures pinned on a prepared data set,
the pass rates hidden below the minimum group (9 candidates hidden, 10 shown) and the median
below it, the operator's value in force, the learners' own certificates of a provider with
several courses of a kind in a row of their own, and who reads them (the provider's own staff
and state staff; another provider, a county and an applicant nothing)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from exams.models import ExamAttempt
from providers.models import ProviderCourse, ProviderPolicy
from providers.outcomes import outcomes_all_providers, provider_outcomes
from tests.factories import (
    ApplicationFactory,
    CeCreditFactory,
    CertificationFactory,
    ExamAttemptFactory,
    SpecializationFactory,
    TrainingRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

COMPLETED = datetime.date(2024, 3, 1)


def _course(provider, title, course_type, *, area_code="", ce_category="", hours=80):
    return ProviderCourse.objects.create(
        provider=provider,
        title=title,
        course_type=course_type,
        area_code=area_code,
        ce_category=ce_category,
        hours=hours,
        languages=["en"],
        delivery_modes=["in_person"],
    )


def _learner(provider, n: int, course: str = "core_80", status: str = "verified"):
    person = UserFactory(email=f"learner{n}-{course}@outcomes.test")
    TrainingRecordFactory(
        person=person,
        provider=provider.training_provider,
        course=course,
        completed_on=COMPLETED,
        status=status,
    )
    return person


def _sittings(person, results: list[str]):
    application = ApplicationFactory(
        applicant=person,
        status="approved",
        approved_on=datetime.date(2024, 5, 1),
        window_ends_on=datetime.date(2025, 5, 1),
    )
    for day, result in enumerate(results):
        ExamAttemptFactory(
            application=application,
            taken_on=datetime.date(2024, 6, 1) + datetime.timedelta(days=30 * day),
            result=result,
        )
    return application


@pytest.fixture
def dataset(providers):
    """Hope Works: a core course with 12 learners (verified records; a pending and a rejected one
    are not learners), 11 of them applied, 10 sat the exam (6 passed first time, 2 at the
    second sitting, 2 never; an applicant who only missed the exam is no candidate), 8 certified
    100, 110, ... 170 days after completing; a crisis specialization course with 2 learners,
    one with the area added 45 days after; a law and ethics CE course with 3 learners (CE
    credits naming the provider in any letter case, one learner twice; a general credit is no
    learner of it)."""
    hope = providers.hope
    core = _course(hope, "Hope core", "core_80")
    crisis = _course(hope, "Crisis peer", "specialization", area_code="crisis", hours=40)
    ethics = _course(hope, "Ethics for peers", "ce", ce_category="law_ethics", hours=6)
    learners = [_learner(hope, n) for n in range(12)]
    _learner(hope, 90, status="pending")
    _learner(hope, 91, status="rejected")
    plans = [["passed"]] * 6 + [["failed", "passed"]] * 2 + [["failed"], ["failed", "failed"]]
    plans += [["no_show"]]
    for person, plan in zip(learners, plans, strict=False):
        _sittings(person, plan)
    for n, person in enumerate(learners[:8]):
        CertificationFactory(holder=person, issued_on=COMPLETED + datetime.timedelta(100 + 10 * n))
    specialists = [_learner(hope, n, course="crisis") for n in (20, 21)]
    certification = CertificationFactory(
        holder=specialists[0], issued_on=datetime.date(2023, 1, 10)
    )
    SpecializationFactory(
        certification=certification, code="crisis", added_on=COMPLETED + datetime.timedelta(45)
    )
    for n, name in enumerate(["Hope Works", "HOPE WORKS", "hope works"]):
        holder = UserFactory(email=f"ce{n}@outcomes.test")
        credit = CeCreditFactory(
            certification=CertificationFactory(holder=holder),
            provider_name=name,
            category="law_and_ethics",
            status="verified",
        )
        if n == 0:
            CeCreditFactory(
                certification=credit.certification,
                provider_name=name,
                status="verified",
                category="law_and_ethics",
            )
            CeCreditFactory(
                certification=credit.certification,
                provider_name=name,
                status="verified",
                category="general",
            )
    return {"core": core, "crisis": crisis, "ethics": ethics, "learners": learners}


def _by_title(rows):
    return {row.course_title: row for row in rows}


def test_the_figures_of_each_course_pinned(providers, dataset):
    rows = _by_title(provider_outcomes(providers.boss, providers.hope))
    core = rows["Hope core"]
    assert (core.learners, core.applied, core.candidates) == (12, 11, 10)
    assert (core.first_attempt_pass_rate, core.overall_pass_rate) == (60.0, 80.0)
    assert core.rates_shown
    # 8 certified, fewer than the 10 of the default minimum: the median is not shown.
    assert core.certified == 8
    assert (core.median_days_to_certification, core.median_shown) == (None, False)

    crisis = rows["Crisis peer"]
    assert (crisis.learners, crisis.certified, crisis.area_code) == (2, 1, "crisis")
    assert (crisis.applied, crisis.candidates, crisis.first_attempt_pass_rate) == (None,) * 3
    assert crisis.median_days_to_certification is None

    ethics = rows["Ethics for peers"]
    assert (ethics.learners, ethics.applied, ethics.certified) == (3, None, None)
    assert not ethics.rates_shown
    assert list(rows) == ["Crisis peer", "Ethics for peers", "Hope core"]


def test_the_operators_minimum_shows_the_median(providers, dataset):
    ProviderPolicy.objects.create(pk=1, outcomes_min_group=8)
    core = _by_title(provider_outcomes(providers.boss, providers.hope))["Hope core"]
    # 100, 110, ..., 170 days: the median of eight is halfway between 130 and 140.
    assert (core.median_days_to_certification, core.median_shown) == (135.0, True)
    assert (core.first_attempt_pass_rate, core.overall_pass_rate) == (60.0, 80.0)


def test_rates_hidden_with_nine_candidates_shown_with_ten(providers, dataset):
    core = _by_title(provider_outcomes(providers.boss, providers.hope))["Hope core"]
    assert core.candidates == 10 and core.rates_shown
    # The last candidate's sittings go: 9 candidates, below the minimum of 10.
    ExamAttempt.objects.filter(application__applicant=dataset["learners"][9]).delete()
    core = _by_title(provider_outcomes(providers.boss, providers.hope))["Hope core"]
    assert core.candidates == 9
    assert not core.rates_shown
    assert (core.first_attempt_pass_rate, core.overall_pass_rate) == (None, None)


def test_learners_certificates_of_a_provider_with_two_core_courses_get_their_own_row(providers):
    rival = providers.rival_org
    english = _course(rival, "Core in English", "core_80")
    spanish = _course(rival, "Formación básica", "core_80")
    for n in (40, 41):
        _learner(rival, n)
    rows = provider_outcomes(providers.rival, rival)
    named = {row.course_id: row.learners for row in rows if row.course_named}
    assert named == {english.pk: 0, spanish.pk: 0}
    [unnamed] = [row for row in rows if not row.course_named]
    assert (unnamed.course_type, unnamed.learners, unnamed.applied) == ("core_80", 2, 0)


def test_who_reads_the_outcomes(cast, providers, dataset, django_assert_num_queries):
    # The provider's own staff (any role) and state staff read the provider's figures.
    assert provider_outcomes(providers.clerk, providers.hope)
    assert _by_title(provider_outcomes(cast.state, providers.hope))["Hope core"].learners == 12
    # Another provider, a county's staff and an applicant: not found.
    for outsider in (providers.rival, cast.admin, cast.reviewer, cast.applicant, cast.anonymous):
        with pytest.raises(Http404):
            provider_outcomes(outsider, providers.hope)
        with pytest.raises(PermissionDenied):
            outcomes_all_providers(outsider)
    every = outcomes_all_providers(cast.state)
    assert {row.provider_name for row in every} == {"Hope Works"}  # Rival has no course yet
    # Constant queries, whatever the number of courses and learners: the providers, the
    # courses, the figures, the policy.
    with django_assert_num_queries(4):
        outcomes_all_providers(providers.reviewer)


def test_the_pages_show_the_figures_under_row_level_security(client, cast, providers, dataset):
    """Through the pages (each request under row-level security as its user): the provider's
    staff read their figures, with the program's contact; state staff every provider's; another
    provider gets 404, a county administrator 404, and nothing changes."""
    from django.urls import reverse

    from providers.models import ProviderOrganisation

    own = reverse("providers_portal:outcomes", args=[providers.hope.pk])
    client.force_login(providers.clerk)
    page = client.get(own).content.decode()
    assert "Hope core" in page and "60.0%" in page and "80.0%" in page
    assert "Not shown: too few certified" in page
    assert "PeerCertification@calmhsa.org" in page
    client.force_login(cast.state)
    page = client.get(reverse("providers_portal:review_outcomes")).content.decode()
    assert "Hope Works" in page and "60.0%" in page
    before = list(ProviderOrganisation.objects.values_list("pk", "contact_name"))
    for outsider in (providers.rival, cast.admin):
        client.force_login(outsider)
        assert client.get(own).status_code == 404
        assert client.get(reverse("providers_portal:review_outcomes")).status_code == 404
    assert list(ProviderOrganisation.objects.values_list("pk", "contact_name")) == before


def test_reported_completions_are_learners_of_their_own_course(providers):
    """Completions the provider reported count for the course they name (even when the provider
    has two courses of that kind), matched to a learner or still waiting; a disputed one does
    not; a learner's own verified certificate still counts in the row of its own."""
    from providers.models import Completion, CourseApproval
    from providers.services.completions import completion_dispute, completions_report
    from tests.factories import ProfileFactory

    hope = providers.hope
    english = _course(hope, "Core in English", "core_80")
    spanish = _course(hope, "Formación básica", "core_80")
    for course in (english, spanish):
        CourseApproval.objects.create(
            provider=hope,
            training_provider=hope.training_provider,
            course=course,
            course_code="core_80",
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2025, 12, 31),
            approved_by=providers.reviewer,
        )
    known = UserFactory(email="known@outcomes.test", first_name="Kim", last_name="Lee")
    ProfileFactory(
        user=known,
        legal_first_name="Kim",
        legal_last_name="Lee",
        date_of_birth=datetime.date(1990, 1, 2),
    )
    rows = [
        {
            "completion_id": f"C-{n}",
            "course_id": spanish.pk,
            "email": email,
            "legal_first_name": first,
            "legal_last_name": "Lee",
            "date_of_birth": "1990-01-02",
            "hours": "80",
            "completed_on": "2024-03-01",
        }
        for n, (email, first) in enumerate(
            [
                ("known@outcomes.test", "Kim"),
                ("new@outcomes.test", "Noa"),
                ("x@outcomes.test", "Xi"),
            ]
        )
    ]
    completions_report(provider=hope, rows=rows, source="upload", actor=providers.boss)
    _learner(hope, 60)  # a learner's own verified certificate of a core course of Hope
    rows_out = provider_outcomes(providers.boss, hope)
    by_course = {row.course_id: row for row in rows_out}
    assert by_course[spanish.pk].learners == 3
    assert by_course[english.pk].learners == 0
    assert by_course[None].learners == 1
    matched = Completion.objects.get(completion_id="C-0")
    assert matched.person == known
    completion_dispute(person=known, completion=matched, reason="I never took this course.")
    by_course = {row.course_id: row for row in provider_outcomes(providers.boss, hope)}
    assert by_course[spanish.pk].learners == 2
