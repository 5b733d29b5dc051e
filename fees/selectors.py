"""Reads of fee schedules and fees due, scoped to who asks (docs/architecture.md#tenancy).

A county's fee amounts are public facts (the program publishes its fee schedule). Fees due are
private: the person's own, their county's staff, state staff; nobody else.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.selectors import can_read
from counties.models import County, ProgramPolicy
from counties.selectors import staff_county_ids
from fees import rules
from fees.models import (
    FeeDue,
    FeeKind,
    FeePayment,
    FeeSchedule,
    FeeWaiver,
    NominationStatus,
    ScholarshipNomination,
    ScholarshipPool,
    ScholarshipUse,
)


def fee_schedule_of(county: County, on: datetime.date | None = None) -> FeeSchedule | None:
    """The county's fee schedule in force on `on` (default today): its latest schedule taking
    effect on or before that day, or None when it charges the program's defaults."""
    on = on or timezone.localdate()
    return (
        FeeSchedule.objects.filter(county=county, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def fee_schedules_of(county: County) -> QuerySet[FeeSchedule]:
    """Every fee schedule of `county`, the latest first: the history and any change to come."""
    return FeeSchedule.objects.filter(county=county).order_by("-effective_from")


def fee_amounts_of(county: County, on: datetime.date | None = None) -> dict[str, int]:
    """What `county` charges for each kind of fee on `on` (default today), in cents
    (`fees.rules.fee_amounts`)."""
    return rules.fee_amounts(
        fee_schedule_of(county, on), rules.program_defaults(ProgramPolicy.current())
    )


@dataclass(frozen=True)
class FeeLine:
    """One fee as a person reads it: what it is, how much, and why it is charged."""

    kind: str
    label: str
    amount_cents: int
    reason: str

    @property
    def amount(self) -> str:
        return rules.dollars(self.amount_cents)


def fee_line(kind: str, amount_cents: int) -> FeeLine:
    return FeeLine(
        kind=kind,
        label=str(FeeKind(kind).label),
        amount_cents=amount_cents,
        reason=str(rules.FEE_REASONS[kind]),
    )


def fee_lines_to_come(county: County, kinds: Iterable[str]) -> list[FeeLine]:
    """The fees of `kinds` that `county` would charge now (before they fall due), one line
    each."""
    amounts = fee_amounts_of(county)
    return [fee_line(kind, amounts[kind]) for kind in kinds]


def fee_lines_of(fees: Iterable[FeeDue]) -> list[FeeLine]:
    """Fees already due, one line each, at the amount recorded when each fell due."""
    return [fee_line(fee.kind, fee.amount_cents) for fee in fees]


def _visible(rows: QuerySet, user: User | AnonymousUser | None) -> QuerySet:
    """`rows` (with `person` and `county`) that `user` may see: their own; county staff their
    counties'; state staff all."""
    if not can_read(user):
        return rows.none()
    if user.is_state_staff:
        return rows
    return rows.filter(Q(person=user) | Q(county_id__in=staff_county_ids(user)))


def fees_due_for(user: User | AnonymousUser | None) -> QuerySet[FeeDue]:
    """The fees due `user` may see: their own; county staff their counties'; state staff
    all. Oldest first."""
    return _visible(FeeDue.objects.select_related("county"), user)


def counted_payments() -> QuerySet[FeePayment]:
    """The payments that count (as paid, as collected): every payment but those voided
    (`FeePaymentVoid`). Every read of money paid goes through here. Unscoped: callers scope."""
    return FeePayment.objects.filter(void__isnull=True)


def with_balance(fees: QuerySet[FeeDue]) -> QuerySet[FeeDue]:
    """`fees` annotated with `paid_cents` (the payments recorded, less those voided), `waived`
    (a renewal fee waiver applied to it), `covered_cents` (what a scholarship covers) and
    `outstanding_cents`, what is still owed: the one definition of "owed" every page, list,
    hold and total reads (`owed_only` filters on it). It is `rules.fee_outstanding` in SQL
    (tests/fees/test_selectors.py pins the two together)."""
    paid = (
        counted_payments()
        .filter(fee=OuterRef("pk"))
        .values("fee")
        .annotate(total=Sum("amount_cents"))
        .values("total")
    )
    covered = ScholarshipUse.objects.filter(fee=OuterRef("pk")).values("amount_cents")[:1]
    return fees.annotate(
        paid_cents=Coalesce(Subquery(paid, output_field=IntegerField()), Value(0)),
        waived=Exists(FeeWaiver.objects.filter(fee=OuterRef("pk"))),
        covered_cents=Coalesce(Subquery(covered, output_field=IntegerField()), Value(0)),
    ).annotate(
        outstanding_cents=Case(
            When(waived=True, then=Value(0)),
            default=Greatest(
                F("amount_cents") - F("paid_cents") - F("covered_cents"),
                Value(0),
                output_field=IntegerField(),
            ),
            output_field=IntegerField(),
        )
    )


def owed_only(fees: QuerySet[FeeDue]) -> QuerySet[FeeDue]:
    """Those of `fees` (annotated by `with_balance`) with something still owed."""
    annotated: Any = fees  # the annotation is unknown to the type checker
    return annotated.filter(outstanding_cents__gt=0)


def paid_and_waived(fee: FeeDue) -> tuple[int, bool]:
    """The annotations `with_balance` put on `fee`: what was paid, and whether it is waived."""
    annotated: Any = fee
    return annotated.paid_cents, annotated.waived


def covered_of(fee: FeeDue) -> int:
    """What a scholarship covers of `fee` (annotated by `with_balance`)."""
    annotated: Any = fee
    return annotated.covered_cents


def fee_outstanding_of(fee: FeeDue) -> int:
    """What is still owed on `fee` (annotated by `with_balance`)."""
    annotated: Any = fee
    return annotated.outstanding_cents


def fee_status_of(fee: FeeDue) -> str:
    """Where `fee` (annotated by `with_balance`) stands (`rules.fee_status`)."""
    paid, waived = paid_and_waived(fee)
    return rules.fee_status(
        fee.amount_cents, paid_cents=paid, waived=waived, covered_cents=covered_of(fee)
    )


def fee_due_get(user: User | AnonymousUser | None, pk: int, county: County | None = None) -> FeeDue:
    """One fee due `user` may see, with its balance (404 otherwise, and outside `county` when
    given)."""
    fees = with_balance(fees_due_for(user).select_related("person"))
    if county is not None:
        fees = fees.filter(county=county)
    fee = fees.filter(pk=pk).first()
    if fee is None:
        raise Http404
    return fee


def fee_payments_for(user: User | AnonymousUser | None) -> QuerySet[FeePayment]:
    """The payments `user` may see: of their own fees; county staff their counties'; state
    staff all."""
    return _visible(FeePayment.objects.select_related("fee", "county", "person", "void"), user)


def fee_payment_get(
    user: User | AnonymousUser | None, pk: int, county: County | None = None
) -> FeePayment:
    """One payment `user` may see (404 otherwise, and outside `county` when given)."""
    payments = fee_payments_for(user)
    if county is not None:
        payments = payments.filter(county=county)
    payment = payments.filter(pk=pk).first()
    if payment is None:
        raise Http404
    return payment


def fee_waivers_for(user: User | AnonymousUser | None) -> QuerySet[FeeWaiver]:
    """The renewal fee waivers `user` may see: their own; county staff their counties'; state
    staff all."""
    return _visible(FeeWaiver.objects.select_related("county", "person", "fee"), user)


@dataclass(frozen=True)
class FeeAccount:
    """One fee as its person and staff read it: the line, what was paid, what is owed, and
    its payments (voided ones too, each with its `void`, counted in neither)."""

    fee: FeeDue
    line: FeeLine
    paid_cents: int
    outstanding_cents: int
    status: str
    payments: list[FeePayment]

    @property
    def paid(self) -> str:
        return rules.dollars(self.paid_cents)

    @property
    def outstanding(self) -> str:
        return rules.dollars(self.outstanding_cents)

    @property
    def status_label(self) -> str:
        return str(rules.FEE_STATUS_LABELS[self.status])


def fee_accounts(fees: QuerySet[FeeDue]) -> list[FeeAccount]:
    """Each of `fees` with its payments and balance, oldest first (two queries)."""
    rows = list(with_balance(fees).order_by("created_at", "id"))
    payments: dict[int, list[FeePayment]] = {}
    for payment in (
        FeePayment.objects.filter(fee__in=[f.pk for f in rows])
        .select_related("void")
        .order_by("paid_on", "id")
    ):
        payments.setdefault(payment.fee_id, []).append(payment)
    accounts = []
    for fee in rows:
        accounts.append(
            FeeAccount(
                fee=fee,
                line=fee_line(fee.kind, fee.amount_cents),
                paid_cents=paid_and_waived(fee)[0],
                outstanding_cents=fee_outstanding_of(fee),
                status=fee_status_of(fee),
                payments=payments.get(fee.pk, []),
            )
        )
    return accounts


def outstanding_fees(fees: QuerySet[FeeDue]) -> list[FeeDue]:
    """Those of `fees` with something still owed (annotated by `with_balance`)."""
    return list(owed_only(with_balance(fees)))


def unpaid_application_fees(application_ids: Iterable[int]) -> dict[int, list[FeeDue]]:
    """The application fees still owed on each of `application_ids` (what the exam waits for
    under `ProgramPolicy.unpaid_fees_hold_exam`), in one query. Read inside a service or a
    view that checked who asks; the wall scopes the rows."""
    unpaid: dict[int, list[FeeDue]] = {}
    fees = FeeDue.objects.filter(application_id__in=list(application_ids), kind=FeeKind.APPLICATION)
    for fee in outstanding_fees(fees):
        assert fee.application_id is not None
        unpaid.setdefault(fee.application_id, []).append(fee)
    return unpaid


def unpaid_fees_of_certification(
    *, certification_id: int, application_id: int | None
) -> list[FeeDue]:
    """The fees still owed on a certification before its next renewal: those of the
    application it was issued on and of its earlier renewals (what a renewal waits for under
    `ProgramPolicy.unpaid_fees_hold_renewal`)."""
    on_it = Q(renewal__certification_id=certification_id)
    if application_id is not None:
        on_it |= Q(application_id=application_id)
    return outstanding_fees(FeeDue.objects.filter(on_it).order_by("created_at", "id"))


def unpaid_lines(fees: Iterable[FeeDue]) -> list[tuple[str, int]]:
    """(label, cents still owed) of each fee, for `rules.unpaid_fee_problems`."""
    return [(str(FeeKind(fee.kind).label), fee_outstanding_of(fee)) for fee in fees]


# Totals for reports (the annual program report, the API): what a county charged, collected
# and waived in a period. Unscoped: callers check who may read the county's figures.


def fees_charged_cents(county: County, start: datetime.date, end: datetime.date) -> int:
    """The amounts of the fees that fell due in `county` from `start` through `end`."""
    return _sum(
        FeeDue.objects.filter(
            county=county, created_at__date__gte=start, created_at__date__lte=end
        ),
        "amount_cents",
    )


def _collected(county: County, start: datetime.date, end: datetime.date) -> QuerySet[FeePayment]:
    """The payments that count as collected in `county` from `start` through `end` (by
    `paid_on`; voided ones never): every read of collected money goes through here."""
    return counted_payments().filter(county=county, paid_on__gte=start, paid_on__lte=end)


def _waived(county: County, start: datetime.date, end: datetime.date) -> QuerySet[FeeDue]:
    return FeeDue.objects.filter(
        county=county, waiver__applied_at__date__gte=start, waiver__applied_at__date__lte=end
    )


def fees_collected_cents(county: County, start: datetime.date, end: datetime.date) -> int:
    """The payments recorded in `county` dated from `start` through `end`."""
    return _sum(_collected(county, start, end), "amount_cents")


def fees_waived_cents(county: County, start: datetime.date, end: datetime.date) -> int:
    """The amounts of the fees waived in `county` (a renewal fee waiver applied) from `start`
    through `end`."""
    return _sum(_waived(county, start, end), "amount_cents")


def fee_report_totals(
    county: County, start: datetime.date, end: datetime.date
) -> dict[str, dict[str, int]]:
    """What the annual program report shows of `county`'s fees from `start` through `end`:
    for charged, collected, waived and covered by scholarships, the amount in cents and how
    many rows it sums (fees, payments, waived fees, scholarship uses), which the report needs
    to suppress an amount behind a small count. The same rows as `fees_charged_cents`,
    `fees_collected_cents` and `fees_waived_cents`."""
    charged = FeeDue.objects.filter(
        county=county, created_at__date__gte=start, created_at__date__lte=end
    )
    covered = ScholarshipUse.objects.filter(
        county=county, created_at__date__gte=start, created_at__date__lte=end
    )

    def totals(rows: QuerySet) -> dict[str, int]:
        found = rows.aggregate(cents=Coalesce(Sum("amount_cents"), Value(0)), count=Count("id"))
        return {"cents": found["cents"], "count": found["count"]}

    return {
        "charged": totals(charged),
        "collected": totals(_collected(county, start, end)),
        "waived": totals(_waived(county, start, end)),
        "covered": totals(covered),
    }


def _sum(rows: QuerySet, field: str) -> int:
    return rows.aggregate(total=Coalesce(Sum(field), Value(0)))["total"]


# Scholarships (docs/domain.md#scholarships).


def scholarship_pools() -> QuerySet[ScholarshipPool]:
    """Every scholarship pool (its name, source, size and window are public facts), with
    `accepted` (places granted) and `granted_cents` (amount granted), the latest first."""
    return ScholarshipPool.objects.annotate(
        accepted=Count("nominations", filter=Q(nominations__status=NominationStatus.ACCEPTED)),
        granted_cents=Coalesce(
            Sum(
                "nominations__amount_cents",
                filter=Q(nominations__status=NominationStatus.ACCEPTED),
            ),
            Value(0),
        ),
    ).order_by("-opens_on", "name")


def open_scholarship_pools(on: datetime.date) -> QuerySet[ScholarshipPool]:
    """The pools open for nominations on `on`."""
    return scholarship_pools().filter(opens_on__lte=on, closes_on__gte=on)


def pool_left(pool: ScholarshipPool) -> str:
    """What is left of `pool` (annotated by `scholarship_pools`), for people to read."""
    annotated: Any = pool
    if pool.places is not None:
        return str(pool.places - annotated.accepted)
    assert pool.amount_cents is not None
    return rules.dollars(pool.amount_cents - annotated.granted_cents)


def scholarship_nominations_for(
    user: User | AnonymousUser | None,
) -> QuerySet[ScholarshipNomination]:
    """The nominations `user` may see: their own; county staff their counties'; state staff
    all (they administer the pools)."""
    return _visible(ScholarshipNomination.objects.select_related("pool", "county", "person"), user)


def scholarship_nomination_get(
    user: User | AnonymousUser | None, pk: int, county: County | None = None
) -> ScholarshipNomination:
    nominations = scholarship_nominations_for(user)
    if county is not None:
        nominations = nominations.filter(county=county)
    nomination = nominations.filter(pk=pk).first()
    if nomination is None:
        raise Http404
    return nomination


def scholarship_uses_for(user: User | AnonymousUser | None) -> QuerySet[ScholarshipUse]:
    """The fees covered by scholarships that `user` may see (as the fees)."""
    return _visible(ScholarshipUse.objects.select_related("fee", "nomination"), user)


def fee_totals_by_county(
    counties: list[County], start: datetime.date, end: datetime.date
) -> list[dict[str, Any]]:
    """For each of `counties` (in order): fees charged (count and cents: fell due from `start`
    through `end`), collected (payments dated in the period), waived (waivers applied in the
    period), covered by scholarships (in the period), scholarship nominations made and
    granted in the period. Six grouped queries whatever the number of counties. Unscoped:
    the caller chooses the counties the asker may read (the wall scopes the rows too)."""
    ids = [county.pk for county in counties]

    def grouped(rows: QuerySet, **aggregates) -> dict[int, dict[str, int]]:
        return {
            row.pop("county_id"): row
            for row in rows.filter(county_id__in=ids).values("county_id").annotate(**aggregates)
        }

    charged = grouped(
        FeeDue.objects.filter(created_at__date__gte=start, created_at__date__lte=end),
        cents=Sum("amount_cents"),
        count=Count("id"),
    )
    collected = grouped(
        counted_payments().filter(paid_on__gte=start, paid_on__lte=end),
        cents=Sum("amount_cents"),
    )
    waived = grouped(
        FeeDue.objects.filter(
            waiver__applied_at__date__gte=start, waiver__applied_at__date__lte=end
        ),
        cents=Sum("amount_cents"),
    )
    covered = grouped(
        ScholarshipUse.objects.filter(created_at__date__gte=start, created_at__date__lte=end),
        cents=Sum("amount_cents"),
    )
    nominated = grouped(
        ScholarshipNomination.objects.filter(
            nominated_at__date__gte=start, nominated_at__date__lte=end
        ),
        count=Count("id"),
    )
    granted = grouped(
        ScholarshipNomination.objects.filter(
            status=NominationStatus.ACCEPTED, granted_on__gte=start, granted_on__lte=end
        ),
        count=Count("id"),
    )
    return [
        {
            "county": county.code,
            "name": county.name,
            "fees_charged_cents": charged.get(county.pk, {}).get("cents", 0),
            "fees_charged_count": charged.get(county.pk, {}).get("count", 0),
            "fees_collected_cents": collected.get(county.pk, {}).get("cents", 0),
            "fees_waived_cents": waived.get(county.pk, {}).get("cents", 0),
            "fees_covered_by_scholarships_cents": covered.get(county.pk, {}).get("cents", 0),
            "scholarships_nominated": nominated.get(county.pk, {}).get("count", 0),
            "scholarships_granted": granted.get(county.pk, {}).get("count", 0),
        }
        for county in counties
    ]
