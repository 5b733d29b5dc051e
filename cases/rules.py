"""Rules of complaint cases (docs/domain.md#complaints-and-cases): the stages and the moves
between them, and the deadlines.

Source: DOMAIN.md, "Complaints and discipline": complaints are acknowledged within 5 business
days and resolved within 90 days, extendable by 30. Business days skip Saturdays, Sundays and
California state holidays, taken from the `holidays` library (its US calendar with the CA
subdivision, observed dates included) rather than a hand-kept list.
"""

import datetime
import functools

import holidays
from django.utils import formats
from django.utils.translation import gettext as _

from core import policy

# DOMAIN.md "Complaints and discipline".
ACKNOWLEDGEMENT_BUSINESS_DAYS = 5
RESOLUTION_DAYS = 90
EXTENSION_DAYS = 30

INTAKE = "intake"
INVESTIGATION = "investigation"
FINDINGS = "findings"
DECISION = "decision"
CLOSED = "closed"
STAGES = (INTAKE, INVESTIGATION, FINDINGS, DECISION, CLOSED)

# Each stage moves forward one step, or straight to closed (a complaint dismissed at intake or
# withdrawn; our choice, the written decisions of issue 14 item 4 come later). Findings may go
# back to investigation when they need more evidence. Closed is final here (appeals, issue 14
# item 5, will reopen through their own service).
TRANSITIONS: dict[str, frozenset[str]] = {
    INTAKE: frozenset({INVESTIGATION, CLOSED}),
    INVESTIGATION: frozenset({FINDINGS, CLOSED}),
    FINDINGS: frozenset({DECISION, INVESTIGATION, CLOSED}),
    DECISION: frozenset({CLOSED}),
    CLOSED: frozenset(),
}


def can_move(stage: str, to: str) -> bool:
    return to in TRANSITIONS.get(stage, frozenset())


@functools.lru_cache(maxsize=64)
def _california_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("US", subdiv="CA", years=year))


