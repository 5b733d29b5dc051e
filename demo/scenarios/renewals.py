"""The end of a cycle: expiring within 30 days and ready to renew, expired, reinstated after
the late renewal period (refresher course and CE), vacated 4 years after expiry, and a
grandparented peer renewed every cycle since 2022."""

import datetime

from certification import rules
from core import policy
from demo.scenarios.certifications import JOINED_BEFORE_ISSUE
from demo.story import Cast, Story

# Elena García's history: the grandparenting pathway closed on 2022-12-31, so her dates are
# the calendar's, not counted from the seed day.
GRANDPARENTED_APPLIED_ON = datetime.date(2022, 9, 1)
GRANDPARENTED_ISSUED_ON = datetime.date(2022, 11, 15)


def expiring_soon(cast: Cast) -> None:
    """Expires in 21 days with the cycle's CE complete: ready to renew."""
    clock = cast.clock
    issued_on = clock.years_ago(2, days=-21)
    story = Story.begin(
        cast,
        "james.oconnor@example.org",
        "James",
        "O'Connor",
        "los-angeles",
        born=datetime.date(1977, 3, 22),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
    )
    if story is None:
        return
    story.certified(issued_on)
    story.ce_for_cycle(complete=True)


def expired(cast: Cast) -> None:
    """Expired 45 days ago without renewing, part of the CE done."""
    clock = cast.clock
    issued_on = clock.years_ago(2, days=45)
    story = Story.begin(
        cast,
        "samantha.lee@example.org",
        "Samantha",
        "Lee",
        "sacramento",
        born=datetime.date(1991, 4, 1),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
    )
    if story is None:
        return
    story.certified(issued_on)
    story.ce_for_cycle(complete=False)
    story.expire()


def reinstated(cast: Cast) -> None:
    """Expired about 15 months ago, past the late renewal period; took the 80-hour refresher
    course and the CE hours afterwards and was reinstated two months ago by Fresno's
    administrator."""
    clock = cast.clock
    issued_on = clock.years_ago(2, days=470)
    story = Story.begin(
        cast,
        "tanya.robinson@example.org",
        "Tanya",
        "Robinson",
        "fresno",
        born=datetime.date(1980, 5, 14),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
    )
    if story is None:
        return
    certification = story.certified(issued_on)
    expires_on = certification.expires_on
    story.log_ce(
        "Law and ethics for peer support",
        "6",
        "law_and_ethics",
        completed_on=expires_on - datetime.timedelta(days=300),
    )
    story.expire()
    for days, title in ((30, "Wellness Recovery Action Planning"), (60, "Peer-run crisis respite")):
        story.log_ce(title, "7", "general", completed_on=expires_on + datetime.timedelta(days=days))
    refresher_on = clock.days_ago(90)
    refresher = story.add_training(
        refresher_on + datetime.timedelta(days=3),
        "Central Valley Recovery Academy",
        completed_on=refresher_on,
    )
    story.verify_training(
        refresher_on + datetime.timedelta(days=10), cast.admin("fresno"), refresher
    )
    story.reinstate(clock.days_ago(60))


def vacated(cast: Cast) -> None:
    """Never renewed: expired over 4 years ago and vacated on its vacate date. Issued over 6
    years before the seed day: an application from before the grandparenting pathway closed
    (2022-12-31) came that way, since standard-pathway training only counts from 2022-07-01."""
    clock = cast.clock
    issued_on = clock.years_ago(policy.VACATE_AFTER_EXPIRY_YEARS + 2, days=60)
    applied_on = issued_on - datetime.timedelta(days=80)
    pathway = "grandparenting" if applied_on < policy.GRANDPARENTING_CLOSED_ON else "standard"
    story = Story.begin(
        cast,
        "gary.olsen@example.org",
        "Gary",
        "Olsen",
        "san-diego",
        born=datetime.date(1962, 10, 25),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
    )
    if story is None:
        return
    story.certified(issued_on, pathway=pathway)
    story.expire()
    story.vacate()


def grandparented_and_renewed(cast: Cast) -> None:
    """A peer employed before 2022 certified through the grandparenting pathway, with the
    Justice-Involved specialization, renewed in every renewal window since."""
    clock = cast.clock
    story = Story.begin(
        cast,
        "elena.garcia@example.org",
        "Elena",
        "García",
        "los-angeles",
        born=datetime.date(1968, 9, 30),
        joined_on=GRANDPARENTED_APPLIED_ON - datetime.timedelta(days=7),
    )
    if story is None:
        return
    story.certified(GRANDPARENTED_ISSUED_ON, pathway="grandparenting")
    story.add_specialization(
        "justice_involved",
        completed_on=datetime.date(2023, 5, 15),
        added_on=datetime.date(2023, 6, 1),
    )
    while rules.renewal_window_opens(story.certification.expires_on) <= clock.today:
        thirty_days_before = story.certification.expires_on - datetime.timedelta(days=30)
        story.renew_with_ce(min(thirty_days_before, clock.today))
    story.ce_for_cycle(complete=False)


STORIES = (expiring_soon, expired, reinstated, vacated, grandparented_and_renewed)
