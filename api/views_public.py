"""Public pages: anyone may verify a certification (docs/architecture.md#contracts).

`/verify/` searches by number and redirects to `/verify/<number>`, the page the certificate's
QR code points to. It shows the live registry entry (number, name, status, dates,
specializations, issuing county, the public actions of disciplinary cases as the program chose
to publish them) and nothing else about the person. Lookups share the
per-client rate limit of the verification API.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.rows import public_actions, public_certification
from api.throttles import VerifyThrottle
from cases.models import DecisionOutcome
from certification.models import CertificationStatus
from certification.numbers import number_candidates
from certification.rules import is_expiring_soon
from core.replica import replica_reads
from training.selectors import specialization_area_label

TYPED_MAX_LENGTH = 40


class VerifySearchForm(forms.Form):
    number = forms.CharField(
        label=_("Certification number"),
        max_length=TYPED_MAX_LENGTH,
        help_text=_("As printed on the certificate, for example PSS-0001234."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter a certification number.")},
    )

    def clean_number(self) -> str:
        """What was typed, read forgivingly (`number_candidates`): spaces, hyphens and letter
        case do not matter. Anything but letters, digits, spaces and dashes is refused."""
        typed = self.cleaned_data["number"]
        candidates = number_candidates(typed)
        if not candidates or not candidates[-1].replace("-", "").isalnum():
            raise forms.ValidationError(
                _(
                    "A certification number has only letters, digits and hyphens, for example "
                    "PSS-0001234."
                ),
                code="invalid",
            )
        return candidates[-1]


def verify_search(request: HttpRequest) -> HttpResponse:
    """The search form; a valid number redirects to its verification page."""
    form = VerifySearchForm(request.GET) if "number" in request.GET else VerifySearchForm()
    if form.is_bound and form.is_valid():
        return redirect("verify_certification", number=form.cleaned_data["number"])
    status = 400 if form.is_bound else 200
    return render(request, "certification/verify_search.html", {"form": form}, status=status)


@replica_reads
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
        # The search box keeps what was typed (printable characters, as long as the box
        # takes), so a slip can be corrected in place.
        typed = "".join(ch for ch in number if ch.isprintable())[:TYPED_MAX_LENGTH]
        return render(
            request,
            "certification/verify_not_found.html",
            {"form": VerifySearchForm(initial={"number": typed}), "typed": typed},
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
            specialization_area_label(code)
            for code in sorted(s.code for s in certification.specializations.all())
        ],
        "public_actions": [
            {**action, "label": DecisionOutcome(action["action"]).label}
            for action in public_actions(certification)
        ],
        "checked_at": timezone.localtime(),
    }
    return render(request, "certification/verify_certification.html", context)
