from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import services


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Name (what the key is for)"), max_length=100, required=False)
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=services.MAX_TOKEN_DAYS,
        initial=services.DEFAULT_TOKEN_DAYS,
    )
