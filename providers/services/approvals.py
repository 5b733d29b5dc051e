"""Approval cycles, course applications, their review and the approvals that follow
(docs/domain.md#providers).

Reviewers (state staff with `providers.review_providers`) open a cycle per course type; a
provider's staff apply for a course in an open cycle (a draft, then submitted with its
curriculum mapped to the core competencies); a reviewer requests changes (the provider edits
and submits again), approves for a period or denies with reasons. An approval lapses by itself
on its end date (reads compare dates); a reviewer may withdraw one early. Every move is checked
against the application's current status under a row lock, so a double click or two reviewers
at once make one move and the other gets a conflict; every move is audited, and provider staff
are emailed of openings, review outcomes and approvals about to lapse.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError, refuse_problems
from notifications.services import notify_many
from providers import rules
from providers.models import (
    ApplicationStatus,
    ApprovalCycle,
    CeCourseCategory,
    CompetencyCoverage,
    CourseApplication,
    CourseApproval,
    CourseLanguage,
    CourseType,
    DeliveryMode,
    ProviderCourse,
    ProviderMembership,
    ProviderOrganisation,
)
from providers.selectors import (
    approvals_lapsing,
    provider_policy,
    require_provider_staff,
    require_reviewer,
)
from providers.services.organisations import clean_choices, clean_text
from training.selectors import specialization_areas

# Email kinds sent to provider staff (templates in providers/templates/emails/).
CYCLE_OPENED = "provider_cycle_opened"
APPLICATION_APPROVED = "provider_application_approved"
APPLICATION_CHANGES_REQUESTED = "provider_application_changes_requested"
APPLICATION_DENIED = "provider_application_denied"
APPROVAL_LAPSING = "provider_approval_lapsing"
COMPLETIONS_ERRORS = "provider_completions_errors"

NOTE_MAX_CHARS = 5_000


def _hours(value: Any, *, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Enter the number of hours."), field=field) from exc
    if not hours.is_finite() or hours <= 0 or hours >= 10_000 or hours != round(hours, 2):
        raise DomainError(_("Enter a number of hours above 0, such as 80."), field=field)
    return hours


def _note(value: str, *, field: str, required: bool) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise DomainError(_("This field holds a character that is not allowed."), field=field)
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > NOTE_MAX_CHARS:
        raise DomainError(
            _("Use at most %(count)d characters.") % {"count": NOTE_MAX_CHARS}, field=field
        )
    return value


def _staff_notices(provider_id: int, kind: str, context: dict[str, Any]) -> int:
    """Queue email `kind` to every active member of the provider's staff (after commit)."""
    member_ids = ProviderMembership.objects.filter(
        provider_id=provider_id, user__is_active=True
    ).values_list("user_id", flat=True)
    return notify_many([(user_id, kind, context) for user_id in member_ids])


def _policy_contact() -> dict[str, str]:
    policy = provider_policy()
    return {"contact_email": policy.contact_email, "contact_phone": policy.contact_phone}


# Cycles --------------------------------------------------------------------------------------


def approval_cycle_open(
    *,
    actor: User,
    course_type: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    area_code: str = "",
    ce_category: str = "",
    ce_hours: Any = None,
    note: str = "",
) -> ApprovalCycle:
    """A reviewer opens a cycle for one course type (a specialization cycle for one area, a CE
    cycle for one category and number of hours). When it opens today or earlier, every
    provider's staff are told at once; otherwise the daily scan tells them on its first day."""
    require_reviewer(actor)
    today = timezone.localdate()
    if course_type not in CourseType.values:
        raise DomainError(_("Choose a course type."), field="course_type")
    hours = None
    if course_type == CourseType.SPECIALIZATION:
        offered = {area.code for area in specialization_areas() if area.offered}
        if area_code not in offered:
            raise DomainError(_("Choose an area of specialization."), field="area_code")
        ce_category = ""
    elif course_type == CourseType.CE:
        if ce_category not in CeCourseCategory.values:
            raise DomainError(_("Choose a CE category."), field="ce_category")
        hours = _hours(ce_hours, field="ce_hours")
        area_code = ""
    else:
        area_code = ce_category = ""
    if closes_on < opens_on:
        raise DomainError(_("A cycle closes on or after the day it opens."), field="closes_on")
    if closes_on < today:
        raise DomainError(_("This cycle would already be closed."), field="closes_on")
    with transaction.atomic():
        cycle = ApprovalCycle.objects.create(
            course_type=course_type,
            area_code=area_code,
            ce_category=ce_category,
            ce_hours=hours,
            opens_on=opens_on,
            closes_on=closes_on,
            note=_note(note, field="note", required=False),
            opened_by=actor,
        )
        audit_record(
            actor=actor,
            verb="approval_cycle_open",
            obj=cycle,
            to_state="open",
            data={
                "course_type": course_type,
                "area_code": area_code,
                "ce_category": ce_category,
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
            },
        )
        if opens_on <= today:
            _cycle_announce(cycle)
    return cycle


