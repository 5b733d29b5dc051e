"""Approved applications and the exam: approved recently, approved and failed once, and one
that expired after a missed exam."""

import datetime

from certification import rules
from counties.models import ProgramPolicy
from demo.story import Cast, Story
from exams.rules import result_grace_end


def approved_after_failed_exam(cast: Cast) -> None:
    """Approved four months ago; failed the exam once and may try twice more."""
    clock = cast.clock
    approved_on = clock.days_ago(120)
    story = Story.begin(
        cast,
        "jose.hernandez@example.org",
        "José",
        "Hernández",
        "fresno",
        born=datetime.date(1975, 4, 27),
        joined_on=approved_on - datetime.timedelta(days=60),
        language="es",
    )
    if story is None:
        return
    story.approved(approved_on)
    story.exam(clock.days_ago(45), "failed", 412)


def approved_recently(cast: Cast) -> None:
    """Approved two weeks ago; a specialization course taken since, whose certificate was
    unreadable, was turned down. (One from a provider whose approval had lapsed, or taken
    before the core training, cannot even be added: it is refused when entered.)"""
    clock = cast.clock
    approved_on = clock.days_ago(14)
    story = Story.begin(
        cast,
        "linh.tran@example.org",
        "Linh",
        "Tran",
        "sacramento",
        born=datetime.date(1992, 7, 19),
        joined_on=clock.days_ago(205),
    )
    if story is None:
        return
    story.approved(approved_on)
    crisis = story.add_training(
        clock.days_ago(8),
        cast.provider_for_county["sacramento"],
        completed_on=clock.days_ago(10),
        course="crisis",
        hours=40,
    )
    story.reject_training(
        clock.days_ago(5),
        cast.admin("sacramento"),
        crisis,
        "The certificate is too blurry to read the course and the date. Please add the "
        "course again with a clear scan.",
    )


def expired_application(cast: Cast) -> None:
    """Approved over a year ago, missed the exam, and the 12-month window (and the result
    grace period after it) ran out."""
    clock = cast.clock
    approved_on = clock.years_ago(1, days=60)
    story = Story.begin(
        cast,
        "tom.whitehorse@example.org",
        "Tom",
        "Whitehorse",
        "san-diego",
        born=datetime.date(1981, 8, 16),
        joined_on=approved_on - datetime.timedelta(days=60),
    )
    if story is None:
        return
    story.approved(approved_on)
    story.exam(approved_on + datetime.timedelta(days=90), "no_show", None)
    # The scan expires it the day after the result grace period that follows the window
    # (docs/domain.md#exam).
    grace_end = result_grace_end(
        rules.approval_window_end(approved_on), ProgramPolicy.current().exam_result_grace_days
    )
    story.expire_application(grace_end + datetime.timedelta(days=1))


STORIES = (approved_after_failed_exam, approved_recently, expired_application)
