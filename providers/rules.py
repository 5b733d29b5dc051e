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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

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


# The 17 core competencies of W&I §14045.13(c), in the statute's order: (1) the concepts of
# hope, recovery and wellness; (2) the role of advocacy; (3) the role of consumers and family
# members; (4) psychiatric rehabilitation skills and service delivery, and addiction recovery
# principles, including defined practices; (5) cultural and structural competence trainings;
# (6) trauma-informed care; (7) group facilitation skills; (8) self-awareness and self-care;
# (9) co-occurring disorders of mental health and substance use; (10) conflict resolution;
# (11) professional boundaries and ethics; (12) preparation for employment opportunities
# (study and test-taking skills, application and résumé preparation, interviewing);
# (13) safety and crisis planning; (14) navigation of, and referral to, other services;
# (15) documentation skills and standards; (16) confidentiality; (17) digital literacy.
# DOMAIN.md names the first sixteen; the seventeenth is the statute's last paragraph.
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
    Competency("cultural_competence", gettext_lazy("Cultural and structural competence")),
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
    Competency("digital_literacy", gettext_lazy("Digital literacy")),
)
COMPETENCY_CODES = tuple(c.code for c in CORE_COMPETENCIES)


def competency_label(code: str) -> str:
    return next((str(c.label) for c in CORE_COMPETENCIES if c.code == code), code)


def missing_competencies(course_type: str, covered: Iterable[str]) -> list[str]:
    """The core competencies an application for a course of `course_type` leaves uncovered, in
    the statute's order: every one of the 17 for the core 80-hour course (W&I §14045.13(c)),
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
    course a curriculum mapped to each of the 17 core competencies (`coverage`: competency code
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
