"""Site-wide pages that belong to no single app: the home page and the signed-in landing."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def home(request):
    return render(request, "home.html")


@login_required
def dashboard(request):
    """Where a person lands after signing in: what to do next for each role they hold."""
    return render(request, "dashboard.html")
