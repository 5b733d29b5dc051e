from django.apps import AppConfig


class FhirDirectoryConfig(AppConfig):
    name = "fhir_directory"
    verbose_name = "FHIR R4 provider directory"
