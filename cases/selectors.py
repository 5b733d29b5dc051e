"""Reads of cases, scoped to who asks (the access layer, docs/architecture.md#tenancy).

A case belongs to its handling county: that county's staff see it, state staff see every
one (including the cases with no county, which they handle), nobody else sees any. The
subject and the complainant never read a case here.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from cases.models import Appeal, AppealDocument, Case, CaseDecision, CaseEvent, PublicNotice
from counties.models import County
from counties.selectors import staff_counties


def cases_for(user: User | AnonymousUser | None) -> QuerySet[Case]:
    """The cases `user` may see, with their subject, certification and investigator."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return Case.objects.none()
    cases = Case.objects.select_related("county", "certification", "subject", "investigator")
    if user.is_state_staff:
        return cases
    return cases.filter(county__in=staff_counties(user).values("pk"))


def case_get(user: User | AnonymousUser | None, pk: int | str, *, county: County) -> Case:
    """One case of `county` that `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return cases_for(user).get(pk=pk, county=county)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such case.") from exc


def case_timeline(user: User | AnonymousUser | None, case: Case) -> QuerySet[CaseEvent]:
    """The timeline of `case`, oldest first, if `user` may see the case."""
    if not cases_for(user).filter(pk=case.pk).exists():
        return CaseEvent.objects.none()
    return CaseEvent.objects.filter(case=case).select_related("actor")


def appeals_for(user: User | AnonymousUser | None) -> QuerySet[Appeal]:
    """The appeals `user` may see: their own; those of the programs they staff; every one for
    state staff (who decide appeals too)."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return Appeal.objects.none()
    appeals = Appeal.objects.select_related(
        "county", "appellant", "certification", "application", "decided_by"
    )
    if user.is_state_staff:
        return appeals
    return appeals.filter(Q(appellant=user) | Q(county__in=staff_counties(user).values("pk")))


def appeal_get(user: User | AnonymousUser | None, pk: int | str) -> Appeal:
    """One appeal `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return appeals_for(user).get(pk=pk)
    except (Appeal.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such appeal.") from exc


def appeal_documents(user: User | AnonymousUser | None, appeal: Appeal) -> QuerySet[AppealDocument]:
    """The documents filed with `appeal`, if `user` may see the appeal."""
    if not appeals_for(user).filter(pk=appeal.pk).exists():
        return AppealDocument.objects.none()
    return AppealDocument.objects.filter(appeal=appeal).select_related("document")


def decisions_for(user: User | AnonymousUser | None) -> QuerySet[CaseDecision]:
    """The decisions `user` may see: those of the cases `cases_for(user)` shows."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return CaseDecision.objects.none()
    decisions = CaseDecision.objects.select_related("decided_by", "certification", "county")
    if user.is_state_staff:
        return decisions
    return decisions.filter(county__in=staff_counties(user).values("pk"))


def case_decisions(user: User | AnonymousUser | None, case: Case) -> QuerySet[CaseDecision]:
    """The decisions of `case`, oldest first, if `user` may see the case."""
    return decisions_for(user).filter(case=case).select_related("public_notice")


def decision_get(user: User | AnonymousUser | None, pk: int | str, *, case: Case) -> CaseDecision:
    """One decision of `case` that `user` may see, or Http404."""
    try:
        return decisions_for(user).get(pk=pk, case=case)
    except (CaseDecision.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such decision.") from exc


def public_notices_of(certification_ids: Iterable[int]) -> dict[int, list[PublicNotice]]:
    """The public notices shown for each certification, newest first (public: anyone may
    read them; the registry, the verify page and API, employers). Withdrawn ones (an appeal
    overturned the decision) are not shown."""
    notices: dict[int, list[PublicNotice]] = {}
    for notice in PublicNotice.objects.filter(
        certification_id__in=list(certification_ids), withdrawn_at__isnull=True
    ).order_by("-effective_on", "-pk"):
        notices.setdefault(notice.certification_id, []).append(notice)
    return notices
