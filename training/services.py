"""Writes for training records: a person adds one (pending), county staff verify or reject it.

Who reviews a record: a reviewer or admin of a county where the person has an application
that is no longer a draft or holds a certification (the same counties that may read it,
`certification.selectors.person_records_visible`). Applications and certifications belong to
the `certification` app above this one, so they are reached through the person's reverse
relations, never imported.
State staff read everything and write nothing; nobody reviews their own training.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from core.errors import DomainError
from core.review import ReviewStatus, review_decide
from core.units import hours_text, hours_value
from counties.models import County
from counties.selectors import staff_counties
from documents.models import Document
from documents.services import document_upload
from notifications.services import notify
from training import rules as training_rules
from training.models import Course, SpecializationArea, TrainingProvider, TrainingRecord

CERTIFICATE_KIND = "training_certificate"


def _check_certificate(certificate, person: User) -> None:
    if certificate.owner_id != person.pk or certificate.removed_at is not None:
        raise DomainError(_("Choose one of your own uploaded documents."), field="certificate")
    if certificate.kind != CERTIFICATE_KIND:
        raise DomainError(
            _("The proof must be uploaded as a training certificate."), field="certificate"
        )


def _core_completed_on(person: User) -> datetime.date | None:
    """When the person's core training was completed, as far as it is known when a
    specialization course is entered: the earliest core record not rejected that could count
    (verified or still pending review); None when there is none."""
    dates = [
        record.completed_on
        for record in TrainingRecord.objects.filter(person=person, course=Course.CORE_80)
        .exclude(status=ReviewStatus.REJECTED)
        .select_related("provider")
        if not training_rules.record_entry_problems(
            course=record.course,
            hours=record.hours,
            completed_on=record.completed_on,
            provider=record.provider,
        )
    ]
    return min(dates, default=None)


def training_record_add(
    *,
    person: User,
    provider: TrainingProvider,
    course: str,
    hours: Decimal | int | str,
    completed_on: datetime.date,
    certificate: Document | None = None,
    certificate_file: IO[bytes] | None = None,
    today: datetime.date | None = None,
) -> TrainingRecord:
    """Record training `person` completed, pending review, with its proof: `certificate`, a
    training certificate the person already uploaded, or `certificate_file`, stored here as one
    in the same transaction (`documents.services.document_upload`: checked by content,
    DomainError on "file"), so the proof and the record stand or fall together.

    Refuses (DomainError on the field) an unknown course, hours that are not positive or have
    more than two decimals, a completion date after `today`, a provider that does not exist,
    a certificate that is not the person's own current training certificate, and the same
    course from the same provider on the same date already recorded and not rejected (it would
    count twice). Refuses as well, when entered, a record that could never count
    (`training.rules.record_entry_problems`): completed before 2022-07-01, from a provider not
    approved on the completion date, or fewer hours than one full course (80 core, 40
    specialization; records are not added up), and a specialization course (the code of an
    area still offered) completed on or before the day the person's core training was
    (`training.rules.specialization_order_problem`). Whether a verified record counts is
    `training.rules`' call.
    """
    if person is None or not person.is_authenticated:
        raise PermissionDenied
    today = today if today is not None else timezone.localdate()
    is_area = SpecializationArea.objects.filter(code=course, offered=True).exists()
    if course != Course.CORE_80 and not is_area:
        raise DomainError(_("Choose the course you completed."), field="course")
    hours = hours_value(hours)
    if completed_on is None or completed_on > today:
        raise DomainError(_("The completion date cannot be in the future."), field="completed_on")
    # Read again: the approval period that decides is the one stored now.
    stored = TrainingProvider.objects.filter(pk=provider.pk).first() if provider else None
    if stored is None:
        raise DomainError(_("Choose a training provider from the list."), field="provider")
    provider = stored
    problems = training_rules.record_entry_problems(
        course=course, hours=hours, completed_on=completed_on, provider=provider
    )
    if problems:
        field, problem = problems[0]
        raise DomainError(problem, field=field)
    if certificate is not None:
        _check_certificate(certificate, person)
    with transaction.atomic():
        # One add at a time per person, so two quick submissions cannot both pass the
        # duplicate check below.
        User.objects.select_for_update().get(pk=person.pk)
        duplicate = (
            TrainingRecord.objects.filter(
                person=person, provider=provider, course=course, completed_on=completed_on
            )
            .exclude(status=ReviewStatus.REJECTED)
            .exists()
        )
        if duplicate:
            raise DomainError(
                _("You already added this course from this provider, completed on %(date)s.")
                % {"date": completed_on.isoformat()},
                code="conflict",
            )
        if course != Course.CORE_80:
            out_of_order = training_rules.specialization_order_problem(
                completed_on, _core_completed_on(person)
            )
            if out_of_order is not None:
                raise DomainError(out_of_order, field="completed_on")
        if certificate_file is not None:
            certificate = document_upload(
                owner=person, kind=CERTIFICATE_KIND, uploaded_file=certificate_file
            )
        record = TrainingRecord.objects.create(
            person=person,
            provider=provider,
            course=course,
            hours=hours,
            completed_on=completed_on,
            certificate=certificate,
        )
        audit_record(
            actor=person,
            verb="training_record_add",
            obj=record,
            subject=person,
            to_state=record.status,
            data={"course": course, "hours": str(hours), "provider_id": provider.pk},
        )
    return record


def training_record_report(
    *,
    person: User,
    provider: TrainingProvider,
    course: str,
    hours: Decimal | int | str,
    completed_on: datetime.date,
    reported_as: str,
) -> TrainingRecord:
    """Record training `person` completed as reported by the provider itself (issue 15: a
    provider's completion, `providers.services.completions`): verified at source, with no
    certificate and no county review (`reported_at_source`), audited as the system. The caller
    has checked who reports and that the provider's course was approved on the completion
    date; `reported_as` names the report (the provider's completion id) in the audit trail.

    Refuses (DomainError) what `training_record_add` refuses of the course itself
    (`training.rules.record_entry_problems`), a specialization completed on or before the
    person's core training, and the same course from the same provider on the same date
    already recorded and not rejected (a conflict: the person uploaded it themselves)."""
    hours = hours_value(hours)
    problems = training_rules.record_entry_problems(
        course=course, hours=hours, completed_on=completed_on, provider=provider
    )
    if problems:
        field, problem = problems[0]
        raise DomainError(problem, field=field)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=person.pk)
        duplicate = (
            TrainingRecord.objects.filter(
                person=person, provider=provider, course=course, completed_on=completed_on
            )
            .exclude(status=ReviewStatus.REJECTED)
            .exists()
        )
        if duplicate:
            raise DomainError(
                _("This course from this provider, completed on %(date)s, is already recorded.")
                % {"date": completed_on.isoformat()},
                code="conflict",
            )
        if course != Course.CORE_80:
            out_of_order = training_rules.specialization_order_problem(
                completed_on, _core_completed_on(person)
            )
            if out_of_order is not None:
                raise DomainError(out_of_order, field="completed_on")
        record = TrainingRecord.objects.create(
            person=person,
            provider=provider,
            course=course,
            hours=hours,
            completed_on=completed_on,
            status=ReviewStatus.VERIFIED,
            reviewed_at=timezone.now(),
            reported_at_source=True,
        )
        audit_record(
            actor=None,
            verb="training_record_report",
            obj=record,
            subject=person,
            to_state=record.status,
            data={
                "course": course,
                "hours": str(hours),
                "provider_id": provider.pk,
                "reported_as": reported_as,
            },
        )
    return record


@dataclass(frozen=True)
class ReportedTraining:
    """One completion a provider reported, for `training_records_report`."""

    person: User
    provider: TrainingProvider
    course: str
    hours: Decimal
    completed_on: datetime.date
    reported_as: str


def training_records_report(
    items: Sequence[ReportedTraining],
) -> list[TrainingRecord | DomainError]:
    """`training_record_report` for many completions at once, set-based (a provider's file of
    thousands): for each item in order, its record (verified at source) or the DomainError
    that refuses it, by the same rules, with a handful of queries per call whatever its size.
    The people are locked in id order (as one add at a time per person), the duplicates and
    the core training they already have read in one query each, the records and their audit
    events written with one INSERT each. Give `provider` with its `course_approvals`
    prefetched to keep the rules free of queries."""
    results: list[TrainingRecord | DomainError | None] = [None] * len(items)
    for index, item in enumerate(items):
        problems = training_rules.record_entry_problems(
            course=item.course,
            hours=item.hours,
            completed_on=item.completed_on,
            provider=item.provider,
        )
        if problems:
            field_name, problem = problems[0]
            results[index] = DomainError(problem, field=field_name)
    todo = [index for index, result in enumerate(results) if result is None]
    if not todo:
        return [result for result in results if result is not None]
    person_ids = sorted({items[index].person.pk for index in todo})
    with transaction.atomic():
        list(
            User.objects.select_for_update()
            .filter(pk__in=person_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        kept = (
            TrainingRecord.objects.filter(person_id__in=person_ids)
            .exclude(status=ReviewStatus.REJECTED)
            .select_related("provider")
            .prefetch_related("provider__course_approvals")
        )
        taken: set[tuple[int, int, str, datetime.date]] = set()
        core_on: dict[int, datetime.date] = {}
        for record in kept:
            taken.add((record.person_id, record.provider_id, record.course, record.completed_on))
            if record.course == Course.CORE_80 and not training_rules.record_entry_problems(
                course=record.course,
                hours=record.hours,
                completed_on=record.completed_on,
                provider=record.provider,
            ):
                earlier = core_on.get(record.person_id)
                core_on[record.person_id] = min(record.completed_on, earlier or record.completed_on)
        now = timezone.now()
        new: list[tuple[int, TrainingRecord]] = []
        for index in todo:
            item = items[index]
            key = (item.person.pk, item.provider.pk, item.course, item.completed_on)
            if key in taken:
                results[index] = DomainError(
                    _("This course from this provider, completed on %(date)s, is already recorded.")
                    % {"date": item.completed_on.isoformat()},
                    code="conflict",
                )
                continue
            if item.course != Course.CORE_80:
                out_of_order = training_rules.specialization_order_problem(
                    item.completed_on, core_on.get(item.person.pk)
                )
                if out_of_order is not None:
                    results[index] = DomainError(out_of_order, field="completed_on")
                    continue
            else:
                earlier = core_on.get(item.person.pk)
                core_on[item.person.pk] = min(item.completed_on, earlier or item.completed_on)
            taken.add(key)
            new.append(
                (
                    index,
                    TrainingRecord(
                        person=item.person,
                        provider=item.provider,
                        course=item.course,
                        hours=hours_value(item.hours),
                        completed_on=item.completed_on,
                        status=ReviewStatus.VERIFIED,
                        reviewed_at=now,
                        reported_at_source=True,
                    ),
                )
            )
        created = TrainingRecord.objects.bulk_create([record for _index, record in new])
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=None,
                    verb="training_record_report",
                    object_type=TrainingRecord._meta.label_lower,
                    object_id=record.pk,
                    subject_id=record.person_id,
                    to_state=record.status,
                    data={
                        "course": record.course,
                        "hours": str(record.hours),
                        "provider_id": record.provider_id,
                        "reported_as": items[index].reported_as,
                    },
                )
                for (index, _record), record in zip(new, created, strict=True)
            ]
        )
        for (index, _record), record in zip(new, created, strict=True):
            results[index] = record
    return [result for result in results if result is not None]


def reviewing_county(actor: User | None, person: User) -> County:
    """The county in which `actor` may review `person`'s training (the first by name when
    several), or PermissionDenied."""
    if actor is None or not actor.is_authenticated or actor.is_state_staff:
        raise PermissionDenied
    if actor.pk == person.pk:
        raise PermissionDenied
    applied = person.applications.exclude(status="draft").values("county")
    certified = person.certifications.values("issuing_county")
    county = (
        staff_counties(actor)
        .filter(Q(pk__in=applied) | Q(pk__in=certified))
        .order_by("name")
        .first()
    )
    if county is None:
        raise PermissionDenied
    return county


def _review(
    *, actor: User, county: County, record: TrainingRecord, verb: str, to_state: str, reason: str
) -> TrainingRecord:
    """Move a pending record to `to_state` under a row lock and audit it as `verb`. A record
    reported by its provider (verified at source) may still be rejected."""
    with transaction.atomic():
        locked = TrainingRecord.objects.select_for_update().get(pk=record.pk)
        from_state = locked.status
        from_states: tuple[str, ...] = (ReviewStatus.PENDING,)
        if locked.reported_at_source and to_state == ReviewStatus.REJECTED:
            from_states = (ReviewStatus.PENDING, ReviewStatus.VERIFIED)
        review_decide(
            locked,
            actor=actor,
            to_state=to_state,
            reason=reason,
            refused=_("This training record is already %(status)s."),
            from_states=from_states,
        )
        audit_record(
            actor=actor,
            verb=verb,
            obj=locked,
            county=county,
            subject=record.person,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data={"course": locked.course, "hours": str(locked.hours)},
        )
    return locked


def training_record_verify(*, actor: User, record: TrainingRecord) -> TrainingRecord:
    """pending → verified, by a reviewer or admin of a county the person applied to or was
    certified by (PermissionDenied otherwise; DomainError conflict if no longer pending)."""
    county = reviewing_county(actor, record.person)
    return _review(
        actor=actor,
        county=county,
        record=record,
        verb="training_record_verify",
        to_state=ReviewStatus.VERIFIED,
        reason="",
    )


def training_record_reject(*, actor: User, record: TrainingRecord, reason: str) -> TrainingRecord:
    """pending (or verified at source: reported by the provider) → rejected with a reason the
    person will read (required); same reviewers as `training_record_verify`. A record reported
    at source: the person is emailed the reason and what to do next."""
    county = reviewing_county(actor, record.person)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for rejecting this training."), field="reason")
    with transaction.atomic():
        rejected = _review(
            actor=actor,
            county=county,
            record=record,
            verb="training_record_reject",
            to_state=ReviewStatus.REJECTED,
            reason=reason,
        )
        if rejected.reported_at_source:
            # The learner never entered this record and read it as verified: tell them why it
            # no longer counts and what to do next (their own uploads show on their page).
            provider = TrainingProvider.objects.filter(pk=rejected.provider_id).first()
            notify(
                user=record.person,
                kind="training_record_rejected",
                context={
                    "training_record_id": rejected.pk,
                    "provider_name": provider.name if provider else "",
                    "hours": hours_text(rejected.hours),
                    "completed_on": rejected.completed_on.isoformat(),
                    "reason": reason,
                    "county_name": county.name,
                },
            )
    return rejected
