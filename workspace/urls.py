"""The county workspace, mounted at /county/. Every page but the county picker and the
invitation link is scoped by county code: /county/<code>/..."""

from django.urls import path, re_path

from workspace import state_urls
from workspace.views import (
    analytics,
    appeals,
    applications,
    audit,
    cases,
    ce_audits,
    certifications,
    contact,
    dashboard,
    documents,
    exams,
    exclusions,
    fees,
    home,
    invitations,
    opt_in,
    reports,
    roster,
    scholarships,
    staff,
    state_reports,
    stranded,
    training,
    transfers,
)

app_name = "workspace"

urlpatterns = [
    path("", home.pick_county, name="pick"),
    # The emailed link trades its token for the session, then the key-less page (SECURITY.md).
    path("invitations/accept/", invitations.invitation_accept, name="invitation_accept"),
    path("invitations/<str:token>/", invitations.invitation_link, name="invitation_link"),
    # Statewide analytics: the state's page (state staff) and each county's.
    path("analytics/", analytics.state_analytics, name="state_analytics"),
    path("analytics/<slug:chart>.csv", analytics.state_analytics_csv, name="state_analytics_csv"),
    # State staff, statewide (before the county-scoped pages, so no county code takes it).
    path("stranded/", stranded.stranded_applications, name="stranded"),
    # The cases no county handles, worked by state staff (docs/domain.md#complaints-and-cases).
    *state_urls.urlpatterns,
    path("reports/", state_reports.state_reports, name="state_reports"),
    path("<slug:code>/", dashboard.dashboard, name="dashboard"),
    path("<slug:code>/analytics/", analytics.county_analytics, name="county_analytics"),
    path(
        "<slug:code>/analytics/<slug:chart>.csv",
        analytics.county_analytics_csv,
        name="county_analytics_csv",
    ),
    # Applications: review and decisions.
    path(
        "<slug:code>/applications/<int:pk>/",
        applications.application_detail,
        name="application",
    ),
    path(
        "<slug:code>/applications/<int:pk>/start-review/",
        applications.application_start_review,
        name="application_start_review",
    ),
    path(
        "<slug:code>/applications/<int:pk>/request-changes/",
        applications.application_request_changes,
        name="application_request_changes",
    ),
    path(
        "<slug:code>/applications/<int:pk>/approve/",
        applications.application_approve,
        name="application_approve",
    ),
    path(
        "<slug:code>/applications/<int:pk>/deny/",
        applications.application_deny,
        name="application_deny",
    ),
    path(
        "<slug:code>/applications/<int:pk>/exam/",
        applications.exam_attempt_record,
        name="exam_record",
    ),
    path(
        "<slug:code>/applications/<int:pk>/transfer/",
        transfers.application_transfer,
        name="application_transfer",
    ),
    path(
        "<slug:code>/applications/<int:pk>/issue/",
        applications.certification_issue,
        name="certification_issue",
    ),
    path(
        "<slug:code>/applications/<int:application_pk>/documents/<int:pk>/review/",
        documents.document_review,
        name="document_review",
    ),
    path(
        "<slug:code>/applications/<int:application_pk>/training/<int:pk>/review/",
        training.training_record_review,
        name="training_review",
    ),
    path("<slug:code>/documents/<int:pk>/", documents.document_file, name="document"),
    # Certifications: the roster and discipline.
    path("<slug:code>/roster/", roster.roster, name="roster"),
    path("<slug:code>/roster.csv", roster.roster_csv, name="roster_csv"),
    path(
        "<slug:code>/certifications/<int:pk>/",
        certifications.certification_detail,
        name="certification",
    ),
    path(
        "<slug:code>/certifications/<int:pk>/ce-credits/<int:credit_pk>/reject/",
        certifications.ce_credit_reject_reported,
        name="ce_credit_reject",
    ),
    path(
        "<slug:code>/certifications/<int:pk>/suspend/",
        certifications.certification_suspend,
        name="certification_suspend",
    ),
    path(
        "<slug:code>/certifications/<int:pk>/lift-suspension/",
        certifications.certification_lift_suspension,
        name="certification_lift_suspension",
    ),
    path(
        "<slug:code>/certifications/<int:pk>/revoke/",
        certifications.certification_revoke,
        name="certification_revoke",
    ),
    path(
        "<slug:code>/certifications/<int:pk>/reinstate/",
        certifications.certification_reinstate,
        name="certification_reinstate",
    ),
    path(
        "<slug:code>/certifications/<int:pk>/reinstatement-exam/",
        certifications.certification_exam_record,
        name="certification_exam_record",
    ),
    path(
        "<slug:code>/certifications/<int:pk>/fee-waiver/",
        fees.fee_waiver_grant,
        name="fee_waiver_grant",
    ),
    # Fees: what is owed, payments and their receipts.
    path("<slug:code>/fees/", fees.fee_list, name="fees"),
    path("<slug:code>/fees/<int:pk>/", fees.fee_detail, name="fee"),
    path("<slug:code>/fees/<int:pk>/pay/", fees.fee_payment_record, name="fee_payment_record"),
    path("<slug:code>/payments/<int:pk>/receipt/", fees.fee_receipt, name="fee_receipt"),
    path("<slug:code>/payments/<int:pk>/void/", fees.fee_payment_void, name="fee_payment_void"),
    # Scholarships: counties nominate; state staff administer the pools and decide.
    path("<slug:code>/scholarships/", scholarships.scholarship_list, name="scholarships"),
    path(
        "<slug:code>/scholarships/nominate/",
        scholarships.scholarship_nominate,
        name="scholarship_nominate",
    ),
    path(
        "<slug:code>/scholarships/nominations/<int:pk>/decide/",
        scholarships.scholarship_decide,
        name="scholarship_decide",
    ),
    path(
        "<slug:code>/scholarships/pools/new/",
        scholarships.scholarship_pool_new,
        name="scholarship_pool_new",
    ),
    # Exam results from the testing vendor.
    path("<slug:code>/exams/import/", exams.exam_import_upload, name="exam_import"),
    path(
        "<slug:code>/exams/import/template.csv",
        exams.exam_import_template,
        name="exam_import_template",
    ),
    path(
        "<slug:code>/exams/import/<str:token>/",
        exams.exam_import_preview,
        name="exam_import_preview",
    ),
    # Exclusion screening: possible matches against the OIG and Medi-Cal lists.
    path("<slug:code>/exclusions/", exclusions.exclusion_queue, name="exclusions"),
    path("<slug:code>/exclusions/<int:pk>/", exclusions.exclusion_decide, name="exclusion"),
    # Complaint cases (docs/domain.md#complaints-and-cases).
    path("<slug:code>/cases/", cases.case_list, name="cases"),
    path("<slug:code>/cases/open/", cases.case_open, name="case_open"),
    path("<slug:code>/cases/<int:pk>/", cases.case_detail, name="case"),
    path("<slug:code>/cases/<int:pk>/stage/", cases.case_advance, name="case_advance"),
    path("<slug:code>/cases/<int:pk>/assign/", cases.case_assign, name="case_assign"),
    path("<slug:code>/cases/<int:pk>/extend/", cases.case_extend, name="case_extend"),
    path("<slug:code>/cases/<int:pk>/decide/", cases.case_decide, name="case_decide"),
    path(
        "<slug:code>/cases/<int:pk>/decisions/<int:decision_pk>/lift/",
        cases.case_decision_lift,
        name="case_decision_lift",
    ),
    path("<slug:code>/cases/<int:pk>/note/", cases.case_note, name="case_note"),
    path("<slug:code>/cases/<int:pk>/evidence/", cases.case_evidence, name="case_evidence"),
    path(
        "<slug:code>/cases/<int:pk>/files/<int:document_pk>/",
        cases.case_document,
        name="case_document",
    ),
    path(
        "<slug:code>/cases/<int:pk>/response-request/",
        cases.case_response_request,
        name="case_response_request",
    ),
    # Appeals (docs/domain.md#appeals).
    path("<slug:code>/appeals/", appeals.appeal_list, name="appeals"),
    path("<slug:code>/appeals/<int:pk>/", appeals.appeal_detail, name="appeal"),
    path("<slug:code>/appeals/<int:pk>/decide/", appeals.appeal_decide, name="appeal_decide"),
    # CE audits.
    path("<slug:code>/ce-audits/", ce_audits.ce_audit_list, name="ce_audits"),
    path("<slug:code>/ce-audits/draw/", ce_audits.ce_audit_draw, name="ce_audit_draw"),
    path("<slug:code>/ce-audits/<int:pk>/", ce_audits.ce_audit_detail, name="ce_audit"),
    path(
        "<slug:code>/ce-audits/<int:pk>/consequence/",
        ce_audits.ce_audit_consequence,
        name="ce_audit_consequence",
    ),
    # County administration: opt-in and staff.
    path("<slug:code>/reports/", reports.report_list, name="reports"),
    path("<slug:code>/reports/<int:pk>/", reports.report_detail, name="report"),
    path("<slug:code>/reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("<slug:code>/reports/<int:pk>/correct/", reports.report_correct, name="report_correct"),
    re_path(
        r"^(?P<code>[-a-zA-Z0-9_]+)/reports/(?P<pk>[0-9]+)/report\.(?P<extension>pdf|csv|xlsx)$",
        reports.report_file,
        name="report_file",
    ),
    path("<slug:code>/opt-in/", opt_in.opt_in, name="opt_in"),
    path("<slug:code>/contact/", contact.county_contact, name="contact"),
    path("<slug:code>/staff/", staff.staff, name="staff"),
    path("<slug:code>/audit/", audit.audit_trail, name="audit"),
    path(
        "<slug:code>/staff/<int:pk>/role/",
        staff.membership_role,
        name="membership_role",
    ),
    path(
        "<slug:code>/staff/<int:pk>/remove/",
        staff.membership_delete,
        name="membership_remove",
    ),
    path(
        "<slug:code>/staff/invitations/<int:pk>/withdraw/",
        staff.invitation_revoke,
        name="invitation_revoke",
    ),
]
