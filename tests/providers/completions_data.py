"""Data shared by the completions tests: an approved core course and an approved CE course
of Hope Works (the fixture `courses`, in tests/providers/conftest.py), and a reported row."""

import datetime
from decimal import Decimal

from django.utils import timezone

from providers.models import CourseApproval, CourseType, ProviderCourse

TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=200)
END = TODAY + datetime.timedelta(days=500)
DOB = datetime.date(1985, 4, 12)


def approve(provider, course, reviewer, starts_on=START, ends_on=END):
    return CourseApproval.objects.create(
        provider=provider,
        training_provider=provider.training_provider,
        course=course,
        course_code=course.course_code,
        starts_on=starts_on,
        ends_on=ends_on,
        approved_by=reviewer,
    )


def make_courses(providers):
    core = ProviderCourse.objects.create(
        provider=providers.hope,
        title="Peer support core",
        course_type=CourseType.CORE,
        hours=Decimal("80"),
        languages=["en"],
        delivery_modes=["in_person"],
    )
    ce = ProviderCourse.objects.create(
        provider=providers.hope,
        title="Ethics refresher",
        course_type=CourseType.CE,
        ce_category="law_ethics",
        hours=Decimal("6"),
        languages=["en"],
        delivery_modes=["online_live"],
    )
    approve(providers.hope, core, providers.reviewer)
    approve(providers.hope, ce, providers.reviewer)
    return {"core": core, "ce": ce}


def row(course, **changes):
    values = {
        "completion_id": "HW-1",
        "course_id": str(course.pk),
        "email": "applicant@cast.test",
        "legal_first_name": "Ana",
        "legal_last_name": "Reyes",
        "date_of_birth": DOB.isoformat(),
        "hours": "80",
        "completed_on": (TODAY - datetime.timedelta(days=30)).isoformat(),
    }
    values.update(changes)
    return values


def reported_completion_of(person, *, email: str, first: str, last: str, born):
    """A core completion reported by a provider of its own, matched to `person` (whose
    profile has `first`, `last` and `born`): the record in their log, verified at source."""
    from providers.models import ProviderMembership, ProviderOrganisation
    from providers.services import completions_report
    from tests.factories import UserFactory
    from training.models import TrainingProvider

    staff = UserFactory(email="staff@reporting.test")
    listed = TrainingProvider.objects.create(name="Reporting Provider", approved_by_cycles=True)
    provider = ProviderOrganisation.objects.create(training_provider=listed)
    ProviderMembership.objects.create(provider=provider, user=staff, role="admin")
    course = ProviderCourse.objects.create(
        provider=provider,
        title="Core course",
        course_type=CourseType.CORE,
        hours=Decimal("80"),
        languages=["en"],
        delivery_modes=["in_person"],
    )
    approve(provider, course, staff)
    [outcome] = completions_report(
        provider=provider,
        rows=[
            {
                "completion_id": "R-1",
                "course_id": course.pk,
                "email": email,
                "legal_first_name": first,
                "legal_last_name": last,
                "date_of_birth": born.isoformat(),
                "hours": "80",
                "completed_on": (TODAY - datetime.timedelta(days=20)).isoformat(),
            }
        ],
        source="upload",
        actor=staff,
    )
    return outcome.completion
