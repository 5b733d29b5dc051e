"""Public endpoints of the verifiable credentials (docs/architecture.md#contracts): the
site's DID document, the Bitstring Status List credentials, the wallets' OpenID for
Verifiable Credential Issuance endpoints (credentials/wallet.py) and the page that checks a
pasted credential. No login; rate-limited per client; the JSON
documents allow any origin, for verifiers running in a browser.
"""

import json

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api.throttles import CredentialsThrottle, VerifyThrottle
from core.errors import DomainError
from credentials import wallet
from credentials.documents import did_document
from credentials.keys import issuer_keys
from credentials.services import status_list_current
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
    if not (list_number.isascii() and list_number.isdigit() and len(list_number) <= 9):
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    try:
        credential = status_list_current(purpose=purpose, list_number=int(list_number))
    except DomainError as exc:
        return JsonResponse({"detail": str(exc.message)}, status=503)
    if credential is None:
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    return _json_document(credential, "application/vc+ld+json")


# A wallet's credential request is a small JSON object.
WALLET_REQUEST_MAX_BYTES = 16_000


def _wallet_answer(document: dict, status: int = 200) -> JsonResponse:
    """OAuth 2.0 answers are never cached (RFC 6749 §5.1)."""
    response = JsonResponse(document, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _wallet_error(error: wallet.WalletError) -> JsonResponse:
    response = _wallet_answer(error.body(), status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return response


@require_GET
def openid_credential_issuer(request: HttpRequest) -> HttpResponse:
    """`/.well-known/openid-credential-issuer`: Credential Issuer Metadata (OID4VCI 1.0)."""
    refused = _throttled(request, CredentialsThrottle)
    if refused:
        return refused
    return _json_document(wallet.issuer_metadata(), "application/json")


@require_GET
def oauth_authorization_server(request: HttpRequest) -> HttpResponse:
    """`/.well-known/oauth-authorization-server`: the token endpoint (RFC 8414)."""
    refused = _throttled(request, CredentialsThrottle)
    if refused:
        return refused
    return _json_document(wallet.authorization_server_metadata(), "application/json")


@require_GET
def wallet_offer(request: HttpRequest, offer_id: str) -> HttpResponse:
    """The credential offer behind the QR code's `credential_offer_uri`; 404 once its code
    is spent or expired."""
    refused = _throttled(request, CredentialsThrottle)
    if refused:
        return refused
    plausible = 16 <= len(offer_id) <= 64 and offer_id.isascii()
    document = wallet.credential_offer_document(offer_id) if plausible else None
    if document is None:
        return _wallet_answer(
            {"detail": str(_("This code has expired or was used. Reload your credential page."))},
            status=404,
        )
    return _wallet_answer(document)


@csrf_exempt  # a wallet app, no cookies: the pre-authorized code is the credential
@require_POST
def wallet_token(request: HttpRequest) -> HttpResponse:
    """The token endpoint: `application/x-www-form-urlencoded` with `grant_type` and
    `pre-authorized_code`; an access token, or an OAuth 2.0 error."""
    refused = _throttled(request, CredentialsThrottle)
    if refused:
        return refused
    if request.content_type != "application/x-www-form-urlencoded":
        return _wallet_error(
            wallet.WalletError(
                "invalid_request", "Send the token request as application/x-www-form-urlencoded."
            )
        )
    try:
        answer = wallet.access_token_grant(
            grant_type=request.POST.get("grant_type", ""),
            code=request.POST.get("pre-authorized_code", ""),
        )
    except wallet.WalletError as error:
        return _wallet_error(error)
    return _wallet_answer(answer)


@csrf_exempt  # a wallet app, no cookies: the bearer access token is the credential
@require_POST
def wallet_credential(request: HttpRequest) -> HttpResponse:
    """The credential endpoint: `Authorization: Bearer <access token>` and a JSON body naming
    the credential configuration; the signed credential (`ldp_vc`)."""
    refused = _throttled(request, CredentialsThrottle)
    if refused:
        return refused
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _wallet_error(
            wallet.WalletError("invalid_token", "Send the access token as a Bearer token.", 401)
        )
    if len(request.body) > WALLET_REQUEST_MAX_BYTES:
        return _wallet_error(
            wallet.WalletError("invalid_credential_request", "The request is too large.")
        )
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    try:
        credential = wallet.credential_for_token(token=token.strip(), body=body)
    except wallet.WalletError as error:
        return _wallet_error(error)
    answer: dict = {"credentials": [{"credential": credential}]}
    if isinstance(body, dict) and "format" in body:
        # Wallets of drafts 13–14 (before 1.0) read a single `credential`.
        answer["credential"] = credential
    return _wallet_answer(answer)


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
