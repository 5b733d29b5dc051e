"""Continuing education under review and audit: a peer whose latest CE credits wait for the
county (one turned down), and a CE audit drawn in Fresno and passed."""

import datetime

from ce_audits.models import CeAudit
from ce_audits.services import ce_audit_draw, ce_audit_record_outcome
from demo.clock import Timeline
from demo.scenarios.certifications import JOINED_BEFORE_ISSUE
from demo.story import Cast, Story


def peer_with_pending_ce(cast: Cast) -> None:
    """An Alameda peer: two CE credits waiting for review, one turned down."""
    clock = cast.clock
    issued_on = clock.days_ago(190)
    story = Story.begin(
        cast,
        "wei.chen@example.org",
        "Wei",
        "Chen",
        "alameda",
        born=datetime.date(1995, 2, 24),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
    )
    if story is None:
        return
    story.certified(issued_on)
    story.log_ce(
        "Peer support networking lunch",
        "2",
        "general",
        completed_on=clock.days_ago(60),
        review="rejected",
        reason="A networking event is not an educational course; it does not count as CE.",
    )
    story.log_ce(
        "Law and ethics for peer support",
        "6",
        "law_and_ethics",
        completed_on=clock.days_ago(20),
        review=None,
    )
    story.log_ce(
        "Co-occurring disorders: an introduction",
        "3.5",
        "general",
        completed_on=clock.days_ago(9),
        review=None,
    )


def ce_audit(cast: Cast) -> None:
    """Fresno's administrator audits every peer whose renewal is open or recent (the
    reinstated peer), and the reviewer records that the proof held up."""
    fresno = cast.counties["fresno"]
    if CeAudit.objects.filter(county=fresno).exists():
        return
    clock = cast.clock
    timeline = Timeline(clock)
    with timeline.step(clock.days_ago(40)) as today:
        audits = ce_audit_draw(actor=cast.admin("fresno"), county=fresno, percent=100, today=today)
    for audit in audits:
        with timeline.step(clock.days_ago(12)):
            ce_audit_record_outcome(
                actor=cast.reviewer("fresno"),
                audit=audit,
                outcome="passed",
                note="Certificates of completion for all 20 hours received.",
            )


STORIES = (peer_with_pending_ce, ce_audit)
