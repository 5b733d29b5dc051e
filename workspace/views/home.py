"""The way in: choosing a county to work in."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts import roles
from counties.models import County
from counties.selectors import staff_counties
from fees.models import NominationStatus
from fees.selectors import scholarship_nominations_for


@login_required
@require_safe
def pick_county(request: HttpRequest) -> HttpResponse:
    """The counties the visitor works for (state staff: all of them, read-only). With exactly
    one membership, straight to that county's dashboard. Anyone else: 403."""
    waiting: list = []
    if roles.is_state_staff(request.user):
        counties = County.objects.order_by("name")
        # State staff administer the scholarship pools: where nominations wait for them.
        waiting = list(
            scholarship_nominations_for(request.user)
            .filter(status=NominationStatus.NOMINATED)
            .values("county__code", "county__name")
            .annotate(count=Count("pk"))
            .order_by("county__name")
        )
    else:
        counties = staff_counties(request.user).order_by("name")
        memberships = list(counties)
        if not memberships:
            raise PermissionDenied
        if len(memberships) == 1:
            return redirect("workspace:dashboard", code=memberships[0].code)
    return render(
        request,
        "workspace/pick_county.html",
        {"counties": counties, "nominations_waiting": waiting},
    )
