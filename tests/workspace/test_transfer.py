"""State staff move an application whose county stopped participating
(/county/<code>/applications/<pk>/transfer/); the county's own staff see why they cannot
approve or issue, and get 403 on the transfer; after the move the new county sees the
application and the old one no longer does."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.certification.builders import application_in, issuable_application, verify_documents
from tests.certification.test_services_transfer import opt_out
from tests.factories import MembershipFactory, UserFactory
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranded(cast, opted_in):
    application = application_in("in_review", cast.applicant)
    verify_documents(application)
    opt_out(cast.county, cast.admin)
    return application


def _detail(code: str, application) -> str:
    return reverse("workspace:application", args=[code, application.pk])


def _transfer(code: str, application) -> str:
    return reverse("workspace:application_transfer", args=[code, application.pk])


def test_the_reviewer_sees_why_approval_is_not_offered(cast, stranded):
    html = client_for(cast.reviewer).get(_detail("alameda", stranded)).content.decode()
    assert "cannot be approved here" in html
    assert reverse("workspace:application_approve", args=["alameda", stranded.pk]) not in html
    # The transfer is not theirs to make: no link to it.
    assert _transfer("alameda", stranded) not in html


def test_the_issue_section_says_why_no_certification_can_be_issued(cast, opted_in):
    application = issuable_application(cast.applicant)
    opt_out(cast.county, cast.admin)
    html = client_for(cast.reviewer).get(_detail("alameda", application)).content.decode()
    assert "no certification can be issued here" in html
    assert reverse("workspace:certification_issue", args=["alameda", application.pk]) not in html


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_county_staff_get_403_and_nothing_changes(cast, stranded, who):
    client = client_for(getattr(cast, who))
    url = _transfer("alameda", stranded)
    events = AuditEvent.objects.count()
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"version": stranded.version, "county": cast.other_county.pk, "reason": "Move."}
    )
    assert response.status_code == 403
    stranded.refresh_from_db()
    assert stranded.county == cast.county and AuditEvent.objects.count() == events


def test_state_staff_move_it_and_the_new_county_sees_it(cast, stranded):
    fresno_reviewer = UserFactory(email="rev.fresno@cast.test")
    MembershipFactory(user=fresno_reviewer, county=cast.other_county, role="reviewer")
    state = client_for(cast.state)
    detail = state.get(_detail("alameda", stranded)).content.decode()
    assert _transfer("alameda", stranded) in detail

    form = state.get(_transfer("alameda", stranded))
    assert form.status_code == 200
    assert '<label class="usa-label" for="transfer_county">' in form.content.decode()

    refused = state.post(
        _transfer("alameda", stranded),
        {"version": stranded.version, "county": cast.other_county.pk, "reason": ""},
    )
    assert refused.status_code == 200
    stranded.refresh_from_db()
    assert stranded.county == cast.county

    response = state.post(
        _transfer("alameda", stranded),
        {
            "version": stranded.version,
            "county": cast.other_county.pk,
            "reason": "Alameda's program closed.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _detail("fresno", stranded)
    stranded.refresh_from_db()
    assert stranded.county == cast.other_county

    # Fresno's staff see it, and may approve it; Alameda's no longer find it.
    page = client_for(fresno_reviewer).get(_detail("fresno", stranded))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Application transferred to another county program" in html
    assert reverse("workspace:application_approve", args=["fresno", stranded.pk]) in html
    assert client_for(cast.reviewer).get(_detail("alameda", stranded)).status_code == 404
    assert client_for(cast.reviewer).get(_detail("fresno", stranded)).status_code == 404


def test_another_countys_application_is_404(cast, stranded):
    """The Fresno URL of an Alameda application: as if it did not exist, for state staff too."""
    assert client_for(cast.state).get(_transfer("fresno", stranded)).status_code == 404
    assert client_for(cast.other_admin).get(_transfer("alameda", stranded)).status_code == 404
