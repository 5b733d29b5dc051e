"""The provider cast beside the test cast (tests/cast.py): Hope Works (an administrator `boss`
and a staff member `clerk`) and Rival Training (its administrator `rival`), a reviewer (state
staff with `providers.review_providers`, through the "Provider reviewers" group), and an open
core cycle and an open CE cycle. The cast's state staff member reads but reviews nothing."""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts.models import User
from providers.models import (
    ApprovalCycle,
    ProviderMembership,
    ProviderOrganisation,
    ProviderRole,
)
from providers.rules import COMPETENCY_CODES
from tests.factories import UserFactory
from training.models import TrainingProvider


@dataclass(frozen=True)
class Providers:
    hope: ProviderOrganisation
    rival_org: ProviderOrganisation
    boss: User
    clerk: User
    rival: User
    reviewer: User
    core_cycle: ApprovalCycle
    ce_cycle: ApprovalCycle


def make_provider(name: str, admin: User) -> ProviderOrganisation:
    listed = TrainingProvider.objects.create(name=name, approved_by_cycles=True)
    provider = ProviderOrganisation.objects.create(
        training_provider=listed, contact_name="Contact", contact_email=admin.email
    )
    ProviderMembership.objects.create(provider=provider, user=admin, role=ProviderRole.ADMIN)
    return provider


def make_reviewer(email: str = "reviewer@state.test") -> User:
    reviewer = UserFactory(email=email, is_state_staff=True, first_name="Rae")
    group, _created = Group.objects.get_or_create(name="Provider reviewers")
    group.permissions.add(Permission.objects.get(codename="review_providers"))
    reviewer.groups.add(group)
    return User.objects.get(pk=reviewer.pk)  # no cached permissions


FULL_COVERAGE = {code: f"Module on {code}" for code in COMPETENCY_CODES}


@pytest.fixture
def providers(cast) -> Providers:
    boss = UserFactory(email="boss@hope.test", first_name="Bo")
    clerk = UserFactory(email="clerk@hope.test", first_name="Cleo")
    rival = UserFactory(email="rival@rival.test", first_name="Rita")
    hope = make_provider("Hope Works", boss)
    ProviderMembership.objects.create(provider=hope, user=clerk, role=ProviderRole.MEMBER)
    rival_org = make_provider("Rival Training", rival)
    reviewer = make_reviewer()
    today = timezone.localdate()
    core_cycle = ApprovalCycle.objects.create(
        course_type="core_80",
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=25),
        opened_by=reviewer,
        announced_at=timezone.now(),
    )
    ce_cycle = ApprovalCycle.objects.create(
        course_type="ce",
        ce_category="law_ethics",
        ce_hours=6,
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=25),
        opened_by=reviewer,
        announced_at=timezone.now(),
    )
    return Providers(hope, rival_org, boss, clerk, rival, reviewer, core_cycle, ce_cycle)
