"""The applicant portal, mounted at /me/ (config/urls.py). Every URL here is covered by the
permission matrix in tests/portal/test_permissions.py, which fails for a URL it does not know.
"""

from django.urls import path

from portal.views import (
    appeals,
    certified,
    documents,
    fees,
    home,
    privacy,
    reported,
    responses,
    status,
    training,
    transfer,
    wizard,
)

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("profile/", home.profile, name="profile"),
    path("language/", home.language, name="language"),
    path("applications/new/", wizard.application_new, name="application_new"),
    path("applications/<int:pk>/", wizard.application_resume, name="application"),
    path("applications/<int:pk>/program/", wizard.application_program, name="application_program"),
    path("applications/<int:pk>/details/", wizard.application_details, name="application_details"),
    path("applications/<int:pk>/ethics/", wizard.application_ethics, name="application_ethics"),
    path(
        "applications/<int:pk>/attestations/",
        wizard.application_attestations,
        name="application_attestations",
    ),
    path(
        "applications/<int:pk>/documents/",
        documents.application_documents,
        name="application_documents",
    ),
    path("applications/<int:pk>/review/", wizard.application_review, name="application_review"),
    path("applications/<int:pk>/status/", status.application_status, name="application_status"),
    path(
        "applications/<int:pk>/transfer/",
        transfer.application_transfer,
        name="application_transfer",
    ),
    path("documents/<int:pk>/", documents.document_file, name="document"),
    path("documents/<int:pk>/remove/", documents.document_remove, name="document_remove"),
    path("training/", training.training, name="training"),
    path("reported/<int:pk>/dispute/", reported.reported_dispute, name="reported_dispute"),
    path("certification/", certified.certification, name="certification"),
    path("certification/certificate/", certified.certificate, name="certificate"),
    path("certification/credential/", certified.credential, name="credential"),
    path("certification/ce/", certified.ce_log, name="ce_log"),
    path("certification/renew/", certified.renewal, name="renewal"),
    path("certification/specializations/", certified.specializations, name="specializations"),
    path("appeals/", appeals.appeals, name="appeals"),
    path("appeals/new/", appeals.appeal_new, name="appeal_new"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal"),
    path("fees/", fees.fees, name="fees"),
    path("fees/receipts/<int:pk>/", fees.fee_receipt, name="fee_receipt"),
    path("privacy/", privacy.privacy, name="privacy"),
    path("privacy/download/", privacy.privacy_download, name="privacy_download"),
    path("privacy/download/file/", privacy.privacy_export_file, name="privacy_export_file"),
    path("privacy/close/", privacy.privacy_close, name="privacy_close"),
    # Requests for the peer's response to a complaint (docs/domain.md#complaints-and-cases).
    path("responses/", responses.responses, name="responses"),
    path("responses/<int:pk>/", responses.response, name="response"),
    path(
        "responses/<int:pk>/files/<int:document_pk>/",
        responses.response_document,
        name="response_document",
    ),
]
