"""After certification: the card, the continuing-education log, renewal (or reinstatement)
and adding a specialization. Each write goes through its service; each refusal shows the
rules' reasons."""

import datetime
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
from certification.models import (
    CertificateKind,
    Certification,
    CertificationStatus,
    Renewal,
    RenewalKind,
)
from certification.selectors import (
    ethics_version_current,
    reinstatement_exam_attempts_for,
    training_records_for,
)
from continuing_ed import rules as ce_rules
from continuing_ed import services as ce_services
from continuing_ed.rules import ce_totals, cycle_bounds, pending_hours
from continuing_ed.selectors import ce_credits_for
from core import policy
from core.errors import DomainError
from core.review import ReviewStatus
from core.units import hours_text
from counties.models import ProgramPolicy
from credentials.services import credential_issue
from credentials.wallet import wallet_offer_create
from employers.selectors import watching_employers_of
from fees.rules import dollars, unpaid_fee_problems
from fees.selectors import fee_lines_to_come, unpaid_fees_of_certification, unpaid_lines
from portal.forms import AttestedRenewalForm, CeCreditForm, RenewalForm, SpecializationForm
from portal.stash import portal_login_required, restore_into
from portal.views.common import own_certification, own_certification_or_404
from training.models import Course
from training.rules import core_training_completed_on
from training.selectors import specialization_area_names


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
            and rules.renewal_window_opens(certification.expires_on)
            <= today
            <= certification.expires_on,
            # What an expired certification offers (never a button the holder may not use).
            **_lapsed_action(certification, today=today),
        },
    )


def _lapsed_action(certification: Certification, *, today: datetime.date) -> dict:
    """What an expired certification (or an active one past its date, before the scan) offers
    its holder on `today`: `renewal_kind` late renewal or reinstatement, and the last day of
    late renewal; no kind when in force, vacated or revoked, or while a suspension is on
    record."""
    lapsed = certification.status in (CertificationStatus.ACTIVE, CertificationStatus.EXPIRED)
    if not lapsed or certification.suspended_on is not None or today <= certification.expires_on:
        return {"renewal_kind": None}
    limit_months = ProgramPolicy.current().late_renewal_limit_months
    tier = rules.lapse_tier(certification.expires_on, on=today, limit_months=limit_months)
    kind = None
    if tier == rules.LapseTier.LATE_RENEWAL:
        kind = RenewalKind.LATE_RENEWAL
    elif (
        tier == rules.LapseTier.REINSTATEMENT
        and certification.status == CertificationStatus.EXPIRED
    ):
        kind = RenewalKind.REINSTATEMENT
    return {
        "renewal_kind": kind,
        "late_renewal_last_day": rules.late_renewal_last_day(
            certification.expires_on, limit_months=limit_months
        ),
    }


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
        .select_related("document", "completion")
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


def _renewal_problems(
    request: HttpRequest, certification: Certification, kind: str, *, today, limit_months: int
) -> list[str]:
    """Why the offered action (`kind`) cannot be taken now, by the rules the service applies."""
    return _unpaid_fee_problems(certification) + _dated_problems(
        request, certification, kind, today=today, limit_months=limit_months
    )


def _unpaid_fee_problems(certification: Certification) -> list[str]:
    """The fees the renewal waits for, under the program's policy."""
    if not ProgramPolicy.current().unpaid_fees_hold_renewal:
        return []
    return unpaid_fee_problems(
        unpaid_lines(
            unpaid_fees_of_certification(
                certification_id=certification.pk, application_id=certification.application_id
            )
        ),
        step="renewal",
    )


def _dated_problems(
    request: HttpRequest, certification: Certification, kind: str, *, today, limit_months: int
) -> list[str]:
    if kind != RenewalKind.REINSTATEMENT:
        return rules.renewal_problems(certification, on=today, limit_months=limit_months)
    return rules.reinstatement_problems(
        certification,
        list(ce_credits_for(request.user).filter(certification=certification)),
        on=today,
        training_records=list(
            training_records_for(request.user)
            .filter(person=request.user)
            .select_related("provider")
        ),
        exam_attempts=list(reinstatement_exam_attempts_for(request.user, certification)),
        limit_months=limit_months,
    )


