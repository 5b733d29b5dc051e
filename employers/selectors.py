"""Reads of employers, their staff and watchlists, scoped to who asks (the access layer,
docs/architecture.md#tenancy). Row-level security repeats these rules
(`employers.migrations.0002_row_level_security`).

- An employer's staff (any role) read the employer, its staff, its watchlist, its notices and
  its webhooks; its administrators manage staff, settings and webhooks.
- A certified peer reads which employers watch their own certification (the employer's name
  only).
- Nobody else reads anything here: not other employers, not county or state staff.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.selectors import can_read
from cases.models import PublicNotice
from cases.selectors import public_notices_of
from counties.selectors import staff_county_ids
from employers.models import (
    PUBLIC_ACTION_KINDS,
    Employer,
    EmployerInvitation,
    EmployerMembership,
    EmployerRole,
    ExclusionMatch,
    MatchStatus,
    Notice,
    RegistryChange,
    Watch,
    WebhookDelivery,
    WebhookEndpoint,
)

ADMIN_ROLES = (EmployerRole.ADMIN,)
MEMBER_ROLES = (EmployerRole.ADMIN, EmployerRole.MEMBER)


def employer_ids(user) -> list[int]:
    """Ids of the employers `user` is on the staff of (cached on the user object)."""
    if not can_read(user):
        return []
    cached: list[int] | None = getattr(user, "_employer_ids", None)
    if cached is None:
        cached = list(
            EmployerMembership.objects.filter(user=user).values_list("employer_id", flat=True)
        )
        vars(user)["_employer_ids"] = cached  # an attribute the model does not declare
    return cached


def employers_for(user) -> QuerySet[Employer]:
    """The employers `user` is on the staff of."""
    if not can_read(user):
        return Employer.objects.none()
    return Employer.objects.filter(pk__in=employer_ids(user))


def employer_get(user, pk) -> Employer:
    """One employer of `user`'s, or Http404."""
    employer = employers_for(user).filter(pk=pk).first()
    if employer is None:
        raise Http404("No such employer.")
    return employer


def employer_role(user, employer: Employer) -> str | None:
    """`user`'s role on `employer`'s staff, or None."""
    if not can_read(user):
        return None
    return (
        EmployerMembership.objects.filter(user=user, employer=employer)
        .values_list("role", flat=True)
        .first()
    )


def require_employer_staff(actor, employer: Employer, roles=MEMBER_ROLES) -> str:
    """The check every employer service makes: `actor` holds one of `roles` on `employer`'s
    staff (PermissionDenied otherwise). Returns the role."""
    role = employer_role(actor, employer)
    if role is None or role not in roles:
        raise PermissionDenied
    return role


def employer_memberships(employer: Employer) -> QuerySet[EmployerMembership]:
    """The staff of `employer` (the caller has already been given the employer)."""
    return EmployerMembership.objects.filter(employer=employer).select_related("user")


def employer_invitations_pending(employer: Employer) -> QuerySet[EmployerInvitation]:
    return EmployerInvitation.objects.filter(
        employer=employer, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def watches_for(user) -> QuerySet[Watch]:
    """The watchlist rows of every employer `user` is on the staff of."""
    if not can_read(user):
        return Watch.objects.none()
    return Watch.objects.filter(employer_id__in=employer_ids(user))


def watch_get(user, pk) -> Watch:
    watch = watches_for(user).filter(pk=pk).select_related("employer").first()
    if watch is None:
        raise Http404("No such watchlist entry.")
    return watch


def watchlist(employer: Employer) -> QuerySet[Watch]:
    """`employer`'s watchlist with each certification's registry facts, by last name: what
    the public registry shows and nothing else (the caller holds the employer through
    `employer_get`)."""
    return (
        Watch.objects.filter(employer=employer)
        .select_related("certification", "certification__issuing_county")
        .prefetch_related("certification__specializations")
        .order_by("certification__last_name", "certification__first_name", "certification_id")
    )


def watching_employers_of(user: User) -> QuerySet[Employer]:
    """The employers watching `user`'s own certifications (for the peer's portal page)."""
    if not can_read(user):
        return Employer.objects.none()
    return Employer.objects.filter(watches__certification__holder=user).distinct().order_by("name")


@dataclass
class WatchRow:
    """One line of the watchlist page and its CSV: the watch with its certification's
    registry facts, its specialization codes and its public actions (oldest first)."""

    watch: Watch
    specialization_codes: list[str]
    actions: list[RegistryChange]
    # The public notices of case decisions (`cases.selectors.public_notices_of`), for the
    # summaries the programs published.
    notices: list[PublicNotice] = field(default_factory=list)


def watchlist_rows(employer: Employer) -> list[WatchRow]:
    """`watchlist(employer)` with each certification's public actions and public notices:
    four queries whatever the length of the list."""
    watches = list(watchlist(employer))
    actions: dict[int, list[RegistryChange]] = {}
    for change in RegistryChange.objects.filter(
        certification_id__in=[w.certification_id for w in watches],
        kind__in=PUBLIC_ACTION_KINDS,
    ).order_by("occurred_at", "id"):
        actions.setdefault(change.certification_id, []).append(change)
    notices = public_notices_of(w.certification_id for w in watches)
    return [
        WatchRow(
            watch=w,
            specialization_codes=sorted(s.code for s in w.certification.specializations.all()),
            actions=actions.get(w.certification_id, []),
            notices=notices.get(w.certification_id, []),
        )
        for w in watches
    ]


def notices_for_employer(employer: Employer) -> QuerySet[Notice]:
    """The changes `employer` was told of, newest first (the caller holds the employer)."""
    return (
        Notice.objects.filter(employer=employer)
        .select_related("change", "change__certification")
        .order_by("-change__occurred_at", "-id")
    )


def webhook_endpoints(employer: Employer) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(employer=employer).order_by("id")


def webhook_deliveries(
    endpoint: WebhookEndpoint | None, *, employer: Employer | None = None
) -> QuerySet[WebhookDelivery]:
    """The delivery log of `endpoint` (or of every endpoint of `employer`), newest first."""
    rows = WebhookDelivery.objects.select_related("endpoint")
    if endpoint is not None:
        rows = rows.filter(endpoint=endpoint)
    else:
        rows = rows.filter(endpoint__employer=employer)
    return rows.order_by("-created_at", "-id")


def exclusion_matches_for(user) -> QuerySet[ExclusionMatch]:
    """Possible exclusion matches `user` may read: the certifying county's staff and state
    staff every one of theirs; an employer's staff the confirmed ones of peers it watches."""
    if not can_read(user):
        return ExclusionMatch.objects.none()
    rows = ExclusionMatch.objects.select_related("certification", "entry", "county")
    if user.is_state_staff:
        return rows
    county_ids = staff_county_ids(user)
    watched = Watch.objects.filter(employer_id__in=employer_ids(user)).values("certification_id")
    return rows.filter(
        Q(county_id__in=county_ids) | Q(status=MatchStatus.CONFIRMED, certification_id__in=watched)
    )


def exclusion_match_get(user, pk, *, county=None) -> ExclusionMatch:
    """One match `user` may read (in `county`, when given), or Http404."""
    rows = exclusion_matches_for(user)
    if county is not None:
        rows = rows.filter(county=county)
    match = rows.filter(pk=pk).first()
    if match is None:
        raise Http404("No such exclusion match.")
    return match
