"""Complaints and cases in every stage, one overdue, and an appeal overturned (issue 14 item
8): each step one call of the real service on its own day (`demo.story`)."""

import datetime

from accounts.models import User
from cases import services as case_services
from cases.selectors import appealable_decisions
from demo.scenarios.certifications import JOINED_BEFORE_ISSUE
from demo.scenarios.counties_and_staff import STATE_ACCOUNT
from demo.story import Cast, Story


def _peer(cast: Cast, email: str, first: str, last: str, county: str, days: int) -> Story | None:
    issued_on = cast.clock.days_ago(days)
    story = Story.begin(
        cast,
        email,
        first,
        last,
        county,
        born=datetime.date(1986, 4, 9),
        joined_on=issued_on - JOINED_BEFORE_ISSUE,
    )
    if story is not None:
        story.certified(issued_on)
    return story


def _case(story: Story, day: datetime.date, summary: str, category: str = "boundaries"):
    staff = story.cast.reviewer(story.county_code)
    with story.step(day) as today:
        return case_services.case_open(
            actor=staff,
            county=story.county,
            source="phone_letter",
            category=category,
            summary=summary,
            received_on=today,
            certification=story.certification,
        )


def _advance(story: Story, day: datetime.date, case, to: str, note: str = ""):
    with story.step(day):
        return case_services.case_advance(
            actor=story.cast.reviewer(story.county_code), case=case, to=to, note=note
        )


def cases_in_every_stage(cast: Cast) -> None:
    """Alameda's cases: one overdue in intake, one in investigation, one in findings, one
    decided (a letter of warning) and one closed."""
    clock = cast.clock
    story = _peer(cast, "lena.ortiz@example.org", "Lena", "Ortiz", "alameda", 300)
    if story is None:
        return
    admin = cast.admin("alameda")
    # Received 12 days ago and never acknowledged: overdue.
    _case(story, clock.days_ago(12), "A caller says a group session started 40 minutes late.")
    case = _case(
        story,
        clock.days_ago(30),
        "A letter reports a peer shared a client's story.",
        "confidentiality",
    )
    _advance(story, clock.days_ago(27), case, "investigation")
    with story.step(clock.days_ago(26)):
        case_services.case_assign(actor=admin, case=case, investigator=cast.reviewer("alameda"))
    case = _case(story, clock.days_ago(50), "A caller reports a peer lent money to a client.")
    _advance(story, clock.days_ago(47), case, "investigation")
    _advance(story, clock.days_ago(20), case, "findings", "Interviews done.")
    case = _case(story, clock.days_ago(70), "A family member reports a dual relationship.")
    _advance(story, clock.days_ago(66), case, "investigation")
    _advance(story, clock.days_ago(40), case, "findings", "The peer admitted a friendship.")
    with story.step(clock.days_ago(35)) as today:
        case_services.case_decide(
            actor=admin,
            case=case,
            outcome="warning",
            findings="A friendship with a client began during services; ended since.",
            expected_decisions=0,
            today=today,
        )
    case = _case(story, clock.days_ago(90), "A caller was unhappy with a referral.", "respect")
    _advance(story, clock.days_ago(86), case, "closed", "No breach of the Code of Ethics.")


def appeal_overturned(cast: Cast) -> None:
    """Fresno revoked a certification after a case; the peer appealed and state staff
    overturned the revocation: the certification is active again with its original expiry."""
    clock = cast.clock
    story = _peer(cast, "omar.haddad@example.org", "Omar", "Haddad", "fresno", 400)
    if story is None:
        return
    admin = cast.admin("fresno")
    case = _case(
        story, clock.days_ago(60), "A letter alleges falsified session notes.", "integrity"
    )
    _advance(story, clock.days_ago(57), case, "investigation")
    _advance(story, clock.days_ago(30), case, "findings", "Notes compared with billing.")
    with story.step(clock.days_ago(25)) as today:
        case_services.case_decide(
            actor=admin,
            case=case,
            outcome="revocation",
            findings="Two session notes did not match the sign-in sheets.",
            expected_decisions=0,
            today=today,
        )
    with story.step(clock.days_ago(20)) as today:
        [decision] = [
            d for d in appealable_decisions(story.person, today=today) if d.kind == "case_decision"
        ]
        appeal = case_services.appeal_file(
            actor=story.person,
            decision_ref=decision.ref,
            statement="The sign-in sheets were for another group; the notes are right.",
            today=today,
        )
    state = User.objects.get(email=STATE_ACCOUNT[0])
    with story.step(clock.days_ago(10)) as today:
        case_services.appeal_decide(
            actor=state,
            appeal=appeal,
            outcome="overturned",
            reason="The sign-in sheets belonged to another group; the notes match the billing.",
            today=today,
        )
    story.certification.refresh_from_db()


STORIES = (cases_in_every_stage, appeal_overturned)
