"""The person's fees: every fee they owe or owed, with what was paid, what is still owed and
why, their receipts, a renewal fee waiver granted to them, and how to pay (fees are paid to
the county program, not on this site)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from counties.models import County
from fees.receipts import receipt_pdf
from fees.rules import dollars, scholarship_expires_on
from fees.selectors import (
    fee_accounts,
    fee_payment_get,
    fee_waivers_for,
    fees_due_for,
    scholarship_nominations_for,
)
from portal.stash import portal_login_required


@portal_login_required()
@require_GET
def fees(request: HttpRequest) -> HttpResponse:
    accounts = fee_accounts(fees_due_for(request.user).filter(person=request.user))
    counties = County.objects.filter(
        pk__in={account.fee.county_id for account in accounts}
    ).order_by("name")
    return render(
        request,
        "portal/fees.html",
        {
            "accounts": accounts,
            "owed_total": dollars(sum(account.outstanding_cents for account in accounts)),
            "owed": any(account.outstanding_cents for account in accounts),
            "waiting_waiver": fee_waivers_for(request.user)
            .filter(person=request.user, fee__isnull=True)
            .first(),
            "counties": counties,
            "scholarships": [
                (nomination, scholarship_expires_on(nomination.granted_on))
                if nomination.granted_on
                else (nomination, None)
                for nomination in scholarship_nominations_for(request.user).filter(
                    person=request.user
                )
            ],
        },
    )


@portal_login_required()
@require_GET
def fee_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt of one of the person's own payments (404 for anyone else's)."""
    payment = fee_payment_get(request.user, pk)
    if payment.person_id != request.user.pk:
        # Staff read receipts in the county workspace; here only one's own.
        raise Http404
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}.pdf"'
    return response
