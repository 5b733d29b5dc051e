"""Reads for counties, county staff, staff invitations and opt-in status, scoped to who asks.

County staff are the users holding a `CountyMembership`; state staff (`User.is_state_staff`)
read every county but hold no membership and so are not "staff of" any county here. Anonymous
and inactive users see nothing.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import can_read
from core import policy
from counties.models import (
    County,
    CountyMembership,
    DeliverySystem,
    OptInPeriod,
    ProgramPolicy,
    StaffInvitation,
    StaffRole,
)

# The roles that may act on a county's applications, certifications and records; the admin
# role alone manages the county (staff, opt-in, CE audits).
REVIEW_ROLES = (StaffRole.REVIEWER, StaffRole.ADMIN)
ADMIN_ROLES = (StaffRole.ADMIN,)


def staff_counties(user: User | AnonymousUser | None) -> QuerySet[County]:
    """The counties in which `user` holds a membership (any role), by name.

    State staff get none from here: their statewide read access is decided by each selector.
    """
    if not can_read(user):
        return County.objects.none()
    return County.objects.filter(memberships__user=user)


def staff_county_ids(user: User) -> list[int]:
    """Ids of the counties in which `user` holds a membership (empty for everyone else).

    One query per user object, cached on it (a request's user lives for one request), like
    `accounts.roles.is_county_staff`. Selectors filter on these literal ids rather than a
    subquery: PostgreSQL can then combine "the person's own rows" and "the counties' rows"
    from two indexes instead of scanning the table."""
    cached: list[int] | None = getattr(user, "_staff_county_ids", None)
    if cached is None:
        cached = list(staff_counties(user).values_list("pk", flat=True))
        vars(user)["_staff_county_ids"] = cached  # an attribute the model does not declare
    return cached


def admin_counties(user: User | AnonymousUser | None) -> QuerySet[County]:
    """The counties in which `user` is an administrator."""
    if not can_read(user):
        return County.objects.none()
    return County.objects.filter(memberships__user=user, memberships__role=StaffRole.ADMIN)


def staff_role(user: User | AnonymousUser | None, county: County) -> str | None:
    """`user`'s role in `county` ("reviewer" or "admin"), or None when they hold none."""
    if not can_read(user):
        return None
    return (
        CountyMembership.objects.filter(user=user, county=county)
        .values_list("role", flat=True)
        .first()
    )


def require_staff(actor: User | None, county: County, roles: Iterable[str] = REVIEW_ROLES) -> str:
    """The actor's role in `county`, or PermissionDenied when they hold none of `roles`: the
    check of every service that acts on a county's objects (pass `ADMIN_ROLES` for what only
    an administrator may do). Call it inside the service's transaction, after its locks: a
    membership removed meanwhile must not keep its power.

    State staff read everything and write nothing, whatever memberships they may hold.
    """
    if not can_read(actor) or actor.is_state_staff:
        raise PermissionDenied
    role = staff_role(actor, county)
    if role is None or role not in roles:
        raise PermissionDenied
    return role


def county_memberships(county: County) -> QuerySet[CountyMembership]:
    """The staff of `county` with their users, admins first, then by email."""
    return (
        CountyMembership.objects.filter(county=county)
        .select_related("user")
        .order_by("role", "user__email")
    )


def county_staff_to_notify(counties: Iterable[County]) -> QuerySet[CountyMembership]:
    """The staff of `counties` (every role), with their users and counties, for the system's
    notices to a county (an application transferred in or out). Behind row-level security a
    service reads this acting as the system: an applicant whose application moved may not
    list a county's staff."""
    return (
        CountyMembership.objects.filter(county__in=list(counties), user__is_active=True)
        .select_related("user", "county")
        .order_by("county_id", "user_id")
    )


def _in_effect_on(day: datetime.date) -> Q:
    return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def county_opt_in_current(
    county: County, *, on: datetime.date | None = None
) -> dict[str, OptInPeriod | None]:
    """The opt-in period of `county` in effect on `on` (default today) for each delivery
    system (None when none is), keyed by delivery-system code in `DeliverySystem` order.
    One query."""
    day = on or timezone.localdate()
    in_effect = {
        period.delivery_system: period
        for period in OptInPeriod.objects.filter(_in_effect_on(day), county=county)
    }
    return {code: in_effect.get(code) for code in DeliverySystem.values}


def county_opt_in_history(county: County) -> QuerySet[OptInPeriod]:
    """Every opt-in period of `county`, newest first within each delivery system."""
    return (
        OptInPeriod.objects.filter(county=county)
        .select_related("changed_by")
        .order_by("delivery_system", "-effective_from", "-id")
    )


def opted_in_counties(*, on: datetime.date | None = None) -> QuerySet[County]:
    """Counties opted in for at least one delivery system on `on` (default today): an
    opted-in period in effect that day (normally the open one)."""
    day = on or timezone.localdate()
    opted_in = OptInPeriod.objects.filter(_in_effect_on(day), county=OuterRef("pk"), opted_in=True)
    return County.objects.filter(Exists(opted_in))


def county_participates(county: County, *, on: datetime.date | None = None) -> bool:
    """Whether `county` takes part in peer support certification on `on` (default today):
    opted in for at least one delivery system (docs/domain.md#counties-and-opt-in). One
    query."""
    return opted_in_counties(on=on).filter(pk=county.pk).exists()


def counties_taking_applications() -> QuerySet[County]:
    """Counties opted in for at least one delivery system today, by name, each with
    `open_opt_ins`: its open opted-in periods (which delivery systems, in the order of
    `DeliverySystem`). Two queries."""
    declared_order = Case(
        *(When(delivery_system=code, then=index) for index, code in enumerate(DeliverySystem)),
        default=len(DeliverySystem),
    )
    open_opt_ins = OptInPeriod.objects.filter(effective_to__isnull=True, opted_in=True).order_by(
        declared_order
    )
    return (
        opted_in_counties()
        .order_by("name")
        .prefetch_related(Prefetch("opt_in_periods", queryset=open_opt_ins, to_attr="open_opt_ins"))
    )


def staff_invitations_for(user: User | AnonymousUser | None, county: County) -> QuerySet:
    """`county`'s pending invitations (neither accepted nor withdrawn; expired ones included,
    the page says so), newest first, if `user` may see them."""
    if not can_read(user):
        return StaffInvitation.objects.none()
    if not user.is_state_staff and staff_role(user, county) != StaffRole.ADMIN:
        return StaffInvitation.objects.none()
    return (
        StaffInvitation.objects.filter(
            county=county, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ExamBooking:
    """How a candidate books and sits the exam (ProgramPolicy, docs/domain.md#exam), in the
    reader's language (the active language)."""

    vendor: str
    booking_url: str
    phone: str
    what_to_bring: str
    accommodation_notice_days: int
    questions: int
    duration_hours: Decimal


def exam_what_to_bring_standard() -> str:
    return _(
        "A current government photo ID whose name matches your application exactly. At a test "
        "centre, arrive 30 minutes early; personal items stay in a locker. For an online exam, "
        "a private, quiet room and a computer with a webcam and a steady internet connection; "
        "run the vendor's system test the day before."
    )


def exam_booking_details() -> ExamBooking:
    """The program's exam details (one query), the operator's wording when set."""
    values = ProgramPolicy.current()
    spanish = (get_language() or "").startswith("es")
    bring = (values.exam_what_to_bring_es if spanish else "") or values.exam_what_to_bring
    return ExamBooking(
        vendor=values.exam_vendor_name or policy.DEFAULT_EXAM_VENDOR_NAME,
        booking_url=values.exam_booking_url,
        phone=values.exam_vendor_phone,
        what_to_bring=bring or exam_what_to_bring_standard(),
        accommodation_notice_days=values.exam_accommodation_notice_days,
        questions=policy.EXAM_QUESTIONS,
        duration_hours=policy.EXAM_DURATION_HOURS,
    )
