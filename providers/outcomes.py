"""Outcomes per provider and course (issue 15 item 5; docs/domain.md#provider-outcomes): the
learners of each course, how many applied for certification, the exam pass rates (first attempt
and overall) and the median days from completing the course to certification. A selector of the
access layer: a provider's staff read their own provider's figures, state staff every
provider's; nobody else reads any (404 for one provider, PermissionDenied for all).

Who the learners of a course are:

- learners reported by the provider (completions reported at the source, once the provider
  reports them: `providers.Completion`, matched to a person);
- learners who recorded the course themselves with a certificate a county verified: a training
  record naming the provider's listed row and the course (core or an area of specialization),
  or a CE credit naming the provider and the category. Such a record names no particular course
  of the provider: it is counted for the provider's one course of that kind, and when the
  provider has several courses of that kind (an English and a Spanish core course), in a row of
  its own, "certificates uploaded by learners (course not named)".

A person counts once per row, with their first completion of it. The exam figures and the
applications are those of the core course (the exam follows the core training); a specialization
course's "certification" is the area added to the learner's certification; a CE course has its
learners only.

Small groups (our choice, `ProviderPolicy.outcomes_min_group`, 10 by default): the pass rates
are shown only when at least that many learners of the row sat the exam, the median days only
when at least that many were certified, so that no person can be singled out; the counts of
learners, applicants, candidates and certified learners are shown (a pass count is not: with
the candidates it would give the hidden rate).

The figures are aggregates over private rows of learners (training records, CE credits,
applications, exam sittings, certifications) that row-level security keeps from a provider's
staff: after the access check, one query computes them acting as the system and returns counts,
rates and medians only, never a row about a person. Two queries whatever the number of courses
and learners (the courses, the figures).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from accounts.selectors import can_read
from core.rls import rls_context
from providers.models import CeCourseCategory, CourseType, ProviderCourse, ProviderOrganisation
from providers.rules import outcome_rate
from providers.selectors import provider_ids, provider_policy, reads_every_provider


@dataclass(frozen=True)
class CourseOutcome:
    """One row of outcomes: a course of a provider (`course_id`), or the learners' own
    certificates of one kind of course when the provider has several of that kind
    (`course_id` None). Figures that do not apply to the kind of course are None; rates and the
    median are None when hidden (`rates_shown`, `median_shown`) or when nothing is recorded."""

    provider_id: int
    provider_name: str
    course_id: int | None
    course_title: str
    course_type: str
    area_code: str
    ce_category: str
    learners: int
    applied: int | None
    candidates: int | None
    first_attempt_pass_rate: float | None
    overall_pass_rate: float | None
    rates_shown: bool
    certified: int | None
    median_days_to_certification: float | None
    median_shown: bool

    @property
    def course_named(self) -> bool:
        return self.course_id is not None

    @property
    def course_type_label(self) -> str:
        return str(CourseType(self.course_type).label)

    @property
    def ce_category_label(self) -> str:
        return str(CeCourseCategory(self.ce_category).label) if self.ce_category else ""


# The figures of every row in one pass (see the module's docstring). %(providers)s: the ids.
# A "kind" of course is a provider's course type with its area or CE category; `only_course_id`
# is its one course when it has one, else NULL (the learners' own records of it get a row of
# their own).
_FIGURES_SQL = """
WITH courses AS (
    SELECT c.id AS course_id, c.provider_id, po.training_provider_id AS tp_id, c.course_type,
        CASE WHEN c.course_type = 'specialization' THEN c.area_code ELSE c.course_type END AS code,
        c.ce_category
    FROM providers_providercourse c
    JOIN providers_providerorganisation po ON po.id = c.provider_id
    WHERE c.provider_id = ANY(%(providers)s)
),
kinds AS (
    SELECT provider_id, tp_id, course_type, code, ce_category,
        CASE WHEN count(*) = 1 THEN min(course_id) END AS only_course_id
    FROM courses
    GROUP BY provider_id, tp_id, course_type, code, ce_category
),
completions AS (
    {completions}
),
recorded AS (
    SELECT k.provider_id, k.only_course_id AS course_id, k.course_type, k.code, k.ce_category,
        t.person_id, t.completed_on
    FROM training_trainingrecord t
    JOIN kinds k ON k.tp_id = t.provider_id AND k.code = t.course AND k.course_type <> 'ce'
    WHERE t.status = 'verified' AND NOT t.reported_at_source
    UNION ALL
    SELECT k.provider_id, k.only_course_id, k.course_type, k.code, k.ce_category,
        cert.holder_id, ce.completed_on
    FROM continuing_ed_cecredit ce
    JOIN certification_certification cert ON cert.id = ce.certification_id
    JOIN training_trainingprovider tp ON lower(tp.name) = lower(ce.provider_name)
    JOIN kinds k ON k.tp_id = tp.id AND k.course_type = 'ce'
        AND k.ce_category = CASE ce.category WHEN 'law_and_ethics' THEN 'law_ethics'
            ELSE ce.category END
    WHERE ce.status = 'verified' AND NOT ce.reported_at_source
),
learners AS (
    SELECT provider_id, course_id, course_type, code, ce_category, person_key,
        min(person_id) AS person_id, min(completed_on) AS completed_on
    FROM (
        SELECT provider_id, course_id, course_type, code, ce_category,
            'p' || person_id AS person_key, person_id, completed_on
        FROM recorded
        UNION ALL
        SELECT provider_id, course_id, course_type, code, ce_category,
            person_key, person_id, completed_on
        FROM completions
    ) everyone
    GROUP BY provider_id, course_id, course_type, code, ce_category, person_key
),
applied AS (
    SELECT DISTINCT a.applicant_id AS person_id
    FROM certification_application a
    WHERE a.status <> 'draft'
        AND a.applicant_id IN (SELECT person_id FROM learners WHERE course_type = 'core_80')
),
sittings AS (
    SELECT a.applicant_id AS person_id, e.result,
        row_number() OVER (PARTITION BY a.applicant_id ORDER BY e.taken_on, e.id) AS n
    FROM exams_examattempt e
    JOIN certification_application a ON a.id = e.application_id
    WHERE e.result IN ('passed', 'failed')
        AND a.applicant_id IN (SELECT person_id FROM learners WHERE course_type = 'core_80')
),
exam AS (
    SELECT person_id, bool_or(n = 1 AND result = 'passed') AS first_passed,
        bool_or(result = 'passed') AS passed
    FROM sittings
    GROUP BY person_id
),
certified AS (
    SELECT l.provider_id, l.course_id, l.course_type, l.code, l.ce_category, l.person_key,
        min(c.issued_on) - l.completed_on AS days
    FROM learners l
    JOIN certification_certification c
        ON c.holder_id = l.person_id AND c.issued_on >= l.completed_on
    WHERE l.course_type = 'core_80'
    GROUP BY l.provider_id, l.course_id, l.course_type, l.code, l.ce_category, l.person_key,
        l.completed_on
    UNION ALL
    SELECT l.provider_id, l.course_id, l.course_type, l.code, l.ce_category, l.person_key,
        min(s.added_on) - l.completed_on
    FROM learners l
    JOIN certification_certification c ON c.holder_id = l.person_id
    JOIN certification_certificationspecialization s
        ON s.certification_id = c.id AND s.code = l.code AND s.added_on >= l.completed_on
    WHERE l.course_type = 'specialization'
    GROUP BY l.provider_id, l.course_id, l.course_type, l.code, l.ce_category, l.person_key,
        l.completed_on
)
SELECT l.provider_id, l.course_id, l.course_type, l.code, l.ce_category,
    count(*) AS learners,
    count(ap.person_id) AS applied,
    count(ex.person_id) AS candidates,
    count(*) FILTER (WHERE ex.first_passed) AS first_passed,
    count(*) FILTER (WHERE ex.passed) AS passed,
    count(cd.days) AS certified,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY cd.days) AS median_days
