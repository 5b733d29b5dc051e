"""Applicants before any decision: a draft, applications waiting in the queues (one in Spanish,
one out-of-state), and one withdrawn by its applicant."""

import datetime

from demo.files import simple_pdf
from demo.scenarios.counties_and_staff import SPANISH_PROVIDER
from demo.story import Cast, Story


def draft(cast: Cast) -> None:
    """applicant@example.org: a draft in Alameda with a photo ID uploaded and training
    waiting for review."""
    clock = cast.clock
    story = Story.begin(
        cast,
        "applicant@example.org",
        "Avery",
        "Jackson",
        "alameda",
        born=datetime.date(1994, 3, 8),
        joined_on=clock.days_ago(45),
    )
    if story is None:
        return
    story.add_training(
        clock.days_ago(38),
        "Bay Area Peer Training Collaborative",
        completed_on=clock.days_ago(40),
    )
    story.apply(clock.days_ago(3))
    story.upload_photo_id(clock.days_ago(2))


def submitted_in_spanish(cast: Cast) -> None:
    """Submitted five days ago, in Spanish, training from a Spanish-language provider."""
    clock = cast.clock
    story = Story.begin(
        cast,
        "maria.lopez@example.org",
        "María",
        "López",
        "los-angeles",
        born=datetime.date(1979, 6, 21),
        joined_on=clock.days_ago(35),
        language="es",
    )
    if story is None:
        return
    story.add_training(clock.days_ago(28), SPANISH_PROVIDER, completed_on=clock.days_ago(30))
    story.apply(clock.days_ago(9))
    story.upload_id_and_diploma(clock.days_ago(6))
    story.submit(clock.days_ago(5))


def submitted(cast: Cast) -> None:
    """Submitted three days ago in Alameda."""
    clock = cast.clock
    story = Story.begin(
        cast,
        "sofia.alvarez@example.org",
        "Sofia",
        "Alvarez",
        "alameda",
        born=datetime.date(1998, 1, 30),
        joined_on=clock.days_ago(65),
    )
    if story is None:
        return
    story.add_training(
        clock.days_ago(58),
        "Bay Area Peer Training Collaborative",
        completed_on=clock.days_ago(60),
    )
    story.apply(clock.days_ago(6))
    story.upload_id_and_diploma(clock.days_ago(4))
    story.submit(clock.days_ago(3))


def out_of_state(cast: Cast) -> None:
    """Out-of-state reciprocity: certified in Arizona (current for 400 more days), 20 CE hours
    in the past 2 years with 6 in law and ethics, three letters of recommendation."""
    clock = cast.clock
    story = Story.begin(
        cast,
        "priya.shah@example.org",
        "Priya",
        "Shah",
        "sacramento",
        born=datetime.date(1985, 5, 9),
        joined_on=clock.days_ago(20),
    )
    if story is None:
        return
    story.apply(
        clock.days_ago(12),
        pathway="out_of_state",
        other_state="AZ",
        other_state_certification_number="AZ-PSS-20417",
        other_state_expires_on=clock.days_ahead(400),
        peer_work_hours=2100,
        attest_no_pending_discipline=True,
    )
    story.upload_id_and_diploma(clock.days_ago(10))
    for title, hours, category, days in (
        ("Trauma-informed peer support", "8", "general", 300),
        ("Motivational interviewing refresher", "6", "general", 200),
        ("Law and ethics for peer specialists", "6", "law_and_ethics", 120),
    ):
        story.add_out_of_state_ce(
            clock.days_ago(10),
            title,
            "Arizona Peer and Family Career Academy",
            hours,
            category,
            clock.days_ago(days),
        )
    for number, writer in enumerate(("Dr. L. Begay", "M. Ortiz, LCSW", "K. Yazzie"), 1):
        letter = simple_pdf(
            "Letter of Recommendation",
            [f"From {writer}", f"Letter {number} of 3 for Priya Shah", "Demo data."],
        )
        story.upload(clock.days_ago(10), "recommendation_letter", letter, f"letter-{number}.pdf")
    story.submit(clock.days_ago(9))


def withdrawn(cast: Cast) -> None:
    """Submitted, then withdrawn by the applicant before the review."""
    clock = cast.clock
    story = Story.begin(
        cast,
        "aisha.rahman@example.org",
        "Aisha",
        "Rahman",
        "los-angeles",
        born=datetime.date(1988, 10, 3),
        joined_on=clock.days_ago(110),
    )
    if story is None:
        return
    story.apply(clock.days_ago(100))
    story.upload_id_and_diploma(clock.days_ago(95))
    story.submit(clock.days_ago(94))
    story.withdraw(clock.days_ago(80), "I am moving out of state.")


STORIES = (draft, submitted_in_spanish, submitted, out_of_state, withdrawn)
