"""An employer: employer@example.org, administrator of Bayside Recovery Services, which
watches three of the demo's peers (one of them suspended) and receives its notices by email
at once. Told after the certifications, through the employer services."""

from certification.models import Certification
from demo.clock import Timeline
from demo.story import Cast, account
from employers.models import Employer
from employers.services import employer_register, watch_add
from employers.services.notices import registry_changes_from_audit

EMPLOYER_ACCOUNT = ("employer@example.org", "Casey", "Morgan")
EMPLOYER_NAME = "Bayside Recovery Services"
# The peers it employs, by their demo accounts.
EMPLOYED = ("peer@example.org", "marcus.brown@example.org", "guadalupe.ramirez@example.org")


def bayside(cast: Cast) -> None:
    user, _created = account(cast, *EMPLOYER_ACCOUNT)
    if Employer.objects.filter(created_by=user).exists():
        return
    timeline = Timeline(cast.clock)
    with timeline.step(cast.clock.days_ago(30)):
        employer = employer_register(
            actor=user,
            name=EMPLOYER_NAME,
            contact_name="Casey Morgan",
            contact_email=user.email,
            contact_phone="(510) 555-0142",
        )
    with timeline.step(cast.clock.days_ago(29)):
        for certification in Certification.objects.filter(holder__email__in=EMPLOYED):
            watch_add(
                actor=user,
                employer=employer,
                number=certification.number,
                last_name=certification.last_name,
            )
    # The registry's public actions told so far (the seed withdraws the events it queued).
    registry_changes_from_audit()


STORIES = (bayside,)
