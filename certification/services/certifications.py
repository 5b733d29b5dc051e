"""The certification life cycle (docs/architecture.md#life-cycles):

issue → active → expired → active (reinstatement) | vacated; active ⇄ suspended;
active/suspended → revoked; renewal extends an active certification by 2 years, same number.

Each service locks the certification row (after the application row, when both are
involved), writes one audit event per changed row, emails the holder and queues the
certificate rendering on commit. `updated_at` moves with every change: the roster's
`updated_since` filter relies on it.
"""

import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from certification import rules
from certification.events import certification_changed
from certification.models import (
    TERMINAL_CERTIFICATION_STATUSES,
    ApplicantProfile,
    Application,
    ApplicationStatus,
    Certification,
    CertificationSpecialization,
    CertificationStatus,
    CodeOfEthicsVersion,
    OutOfStateCeRecord,
    Renewal,
    RenewalKind,
)
from certification.numbers import number_format
from certification.services._common import (
    application_state_conflict,
    certification_state_conflict,
    is_holder,
    lock_application,
    lock_certification,
    participation_problems,
    require_current_ethics,
    require_reason,
    today_or,
)
from continuing_ed import rules as ce_rules
from continuing_ed.models import CeCredit
from core import policy
from core.errors import DomainError, refuse_problems
from core.units import hours_text
from counties.models import ProgramPolicy
from counties.selectors import ADMIN_ROLES, REVIEW_ROLES, require_staff
from documents.models import Document
from exams.models import ExamAttempt
from fees.rules import dollars, unpaid_fee_problems
from fees.selectors import fee_amounts_of, unpaid_fees_of_certification, unpaid_lines
from fees.services import fee_due_record
from jobs.services import enqueue
from notifications.services import notify
from training.models import Course, TrainingRecord
from training.rules import core_training_completed_on
from training.selectors import specialization_area_names

C = CertificationStatus
CERTIFICATE_RENDER_TASK = "certification.tasks.certificate_render"
# The same task for set-based callers (the expiry scan), on the bulk queue.
CERTIFICATE_RENDER_BULK_TASK = "certification.tasks.certificate_render_bulk"


