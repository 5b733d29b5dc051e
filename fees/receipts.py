"""Payment receipts: one PDF per recorded payment, rendered by WeasyPrint on request (like the
certificates: tagged PDF/UA-1, DejaVu Sans embedded). A payment never changes, so the receipt
is rendered from its row each time rather than stored; it shows what was still owed right
after that payment. A voided payment's receipt is marked VOID. Its text is in the language of
whoever downloads it."""

import threading

from django.conf import settings
from django.db.models import Sum
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from fees import rules
from fees.models import FeeKind, FeePayment, FeePaymentVoid, PaymentMethod
from fees.selectors import counted_payments

# Tagged PDF for accessibility, as the certificates.
PDF_VARIANT = "pdf/ua-1"

_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread (a new one per document leaks memory in long-lived
    processes: benchmarks/RESULTS.md, "Soak")."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def receipt_context(payment: FeePayment) -> dict:
    """What the receipt of `payment` shows (its fee, county and person loaded): what was still
    owed right after it (the payments counted up to it, what a scholarship covers, a waiver).
    A voided payment's receipt says VOID, with when and why, and counts for nothing."""
    fee = payment.fee
    paid_through = (
        counted_payments()
        .filter(fee=fee, pk__lte=payment.pk)
        .aggregate(total=Sum("amount_cents"))["total"]
        or 0
    )
    waived = hasattr(fee, "waiver")
    covered = fee.scholarship_use.amount_cents if hasattr(fee, "scholarship_use") else 0
    void = FeePaymentVoid.objects.filter(payment_id=payment.pk).first()
    return {
        "payment": payment,
        "fee": fee,
        "fee_label": FeeKind(fee.kind).label,
        "fee_reason": rules.FEE_REASONS[fee.kind],
        "fee_amount": rules.dollars(fee.amount_cents),
        "amount": rules.dollars(payment.amount_cents),
        "method_label": PaymentMethod(payment.method).label,
        "outstanding": rules.dollars(
            rules.fee_outstanding(
                fee.amount_cents, paid_cents=paid_through, waived=waived, covered_cents=covered
            )
        ),
        "void": void,
        "county": payment.county,
        "person": payment.person,
    }


def receipt_pdf(payment: FeePayment) -> bytes:
    """The receipt of `payment` as PDF bytes, in the current language."""
    html = render_to_string("fees/receipt.html", receipt_context(payment))
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_variant=PDF_VARIANT, font_config=_font_config())
