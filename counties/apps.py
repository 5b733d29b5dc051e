from django.apps import AppConfig


class CountiesConfig(AppConfig):
    name = "counties"
    verbose_name = "Counties"
