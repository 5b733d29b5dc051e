"""Completions reported at the source (issue 15 item 4; docs/domain.md#providers).

A provider reports completions of its approved courses, by file upload (`providers.imports`)
or through the API with one of its API keys: each names the provider's own completion id, the
course, the learner (email, legal name, date of birth), hours and completion date.

- **Who**: a member of the provider's staff, or a current API key of that provider
  (`completions_report` checks it; nothing else of the request's user matters).
- **Refused, with the reason**: a row whose values cannot be read, a course that is not the
  provider's, a course not approved on the completion date (`rules.completion_approval_problem`),
  hours above the approved course's, or for the core course other than its approved hours
  (`rules.completion_hours_problem`), and for the core and specialization courses a
  completion that could never count (`training.rules.record_entry_problems`: before
  2022-07-01, too few hours).
- **Idempotent**: a completion id is unique per provider. Reporting it again with the same
  values changes nothing ("unchanged"); with other values it is refused as a conflict.
- **Matched**: a person whose account email, legal first and last name and date of birth are
  the completion's (`rules.completion_learner_matches`) gets the record in their log, verified
  at source: a training record (core, specialization) or a CE credit on their current
  certification (`training.services.training_record_report`, `continuing_ed.services
  .ce_credit_report`). A record that cannot be made (the same course already uploaded by the
  person, a CE completion outside the cycle) leaves the completion "not attached" with the
  reason. A CE completion for a person with no certification waits for one.
- **Unmatched** completions wait; `completions_attach_for` attaches them when a person with
  those details saves their profile (at sign-up, or adding their name or date of birth) or is
  certified (connected in `ProvidersConfig.ready`).

The matching and the writes run acting for the system (`core.rls.rls_context(system=True)`):
a provider's staff never read anyone's profile or records, only the outcome of each row.
"""

import datetime
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, hash_token_key
from audit.services import audit_record
from certification.models import (
    TERMINAL_CERTIFICATION_STATUSES,
    ApplicantProfile,
    Certification,
)
from continuing_ed.services import ReportedCe, ce_credit_report, ce_credits_report
from core.errors import DomainError
from core.rls import capability_context, rls_context
from providers import rules
from providers.models import (
    CeCourseCategory,
    Completion,
    CompletionSource,
    CompletionStatus,
    CourseApproval,
    CourseType,
    ProviderApiKey,
    ProviderCourse,
    ProviderOrganisation,
)
from providers.selectors import ADMIN_ROLES, require_provider_staff
from training import rules as training_rules
from training.services import ReportedTraining, training_record_report, training_records_report

# The CE category of a provider's course → the category of the CE credit it becomes.
CE_CATEGORY: dict[str, str] = {
    CeCourseCategory.GENERAL: "general",
    CeCourseCategory.LAW_ETHICS: "law_and_ethics",
}

# Technical limit of one report (a file or an API call): far above a provider's monthly roster.
MAX_ROWS = 50_000
# Rows matched and written per transaction, so a large report never holds locks for long.
CHUNK_ROWS = 1_000


class RowResult:
    CREATED = "created"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class CompletionOutcome:
    """What became of one reported row: created (and attached, waiting or not attached, per
    `completion.status`), unchanged (reported before with the same values) or refused, with
    the problems by field."""

    index: int
    completion_id: str
    result: str
    errors: dict[str, str] = field(default_factory=dict)
    completion: Completion | None = None
    conflict: bool = False

    @property
    def message(self) -> str:
        return " ".join(self.errors.values())


def _check_reporter(
    provider: ProviderOrganisation, actor: User | None, api_key: ProviderApiKey | None
) -> None:
    if api_key is not None:
        if api_key.provider_id != provider.pk or api_key.revoked_at is not None:
            raise PermissionDenied
        return
    require_provider_staff(actor, provider)


