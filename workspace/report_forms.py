"""Forms of the program report pages (workspace/views/reports.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from reports import rules
from reports.services import NARRATIVE_MAX_CHARS

CUSTOM = "custom"


def _fiscal_year_choices() -> list[tuple[str, str]]:
    _start, end = rules.last_complete_fiscal_year(timezone.localdate())
    years = range(end.year, max(end.year - 5, 2021), -1)
    return [
        (
            str(year),
            _("Fiscal year %(first)s–%(last)s (July 1 to June 30)")
            % {"first": year - 1, "last": str(year)[-2:]},
        )
        for year in years
    ] + [(CUSTOM, _("Another period (give its first and last day)"))]


class ReportStartForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"), choices=_fiscal_year_choices, widget=forms.RadioSelect
    )
    period_start = forms.DateField(label=_("First day"), required=False, widget=DateInput)
    period_end = forms.DateField(label=_("Last day"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        period = data.get("period")
        if period == CUSTOM:
            if not data.get("period_start"):
                self.add_error("period_start", _("Give the first day of the period."))
            if not data.get("period_end"):
                self.add_error("period_end", _("Give the last day of the period."))
        elif period:
            data["period_start"], data["period_end"] = rules.fiscal_year(int(period))
        return data


class ReportNarrativeForm(forms.Form):
    plan_changes = forms.CharField(
        label=_("Changes to the program plan"),
        required=False,
        max_length=NARRATIVE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What changed in the program plan DHCS approved, and why."),
    )
    challenges = forms.CharField(
        label=_("Challenges"),
        required=False,
        max_length=NARRATIVE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What made the year hard for the program, and what the county is doing."),
    )
    what_changed = forms.CharField(
        label=_("What this correction changes"),
        required=False,
        max_length=NARRATIVE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for a correction: which figures or text it corrects."),
    )

    def __init__(self, *args, correction: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not correction:
            del self.fields["what_changed"]


class ReportSubmitForm(forms.Form):
    """Submitting asks for nothing but the click (and the CSRF token)."""


class StateReportsForm(forms.Form):
    """The period of state staff's statewide page of reports: a state fiscal year, the latest
    over by default (`chosen_period`)."""

    period = forms.ChoiceField(
        label=_("Fiscal year"),
        choices=lambda: [c for c in _fiscal_year_choices() if c[0] != CUSTOM],
        required=False,
    )

    def chosen_period(self):
        """The fiscal year chosen, or the latest over when none (or a bad one) was."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("period"):
            return rules.fiscal_year(int(self.cleaned_data["period"]))
        return rules.last_complete_fiscal_year(timezone.localdate())
