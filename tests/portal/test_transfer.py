"""The applicant moves an application whose county stopped participating
(/me/applications/<pk>/transfer/): the pages say why and offer the move; the move keeps one
application; a refusal shows its reason and changes nothing. Another person's application is
404 (tests/portal/test_permissions.py)."""

import pytest
from django.urls import reverse

from certification.models import Application
from tests.certification.builders import application_in, draft_application
from tests.certification.test_services_transfer import opt_out
from tests.factories import county
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranded(cast, opted_in):
    application = application_in("submitted", cast.applicant)
    opt_out(cast.county, cast.admin)
    return application


def test_the_status_page_offers_the_move(cast, stranded):
    html = (
        client_for(cast.applicant)
        .get(reverse("portal:application_status", args=[stranded.pk]))
        .content.decode()
    )
    assert "Alameda no longer takes part in peer support certification" in html
    assert reverse("portal:application_transfer", args=[stranded.pk]) in html


def test_the_status_page_of_a_participating_county_does_not(cast, opted_in):
    application = application_in("submitted", cast.applicant)
    html = (
        client_for(cast.applicant)
        .get(reverse("portal:application_status", args=[application.pk]))
        .content.decode()
    )
    assert reverse("portal:application_transfer", args=[application.pk]) not in html


def test_the_applicant_moves_the_application(cast, stranded):
    client = client_for(cast.applicant)
    url = reverse("portal:application_transfer", args=[stranded.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label class="usa-label" for="id_county">' in html
    # Only participating counties are offered: Fresno, not Alameda nor Kern.
    options = list(page.context["form"].fields["county"].queryset.values_list("code", flat=True))
    assert options == ["fresno"]

    response = client.post(url, {"version": stranded.version, "county": cast.other_county.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:application_status", args=[stranded.pk])
    stranded.refresh_from_db()
    assert stranded.county == cast.other_county
    status = client.get(response["Location"]).content.decode()
    assert "Your application moved to Fresno" in status
    assert "Application moved to another county program" in status
    assert "From Alameda to Fresno." in status
    assert Application.objects.filter(applicant=cast.applicant).count() == 1


def test_a_county_not_offered_is_refused_with_its_reason(cast, stranded):
    client = client_for(cast.applicant)
    url = reverse("portal:application_transfer", args=[stranded.pk])
    # Kern opted out: not a choice, refused by the form before any service runs.
    response = client.post(url, {"version": stranded.version, "county": county("kern").pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    stranded.refresh_from_db()
    assert stranded.county == cast.county


def test_a_stale_form_is_refused_and_changes_nothing(cast, stranded):
    url = reverse("portal:application_transfer", args=[stranded.pk])
    response = client_for(cast.applicant).post(
        url, {"version": stranded.version - 1, "county": cast.other_county.pk}
    )
    assert response.status_code == 200
    assert "Someone else changed this application" in response.content.decode()
    stranded.refresh_from_db()
    assert stranded.county == cast.county


def test_a_participating_county_keeps_the_application_and_the_page_says_why(cast, opted_in):
    application = application_in("submitted", cast.applicant)
    url = reverse("portal:application_transfer", args=[application.pk])
    client = client_for(cast.applicant)
    html = client.get(url).content.decode()
    assert "Alameda still takes part in peer support certification" in html
    assert 'method="post"' not in html.split('id="main-content"')[1]
    before = application.version
    client.post(url, {"version": application.version, "county": cast.other_county.pk})
    application.refresh_from_db()
    assert (application.county, application.version) == (cast.county, before)


def test_the_review_page_of_a_stranded_draft_says_why_it_cannot_be_sent(cast, opted_in):
    application = draft_application(cast.applicant)
    opt_out(cast.county, cast.admin)
    client = client_for(cast.applicant)
    url = reverse("portal:application_review", args=[application.pk])
    html = client.get(url).content.decode()
    assert "it cannot receive your application" in html
    assert reverse("portal:application_transfer", args=[application.pk]) in html
    response = client.post(url)
    assert "it cannot receive your application" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"


def test_the_page_in_spanish(cast, stranded):
    client = client_for(cast.applicant)
    html = client.get(
        reverse("portal:application_transfer", args=[stranded.pk]),
        headers={"accept-language": "es"},
    ).content.decode()
    assert "Pase su solicitud al programa de otro condado" in html
    assert "Pasar mi solicitud" in html


def test_the_home_page_says_the_one_thing_to_do(cast, stranded):
    html = client_for(cast.applicant).get(reverse("portal:home")).content.decode()
    assert "so your application cannot go further there" in html
    assert reverse("portal:application_transfer", args=[stranded.pk]) in html
    # Not "Alameda is reviewing your application": it no longer does.
    assert "is reviewing your application" not in html


def test_the_home_page_of_a_participating_county_keeps_its_next_step(cast, opted_in):
    application = application_in("submitted", cast.applicant)
    html = client_for(cast.applicant).get(reverse("portal:home")).content.decode()
    assert "Alameda is reviewing your application" in html
    assert reverse("portal:application_transfer", args=[application.pk]) not in html
