"""The second wall (row-level security) of the provider tables: the whole approval flow runs
with each actor's own database context, the database shows each person what the selectors do,
and another provider's rows cannot be changed or forged even with raw queries."""

import datetime

import pytest
from django.db import ProgrammingError, connection, transaction

from core.rls import rls_context
from providers import services
from providers.models import (
    ApprovalCycle,
    CompetencyCoverage,
    CourseApplication,
    CourseApproval,
    ProviderCourse,
    ProviderInvitation,
    ProviderMembership,
    ProviderOrganisation,
)
from providers.rules import COMPETENCY_CODES
from providers.selectors import applications_for, approvals_for, courses_for, providers_for
from tests.factories import UserFactory
from tests.providers.cast import FULL_COVERAGE
from training.models import TrainingProvider
from training.rules import provider_approved_on

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 7, 1)


def _flow(p) -> CourseApplication:
    """Hope Works' core course, from the draft to the approval, each step as its actor."""
    with rls_context(p.clerk):
        application = services.course_application_start(
            actor=p.clerk,
            provider=p.hope,
            cycle=p.core_cycle,
            title="Peer core",
            hours=80,
            languages=["en"],
            delivery_modes=["in_person"],
        )
        services.course_application_save(
            actor=p.clerk,
            application=application,
            hours=80,
            languages=["en", "es"],
            delivery_modes=["in_person"],
            coverage=FULL_COVERAGE,
        )
        services.course_application_submit(actor=p.clerk, application=application)
    with rls_context(p.reviewer):
        services.course_application_request_changes(
            actor=p.reviewer, application=application, note="More on documentation."
        )
    with rls_context(p.clerk):
        services.course_application_save(
            actor=p.clerk,
            application=application,
            hours=80,
            languages=["en", "es"],
            delivery_modes=["in_person"],
            coverage={"documentation": "Units 7-8"},
        )
        services.course_application_submit(actor=p.clerk, application=application)
    with rls_context(p.reviewer):
        services.course_application_approve(
            actor=p.reviewer, application=application, starts_on=START
        )
    return application


def test_the_whole_flow_runs_under_each_actors_own_context(providers):
    p = providers
    application = _flow(p)
    application.refresh_from_db()
    assert application.status == "approved"
    # Anyone's rule reads the approval: the applicant checking their training, say.
    applicant = UserFactory()
    with rls_context(applicant):
        listed = TrainingProvider.objects.get(pk=p.hope.training_provider_id)
        assert provider_approved_on(listed, START, "core_80")
    # The daily scan, as the system.
    with rls_context(system=True):
        services.approval_lapse_notices_send(START + datetime.timedelta(days=700))
    assert CourseApproval.objects.get().lapse_notice_sent_at is not None


def test_registering_inviting_and_accepting_under_the_wall(providers):
    p = providers
    with rls_context(p.reviewer):
        provider = services.provider_register(actor=p.reviewer, name="Dawn Academy")
        _invitation, token = services.provider_invite(
            actor=p.reviewer, provider=provider, email="lead@dawn.test", role="admin"
        )
        cycle = services.approval_cycle_open(
            actor=p.reviewer,
            course_type="core_80",
            opens_on=p.core_cycle.closes_on,
            closes_on=p.core_cycle.closes_on + datetime.timedelta(days=30),
        )
    lead = UserFactory(email="lead@dawn.test")
    with rls_context(lead):
        services.provider_invitation_accept(user=lead, token=token)
        services.provider_profile_save(
            actor=lead,
            provider=provider,
            contact_name="Lead",
            contact_email="lead@dawn.test",
            county_ids=[],
            languages=["es"],
            delivery_modes=["self_paced"],
        )
        _other, token2 = services.provider_invite(
            actor=lead, provider=provider, email="two@dawn.test", role="member"
        )
    assert ProviderMembership.objects.filter(provider=provider, user=lead, role="admin").exists()
    assert cycle.pk


