"""/programs/: public, the county programs taking applications and how to reach each; the
error pages and the home page point to it."""

import datetime

import pytest
from django.urls import reverse

from counties.models import County, OptInPeriod
from tests.factories import county

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(db):
    for code in ("alameda", "fresno"):
        OptInPeriod.objects.create(
            county=county(code),
            delivery_system="smhs",
            opted_in=True,
            effective_from=datetime.date(2023, 7, 1),
        )
    County.objects.filter(code="alameda").update(
        contact_email="peers@alameda.example", contact_hours="9 to 4", contact_hours_es="9 a 16 h"
    )


def test_anyone_sees_the_participating_programs_and_their_details(
    client, programs, django_assert_num_queries
):
    # the counties taking applications and their open opt-in periods
    with django_assert_num_queries(2):
        response = client.get(reverse("programs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Certification program of Alameda County" in html
    assert 'href="mailto:peers@alameda.example"' in html
    assert "Certification program of Fresno County" in html
    assert "This program has not published its contact details yet." in html
    assert "Kern" not in html


def test_the_page_in_spanish(client, programs):
    client.cookies["peercert_language"] = "es"

    html = client.get(reverse("programs")).content.decode()

    assert "Programas de certificación de los condados" in html
    assert "9 a 16 h" in html


def test_the_home_page_and_the_error_pages_point_to_it(client):
    assert 'href="/programs/"' in client.get(reverse("home")).content.decode()
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert 'href="/programs/">How to reach each county program</a>' in not_found.content.decode()


def test_only_reading_is_allowed(client):
    assert client.post(reverse("programs")).status_code == 405