FROM learners l
LEFT JOIN applied ap ON ap.person_id = l.person_id
LEFT JOIN exam ex ON ex.person_id = l.person_id
LEFT JOIN certified cd ON cd.provider_id = l.provider_id
    AND cd.course_id IS NOT DISTINCT FROM l.course_id AND cd.course_type = l.course_type
    AND cd.code = l.code AND cd.ce_category = l.ce_category AND cd.person_key = l.person_key
GROUP BY l.provider_id, l.course_id, l.course_type, l.code, l.ce_category
"""

# The completions the provider reported (`providers.Completion`): a learner matched to an account
# is that person; one still waiting is known by their email and date of birth. A completion the
# learner disputes, or whose record a county turned down, is no learner.
_COMPLETIONS = """
    SELECT c.provider_id, c.course_id, co.course_type, co.code, co.ce_category,
        COALESCE('p' || c.person_id, 'e' || lower(c.email) || '|' || c.date_of_birth)
            AS person_key,
        c.person_id, c.completed_on
    FROM providers_completion c
    JOIN courses co ON co.course_id = c.course_id
    LEFT JOIN training_trainingrecord tr ON tr.id = c.training_record_id
    LEFT JOIN continuing_ed_cecredit cr ON cr.id = c.ce_credit_id
    WHERE c.disputed_at IS NULL
        AND tr.status IS DISTINCT FROM 'rejected' AND cr.status IS DISTINCT FROM 'rejected'
