"""The test cast: a fixed set of users with fixed roles for permission tests (see
docs/CONTRACTS.md "Test cast"). Registered as a pytest plugin by tests/conftest.py.

Every permission test reads the same way: `cast.applicant` sees their own rows,
`cast.reviewer` and `cast.admin` (Alameda staff) their county's, `cast.other_admin` (Fresno)
only Fresno's, `cast.state` everything read-only, `cast.anonymous` and `cast.other_applicant`
nothing of someone else's.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from counties.models import County
from tests.factories import MembershipFactory, ProfileFactory, UserFactory, county

CAST_PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class Cast:
    anonymous: AnonymousUser
    applicant: User
    other_applicant: User
    reviewer: User
    admin: User
    other_admin: User
    state: User
    county: County
    other_county: County

    @property
    def everyone(self) -> dict[str, User | AnonymousUser]:
        """Every member by name, for permission matrices."""
        return {
            "anonymous": self.anonymous,
            "applicant": self.applicant,
            "other_applicant": self.other_applicant,
            "reviewer": self.reviewer,
            "admin": self.admin,
            "other_admin": self.other_admin,
            "state": self.state,
        }


@pytest.fixture
def cast(db) -> Cast:
    """The cast of docs/CONTRACTS.md 'Test cast': two applicants with profiles, Alameda
    reviewer and admin, a Fresno admin and a state staff member, all with the password
    `correct-horse-battery`."""
    alameda = county("alameda")
    fresno = county("fresno")
    applicant = UserFactory(email="applicant@cast.test", first_name="Ana", last_name="Reyes")
    other_applicant = UserFactory(email="other@cast.test", first_name="Ben", last_name="Okafor")
    ProfileFactory(user=applicant, legal_first_name="Ana", legal_last_name="Reyes")
    ProfileFactory(
        user=other_applicant,
        legal_first_name="Ben",
        legal_last_name="Okafor",
        county_of_residence=fresno,
    )
    reviewer = UserFactory(email="reviewer@cast.test", first_name="Rae", last_name="Alameda")
    admin = UserFactory(email="admin@cast.test", first_name="Ada", last_name="Alameda")
    other_admin = UserFactory(email="other.admin@cast.test", first_name="Fay", last_name="Fresno")
    MembershipFactory(user=reviewer, county=alameda, role="reviewer")
    MembershipFactory(user=admin, county=alameda, role="admin")
    MembershipFactory(user=other_admin, county=fresno, role="admin")
    state = UserFactory(
        email="state@cast.test", first_name="Sam", last_name="State", is_state_staff=True
    )
    return Cast(
        anonymous=AnonymousUser(),
        applicant=applicant,
        other_applicant=other_applicant,
        reviewer=reviewer,
        admin=admin,
        other_admin=other_admin,
        state=state,
        county=alameda,
        other_county=fresno,
    )
