"""Public pages: anyone may verify a certification (docs/architecture.md#contracts).

`/verify/` searches by number and redirects to `/verify/<number>`, the page the certificate's
QR code points to. It shows the live registry entry (number, name, status, dates,
specializations, issuing county) and nothing else about the person. Lookups share the
per-client rate limit of the verification API.
"""

import re

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.rows import public_certification
from api.throttles import VerifyThrottle
from certification.models import CertificationStatus
from certification.rules import is_expiring_soon
from training.models import Specialization

# Letters, digits and hyphens: the shape of every certification number (PSS-0001234).
_NUMBER_SHAPE = re.compile(r"[A-Z0-9-]{1,20}")


class VerifySearchForm(forms.Form):
    number = forms.CharField(
        label=_("Certification number"),
        max_length=40,
        help_text=_("As printed on the certificate, for example PSS-0001234."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter a certification number.")},
    )

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip().upper()
        if not _NUMBER_SHAPE.fullmatch(number):
            raise forms.ValidationError(
                _(
                    "A certification number has only letters, digits and hyphens, for example "
                    "PSS-0001234."
                ),
                code="invalid",
            )
        return number


def verify_search(request: HttpRequest) -> HttpResponse:
    """The search form; a valid number redirects to its verification page."""
    form = VerifySearchForm(request.GET) if "number" in request.GET else VerifySearchForm()
    if form.is_bound and form.is_valid():
        return redirect("verify_certification", number=form.cleaned_data["number"])
    status = 400 if form.is_bound else 200
    return render(request, "certification/verify_search.html", {"form": form}, status=status)


def verify_certification(request: HttpRequest, number: str) -> HttpResponse:
    """The live registry entry for `number`; a friendly 404 that reveals nothing when there
    is none; 429 with `Retry-After` when this client has looked up too many."""
    throttle = VerifyThrottle()
    if not throttle.allow_request(request, None):
        wait = max(1, round(throttle.wait() or 1))
        response = render(
            request, "certification/verify_rate_limited.html", {"wait": wait}, status=429
        )
        response["Retry-After"] = str(wait)
        return response
    certification = public_certification(number)
    if certification is None:
        return render(
            request,
            "certification/verify_not_found.html",
            {"form": VerifySearchForm()},
            status=404,
        )
    today = timezone.localdate()
    context = {
        "certification": certification,
        "status": certification.status,
        "status_label": CertificationStatus(certification.status).label,
        "is_current": certification.status == CertificationStatus.ACTIVE,
        "expiring_soon": is_expiring_soon(certification.status, certification.expires_on, on=today),
        "specializations": [
            Specialization(code).label
            for code in sorted(s.code for s in certification.specializations.all())
        ],
        "checked_at": timezone.localtime(),
    }
    return render(request, "certification/verify_certification.html", context)