def _courses(provider: ProviderOrganisation, ids: Iterable[int]) -> dict[int, ProviderCourse]:
    return {
        course.pk: course
        for course in ProviderCourse.objects.filter(provider=provider, pk__in=set(ids))
        .select_related("provider__training_provider")
        .prefetch_related(
            Prefetch("approvals", queryset=CourseApproval.objects.order_by("starts_on")),
            "provider__training_provider__course_approvals",
        )
    }


def _row_problems(values: rules.CompletionValues, course: ProviderCourse | None) -> dict[str, str]:
    if course is None:
        return {
            "course_id": _("Course %(number)d is not one of your courses.")
            % {"number": values.course_id}
        }
    problem = rules.completion_approval_problem(
        course.title, values.completed_on, course.approvals.all()
    )
    if problem is not None:
        return {"completed_on": problem}
    hours_problem = rules.completion_hours_problem(
        course.course_type, course.title, course.hours, values.hours
    )
    if hours_problem is not None:
        return {"hours": hours_problem}
    if course.course_type != CourseType.CE:
        training_provider = course.provider.training_provider
        # The approval was just checked; the rule's other reasons (date, hours) remain.
        for field_name, reason in training_rules.record_entry_problems(
            course=course.course_code,
            hours=values.hours,
            completed_on=values.completed_on,
            provider=training_provider,
        ):
            if field_name != "provider":
                return {field_name: reason}
    return {}


def completions_report(
    *,
    provider: ProviderOrganisation,
    rows: Sequence[Mapping[str, Any]],
    source: str,
    actor: User | None = None,
    api_key: ProviderApiKey | None = None,
    today: datetime.date | None = None,
    dry_run: bool = False,
) -> list[CompletionOutcome]:
    """Report `rows` (mappings of `rules.COMPLETION_FIELDS`) for `provider`, as `actor` (one of
    its staff) or with `api_key` (one of its current keys); PermissionDenied otherwise. Returns
    one outcome per row, in order. Rows are independent: a refused row never stops the others.
    Safe to repeat: rows reported before are unchanged (or refused as a conflict when their
    values changed). With `dry_run`, nothing is written: "created" means it would be (the
    upload's preview)."""
    _check_reporter(provider, actor, api_key)
    if source not in CompletionSource.values:
        raise ValueError(source)
    if len(rows) > MAX_ROWS:
        raise DomainError(
            _("Report at most %(count)d completions at once.") % {"count": MAX_ROWS},
            field="rows",
        )
    today = today if today is not None else timezone.localdate()
    outcomes: list[CompletionOutcome] = []
    for start in range(0, len(rows), CHUNK_ROWS):
        outcomes += _report_chunk(
            provider=provider,
            rows=rows[start : start + CHUNK_ROWS],
            first_index=start,
            source=source,
            actor=actor,
            api_key=api_key,
            today=today,
            dry_run=dry_run,
        )
    return outcomes


