"""What the workspace views share: running a confirmed action, paginating a list."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from core.errors import DomainError
from workspace.access import Workspace

PAGE_SIZE = 25


def paginate(request: HttpRequest, rows: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of `rows` (a bad or out-of-range page number gives the nearest
    valid page, never an error)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    """The current filters as a query string ending in "&" (or empty), for page links."""
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


def run_action(
    request: HttpRequest,
    workspace: Workspace,
    *,
    form_class: type[forms.Form],
    perform: Callable[[dict[str, Any]], Any],
    success_message: str,
    done_url: str,
    context: dict[str, Any],
    initial: dict[str, Any] | None = None,
    template: str = "workspace/action_confirm.html",
) -> HttpResponse:
    """An action behind a confirmation step.

    GET shows the confirmation page (the form). POST validates the form and calls
    `perform(cleaned_data)`, which calls one service. On success: a message and a redirect to
    `done_url`. A conflict (someone else acted first, or the object moved on) changes nothing:
    the message says so and the redirect shows the current state. Invalid input is shown on the
    form, next to its field when the service names one.
    """
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                perform(form.cleaned_data)
            except DomainError as error:
                if error.code == "conflict":
                    messages.error(request, error.message)
                    return redirect(done_url)
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(request, success_message)
                return redirect(done_url)
    else:
        form = form_class(initial=initial)
    return render(
        request,
        template,
        {**context, "form": form, "workspace": workspace, "back_url": done_url},
    )
