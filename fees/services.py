"""Writes for fees: a fee falls due (`fee_due_record`, inside the caller's transaction) and a
county administrator sets the county's fee amounts (`fee_schedule_set`)."""

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from accounts.models import User
from audit.services import audit_record
from core.errors import refuse_problems
from counties.models import County
from counties.selectors import ADMIN_ROLES, require_staff
from fees import rules
from fees.models import FeeDue, FeeKind, FeeSchedule
from fees.selectors import fee_amounts_of

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
    return fee


def fee_schedule_set(*, actor: User, county: County, amounts: dict[str, int | None]) -> FeeSchedule:
    """Set `county`'s own fee amounts (cents; None: the program's default), by an
    administrator of the county. Fees already due keep their amounts."""
    require_staff(actor, county, ADMIN_ROLES)
    for kind, cents in amounts.items():
        refuse_problems(rules.fee_value_problems(kind, cents), field=f"{kind}_cents")
    with transaction.atomic():
        schedule, _created = FeeSchedule.objects.select_for_update().get_or_create(county=county)
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
            actor=actor, verb="fee_schedule_set", obj=schedule, county=county, data=changed
        )
    return schedule
