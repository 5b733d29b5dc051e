import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core.errors import DomainError
from counties import selectors
from counties.models import CountyMembership, OptInPeriod
from counties.services import county_opt_in_change, membership_remove, membership_set
from tests.factories import MembershipFactory, UserFactory, county

pytestmark = pytest.mark.django_db

JAN_2023 = datetime.date(2023, 1, 1)
JUL_2024 = datetime.date(2024, 7, 1)


def _admin(code: str = "alameda"):
    user = UserFactory()
    MembershipFactory(user=user, county=county(code), role="admin")
    return user


def _periods(code: str = "alameda", system: str = "smhs"):
    return list(
        OptInPeriod.objects.filter(county=county(code), delivery_system=system)
        .order_by("effective_from")
        .values_list("opted_in", "effective_from", "effective_to", "changed_by", "reason")
    )


def _snapshot():
    return (
        list(OptInPeriod.objects.order_by("id").values()),
        list(CountyMembership.objects.order_by("id").values()),
        AuditEvent.objects.count(),
    )


# --- opt-in ---------------------------------------------------------------------------------


def test_first_opt_in_opens_a_period_and_is_audited():
    admin = _admin()

    period = county_opt_in_change(
        actor=admin,
        county=county("alameda"),
        delivery_system="smhs",
        opted_in=True,
        effective_from=JAN_2023,
        reason="Board resolution 2022-114",
    )

    assert _periods() == [(True, JAN_2023, None, admin.pk, "Board resolution 2022-114")]
    event = AuditEvent.objects.get()
    assert (event.verb, event.actor, event.county, event.object_id) == (
        "county_opt_in_change",
        admin,
        county("alameda"),
        period.pk,
    )
    assert (event.from_state, event.to_state, event.reason) == ("", "opted_in", period.reason)
    assert event.data == {"delivery_system": "smhs", "effective_from": "2023-01-01"}


def test_a_change_closes_the_open_period_the_day_before_and_keeps_it():
    admin = _admin()
    alameda = county("alameda")
    county_opt_in_change(
        actor=admin,
        county=alameda,
        delivery_system="smhs",
        opted_in=True,
        effective_from=JAN_2023,
        reason="Opted in",
    )

    county_opt_in_change(
        actor=admin,
        county=alameda,
        delivery_system="smhs",
        opted_in=False,
        effective_from=JUL_2024,
        reason="Program paused",
    )

    assert _periods() == [
        (True, JAN_2023, datetime.date(2024, 6, 30), admin.pk, "Opted in"),
        (False, JUL_2024, None, admin.pk, "Program paused"),
    ]
    assert list(AuditEvent.objects.values_list("from_state", "to_state")) == [
        ("", "opted_in"),
        ("opted_in", "opted_out"),
    ]
    assert selectors.county_opt_in_current(alameda, on=datetime.date(2024, 6, 30))["smhs"].opted_in
    assert not selectors.county_opt_in_current(alameda, on=JUL_2024)["smhs"].opted_in
    assert _periods(system="dmc") == []


@pytest.mark.parametrize("effective_from", [JAN_2023, datetime.date(2022, 12, 31)])
def test_a_change_must_start_after_the_open_period(effective_from):
    admin = _admin()
    county_opt_in_change(
        actor=admin,
        county=county("alameda"),
        delivery_system="smhs",
        opted_in=True,
        effective_from=JAN_2023,
        reason="Opted in",
    )
    before = _snapshot()

    with pytest.raises(DomainError) as refused:
        county_opt_in_change(
            actor=admin,
            county=county("alameda"),
            delivery_system="smhs",
            opted_in=False,
            effective_from=effective_from,
            reason="Paused",
        )

    assert refused.value.field == "effective_from"
    assert "after 2023-01-01" in refused.value.message
    assert _snapshot() == before


def test_the_same_status_again_is_a_conflict():
    admin = _admin()
    county_opt_in_change(
        actor=admin,
        county=county("alameda"),
        delivery_system="dmc",
        opted_in=True,
        effective_from=JAN_2023,
        reason="Opted in",
    )
    before = _snapshot()

    with pytest.raises(DomainError) as refused:
        county_opt_in_change(
            actor=admin,
            county=county("alameda"),
            delivery_system="dmc",
            opted_in=True,
            effective_from=JUL_2024,
            reason="Again",
        )

    assert refused.value.code == "conflict"
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("delivery_system", "reason", "field"),
    [("medicare", "Why", "delivery_system"), ("smhs", "   ", "reason")],
)
def test_bad_input_is_refused(delivery_system, reason, field):
    before = _snapshot()

    with pytest.raises(DomainError) as refused:
        county_opt_in_change(
            actor=_admin(),
            county=county("alameda"),
            delivery_system=delivery_system,
            opted_in=True,
            effective_from=JAN_2023,
            reason=reason,
        )

    assert refused.value.field == field
    assert _snapshot()[0] == before[0]


