"""Forms of the workspace's fee pages (the shape of the input only; the rules are
`fees.rules`' and `fees.services`')."""

import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from fees.models import PaymentMethod


class DollarsField(forms.DecimalField):
    """An amount in dollars and cents, cleaned to whole cents."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=9, decimal_places=2, min_value=Decimal("0.01"), **kwargs)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


class FeePaymentForm(forms.Form):
    amount = DollarsField(
        label=_("Amount paid (dollars)"),
        help_text=_("No more than is still owed. A part payment is recorded as it is."),
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_(
            "The check or money order number, the card slip or the transfer's id. Not needed "
            "for cash."
        ),
        required=False,
        max_length=100,
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput, initial=timezone.localdate)
    # One token per form shown: a double click or a resent form records one payment.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class FeeWaiverForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason and funding"),
        help_text=_("For example: DHCS renewal fee waiver, fiscal year 2026–27 allocation."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
