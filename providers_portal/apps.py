from django.apps import AppConfig


class ProvidersPortalConfig(AppConfig):
    name = "providers_portal"
    verbose_name = "Provider pages"