def test_plain_state_staff_cannot_write_under_the_wall(cast, providers):
    """State staff without the reviewer's permission read provider rows, write none."""
    p = providers
    with rls_context(cast.state):
        assert ApprovalCycle.objects.count() == 2
        with pytest.raises(ProgrammingError), transaction.atomic():
            ApprovalCycle.objects.create(
                course_type="core_80", opens_on=START, closes_on=START, opened_by=cast.state
            )
        with pytest.raises(ProgrammingError), transaction.atomic():
            TrainingProvider.objects.create(name="By state", approved_by_cycles=True)
        assert ApprovalCycle.objects.filter(pk=p.core_cycle.pk).update(note="x") == 0


TABLES = {
    "providers": ProviderOrganisation,
    "memberships": ProviderMembership,
    "invitations": ProviderInvitation,
    "courses": ProviderCourse,
    "applications": CourseApplication,
    "coverage": CompetencyCoverage,
    "approvals": CourseApproval,
}


def _wall_ids(user) -> dict[str, set[int]]:
    with rls_context(user):
        return {name: set(m.objects.values_list("pk", flat=True)) for name, m in TABLES.items()}


def test_row_level_security_repeats_the_selectors(cast, providers):
    p = providers
    _flow(p)
    with rls_context(p.rival):  # a draft of Rival's own, and an invitation
        services.course_application_start(
            actor=p.rival,
            provider=p.rival_org,
            cycle=p.ce_cycle,
            title="Rival ethics",
            hours=6,
            languages=["en"],
            delivery_modes=["online_live"],
        )
    services.provider_invite(actor=p.boss, provider=p.hope, email="new@hope.test", role="member")
    people = {
        "boss": p.boss,
        "clerk": p.clerk,
        "rival": p.rival,
        "reviewer": p.reviewer,
        "state": cast.state,
        "applicant": cast.applicant,
        "admin": cast.admin,
    }
    approved_courses = set(CourseApproval.objects.values_list("course_id", flat=True))
    for name, user in people.items():
        seen = _wall_ids(user)
        assert seen["applications"] == set(applications_for(user).values_list("pk", flat=True)), (
            name
        )
        assert seen["courses"] == set(courses_for(user).values_list("pk", flat=True)) | (
            approved_courses
        ), name
        assert seen["approvals"] == set(CourseApproval.objects.values_list("pk", flat=True)), name
        assert seen["providers"] >= set(providers_for(user).values_list("pk", flat=True)), name
        assert set(approvals_for(user).values_list("pk", flat=True)) <= seen["approvals"], name
    rival = _wall_ids(p.rival)
    assert not CourseApplication.objects.filter(
        pk__in=rival["applications"], provider=p.hope
    ).exists()
    assert not ProviderInvitation.objects.filter(
        pk__in=rival["invitations"], provider=p.hope
    ).exists()
    assert not CompetencyCoverage.objects.filter(
        pk__in=rival["coverage"], application__provider=p.hope
    ).exists()
    assert _wall_ids(cast.applicant)["applications"] == set()


def test_another_provider_cannot_change_or_forge_rows_with_raw_sql(providers):
    p = providers
    application = _flow(p)
    before = list(CourseApplication.objects.values_list("pk", "status", "hours"))
    with rls_context(p.rival), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE providers_courseapplication SET status = 'draft' WHERE id = %s",
            [application.pk],
        )
        assert cursor.rowcount == 0
        cursor.execute(
            "UPDATE providers_courseapproval SET ends_on = '2099-12-31' WHERE course_id = %s",
            [application.course_id],
        )
        assert cursor.rowcount == 0
        cursor.execute(
            "DELETE FROM providers_competencycoverage WHERE application_id = %s", [application.pk]
        )
        assert cursor.rowcount == 0
    with pytest.raises(ProgrammingError), rls_context(p.rival), transaction.atomic():
        CourseApproval.objects.create(
            provider=p.rival_org,
            training_provider=p.rival_org.training_provider,
            course=application.course,
            course_code="core_80",
            starts_on=START,
            ends_on=START,
            approved_by=p.rival,
        )
    with pytest.raises(ProgrammingError), rls_context(p.rival), transaction.atomic():
        ProviderMembership.objects.create(provider=p.hope, user=p.rival, role="admin")
    assert list(CourseApplication.objects.values_list("pk", "status", "hours")) == before
    assert CompetencyCoverage.objects.filter(application=application).count() == len(
        COMPETENCY_CODES
    )
    assert not ProviderMembership.objects.filter(provider=p.hope, user=p.rival).exists()
