"""The credentials' public documents, mounted at /credentials/ (api/views_credentials.py)."""

from django.urls import path, re_path

from api import views_credentials

urlpatterns = [
    re_path(
        r"^status/(?P<purpose>revocation|suspension)/(?P<list_number>[0-9]{1,9})$",
        views_credentials.status_list,
        name="credential_status_list",
    ),
    path("offer/<str:token>", views_credentials.credential_offer, name="credential_offer"),
]
