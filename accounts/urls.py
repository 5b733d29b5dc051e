from django.urls import path

from accounts import views

urlpatterns = [
    path("api-tokens/", views.api_tokens, name="api_tokens"),
]
