from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path

from api import views_credentials
from core import health
from portal.views import complaints, courses, site

# Operators sign in like everyone else, through allauth (its rate limits, its second-factor
# step): the admin's own sign-in form only sends there (SECURITY.md, "Accounts").
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", site.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("dashboard/", site.dashboard, name="dashboard"),
    path("programs/", site.programs, name="programs"),
    # The public course finder (docs/domain.md#providers): anyone, no account.
    path("courses/", courses.courses, name="courses"),
    # The public complaint form (docs/domain.md#complaints-and-cases): anyone, no account.
    path("complaint/", complaints.complaint, name="complaint"),
    path("complaint/sent/", complaints.complaint_sent, name="complaint_sent"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("verify/", include("api.urls_public")),
    path(".well-known/did.json", views_credentials.did_json, name="did_json"),
    # OID4VCI discovery (credentials/wallet.py); a client may add the issuer's empty path.
    re_path(
        r"^\.well-known/openid-credential-issuer/?$",
        views_credentials.openid_credential_issuer,
        name="openid_credential_issuer",
    ),
    re_path(
        r"^\.well-known/oauth-authorization-server/?$",
        views_credentials.oauth_authorization_server,
        name="oauth_authorization_server",
    ),
    path("credentials/", include("api.urls_credentials")),
    path("fhir/R4/", include("fhir_directory.urls")),
    path("me/", include("portal.urls")),
    path("county/", include("workspace.urls")),
    path("employer/", include("employers_portal.urls")),
    path("provider/", include("providers_portal.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "CA Peer Certification – operators"
admin.site.site_title = "CA Peer Certification"

# A dependency down (database or Redis restarting) answers 503 with Retry-After, not 500.
handler500 = "core.outage.server_error"
