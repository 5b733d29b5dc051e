"""The employer cast beside the test cast (tests/cast.py): Bayview Health (an administrator
`boss` and a staff member `clerk`) and Valley Clinic (its administrator `rival`), with two
certifications of Alameda and one of Fresno. The cast's applicant holds the Alameda one
named Reyes."""

from dataclasses import dataclass

import pytest

from accounts.models import User
from certification.models import Certification
from employers.models import Employer, EmployerMembership, EmployerRole, Watch
from tests.factories import CertificationFactory, UserFactory


@dataclass(frozen=True)
class Employers:
    bayview: Employer
    valley: Employer
    boss: User
    clerk: User
    rival: User
    reyes: Certification
    okafor: Certification
    other: Certification
    watch: Watch

    @property
    def everyone(self) -> dict[str, User]:
        return {"boss": self.boss, "clerk": self.clerk, "rival": self.rival}


def make_employer(name: str, admin: User) -> Employer:
    employer = Employer.objects.create(
        name=name, contact_name="Contact", contact_email=admin.email, created_by=admin
    )
    EmployerMembership.objects.create(employer=employer, user=admin, role=EmployerRole.ADMIN)
    return employer


@pytest.fixture
def employers(cast) -> Employers:
    boss = UserFactory(email="boss@bayview.test")
    clerk = UserFactory(email="clerk@bayview.test")
    rival = UserFactory(email="rival@valley.test")
    bayview = make_employer("Bayview Health", boss)
    EmployerMembership.objects.create(employer=bayview, user=clerk, role=EmployerRole.MEMBER)
    valley = make_employer("Valley Clinic", rival)
    reyes = CertificationFactory(
        holder=cast.applicant, issuing_county=cast.county, first_name="Ana", last_name="Reyes"
    )
    okafor = CertificationFactory(
        holder=cast.other_applicant,
        issuing_county=cast.other_county,
        first_name="Ben",
        last_name="Okafor",
    )
    other = CertificationFactory(issuing_county=cast.county, first_name="Cy", last_name="Díaz")
    watch = Watch.objects.create(employer=bayview, certification=reyes, added_by=boss)
    return Employers(bayview, valley, boss, clerk, rival, reyes, okafor, other, watch)


@pytest.fixture(autouse=True)
def _webhooks_to_this_machine(settings):
    """Webhook receivers in tests listen on 127.0.0.1 over plain http (production refuses
    both: tests/employers/test_webhooks.py checks that too)."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
