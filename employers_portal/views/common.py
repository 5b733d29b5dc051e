"""What the employer pages share: running a form that calls one service."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.errors import DomainError
from employers.models import Employer
from employers_portal.access import EmployerPage


def home_url(employer: Employer) -> str:
    return reverse("employers_portal:watchlist", args=[employer.pk])


def form_action(
    request: HttpRequest,
    page: EmployerPage,
    *,
    form_class: type[forms.Form],
    perform: Callable[[dict[str, Any]], Any],
    success_message: str,
    done_url: str,
    context: dict[str, Any],
    initial: dict[str, Any] | None = None,
    template: str = "employers_portal/action_confirm.html",
) -> HttpResponse:
    """GET shows the form; POST validates it and calls `perform(cleaned_data)` (one service).
    Success: a message and a redirect to `done_url`. A conflict changes nothing and says so;
    invalid input is shown at its field."""
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                perform(form.cleaned_data)
            except DomainError as error:
                if error.code == "conflict" and error.field not in form.fields:
                    messages.error(request, error.message)
                    return redirect(done_url)
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, success_message)
                return redirect(done_url)
    else:
        form = form_class(initial=initial)
    return render(
        request,
        template,
        {**context, "form": form, "page": page, "employer": page.employer, "back_url": done_url},
    )
