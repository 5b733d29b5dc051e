import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from counties import selectors
from counties.models import OptInPeriod
from tests.factories import MembershipFactory, UserFactory, county

pytestmark = pytest.mark.django_db


def _period(county_code: str, system: str, opted_in: bool, start: datetime.date, end=None):
    return OptInPeriod.objects.create(
        county=county(county_code),
        delivery_system=system,
        opted_in=opted_in,
        effective_from=start,
        effective_to=end,
    )


def test_staff_counties_and_role_come_from_memberships():
    staff = UserFactory()
    MembershipFactory(user=staff, county=county("alameda"), role="admin")
    MembershipFactory(user=staff, county=county("fresno"), role="reviewer")

    assert list(selectors.staff_counties(staff).values_list("code", flat=True)) == [
        "alameda",
        "fresno",
    ]
    assert list(selectors.admin_counties(staff).values_list("code", flat=True)) == ["alameda"]
    assert selectors.staff_role(staff, county("alameda")) == "admin"
    assert selectors.staff_role(staff, county("fresno")) == "reviewer"
    assert selectors.staff_role(staff, county("kern")) is None


def test_people_without_memberships_are_staff_of_no_county():
    state = UserFactory(is_state_staff=True)
    applicant = UserFactory()
    inactive = UserFactory(is_active=False)
    MembershipFactory(user=inactive, role="admin")

    for user in (state, applicant, inactive, AnonymousUser()):
        assert not selectors.staff_counties(user).exists()
        assert selectors.staff_role(user, county("alameda")) is None


def test_county_opt_in_current_gives_the_open_period_per_delivery_system():
    _period("alameda", "smhs", False, datetime.date(2022, 1, 1), datetime.date(2023, 6, 30))
    open_smhs = _period("alameda", "smhs", True, datetime.date(2023, 7, 1))
    open_dmc = _period("alameda", "dmc", False, datetime.date(2023, 7, 1))

    assert selectors.county_opt_in_current(county("alameda")) == {
        "smhs": open_smhs,
        "dmc_ods": None,
        "dmc": open_dmc,
    }


def test_opted_in_counties_need_an_open_opted_in_period():
    _period("alameda", "smhs", True, datetime.date(2023, 1, 1))
    _period("fresno", "smhs", True, datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    _period("fresno", "smhs", False, datetime.date(2023, 1, 1))
    _period("kern", "dmc", False, datetime.date(2023, 1, 1))
    _period("kern", "dmc_ods", True, datetime.date(2024, 1, 1))

    codes = set(selectors.opted_in_counties().values_list("code", flat=True))

    assert codes == {"alameda", "kern"}


def test_a_future_change_takes_effect_on_its_date():
    _period("alameda", "smhs", True, datetime.date(2023, 1, 1), datetime.date(2030, 6, 30))
    _period("alameda", "smhs", False, datetime.date(2030, 7, 1))
    today = datetime.date(2026, 1, 1)

    assert selectors.county_opt_in_current(county("alameda"), on=today)["smhs"].opted_in
    assert "alameda" in selectors.opted_in_counties(on=today).values_list("code", flat=True)
    assert not selectors.opted_in_counties(on=datetime.date(2030, 7, 1)).exists()
