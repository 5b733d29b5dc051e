"""Writes for fees: a fee falls due (`fee_due_record`, inside the caller's transaction), a
county administrator sets the county's fee amounts from a date (`fee_schedule_set`), county
staff record a payment (`fee_payment_record`) and grant a DHCS-funded renewal fee waiver
(`fee_waiver_grant`).

Every change to what a person owes takes a transaction-level advisory lock on the person
(`_lock_balance`): the fee rows are append-only (the application role may not lock them with
SELECT FOR UPDATE), and two payments recorded at once must not both fit in the same balance."""

import datetime
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError, refuse_problems
from counties.models import County
from counties.selectors import ADMIN_ROLES, require_staff
from fees import rules
from fees.models import FeeDue, FeeKind, FeePayment, FeeSchedule, FeeWaiver
from fees.selectors import fee_amounts_of, fee_outstanding_of, paid_and_waived, with_balance
from notifications.services import notify

if TYPE_CHECKING:
    from certification.models import Application, Renewal
    from exams.models import ExamAttempt


def fee_due_record(
    *,
    actor: User | None,
    county: County,
    person: User,
    kind: str,
    application: "Application | None" = None,
    exam_attempt: "ExamAttempt | None" = None,
    renewal: "Renewal | None" = None,
) -> FeeDue:
    """Record that `person` owes `county` a fee of `kind`, at the amount the county charges
    today (`fees.selectors.fee_amounts_of`), on what it is charged on: an application (the
    application fee), an exam sitting of an application, or a renewal row (renewal, late,
    reinstatement). Call inside the transaction of the change that makes it due; the same fee
    on the same thing is recorded once (the existing row is returned)."""
    if kind not in FeeKind.values:
        raise ValueError(f"unknown fee kind {kind!r}")
    existing = FeeDue.objects.filter(
        kind=kind, application=application, exam_attempt=exam_attempt, renewal=renewal
    ).first()
    if existing is not None:
        return existing
    amount = fee_amounts_of(county)[kind]
    try:
        with transaction.atomic():
            fee = FeeDue.objects.create(
                county=county,
                person=person,
                kind=kind,
                amount_cents=amount,
                application=application,
                exam_attempt=exam_attempt,
                renewal=renewal,
            )
    except IntegrityError:
        # Recorded at the same moment by another transaction, which has committed: the same
        # fee, once.
        return FeeDue.objects.get(
            kind=kind, application=application, exam_attempt=exam_attempt, renewal=renewal
        )
    audit_record(
        actor=actor,
        verb="fee_due_record",
        obj=fee,
        county=county,
        subject=person,
        to_state=kind,
        data={"amount_cents": amount},
    )
    if kind == FeeKind.RENEWAL:
        _lock_balance(person.pk)
        waiver = FeeWaiver.objects.filter(person=person, fee__isnull=True).first()
        if waiver is not None:
            _apply_waiver(waiver, fee, actor=actor)
    return fee


