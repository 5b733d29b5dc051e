from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _profile_saved(sender: Any, instance: Any, **_kwargs: Any) -> None:
    """A person saved their applicant profile (at sign-up, or adding their legal name or date of
    birth): completions reported for them that wait attach themselves (issue 15 item 4)."""
    from providers.services.completions import completions_attach_for

    completions_attach_for(instance.user, profile=instance)


def _certification_saved(sender: Any, instance: Any, created: bool = False, **_kwargs: Any) -> None:
    """A person was certified: CE completions that waited for a certification attach."""
    if created:
        from providers.services.completions import completions_attach_for

        completions_attach_for(instance.holder)


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = _("Training and CE providers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Reported completions wait for their learner (providers.services.completions); the
        # profile and the certification belong to the certification app below this one.
        post_save.connect(
            _profile_saved, sender="certification.ApplicantProfile", dispatch_uid="providers"
        )
        post_save.connect(
            _certification_saved, sender="certification.Certification", dispatch_uid="providers"
        )