def is_business_day(day: datetime.date) -> bool:
    """Monday to Friday and not a California state holiday."""
    return day.weekday() < 5 and day not in _california_holidays(day.year)


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th business day after `start` (the day of receipt itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day


def acknowledgement_due(received_on: datetime.date) -> datetime.date:
    return add_business_days(received_on, ACKNOWLEDGEMENT_BUSINESS_DAYS)


def resolution_due(received_on: datetime.date, *, extended: bool = False) -> datetime.date:
    days = RESOLUTION_DAYS + (EXTENSION_DAYS if extended else 0)
    return received_on + datetime.timedelta(days=days)


def due_flag(due: datetime.date | None, *, today: datetime.date, done: bool = False) -> str:
    """Flag a deadline on `today`: "overdue", "due_soon" (within
    policy.CASE_DUE_SOON_DAYS) or ""."""
    if due is None or done:
        return ""
    if due < today:
        return "overdue"
    if (due - today).days <= policy.CASE_DUE_SOON_DAYS:
        return "due_soon"
    return ""


# Decisions (issue 14 item 4). A decision is made once the findings are written: in the
# findings stage (the case moves to decision) or in the decision stage (a further decision
# after a missed corrective action). Our choice; docs/domain.md#case-decisions.
DECIDABLE_STAGES = frozenset({FINDINGS, DECISION})
DISMISSED = "dismissed"
WARNING = "warning"
CORRECTIVE_ACTION = "corrective_action"
SUSPENSION = "suspension"
REVOCATION = "revocation"
OUTCOMES = (DISMISSED, WARNING, CORRECTIVE_ACTION, SUSPENSION, REVOCATION)
# The outcomes that act on a certification (the case must be about one).
CERTIFICATION_OUTCOMES = (CORRECTIVE_ACTION, SUSPENSION, REVOCATION)
# What the public registry shows of a decision; the default is the action and its date.
DISCLOSE_NONE = "none"
DISCLOSE_ACTION = "action"
DISCLOSE_SUMMARY = "summary"
DISCLOSURES = (DISCLOSE_NONE, DISCLOSE_ACTION, DISCLOSE_SUMMARY)
PUBLIC_SUMMARY_MAX_LENGTH = 500


def decision_problems(
    *,
    outcome: str,
    findings: str,
    has_certification: bool,
    disclosure: str,
    public_summary: str,
    today: datetime.date,
    required_hours=None,
    required_law_and_ethics_hours=None,
    due_on: datetime.date | None = None,
    suspended_until: datetime.date | None = None,
    suspension_conditions: str = "",
) -> list[tuple[str, str]]:
    """Why this decision cannot be made, as (field, reason) pairs: written findings; an
    outcome that acts on a certification needs one; a corrective action needs hours (the law
    and ethics part not above them) and a deadline after today; a suspension ends on a date
    after today or when written conditions are met; a dismissal is never public; a published
    summary must be written and short. Sources: DOMAIN.md "Complaints and discipline"; the
    choices are ours (docs/domain.md#case-decisions)."""
    problems: list[tuple[str, str]] = []
    if outcome not in OUTCOMES:
        return [("outcome", _("Choose an outcome."))]
    if not findings.strip():
        problems.append(("findings", _("Write the findings the decision rests on.")))
    if outcome in CERTIFICATION_OUTCOMES and not has_certification:
        problems.append(
            ("outcome", _("This outcome acts on a certification; the case is about none."))
        )
    if outcome == CORRECTIVE_ACTION:
        if required_hours is None or required_hours <= 0:
            problems.append(("required_hours", _("Enter the hours the peer must complete.")))
        elif required_hours > policy.CE_HOURS_REQUIRED:
            problems.append(
                (
                    "required_hours",
                    _("At most %(hours)s hours can be required.")
                    % {"hours": policy.CE_HOURS_REQUIRED},
                )
            )
        law = required_law_and_ethics_hours
        if law is None or law < 0 or (required_hours is not None and law > required_hours):
            problems.append(
                (
                    "required_law_and_ethics_hours",
                    _("The hours in law and ethics must be between 0 and the hours in all."),
                )
            )
        if due_on is None or due_on <= today:
            problems.append(("due_on", _("The deadline must be after today.")))
    if outcome == SUSPENSION:
        if suspended_until is None and not suspension_conditions.strip():
            problems.append(
                (
                    "suspended_until",
                    _("Give the date the suspension ends, or the conditions that lift it."),
                )
            )
        elif suspended_until is not None and suspended_until <= today:
            problems.append(("suspended_until", _("The suspension must end after today.")))
    if disclosure not in DISCLOSURES:
        problems.append(("disclosure", _("Choose what the public registry shows.")))
    elif outcome == DISMISSED and disclosure != DISCLOSE_NONE:
        problems.append(("disclosure", _("A dismissed complaint is never made public.")))
    elif outcome in (SUSPENSION, REVOCATION) and disclosure == DISCLOSE_NONE:
        # The registry shows the status and its date anyway.
        problems.append(
            (
                "disclosure",
                _("A suspension or revocation is public: the registry shows it and its date."),
            )
        )
    elif disclosure == DISCLOSE_SUMMARY and not public_summary.strip():
        problems.append(("public_summary", _("Write the public summary, or publish less.")))
    if len(public_summary.strip()) > PUBLIC_SUMMARY_MAX_LENGTH:
        problems.append(
            (
                "public_summary",
                _("Keep the public summary under %(n)s characters.")
                % {"n": PUBLIC_SUMMARY_MAX_LENGTH},
            )
        )
    return problems


def appeal_by(decided_on: datetime.date, *, days: int) -> datetime.date:
    """The last day to appeal a decision made on `decided_on` (DOMAIN.md: a specialist may
    appeal; the period is a policy value)."""
    return decided_on + datetime.timedelta(days=days)


def on_time(done_on: datetime.date | None, due: datetime.date) -> bool | None:
    """Whether something done on `done_on` met its deadline `due`; None when not done yet."""
    return None if done_on is None else done_on <= due


# Appeals (docs/domain.md#appeals). DOMAIN.md "Complaints and discipline": a specialist may
# appeal a denial, a suspension, a revocation or a refused renewal; the period is our choice
# (ProgramPolicy.appeal_days, default core.policy.DEFAULT_APPEAL_DAYS).
UPHOLD = "upheld"
OVERTURN = "overturned"
MODIFY = "modified"
APPEAL_OUTCOMES = (UPHOLD, OVERTURN, MODIFY)


def appeal_filing_problems(
    decision_on: datetime.date, *, on: datetime.date, days: int
) -> list[str]:
    """Why an appeal of a decision taken on `decision_on` cannot be filed on `on`."""
    last = appeal_by(decision_on, days=days)
    if on > last:
        return [
            _("The period to appeal this decision ended on %(date)s (%(days)s days after it).")
            % {"date": formats.date_format(last), "days": days}
        ]
    return []


def appeal_decider_problems(
    *, actor_id: int, appellant_id: int, decision_by_id: int | None
) -> list[str]:
    """An appeal is decided by someone other than the person who took the decision appealed
    (issue 14 item 5), and never by the appellant."""
    if actor_id == appellant_id:
        return [_("You cannot decide your own appeal.")]
    if decision_by_id is not None and actor_id == decision_by_id:
        return [
            _(
                "You took the decision under appeal, so another administrator or state staff "
                "must decide the appeal."
            )
        ]
    return []


# Complaints (docs/domain.md#complaints-and-cases). Source: DOMAIN.md, "Complaints and
# discipline": ethics complaints must be filed within 3 years of the incident
# (policy.ETHICS_COMPLAINT_LIMIT_YEARS). A complaint of fraud in an application is not an
# ethics complaint and has no such limit here.
APPLICATION_FRAUD = "application_fraud"
# What a complaint may be about: the Code of Ethics principles (cases.models.CaseCategory)
# and fraud in an application; an exclusion from federal or Medi-Cal programs is found by the
# product's own screening, not complained of.
NOT_COMPLAINT_CATEGORIES = frozenset({"exclusion"})


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def ethics_filing_deadline(incident_on: datetime.date) -> datetime.date:
    """The last day an ethics complaint about an incident on `incident_on` is in time."""
    return years_after(incident_on, policy.ETHICS_COMPLAINT_LIMIT_YEARS)


def is_out_of_time(
    category: str, incident_on: datetime.date | None, received_on: datetime.date
) -> bool:
    """An ethics complaint received more than 3 years after its incident (accepted, and
    flagged for staff). Unknown incident date or fraud in an application: never."""
    if incident_on is None or category == APPLICATION_FRAUD:
        return False
    return received_on > ethics_filing_deadline(incident_on)