def next_certification_number() -> str:
    """The next number from the `certification_number_seq` sequence, e.g. PSS-0001000.
    Unique under any concurrency; a rolled-back issue burns its number (never reused)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('certification_number_seq')")
        (value,) = cursor.fetchone()
    return number_format(value)


def _certification_context(certification: Certification, **extra: Any) -> dict[str, Any]:
    return {
        "certification_id": certification.pk,
        "number": certification.number,
        "status": certification.status,
        "county_name": certification.issuing_county.name,
        "issued_on": certification.issued_on.isoformat(),
        "expires_on": certification.expires_on.isoformat(),
        **extra,
    }


def _renewal_context(certification: Certification) -> dict[str, Any]:
    """What the holder needs to know to renew: when renewal opens and the CE it needs."""
    return {
        "renewal_opens_on": rules.renewal_window_opens(certification.expires_on).isoformat(),
        "ce_hours": hours_text(policy.CE_HOURS_REQUIRED),
        "law_and_ethics_hours": hours_text(policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED),
    }


def _after_change(certification: Certification, kind: str | None, **context: Any) -> None:
    """On commit: email the holder (`kind`) and re-render the certificate."""
    if kind is not None:
        notify(
            user=certification.holder,
            kind=kind,
            context=_certification_context(certification, **context),
        )
    enqueue(CERTIFICATE_RENDER_TASK, certification_id=certification.pk)


def _set_status(
    certification: Certification,
    *,
    actor: User | None,
    verb: str,
    to_state: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    update_fields: tuple[str, ...] = (),
    keep_status_reason: bool = False,
) -> Certification:
    """Move the locked `certification` to `to_state`, save (with `update_fields`) and audit.
    The status reason becomes `reason`, unless `keep_status_reason` (a suspension's reason
    stays while the suspension is on record)."""
    from_state = certification.status
    certification.status = to_state
    if not keep_status_reason:
        certification.status_reason = reason
    certification.updated_at = timezone.now()
    certification.save(
        update_fields=("status", "status_reason", "updated_at", "suspended_on", *update_fields)
    )
    certification_changed(certification, verb=verb, previous_status=from_state)
    audit_record(
        actor=actor,
        verb=verb,
        obj=certification,
        county=certification.issuing_county,
        subject=certification.holder,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
    )
    return certification


def certification_issue(
    *, actor: User, application: Application, today: datetime.date | None = None
) -> Certification:
    """approved application → certified, and a new active certification for the applicant:
    number from the sequence, legal name copied from the profile, valid 2 years from today.
    Only when the rules hold (inside the window, a passed exam, sufficient verified training
    for the standard pathway) and the person holds no other live certification."""
    require_staff(actor, application.county)
    today = today_or(today)
    with transaction.atomic():
        application = lock_application(application)
        if application.status != ApplicationStatus.APPROVED:
            raise application_state_conflict(application, ApplicationStatus.CERTIFIED)
        training_records = list(
            TrainingRecord.objects.filter(person_id=application.applicant_id).select_related(
                "provider"
            )
        )
        attempts = list(ExamAttempt.objects.filter(application=application))
        refuse_problems(participation_problems(application, "issue", today))
        documents = list(Document.objects.filter(application=application))
        ce_records = list(
            OutOfStateCeRecord.objects.filter(application=application).select_related("document")
        )
        refuse_problems(
            rules.issue_problems(
                application,
                training_records,
                attempts,
                on=today,
                documents=documents,
                ce_records=ce_records,
            )
        )
        live = (
            Certification.objects.filter(holder_id=application.applicant_id)
            .exclude(status__in=TERMINAL_CERTIFICATION_STATUSES)
            .first()
        )
        if live is not None:
            raise DomainError(
                _("This person already holds certification %(number)s.") % {"number": live.number},
                code="conflict",
            )
        profile = ApplicantProfile.objects.get(user_id=application.applicant_id)
        try:
            # A savepoint: the one-live-certification constraint settles a race between two
            # applications of the same person in different counties.
            with transaction.atomic():
                certification = Certification.objects.create(
                    number=next_certification_number(),
                    holder_id=application.applicant_id,
                    issuing_county=application.county,
                    application=application,
                    first_name=profile.legal_first_name,
                    last_name=profile.legal_last_name,
                    status=C.ACTIVE,
                    issued_on=today,
                    expires_on=rules.certification_expiry(today),
                    cycle_started_on=today,
                )
        except IntegrityError:
            raise DomainError(
                _("This person already holds a certification."), code="conflict"
            ) from None
        from_state = application.status
        application.status = ApplicationStatus.CERTIFIED
        application.version += 1
        application.save(update_fields=("status", "version", "updated_at"))
        audit_record(
            actor=actor,
            verb="certification_issue",
            obj=application,
            county=application.county,
            subject=application.applicant,
            from_state=from_state,
            to_state=ApplicationStatus.CERTIFIED,
            data={"certification_id": certification.pk, "number": certification.number},
        )
        audit_record(
            actor=actor,
            verb="certification_issue",
            obj=certification,
            county=application.county,
            subject=application.applicant,
            to_state=C.ACTIVE,
            data={"application_id": application.pk, "number": certification.number},
        )
        _after_change(certification, "certification_issued", **_renewal_context(certification))
    return certification


def certification_suspend(
    *,
    actor: User,
    certification: Certification,
    reason: str,
    today: datetime.date | None = None,
    holder_email: bool = True,
) -> Certification:
    """Suspend a certification, by county staff (reviewer or admin) of the issuing county, with
    a reason (docs/domain.md#complaints-and-discipline): active → suspended; an expired one
    stays expired with the suspension on record, which must be lifted before any renewal or
    reinstatement. `holder_email=False` when the caller sends the holder a fuller email of its
    own (a case decision's, with the findings and how to appeal); everything else (registry,
    certificate, employers' notices) happens the same."""
    require_staff(actor, certification.issuing_county, REVIEW_ROLES)
    reason = require_reason(reason)
    today = today_or(today)
    with transaction.atomic():
        certification = lock_certification(certification)
        return _suspend(
            certification, actor=actor, reason=reason, today=today, holder_email=holder_email
        )


def _suspend(
    certification: Certification,
    *,
    actor: User | None,
    reason: str,
    today: datetime.date,
    holder_email: bool = True,
) -> Certification:
    """Suspend the locked `certification` (see `certification_suspend`)."""
    suspendable = certification.status == C.ACTIVE or (
        certification.status == C.EXPIRED and certification.suspended_on is None
    )
    if not suspendable:
        raise certification_state_conflict(certification, C.SUSPENDED)
    certification.suspended_on = today
    to_state = C.SUSPENDED if certification.status == C.ACTIVE else C.EXPIRED
    _set_status(
        certification, actor=actor, verb="certification_suspend", to_state=to_state, reason=reason
    )
    _after_change(
        certification, "certification_suspended" if holder_email else None, reason=reason
    )
    return certification


def certification_lift_suspension(
    *,
    actor: User,
    certification: Certification,
    reason: str = "",
    today: datetime.date | None = None,
) -> Certification:
    """Lift the suspension on record, by county staff of the issuing county: suspended →
    active, or → expired when the expiry date has passed (two audit events); an expired
    certification stays expired, without the suspension."""
    require_staff(actor, certification.issuing_county, REVIEW_ROLES)
    today = today_or(today)
    reason = (reason or "").strip()
    with transaction.atomic():
        certification = lock_certification(certification)
        return _lift_suspension(certification, actor=actor, reason=reason, today=today)


def certification_suspension_end(
    *, certification: Certification, reason: str, today: datetime.date | None = None
) -> Certification:
    """End a suspension decided until a date, on that date: the same change as
    `certification_lift_suspension`, made by the system (no actor) for the daily scan of case
    decisions (`cases.services.case_decisions_scan`)."""
    reason = require_reason(reason)
    today = today_or(today)
    with transaction.atomic():
        certification = lock_certification(certification)
        return _lift_suspension(certification, actor=None, reason=reason, today=today)


def _lift_suspension(
    certification: Certification, *, actor: User | None, reason: str, today: datetime.date
) -> Certification:
    """Lift the suspension of the locked `certification` (see `certification_lift_suspension`)."""
    if certification.suspended_on is None or certification.status not in (
        C.SUSPENDED,
        C.EXPIRED,
    ):
        raise DomainError(
            _("Certification %(number)s has no suspension to lift.")
            % {"number": certification.number},
            code="conflict",
        )
    certification.suspended_on = None
    was_suspended = certification.status == C.SUSPENDED
    _set_status(
        certification,
        actor=actor,
        verb="certification_lift_suspension",
        to_state=C.ACTIVE if was_suspended else C.EXPIRED,
        reason=reason,
    )
    if was_suspended and today > certification.expires_on:
        _set_status(certification, actor=None, verb="certification_expire", to_state=C.EXPIRED)
    _after_change(certification, "certification_suspension_lifted", reason=reason)
    return certification


def certification_revoke(
    *, actor: User, certification: Certification, reason: str, holder_email: bool = True
) -> Certification:
    """active or suspended (also expired with its suspension still on record) → revoked
    (terminal but for an appeal), by county staff of the issuing county. `holder_email` as for
    `certification_suspend`."""
    require_staff(actor, certification.issuing_county, REVIEW_ROLES)
    reason = require_reason(reason)
    with transaction.atomic():
        certification = lock_certification(certification)
        suspended_and_expired = (
            certification.status == C.EXPIRED and certification.suspended_on is not None
        )
        if certification.status not in (C.ACTIVE, C.SUSPENDED) and not suspended_and_expired:
            raise certification_state_conflict(certification, C.REVOKED)
        _set_status(
            certification,
            actor=actor,
            verb="certification_revoke",
            to_state=C.REVOKED,
            reason=reason,
        )
        _after_change(
            certification, "certification_revoked" if holder_email else None, reason=reason
        )
    return certification


def certification_expire(
    *, certification: Certification, today: datetime.date | None = None
) -> Certification:
    """active or suspended → expired once its expiry date has passed: a suspended certification
    still expires on its date, its suspension (date and reason) staying on record. A system
    transition (no actor); the expiry scan does the same set-based."""
    today = today_or(today)
    with transaction.atomic():
        certification = lock_certification(certification)
        if certification.status not in (C.ACTIVE, C.SUSPENDED):
            raise certification_state_conflict(certification, C.EXPIRED)
        if today <= certification.expires_on:
            raise DomainError(
                _("Certification %(number)s is valid until %(date)s.")
                % {"number": certification.number, "date": certification.expires_on.isoformat()},
                code="conflict",
            )
        _set_status(
            certification,
            actor=None,
            verb="certification_expire",
            to_state=C.EXPIRED,
            keep_status_reason=certification.suspended_on is not None,
        )
        _after_change(certification, None)
    return certification


def certification_vacate(
    *, certification: Certification, today: datetime.date | None = None
) -> Certification:
    """expired → vacated (terminal) once the reinstatement period has ended: the person must
    start again. A system transition (no actor), used per row by the expiry scan."""
    today = today_or(today)
    with transaction.atomic():
        certification = lock_certification(certification)
        if certification.status != C.EXPIRED:
            raise certification_state_conflict(certification, C.VACATED)
        vacate_on = rules.vacate_date(certification.expires_on)
        if today < vacate_on:
            raise DomainError(
                _("Certification %(number)s can be reinstated until %(date)s.")
                % {"number": certification.number, "date": vacate_on.isoformat()},
                code="conflict",
            )
        _set_status(
            certification,
            actor=None,
            verb="certification_vacate",
            to_state=C.VACATED,
            keep_status_reason=certification.suspended_on is not None,
        )
        _after_change(certification, None)
    return certification


def _require_holder_or_staff(
    actor: User | None, certification: Certification, roles: tuple[str, ...] = REVIEW_ROLES
) -> None:
    if not is_holder(actor, certification):
        require_staff(actor, certification.issuing_county, roles)


def _refuse_while_suspended(certification: Certification) -> None:
    """A suspension on record (even on an expired certification) is lifted before any renewal
    or reinstatement: a conflict with the rule's reason."""
    problems = rules.suspension_problems(certification)
    if problems:
        raise DomainError(problems[0], code="conflict")


def _refuse_while_fees_unpaid(certification: Certification) -> None:
    """Under the program's policy (`ProgramPolicy.unpaid_fees_hold_renewal`), a renewal or
    reinstatement waits for the fees owed on the certification before (its application's and
    earlier renewals') to be paid or waived: a conflict with the reason and the amounts."""
    if not ProgramPolicy.current().unpaid_fees_hold_renewal:
        return
    problems = unpaid_fee_problems(
        unpaid_lines(certification_unpaid_fees(certification)), step="renewal"
    )
    if problems:
        raise DomainError(problems[0], code="conflict")


def certification_unpaid_fees(certification: Certification) -> list:
    """The fees still owed on `certification` before its next renewal (`fees.selectors`)."""
    return unpaid_fees_of_certification(
        certification_id=certification.pk, application_id=certification.application_id
    )


def _record_renewal(
    certification: Certification,
    *,
    actor: User,
    kind: str,
    cycle: tuple[datetime.date, datetime.date],
    credits: list[CeCredit],
    ethics_version: CodeOfEthicsVersion,
    new_expires_on: datetime.date,
    attested: bool,
) -> Renewal:
    """The Renewal row of a renewal, late renewal or reinstatement, and the fees its kind makes
    due (`rules.FEES_OF_RENEWAL_KIND`, at the issuing county's amounts, `fees`), each once:
    the row is unique per cycle and each fee unique per row."""
    totals = ce_rules.ce_totals(credits, cycle_start=cycle[0], cycle_end=cycle[1])
    fee_kinds = rules.FEES_OF_RENEWAL_KIND[kind]
    amounts = fee_amounts_of(certification.issuing_county)
    now = timezone.now()
    renewal = Renewal.objects.create(
        certification=certification,
        kind=kind,
        cycle_start=cycle[0],
        cycle_end=cycle[1],
        ce_total_hours=totals.total,
        ce_law_and_ethics_hours=totals.law_and_ethics,
        ethics_version=ethics_version,
        ethics_affirmed_at=now,
        attested_at=now if attested else None,
        previous_expires_on=certification.expires_on,
        new_expires_on=new_expires_on,
        fee_cents=sum(amounts[fee_kind] for fee_kind in fee_kinds),
        decided_by=actor,
    )
    for fee_kind in fee_kinds:
        fee_due_record(
            actor=actor,
            county=certification.issuing_county,
            person=certification.holder,
            kind=fee_kind,
            renewal=renewal,
        )
    return renewal


def certification_renew(
    *,
    actor: User,
    certification: Certification,
    ethics_version: CodeOfEthicsVersion,
    attest_ce: bool,
    attest_records: bool,
    today: datetime.date | None = None,
) -> Renewal:
    """Renew a certification, same number, on the holder's attestation: they completed the
    cycle's 20 CE hours (6 in law and ethics) and keep the records 2 years. Logged CE is
    counted on the Renewal row but not required: pending CE never blocks a renewal, and a
    random audit checks a sample afterwards (docs/domain.md#renewal). The current Code of
    Ethics is re-affirmed. By the holder or county staff of the issuing county (recording the
    holder's attestation).

    - From 90 days before expiry through the expiry date: a renewal, 2 years on from the
      previous expiry date, with the renewal fee.
    - After expiry, through `rules.late_renewal_last_day` (the program's
      `late_renewal_limit_months`): a late renewal, valid 2 years from the day it is granted
      (our choice, as a reinstatement: the lapsed months were not certified), with the renewal
      fee and the late fee. An expired certification becomes active again.

    Returns the Renewal row. A second call for the same cycle (a double click, a retry) is
    refused by the rules once the first has committed; the row is unique per cycle and each
    fee once per row, so nothing is charged twice."""
    _require_holder_or_staff(actor, certification)
    today = today_or(today)
    limit_months = ProgramPolicy.current().late_renewal_limit_months
    with transaction.atomic():
        certification = lock_certification(certification)
        _refuse_while_suspended(certification)
        _refuse_while_fees_unpaid(certification)
        if certification.status not in (C.ACTIVE, C.EXPIRED):
            raise certification_state_conflict(certification, C.ACTIVE)
        refuse_problems(rules.renewal_problems(certification, on=today, limit_months=limit_months))
        refuse_problems(
            rules.renewal_attestation_problems(attest_ce=attest_ce, attest_records=attest_records),
            field="attest",
        )
        require_current_ethics(ethics_version, today)
        kind = rules.renewal_kind_on(certification, on=today, limit_months=limit_months)
        previous_expires_on = certification.expires_on
        previous_status = certification.status
        late = kind == RenewalKind.LATE_RENEWAL
        credits = list(CeCredit.objects.filter(certification=certification))
        renewal = _record_renewal(
            certification,
            actor=actor,
            kind=kind,
            cycle=ce_rules.closing_cycle(certification.cycle_started_on, on=today),
            credits=credits,
            ethics_version=ethics_version,
            new_expires_on=rules.certification_expiry(today if late else previous_expires_on),
            attested=True,
        )
        certification.expires_on = renewal.new_expires_on
        certification.cycle_started_on = today
        certification.status = C.ACTIVE
        certification.updated_at = timezone.now()
        certification.save(update_fields=("status", "expires_on", "cycle_started_on", "updated_at"))
        certification_changed(
            certification,
            verb="certification_renew",
            previous_status=previous_status,
            previous_expires_on=previous_expires_on.isoformat(),
        )
        audit_record(
            actor=actor,
            verb="certification_renew",
            obj=certification,
            county=certification.issuing_county,
            subject=certification.holder,
            from_state=previous_status,
            to_state=C.ACTIVE,
            data={
                "renewal_id": renewal.pk,
                "kind": kind,
                "previous_expires_on": previous_expires_on.isoformat(),
                "new_expires_on": renewal.new_expires_on.isoformat(),
            },
        )
        _after_change(
            certification,
            "certification_renewed",
            previous_expires_on=previous_expires_on.isoformat(),
            previous_status=previous_status,
            late=late,
            fee_total=dollars(renewal.fee_cents),
            **_renewal_context(certification),
        )
    return renewal


def certification_reinstate(
    *,
    actor: User,
    certification: Certification,
    ethics_version: CodeOfEthicsVersion,
    today: datetime.date | None = None,
) -> Renewal:
    """expired → active after the late renewal period and before the vacate date, with the
    80-hour refresher course (verified) or a passed exam since the expiry date, 20 verified
    CE hours (6 in law and ethics) completed within the 2 years before, and the current Code
    of Ethics re-affirmed (docs/domain.md#late-renewal-and-reinstatement). By the holder, once
    all of it is on record, or an admin of the issuing county. The certification is valid 2
    years from today; a Renewal row of kind reinstatement records it, with the reinstatement
    and late fees."""
    _require_holder_or_staff(actor, certification, ADMIN_ROLES)
    today = today_or(today)
    limit_months = ProgramPolicy.current().late_renewal_limit_months
    with transaction.atomic():
        certification = lock_certification(certification)
        _refuse_while_suspended(certification)
        _refuse_while_fees_unpaid(certification)
        if certification.status != C.EXPIRED:
            raise certification_state_conflict(certification, C.ACTIVE)
        credits = list(CeCredit.objects.filter(certification=certification))
        training_records = list(
            TrainingRecord.objects.filter(person_id=certification.holder_id).select_related(
                "provider"
            )
        )
        # The holder's sittings since the expiry date: for this reinstatement (recorded by
        # the issuing county, `exams.services.exam_attempt_record_reinstatement`) or for an
        # application.
        attempts = list(
            ExamAttempt.objects.filter(
                Q(certification=certification)
                | Q(application__applicant_id=certification.holder_id),
                taken_on__gt=certification.expires_on,
            )
        )
        refuse_problems(
            rules.reinstatement_problems(
                certification,
                credits,
                on=today,
                training_records=training_records,
                exam_attempts=attempts,
                limit_months=limit_months,
            )
        )
        require_current_ethics(ethics_version, today)
        previous_expires_on = certification.expires_on
        renewal = _record_renewal(
            certification,
            actor=actor,
            kind=RenewalKind.REINSTATEMENT,
            cycle=rules.reinstatement_ce_bounds(certification.cycle_started_on, on=today),
            credits=credits,
            ethics_version=ethics_version,
            new_expires_on=rules.certification_expiry(today),
            attested=False,
        )
        certification.expires_on = renewal.new_expires_on
        certification.cycle_started_on = today
        _set_status(
            certification,
            actor=actor,
            verb="certification_reinstate",
            to_state=C.ACTIVE,
            data={
                "renewal_id": renewal.pk,
                "previous_expires_on": previous_expires_on.isoformat(),
                "new_expires_on": renewal.new_expires_on.isoformat(),
            },
            update_fields=("expires_on", "cycle_started_on"),
        )
        _after_change(
            certification,
            "certification_reinstated",
            previous_expires_on=previous_expires_on.isoformat(),
            fee_total=dollars(renewal.fee_cents),
            **_renewal_context(certification),
        )
    return renewal


def certification_add_specialization(
    *, actor: User, certification: Certification, training_record: TrainingRecord
) -> CertificationSpecialization:
    """Add the specialization of a verified 40-hour course to the holder's active
    certification (one certificate, not a new one). By the holder or county staff of the
    issuing county. The course must come after the holder's core training and meet the
    training rules (`rules.specialization_problems`)."""
    _require_holder_or_staff(actor, certification)
    with transaction.atomic():
        certification = lock_certification(certification)
        training_record = (
            TrainingRecord.objects.select_for_update(of=("self",))
            .select_related("provider")
            .get(pk=training_record.pk)
        )
        held_codes = set(certification.specializations.values_list("code", flat=True))
        core_records = TrainingRecord.objects.filter(
            person_id=certification.holder_id, course=Course.CORE_80
        ).select_related("provider")
        refuse_problems(
            rules.specialization_problems(
                certification,
                training_record,
                held_codes=held_codes,
                area_names=specialization_area_names(),
                core_completed_on=core_training_completed_on(core_records),
            ),
            field="training_record",
        )
        try:
            with transaction.atomic():
                specialization = CertificationSpecialization.objects.create(
                    certification=certification,
                    code=training_record.course,
                    added_on=timezone.localdate(),
                    training_record=training_record,
                )
        except IntegrityError:
            raise DomainError(
                _("This certification already has that specialization."), code="conflict"
            ) from None
        certification.updated_at = timezone.now()
        certification.save(update_fields=("updated_at",))
        certification_changed(
            certification,
            verb="certification_add_specialization",
            previous_status=certification.status,
            specialization=specialization.code,
        )
        audit_record(
            actor=actor,
            verb="certification_add_specialization",
            obj=certification,
            county=certification.issuing_county,
            subject=certification.holder,
            from_state=certification.status,
            to_state=certification.status,
            data={"code": specialization.code, "training_record_id": training_record.pk},
        )
        _after_change(certification, None)
    return specialization
