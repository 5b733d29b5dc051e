"""Forms of the provider pages: shape only; every rule is the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from counties.models import County
from providers.models import (
    CeCourseCategory,
    CompletionStatus,
    CourseLanguage,
    CourseType,
    DeliveryMode,
    ProviderRole,
)
from providers.rules import CORE_COMPETENCIES
from training.selectors import specialization_areas


class ConfirmForm(forms.Form):
    """An action that needs nothing but the confirmation itself."""


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=ProviderRole.choices)


class ProfileForm(forms.Form):
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    statewide = forms.BooleanField(
        label=_("We serve learners from every county (online courses)"), required=False
    )
    counties = forms.MultipleChoiceField(
        label=_("Counties served"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=CourseLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delivery_modes = forms.MultipleChoiceField(
        label=_("Delivery modes"),
        choices=DeliveryMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counties"].choices = [
            (str(pk), name)
            for pk, name in County.objects.order_by("name").values_list("pk", "name")
        ]


class CourseFieldsForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=6, decimal_places=2, min_value=0, max_value=9999
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the course is taught in"),
        choices=CourseLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delivery_modes = forms.MultipleChoiceField(
        label=_("Delivery modes"),
        choices=DeliveryMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ApplyForm(CourseFieldsForm):
    title = forms.CharField(
        label=_("Course title"),
        max_length=200,
        help_text=_("The title of a course you already have, or of a new one."),
    )
    field_order = ["title", "hours", "languages", "delivery_modes"]


def competency_field_name(code: str) -> str:
    return f"competency_{code}"


class ApplicationForm(CourseFieldsForm):
    """The application's course details and, for each core competency, where the curriculum
    covers it (all 16 for the core course)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for competency in CORE_COMPETENCIES:
            self.fields[competency_field_name(competency.code)] = forms.CharField(
                label=competency.label,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("The modules or sessions that cover it, and their hours."),
            )

    def coverage(self) -> dict[str, str]:
        return {
            c.code: self.cleaned_data.get(competency_field_name(c.code)) or ""
            for c in CORE_COMPETENCIES
        }


class CycleForm(forms.Form):
    course_type = forms.ChoiceField(
        label=_("Course type"), choices=CourseType.choices, widget=forms.RadioSelect
    )
    area_code = forms.ChoiceField(
        label=_("Area of specialization (specialization cycles)"), required=False
    )
    ce_category = forms.ChoiceField(
        label=_("CE category (CE cycles)"),
        choices=[("", "—"), *CeCourseCategory.choices],
        required=False,
    )
    ce_hours = forms.DecimalField(
        label=_("CE hours (CE cycles)"), required=False, max_digits=5, decimal_places=2
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput)
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput)
    note = forms.CharField(
        label=_("Note to providers"), required=False, max_length=5000, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = [("", "—")] + [
            (area.code, area.label) for area in specialization_areas() if area.offered
        ]


class RegisterForm(forms.Form):
    name = forms.CharField(
        label=_("Name of a new provider"),
        max_length=200,
        required=False,
        help_text=_("Leave empty when the provider is already listed: choose it below."),
    )
    training_provider = forms.ChoiceField(label=_("Or a listed provider"), required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254, required=False)
    admin_email = forms.EmailField(
        label=_("First administrator's email"),
        max_length=254,
        help_text=_("They receive an invitation to the provider's staff."),
    )

    def __init__(self, *args, listed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_provider"].choices = [("", "—")] + [
            (str(pk), name) for pk, name in listed
        ]


class Decision:
    APPROVE = "approve"
    CHANGES = "changes"
    DENY = "deny"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.APPROVE, _("Approve for a period")),
            (Decision.CHANGES, _("Request changes")),
            (Decision.DENY, _("Deny")),
        ],
    )
    note = forms.CharField(
        label=_("Note to the provider"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("Required to request changes (what to change) or to deny (the reasons)."),
    )
    starts_on = forms.DateField(
        label=_("Approved from"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: today."),
    )
    ends_on = forms.DateField(
        label=_("Approved until"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the end of the policy's approval period (24 months by default)."),
    )


class CompletionsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Completions file (CSV)"),
        help_text=_("A CSV file with the columns described above, UTF-8 encoded."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )


class CompletionsFilterForm(forms.Form):
    course = forms.ChoiceField(label=_("Course"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *CompletionStatus.choices],
    )
    disputed = forms.BooleanField(label=_("Disputed by the learner only"), required=False)

    def __init__(self, *args, course_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", _("Any course")), *course_choices]


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where the key is used, such as your learning management system."),
    )
