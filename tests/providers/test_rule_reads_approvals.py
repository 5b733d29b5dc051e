"""The training rule "provider approved on the completion date" (training.rules) reads the
course approvals of the providers approved through the approval cycles, on both sides of each
date, per course; the providers listed by an operator keep their approval period."""

import datetime
from decimal import Decimal

import pytest

from providers.models import CourseApproval, CourseType, ProviderCourse, ProviderOrganisation
from tests.factories import ProviderFactory, TrainingRecordFactory, UserFactory
from training.models import TrainingProvider, TrainingRecord
from training.rules import core_record_problem, provider_approved_on, record_entry_problems
from training.selectors import training_providers_approved

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2025, 7, 1)
END = D(2027, 6, 30)


@pytest.fixture
def approved():
    """Hope Works, approved through the cycles for its core course from START to END."""
    listed = TrainingProvider.objects.create(name="Hope Works", approved_by_cycles=True)
    organisation = ProviderOrganisation.objects.create(training_provider=listed)
    course = ProviderCourse.objects.create(
        provider=organisation,
        title="Peer support core",
        course_type=CourseType.CORE,
        hours=Decimal("80"),
        languages=["en"],
        delivery_modes=["in_person"],
    )
    CourseApproval.objects.create(
        provider=organisation,
        training_provider=listed,
        course=course,
        course_code="core_80",
        starts_on=START,
        ends_on=END,
        approved_by=UserFactory(is_state_staff=True),
    )
    return TrainingProvider.objects.get(pk=listed.pk)


@pytest.mark.parametrize(
    ("on", "counts"),
    [
        (START - datetime.timedelta(days=1), False),
        (START, True),
        (END, True),
        (END + datetime.timedelta(days=1), False),
    ],
)
def test_an_approval_covers_its_days_and_no_other(approved, on, counts):
    assert provider_approved_on(approved, on, "core_80") is counts
    assert provider_approved_on(approved, on) is counts


def test_an_approval_covers_only_its_course(approved):
    assert provider_approved_on(approved, START, "crisis") is False
    problems = dict(
        record_entry_problems(course="crisis", hours=40, completed_on=START, provider=approved)
    )
    assert "was not an approved training provider" in problems["provider"]


def test_a_withdrawn_approval_stops_covering_from_its_day(approved):
    approval = CourseApproval.objects.get(training_provider=approved)
    approval.withdrawn_on = D(2026, 1, 1)
    approval.save()
    fresh = TrainingProvider.objects.get(pk=approved.pk)
    assert provider_approved_on(fresh, D(2025, 12, 31), "core_80") is True
    assert provider_approved_on(fresh, D(2026, 1, 1), "core_80") is False


def test_withdrawing_the_provider_withdraws_its_approvals(approved):
    approved.approved = False
    assert provider_approved_on(approved, START, "core_80") is False


def test_the_listed_period_does_not_count_for_a_provider_approved_through_the_cycles(approved):
    approved.approved_from = D(2020, 1, 1)
    assert provider_approved_on(approved, D(2024, 1, 1), "core_80") is False


def test_a_listed_provider_keeps_its_period_and_may_also_hold_approvals():
    listed = ProviderFactory(
        name="Old Listed", approved_from=D(2022, 1, 1), approved_until=D(2024, 12, 31)
    )
    assert provider_approved_on(listed, D(2024, 12, 31)) is True
    assert provider_approved_on(listed, D(2025, 1, 1)) is False
    organisation = ProviderOrganisation.objects.create(training_provider=listed)
    course = ProviderCourse.objects.create(
        provider=organisation, title="Core", course_type="core_80", hours=80
    )
    CourseApproval.objects.create(
        provider=organisation,
        training_provider=listed,
        course=course,
        course_code="core_80",
        starts_on=D(2025, 7, 1),
        ends_on=D(2026, 6, 30),
        approved_by=UserFactory(is_state_staff=True),
    )
    assert provider_approved_on(listed, D(2025, 1, 1)) is False  # the gap between the two
    assert provider_approved_on(listed, D(2025, 7, 1)) is True


def test_a_record_counts_only_inside_the_approval(approved):
    person = UserFactory()
    inside = TrainingRecordFactory(
        person=person, provider=approved, completed_on=END, status="verified", hours=80
    )
    after = TrainingRecordFactory(
        person=person,
        provider=approved,
        completed_on=END + datetime.timedelta(days=1),
        status="verified",
        hours=80,
    )
    assert core_record_problem(inside) is None
    assert "was not an approved training provider" in core_record_problem(after)


def test_prefetched_approvals_are_read_without_a_query(approved, django_assert_num_queries):
    TrainingRecordFactory(provider=approved, completed_on=START, status="verified", hours=80)
    records = list(
        TrainingRecord.objects.filter(provider=approved)
        .select_related("provider")
        .prefetch_related("provider__course_approvals")
    )
    with django_assert_num_queries(0):
        assert core_record_problem(records[0]) is None


def test_the_provider_list_shows_a_cycle_provider_once_it_holds_an_approval(approved):
    waiting = TrainingProvider.objects.create(name="Not Yet", approved_by_cycles=True)
    names = list(training_providers_approved().values_list("name", flat=True))
    assert approved.name in names
    assert waiting.name not in names