def _report_chunk(
    *,
    provider: ProviderOrganisation,
    rows: Sequence[Mapping[str, Any]],
    first_index: int,
    source: str,
    actor: User | None,
    api_key: ProviderApiKey | None,
    today: datetime.date,
    dry_run: bool = False,
) -> list[CompletionOutcome]:
    parsed: list[tuple[CompletionOutcome, rules.CompletionValues | None]] = []
    for offset, raw in enumerate(rows):
        values, errors = rules.completion_values(raw, today=today)
        completion_id = values.completion_id if values else str(raw.get("completion_id") or "")
        outcome = CompletionOutcome(
            index=first_index + offset,
            completion_id=completion_id[: rules.COMPLETION_ID_MAX_LENGTH],
            result=RowResult.REFUSED if errors else RowResult.CREATED,
            errors=errors,
        )
        parsed.append((outcome, values))
    readable = [(o, v) for o, v in parsed if v is not None]
    with rls_context(system=True):
        courses = _courses(provider, (v.course_id for _o, v in readable))
        existing = {
            c.completion_id: c
            for c in Completion.objects.filter(
                provider=provider, completion_id__in=[v.completion_id for _o, v in readable]
            )
        }
        seen: dict[str, str] = {}
        new: list[tuple[CompletionOutcome, rules.CompletionValues]] = []
        for outcome, values in readable:
            digest = values.digest()
            earlier = existing.get(values.completion_id)
            if earlier is not None or values.completion_id in seen:
                same = (earlier.payload_sha256 if earlier else seen[values.completion_id]) == digest
                if same:
                    outcome.result = RowResult.UNCHANGED
                    outcome.completion = earlier
                else:
                    outcome.result = RowResult.REFUSED
                    outcome.conflict = True
                    outcome.errors = {
                        "completion_id": _(
                            "Completion %(id)s was reported before with other details. "
                            "Nothing was changed; write to the program to correct it."
                        )
                        % {"id": values.completion_id}
                    }
                continue
            problems = _row_problems(values, courses.get(values.course_id))
            if problems:
                outcome.result = RowResult.REFUSED
                outcome.errors = problems
                continue
            seen[values.completion_id] = digest
            new.append((outcome, values))
        if dry_run:
            return [outcome for outcome, _values in parsed]
        created = Completion.objects.bulk_create(
            [
                Completion(
                    provider=provider,
                    course=courses[values.course_id],
                    completion_id=values.completion_id,
                    email=values.email,
                    legal_first_name=values.legal_first_name,
                    legal_last_name=values.legal_last_name,
                    date_of_birth=values.date_of_birth,
                    hours=values.hours,
                    completed_on=values.completed_on,
                    payload_sha256=values.digest(),
                    source=source,
                    reported_by=actor if api_key is None else None,
                    api_key=api_key,
                )
                for _o, values in new
            ]
        )
        for (outcome, _values), completion in zip(new, created, strict=True):
            completion.course = courses[completion.course_id]
            outcome.completion = completion
        _match(created, today=today)
        if created:
            audit_record(
                actor=actor if api_key is None else None,
                verb="completions_report",
                obj=provider,
                data={
                    "source": source,
                    "api_key_id": api_key.pk if api_key else None,
                    "created": len(created),
                    "attached": sum(c.status == CompletionStatus.ATTACHED for c in created),
                    "rows": len(rows),
                },
            )
    return [outcome for outcome, _values in parsed]


def _people(completions: Sequence[Completion]) -> dict[str, list[ApplicantProfile]]:
    """The applicant profiles, by lower-cased account email, of the people the completions
    may be about (one query)."""
    emails = {c.email.lower() for c in completions}
    profiles: dict[str, list[ApplicantProfile]] = defaultdict(list)
    if not emails:
        return profiles
    for profile in (
        ApplicantProfile.objects.annotate(email_key=Lower("user__email"))
        .filter(email_key__in=emails, date_of_birth__isnull=False, user__is_active=True)
        .select_related("user")
    ):
        profiles[profile.user.email.lower()].append(profile)
    return profiles


def _learner(
    completion: Completion, profiles: Iterable[ApplicantProfile], user: User | None = None
) -> User | None:
    for profile in profiles:
        person = user if user is not None else profile.user
        if rules.completion_learner_matches(
            completion.email,
            completion.legal_first_name,
            completion.legal_last_name,
            completion.date_of_birth,
            email=person.email,
            legal_first_name=profile.legal_first_name,
            legal_last_name=profile.legal_last_name,
            date_of_birth=profile.date_of_birth,
        ):
            return person
    return None


def _match(completions: Sequence[Completion], *, today: datetime.date) -> None:
    """Attach each of `completions` (waiting) whose learner has an account (system context):
    the training records of a whole chunk at once (`training.services.training_records_report`),
    the CE credits likewise (`continuing_ed.services.ce_credits_report`)."""
    profiles = _people(completions)
    training: list[tuple[Completion, User]] = []
    ce: list[tuple[Completion, User]] = []
    for completion in completions:
        person = _learner(completion, profiles.get(completion.email.lower(), ()))
        if person is None:
            continue
        if completion.course.course_type == CourseType.CE:
            ce.append((completion, person))
        else:
            training.append((completion, person))
    if training:
        _attach_training(training)
    if ce:
        _attach_ce(ce, today=today)