def approval_cycle_close(*, actor: User, cycle: ApprovalCycle) -> ApprovalCycle:
    """A reviewer closes a cycle before its closing date: no new application may be
    submitted in it (applications already submitted are still reviewed)."""
    require_reviewer(actor)
    with transaction.atomic():
        cycle = ApprovalCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.closed_at is not None or cycle.closes_on < timezone.localdate():
            raise DomainError(_("This cycle is already closed."), code="conflict")
        cycle.closed_at = timezone.now()
        cycle.closed_by = actor
        cycle.save(update_fields=("closed_at", "closed_by"))
        audit_record(
            actor=actor,
            verb="approval_cycle_close",
            obj=cycle,
            from_state="open",
            to_state="closed",
        )
    return cycle


def _cycle_context(cycle: ApprovalCycle) -> dict[str, Any]:
    return {
        "cycle_id": cycle.pk,
        "course_type": cycle.course_type,
        "area_code": cycle.area_code,
        "ce_category": cycle.ce_category,
        "ce_hours": str(cycle.ce_hours) if cycle.ce_hours is not None else "",
        "opens_on": cycle.opens_on.isoformat(),
        "closes_on": cycle.closes_on.isoformat(),
        **_policy_contact(),
    }


def _cycle_announce(cycle: ApprovalCycle) -> int:
    """Tell the staff of every provider that `cycle` is open (once: `announced_at`)."""
    cycle.announced_at = timezone.now()
    cycle.save(update_fields=("announced_at",))
    context = _cycle_context(cycle)
    provider_ids = ProviderOrganisation.objects.values_list("pk", flat=True)
    return sum(_staff_notices(pk, CYCLE_OPENED, context) for pk in provider_ids)


