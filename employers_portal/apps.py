from django.apps import AppConfig


class EmployersPortalConfig(AppConfig):
    name = "employers_portal"
    verbose_name = "Employer pages"
