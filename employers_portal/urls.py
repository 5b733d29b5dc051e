"""The employer pages, mounted at /employer/. Every page but the picker, sign-up and the
invitation link is scoped by employer: /employer/<id>/..."""

from django.urls import path

from employers_portal.views import organisation, watchlist, webhooks

app_name = "employers_portal"

urlpatterns = [
    path("", organisation.pick, name="pick"),
    path("signup/", organisation.signup, name="signup"),
    # The emailed link trades its token for the session, then the key-less page (SECURITY.md).
    path("invitations/accept/", organisation.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/", organisation.invitation_link, name="invitation_link"),
    path("<int:employer_id>/", watchlist.watchlist, name="watchlist"),
    path("<int:employer_id>/watchlist.csv", watchlist.watchlist_csv, name="watchlist_csv"),
    path(
        "<int:employer_id>/watches/<int:pk>/remove/",
        watchlist.watch_remove,
        name="watch_remove",
    ),
    path("<int:employer_id>/upload/", watchlist.watch_upload, name="watch_upload"),
    path(
        "<int:employer_id>/upload/template.csv",
        watchlist.watch_upload_template,
        name="watch_upload_template",
    ),
    path(
        "<int:employer_id>/upload/<str:token>/",
        watchlist.watch_upload_preview,
        name="watch_upload_preview",
    ),
    path("<int:employer_id>/settings/", organisation.settings_page, name="settings"),
    path("<int:employer_id>/staff/", organisation.staff, name="staff"),
    path(
        "<int:employer_id>/staff/<int:pk>/remove/",
        organisation.membership_remove,
        name="membership_remove",
    ),
    path(
        "<int:employer_id>/staff/invitations/<int:pk>/withdraw/",
        organisation.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:employer_id>/notices/", webhooks.notices, name="notices"),
    path("<int:employer_id>/webhooks/", webhooks.endpoints, name="webhooks"),
    path("<int:employer_id>/webhooks/<int:pk>/", webhooks.endpoint_detail, name="webhook"),
    path("<int:employer_id>/webhooks/<int:pk>/test/", webhooks.endpoint_test, name="webhook_test"),
    path(
        "<int:employer_id>/webhooks/deliveries/<int:pk>/send-again/",
        webhooks.delivery_resend,
        name="webhook_resend",
    ),
]
