import pytest
from django.contrib.auth.models import AnonymousUser

from audit.selectors import audit_events_for
from audit.services import audit_record
from tests.factories import MembershipFactory, UserFactory, county

pytestmark = pytest.mark.django_db


def test_audit_events_state_staff_all_county_staff_their_counties_others_none():
    alameda_event = audit_record(
        actor=None, verb="x_alameda", obj=county("alameda"), county=county("alameda")
    )
    fresno_event = audit_record(
        actor=None, verb="x_fresno", obj=county("fresno"), county=county("fresno")
    )
    admin = UserFactory()
    MembershipFactory(user=admin, county=county("alameda"), role="admin")
    reviewer = UserFactory()
    MembershipFactory(user=reviewer, county=county("alameda"), role="reviewer")
    state = UserFactory(is_state_staff=True)

    assert set(audit_events_for(state)) == {alameda_event, fresno_event}
    assert list(audit_events_for(admin)) == [alameda_event]
    assert list(audit_events_for(reviewer)) == [alameda_event]
    assert not audit_events_for(UserFactory()).exists()
    assert not audit_events_for(AnonymousUser()).exists()
