"""State staff's statewide list of stranded applications (`workspace:stranded`,
`certification.selectors.stranded_applications_for`): open applications, past their draft,
filed with a county that does not take part on the day; read-only, paginated; state staff only
(docs/domain.md#transfers)."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from certification.models import Application
from certification.selectors import stranded_applications_for
from counties.models import OptInPeriod
from counties.services import county_opt_in_change
from tests.certification.builders import application_in, today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("workspace:stranded")


def opt_out(county_, admin, effective_from: datetime.date) -> None:
    for period in OptInPeriod.objects.filter(county=county_, effective_to=None, opted_in=True):
        county_opt_in_change(
            actor=admin,
            county=county_,
            delivery_system=period.delivery_system,
            opted_in=False,
            effective_from=effective_from,
            reason="Board resolution: peer support services end.",
        )


@pytest.fixture
def applications(cast, opted_in) -> dict[str, Application]:
    """Alameda: submitted, approved, a draft and a denied one; Fresno (participating): one
    submitted."""
    return {
        "submitted": application_in("submitted", UserFactory(email="sub@example.org")),
        "approved": application_in("approved", UserFactory(email="app@example.org")),
        "draft": application_in("draft", UserFactory(email="draft@example.org")),
        "denied": application_in("denied", UserFactory(email="den@example.org")),
        "fresno": application_in(
            "submitted", UserFactory(email="fre@example.org"), county=cast.other_county
        ),
    }


def test_an_application_is_stranded_from_the_day_its_county_stops(cast, applications):
    tomorrow = today() + datetime.timedelta(days=1)
    opt_out(cast.county, cast.admin, tomorrow)
    assert list(stranded_applications_for(cast.state)) == []
    assert list(stranded_applications_for(cast.state, on=tomorrow)) == [
        applications["submitted"],
        applications["approved"],
    ]


def test_state_staff_read_the_stranded_applications_of_every_county(cast, applications, client):
    opt_out(cast.county, cast.admin, today())
    opt_out(cast.other_county, cast.other_admin, today())
    client.force_login(cast.state)
    response = client.get(URL)
    assert response.status_code == 200
    rows = list(response.context["page_obj"].object_list)
    # By county name (Alameda before Fresno), then oldest submission first; no draft, no
    # final application.
    assert rows == [applications["submitted"], applications["approved"], applications["fresno"]]
    html = response.content.decode()
    assert "3 stranded applications" in html
    for application in rows:
        url = reverse("workspace:application", args=[application.county.code, application.pk])
        assert f'href="{url}"' in html
    assert 'method="post"' not in html.split('id="main-content"')[1]


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    cast, opted_in, client, django_assert_num_queries
):
    for n in range(27):
        application_in("submitted", UserFactory(email=f"p{n}@example.org"))
    opt_out(cast.county, cast.admin, today())
    client.force_login(cast.state)
    client.get(URL)  # the session's one-time checks
    with django_assert_num_queries(8):
        first = client.get(URL)
    assert len(first.context["page_obj"].object_list) == 25
    second = client.get(URL, {"page": "2"})
    assert len(second.context["page_obj"].object_list) == 2
    assert client.get(URL, {"page": "nonsense"}).status_code == 200


def test_nothing_stranded_says_so(cast, applications, client):
    client.force_login(cast.state)
    response = client.get(URL)
    assert "No application is stranded" in response.content.decode()
    assert reverse("workspace:stranded") in client.get(reverse("workspace:pick")).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("applicant", 403), ("reviewer", 403), ("admin", 403), ("other_admin", 403)],
)
def test_only_state_staff_open_it(cast, applications, client, who, status):
    opt_out(cast.county, cast.admin, today())
    events = AuditEvent.objects.count()
    client.force_login(getattr(cast, who))
    assert client.get(URL).status_code == status
    assert AuditEvent.objects.count() == events


def test_anonymous_visitors_sign_in_and_nobody_posts(cast, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(cast.state)
    before = list(Application.objects.values_list("pk", "county_id", "status"))
    assert client.post(URL, {}).status_code == 405
    assert list(Application.objects.values_list("pk", "county_id", "status")) == before