def _current_certifications(people: Iterable[int]) -> dict[int, Certification]:
    """`_current_certification` of each of `people` that holds one (one query)."""
    return {
        certification.holder_id: certification
        for certification in Certification.objects.filter(holder_id__in=set(people))
        .exclude(status__in=TERMINAL_CERTIFICATION_STATUSES)
        .order_by("holder_id", "-issued_on", "-id")
        .distinct("holder_id")
    }


def _attach_ce(pairs: Sequence[tuple[Completion, User]], *, today: datetime.date) -> None:
    """`_attach` for a chunk's matched CE completions, set-based: the current certifications
    read in one query, the credits made by `continuing_ed.services.ce_credits_report`, the
    completions updated in one statement (those whose learner holds no certification yet
    keep waiting, with the note)."""
    current = _current_certifications(person.pk for _completion, person in pairs)
    waiting = [completion for completion, person in pairs if person.pk not in current]
    for completion in waiting:
        completion.note = _no_certification_note()
    _save_notes(waiting)
    certified = [(c, p) for c, p in pairs if p.pk in current]
    if not certified:
        return
    results = ce_credits_report(
        [
            ReportedCe(
                certification_id=current[person.pk].pk,
                title=completion.course.title,
                provider_name=completion.course.provider.training_provider.name,
                hours=completion.hours,
                category=CE_CATEGORY.get(completion.course.ce_category, "general"),
                completed_on=completion.completed_on,
                reported_as=f"{completion.course.provider_id}:{completion.completion_id}",
            )
            for completion, person in certified
        ],
        today=today,
    )
    now = timezone.now()
    for (completion, person), result in zip(certified, results, strict=True):
        completion.person = person
        completion.matched_at = now
        if isinstance(result, DomainError):
            completion.status = CompletionStatus.NOT_ATTACHED
            completion.note = str(result.message)
        else:
            completion.status = CompletionStatus.ATTACHED
            completion.ce_credit = result
            completion.note = ""
    _save_matches([completion for completion, _person in certified], matched_at=now)


def _no_certification_note() -> str:
    return _(
        "The learner holds no certification yet: the CE credit is recorded when they are certified."
    )


def _attach_training(pairs: Sequence[tuple[Completion, User]]) -> None:
    results = training_records_report(
        [
            ReportedTraining(
                person=person,
                provider=completion.course.provider.training_provider,
                course=completion.course.course_code,
                hours=completion.hours,
                completed_on=completion.completed_on,
                reported_as=f"{completion.course.provider_id}:{completion.completion_id}",
            )
            for completion, person in pairs
        ]
    )
    now = timezone.now()
    for (completion, person), result in zip(pairs, results, strict=True):
        completion.person = person
        completion.matched_at = now
        if isinstance(result, DomainError):
            completion.status = CompletionStatus.NOT_ATTACHED
            completion.note = str(result.message)
        else:
            completion.status = CompletionStatus.ATTACHED
            completion.training_record = result
            completion.note = ""
    _save_matches([completion for completion, _person in pairs], matched_at=now)


# The matched completions of a chunk written in one statement: Django's bulk_update builds a
# CASE expression per field and row (most of a 10,000-row import's time, benchmarks/RESULTS.md
# "Completions import").
_SAVE_MATCHES_SQL = (
    "UPDATE {table} AS c SET status = m.status, person_id = m.person_id, "
    "matched_at = %s, note = m.note, training_record_id = m.training_record_id, "
    "ce_credit_id = m.ce_credit_id "
    "FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::text[], %s::bigint[], "
    "%s::bigint[]) AS m(id, status, person_id, note, training_record_id, ce_credit_id) "
    "WHERE c.id = m.id"
)
_SAVE_NOTES_SQL = (
    "UPDATE {table} AS c SET note = m.note "
    "FROM unnest(%s::bigint[], %s::text[]) AS m(id, note) WHERE c.id = m.id"
)


