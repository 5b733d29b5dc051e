from django.urls import path

from api import views_credentials, views_public

urlpatterns = [
    path("", views_public.verify_search, name="verify_search"),
    path("credential/", views_credentials.verify_credential, name="verify_credential"),
    # The contract is /verify/<number> (the QR code's target, docs/architecture.md#contracts);
    # a trailing slash works too.
    path("<str:number>", views_public.verify_certification, name="verify_certification"),
    path("<str:number>/", views_public.verify_certification),
]
