"""The workspace's decision form on a case page: offered to the county's administrators once
the findings are written, a confirmation before it acts, field errors kept on the form, a
revocation in the registry at once, a second click or stale form changing nothing; lifting a
suspension whose conditions are met."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseDecision
from certification.models import Certification
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


def _case(cast) -> Case:
    case = services.case_open(
        actor=cast.admin,
        county=cast.county,
        source="phone_letter",
        category="confidentiality",
        summary="Complainant Ada Park says her story was shared.",
        received_on=timezone.localdate(),
        certification=CertificationFactory(issuing_county=cast.county),
    )
    for to in ("investigation", "findings"):
        case = services.case_advance(actor=cast.admin, case=case, to=to)
    return case


def _url(cast, name, *args):
    return reverse(f"workspace:{name}", args=[cast.county.code, *args])


def test_the_form_is_the_administrators_with_a_confirmation(cast, client):
    case = _case(cast)
    client.force_login(cast.reviewer)
    page = client.get(_url(cast, "case", case.pk)).content.decode()
    assert "No decision yet." in page and "administrators record the decision" in page
    assert _url(cast, "case_decide", case.pk) not in page
    client.force_login(cast.admin)
    page = client.get(_url(cast, "case", case.pk)).content.decode()
    assert _url(cast, "case_decide", case.pk) in page
    form = client.get(_url(cast, "case_decide", case.pk)).content.decode()
    assert 'data-confirm="Record this decision?' in form
    assert 'name="expected_decisions" value="0"' in form
    response = client.get(_url(cast, "case_decide", case.pk))
    assert response.context["form"]["disclosure"].value() == "action"


def test_a_revocation_from_the_form_is_in_the_registry_at_once_and_a_second_click_is_refused(
    cast, client
):
    case = _case(cast)
    client.force_login(cast.admin)
    data = {
        "expected_decisions": 0,
        "outcome": "revocation",
        "findings": "Shared a participant's story.",
        "disclosure": "summary",
        "public_summary": "Revoked for a breach of confidentiality.",
    }
    response = client.post(_url(cast, "case_decide", case.pk), data)
    assert response.status_code == 302
    certification = Certification.objects.get(pk=case.certification_id)
    assert certification.status == "revoked"
    verify = client.get(f"/verify/{certification.number}").content.decode()
    assert "Revoked for a breach of confidentiality." in verify and "Ada Park" not in verify
    again = client.post(_url(cast, "case_decide", case.pk), data, follow=True)
    assert "decided meanwhile" in again.content.decode()
    assert CaseDecision.objects.count() == 1
    page = client.get(_url(cast, "case", case.pk)).content.decode()
    assert 'data-decision="revocation"' in page and "Shared a participant" in page


def test_bad_input_stays_on_the_form_with_its_error(cast, client):
    case = _case(cast)
    client.force_login(cast.admin)
    response = client.post(
        _url(cast, "case_decide", case.pk),
        {
            "expected_decisions": 0,
            "outcome": "suspension",
            "findings": "Found.",
            "disclosure": "action",
            "suspended_until": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "The suspension must end after today." in response.content.decode()
    assert Certification.objects.get(pk=case.certification_id).status == "active"
    assert not CaseDecision.objects.exists()


def test_a_suspension_until_conditions_is_lifted_from_the_case_page(cast, client):
    case = _case(cast)
    decision = services.case_decide(
        actor=cast.admin,
        case=case,
        outcome="suspension",
        findings="Found.",
        expected_decisions=0,
        suspension_conditions="A confidentiality course.",
    )
    client.force_login(cast.reviewer)
    lift = _url(cast, "case_decision_lift", case.pk, decision.pk)
    assert lift in client.get(_url(cast, "case", case.pk)).content.decode()
    assert client.post(lift, {"note": ""}).status_code == 200
    assert Certification.objects.get(pk=case.certification_id).status == "suspended"
    assert client.post(lift, {"note": "Certificate received."}).status_code == 302
    assert Certification.objects.get(pk=case.certification_id).status == "active"
    assert lift not in client.get(_url(cast, "case", case.pk)).content.decode()
