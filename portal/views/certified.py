"""After certification: the card, the continuing-education log, renewal (or reinstatement)
and adding a specialization. Each write goes through its service; each refusal shows the
rules' reasons."""

import json

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from certification import rules, services
from certification.certificates import certificate_latest, qr_code_data_uri
from certification.models import CertificateKind, CertificationStatus
from certification.selectors import ethics_version_current, training_records_for
from continuing_ed import services as ce_services
from continuing_ed.rules import ce_totals, cycle_bounds, pending_hours
from continuing_ed.selectors import ce_credits_for
from core import policy
from core.errors import DomainError
from core.review import ReviewStatus
from credentials.services import credential_issue
from credentials.wallet import wallet_offer_create
from employers.selectors import watching_employers_of
from portal.forms import CeCreditForm, RenewalForm, SpecializationForm
from portal.stash import portal_login_required, restore_into
from portal.views.common import own_certification, own_certification_or_404
from training.models import Specialization


@portal_login_required()
@require_GET
def certification(request: HttpRequest) -> HttpResponse:
    """The certification card: number, status, dates, specializations, public verification
    (or, before certification, a page saying it will appear here)."""
    certification = own_certification(request.user)
    if certification is None:
        return render(request, "portal/certification.html", {"certification": None})
    today = timezone.localdate()
    active = certification.status == CertificationStatus.ACTIVE
    return render(
        request,
        "portal/certification.html",
        {
            "certification": certification,
            "certificate_available": active
            and certificate_latest(certification, CertificateKind.WALL) is not None,
            "wallet_available": active
            and certificate_latest(certification, CertificateKind.WALLET) is not None,
            "specializations": list(certification.specializations.all()),
            "watching_employers": list(watching_employers_of(request.user)),
            "expiring_soon": rules.is_expiring_soon(
                certification.status, certification.expires_on, on=today
            ),
            "renewal_opens": rules.renewal_window_opens(certification.expires_on),
            "renewal_open": certification.status == CertificationStatus.ACTIVE
            and today >= rules.renewal_window_opens(certification.expires_on),
        },
    )


