from django.urls import path

from api import views_public

urlpatterns = [
    path("", views_public.verify_search, name="verify_search"),
    # The contract is /verify/<number> (the QR code's target, docs/architecture.md#contracts);
    # a trailing slash works too.
    path("<str:number>", views_public.verify_certification, name="verify_certification"),
    path("<str:number>/", views_public.verify_certification),
]
