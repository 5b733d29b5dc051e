"""Hostile text in the sign-in, sign-up and account pages (django-allauth) and in what the
public and the API read from a URL: never a server error; a refused form
shows its error; an account is created only for an address that can be stored; a query that
cannot match answers as nothing found or 400, never 500. Each example runs in a savepoint
that is rolled back."""

from contextlib import contextmanager
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from accounts.services import api_token_create
from tests.accounts.mfa_helpers import reauthenticate
from tests.cast import CAST_PASSWORD
from tests.factories import CertificationFactory
from tests.portal.conftest import client_for
from tests.security.hostile import (
    HOSTILE,
    STORABLE,
    assert_answered,
    assert_refused_clearly,
    has_nul,
    hostile_text,
    some_hostile,
    stored_text,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long pass phrase 7"


class _Undo(Exception):
    """Raised to roll an example's changes back."""


@contextmanager
def rolled_back():
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Dozens of attempts from one address in a second: not what these tests are about."""
    settings.ACCOUNT_RATE_LIMITS = False


@HOSTILE
@given(
    values=some_hostile(
        {"email": "new.person@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
)
def test_sign_up_creates_an_account_only_for_a_storable_address(cast, values):
    with rolled_back():
        before = User.objects.count()

        response = client_for(cast.anonymous).post(reverse("account_signup"), values)

        assert_answered(response)
        if User.objects.count() > before:
            user = User.objects.latest("pk")
            assert not any(has_nul(v) for v in values.values())
            assert user.email == stored_text(values["email"]).lower()
            assert user.check_password(values["password1"])
            assert EmailAddress.objects.get(user=user).email == user.email
        elif response.status_code == 200:
            assert_refused_clearly(response)


@HOSTILE
@given(values=some_hostile({"login": "applicant@cast.test", "password": CAST_PASSWORD}))
def test_sign_in_refuses_hostile_credentials(cast, values):
    client = client_for(cast.anonymous)

    response = client.post(reverse("account_login"), values)

    assert_answered(response)
    signed_in = "_auth_user_id" in client.session
    assert signed_in == (
        stored_text(values["login"]).lower() == cast.applicant.email
        and values["password"] == CAST_PASSWORD
    )
    if not signed_in:
        assert_refused_clearly(response)


@HOSTILE
@given(email=hostile_text)
def test_password_reset_answers_hostile_addresses(cast, email):
    response = client_for(cast.anonymous).post(reverse("account_reset_password"), {"email": email})

    assert_answered(response)
    if response.status_code == 200:
        assert_refused_clearly(response)


@HOSTILE
@given(
    values=some_hostile(
        {"oldpassword": CAST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
)
def test_changing_the_password_refuses_hostile_input(cast, values):
    with rolled_back():
        client = client_for(cast.applicant)

        response = client.post(reverse("account_change_password"), values)

        assert_answered(response)
        changed = User.objects.get(pk=cast.applicant.pk).check_password(values["password1"])
        if response.status_code == 302 and values["password1"] != CAST_PASSWORD:
            assert changed and not has_nul(values["password1"])
        elif response.status_code == 200:
            assert_refused_clearly(response)


@HOSTILE
@given(email=hostile_text)
def test_adding_an_email_address_refuses_hostile_input(cast, email):
    with rolled_back():
        client = client_for(cast.applicant)
        before = EmailAddress.objects.count()

        response = client.post(reverse("account_email"), {"email": email, "action_add": ""})

        assert_answered(response)
        if EmailAddress.objects.count() > before:
            added = EmailAddress.objects.latest("pk")
            assert not has_nul(email) and added.email == stored_text(email).lower()
        else:
            assert_refused_clearly(response)


@HOSTILE
@given(password=hostile_text, code=hostile_text)
def test_reauthentication_and_authenticator_codes_refuse_hostile_input(cast, password, code):
    client = client_for(cast.applicant)

    reauth = client.post(reverse("account_reauthenticate"), {"password": password})
    assert_answered(reauth)
    assert_refused_clearly(reauth)
    reauthenticate(client)
    activate = client.post(reverse("mfa_activate_totp"), {"code": code})

    assert_answered(activate)
    assert_refused_clearly(activate)


def test_an_address_with_hostile_but_storable_text_is_refused_as_an_address(cast):
    response = client_for(cast.anonymous).post(
        reverse("account_signup"),
        {"email": STORABLE + "@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not User.objects.filter(email__contains="DROP").exists()


@pytest.fixture
def registry(cast):
    CertificationFactory(number="PSS-0001234", issuing_county=cast.county)
    _token, key = api_token_create(user=cast.state, days=1, name="tests")
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def _path_segment(text: str) -> str:
    return quote(text.replace("/", "_"), safe="") or "_"


@HOSTILE
@given(number=hostile_text, params=st.dictionaries(hostile_text, hostile_text, max_size=3))
def test_public_verification_answers_hostile_numbers(cast, registry, number, params):
    client = client_for(cast.anonymous)

    search = client.get(reverse("verify_search"), {"number": number, **params})
    page = client.get(f"/verify/{_path_segment(number)}")
    api = client.get(f"/api/v1/verify/{_path_segment(number)}/")

    assert search.status_code in (200, 302, 400)
    assert page.status_code in (200, 404, 429)
    assert api.status_code in (200, 404, 429) and api["Content-Type"] == "application/json"


@HOSTILE
@given(
    code=hostile_text,
    params=st.dictionaries(
        st.sampled_from(
            ["county", "status", "specialization", "expires_before", "expires_after"]
            + ["updated_since", "q", "page_size", "cursor"]
        ),
        hostile_text,
        max_size=4,
    ),
)
def test_the_api_answers_hostile_filters_with_400_never_500(cast, registry, code, params):
    client = client_for(cast.anonymous)

    roster = client.get("/api/v1/roster/", params, **registry)
    county = client.get(f"/api/v1/counties/{_path_segment(code)}/", **registry)
    csv_rows = client.get("/api/v1/roster.csv", params, **registry)

    assert roster.status_code in (200, 400) and roster["Content-Type"] == "application/json"
    assert county.status_code in (200, 404)
    assert csv_rows.status_code in (200, 400)
    if csv_rows.status_code == 200:
        b"".join(csv_rows.streaming_content)