@portal_login_required()
@require_GET
def certificate(request: HttpRequest) -> HttpResponse:
    """The latest rendered certificate (`?kind=wallet` for the wallet card) of the person's
    active certification, as a PDF; 404 before it has been rendered."""
    certification = own_certification_or_404(request)
    kind = request.GET.get("kind", CertificateKind.WALL)
    if kind not in CertificateKind.values or certification.status != CertificationStatus.ACTIVE:
        raise Http404("No such certificate.")
    rendered = certificate_latest(certification, kind)
    if rendered is None:
        raise Http404("The certificate has not been rendered yet.")
    try:
        handle = rendered.file.open("rb")
    except FileNotFoundError:
        raise Http404("The certificate file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("download") == "1",
        filename=f"certificate-{certification.number}-{kind}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@portal_login_required()
@require_http_methods(["GET", "POST"])
def credential(request: HttpRequest) -> HttpResponse:
    """The certification as a digital credential (W3C VC 2.0, Open Badges 3.0): GET shows a
    QR code a wallet app scans to collect it (an OpenID for Verifiable Credential Issuance
    offer whose code works once, for WALLET_OFFER_SECONDS) and a download button; POST
    downloads the signed credential as a JSON file. Only an active certification; 404 for
    anyone without one."""
    certification = own_certification_or_404(request)
    if certification.status != CertificationStatus.ACTIVE:
        raise Http404("Only an active certification has a credential.")
    if request.method == "POST":
        try:
            signed = credential_issue(actor=request.user, certification=certification)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("portal:credential")
        response = HttpResponse(json.dumps(signed, indent=2), content_type="application/vc+ld+json")
        response["Content-Disposition"] = (
            f'attachment; filename="credential-{certification.number}.json"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
    # A fresh OID4VCI credential offer at each visit (credentials/wallet.py).
    offer = wallet_offer_create(actor=request.user, certification=certification)
    return render(
        request,
        "portal/credential.html",
        {
            "certification": certification,
            "offer_url": offer.deep_link,
            "offer_qr": qr_code_data_uri(offer.deep_link),
            "offer_minutes": offer.expires_in // 60,
        },
    )


@portal_login_required(stash=True)
@require_http_methods(["GET", "POST"])
def ce_log(request: HttpRequest) -> HttpResponse:
    """The CE credits of the current cycle with running totals, and a form to log one more
    with its proof."""
    certification = own_certification_or_404(request)
    if request.method == "POST":
        form = CeCreditForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ce_services.ce_credit_add(
                    certification=certification,
                    title=data["title"],
                    provider_name=data["provider_name"],
                    hours=data["hours"],
                    category=data["category"],
                    completed_on=data["completed_on"],
                    document_file=data["proof"],
                )
            except DomainError as error:
                form.add_domain_error(error, field_map={"file": "proof", "document": "proof"})
            else:
                messages.success(
                    request, _("Your course was logged. Its hours count once it is verified.")
                )
                return redirect("portal:ce_log")
    else:
        form = CeCreditForm()
        restore_into(request, form)
    start, end = cycle_bounds(certification.cycle_started_on, certification.expires_on)
    credits = list(
        ce_credits_for(request.user)
        .filter(certification=certification)
        .select_related("document")
        .order_by("-completed_on", "-id")
    )
    totals = ce_totals(credits, cycle_start=start, cycle_end=end)
    return render(
        request,
        "portal/ce_log.html",
        {
            "certification": certification,
            "form": form,
            "cycle_start": start,
            "cycle_end": end,
            "credits": [c for c in credits if start <= c.completed_on <= end],
            "earlier_credits": [c for c in credits if not start <= c.completed_on <= end],
            "total": totals.total,
            "law_and_ethics": totals.law_and_ethics,
            "pending": pending_hours(credits, cycle_start=start, cycle_end=end),
            "required_total": policy.CE_HOURS_REQUIRED,
            "required_law_and_ethics": policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED,
        },
    )


@portal_login_required()
@require_http_methods(["GET", "POST"])
def renewal(request: HttpRequest) -> HttpResponse:
    """Renew an active certification from 90 days before expiry (or reinstate an expired one)
    with the CE requirement met and the Code of Ethics affirmed again; otherwise the reasons."""
    certification = own_certification_or_404(request)
    today = timezone.localdate()
    reinstating = certification.status == CertificationStatus.EXPIRED
    credits = list(ce_credits_for(request.user).filter(certification=certification))
    check = rules.reinstatement_problems if reinstating else rules.renewal_problems
    problems = check(certification, credits, on=today)
    ethics = ethics_version_current(today)
    form = RenewalForm(initial={"ethics_version": ethics.pk if ethics else None})
    if request.method == "POST" and not problems and ethics is not None:
        form = RenewalForm(request.POST)
        if form.is_valid():
            service = (
                services.certification_reinstate if reinstating else services.certification_renew
            )
            try:
                if form.cleaned_data["ethics_version"] != ethics.pk:
                    raise DomainError(
                        _("The Code of Ethics changed while you were reading it. Read it again.")
                    )
                renewed = service(
                    actor=request.user, certification=certification, ethics_version=ethics
                )
            except DomainError as error:
                form.add_domain_error(error, field_map={"ethics_version": "affirm"})
            else:
                messages.success(
                    request,
                    _("Your certification %(number)s is now valid until %(date)s.")
                    % {
                        "number": certification.number,
                        "date": date_format(renewed.new_expires_on),
                    },
                )
                return redirect("portal:certification")
    return render(
        request,
        "portal/renewal.html",
        {
            "certification": certification,
            "reinstating": reinstating,
            "problems": problems,
            "form": form,
            "ethics": ethics,
            "ethics_text": ethics.text_for(request.LANGUAGE_CODE) if ethics else "",
            "renewal_opens": rules.renewal_window_opens(certification.expires_on),
        },
    )


@portal_login_required()
@require_http_methods(["GET", "POST"])
def specializations(request: HttpRequest) -> HttpResponse:
    """Add an area of specialization from a verified 40-hour specialization course."""
    certification = own_certification_or_404(request)
    held = {s.code for s in certification.specializations.all()}
    records = list(
        training_records_for(request.user).filter(
            person=request.user, course__in=Specialization.values
        )
    )
    candidates = [
        r for r in records if not rules.specialization_problems(certification, r, held_codes=held)
    ]
    others = [
        (r, rules.specialization_problems(certification, r, held_codes=held))
        for r in records
        if r not in candidates and r.course not in held
    ]
    queryset = training_records_for(request.user).filter(pk__in=[r.pk for r in candidates])
    form = SpecializationForm(records=queryset)
    if request.method == "POST":
        form = SpecializationForm(request.POST, records=queryset)
        if form.is_valid():
            try:
                added = services.certification_add_specialization(
                    actor=request.user,
                    certification=certification,
                    training_record=form.cleaned_data["training_record"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    _("The %(name)s specialization was added to your certification.")
                    % {"name": added.get_code_display()},
                )
                return redirect("portal:certification")
    return render(
        request,
        "portal/specializations.html",
        {
            "certification": certification,
            "held": list(certification.specializations.all()),
            "form": form,
            "has_candidates": bool(candidates),
            "others": others,
            "verified": ReviewStatus.VERIFIED,
        },
    )
