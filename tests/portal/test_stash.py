"""A session that ends in the middle of a form loses nothing typed: the posted fields are kept
in the browser's session under a one-time token and shown again after signing in."""

from urllib.parse import parse_qs, unquote, urlparse

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from certification.models import Application
from tests.cast import CAST_PASSWORD
from tests.portal.conftest import client_for, start_application

pytestmark = pytest.mark.django_db

TYPED = {
    "attest_share_experience": "on",
    "other_state": "NV",
    "other_state_certification_number": "NV-98765",
    "peer_work_hours": "1700",
    "attest_no_pending_discipline": "on",
    "version": "1",
    "then": "next",
}


def _expire_session(client: Client) -> None:
    """What happens when a session times out: the cookie stays, the server forgets it."""
    Session.objects.filter(session_key=client.session.session_key).delete()


def _sign_in(client: Client, user, next_url: str):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return client.post(
        reverse("account_login"),
        {"login": user.email, "password": CAST_PASSWORD, "next": next_url},
    )


@pytest.fixture
def out_of_state(cast, opted_in):
    return start_application(cast.applicant, pathway="out_of_state")


def _post_after_expiry(client: Client, application: Application):
    page = reverse("portal:application_attestations", args=[application.pk])
    _expire_session(client)
    response = client.post(page, TYPED)
    assert response.status_code == 302
    login = urlparse(response["Location"])
    assert login.path == reverse("account_login")
    next_url = unquote(parse_qs(login.query)["next"][0])
    assert next_url.startswith(page + "?restore=")
    return page, next_url


def test_the_typed_values_come_back_after_signing_in(cast, out_of_state):
    client = client_for(cast.applicant)
    before = Application.objects.get(pk=out_of_state.pk)
    page, next_url = _post_after_expiry(client, out_of_state)

    after_expiry = Application.objects.get(pk=out_of_state.pk)
    assert (after_expiry.version, after_expiry.other_state) == (before.version, "")

    signed_in = _sign_in(client, cast.applicant, next_url)
    assert signed_in.status_code == 302 and signed_in["Location"] == next_url

    response = client.get(next_url)
    html = response.content.decode()
    assert 'value="NV"' in html and 'value="NV-98765"' in html and 'value="1700"' in html
    form = response.context["form"]
    assert form.initial["attest_share_experience"] is True
    assert form.initial["attest_recovery"] is False
    assert form.initial["attest_no_pending_discipline"] is True
    assert "We kept what you typed before you were signed out." in html
    # Shown, not saved: saving is the person's choice.
    assert Application.objects.get(pk=out_of_state.pk).other_state == ""

    # The token works once.
    again = client.get(next_url).content.decode()
    assert 'value="NV-98765"' not in again


def test_the_kept_values_belong_to_the_browser_that_typed_them(cast, out_of_state):
    client = client_for(cast.applicant)
    _page, next_url = _post_after_expiry(client, out_of_state)

    other_browser = client_for(cast.applicant)
    html = other_browser.get(next_url).content.decode()

    assert 'value="NV-98765"' not in html


def test_the_kept_values_only_fill_the_page_they_were_typed_on(cast, out_of_state):
    client = client_for(cast.applicant)
    _page, next_url = _post_after_expiry(client, out_of_state)
    _sign_in(client, cast.applicant, next_url)
    token = parse_qs(urlparse(next_url).query)["restore"][0]

    profile = client.get(reverse("portal:profile") + f"?restore={token}").content.decode()
    assert "We kept what you typed" not in profile
    # Used up by the wrong page: nothing leaks later either.
    assert 'value="NV-98765"' not in client.get(next_url).content.decode()


def test_the_profile_form_is_kept_too_without_files_or_the_csrf_token(cast, opted_in):
    client = client_for(cast.applicant)
    _expire_session(client)
    response = client.post(
        reverse("portal:profile"),
        {"legal_first_name": "Anabel", "city": "Berkeley", "csrfmiddlewaretoken": "x"},
    )
    next_url = unquote(parse_qs(urlparse(response["Location"]).query)["next"][0])
    stash = next(iter(client.session["portal_stash"].values()))
    assert stash["fields"] == {"legal_first_name": ["Anabel"], "city": ["Berkeley"]}

    _sign_in(client, cast.applicant, next_url)
    html = client.get(next_url).content.decode()

    assert 'value="Anabel"' in html and 'value="Berkeley"' in html
