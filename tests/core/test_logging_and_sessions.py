import logging

import pytest

from core.logging import PersonalDataFilter, mask_personal_data
from tests.factories import MembershipFactory, UserFactory


def test_emails_and_dates_are_masked_in_log_records():
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "login failed for %s born %s",
        ("ana@example.org", "1990-02-03"),
        None,
    )
    assert PersonalDataFilter().filter(record) is True
    assert record.getMessage() == "login failed for [email] born [date]"
    assert mask_personal_data("nothing personal") == "nothing personal"


@pytest.mark.django_db
def test_staff_sessions_expire_after_thirty_idle_minutes(client, settings):
    staff = MembershipFactory(role="admin").user
    client.force_login(staff)
    client.get("/")
    assert client.session.get_expiry_age() == settings.STAFF_SESSION_IDLE_SECONDS == 1800


@pytest.mark.django_db
def test_applicant_sessions_keep_the_default_age(client, settings):
    client.force_login(UserFactory())
    client.get("/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_token_requests_do_not_create_a_session(client):
    from django.contrib.sessions.models import Session

    from accounts.services import api_token_create

    staff = MembershipFactory(role="admin").user
    _token, key = api_token_create(user=staff, days=1)
    response = client.get("/api/v1/roster/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0
