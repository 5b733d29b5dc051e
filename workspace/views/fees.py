"""Fees in the county workspace: the county's fees with what is still owed, one fee with its
payments, recording a payment (with its receipt), voiding one recorded by mistake, and
granting a holder a DHCS-funded renewal fee waiver. Online card payment is not offered: people
pay the county program, whose staff record the payment here."""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fees import rules as fee_rules
from fees import services as fee_services
from fees.receipts import receipt_pdf
from fees.selectors import (
    fee_accounts,
    fee_due_get,
    fee_outstanding_of,
    fee_payment_get,
    fee_status_of,
    fee_waivers_for,
    fees_due_for,
    owed_only,
    with_balance,
)
from workspace.access import CountyWorkspace, workspace_view
from workspace.fee_forms import (
    FeePaymentForm,
    FeePaymentVoidForm,
    FeeSearchForm,
    FeeWaiverForm,
)
from workspace.views.certifications import certification_url, county_certification
from workspace.views.common import paginate, querystring_without_page, run_action

SHOW_OWED = "owed"


def _fee_url(workspace: CountyWorkspace, pk: int) -> str:
    return reverse("workspace:fee", args=[workspace.county.code, pk])


@workspace_view()
@require_safe
def fee_list(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    """The county's fees, newest first; by default those with something still owed."""
    fees = with_balance(
        fees_due_for(request.user).filter(county=workspace.county).select_related("person")
    ).order_by("-created_at", "-pk")
    show = request.GET.get("show", SHOW_OWED)
    if show == SHOW_OWED:
        fees = owed_only(fees)
    search = FeeSearchForm({"q": request.GET.get("q", ""), "show": show})
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    # A person by name or email: each word in their first name, last name or email.
    for word in query.split()[:5]:
        fees = fees.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__email__icontains=word)
        )
    page = paginate(request, fees)
    rows = [
        (fee, fee_outstanding_of(fee), fee_rules.FEE_STATUS_LABELS[fee_status_of(fee)])
        for fee in page.object_list
    ]
    return render(
        request,
        "workspace/fees.html",
        {
            "workspace": workspace,
            "nav": "fees",
            "page_obj": page,
            "rows": [
                (fee, fee_rules.dollars(fee.amount_cents), fee_rules.dollars(owed), label)
                for fee, owed, label in rows
            ],
            "show": show,
            "search": search,
            "query": query,
            "querystring": querystring_without_page(request),
        },
    )


@workspace_view()
@require_safe
def fee_detail(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    fee = fee_due_get(request.user, pk, county=workspace.county)
    account = fee_accounts(fees_due_for(request.user).filter(pk=fee.pk))[0]
    return render(
        request,
        "workspace/fee_detail.html",
        {"workspace": workspace, "nav": "fees", "fee": fee, "account": account},
    )


@workspace_view()
def fee_payment_record(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    fee = fee_due_get(request.user, pk, county=workspace.county)
    owed = fee_outstanding_of(fee)

    class _PaymentForm(FeePaymentForm):
        owed_cents = owed

    return run_action(
        request,
        workspace,
        form_class=_PaymentForm,
        perform=lambda data: fee_services.fee_payment_record(
            actor=request.user,
            fee=fee,
            amount_cents=data["amount"],
            method=data["method"],
            reference=data["reference"],
            paid_on=data["paid_on"],
            idempotency_key=data["idempotency_key"],
        ),
        success_message=_("Payment recorded. The person was emailed; the receipt is below."),
        done_url=_fee_url(workspace, fee.pk),
        context={
            "nav": "fees",
            "title": _("Record a payment"),
            "subject": _("%(fee)s of %(person)s: %(owed)s still owed.")
            % {
                "fee": fee.get_kind_display(),
                "person": fee.person.get_full_name() or fee.person.email,
                "owed": fee_rules.dollars(owed),
            },
            "intro": _(
                "Record a payment the county program received (check, money order, cash, card "
                "taken at the office, transfer). A payment cannot be more than is owed, and "
                "cannot be changed afterwards: check the amount and the reference."
            ),
            "submit_label": _("Record the payment"),
        },
    )


@workspace_view()
def fee_payment_void(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    """Void payment `pk`, recorded by mistake: a confirmation page asking why, then the void
    (the payment stays, marked void; the fee is owed again)."""
    payment = fee_payment_get(request.user, pk, county=workspace.county)
    void = getattr(payment, "void", None)
    already = (
        _("This payment was already voided on %(date)s: %(reason)s")
        % {"date": date_format(timezone.localtime(void.voided_at)), "reason": void.reason}
        + " "
        if void is not None
        else ""
    )
    return run_action(
        request,
        workspace,
        form_class=FeePaymentVoidForm,
        perform=lambda data: fee_services.fee_payment_void(
            actor=request.user, payment=payment, reason=data["reason"]
        ),
        success_message=_(
            "Payment voided. It no longer counts as paid: the fee is owed again, and the "
            "person was emailed."
        ),
        done_url=_fee_url(workspace, payment.fee_id),
        context={
            "nav": "fees",
            "title": _("Void a payment"),
            "subject": _(
                "Receipt %(number)s: %(amount)s paid on %(date)s by %(person)s "
                "(%(method)s), for the %(fee)s."
            )
            % {
                "number": payment.receipt_number,
                "amount": payment.amount,
                "date": date_format(payment.paid_on),
                "person": payment.person.get_full_name() or payment.person.email,
                "method": payment.get_method_display(),
                "fee": payment.fee.get_kind_display(),
            },
            "intro": already
            + _(
                "Void a payment recorded by mistake. The payment stays in the records, marked "
                "void with your reason and name; it no longer counts as paid or collected, so "
                "the fee is owed again, an exam or renewal waiting for it waits again, and its "
                "receipt reads VOID. A void cannot be undone: record the right payment "
                "afterwards."
            ),
            "submit_label": _("Void the payment"),
            "danger": True,
            "confirm": _("Void this payment? This cannot be undone."),
        },
    )


@workspace_view()
@require_safe
def fee_receipt(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    payment = fee_payment_get(request.user, pk, county=workspace.county)
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}.pdf"'
    return response


@workspace_view()
def fee_waiver_grant(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    """Grant the holder of certification `pk` a DHCS-funded renewal fee waiver."""
    certification = county_certification(request, workspace, pk)
    waiting = fee_waivers_for(request.user).filter(
        person_id=certification.holder_id, fee__isnull=True
    )
    return run_action(
        request,
        workspace,
        form_class=FeeWaiverForm,
        perform=lambda data: fee_services.fee_waiver_grant(
            actor=request.user,
            county=workspace.county,
            person=certification.holder,
            reason=data["reason"],
        ),
        success_message=_("Renewal fee waiver granted. The peer was emailed."),
        done_url=certification_url(workspace, certification),
        context={
            "nav": "roster",
            "title": _("Grant a renewal fee waiver"),
            "subject": f"{certification.first_name} {certification.last_name} "
            f"({certification.number})",
            "intro": (
                _("This peer already holds a waiver waiting for their next renewal fee.") + " "
                if waiting.exists()
                else ""
            )
            + _(
                "A DHCS-funded waiver makes the peer's renewal fee zero: the renewal fee they "
                "owe now, if nothing was paid on it, else the next one. A late fee is still "
                "due. A granted waiver cannot be taken back."
            ),
            "submit_label": _("Grant the waiver"),
        },
    )