def approval_cycles_announce(today: datetime.date | None = None) -> int:
    """The daily scan (as the system): announce each cycle open today not announced yet.
    Returns the number of emails queued. Running it twice sends nothing more."""
    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        cycles = ApprovalCycle.objects.select_for_update(skip_locked=True).filter(
            announced_at__isnull=True,
            closed_at__isnull=True,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        for cycle in cycles:
            sent += _cycle_announce(cycle)
    return sent


# Courses and applications ----------------------------------------------------------------------


def _course_fields(
    *, hours: Any, languages: Iterable[str], delivery_modes: Iterable[str]
) -> dict[str, Any]:
    return {
        "hours": _hours(hours),
        "languages": clean_choices(languages, CourseLanguage.values, field="languages"),
        "delivery_modes": clean_choices(
            delivery_modes, DeliveryMode.values, field="delivery_modes"
        ),
    }


def course_application_start(
    *,
    actor: User,
    provider: ProviderOrganisation,
    cycle: ApprovalCycle,
    title: str,
    hours: Any,
    languages: Iterable[str] = (),
    delivery_modes: Iterable[str] = (),
    description: str = "",
    course: ProviderCourse | None = None,
) -> CourseApplication:
    """A provider's staff member starts an application (a draft) in an open `cycle`, for
    `course` (one of the provider's courses of the cycle's type) or a new course `title`."""
    require_provider_staff(actor, provider)
    fields = _course_fields(hours=hours, languages=languages, delivery_modes=delivery_modes)
    with transaction.atomic():
        # Read again: a cycle closed a moment ago takes nothing.
        cycle = ApprovalCycle.objects.get(pk=cycle.pk)
        if not rules.cycle_open_on(
            cycle.opens_on, cycle.closes_on, cycle.closed_at is not None, timezone.localdate()
        ):
            raise DomainError(_("This cycle is not open for applications."), code="conflict")
        if course is None:
            title = clean_text(title, field="title", limit=200)
            course = ProviderCourse.objects.filter(provider=provider, title__iexact=title).first()
        if course is None:
            course = ProviderCourse.objects.create(
                provider=provider,
                title=title,
                course_type=cycle.course_type,
                area_code=cycle.area_code,
                ce_category=cycle.ce_category,
                description=_note(description, field="description", required=False),
                **fields,
            )
        elif course.provider_id != provider.pk or (
            course.course_type,
            course.area_code,
            course.ce_category,
        ) != (cycle.course_type, cycle.area_code, cycle.ce_category):
            raise DomainError(_("This course is not of the type this cycle is for."), field="title")
        if CourseApplication.objects.filter(course=course, cycle=cycle).exists():
            raise DomainError(
                _("This course already has an application in this cycle."),
                code="conflict",
                field="title",
            )
        application = CourseApplication.objects.create(
            provider=provider, course=course, cycle=cycle, created_by=actor, **fields
        )
        audit_record(
            actor=actor,
            verb="course_application_start",
            obj=application,
            to_state=ApplicationStatus.DRAFT,
            data={"course_id": course.pk, "cycle_id": cycle.pk},
        )
    return application


def _locked_for_provider(actor: User, application: CourseApplication) -> CourseApplication:
    require_provider_staff(actor, application.provider)
    # Lock the application only (of=self): the provider's staff may not update the cycle.
    return (
        CourseApplication.objects.select_for_update(of=("self",))
        .select_related("course", "cycle", "provider")
        .get(pk=application.pk)
    )


def course_application_save(
    *,
    actor: User,
    application: CourseApplication,
    hours: Any,
    languages: Iterable[str],
    delivery_modes: Iterable[str],
    coverage: Mapping[str, str],
    coverage_hours: Mapping[str, Any] | None = None,
) -> CourseApplication:
    """The provider's staff change a draft or an application sent back for changes: hours,
    languages, delivery modes, and where the curriculum covers each core competency (a blank
    entry clears it)."""
    fields = _course_fields(hours=hours, languages=languages, delivery_modes=delivery_modes)
    unknown = set(coverage) - set(rules.COMPETENCY_CODES)
    if unknown:
        raise DomainError(_("Choose competencies from the list."), field="competencies")
    texts = {
        code: _note(text, field=f"competency_{code}", required=False)
        for code, text in coverage.items()
    }
    hours_by_code: dict[str, Decimal | None] = {}
    for code, value in (coverage_hours or {}).items():
        hours_by_code[code] = _hours(value, field=f"competency_{code}_hours") if value else None
    with transaction.atomic():
        application = _locked_for_provider(actor, application)
        if application.status not in rules.PROVIDER_EDITABLE:
            raise DomainError(_("This application can no longer be changed."), code="conflict")
        for key, value in fields.items():
            setattr(application, key, value)
        application.save(update_fields=(*fields, "updated_at"))
        for code, text in texts.items():
            if text:
                CompetencyCoverage.objects.update_or_create(
                    application=application,
                    competency=code,
                    defaults={"curriculum": text, "hours": hours_by_code.get(code)},
                )
            else:
                CompetencyCoverage.objects.filter(application=application, competency=code).delete()
        audit_record(
            actor=actor,
            verb="course_application_save",
            obj=application,
            data={"covered": sorted(code for code, text in texts.items() if text)},
        )
    return application


def course_application_submit(*, actor: User, application: CourseApplication) -> CourseApplication:
    """The provider's staff submit a draft (while its cycle is open) or an application sent
    back for changes (also after the cycle closed). Refused with the reasons when it is not
    complete (`providers.rules.application_problems`: the core course maps all 16
    competencies). The application fee due is fixed at the first submission."""
    with transaction.atomic():
        application = _locked_for_provider(actor, application)
        if application.status not in rules.PROVIDER_EDITABLE:
            raise DomainError(_("This application has already been submitted."), code="conflict")
        cycle = application.cycle
        if application.status == ApplicationStatus.DRAFT and not rules.cycle_open_on(
            cycle.opens_on, cycle.closes_on, cycle.closed_at is not None, timezone.localdate()
        ):
            raise DomainError(_("This cycle is closed: the draft can no longer be submitted."))
        coverage = dict(
            CompetencyCoverage.objects.filter(application=application).values_list(
                "competency", "curriculum"
            )
        )
        problems = rules.application_problems(
            course_type=cycle.course_type,
            hours=application.hours,
            languages=application.languages,
            delivery_modes=application.delivery_modes,
            coverage=coverage,
            ce_hours=cycle.ce_hours,
        )
        refuse_problems([reason for _field, reason in problems])
        from_state = application.status
        if application.fee_cents is None:
            application.fee_cents = provider_policy().fee_cents(cycle.course_type)
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_by = actor
        application.submitted_at = timezone.now()
        application.save(
            update_fields=("status", "fee_cents", "submitted_by", "submitted_at", "updated_at")
        )
        audit_record(
            actor=actor,
            verb="course_application_submit",
            obj=application,
            from_state=from_state,
            to_state=ApplicationStatus.SUBMITTED,
            data={"fee_cents": application.fee_cents},
        )
    return application


def course_application_withdraw(
    *, actor: User, application: CourseApplication
) -> CourseApplication:
    """The provider's staff withdraw an application not yet decided."""
    with transaction.atomic():
        application = _locked_for_provider(actor, application)
        if application.status not in rules.PROVIDER_WITHDRAWABLE:
            raise DomainError(_("This application has already been decided."), code="conflict")
        from_state = application.status
        application.status = ApplicationStatus.WITHDRAWN
        application.save(update_fields=("status", "updated_at"))
        audit_record(
            actor=actor,
            verb="course_application_withdraw",
            obj=application,
            from_state=from_state,
            to_state=ApplicationStatus.WITHDRAWN,
        )
    return application


# Review -----------------------------------------------------------------------------------------


def _locked_for_review(actor: User, application: CourseApplication) -> CourseApplication:
    require_reviewer(actor)
    application = (
        CourseApplication.objects.select_for_update(of=("self",))
        .select_related("course", "cycle", "provider__training_provider")
        .get(pk=application.pk)
    )
    if application.status not in rules.REVIEWABLE:
        raise DomainError(
            _("This application is not waiting for review (it is %(status)s).")
            % {"status": application.get_status_display()},
            code="conflict",
        )
    return application


def _decide(
    actor: User, application: CourseApplication, status: str, note: str, kind: str, **extra: Any
) -> None:
    application.status = status
    application.reviewed_by = actor
    application.reviewed_at = timezone.now()
    application.review_note = note
    application.save(
        update_fields=("status", "reviewed_by", "reviewed_at", "review_note", "updated_at")
    )
    audit_record(
        actor=actor,
        verb=f"course_application_{status}",
        obj=application,
        from_state=ApplicationStatus.SUBMITTED,
        to_state=status,
        reason=note,
        data={key: str(value) for key, value in extra.items()},
    )
    _staff_notices(
        application.provider_id,
        kind,
        {
            "application_id": application.pk,
            "course_title": application.course.title,
            "note": note,
            **{key: value.isoformat() for key, value in extra.items()},
            **_policy_contact(),
        },
    )


def course_application_request_changes(
    *, actor: User, application: CourseApplication, note: str
) -> CourseApplication:
    """A reviewer sends a submitted application back, saying what to change."""
    note = _note(note, field="note", required=True)
    with transaction.atomic():
        application = _locked_for_review(actor, application)
        _decide(
            actor,
            application,
            ApplicationStatus.CHANGES_REQUESTED,
            note,
            APPLICATION_CHANGES_REQUESTED,
        )
    return application


def course_application_deny(
    *, actor: User, application: CourseApplication, reasons: str
) -> CourseApplication:
    """A reviewer denies a submitted application, with the reasons the provider reads."""
    reasons = _note(reasons, field="reasons", required=True)
    with transaction.atomic():
        application = _locked_for_review(actor, application)
        _decide(actor, application, ApplicationStatus.DENIED, reasons, APPLICATION_DENIED)
    return application


def course_application_approve(
    *,
    actor: User,
    application: CourseApplication,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> CourseApproval:
    """A reviewer approves a submitted application for a period, from `starts_on` (today) to
    `ends_on` (the end of `ProviderPolicy.approval_months`). The course takes the hours,
    languages and delivery modes approved."""
    note = _note(note, field="note", required=False)
    starts_on = starts_on or timezone.localdate()
    ends_on = ends_on or rules.approval_period_default(starts_on, provider_policy().approval_months)
    problem = rules.approval_period_problem(starts_on, ends_on)
    if problem:
        raise DomainError(problem, field="ends_on")
    with transaction.atomic():
        application = _locked_for_review(actor, application)
        course = application.course
        course.hours = application.hours
        course.languages = application.languages
        course.delivery_modes = application.delivery_modes
        course.save(update_fields=("hours", "languages", "delivery_modes", "updated_at"))
        approval = CourseApproval.objects.create(
            provider=application.provider,
            training_provider=application.provider.training_provider,
            course=course,
            application=application,
            course_code=course.course_code,
            starts_on=starts_on,
            ends_on=ends_on,
            approved_by=actor,
        )
        _decide(
            actor,
            application,
            ApplicationStatus.APPROVED,
            note,
            APPLICATION_APPROVED,
            starts_on=starts_on,
            ends_on=ends_on,
        )
    return approval


def course_approval_withdraw(
    *, actor: User, approval: CourseApproval, withdrawn_on: datetime.date, reason: str
) -> CourseApproval:
    """A reviewer ends an approval early: completions from `withdrawn_on` on do not count."""
    require_reviewer(actor)
    reason = _note(reason, field="reason", required=True)
    with transaction.atomic():
        approval = CourseApproval.objects.select_for_update().get(pk=approval.pk)
        if approval.withdrawn_on is not None:
            raise DomainError(_("This approval was already withdrawn."), code="conflict")
        if not approval.starts_on <= withdrawn_on <= approval.ends_on:
            raise DomainError(_("Choose a day inside the approval's period."), field="withdrawn_on")
        approval.withdrawn_on = withdrawn_on
        approval.withdrawn_reason = reason
        approval.save(update_fields=("withdrawn_on", "withdrawn_reason"))
        audit_record(
            actor=actor,
            verb="course_approval_withdraw",
            obj=approval,
            reason=reason,
            data={"withdrawn_on": withdrawn_on.isoformat()},
        )
    return approval


# Scheduled notices ------------------------------------------------------------------------------


def approval_lapse_notices_send(today: datetime.date | None = None) -> int:
    """The daily scan (as the system): tell the staff of each provider whose course approval
    ends within `ProviderPolicy.lapse_notice_days` (60 by default), once per approval; an
    approval already followed by a later one of the same course is marked without an email.
    Returns the number of emails queued."""
    today = today or timezone.localdate()
    days = provider_policy().lapse_notice_days
    sent = 0
    with transaction.atomic():
        due = approvals_lapsing(today, days).select_for_update(of=("self",), skip_locked=True)
        for approval in due:
            approval.lapse_notice_sent_at = timezone.now()
            approval.save(update_fields=("lapse_notice_sent_at",))
            followed = CourseApproval.objects.filter(
                course_id=approval.course_id,
                starts_on__gt=approval.starts_on,
                withdrawn_on__isnull=True,
            ).exists()
            if followed:
                continue
            sent += _staff_notices(
                approval.provider_id,
                APPROVAL_LAPSING,
                {
                    "approval_id": approval.pk,
                    "course_title": approval.course.title,
                    "ends_on": approval.ends_on.isoformat(),
                    **_policy_contact(),
                },
            )
    return sent


def completion_upload_errors_notify(
    *, provider_id: int, upload_name: str, rows_total: int, rows_refused: int, upload_url: str
) -> int:
    """The hook for the completions upload (issue 15 item 4): tell the provider's staff that an
    upload finished with errors, and where to read them (`upload_url`, a path on this site).
    Call it once per upload, after the upload's rows are saved. Returns the emails queued."""
    return _staff_notices(
        provider_id,
        COMPLETIONS_ERRORS,
        {
            "upload_name": upload_name,
            "rows_total": rows_total,
            "rows_refused": rows_refused,
            "upload_url": upload_url,
            **_policy_contact(),
        },
    )
