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
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_state_staff
from audit.services import audit_record
from core.errors import DomainError, refuse_problems
from counties.models import County
from counties.selectors import ADMIN_ROLES, require_staff
from fees import rules
from fees.models import (
    APPLICATION_FEE_KINDS,
    FeeDue,
    FeeKind,
    FeePayment,
    FeePaymentVoid,
    FeeSchedule,
    FeeWaiver,
    NominationStatus,
    ScholarshipCover,
    ScholarshipNomination,
    ScholarshipPool,
    ScholarshipUse,
)
from fees.selectors import (
    fee_amounts_of,
    fee_outstanding_of,
    outstanding_fees,
    paid_and_waived,
    with_balance,
)
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
    if kind in APPLICATION_FEE_KINDS:
        _lock_balance(person.pk)
        _apply_scholarship(fee, actor=actor)
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
    today = today or timezone.localdate()
    reference = reference.strip()
    with transaction.atomic():
        _lock_balance(fee.person_id)
        require_staff(actor, fee.county)
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


def fee_payment_void(*, actor: User, payment: FeePayment, reason: str) -> FeePaymentVoid:
    """Void `payment`, recorded by mistake, by the staff of its county who may record payments
    there, with the reason. The payment row is kept as it was; a void row says who voided it,
    when and why. The payment then counts nowhere (`fees.selectors`): its fee is owed again,
    so the exam or renewal waiting for it waits again (the holds read what is owed), and its
    receipt is marked VOID. Voiding a voided payment again changes nothing and returns the
    void (a double click voids once). The person is emailed."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why this payment is voided."), field="reason")
    with transaction.atomic():
        _lock_balance(payment.person_id)
        require_staff(actor, payment.county)
        existing = FeePaymentVoid.objects.filter(payment_id=payment.pk).first()
        if existing is not None:
            return existing
        payment = FeePayment.objects.select_related("fee", "county", "person").get(pk=payment.pk)
        void = FeePaymentVoid.objects.create(
            payment=payment,
            county=payment.county,
            person=payment.person,
            reason=reason,
            voided_by=actor,
        )
        fee = with_balance(FeeDue.objects.filter(pk=payment.fee_id)).get()
        outstanding = fee_outstanding_of(fee)
        audit_record(
            actor=actor,
            verb="fee_payment_void",
            obj=payment,
            county=payment.county,
            subject=payment.person,
            to_state="void",
            reason=reason,
            data={
                "void_id": void.pk,
                "receipt_number": payment.receipt_number,
                "fee_id": payment.fee_id,
                "amount_cents": payment.amount_cents,
                "outstanding_cents": outstanding,
            },
        )
        notify(
            user=payment.person,
            kind="fee_payment_voided",
            context={
                "receipt_number": payment.receipt_number,
                "fee_label": _in_language_of(payment.person, FeeKind(fee.kind).label),
                "amount": rules.dollars(payment.amount_cents),
                "outstanding": rules.dollars(outstanding),
                "paid_on": payment.paid_on.isoformat(),
                "county_name": payment.county.name,
                "reason": reason,
            },
        )
    return void


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
    reason = reason.strip()
    with transaction.atomic():
        _lock_balance(person.pk)
        require_staff(actor, county)
        if not reason:
            raise DomainError(
                _("Say why the waiver is granted (the DHCS funding it comes from)."),
                field="reason",
            )
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


# Scholarships (docs/domain.md#scholarships). The pools are administered by state staff
# (DHCS funds them): they create pools and decide the nominations. Counties nominate. Every
# allocation of a pool's places or amount happens under a transaction-level advisory lock on
# the pool (`_lock_pool`): county staff may not lock the pool row itself (they cannot update
# it), and two decisions or nominations at once must not both take the last place.


def _require_state_staff(actor: User | None) -> None:
    if actor is None or not is_state_staff(actor):
        raise PermissionDenied


def _lock_pool(pool_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('scholarship_pool'), %s)", [pool_id])


def scholarship_pool_create(
    *,
    actor: User,
    name: str,
    source: str,
    covers: str,
    places: int | None,
    amount_cents: int | None,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> ScholarshipPool:
    """A new scholarship pool, by state staff (the pools' administrators)."""
    _require_state_staff(actor)
    if covers not in ScholarshipCover.values:
        raise DomainError(_("Choose what the scholarships cover."), field="covers")
    if not name.strip() or not source.strip():
        raise DomainError(_("Give the pool a name and its funding source."), field="name")
    refuse_problems(
        rules.pool_problems(
            places=places, amount_cents=amount_cents, opens_on=opens_on, closes_on=closes_on
        )
    )
    with transaction.atomic():
        pool = ScholarshipPool.objects.create(
            name=name.strip(),
            source=source.strip(),
            covers=covers,
            places=places,
            amount_cents=amount_cents,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            verb="scholarship_pool_create",
            obj=pool,
            data={"places": places, "amount_cents": amount_cents, "covers": covers},
        )
    return pool


def _left(pool: ScholarshipPool) -> tuple[int | None, int | None]:
    """(places left, amount left in cents) of `pool`, one of them None, from the accepted
    nominations (call under `_lock_pool`)."""
    accepted = ScholarshipNomination.objects.filter(pool=pool, status=NominationStatus.ACCEPTED)
    if pool.places is not None:
        return pool.places - accepted.count(), None
    assert pool.amount_cents is not None
    taken = accepted.aggregate(total=Sum("amount_cents"))["total"] or 0
    return None, pool.amount_cents - taken


def scholarship_nominate(
    *,
    actor: User,
    pool: ScholarshipPool,
    county: County,
    person: User,
    reason: str,
    amount_cents: int | None = None,
    today: datetime.date | None = None,
) -> ScholarshipNomination:
    """`county`'s staff nominate `person` (an applicant or peer of the county) for `pool`,
    while the pool is open and not full, never for the out-of-state pathway. Nominating the
    same person for the same pool again returns the open (or accepted) nomination."""
    require_staff(actor, county)
    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why this person is nominated."), field="reason")
    with transaction.atomic():
        _lock_pool(pool.pk)
        existing = ScholarshipNomination.objects.filter(
            pool=pool,
            person=person,
            status__in=[NominationStatus.NOMINATED, NominationStatus.ACCEPTED],
        ).first()
        if existing is not None:
            return existing
        applications = person.applications.filter(county=county).order_by("-created_at")
        latest = applications.first()
        if latest is None and not person.certifications.filter(issuing_county=county).exists():
            raise DomainError(
                _("This person has no application or certification in this county."),
                field="email",
            )
        refuse_problems(
            rules.nomination_problems(
                opens_on=pool.opens_on,
                closes_on=pool.closes_on,
                on=today,
                pathway=latest.pathway if latest is not None else None,
            )
        )
        places_left, amount_left = _left(pool)
        if pool.amount_cents is None:
            amount_cents = None
        refuse_problems(
            rules.allocation_problems(
                places_left=places_left, amount_left_cents=amount_left, amount_cents=amount_cents
            ),
            field="amount",
        )
        nomination = ScholarshipNomination.objects.create(
            pool=pool,
            county=county,
            person=person,
            reason=reason,
            amount_cents=amount_cents,
            nominated_by=actor,
        )
        audit_record(
            actor=actor,
            verb="scholarship_nominate",
            obj=nomination,
            county=county,
            subject=person,
            to_state=NominationStatus.NOMINATED,
            data={"pool_id": pool.pk, "amount_cents": amount_cents},
        )
    return nomination


def scholarship_decide(
    *,
    actor: User,
    nomination: ScholarshipNomination,
    accept: bool,
    note: str = "",
    today: datetime.date | None = None,
) -> ScholarshipNomination:
    """The pool administrator (state staff) accepts or refuses a nomination. Accepting grants
    the scholarship from today (used within 12 months) when the pool still has the place or the
    amount, and covers at once the person's application and exam fees still owed (for a pool
    covering them). Deciding again the same way changes nothing; the other way is a
    conflict. The person is emailed."""
    _require_state_staff(actor)
    today = today or timezone.localdate()
    to = NominationStatus.ACCEPTED if accept else NominationStatus.REFUSED
    with transaction.atomic():
        _lock_pool(nomination.pool_id)
        nomination = (
            ScholarshipNomination.objects.select_for_update()
            .select_related("pool", "county", "person")
            .get(pk=nomination.pk)
        )
        if nomination.status == to:
            return nomination
        if nomination.status != NominationStatus.NOMINATED:
            raise DomainError(
                _("This nomination was already decided: %(status)s.")
                % {"status": nomination.get_status_display()},
                code="conflict",
            )
        pool = nomination.pool
        if accept:
            places_left, amount_left = _left(pool)
            refuse_problems(
                rules.allocation_problems(
                    places_left=places_left,
                    amount_left_cents=amount_left,
                    amount_cents=nomination.amount_cents,
                )
            )
            if today > pool.closes_on:
                raise DomainError(
                    _("This pool closed on %(date)s.") % {"date": pool.closes_on.isoformat()}
                )
        nomination.status = to
        nomination.decided_by = actor
        nomination.decided_at = timezone.now()
        nomination.decision_note = note.strip()
        nomination.granted_on = today if accept else None
        nomination.save()
        audit_record(
            actor=actor,
            verb="scholarship_decide",
            obj=nomination,
            county=nomination.county,
            subject=nomination.person,
            from_state=NominationStatus.NOMINATED,
            to_state=to,
            reason=nomination.decision_note,
        )
        if accept and pool.covers == ScholarshipCover.APPLICATION_AND_EXAM:
            owed = FeeDue.objects.filter(
                person=nomination.person, kind__in=APPLICATION_FEE_KINDS
            ).select_related("application", "county", "person")
            for fee in outstanding_fees(owed):
                _cover_with_scholarship(fee, nomination, actor=actor, on=today)
        notify(
            user=nomination.person,
            kind="scholarship_decided",
            context={
                "accepted": accept,
                "pool_name": pool.name,
                "covers": _in_language_of(nomination.person, ScholarshipCover(pool.covers).label),
                "expires_on": rules.scholarship_expires_on(today).isoformat() if accept else "",
                "county_name": nomination.county.name,
            },
        )
    return nomination


def _cover_with_scholarship(
    fee: FeeDue, nomination: ScholarshipNomination, *, actor: User | None, on: datetime.date
) -> ScholarshipUse | None:
    """Cover what is still owed on `fee` (an application or exam fee) with `nomination`'s
    scholarship, within what is left of it (an amount pool's award) and its rules."""
    assert nomination.granted_on is not None
    if fee.application is None:
        return None  # an exam sitting toward a reinstatement: not what a scholarship covers
    if rules.scholarship_use_problems(
        granted_on=nomination.granted_on, on=on, pathway=fee.application.pathway
    ):
        return None
    if hasattr(fee, "scholarship_use"):
        return None
    owed = fee_outstanding_of(with_balance(FeeDue.objects.filter(pk=fee.pk)).get())
    if nomination.amount_cents is not None:
        used = nomination.uses.aggregate(total=Sum("amount_cents"))["total"] or 0
        owed = min(owed, nomination.amount_cents - used)
    if owed <= 0:
        return None
    use = ScholarshipUse.objects.create(
        nomination=nomination, fee=fee, county=fee.county, person=fee.person, amount_cents=owed
    )
    audit_record(
        actor=actor,
        verb="scholarship_use",
        obj=use,
        county=fee.county,
        subject=fee.person,
        data={"fee_id": fee.pk, "amount_cents": owed, "nomination_id": nomination.pk},
    )
    return use


def _apply_scholarship(fee: FeeDue, *, actor: User | None) -> None:
    """A new application or exam fee: the person's scholarship covering them, if any still
    valid, covers it (the oldest grant first)."""
    today = timezone.localdate()
    granted = (
        ScholarshipNomination.objects.filter(
            person_id=fee.person_id,
            status=NominationStatus.ACCEPTED,
            pool__covers=ScholarshipCover.APPLICATION_AND_EXAM,
            granted_on__gte=today - datetime.timedelta(days=366),
        )
        .select_related("pool")
        .order_by("granted_on", "id")
    )
    for nomination in granted:
        if _cover_with_scholarship(fee, nomination, actor=actor, on=today) is not None:
            return
