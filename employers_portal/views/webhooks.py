"""Notices and webhooks: the changes the employer was told of, its endpoints (administrators),
each endpoint's delivery log with "send again" and a test event."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from employers.selectors import (
    notices_for_employer,
    webhook_deliveries,
    webhook_endpoints,
)
from employers.services import webhooks as webhook_services
from employers_portal.access import EmployerPage, employer_view
from employers_portal.forms import ConfirmForm, EndpointForm, EndpointStateForm
from employers_portal.views.common import form_action

LOG_LENGTH = 50


@employer_view()
@require_safe
def notices(request: HttpRequest, page: EmployerPage) -> HttpResponse:
    return render(
        request,
        "employers_portal/notices.html",
        {
            "page": page,
            "employer": page.employer,
            "nav": "notices",
            "notices": notices_for_employer(page.employer)[:100],
        },
    )


def _endpoint(page: EmployerPage, pk: int):
    endpoint = webhook_endpoints(page.employer).filter(pk=pk).first()
    if endpoint is None:
        raise Http404("No such endpoint.")
    return endpoint


@employer_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def endpoints(request: HttpRequest, page: EmployerPage) -> HttpResponse:
    """The endpoints, and the form to add one."""
    return form_action(
        request,
        page,
        form_class=EndpointForm,
        perform=lambda data: webhook_services.webhook_endpoint_create(
            actor=request.user, employer=page.employer, **data
        ),
        success_message=_("Endpoint added. Verify each event with its signing secret."),
        done_url=reverse("employers_portal:webhooks", args=[page.employer.pk]),
        template="employers_portal/webhooks.html",
        context={
            "nav": "webhooks",
            "endpoints": webhook_endpoints(page.employer),
            # The operator's settings (docs/domain.md#employers), as the page states them.
            "retry_attempts": len(settings.EMPLOYER_WEBHOOK_RETRY_DELAYS),
            "retry_hours": max(1, round(sum(settings.EMPLOYER_WEBHOOK_RETRY_DELAYS) / 3600)),
            "disable_days": settings.EMPLOYER_WEBHOOK_DISABLE_AFTER_DAYS,
        },
    )


@employer_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint_detail(request: HttpRequest, page: EmployerPage, pk: int) -> HttpResponse:
    """One endpoint: its secret, its state (POST enables or disables it), its delivery log."""
    endpoint = _endpoint(page, pk)
    return form_action(
        request,
        page,
        form_class=EndpointStateForm,
        initial={"enabled": not endpoint.enabled},
        perform=lambda data: webhook_services.webhook_endpoint_set_enabled(
            actor=request.user, endpoint=endpoint, enabled=data["enabled"]
        ),
        success_message=_("Endpoint updated."),
        done_url=reverse("employers_portal:webhook", args=[page.employer.pk, endpoint.pk]),
        template="employers_portal/webhook_detail.html",
        context={
            "nav": "webhooks",
            "endpoint": endpoint,
            "deliveries": webhook_deliveries(endpoint)[:LOG_LENGTH],
        },
    )


@employer_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint_test(request: HttpRequest, page: EmployerPage, pk: int) -> HttpResponse:
    endpoint = _endpoint(page, pk)
    return form_action(
        request,
        page,
        form_class=ConfirmForm,
        perform=lambda data: webhook_services.webhook_test_send(
            actor=request.user, endpoint=endpoint
        ),
        success_message=_("Test event queued. Its delivery appears in the log below."),
        done_url=reverse("employers_portal:webhook", args=[page.employer.pk, endpoint.pk]),
        context={
            "nav": "webhooks",
            "title": _("Send a test event"),
            "subject": endpoint.url,
            "submit_label": _("Send a test event"),
        },
    )


@employer_view(admin_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def delivery_resend(request: HttpRequest, page: EmployerPage, pk: int) -> HttpResponse:
    delivery = webhook_deliveries(None, employer=page.employer).filter(pk=pk).first()
    if delivery is None:
        raise Http404("No such delivery.")
    return form_action(
        request,
        page,
        form_class=ConfirmForm,
        perform=lambda data: webhook_services.webhook_delivery_resend(
            actor=request.user, delivery=delivery
        ),
        success_message=_("Queued to be sent again."),
        done_url=reverse("employers_portal:webhook", args=[page.employer.pk, delivery.endpoint_id]),
        context={
            "nav": "webhooks",
            "title": _("Send again"),
            "subject": f"{delivery.event_type} ({delivery.message_id})",
            "submit_label": _("Send again"),
        },
    )
