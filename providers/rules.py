"""Provider approval policy (docs/domain.md#providers): pure functions, no database (see
docs/CONTRACTS.md 'Rules').

Sources: providers of the core training are approved by the program in a yearly application
cycle, their curricula reviewed against the core competencies of W&I §14045.13(c) (SB 803,
2020; BHIN 21-041; capeercertification.org, "Training providers": July for the 80-hour and
specialization courses, January for CE); a specialization course has 40 hours
(capeercertification.org/specialization-training/); CE is general or law and ethics (BHIN 21-041).
"""

import calendar
import datetime
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import policy
from core.units import as_hours, hours_text
from providers.models import ApplicationStatus, CourseType

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


@dataclass(frozen=True)
class Competency:
    code: str
    label: "StrOrPromise"


# The core competencies of W&I §14045.13(c), in the statute's order. Source: W&I §14045.13(c)
# as added by SB 803 (Stats. 2020, ch. 150), leginfo.legislature.ca.gov (bill 201920200SB803),
# and /work/shared/DOMAIN.md ("Training"), which lists the same sixteen: (1) the concepts of
# hope, recovery and wellness; (2) the role of advocacy; (3) the role of consumers and family
# members; (4) psychiatric rehabilitation skills and service delivery, and addiction recovery
# principles, including defined practices; (5) cultural competence training; (6)
# trauma-informed care; (7) group facilitation skills; (8) self-awareness and self-care; (9)
# co-occurring disorders of mental health and substance use; (10) conflict resolution; (11)
# professional boundaries and ethics; (12) preparation for employment opportunities, including
# study and test-taking skills, application and résumé preparation, interviewing and other
# requirements for employment; (13) safety and crisis planning; (14) navigation of, and
# referral to, other services; (15) documentation skills and standards; (16) confidentiality.
# The statute has sixteen elements, not seventeen: "digital literacy", listed here before as a
# seventeenth, is in neither source and was removed (issue 15's "17" was never confirmed), and
# (5) reads "cultural competence", not "cultural and structural competence".
CORE_COMPETENCIES: tuple[Competency, ...] = (
    Competency("hope_recovery_wellness", gettext_lazy("Hope, recovery and wellness")),
    Competency("advocacy", gettext_lazy("The role of advocacy")),
    Competency("consumers_family", gettext_lazy("The role of consumers and family members")),
    Competency(
        "rehabilitation_recovery",
        gettext_lazy(
            "Psychiatric rehabilitation skills and service delivery, and addiction recovery "
            "principles"
        ),
    ),
    Competency("cultural_competence", gettext_lazy("Cultural competence")),
    Competency("trauma_informed_care", gettext_lazy("Trauma-informed care")),
    Competency("group_facilitation", gettext_lazy("Group facilitation skills")),
    Competency("self_care", gettext_lazy("Self-awareness and self-care")),
    Competency(
        "co_occurring",
        gettext_lazy("Co-occurring disorders of mental health and substance use"),
    ),
    Competency("conflict_resolution", gettext_lazy("Conflict resolution")),
    Competency("boundaries_ethics", gettext_lazy("Professional boundaries and ethics")),
    Competency("employment", gettext_lazy("Preparation for employment opportunities")),
    Competency("safety_crisis", gettext_lazy("Safety and crisis planning")),
    Competency(
        "navigation_referral", gettext_lazy("Navigation of, and referral to, other services")
    ),
    Competency("documentation", gettext_lazy("Documentation skills and standards")),
    Competency("confidentiality", gettext_lazy("Confidentiality")),
)
COMPETENCY_CODES = tuple(c.code for c in CORE_COMPETENCIES)


def competency_label(code: str) -> str:
    return next((str(c.label) for c in CORE_COMPETENCIES if c.code == code), code)