def _renew(
    request: HttpRequest, certification: Certification, kind: str, form: RenewalForm, ethics
) -> Renewal:
    if form.cleaned_data["ethics_version"] != ethics.pk:
        raise DomainError(_("The Code of Ethics changed while you were reading it. Read it again."))
    if kind == RenewalKind.REINSTATEMENT:
        return services.certification_reinstate(
            actor=request.user, certification=certification, ethics_version=ethics
        )
    return services.certification_renew(
        actor=request.user,
        certification=certification,
        ethics_version=ethics,
        attest_ce=form.cleaned_data["attest_ce"],
        attest_records=form.cleaned_data["attest_records"],
    )


@portal_login_required()
@require_http_methods(["GET", "POST"])
def renewal(request: HttpRequest) -> HttpResponse:
    """Renew (from 90 days before expiry), renew late (after expiry, within the program's late
    renewal period, with the late fee) or reinstate (after that, before the vacate date): the
    page offers the one the dates allow, with the fees it makes due and how to pay them; a
    renewal rests on the holder's attestation of their CE, a reinstatement on what is on
    record. Otherwise the reasons (docs/domain.md#late-renewal-and-reinstatement)."""
    certification = own_certification_or_404(request)
    today = timezone.localdate()
    limit_months = ProgramPolicy.current().late_renewal_limit_months
    kind = rules.renewal_kind_on(certification, on=today, limit_months=limit_months)
    problems = _renewal_problems(
        request, certification, kind, today=today, limit_months=limit_months
    )
    ethics = ethics_version_current(today)
    form_class = RenewalForm if kind == RenewalKind.REINSTATEMENT else AttestedRenewalForm
    form = form_class(initial={"ethics_version": ethics.pk if ethics else None})
    if request.method == "POST" and not problems and ethics is not None:
        form = form_class(request.POST)
        if form.is_valid():
            try:
                renewed = _renew(request, certification, kind, form, ethics)
            except DomainError as error:
                form.add_domain_error(
                    error, field_map={"ethics_version": "affirm", "attest": "attest_ce"}
                )
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
    start, end = ce_rules.closing_cycle(certification.cycle_started_on, on=today)
    if kind == RenewalKind.REINSTATEMENT:
        start, end = rules.reinstatement_ce_bounds(certification.cycle_started_on, on=today)
    credits = list(ce_credits_for(request.user).filter(certification=certification))
    totals = ce_rules.ce_totals(credits, cycle_start=start, cycle_end=end)
    pending = ce_rules.pending_hours(credits, cycle_start=start, cycle_end=end)
    fees = fee_lines_to_come(certification.issuing_county, rules.FEES_OF_RENEWAL_KIND[kind])
    return render(
        request,
        "portal/renewal.html",
        {
            "certification": certification,
            "kind": kind,
            "reinstating": kind == RenewalKind.REINSTATEMENT,
            "late": kind == RenewalKind.LATE_RENEWAL,
            "problems": problems,
            "form": form,
            "ethics": ethics,
            "ethics_text": ethics.text_for(request.LANGUAGE_CODE) if ethics else "",
            "renewal_opens": rules.renewal_window_opens(certification.expires_on),
            "late_renewal_last_day": rules.late_renewal_last_day(
                certification.expires_on, limit_months=limit_months
            ),
            "reinstate_until": rules.vacate_date(certification.expires_on)
            - datetime.timedelta(days=1),
            "ce_start": start,
            "ce_end": end,
            "ce_total": hours_text(totals.total),
            "ce_law_and_ethics": hours_text(totals.law_and_ethics),
            "ce_pending": hours_text(pending) if pending else "",
            "required_total": hours_text(policy.CE_HOURS_REQUIRED),
            "required_law_and_ethics": hours_text(policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED),
            "fees": fees,
            "fees_total": dollars(sum(fee.amount_cents for fee in fees)),
            "fees_heading": _("Fees due when you renew")
            if kind != RenewalKind.REINSTATEMENT
            else _("Fees due when you reinstate"),
            "county": certification.issuing_county,
        },
    )


@portal_login_required()
@require_http_methods(["GET", "POST"])
def specializations(request: HttpRequest) -> HttpResponse:
    """Add an area of specialization from a verified 40-hour specialization course."""
    certification = own_certification_or_404(request)
    held = {s.code for s in certification.specializations.all()}
    own = list(training_records_for(request.user).filter(person=request.user))
    records = [r for r in own if r.course != Course.CORE_80]
    checks = {
        "held_codes": held,
        "area_names": specialization_area_names(),
        "core_completed_on": core_training_completed_on(own),
    }
    problems = {r.pk: rules.specialization_problems(certification, r, **checks) for r in records}
    candidates = [r for r in records if not problems[r.pk]]
    others = [(r, problems[r.pk]) for r in records if r not in candidates and r.course not in held]
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
