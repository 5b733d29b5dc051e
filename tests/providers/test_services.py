"""Every move of the provider approval services, and every refusal: who may make it, from which
status, with what input. Each refusal also shows that nothing changed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import DomainError
from jobs.models import OutboxMessage
from providers import services
from providers.models import (
    ApprovalCycle,
    CompetencyCoverage,
    CourseApplication,
    CourseApproval,
    ProviderMembership,
    ProviderOrganisation,
    ProviderPolicy,
)
from providers.rules import COMPETENCY_CODES
from tests.providers.cast import FULL_COVERAGE
from training.models import TrainingProvider
from training.rules import provider_approved_on

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def emails() -> list[tuple[str, int, dict]]:
    return [
        (kwargs["kind"], kwargs["user_id"], kwargs["context"])
        for name, kwargs in OutboxMessage.objects.order_by("id").values_list("task_name", "kwargs")
        if name.startswith("notifications.tasks.email_send")
    ]


def snapshot() -> tuple:
    return (
        list(
            CourseApplication.objects.order_by("pk").values_list(
                "pk", "status", "hours", "languages", "review_note", "fee_cents"
            )
        ),
        list(CompetencyCoverage.objects.order_by("pk").values_list("pk", "curriculum")),
        list(CourseApproval.objects.order_by("pk").values_list("pk", "ends_on", "withdrawn_on")),
        list(ApprovalCycle.objects.order_by("pk").values_list("pk", "closed_at")),
        AuditEvent.objects.count(),
        len(emails()),
    )


def draft(p, *, by=None, cycle=None, title="Peer core", **kw) -> CourseApplication:
    fields = {"hours": 80, "languages": ["en", "es"], "delivery_modes": ["in_person"]}
    fields.update(kw)
    return services.course_application_start(
        actor=by or p.clerk, provider=p.hope, cycle=cycle or p.core_cycle, title=title, **fields
    )


def submitted(p, coverage=FULL_COVERAGE) -> CourseApplication:
    application = draft(p)
    services.course_application_save(
        actor=p.clerk,
        application=application,
        hours=80,
        languages=["en", "es"],
        delivery_modes=["in_person", "online_live"],
        coverage=coverage,
    )
    return services.course_application_submit(actor=p.clerk, application=application)


# Cycles ----------------------------------------------------------------------------------------


def test_a_reviewer_opens_a_cycle_and_every_providers_staff_hear_of_it(providers):
    p = providers
    cycle = services.approval_cycle_open(
        actor=p.reviewer,
        course_type="specialization",
        area_code="crisis",
        opens_on=today(),
        closes_on=today() + datetime.timedelta(days=30),
    )
    assert cycle.announced_at is not None
    told = {user_id for kind, user_id, _c in emails() if kind == "provider_cycle_opened"}
    assert told == {p.boss.pk, p.clerk.pk, p.rival.pk}
    assert AuditEvent.objects.filter(verb="approval_cycle_open", object_id=cycle.pk).exists()


def test_a_future_cycle_is_announced_by_the_daily_scan_once(providers):
    p = providers
    opens = today() + datetime.timedelta(days=3)
    cycle = services.approval_cycle_open(
        actor=p.reviewer,
        course_type="ce",
        ce_category="general",
        ce_hours="4",
        opens_on=opens,
        closes_on=opens + datetime.timedelta(days=30),
    )
    assert emails() == []
    assert services.approval_cycles_announce(today()) == 0
    assert services.approval_cycles_announce(opens) == 3
    assert services.approval_cycles_announce(opens) == 0
    cycle.refresh_from_db()
    assert cycle.announced_at is not None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"course_type": "bogus"}, "course_type"),
        ({"course_type": "specialization", "area_code": "nope"}, "area_code"),
        ({"course_type": "ce", "ce_category": "general", "ce_hours": "0"}, "ce_hours"),
        ({"course_type": "ce", "ce_category": "other", "ce_hours": "4"}, "ce_category"),
        ({"course_type": "core_80", "closes_on": -40}, "closes_on"),
    ],
)
def test_a_cycle_with_bad_details_is_refused(providers, fields, field):
    p = providers
    values = {"opens_on": today() - datetime.timedelta(days=60), "closes_on": 10, **fields}
    values["closes_on"] = today() + datetime.timedelta(days=values["closes_on"])
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.approval_cycle_open(actor=p.reviewer, **values)
    assert refused.value.field == field
    assert snapshot() == before


@pytest.mark.parametrize("who", ["state", "boss", "applicant"])
def test_only_a_reviewer_opens_or_closes_a_cycle(cast, providers, who):
    p = providers
    actor = getattr(p, who, None) or getattr(cast, who)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.approval_cycle_open(
            actor=actor, course_type="core_80", opens_on=today(), closes_on=today()
        )
    with pytest.raises(PermissionDenied):
        services.approval_cycle_close(actor=actor, cycle=p.core_cycle)
    assert snapshot() == before


def test_a_closed_cycle_takes_no_new_application_nor_a_draft_submission(providers):
    p = providers
    application = draft(p)
    services.course_application_save(
        actor=p.clerk,
        application=application,
        hours=80,
        languages=["en"],
        delivery_modes=["in_person"],
        coverage=FULL_COVERAGE,
    )
    services.approval_cycle_close(actor=p.reviewer, cycle=p.core_cycle)
    before = snapshot()
    with pytest.raises(DomainError, match="closed"):
        services.approval_cycle_close(actor=p.reviewer, cycle=p.core_cycle)
    with pytest.raises(DomainError, match="not open"):
        draft(p, title="Another")
    with pytest.raises(DomainError, match="closed"):
        services.course_application_submit(actor=p.clerk, application=application)
    assert snapshot() == before


# Applications ----------------------------------------------------------------------------------


def test_the_core_course_must_map_all_17_competencies(providers):
    p = providers
    application = draft(p)
    partial = {code: "Unit 1" for code in COMPETENCY_CODES[:15]}
    services.course_application_save(
        actor=p.clerk,
        application=application,
        hours=80,
        languages=["en"],
        delivery_modes=["in_person"],
        coverage={**partial, "confidentiality": "   "},
    )
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.course_application_submit(actor=p.clerk, application=application)
    assert "Confidentiality" in refused.value.message
    assert "Documentation skills" not in refused.value.message
    assert snapshot() == before
    services.course_application_save(
        actor=p.clerk,
        application=application,
        hours=80,
        languages=["en"],
        delivery_modes=["in_person"],
        coverage={"confidentiality": "Unit 9: privacy"},
    )
    application = services.course_application_submit(actor=p.clerk, application=application)
    assert application.status == "submitted"
    assert CompetencyCoverage.objects.filter(application=application).count() == 16


def test_a_short_core_course_and_a_course_without_language_are_refused(providers):
    p = providers
    application = draft(p, hours=79.5, languages=[])
    services.course_application_save(
        actor=p.clerk,
        application=application,
        hours="79.5",
        languages=[],
        delivery_modes=["in_person"],
        coverage=FULL_COVERAGE,
    )
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.course_application_submit(actor=p.clerk, application=application)
    assert "at least 80 hours" in refused.value.message
    assert "language" in refused.value.message
    assert snapshot() == before


def test_a_ce_course_needs_no_competency_map_but_the_cycles_hours(providers):
    p = providers
    application = draft(p, cycle=p.ce_cycle, title="Ethics refresher", hours=6)
    application = services.course_application_submit(actor=p.clerk, application=application)
    assert application.status == "submitted"
    assert application.course.course_code == "ce"
    assert application.course.ce_category == "law_ethics"


def test_the_fee_due_is_fixed_at_the_first_submission(providers):
    ProviderPolicy.objects.create(pk=1, core_fee_cents=50_000)
    application = submitted(providers)
    assert application.fee_cents == 50_000
    assert AuditEvent.objects.get(verb="course_application_submit").data == {"fee_cents": 50_000}


def test_bad_input_is_refused_with_its_field(providers):
    p = providers
    application = draft(p)
    before = snapshot()
    for kwargs, field in [
        ({"hours": "abc"}, "hours"),
        ({"hours": "-3"}, "hours"),
        ({"languages": ["xx"]}, "languages"),
        ({"delivery_modes": ["teleport"]}, "delivery_modes"),
        ({"coverage": {"not_a_competency": "x"}}, "competencies"),
        ({"coverage": {"advocacy": "a\x00b"}}, "competency_advocacy"),
    ]:
        values = {
            "hours": 80,
            "languages": ["en"],
            "delivery_modes": ["in_person"],
            "coverage": {},
            **kwargs,
        }
        with pytest.raises(DomainError) as refused:
            services.course_application_save(actor=p.clerk, application=application, **values)
        assert refused.value.field == field
    assert snapshot() == before


def test_one_application_per_course_and_cycle(providers):
    p = providers
    draft(p)
    before = snapshot()
    with pytest.raises(DomainError, match="already has an application"):
        draft(p)
    assert snapshot() == before


def test_another_providers_staff_and_state_staff_cannot_touch_an_application(cast, providers):
    p = providers
    application = draft(p)
    before = snapshot()
    for actor in (p.rival, cast.state, p.reviewer, cast.applicant):
        with pytest.raises(PermissionDenied):
            services.course_application_save(
                actor=actor,
                application=application,
                hours=90,
                languages=["es"],
                delivery_modes=["self_paced"],
                coverage=FULL_COVERAGE,
            )
        with pytest.raises(PermissionDenied):
            services.course_application_submit(actor=actor, application=application)
        with pytest.raises(PermissionDenied):
            services.course_application_withdraw(actor=actor, application=application)
        with pytest.raises(PermissionDenied):
            services.course_application_start(
                actor=actor,
                provider=p.hope,
                cycle=p.core_cycle,
                title="Sneaky",
                hours=80,
                languages=["en"],
                delivery_modes=["in_person"],
            )
    assert snapshot() == before


def test_a_submitted_application_cannot_be_edited_or_submitted_twice(providers):
    p = providers
    application = submitted(p)
    before = snapshot()
    with pytest.raises(DomainError, match="already been submitted"):
        services.course_application_submit(actor=p.clerk, application=application)
    with pytest.raises(DomainError, match="no longer be changed"):
        services.course_application_save(
            actor=p.clerk,
            application=application,
            hours=90,
            languages=["en"],
            delivery_modes=["in_person"],
            coverage={},
        )
    assert snapshot() == before


def test_withdrawing_before_the_decision_and_not_after(providers):
    p = providers
    application = submitted(p)
    application = services.course_application_withdraw(actor=p.boss, application=application)
    assert application.status == "withdrawn"
    before = snapshot()
    with pytest.raises(DomainError, match="already been decided"):
        services.course_application_withdraw(actor=p.boss, application=application)
    with pytest.raises(DomainError, match="not waiting for review"):
        services.course_application_approve(actor=p.reviewer, application=application)
    assert snapshot() == before


# Review ----------------------------------------------------------------------------------------


def test_changes_requested_then_resubmitted_after_the_cycle_closed_then_approved(providers):
    p = providers
    application = submitted(p)
    application = services.course_application_request_changes(
        actor=p.reviewer, application=application, note="Say more about documentation."
    )
    assert application.status == "changes_requested"
    told = [(kind, c["note"]) for kind, _u, c in emails()]
    assert ("provider_application_changes_requested", "Say more about documentation.") in told
    services.approval_cycle_close(actor=p.reviewer, cycle=p.core_cycle)
    services.course_application_save(
        actor=p.clerk,
        application=application,
        hours=84,
        languages=["en", "es"],
        delivery_modes=["in_person"],
        coverage={"documentation": "Units 7 and 8: notes, standards, practice"},
    )
    application = services.course_application_submit(actor=p.clerk, application=application)
    assert application.status == "submitted"
    approval = services.course_application_approve(
        actor=p.reviewer,
        application=application,
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2028, 6, 30),
    )
    application.refresh_from_db()
    assert application.status == "approved"
    assert approval.course_code == "core_80"
    assert approval.training_provider == p.hope.training_provider
    assert approval.course.hours == Decimal("84")
    assert approval.course.languages == ["en", "es"]
    decided = [c for kind, _u, c in emails() if kind == "provider_application_approved"]
    assert {c["ends_on"] for c in decided} == {"2028-06-30"}
    assert len(decided) == 2  # both staff members
    listed = TrainingProvider.objects.get(pk=p.hope.training_provider_id)
    assert provider_approved_on(listed, datetime.date(2026, 7, 1), "core_80")
    assert not provider_approved_on(listed, datetime.date(2026, 6, 30), "core_80")


def test_an_approval_lasts_the_policys_months_by_default(providers):
    approval = services.course_application_approve(
        actor=providers.reviewer,
        application=submitted(providers),
        starts_on=datetime.date(2026, 7, 1),
    )
    assert approval.ends_on == datetime.date(2028, 6, 30)  # 24 months (our choice)


def test_a_denial_needs_reasons_and_the_provider_reads_them(providers):
    p = providers
    application = submitted(p)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        services.course_application_deny(actor=p.reviewer, application=application, reasons="  ")
    assert refused.value.field == "reasons"
    with pytest.raises(DomainError):
        services.course_application_request_changes(
            actor=p.reviewer, application=application, note=""
        )
    assert snapshot() == before
    application = services.course_application_deny(
        actor=p.reviewer, application=application, reasons="The curriculum is a copy."
    )
    assert application.status == "denied"
    assert application.review_note == "The curriculum is a copy."
    assert ("provider_application_denied", p.boss.pk) in [(k, u) for k, u, _c in emails()]
    event = AuditEvent.objects.get(verb="course_application_denied")
    assert event.reason == "The curriculum is a copy."


def test_a_decided_application_is_not_decided_again(providers):
    p = providers
    application = submitted(p)
    services.course_application_deny(actor=p.reviewer, application=application, reasons="No.")
    before = snapshot()
    for decide in (
        lambda: services.course_application_approve(actor=p.reviewer, application=application),
        lambda: services.course_application_deny(
            actor=p.reviewer, application=application, reasons="Again"
        ),
        lambda: services.course_application_request_changes(
            actor=p.reviewer, application=application, note="Again"
        ),
    ):
        with pytest.raises(DomainError) as refused:
            decide()
        assert refused.value.code == "conflict"
    assert snapshot() == before


def test_a_draft_is_not_reviewed(providers):
    p = providers
    application = draft(p)
    before = snapshot()
    with pytest.raises(DomainError, match="not waiting for review"):
        services.course_application_approve(actor=p.reviewer, application=application)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["state", "boss", "rival"])
def test_only_a_reviewer_reviews(cast, providers, who):
    p = providers
    actor = getattr(p, who, None) or getattr(cast, who)
    application = submitted(p)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.course_application_approve(actor=actor, application=application)
    with pytest.raises(PermissionDenied):
        services.course_application_deny(actor=actor, application=application, reasons="x")
    with pytest.raises(PermissionDenied):
        services.course_application_request_changes(actor=actor, application=application, note="x")
    assert snapshot() == before


def test_an_approval_period_must_not_end_before_it_starts(providers):
    p = providers
    application = submitted(p)
    before = snapshot()
    with pytest.raises(DomainError, match="end on or after"):
        services.course_application_approve(
            actor=p.reviewer,
            application=application,
            starts_on=datetime.date(2026, 7, 1),
            ends_on=datetime.date(2026, 6, 30),
        )
    assert snapshot() == before


def test_withdrawing_an_approval_ends_it_from_that_day(providers):
    p = providers
    approval = services.course_application_approve(
        actor=p.reviewer,
        application=submitted(p),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    before = snapshot()
    with pytest.raises(DomainError):
        services.course_approval_withdraw(
            actor=p.reviewer, approval=approval, withdrawn_on=datetime.date(2028, 1, 1), reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.course_approval_withdraw(
            actor=p.boss, approval=approval, withdrawn_on=datetime.date(2027, 1, 1), reason="x"
        )
    assert snapshot() == before
    services.course_approval_withdraw(
        actor=p.reviewer,
        approval=approval,
        withdrawn_on=datetime.date(2027, 1, 1),
        reason="Trainers left.",
    )
    listed = TrainingProvider.objects.get(pk=p.hope.training_provider_id)
    assert provider_approved_on(listed, datetime.date(2026, 12, 31), "core_80")
    assert not provider_approved_on(listed, datetime.date(2027, 1, 1), "core_80")


# Lapse -----------------------------------------------------------------------------------------


def test_an_approval_lapses_by_itself_and_the_provider_is_told_60_days_before_once(providers):
    p = providers
    ends = today() + datetime.timedelta(days=60)
    approval = services.course_application_approve(
        actor=p.reviewer,
        application=submitted(p),
        starts_on=today() - datetime.timedelta(days=300),
        ends_on=ends,
    )
    OutboxMessage.objects.all().delete()
    assert services.approval_lapse_notices_send(today() - datetime.timedelta(days=1)) == 0
    assert services.approval_lapse_notices_send(today()) == 2
    assert services.approval_lapse_notices_send(today()) == 0
    assert services.approval_lapse_notices_send(today() + datetime.timedelta(days=10)) == 0
    kinds = {(kind, c["ends_on"]) for kind, _u, c in emails()}
    assert kinds == {("provider_approval_lapsing", ends.isoformat())}
    approval.refresh_from_db()
    assert approval.lapse_notice_sent_at is not None
    listed = TrainingProvider.objects.get(pk=p.hope.training_provider_id)
    assert provider_approved_on(listed, ends, "core_80")
    assert not provider_approved_on(listed, ends + datetime.timedelta(days=1), "core_80")


def test_the_completions_hook_tells_the_providers_staff(providers):
    p = providers
    sent = services.completion_upload_errors_notify(
        provider_id=p.hope.pk,
        upload_name="june.csv",
        rows_total=120,
        rows_refused=3,
        upload_url="/provider/1/completions/uploads/9/",
    )
    assert sent == 2
    assert {(k, u) for k, u, _c in emails()} == {
        ("provider_completions_errors", p.boss.pk),
        ("provider_completions_errors", p.clerk.pk),
    }


# Organisations ---------------------------------------------------------------------------------


def test_a_reviewer_registers_a_new_provider_and_invites_its_first_administrator(providers):
    from tests.factories import UserFactory

    p = providers
    provider = services.provider_register(
        actor=p.reviewer, name="New Dawn Peer Academy", contact_email="Info@NewDawn.test"
    )
    assert provider.training_provider.approved_by_cycles is True
    assert provider.contact_email == "info@newdawn.test"
    invitation, token = services.provider_invite(
        actor=p.reviewer, provider=provider, email="lead@newdawn.test", role="admin"
    )
    lead = UserFactory(email="lead@newdawn.test")
    membership = services.provider_invitation_accept(user=lead, token=token)
    assert membership.role == "admin"
    assert ProviderMembership.objects.filter(provider=provider, user=lead).exists()


def test_a_listed_provider_is_registered_with_its_period_kept(providers):
    from tests.factories import ProviderFactory

    p = providers
    listed = ProviderFactory(name="Listed Since 2022")
    provider = services.provider_register(actor=p.reviewer, training_provider=listed)
    assert provider.training_provider.approved_by_cycles is False
    before = ProviderOrganisation.objects.count()
    with pytest.raises(DomainError, match="already registered"):
        services.provider_register(actor=p.reviewer, training_provider=listed)
    with pytest.raises(DomainError, match="already listed"):
        services.provider_register(actor=p.reviewer, name="listed since 2022")
    assert ProviderOrganisation.objects.count() == before


@pytest.mark.parametrize("who", ["state", "boss", "applicant"])
def test_only_a_reviewer_registers_a_provider(cast, providers, who):
    actor = getattr(providers, who, None) or getattr(cast, who)
    before = (ProviderOrganisation.objects.count(), TrainingProvider.objects.count())
    with pytest.raises(PermissionDenied):
        services.provider_register(actor=actor, name="Sneaky Academy")
    assert (ProviderOrganisation.objects.count(), TrainingProvider.objects.count()) == before


def test_administrators_manage_staff_and_profile_members_do_not(cast, providers):
    p = providers
    before = (
        list(ProviderMembership.objects.order_by("pk").values_list("pk", "role")),
        list(ProviderOrganisation.objects.order_by("pk").values_list("pk", "contact_name")),
    )
    for actor in (p.clerk, p.rival, cast.state):
        with pytest.raises(PermissionDenied):
            services.provider_invite(
                actor=actor, provider=p.hope, email="x@hope.test", role="member"
            )
        with pytest.raises(PermissionDenied):
            services.provider_profile_save(
                actor=actor, provider=p.hope, contact_name="X", contact_email="x@hope.test"
            )
        with pytest.raises(PermissionDenied):
            services.provider_membership_remove(
                actor=actor, membership=ProviderMembership.objects.get(user=p.clerk)
            )
    after = (
        list(ProviderMembership.objects.order_by("pk").values_list("pk", "role")),
        list(ProviderOrganisation.objects.order_by("pk").values_list("pk", "contact_name")),
    )
    assert after == before
    provider = services.provider_profile_save(
        actor=p.boss,
        provider=p.hope,
        contact_name="Bo Admin",
        contact_email="bo@hope.test",
        statewide=False,
        county_ids=[cast.county.pk],
        languages=["es", "en"],
        delivery_modes=["online_live"],
    )
    assert provider.languages == ["en", "es"]
    assert list(provider.counties.all()) == [cast.county]


def test_the_last_administrator_stays(providers):
    p = providers
    with pytest.raises(DomainError, match="at least one administrator"):
        services.provider_membership_remove(
            actor=p.boss, membership=ProviderMembership.objects.get(user=p.boss)
        )
    assert ProviderMembership.objects.filter(user=p.boss).exists()