def missing_competencies(course_type: str, covered: Iterable[str]) -> list[str]:
    """The core competencies an application for a course of `course_type` leaves uncovered, in
    the statute's order: every one of the 16 for the core 80-hour course (W&I §14045.13(c)),
    none for specialization and CE courses (their mapping is optional)."""
    if course_type != CourseType.CORE:
        return []
    have = set(covered)
    return [code for code in COMPETENCY_CODES if code not in have]


def course_hours_required(course_type: str, ce_hours: Decimal | None = None) -> Decimal:
    """The hours a course of `course_type` must have: 80 for the core course, 40 for a
    specialization, the cycle's hours for CE."""
    if course_type == CourseType.CORE:
        return policy.CORE_TRAINING_HOURS
    if course_type == CourseType.SPECIALIZATION:
        return policy.SPECIALIZATION_TRAINING_HOURS
    return as_hours(ce_hours or 0)


def cycle_open_on(
    opens_on: datetime.date, closes_on: datetime.date, closed: bool, on: datetime.date
) -> bool:
    """Whether a cycle open from `opens_on` to `closes_on` (inclusive), `closed` early or not,
    takes applications on `on`."""
    return not closed and opens_on <= on <= closes_on


def application_problems(
    *,
    course_type: str,
    hours: Decimal | int | str,
    languages: Iterable[str],
    delivery_modes: Iterable[str],
    coverage: Mapping[str, str],
    ce_hours: Decimal | None = None,
) -> list[tuple[str, str]]:
    """Why an application cannot be submitted, as (field, reason) pairs, empty when it can: at
    least one language and one delivery mode, the hours of its course type, and for the core
    course a curriculum mapped to each of the 16 core competencies (`coverage`: competency code
    to where the curriculum covers it; a blank entry does not count)."""
    problems = []
    if not list(languages):
        problems.append(("languages", _("Choose at least one language the course is taught in.")))
    if not list(delivery_modes):
        problems.append(("delivery_modes", _("Choose at least one delivery mode.")))
    need = course_hours_required(course_type, ce_hours)
    have = as_hours(hours)
    if have < need:
        problems.append(
            (
                "hours",
                _("A course of this type has at least %(need)s hours; this one has %(have)s.")
                % {"need": hours_text(need), "have": hours_text(have)},
            )
        )
    covered = [code for code, text in coverage.items() if text and text.strip()]
    missing = missing_competencies(course_type, covered)
    if missing:
        problems.append(
            (
                "competencies",
                _(
                    "The core course must cover every core competency of W&I §14045.13(c). "
                    "Say where the curriculum covers: %(missing)s."
                )
                % {"missing": "; ".join(competency_label(code) for code in missing)},
            )
        )
    return problems


# Which moves an application may make, and who makes them: the provider's staff edit a draft or
# an application sent back for changes, submit it and may withdraw it until it is decided; state
# staff decide a submitted one.
PROVIDER_EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)
PROVIDER_WITHDRAWABLE = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.CHANGES_REQUESTED,
)
REVIEWABLE = (ApplicationStatus.SUBMITTED,)


def approval_period_problem(starts_on: datetime.date, ends_on: datetime.date) -> str | None:
    """Why an approval from `starts_on` to `ends_on` cannot be given: it must end on or after
    the day it starts."""
    if ends_on < starts_on:
        return _("An approval must end on or after the day it starts.")
    return None


def approval_period_default(starts_on: datetime.date, months: int) -> datetime.date:
    """The last day of an approval of `months` months from `starts_on` (a year from July 1st
    ends on June 30th; from January 31st, one month ends on February 27th or 28th)."""
    index = starts_on.month - 1 + months
    year, month = starts_on.year + index // 12, index % 12 + 1
    day = min(starts_on.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day) - datetime.timedelta(days=1)


def approval_lapse_notice_due(
    ends_on: datetime.date, today: datetime.date, notice_days: int, withdrawn: bool
) -> bool:
    """Whether the provider should now be told its approval ends soon: within `notice_days`
    of its end (`ProviderPolicy.lapse_notice_days`, 60 by default) and not yet ended."""
    return not withdrawn and today <= ends_on <= today + datetime.timedelta(days=notice_days)