def _save_notes(completions: Sequence[Completion]) -> None:
    """Write the note of `completions` (and nothing else) with one UPDATE."""
    if not completions:
        return
    using = router.db_for_write(Completion)
    sql = _SAVE_NOTES_SQL.format(table=connections[using].ops.quote_name(Completion._meta.db_table))
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [[c.pk for c in completions], [c.note for c in completions]])


def _save_matches(completions: Sequence[Completion], *, matched_at: datetime.datetime) -> None:
    """Write the status, person, match time, note and training record of `completions` (all
    matched at `matched_at`) with one UPDATE."""
    if not completions:
        return
    sql = _SAVE_MATCHES_SQL.format(
        table=connections[router.db_for_write(Completion)].ops.quote_name(Completion._meta.db_table)
    )
    with connections[router.db_for_write(Completion)].cursor() as cursor:
        cursor.execute(
            sql,
            [
                matched_at,
                [c.pk for c in completions],
                [c.status for c in completions],
                [c.person_id for c in completions],
                [c.note for c in completions],
                [c.training_record_id for c in completions],
                [c.ce_credit_id for c in completions],
            ],
        )


def _current_certification(person: User) -> Certification | None:
    return (
        Certification.objects.filter(holder=person)
        .exclude(status__in=TERMINAL_CERTIFICATION_STATUSES)
        .order_by("-issued_on", "-id")
        .first()
    )


def _attach(completion: Completion, person: User, *, today: datetime.date) -> None:
    """Make `completion`'s record in `person`'s log (verified at source), or note why not."""
    course = completion.course
    training_provider = course.provider.training_provider
    reported_as = f"{course.provider_id}:{completion.completion_id}"
    status = CompletionStatus.ATTACHED
    note = ""
    record_fields: dict[str, Any] = {}
    try:
        with transaction.atomic():
            if course.course_type == CourseType.CE:
                certification = _current_certification(person)
                if certification is None:
                    completion.note = _no_certification_note()
                    completion.save(update_fields=["note"])
                    return
                record_fields["ce_credit"] = ce_credit_report(
                    certification=certification,
                    title=course.title,
                    provider_name=training_provider.name,
                    hours=completion.hours,
                    category=CE_CATEGORY.get(course.ce_category, "general"),
                    completed_on=completion.completed_on,
                    reported_as=reported_as,
                    today=today,
                )
            else:
                record_fields["training_record"] = training_record_report(
                    person=person,
                    provider=training_provider,
                    course=course.course_code,
                    hours=completion.hours,
                    completed_on=completion.completed_on,
                    reported_as=reported_as,
                )
    except DomainError as error:
        status = CompletionStatus.NOT_ATTACHED
        note = str(error.message)
    completion.status = status
    completion.person = person
    completion.matched_at = timezone.now()
    completion.note = note
    for name, value in record_fields.items():
        setattr(completion, name, value)
    completion.save(
        update_fields=[
            "status",
            "person",
            "matched_at",
            "note",
            "training_record",
            "ce_credit",
        ]
    )


def completions_attach_for(
    user: User,
    *,
    profile: ApplicantProfile | None = None,
    today: datetime.date | None = None,
) -> int:
    """Attach the waiting completions about `user` (their account email, legal name and date
    of birth, from `profile` when given), acting for the system: called when they save their
    profile or are certified. Returns how many were matched."""
    if profile is None:
        profile = ApplicantProfile.objects.filter(user_id=user.pk).first()
    if profile is None or profile.date_of_birth is None or not user.email:
        return 0
    today = today if today is not None else timezone.localdate()
    matched = 0
    with rls_context(system=True):
        waiting = list(
            Completion.objects.annotate(email_key=Lower("email"))
            .filter(
                status=CompletionStatus.WAITING,
                email_key=user.email.lower(),
                date_of_birth=profile.date_of_birth,
            )
            .select_related("course__provider__training_provider")
            .select_for_update(of=("self",))
        )
        for completion in waiting:
            if _learner(completion, [profile], user) is not None:
                _attach(completion, user, today=today)
                matched += completion.status != CompletionStatus.WAITING
    return matched