"""


def _figures(provider_id_list: list[int]) -> dict[tuple, tuple]:
    """The figures of each row, by (provider id, course id, course type, code, CE category)."""
    sql = _FIGURES_SQL.replace("{completions}", _COMPLETIONS)
    with rls_context(system=True, savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, {"providers": provider_id_list})
        rows = cursor.fetchall()
    return {tuple(row[:5]): tuple(row[5:]) for row in rows}


def _outcome(
    provider: ProviderOrganisation,
    key: tuple,
    figures: tuple | None,
    *,
    course: ProviderCourse | None,
    min_group: int,
) -> CourseOutcome:
    _provider_id, course_id, course_type, code, ce_category = key
    learners, applied, candidates, first_passed, passed, certified, median_days = figures or (
        0,
        0,
        0,
        0,
        0,
        0,
        None,
    )
    core = course_type == CourseType.CORE
    rates_shown = core and candidates >= min_group
    median_shown = course_type != CourseType.CE and certified >= min_group
    return CourseOutcome(
        provider_id=provider.pk,
        provider_name=provider.name,
        course_id=course_id,
        course_title=course.title if course is not None else "",
        course_type=course_type,
        area_code=code if course_type == CourseType.SPECIALIZATION else "",
        ce_category=ce_category,
        learners=learners,
        applied=applied if core else None,
        candidates=candidates if core else None,
        first_attempt_pass_rate=outcome_rate(first_passed, candidates) if rates_shown else None,
        overall_pass_rate=outcome_rate(passed, candidates) if rates_shown else None,
        rates_shown=rates_shown,
        certified=certified if course_type != CourseType.CE else None,
        median_days_to_certification=(
            round(float(median_days), 1) if median_shown and median_days is not None else None
        ),
        median_shown=median_shown,
    )


def _outcomes_of(providers: list[ProviderOrganisation]) -> list[CourseOutcome]:
    if not providers:
        return []
    by_id = {provider.pk: provider for provider in providers}
    courses = list(
        ProviderCourse.objects.filter(provider_id__in=by_id).order_by("provider_id", "title", "id")
    )
    figures = _figures(list(by_id))
    min_group = provider_policy().outcomes_min_group
    rows: list[CourseOutcome] = []
    for course in courses:
        key = (
            course.provider_id,
            course.pk,
            course.course_type,
            course.course_code,
            course.ce_category,
        )
        rows.append(
            _outcome(
                by_id[course.provider_id],
                key,
                figures.get(key),
                course=course,
                min_group=min_group,
            )
        )
    # The learners' own certificates of a kind of course the provider has several of.
    for key, values in figures.items():
        if key[1] is None:
            rows.append(_outcome(by_id[key[0]], key, values, course=None, min_group=min_group))
    names = {provider.pk: provider.name.casefold() for provider in providers}
    return sorted(
        rows,
        key=lambda row: (
            names[row.provider_id],
            row.provider_id,
            row.course_id is None,
            row.course_title.casefold(),
            row.course_type,
            row.area_code,
            row.ce_category,
        ),
    )


def provider_outcomes(user, provider: ProviderOrganisation) -> list[CourseOutcome]:
    """The outcomes of `provider`'s courses, for its own staff and for state staff (Http404 for
    anyone else: another provider's figures are not found)."""
    if not can_read(user) or not (reads_every_provider(user) or provider.pk in provider_ids(user)):
        raise Http404("No such provider.")
    return _outcomes_of([provider])


def outcomes_all_providers(user) -> list[CourseOutcome]:
    """Every provider's outcomes, for state staff only (PermissionDenied otherwise)."""
    if not reads_every_provider(user):
        raise PermissionDenied
    return _outcomes_of(list(ProviderOrganisation.objects.select_related("training_provider")))


def outcomes_min_group() -> int:
    """The smallest group whose rates and median are shown (`ProviderPolicy`)."""
    return provider_policy().outcomes_min_group


__all__ = [
    "CourseOutcome",
    "outcomes_all_providers",
    "outcomes_min_group",
    "provider_outcomes",
]
