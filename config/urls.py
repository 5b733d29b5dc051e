from django.contrib import admin
from django.urls import include, path

from config import views
from core import health

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("verify/", include("certification.urls_public")),
    path("me/", include("certification.portal.urls")),
    path("county/", include("certification.workspace.urls")),
    path("api/", include("certification.api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "CA Peer Certification – operators"
admin.site.site_title = "CA Peer Certification"

# A dependency down (database or Redis restarting) answers 503 with Retry-After, not 500.
handler500 = "core.outage.server_error"
