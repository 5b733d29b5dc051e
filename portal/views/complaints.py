"""The public complaint form (no account; docs/domain.md#complaints-and-cases), reachable from
the verification pages and the site footer, in English and Spanish.

A POST counts against the form's rate limit per client address (allauth's limits,
`ACCOUNT_RATE_LIMITS["complaint"]`, behind the trusted proxies of core.proxies) and is refused
with 429 past it; a filled-in hidden field (what automated senders do) is refused with a
message. A valid form is filed by `cases.services.complaint_file` (saved before any email);
the confirmation page shows the reference number, what happens next and whom to contact. The
form's one-time key makes a double click or a repeated POST find the complaint already filed.
"""

from allauth.core import ratelimit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases.services import complaint_file, complaint_form_key
from core.errors import DomainError
from counties.models import County
from portal.complaint_forms import ComplaintForm

SESSION_KEY = "complaint_filed"
RATE_LIMIT_ACTION = "complaint"


@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        initial = {"form_key": complaint_form_key()}
        number = request.GET.get("number", "")
        if number and len(number) <= 40 and number.isprintable():
            initial.update(subject_kind="peer", subject_number=number)
        return render(request, "portal/complaint.html", {"form": ComplaintForm(initial=initial)})
    form = ComplaintForm(request.POST, request.FILES)
    if not ratelimit.consume(request, action=RATE_LIMIT_ACTION):
        # What was typed stays on the page (files must be chosen again).
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many complaints were sent from this connection in a short time, so this "
                "one was not saved yet. Wait an hour, then send it again; what you typed is "
                "still here."
            ),
        )
        return render(request, "portal/complaint.html", {"form": form}, status=429)
    if form.is_automated():
        form.add_error(
            None,
            _(
                "This form could not be accepted: the field that must stay empty was filled "
                "in. Clear it and send the form again."
            ),
        )
    elif form.is_valid():
        data = form.cleaned_data
        try:
            filed = complaint_file(
                actor=None,
                form_key=data["form_key"],
                subject_kind=data["subject_kind"],
                subject_number=data["subject_number"],
                subject_name=data["subject_name"],
                category=data["category"],
                incident_on=data["incident_on"],
                summary=data["summary"],
                complainant_name=data["complainant_name"],
                complainant_email=data["complainant_email"],
                complainant_phone=data["complainant_phone"],
                language=translation.get_language() or "",
                attachments=data["attachments"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            request.session[SESSION_KEY] = {
                "reference": filed.reference,
                "county_id": filed.county_id,
                "email": bool(filed.complainant_email),
            }
            return redirect("complaint_sent")
    if form.errors and "form_key" in form.errors:
        # The hidden key was missing or altered: a new one, and the message says what to do.
        form.data = form.data.copy()
        form.data["form_key"] = complaint_form_key()
    return render(request, "portal/complaint.html", {"form": form}, status=400)


@require_safe
def complaint_sent(request: HttpRequest) -> HttpResponse:
    """The confirmation of the complaint this browser just filed (nothing to show otherwise:
    back to the form)."""
    filed = request.session.get(SESSION_KEY)
    if not isinstance(filed, dict) or not filed.get("reference"):
        return redirect("complaint")
    county = (
        County.objects.filter(pk=filed["county_id"]).first() if filed.get("county_id") else None
    )
    return render(
        request,
        "portal/complaint_sent.html",
        {"reference": filed["reference"], "county": county, "emailed": filed.get("email")},
    )
