from django.apps import AppConfig


class ContinuingEdConfig(AppConfig):
    name = "continuing_ed"
    verbose_name = "Continuing ed"
