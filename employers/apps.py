from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = _("Employers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Hear of every change of a certification's registry entry, on commit (jobs.events).
        from certification.events import TOPIC
        from jobs.events import event_subscribe

        event_subscribe(TOPIC, "employers.tasks.registry_events_receive")
