"""Certified peers: the demo peer with two specializations, a Spanish-speaking peer, and the
discipline cases (suspended; suspended, then revoked)."""

import datetime

from demo.scenarios.counties_and_staff import SPANISH_PROVIDER
from demo.story import Cast, Story

# A certified person signed up this long before the certification was issued (training,
# application, review, approval and the exam come in between: `Story.certified`).
JOINED_BEFORE_ISSUE = datetime.timedelta(days=110)


def peer(cast: Cast) -> None:
    """peer@example.org: an active Alameda certification with two specializations, CE logged
    and verified, and one CE credit waiting for review."""
    clock = cast.clock
    issued_on = clock.days_ago(380)
    story = Story.begin(
        cast,
        "peer@example.org",
        "Jordan",
        "Ellis",
        "alameda",
        born=datetime.date(1986, 11, 2),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
        lived_experience="family",
    )
    if story is None:
        return
    story.certified(issued_on)
    story.add_specialization(
        "crisis", completed_on=clock.days_ago(214), added_on=clock.days_ago(200)
    )
    story.add_specialization(
        "parent_caregiver_family", completed_on=clock.days_ago(134), added_on=clock.days_ago(120)
    )
    story.ce_for_cycle(complete=False)
    story.log_ce(
        "Suicide prevention for peers",
        "4",
        "general",
        completed_on=clock.days_ago(12),
        review=None,
    )


def spanish_speaking_peer(cast: Cast) -> None:
    """Trained in Spanish, certified in Fresno, with the Unhoused specialization."""
    clock = cast.clock
    issued_on = clock.days_ago(240)
    story = Story.begin(
        cast,
        "guadalupe.ramirez@example.org",
        "Guadalupe",
        "Ramírez",
        "fresno",
        born=datetime.date(1972, 12, 12),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
        language="es",
    )
    if story is None:
        return
    story.certified(issued_on, provider_name=SPANISH_PROVIDER)
    story.add_specialization(
        "unhoused", completed_on=clock.days_ago(104), added_on=clock.days_ago(90)
    )
    story.ce_for_cycle(complete=False)


def suspended(cast: Cast) -> None:
    """Suspended three weeks ago while a complaint is investigated."""
    clock = cast.clock
    issued_on = clock.days_ago(500)
    story = Story.begin(
        cast,
        "marcus.brown@example.org",
        "Marcus",
        "Brown",
        "alameda",
        born=datetime.date(1984, 1, 17),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
    )
    if story is None:
        return
    story.certified(issued_on)
    story.suspend(
        clock.days_ago(20),
        cast.admin("alameda"),
        "Suspended while a complaint about a boundary violation is investigated.",
    )


def revoked(cast: Cast) -> None:
    """Suspended, then revoked: the training certificate was falsified."""
    clock = cast.clock
    issued_on = clock.days_ago(420)
    story = Story.begin(
        cast,
        "kevin.park@example.org",
        "Kevin",
        "Park",
        "san-diego",
        born=datetime.date(1987, 6, 6),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
    )
    if story is None:
        return
    story.certified(issued_on)
    staff = cast.admin("san-diego")
    story.suspend(
        clock.days_ago(100),
        staff,
        "The training provider reported that the training certificate is not theirs.",
    )
    story.revoke(
        clock.days_ago(60), staff, "Falsified training certificate, confirmed by the provider."
    )


STORIES = (peer, spanish_speaking_peer, suspended, revoked)
