"""Forms of the workspace's fee pages (the shape of the input only; the rules are
`fees.rules`' and `fees.services`')."""

import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from fees.models import PaymentMethod, ScholarshipCover, ScholarshipPool
from fees.rules import METHODS_WITH_REFERENCE, dollars


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

    # What is still owed, set by the view: an over-payment is shown next to the amount (the
    # service refuses it too: `rules.payment_problems`).
    owed_cents: int | None = None

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if self.owed_cents is not None and amount is not None and amount > self.owed_cents:
            raise forms.ValidationError(
                _("This is more than is owed (%(owed)s): record no more than the amount owed.")
                % {"owed": dollars(self.owed_cents)}
            )
        return amount

    def clean(self):
        data = super().clean()
        # Shown next to the reference (the service refuses it too: `rules.payment_problems`).
        if data.get("method") in METHODS_WITH_REFERENCE and not data.get("reference", "").strip():
            self.add_error(
                "reference",
                _("Enter the reference (check or money order number, slip, transfer id)."),
            )
        return data


class FeePaymentVoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this payment voided?"),
        help_text=_(
            "For example: recorded against the wrong fee, the wrong amount, a check returned "
            "unpaid. The person reads it."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class FeeSearchForm(forms.Form):
    """The fee list's search: a person by name or email."""

    q = forms.CharField(label=_("Person (name or email)"), required=False, max_length=100)
    show = forms.CharField(widget=forms.HiddenInput, required=False)


class FeeWaiverForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason and funding"),
        help_text=_("For example: DHCS renewal fee waiver, fiscal year 2026–27 allocation."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ScholarshipNominationForm(forms.Form):
    pool = forms.ModelChoiceField(
        label=_("Scholarship pool"), queryset=ScholarshipPool.objects.none()
    )
    email = forms.EmailField(
        label=_("Email of the person nominated"),
        help_text=_("An applicant or certified peer of this county."),
    )
    reason = forms.CharField(
        label=_("Why this person"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    amount = DollarsField(
        label=_("Amount asked (dollars)"),
        help_text=_("Only for a pool of an amount (not of places)."),
        required=False,
    )

    def __init__(self, *args, pools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pools is not None:
            self.fields["pool"].queryset = pools


class ScholarshipDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("accept", _("Accept: grant the scholarship")), ("refuse", _("Refuse"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class ScholarshipPoolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.CharField(
        label=_("Funding source"),
        help_text=_("For example: DHCS Peer Support Workforce grant, fiscal year 2026–27."),
        max_length=300,
    )
    covers = forms.ChoiceField(label=_("Covers"), choices=ScholarshipCover.choices)
    places = forms.IntegerField(
        label=_("Number of places"), min_value=1, max_value=100000, required=False
    )
    amount = DollarsField(label=_("Or an amount (dollars)"), required=False)
    opens_on = forms.DateField(label=_("Open from"), widget=DateInput, initial=timezone.localdate)
    closes_on = forms.DateField(label=_("Open until"), widget=DateInput)
