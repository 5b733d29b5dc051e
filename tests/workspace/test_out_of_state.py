"""The review page of an out-of-state application shows each requirement of reciprocity as
a checklist line, met or not with why (docs/domain.md#other-pathways), and offers Issue only
when every line is met."""

import datetime

import pytest
from django.urls import reverse

from certification.models import Certification
from documents.models import Document
from tests.certification.builders import today
from tests.certification.test_services_out_of_state import _issuable

pytestmark = pytest.mark.django_db


def page(client, user, application):
    client.force_login(user)
    return client.get(reverse("workspace:application", args=["alameda", application.pk]))


def test_every_line_met_offers_issue(cast, client):
    application = _issuable(cast.applicant)
    response = page(client, cast.reviewer, application)
    lines = response.context["out_of_state_checklist"]
    assert [(line.label, line.met) for line in lines] == [
        ("A current certification from another state", True),
        ("No pending discipline in any state (attested)", True),
        ("1,550 hours of peer work", True),
        ("20 CE hours in the past 2 years, 6 in law and ethics", True),
        ("3 letters of recommendation", True),
        ("A passed California certification exam", True),
    ]
    html = response.content.decode()
    assert 'id="reciprocity-checklist"' in html and 'id="reciprocity-ce"' in html
    assert response.context["issue_problems"] == []
    issue_url = reverse("workspace:certification_issue", args=["alameda", application.pk])
    assert issue_url in html


def test_a_line_not_met_says_why_and_issue_is_withheld(cast, client):
    application = _issuable(
        cast.applicant, other_state_expires_on=today() - datetime.timedelta(days=1)
    )
    letter = application.documents.filter(kind="recommendation_letter").first()
    Document.objects.filter(pk=letter.pk).update(review_status="pending")

    response = page(client, cast.reviewer, application)

    lines = {line.label: line for line in response.context["out_of_state_checklist"]}
    assert not lines["A current certification from another state"].met
    assert "expired on" in lines["A current certification from another state"].why[0]
    assert lines["3 letters of recommendation"].why == (
        "3 letters of recommendation are required; 2 are verified.",
    )
    html = response.content.decode()
    assert "Not met" in html
    issue_url = reverse("workspace:certification_issue", args=["alameda", application.pk])
    assert issue_url not in html
    client.post(issue_url, {})
    assert not Certification.objects.exists()


def test_another_countys_staff_get_404(cast, client):
    application = _issuable(cast.applicant)
    client.force_login(cast.other_admin)
    response = client.get(reverse("workspace:application", args=["fresno", application.pk]))
    assert response.status_code == 404
