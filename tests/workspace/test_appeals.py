"""Deciding appeals in the county workspace (docs/domain.md#appeals): the list and the appeal
with its statement and documents; the decision behind a confirmation page, by an
administrator who did not take the decision or by state staff; a stale form (the appeal
decided meanwhile) or the decision's own author changes nothing and says why."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases import services
from cases.models import Appeal
from cases.selectors import appealable_decisions
from certification import services as certification_services
from certification.models import Certification
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(cast):
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    certification_services.certification_revoke(
        actor=cast.admin, certification=certification, reason="Fraud."
    )
    [decision] = appealable_decisions(cast.applicant)
    return services.appeal_file(
        actor=cast.applicant, decision_ref=decision.ref, statement="It was not fraud."
    )


def _urls(cast, appeal):
    code = cast.county.code
    return (
        reverse("workspace:appeals", args=[code]),
        reverse("workspace:appeal", args=[code, appeal.pk]),
        reverse("workspace:appeal_decide", args=[code, appeal.pk]),
    )


def _state(appeal):
    appeal.refresh_from_db()
    certification = Certification.objects.get(pk=appeal.certification_id)
    return appeal.status, certification.status, AuditEvent.objects.count()


def test_state_staff_decide_an_appeal_the_admin_took_and_the_registry_follows(cast, appeal, client):
    listing, detail, decide = _urls(cast, appeal)
    # The admin who revoked sees the appeal but no way to decide it; a post is refused.
    client.force_login(cast.admin)
    assert "It was not fraud." in client.get(detail).content.decode()
    page = client.get(detail).content.decode()
    assert decide not in page and "another administrator or state staff" in page
    before = _state(appeal)
    response = client.post(decide, {"outcome": "overturned", "reason": "Mine."}, follow=True)
    assert "another administrator or state staff" in response.content.decode()
    assert _state(appeal) == before

    client.force_login(cast.state)
    assert f"Appeal {appeal.pk}" in client.get(listing).content.decode()
    assert decide in client.get(detail).content.decode()
    confirm = client.get(decide)
    assert confirm.status_code == 200 and 'name="outcome"' in confirm.content.decode()
    response = client.post(decide, {"outcome": "overturned", "reason": "No fraud shown."})
    assert response.status_code == 302 and response["Location"] == detail
    assert _state(appeal)[:2] == ("overturned", "active")
    # The same form sent again (stale): a conflict, nothing changes.
    before = _state(appeal)
    response = client.post(decide, {"outcome": "upheld", "reason": "Changed my mind."}, follow=True)
    assert "already decided" in response.content.decode()
    assert _state(appeal) == before


def test_another_admin_of_the_county_decides(cast, appeal, client):
    other = cast.reviewer
    other.county_memberships.update(role="admin")
    _listing, detail, decide = _urls(cast, appeal)
    client.force_login(other)
    response = client.post(decide, {"outcome": "upheld", "reason": "The evidence holds."})
    assert response.status_code == 302
    assert _state(appeal)[:2] == ("upheld", "revoked")
    page = client.get(detail).content.decode()
    assert "Decision upheld" in page and "The evidence holds." in page


def test_bad_input_is_shown_on_the_form_and_nothing_changes(cast, appeal, client):
    _listing, _detail, decide = _urls(cast, appeal)
    client.force_login(cast.state)
    before = _state(appeal)
    response = client.post(decide, {"outcome": "maybe", "reason": ""})
    assert response.status_code == 200 and "usa-error-message" in response.content.decode()
    assert _state(appeal) == before


def test_another_countys_admin_and_reviewers_cannot_decide(cast, appeal, client):
    _listing, detail, decide = _urls(cast, appeal)
    before = _state(appeal)
    client.force_login(cast.other_admin)
    assert client.get(detail).status_code == 404
    assert client.post(decide, {"outcome": "overturned", "reason": "x"}).status_code == 404
    other_code_detail = reverse("workspace:appeal", args=[cast.other_county.code, appeal.pk])
    assert client.get(other_code_detail).status_code == 404
    client.force_login(cast.reviewer)
    assert client.post(decide, {"outcome": "overturned", "reason": "x"}).status_code == 403
    assert _state(appeal) == before
    assert Appeal.objects.get().status == "filed"