def _lock_balance(person_id: int) -> None:
    """Serialize the changes to what person `person_id` owes (payments, waivers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('fee_balance'), %s)", [person_id])


def _apply_waiver(waiver: FeeWaiver, fee: FeeDue, *, actor: User | None) -> None:
    waiver.fee = fee
    waiver.applied_at = timezone.now()
    waiver.save(update_fields=["fee", "applied_at"])
    audit_record(
        actor=actor,
        verb="fee_waiver_apply",
        obj=waiver,
        county=fee.county,
        subject=fee.person,
        data={"fee_id": fee.pk, "amount_cents": fee.amount_cents},
    )


def fee_schedule_set(
    *,
    actor: User,
    county: County,
    amounts: dict[str, int | None],
    effective_from: datetime.date | None = None,
    today: datetime.date | None = None,
) -> FeeSchedule:
    """Set `county`'s own fee amounts (cents; None: the program's default) from
    `effective_from` (default today, never in the past), by an administrator of the county.
    The schedule of that date starts from the one in force then, with `amounts` changed; the
    earlier schedules stay as they were (the history), and fees already due keep their
    amounts."""
    require_staff(actor, county, ADMIN_ROLES)
    today = today or timezone.localdate()
    effective_from = effective_from or today
    refuse_problems(rules.schedule_date_problems(effective_from, today=today), "effective_from")
    for kind, cents in amounts.items():
        refuse_problems(rules.fee_value_problems(kind, cents), field=f"{kind}_cents")
    with transaction.atomic():
        # One change at a time per county (a new date's row cannot be locked before it exists).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext('fee_schedule'), %s)", [county.pk]
            )
        schedule = FeeSchedule.objects.filter(county=county, effective_from=effective_from).first()
        if schedule is None:
            before = (
                FeeSchedule.objects.filter(county=county, effective_from__lt=effective_from)
                .order_by("-effective_from")
                .first()
            )
            schedule = FeeSchedule(county=county, effective_from=effective_from)
            for kind in FeeKind.values:
                field = f"{kind}_cents"
                setattr(schedule, field, getattr(before, field) if before else None)
        changed = {}
        for kind, cents in amounts.items():
            field = f"{kind}_cents"
            if getattr(schedule, field) != cents:
                changed[kind] = {"from": getattr(schedule, field), "to": cents}
                setattr(schedule, field, cents)
        if not changed:
            return schedule
        schedule.updated_by = actor
        schedule.save()
        audit_record(
            actor=actor,
            verb="fee_schedule_set",
            obj=schedule,
            county=county,
            data={**changed, "effective_from": effective_from.isoformat()},
        )
    return schedule


def fee_payment_record(
    *,
    actor: User,
    fee: FeeDue,
    amount_cents: int,
    method: str,
    reference: str = "",
    paid_on: datetime.date,
    idempotency_key: uuid.UUID | None = None,
    today: datetime.date | None = None,
) -> FeePayment:
    """Record a payment of (part of) `fee`, by the county's staff: no more than is still owed
    (`rules.payment_problems`), with its method, reference and date. The same form sent
    twice (`idempotency_key`) records one payment and returns it. The person is emailed with
    a link to the receipt."""
    require_staff(actor, fee.county)
    today = today or timezone.localdate()
    reference = reference.strip()
    with transaction.atomic():
        _lock_balance(fee.person_id)
        if idempotency_key is not None:
            existing = FeePayment.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                if existing.fee_id != fee.pk:
                    raise DomainError(_("This form was already used for another fee."))
                return existing
        current = with_balance(FeeDue.objects.filter(pk=fee.pk)).select_related("county").get()
        refuse_problems(
            rules.payment_problems(
                outstanding_cents=fee_outstanding_of(current),
                amount_cents=amount_cents,
                method=method,
                reference=reference,
                paid_on=paid_on,
                fee_due_on=timezone.localdate(current.created_at),
                today=today,
            )
        )
        payment = FeePayment.objects.create(
            fee=current,
            county=current.county,
            person_id=current.person_id,
            amount_cents=amount_cents,
            method=method,
            reference=reference,
            paid_on=paid_on,
            recorded_by=actor,
            idempotency_key=idempotency_key,
        )
        outstanding = fee_outstanding_of(current) - amount_cents
        audit_record(
            actor=actor,
            verb="fee_payment_record",
            obj=payment,
            county=current.county,
            subject=current.person,
            to_state=current.kind,
            data={
                "fee_id": current.pk,
                "amount_cents": amount_cents,
                "method": method,
                "reference": reference,
                "paid_on": paid_on.isoformat(),
                "outstanding_cents": outstanding,
            },
        )
        notify(
            user=current.person,
            kind="fee_payment_recorded",
            context={
                "payment_id": payment.pk,
                "receipt_number": payment.receipt_number,
                "fee_label": _in_language_of(current.person, FeeKind(current.kind).label),
                "amount": rules.dollars(amount_cents),
                "outstanding": rules.dollars(outstanding),
                "paid_on": paid_on.isoformat(),
                "county_name": current.county.name,
            },
        )
    return payment


def _in_language_of(person: User, text) -> str:
    """`text` (lazy) in `person`'s language, for an email context."""
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        return str(text)


def fee_waiver_grant(*, actor: User, county: County, person: User, reason: str) -> FeeWaiver:
    """Grant `person` a DHCS-funded renewal fee waiver, by the staff of `county` (the county
    that certified them or where they renew). It applies at once to their renewal fee still
    owed in full, if any, else to the next renewal fee that falls due: that fee is then owed
    at zero. A person holds at most one waiver waiting for a fee: granting again while one
    waits changes nothing and returns it. The person is emailed."""
    require_staff(actor, county)
    reason = reason.strip()
    if not reason:
        raise DomainError(
            _("Say why the waiver is granted (the DHCS funding it comes from)."), field="reason"
        )
    with transaction.atomic():
        _lock_balance(person.pk)
        waiting = FeeWaiver.objects.filter(person=person, fee__isnull=True).first()
        if waiting is not None:
            return waiting
        waiver = FeeWaiver.objects.create(
            county=county, person=person, reason=reason, granted_by=actor
        )
        audit_record(
            actor=actor,
            verb="fee_waiver_grant",
            obj=waiver,
            county=county,
            subject=person,
            reason=reason,
        )
        unpaid = [
            fee
            for fee in with_balance(
                FeeDue.objects.filter(
                    person=person, kind=FeeKind.RENEWAL, waiver__isnull=True
                ).select_related("county", "person")
            ).order_by("created_at", "id")
            if paid_and_waived(fee)[0] == 0
        ]
        if unpaid:
            _apply_waiver(waiver, unpaid[0], actor=actor)
        notify(
            user=person,
            kind="fee_waiver_granted",
            context={
                "county_name": county.name,
                "applied": bool(unpaid),
                "amount": rules.dollars(unpaid[0].amount_cents) if unpaid else "",
            },
        )
    return waiver
