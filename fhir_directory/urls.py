"""The FHIR R4 directory, mounted at /fhir/R4/ (fhir_directory/views.py)."""

from django.urls import path, re_path

from fhir_directory import views

app_name = "fhir"
# FHIR ids: letters, digits, hyphens and dots, 1 to 64 characters.
_ID = r"(?P<resource_id>[A-Za-z0-9\-.]{1,64})"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("Practitioner", views.practitioner_search, name="practitioner_search"),
    re_path(rf"^Practitioner/{_ID}$", views.practitioner_read, name="practitioner_read"),
    path("PractitionerRole", views.practitioner_role_search, name="practitioner_role_search"),
    re_path(
        rf"^PractitionerRole/{_ID}$", views.practitioner_role_read, name="practitioner_role_read"
    ),
    path("Organization", views.organization_search_view, name="organization_search"),
    re_path(rf"^Organization/{_ID}$", views.organization_read, name="organization_read"),
    re_path(r"^(?P<unmatched>.*)$", views.not_found, name="not_found"),
]