DISPUTE_MAX_CHARS = 2_000


def completion_dispute(*, person: User, completion: Completion, reason: str) -> Completion:
    """The learner disputes a completion reported about them (it is not theirs, or the details
    are wrong), with a reason the provider and the county read. The record stays as it is
    until a county reviewer rejects it or the provider corrects it with the program. Only the
    learner it was matched to; once (a conflict after)."""
    if person is None or not person.is_authenticated or completion.person_id != person.pk:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say what is wrong with this record."), field="reason")
    if len(reason) > DISPUTE_MAX_CHARS:
        raise DomainError(
            _("Use at most %(count)d characters.") % {"count": DISPUTE_MAX_CHARS}, field="reason"
        )
    with transaction.atomic():
        locked = Completion.objects.select_for_update().get(pk=completion.pk)
        if locked.disputed_at is not None:
            raise DomainError(_("You have already disputed this record."), code="conflict")
        locked.disputed_at = timezone.now()
        locked.dispute_reason = reason
        locked.save(update_fields=["disputed_at", "dispute_reason"])
        audit_record(
            actor=person,
            verb="completion_dispute",
            obj=locked,
            subject=person,
            reason=reason,
            data={"provider_id": locked.provider_id, "completion_id": locked.completion_id},
        )
    return locked


# API keys --------------------------------------------------------------------------------------

API_KEY_NAME_MAX = 100


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: `key` is shown once and never stored."""

    api_key: ProviderApiKey
    key: str


def provider_api_key_create(*, actor: User, provider: ProviderOrganisation, name: str) -> NewApiKey:
    """A new API key for `provider`, by one of its administrators. Only the key's SHA-256 hash
    is stored; the key itself is returned once."""
    require_provider_staff(actor, provider, roles=ADMIN_ROLES)
    name = " ".join((name or "").split())
    if not name or len(name) > API_KEY_NAME_MAX:
        raise DomainError(
            _("Name the key (where it is used), at most %(count)d characters.")
            % {"count": API_KEY_NAME_MAX},
            field="name",
        )
    key = "pk_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        api_key = ProviderApiKey.objects.create(
            provider=provider,
            name=name,
            prefix=key[:8],
            key_hash=hash_token_key(key),
            created_by=actor,
        )
        audit_record(actor=actor, verb="provider_api_key_create", obj=api_key, data={"name": name})
    return NewApiKey(api_key=api_key, key=key)


def provider_api_key_revoke(*, actor: User, api_key: ProviderApiKey) -> ProviderApiKey:
    """Revoke `api_key`, by an administrator of its provider (at once; a conflict if it was)."""
    require_provider_staff(actor, api_key.provider, roles=ADMIN_ROLES)
    with transaction.atomic():
        locked = ProviderApiKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.revoked_at is not None:
            raise DomainError(_("This key was already revoked."), code="conflict")
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(actor=actor, verb="provider_api_key_revoke", obj=locked)
    return locked


def provider_api_key_authenticate(key: str) -> ProviderApiKey | None:
    """The current (not revoked) key `key`, with its provider, or None; touches its last use
    at most once a minute. Found by the key's hash, which opens its row (the capability)."""
    if not key or len(key) > 200:
        return None
    key_hash = hash_token_key(key)
    with capability_context(key_hash):
        api_key = (
            ProviderApiKey.objects.select_related("provider__training_provider")
            .filter(key_hash=key_hash, revoked_at__isnull=True)
            .first()
        )
        if api_key is None:
            return None
        now = timezone.now()
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ProviderApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key
