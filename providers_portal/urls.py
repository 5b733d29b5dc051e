"""The provider pages, mounted at /provider/. A provider's pages are scoped by provider:
/provider/<id>/...; state staff's review pages are /provider/review/...; the picker and the
invitation link are neither."""

from django.urls import path

from providers_portal.views import completions, provider, review

app_name = "providers_portal"

urlpatterns = [
    path("", provider.pick, name="pick"),
    # The emailed link trades its token for the session, then the key-less page (SECURITY.md).
    path("invitations/accept/", provider.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/", provider.invitation_link, name="invitation_link"),
    path("review/", review.review, name="review"),
    path("review/outcomes/", review.review_outcomes, name="review_outcomes"),
    path("review/cycles/new/", review.cycle_open, name="cycle_open"),
    path("review/cycles/<int:pk>/close/", review.cycle_close, name="cycle_close"),
    path("review/providers/new/", review.provider_register, name="provider_register"),
    path("review/applications/<int:pk>/", review.review_application, name="review_application"),
    path("<int:provider_id>/", provider.home, name="overview"),
    path("<int:provider_id>/outcomes/", provider.outcomes, name="outcomes"),
    path("<int:provider_id>/cycles/<int:pk>/apply/", provider.apply, name="apply"),
    path("<int:provider_id>/applications/<int:pk>/", provider.application, name="application"),
    path(
        "<int:provider_id>/applications/<int:pk>/withdraw/",
        provider.application_withdraw,
        name="application_withdraw",
    ),
    path("<int:provider_id>/profile/", provider.profile, name="profile"),
    path("<int:provider_id>/completions/", completions.completions, name="completions"),
    path(
        "<int:provider_id>/completions/upload/",
        completions.upload,
        name="completions_upload",
    ),
    path(
        "<int:provider_id>/completions/upload/template.csv",
        completions.upload_template,
        name="completions_template",
    ),
    path(
        "<int:provider_id>/completions/upload/<str:token>/",
        completions.preview,
        name="completions_preview",
    ),
    path("<int:provider_id>/api-keys/", completions.api_keys, name="api_keys"),
    path(
        "<int:provider_id>/api-keys/<int:pk>/revoke/",
        completions.api_key_revoke,
        name="api_key_revoke",
    ),
    path("<int:provider_id>/staff/", provider.staff, name="staff"),
    path(
        "<int:provider_id>/staff/<int:pk>/remove/",
        provider.membership_remove,
        name="membership_remove",
    ),
    path(
        "<int:provider_id>/staff/invitations/<int:pk>/withdraw/",
        provider.invitation_revoke,
        name="invitation_revoke",
    ),
]
