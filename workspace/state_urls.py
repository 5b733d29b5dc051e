"""The state's own workspace pages, under /county/state/: the complaint cases no county
handles (a complaint naming no certified peer: an applicant, a training provider, someone
unknown), worked by state staff, and the appeals of their decisions. The same views as a
county's case and appeal pages (`workspace.views.cases`, `workspace.views.appeals`), mounted
with `state_workspace_view`. Included by workspace/urls.py before the county-scoped
patterns, so no county code takes "state". No page lifts a suspension here: state staff
never suspend (`cases.services.case_decide`)."""

from django.urls import path

from workspace.views import appeals, cases

urlpatterns = [
    path("state/cases/", cases.state_case_list, name="state_cases"),
    path("state/cases/open/", cases.state_case_open, name="state_case_open"),
    path("state/cases/<int:pk>/", cases.state_case_detail, name="state_case"),
    path("state/cases/<int:pk>/stage/", cases.state_case_advance, name="state_case_advance"),
    path("state/cases/<int:pk>/assign/", cases.state_case_assign, name="state_case_assign"),
    path("state/cases/<int:pk>/extend/", cases.state_case_extend, name="state_case_extend"),
    path("state/cases/<int:pk>/decide/", cases.state_case_decide, name="state_case_decide"),
    path("state/cases/<int:pk>/note/", cases.state_case_note, name="state_case_note"),
    path("state/cases/<int:pk>/evidence/", cases.state_case_evidence, name="state_case_evidence"),
    path(
        "state/cases/<int:pk>/files/<int:document_pk>/",
        cases.state_case_document,
        name="state_case_document",
    ),
    path(
        "state/cases/<int:pk>/response-request/",
        cases.state_case_response_request,
        name="state_case_response_request",
    ),
    path("state/appeals/", appeals.state_appeal_list, name="state_appeals"),
    path("state/appeals/<int:pk>/", appeals.state_appeal_detail, name="state_appeal"),
    path("state/appeals/<int:pk>/decide/", appeals.state_appeal_decide, name="state_appeal_decide"),
    path(
        "state/appeals/<int:pk>/documents/<int:document_pk>/",
        appeals.state_appeal_document,
        name="state_appeal_document",
    ),
]
