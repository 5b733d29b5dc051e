"""The credentials' public documents, mounted at /credentials/ (api/views_credentials.py)."""

from django.urls import path, re_path

from api import views_credentials

urlpatterns = [
    re_path(
        r"^status/(?P<purpose>revocation|suspension)/(?P<list_number>[0-9]{1,9})$",
        views_credentials.status_list,
        name="credential_status_list",
    ),
    re_path(
        r"^oid4vci/offers/(?P<offer_id>[A-Za-z0-9_-]{16,64})$",
        views_credentials.wallet_offer,
        name="wallet_offer",
    ),
    path("oid4vci/token", views_credentials.wallet_token, name="wallet_token"),
    path("oid4vci/credential", views_credentials.wallet_credential, name="wallet_credential"),
]
