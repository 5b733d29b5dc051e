from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Site-specific allauth behaviour: language of emails, landing page after sign-in."""

    def get_login_redirect_url(self, request):
        return reverse("dashboard")

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = getattr(request, "LANGUAGE_CODE", "en")
        user.preferred_language = "es" if language == "es" else "en"
        if commit:
            user.save()
        return user
