"""Site-wide pages that belong to no single app: the home page and the signed-in landing."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts import roles
from counties.selectors import counties_taking_applications
from portal.summary import person_summary


def home(request):
    return render(request, "home.html")


@require_safe
def programs(request):
    """Public: the county programs taking applications and how to reach each (the page the
    error pages and the home page point to when they say to contact a program)."""
    return render(request, "programs.html", {"counties": counties_taking_applications()})


@login_required
def dashboard(request):
    """Where a person lands after signing in: what to do next for each role they hold."""
    context = {}
    # Applicant and peer part (the portal at /me/): shown to everyone who is not program
    # staff, and to staff who have applied or are certified themselves.
    summary = person_summary(request.user, today=timezone.localdate())
    has_own_records = bool(summary.profile or summary.applications or summary.certification)
    if has_own_records or not roles.is_program_staff(request.user):
        context["applicant_summary"] = summary
    return render(request, "dashboard.html", context)
