from django.urls import path

from certification import views_public

urlpatterns = [
    path("", views_public.verify_search, name="verify_search"),
]
