"""The operators' admin for certification: pages load, nothing is edited in place, and the
actions go through the services (so the services' permissions and rules apply)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from certification.models import Application, Certification
from tests.certification.builders import (
    application_in,
    audit_events,
    certification_in,
    issuable_application,
    verify_documents,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client, cast):
    """A Django-admin operator who is also an administrator of Alameda."""
    user = UserFactory(email="operator@cast.test", is_staff=True, is_superuser=True)
    MembershipFactory(user=user, county=cast.county, role="admin")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "model",
    [
        "certification_application",
        "certification_certification",
        "documents_document",
        "certification_applicantprofile",
        "certification_codeofethicsversion",
    ],
)
def test_changelists_load(client, operator, model):
    certification_in("active")
    application_in("in_review")
    response = client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_change_pages_are_read_only(client, operator):
    application = application_in("in_review")
    url = reverse("admin:certification_application_change", args=[application.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="status"' not in response.content
    client.post(url, {"status": "approved"})
    application.refresh_from_db()
    assert application.status == "in_review"
    document = application.documents.first()
    response = client.get(reverse("admin:documents_document_change", args=[document.pk]))
    assert response.status_code == 200
    assert document.file.name.encode() not in response.content


def act(client, model, action, objects, **data):
    return client.post(
        reverse(f"admin:certification_{model}_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **data},
        follow=True,
    )


def test_approve_action_calls_the_service(client, operator):
    application = application_in("in_review")
    verify_documents(application)
    response = act(client, "application", "approve", [application])
    assert "Approved: 1." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "approved"
    event = audit_events(application)[-1]
    assert (event.verb, event.actor) == ("application_approve", operator)


def test_actions_report_refusals_and_change_nothing(client, operator, cast):
    draft = application_in("draft")
    fresno = application_in("in_review", county=cast.other_county)
    verify_documents(fresno)
    response = act(client, "application", "approve", [draft, fresno])
    content = response.content.decode()
    assert "This application is a draft, so" in content
    assert "you need the right staff role in its county" in content
    assert set(Application.objects.values_list("status", flat=True)) == {"draft", "in_review"}


def test_reason_actions_ask_first_then_apply(client, operator):
    certification = certification_in("active")
    page = act(client, "certification", "suspend", [certification])
    assert page.status_code == 200
    assert b'name="reason"' in page.content
    certification.refresh_from_db()
    assert certification.status == "active"
    act(client, "certification", "suspend", [certification], apply="1", reason="")
    certification.refresh_from_db()
    assert certification.status == "active"
    response = act(
        client, "certification", "suspend", [certification], apply="1", reason="Complaint."
    )
    assert "Suspended: 1." in response.content.decode()
    certification.refresh_from_db()
    assert (certification.status, certification.status_reason) == ("suspended", "Complaint.")


def test_issue_action(client, operator):
    application = issuable_application()
    act(client, "application", "issue_certification", [application])
    assert Certification.objects.get(application=application).status == "active"
