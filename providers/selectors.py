"""Reads of providers, their staff, courses, applications and approvals, scoped to who asks
(the access layer, docs/architecture.md#tenancy). Row-level security repeats these rules
(`providers.migrations.0002_row_level_security`).

- A provider's staff (any role) read their provider's courses, applications (with their
  competency mapping), staff and invitations; its administrators manage the staff and profile.
- State staff read every provider's rows; those given the reviewer's permission
  (`providers.review_providers`) open the cycles, register providers and review the
  applications (docs/domain.md#providers).
- Public facts, read by anyone: the provider profiles, the approval cycles, the course approvals
  and the courses approved (`approved_courses_on`, for the course finder).
- Nobody else reads anything here: not other providers, not county staff.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.selectors import can_read
from certification.selectors import person_records_visible
from counties.selectors import staff_county_ids
from providers.models import (
    ApplicationStatus,
    ApprovalCycle,
    Completion,
    CourseApplication,
    CourseApproval,
    ProviderApiKey,
    ProviderCourse,
    ProviderInvitation,
    ProviderMembership,
    ProviderOrganisation,
    ProviderPolicy,
    ProviderRole,
)

ADMIN_ROLES = (ProviderRole.ADMIN,)
MEMBER_ROLES = (ProviderRole.ADMIN, ProviderRole.MEMBER)


def provider_policy() -> ProviderPolicy:
    """The provider policy row (its defaults until an operator saves one)."""
    return ProviderPolicy.objects.filter(pk=1).first() or ProviderPolicy(pk=1)


# Staff -----------------------------------------------------------------------------------------


def provider_ids(user) -> list[int]:
    """Ids of the providers `user` is on the staff of (cached on the user object)."""
    if not can_read(user):
        return []
    cached: list[int] | None = getattr(user, "_provider_ids", None)
    if cached is None:
        cached = list(
            ProviderMembership.objects.filter(user=user).values_list("provider_id", flat=True)
        )
        vars(user)["_provider_ids"] = cached  # an attribute the model does not declare
    return cached


REVIEW_PERMISSION = "providers.review_providers"


def is_reviewer(user) -> bool:
    """State staff holding the reviewer's permission (given by an operator, through a group)
    open the cycles, register providers and review applications (docs/domain.md#providers);
    row-level security asks the same (`app_is_provider_reviewer()`)."""
    return bool(can_read(user) and user.is_state_staff and user.has_perm(REVIEW_PERMISSION))


def reads_every_provider(user) -> bool:
    """State staff read every provider's rows (and change nothing without the permission)."""
    return bool(can_read(user) and user.is_state_staff)


def providers_for(user) -> QuerySet[ProviderOrganisation]:
    """The providers `user` works for; every provider for state staff."""
    if not can_read(user):
        return ProviderOrganisation.objects.none()
    rows = ProviderOrganisation.objects.select_related("training_provider")
    if reads_every_provider(user):
        return rows
    return rows.filter(pk__in=provider_ids(user))


def provider_get(user, pk) -> ProviderOrganisation:
    """One provider of `user`'s, or Http404 (another provider's is not found)."""
    provider = providers_for(user).filter(pk=pk).first()
    if provider is None:
        raise Http404("No such provider.")
    return provider


def provider_role(user, provider: ProviderOrganisation) -> str | None:
    """`user`'s role on `provider`'s staff, or None."""
    if not can_read(user):
        return None
    return (
        ProviderMembership.objects.filter(user=user, provider=provider)
        .values_list("role", flat=True)
        .first()
    )


def require_provider_staff(actor, provider: ProviderOrganisation, roles=MEMBER_ROLES) -> str:
    """The check every provider service makes: `actor` holds one of `roles` on `provider`'s
    staff (PermissionDenied otherwise). Returns the role."""
    role = provider_role(actor, provider)
    if role is None or role not in roles:
        raise PermissionDenied
    return role


def require_reviewer(actor) -> None:
    """State staff only (PermissionDenied otherwise)."""
    if not is_reviewer(actor):
        raise PermissionDenied


def provider_memberships(provider: ProviderOrganisation) -> QuerySet[ProviderMembership]:
    """The staff of `provider` (the caller has already been given the provider)."""
    return ProviderMembership.objects.filter(provider=provider).select_related("user")


def provider_invitations_pending(provider: ProviderOrganisation) -> QuerySet[ProviderInvitation]:
    return ProviderInvitation.objects.filter(
        provider=provider, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def provider_staff_emails(provider_id: int, roles=MEMBER_ROLES) -> list[str]:
    """The addresses of `provider`'s staff, for the provider emails (tasks, as the system)."""
    return list(
        ProviderMembership.objects.filter(
            provider_id=provider_id, role__in=roles, user__is_active=True
        ).values_list("user__email", flat=True)
    )


# Courses and applications ----------------------------------------------------------------------


def courses_for(user) -> QuerySet[ProviderCourse]:
    """The courses of the providers `user` works for; every course for state staff."""
    if not can_read(user):
        return ProviderCourse.objects.none()
    rows = ProviderCourse.objects.select_related("provider__training_provider")
    if reads_every_provider(user):
        return rows
    return rows.filter(provider_id__in=provider_ids(user))


def course_get(user, pk) -> ProviderCourse:
    course = courses_for(user).filter(pk=pk).first()
    if course is None:
        raise Http404("No such course.")
    return course


def applications_for(user) -> QuerySet[CourseApplication]:
    """The applications of the providers `user` works for; every one for state staff."""
    if not can_read(user):
        return CourseApplication.objects.none()
    rows = CourseApplication.objects.select_related(
        "course", "cycle", "provider__training_provider"
    )
    if reads_every_provider(user):
        return rows
    return rows.filter(provider_id__in=provider_ids(user))


def application_get(user, pk) -> CourseApplication:
    """One application `user` may see, or Http404."""
    application = applications_for(user).filter(pk=pk).first()
    if application is None:
        raise Http404("No such application.")
    return application


def applications_to_review(user) -> QuerySet[CourseApplication]:
    """The review queue: submitted applications, oldest first (state staff)."""
    if not reads_every_provider(user):
        return CourseApplication.objects.none()
    return (
        applications_for(user)
        .filter(status=ApplicationStatus.SUBMITTED)
        .order_by("submitted_at", "id")
    )


# Cycles and approvals (public facts) ------------------------------------------------------------


def cycles_open(on: datetime.date | None = None) -> QuerySet[ApprovalCycle]:
    """The cycles taking applications on `on` (today)."""
    on = on or timezone.localdate()
    return ApprovalCycle.objects.filter(
        opens_on__lte=on, closes_on__gte=on, closed_at__isnull=True
    ).order_by("closes_on", "id")


def cycles_all() -> QuerySet[ApprovalCycle]:
    return ApprovalCycle.objects.all()


def cycle_get(pk) -> ApprovalCycle:
    cycle = ApprovalCycle.objects.filter(pk=pk).first()
    if cycle is None:
        raise Http404("No such cycle.")
    return cycle


def approvals_covering(on: datetime.date) -> Q:
    """The condition on `CourseApproval` of covering a completion on `on`."""
    return (
        Q(starts_on__lte=on, ends_on__gte=on)
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        & Q(training_provider__approved=True)
    )


def approved_courses_on(on: datetime.date | None = None) -> QuerySet[ProviderCourse]:
    """The courses approved on `on` (today), with their provider: the public course finder's
    rows. Filter further by `course_type`, `area_code`, `languages__contains`,
    `delivery_modes__contains` or the provider's counties."""
    on = on or timezone.localdate()
    covering = CourseApproval.objects.filter(approvals_covering(on), course=OuterRef("pk"))
    return (
        ProviderCourse.objects.filter(Exists(covering))
        .select_related("provider__training_provider")
        .order_by("provider__training_provider__name", "title")
    )


def course_approved_on(course: ProviderCourse, on: datetime.date) -> CourseApproval | None:
    """The approval covering `course` on `on`, or None (a completion reported for a course not
    approved on its date is refused)."""
    return (
        CourseApproval.objects.filter(approvals_covering(on), course=course)
        .order_by("-starts_on")
        .first()
    )


def approvals_of(course: ProviderCourse) -> QuerySet[CourseApproval]:
    """Every approval of `course`, latest first: its approval history."""
    return CourseApproval.objects.filter(course=course).order_by("-starts_on", "-id")


def approvals_for(user) -> QuerySet[CourseApproval]:
    """The approvals of the providers `user` works for; every one for state staff."""
    if not can_read(user):
        return CourseApproval.objects.none()
    rows = CourseApproval.objects.select_related("course", "provider__training_provider")
    if reads_every_provider(user):
        return rows
    return rows.filter(provider_id__in=provider_ids(user))


def approvals_lapsing(today: datetime.date, notice_days: int) -> QuerySet[CourseApproval]:
    """Approvals ending within `notice_days` of `today` whose provider has not been told yet
    (the daily task, as the system)."""
    return CourseApproval.objects.filter(
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=notice_days),
        withdrawn_on__isnull=True,
        lapse_notice_sent_at__isnull=True,
    ).select_related("course", "provider__training_provider")


def course_finder(
    *,
    on: datetime.date | None = None,
    course_type: str = "",
    area_code: str = "",
    ce_category: str = "",
    county_code: str = "",
    language: str = "",
    delivery_mode: str = "",
) -> QuerySet[ProviderCourse]:
    """The public course finder's rows: the courses approved on `on` (today,
    `approved_courses_on`) narrowed by each filter given (an empty one does not narrow). A county
    is served by the providers that name it and by those serving the whole state. Public facts,
    read by anyone; the caller validates the values."""
    rows = approved_courses_on(on)
    if course_type:
        rows = rows.filter(course_type=course_type)
    if area_code:
        rows = rows.filter(area_code=area_code)
    if ce_category:
        rows = rows.filter(ce_category=ce_category)
    if language:
        rows = rows.filter(languages__contains=[language])
    if delivery_mode:
        rows = rows.filter(delivery_modes__contains=[delivery_mode])
    if county_code:
        serving = ProviderOrganisation.objects.filter(counties__code=county_code)
        rows = rows.filter(Q(provider__statewide=True) | Q(provider__in=serving))
    on = on or timezone.localdate()
    until = CourseApproval.objects.filter(approvals_covering(on), course=OuterRef("pk"))
    return rows.annotate(
        approved_until=Subquery(until.order_by("-ends_on").values("ends_on")[:1])
    ).prefetch_related("provider__counties")


# Reported completions --------------------------------------------------------------------------


def completions_for(user) -> QuerySet[Completion]:
    """The reported completions `user` may read: their providers' (staff), every one (state
    staff), those matched to them (the learner), and those matched to a person whose records
    they read (county staff: `certification.selectors.person_records_visible`). Row-level
    security repeats it (`providers.migrations.0006_row_level_security_completions`)."""
    if not can_read(user):
        return Completion.objects.none()
    rows = Completion.objects.select_related("provider__training_provider", "course")
    if reads_every_provider(user):
        return rows
    visible = Q(provider_id__in=provider_ids(user)) | Q(person=user)
    if not user.is_state_staff and staff_county_ids(user):
        visible |= Q(person__isnull=False) & person_records_visible(user, "person")
    return rows.filter(visible)


def completions_of_provider(user, provider: ProviderOrganisation) -> QuerySet[Completion]:
    """One provider's completions, newest first, for its staff or state staff (none else)."""
    if provider.pk not in provider_ids(user) and not reads_every_provider(user):
        return Completion.objects.none()
    return (
        Completion.objects.filter(provider=provider)
        .select_related("course")
        .order_by("-created_at", "-id")
    )


def completion_get(user, pk) -> Completion:
    completion = completions_for(user).filter(pk=pk).first()
    if completion is None:
        raise Http404("No such completion.")
    return completion


def reported_completions_of(user) -> QuerySet[Completion]:
    """The completions matched to `user` (the learner's own), with their records."""
    if not can_read(user):
        return Completion.objects.none()
    return Completion.objects.filter(person=user).select_related(
        "provider__training_provider", "course"
    )


def api_keys_of(user, provider: ProviderOrganisation) -> QuerySet[ProviderApiKey]:
    """`provider`'s API keys, for its administrators (none for anyone else)."""
    if provider_role(user, provider) not in ADMIN_ROLES:
        return ProviderApiKey.objects.none()
    return ProviderApiKey.objects.filter(provider=provider).select_related(
        "created_by", "revoked_by"
    )


def api_key_get(user, provider: ProviderOrganisation, pk) -> ProviderApiKey:
    api_key = api_keys_of(user, provider).filter(pk=pk).first()
    if api_key is None:
        raise Http404("No such key.")
    return api_key
