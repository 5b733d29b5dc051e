"""Forms of the workspace's appeal pages (the shape of the input only; the rules are
`cases.services.appeals`')."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import rules

OUTCOME_CHOICES = [
    (rules.UPHOLD, _("Uphold: the decision stands")),
    (rules.OVERTURN, _("Overturn: give back what the decision took")),
    (
        rules.MODIFY,
        _("Modify: a revocation becomes a suspension; otherwise the change is written below"),
    ),
]


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reasons (the appellant reads them)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
    )
