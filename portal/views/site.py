"""Site-wide pages that belong to no single app: the home page and the signed-in landing."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts import roles
from portal.summary import person_summary


def home(request):
    return render(request, "home.html")


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
