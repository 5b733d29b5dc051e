"""What the provider pages share: running a form that calls one service."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.errors import DomainError
from providers.models import ProviderOrganisation


def home_url(provider: ProviderOrganisation) -> str:
    return reverse("providers_portal:overview", args=[provider.pk])


def form_action(
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    perform: Callable[[dict[str, Any]], Any],
    success_message: str,
    done_url: str | Callable[[Any], str],
    template: str,
    context: dict[str, Any],
    initial: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; POST validates it and calls `perform(cleaned_data)` (one service).
    Success: a message and a redirect to `done_url` (or `done_url(result)`). A conflict
    changes nothing and says so; invalid input is shown at its field."""
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                result = perform(form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, success_message)
                return redirect(done_url(result) if callable(done_url) else done_url)
    else:
        form = form_class(initial=initial, **form_kwargs)
    return render(request, template, {**context, "form": form})
