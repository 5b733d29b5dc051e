"""The credentials' public documents, mounted at /credentials/ (api/views_credentials.py)."""

from django.urls import path, re_path

from api import views_credentials

urlpatterns = [
    re_path(
        # Any segment: what is no list gets a JSON 404 from the view, not the HTML page.
        r"^status/(?P<purpose>[^/]+)/(?P<list_number>[^/]+)$",
        views_credentials.status_list,
        name="credential_status_list",
    ),
    re_path(
        r"^oid4vci/offers/(?P<offer_id>[^/]+)$",
        views_credentials.wallet_offer,
        name="wallet_offer",
    ),
    path("oid4vci/token", views_credentials.wallet_token, name="wallet_token"),
    path("oid4vci/credential", views_credentials.wallet_credential, name="wallet_credential"),
]
