"""Reads of cases, scoped to who asks (the access layer, docs/architecture.md#tenancy).

A case belongs to its handling county: that county's staff see it, state staff see every
one (including the cases with no county, which they handle), nobody else sees any. The
subject and the complainant never read a case here.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from cases.models import Case, CaseEvent
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