# Reported completions (issue 15 item 4) ------------------------------------------------------

# The fields of one reported completion, as the CSV's columns and the API's JSON keys.
COMPLETION_FIELDS = (
    "completion_id",
    "course_id",
    "email",
    "legal_first_name",
    "legal_last_name",
    "date_of_birth",
    "hours",
    "completed_on",
)
COMPLETION_ID_MAX_LENGTH = 64
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
COMPLETION_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class CompletionValues:
    """One reported completion, read and normalised (`completion_values`)."""

    completion_id: str
    course_id: int
    email: str
    legal_first_name: str
    legal_last_name: str
    date_of_birth: datetime.date
    hours: Decimal
    completed_on: datetime.date

    def digest(self) -> str:
        """SHA-256 of the values, to tell a repeat of the same report from a changed one."""
        text = "\x1f".join(
            (
                self.completion_id,
                str(self.course_id),
                self.email,
                name_key(self.legal_first_name),
                name_key(self.legal_last_name),
                self.date_of_birth.isoformat(),
                str(self.hours.normalize()),
                self.completed_on.isoformat(),
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()


def name_key(name: str) -> str:
    """A legal name as compared when matching a learner: case and spacing ignored."""
    return " ".join(str(name).split()).casefold()


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for date_format in COMPLETION_DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def completion_values(
    raw: Mapping[str, Any], *, today: datetime.date
) -> tuple[CompletionValues | None, dict[str, str]]:
    """Read one reported completion from `raw` (a CSV row or a JSON object: strings, or
    numbers for the course and hours): its values, or the problems found, by field. Checks
    the shape only (no database): the course and its approval are the service's."""
    errors: dict[str, str] = {}
    completion_id = _text(raw.get("completion_id"))
    if not completion_id or len(completion_id) > COMPLETION_ID_MAX_LENGTH:
        errors["completion_id"] = _(
            "Give your own completion id, at most %(length)d characters."
        ) % {"length": COMPLETION_ID_MAX_LENGTH}
    course_text = _text(raw.get("course_id"))
    course_id = 0
    if isinstance(raw.get("course_id"), bool) or not (
        course_text.isascii() and course_text.isdigit() and len(course_text) <= 12
    ):
        errors["course_id"] = _("“%(value)s” is not a course number.") % {"value": course_text}
    else:
        course_id = int(course_text)
    email = _text(raw.get("email")).lower()
    if not email or len(email) > EMAIL_MAX_LENGTH or not _EMAIL_SHAPE.fullmatch(email):
        errors["email"] = _("“%(value)s” is not an email address.") % {"value": email}
    names = {}
    for name_field in ("legal_first_name", "legal_last_name"):
        names[name_field] = _text(raw.get(name_field))
        if not names[name_field] or len(names[name_field]) > NAME_MAX_LENGTH:
            errors[name_field] = _(
                "Give the learner's legal name, at most %(length)d characters."
            ) % {"length": NAME_MAX_LENGTH}
    dates = {}
    for date_field in ("date_of_birth", "completed_on"):
        dates[date_field] = _date(raw.get(date_field))
        if dates[date_field] is None:
            errors[date_field] = _("“%(value)s” is not a date (use YYYY-MM-DD or MM/DD/YYYY).") % {
                "value": _text(raw.get(date_field))
            }
    born, completed = dates["date_of_birth"], dates["completed_on"]
    if completed is not None and completed > today:
        errors["completed_on"] = _("The completion date is in the future.")
    if born is not None and (born >= today or born.year < 1900):
        errors["date_of_birth"] = _("The date of birth is not a plausible one.")
    elif born is not None and completed is not None and born >= completed:
        errors["date_of_birth"] = _("The date of birth is after the completion date.")
    hours: Decimal | None = None
    raw_hours = raw.get("hours")
    try:
        if isinstance(raw_hours, bool):
            raise InvalidOperation
        hours = Decimal(_text(raw_hours))
    except (InvalidOperation, ValueError):
        hours = None
    if (
        hours is None
        or not hours.is_finite()
        or hours <= 0
        or hours >= 10_000
        or hours != hours.quantize(Decimal("0.01"))
    ):
        errors["hours"] = _("Give the hours as a number above zero, such as 80 or 7.5.")
        hours = None
    if errors:
        return None, errors
    assert born is not None and completed is not None and hours is not None
    return (
        CompletionValues(
            completion_id=completion_id,
            course_id=course_id,
            email=email,
            legal_first_name=names["legal_first_name"],
            legal_last_name=names["legal_last_name"],
            date_of_birth=born,
            hours=hours.quantize(Decimal("0.01")),
            completed_on=completed,
        ),
        {},
    )


def completion_approval_problem(
    course_title: str, completed_on: datetime.date, approvals: Iterable[Any]
) -> str | None:
    """Why a completion of the course `course_title` on `completed_on` cannot be reported: the
    course was not approved on that date (none of its `approvals`, `CourseApproval` rows,
    covers it). The reason names the approvals there are."""
    approvals = list(approvals)
    if any(approval.covers(completed_on) for approval in approvals):
        return None
    if not approvals:
        return _(
            "“%(course)s” has never been approved, so a completion on %(date)s cannot be reported."
        ) % {"course": course_title, "date": completed_on.isoformat()}
    periods = "; ".join(
        f"{a.starts_on.isoformat()} – {a.ends_on.isoformat()}"
        + (
            " " + _("(withdrawn from %(date)s)") % {"date": a.withdrawn_on.isoformat()}
            if a.withdrawn_on
            else ""
        )
        for a in sorted(approvals, key=lambda a: a.starts_on)
    )
    return _(
        "“%(course)s” was not approved on %(date)s, the completion date (approved: %(periods)s)."
    ) % {"course": course_title, "date": completed_on.isoformat(), "periods": periods}


def completion_hours_problem(
    course_type: str, course_title: str, course_hours: Decimal, hours: Decimal
) -> str | None:
    """Why a completion reporting `hours` does not fit the approved course of `course_hours`:
    a learner cannot complete more hours than the course has, and the core course is one
    course of its full approved hours (a shorter attendance is a partial course, which never
    counts: docs/domain.md#training). A specialization or CE completion may report fewer
    hours than the course (the training and CE rules judge what it counts for)."""
    have, approved = as_hours(hours), as_hours(course_hours)
    if have > approved:
        return _(
            "“%(course)s” is approved for %(approved)s hours; a completion cannot report "
            "more (%(have)s)."
        ) % {"course": course_title, "approved": hours_text(approved), "have": hours_text(have)}
    if course_type == CourseType.CORE and have < approved:
        return _(
            "“%(course)s” is approved for %(approved)s hours and is completed only in full; "
            "this completion reports %(have)s hours. A partial course does not count."
        ) % {"course": course_title, "approved": hours_text(approved), "have": hours_text(have)}
    return None


def completion_learner_matches(
    values_email: str,
    first: str,
    last: str,
    born: datetime.date,
    *,
    email: str,
    legal_first_name: str,
    legal_last_name: str,
    date_of_birth: datetime.date | None,
) -> bool:
    """Whether a reported learner (email, legal first and last name, date of birth) is the
    person with that account email and profile: all four the same, case and spacing aside."""
    return (
        date_of_birth is not None
        and values_email.lower() == (email or "").lower()
        and born == date_of_birth
        and name_key(first) == name_key(legal_first_name)
        and name_key(last) == name_key(legal_last_name)
    )


def outcome_rate(numerator: int, denominator: int) -> float | None:
    """A share in percent, to one decimal (a course's exam pass rates); None when nothing was
    counted."""
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)
