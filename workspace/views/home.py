"""The way in: choosing a county to work in."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts import roles
from counties.models import County
from counties.selectors import staff_counties


@login_required
@require_safe
def pick_county(request: HttpRequest) -> HttpResponse:
    """The counties the visitor works for (state staff: all of them, read-only). With exactly
    one membership, straight to that county's dashboard. Anyone else: 403."""
    if roles.is_state_staff(request.user):
        counties = County.objects.order_by("name")
    else:
        counties = staff_counties(request.user).order_by("name")
        memberships = list(counties)
        if not memberships:
            raise PermissionDenied
        if len(memberships) == 1:
            return redirect("workspace:dashboard", code=memberships[0].code)
    return render(request, "workspace/pick_county.html", {"counties": counties})
