"""State staff's statewide list of stranded applications: open applications filed with a
county that no longer takes part in peer support certification, which that county can
neither approve nor certify (docs/domain.md#transfers). Read-only: each row links to the
application in its county's workspace, where state staff may transfer it. Not county-scoped
(it spans every county), so it lives beside the county picker; county staff and everyone
else get 403."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts import roles
from certification.selectors import stranded_applications_for
from workspace.views.common import paginate


@login_required
@require_safe
def stranded_applications(request: HttpRequest) -> HttpResponse:
    if not roles.is_state_staff(request.user):
        raise PermissionDenied
    page = paginate(request, stranded_applications_for(request.user))
    return render(request, "workspace/stranded.html", {"page_obj": page, "querystring": ""})
