"""Public endpoints of the verifiable credentials (docs/architecture.md#contracts): the
site's DID document, the Bitstring Status List credentials, the wallet's collection link
and the page that checks a pasted credential. No login; rate-limited per client; the JSON
documents allow any origin, for verifiers running in a browser.
"""

import json

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from api.throttles import CredentialsThrottle, VerifyThrottle
from core.errors import DomainError
from core.rls import rls_context
from credentials.documents import did_document
from credentials.keys import issuer_keys
from credentials.offers import offer_certification
from credentials.services import credential_issue, status_list_current
from credentials.verification import credential_verify

# A pasted credential is a few kilobytes; anything much larger is not one of ours.
PASTED_CREDENTIAL_MAX_CHARS = 64_000


def _throttled(request: HttpRequest, throttle_class) -> JsonResponse | None:
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    wait = max(1, round(throttle.wait() or 1))
    response = JsonResponse({"detail": str(_("Too many requests."))}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _json_document(document: dict, content_type: str) -> HttpResponse:
    response = HttpResponse(json.dumps(document, indent=2), content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def did_json(request: HttpRequest) -> HttpResponse:
    """`/.well-known/did.json`: the `did:web` document naming every issuer key."""
    refused = _throttled(request, CredentialsThrottle)
    if refused:
        return refused
    return _json_document(did_document(issuer_keys()), "application/did+ld+json")


@require_GET
def status_list(request: HttpRequest, purpose: str, list_number: str) -> HttpResponse:
    """A Bitstring Status List credential as of this moment (credentials.services)."""
    refused = _throttled(request, CredentialsThrottle)
    if refused:
        return refused
    try:
        credential = status_list_current(purpose=purpose, list_number=int(list_number))
    except DomainError as exc:
        return JsonResponse({"detail": str(exc.message)}, status=503)
    if credential is None:
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    return _json_document(credential, "application/vc+ld+json")


@require_GET
def credential_offer(request: HttpRequest, token: str) -> HttpResponse:
    """The wallet's link from the holder's QR code: the signed credential, issued to the
    holder the link names, while the link is fresh and the certification active."""
    refused = _throttled(request, CredentialsThrottle)
    if refused:
        return refused
    certification = offer_certification(token)
    if certification is None:
        return JsonResponse(
            {"detail": str(_("This link has expired or is not valid."))}, status=404
        )
    try:
        with rls_context(certification.holder):
            credential = credential_issue(actor=certification.holder, certification=certification)
    except DomainError as exc:
        return JsonResponse({"detail": str(exc.message)}, status=409)
    response = _json_document(credential, "application/vc+ld+json")
    response["Cache-Control"] = "private, no-store"
    return response


class CredentialPasteForm(forms.Form):
    credential = forms.CharField(
        label=_("Credential"),
        max_length=PASTED_CREDENTIAL_MAX_CHARS,
        help_text=_("Paste the whole credential file (JSON), as the holder shared it."),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        error_messages={"required": _("Paste a credential.")},
    )

    def clean_credential(self):
        text = self.cleaned_data["credential"]
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(
                _("This is not JSON. Paste the credential file exactly as it was shared."),
                code="invalid",
            ) from None


@require_http_methods(["GET", "POST"])
def verify_credential(request: HttpRequest) -> HttpResponse:
    """Paste a credential; see whether it is authentic and current. Shares the rate limit
    of the other verification pages."""
    if request.method == "GET":
        return render(
            request, "certification/verify_credential.html", {"form": CredentialPasteForm()}
        )
    throttle = VerifyThrottle()
    if not throttle.allow_request(request, None):
        wait = max(1, round(throttle.wait() or 1))
        response = render(
            request, "certification/verify_rate_limited.html", {"wait": wait}, status=429
        )
        response["Retry-After"] = str(wait)
        return response
    form = CredentialPasteForm(request.POST)
    if not form.is_valid():
        return render(request, "certification/verify_credential.html", {"form": form}, status=400)
    verdict = credential_verify(form.cleaned_data["credential"])
    return render(
        request,
        "certification/verify_credential.html",
        {"form": form, "verdict": verdict},
    )
