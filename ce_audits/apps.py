from django.apps import AppConfig


class CeAuditsConfig(AppConfig):
    name = "ce_audits"
    verbose_name = "CE audits"