def _alameda_opt_in_actors():
    reviewer = UserFactory()
    MembershipFactory(user=reviewer, county=county("alameda"), role="reviewer")
    state = UserFactory(is_state_staff=True)
    return {
        "nobody": None,
        "applicant": UserFactory(),
        "reviewer": reviewer,
        "other county admin": _admin("fresno"),
        "state staff": state,
    }


def test_only_the_countys_admins_change_its_opt_in():
    for who, actor in _alameda_opt_in_actors().items():
        before = _snapshot()
        with pytest.raises(PermissionDenied):
            county_opt_in_change(
                actor=actor,
                county=county("alameda"),
                delivery_system="smhs",
                opted_in=True,
                effective_from=JAN_2023,
                reason=f"By {who}",
            )
        assert _snapshot() == before, who


# --- membership -----------------------------------------------------------------------------


def test_admin_adds_and_changes_a_staff_role_with_audit():
    admin = _admin()
    person = UserFactory()
    alameda = county("alameda")

    added = membership_set(actor=admin, county=alameda, user=person, role="reviewer")
    promoted = membership_set(actor=admin, county=alameda, user=person, role="admin")

    assert added.pk == promoted.pk
    assert selectors.staff_role(person, alameda) == "admin"
    events = AuditEvent.objects.filter(verb="membership_set").order_by("id")
    assert [(e.actor, e.subject, e.from_state, e.to_state) for e in events] == [
        (admin, person, "", "reviewer"),
        (admin, person, "reviewer", "admin"),
    ]


def test_setting_the_same_role_changes_nothing():
    admin = _admin()
    person = UserFactory()
    membership_set(actor=admin, county=county("alameda"), user=person, role="reviewer")
    before = _snapshot()

    membership_set(actor=admin, county=county("alameda"), user=person, role="reviewer")

    assert _snapshot() == before


def test_unknown_role_inactive_accounts_and_state_staff_are_refused():
    admin = _admin()
    before = _snapshot()
    cases = [
        (UserFactory(), "owner", "role"),
        (UserFactory(is_active=False), "reviewer", "user"),
        (UserFactory(is_state_staff=True), "reviewer", "user"),
    ]
    for user, role, field in cases:
        with pytest.raises(DomainError) as refused:
            membership_set(actor=admin, county=county("alameda"), user=user, role=role)
        assert refused.value.field == field
    assert _snapshot()[1:] == before[1:]


def test_admin_removes_staff_with_audit():
    admin = _admin()
    reviewer = UserFactory()
    membership = MembershipFactory(user=reviewer, county=county("alameda"), role="reviewer")

    membership_remove(actor=admin, county=county("alameda"), user=reviewer)

    assert not CountyMembership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(verb="membership_remove")
    assert (event.actor, event.subject, event.object_id) == (admin, reviewer, membership.pk)
    assert (event.from_state, event.to_state) == ("reviewer", "")


def test_the_last_admin_cannot_leave_or_step_down():
    admin = _admin()
    before = _snapshot()

    with pytest.raises(DomainError) as removed:
        membership_remove(actor=admin, county=county("alameda"), user=admin)
    with pytest.raises(DomainError) as demoted:
        membership_set(actor=admin, county=county("alameda"), user=admin, role="reviewer")

    assert removed.value.code == demoted.value.code == "conflict"
    assert "needs at least one administrator" in removed.value.message
    assert _snapshot() == before


def test_an_admin_may_leave_when_another_admin_remains():
    admin = _admin()
    other_admin = _admin()

    membership_remove(actor=admin, county=county("alameda"), user=admin)

    assert selectors.staff_role(admin, county("alameda")) is None
    assert selectors.staff_role(other_admin, county("alameda")) == "admin"


def test_removing_someone_without_a_role_is_refused():
    with pytest.raises(DomainError):
        membership_remove(actor=_admin(), county=county("alameda"), user=UserFactory())
    assert not AuditEvent.objects.exists()


def test_only_the_countys_admins_manage_its_staff():
    person = UserFactory()
    reviewer = MembershipFactory(county=county("alameda"), role="reviewer").user
    for who, actor in _alameda_opt_in_actors().items():
        before = _snapshot()
        with pytest.raises(PermissionDenied):
            membership_set(actor=actor, county=county("alameda"), user=person, role="admin")
        with pytest.raises(PermissionDenied):
            membership_remove(actor=actor, county=county("alameda"), user=reviewer)
        assert _snapshot() == before, who
