"""A dependency restarting answers 503 with Retry-After (never 500), and the next request
after it is back succeeds without restarting anything (core/outage.py).

The outage is real: the connection's next connect goes to a closed port on 127.0.0.1 and the
driver's "connection refused" travels up as it would in production. The test client
re-raises request exceptions by default; these tests ask it not to, as gunicorn would not.
"""

import contextlib
from collections.abc import Iterator

import pytest
from celery.signals import task_prerun
from django.db import OperationalError, connection
from django.test import Client, RequestFactory, override_settings

from accounts.services import api_token_create
from certification.models import CertificateFile, Certification
from certification.tasks import certificate_render
from config.celery import app as celery_app
from core.outage import (
    DEPENDENCY_ERRORS,
    RETRY_AFTER_SECONDS,
    is_dependency_outage,
    server_error,
)
from jobs.models import FailedJob
from tests.factories import CertificationFactory

# Counties come from a data migration: serialized_rollback keeps them for every test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLOSED_PORT = "1"
UNAVAILABLE = "The service is temporarily unavailable. Please try again in a moment."


@contextlib.contextmanager
def database_unreachable() -> Iterator[None]:
    """Until the block ends, connecting to PostgreSQL is refused."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = CLOSED_PORT
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.fixture
def browser() -> Client:
    return Client(raise_request_exception=False)


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-cache" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")
    assert "The service is temporarily unavailable" in response.content.decode()


def assert_unavailable_json(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"detail": UNAVAILABLE}


def test_public_verify_page_answers_503_while_the_database_is_down_then_recovers(browser):
    certification = CertificationFactory()

    with database_unreachable():
        assert_unavailable_page(browser.get(f"/verify/{certification.number}"))

    response = browser.get(f"/verify/{certification.number}")
    assert response.status_code == 200
    assert certification.number in response.content.decode()


def test_roster_api_answers_503_json_while_the_database_is_down_then_recovers(browser, cast):
    CertificationFactory()
    _, key = api_token_create(user=cast.state, days=1, name="outage test")
    headers = {"HTTP_AUTHORIZATION": f"Token {key}", "HTTP_ACCEPT": "application/json"}

    with database_unreachable():
        assert_unavailable_json(browser.get("/api/v1/roster/?page_size=100", **headers))

    response = browser.get("/api/v1/roster/?page_size=100", **headers)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_an_outage_met_in_middleware_is_503_too(browser, cast):
    """A signed-in page first needs the database to load the session, in middleware, before
    any view runs."""
    browser.force_login(cast.admin)

    with database_unreachable():
        assert_unavailable_page(browser.get(f"/county/{cast.county.code}/"))

    assert browser.get(f"/county/{cast.county.code}/").status_code == 200


def test_a_change_posted_during_the_outage_answers_503_and_changes_nothing(browser, cast):
    certification = CertificationFactory(issuing_county=cast.county)
    browser.force_login(cast.admin)
    path = f"/county/{cast.county.code}/certifications/{certification.pk}/suspend/"

    with database_unreachable():
        assert_unavailable_page(browser.post(path, {"reason": "Posted during the outage"}))

    certification.refresh_from_db()
    assert (certification.status, certification.status_reason) == ("active", "")
    assert not Certification.objects.filter(status="suspended").exists()


def test_rate_limits_fail_open_while_redis_is_down(browser, settings, caplog):
    """The verify API and page count their rate limit in the cache, which lives in Redis:
    while it is away the lookup is served uncounted (and logged) instead of refused."""
    certification = CertificationFactory()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0"}
    }

    response = browser.get(f"/api/v1/verify/{certification.number}/")
    assert response.status_code == 200
    assert response.json()["certification_number"] == certification.number
    page = browser.get(f"/verify/{certification.number}")
    assert page.status_code == 200
    assert certification.number in page.content.decode()
    assert "Rate limit verify_anon not counted" in caplog.text


def test_rate_limits_count_again_when_redis_is_back(browser, settings):
    """Lookups served while Redis was away are not counted; once it is back the limit holds
    again from zero."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verify_anon": "2/min",
        },
    }
    certification = CertificationFactory()
    url = f"/api/v1/verify/{certification.number}/"
    # The count starts from zero in this test's own cache namespace (tests/conftest.py,
    # `_own_cache_namespace`). Not `cache.clear()`: on Redis that is FLUSHDB, which would
    # also empty the Celery queues of a test running beside this one (pytest -n).
    redis_away = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0"}
    }

    with override_settings(CACHES=redis_away):
        assert [browser.get(url).status_code for _ in range(3)] == [200, 200, 200]

    assert [browser.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_other_errors_stay_500():
    request = RequestFactory().get("/verify/PSS-0000001")
    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500
    assert not response.has_header("Retry-After")


def test_an_error_raised_from_a_connection_failure_counts_as_an_outage():
    try:
        try:
            raise OperationalError("connection refused")
        except OperationalError as exc:
            raise RuntimeError("wrapped by a library") from exc
    except RuntimeError as wrapped:
        assert is_dependency_outage(wrapped)
    assert not is_dependency_outage(ValueError("bad input"))
    assert not is_dependency_outage(None)


def test_every_task_of_the_project_retries_while_a_dependency_restarts():
    """`RecordedTask` gives every task the retry; a task naming its own `autoretry_for` must
    keep it (the email task adds SMTP errors)."""
    celery_app.loader.import_default_modules()
    tasks = [task for name, task in celery_app.tasks.items() if not name.startswith("celery.")]
    assert len(tasks) >= 7
    for task in tasks:
        assert set(DEPENDENCY_ERRORS) <= set(task.autoretry_for), task.name
        assert task.max_retries >= 1, task.name


def test_a_task_met_by_a_database_restart_is_retried_and_done():
    """The database refuses the certificate render's first attempt (a real refused
    connection); the task retries (at once when run in place) and stores both files."""
    certification = CertificationFactory()
    port = connection.settings_dict["PORT"]
    attempts = []

    def database_down_for_the_first_attempt(sender=None, **kwargs):
        if getattr(sender, "name", None) != certificate_render.name:
            return
        attempts.append(len(attempts) + 1)
        connection.close()
        connection.settings_dict["PORT"] = CLOSED_PORT if len(attempts) == 1 else port

    task_prerun.connect(database_down_for_the_first_attempt, weak=False)
    try:
        result = certificate_render.apply(args=[certification.pk])
    finally:
        task_prerun.disconnect(database_down_for_the_first_attempt)
        connection.close()
        connection.settings_dict["PORT"] = port

    assert attempts == [1, 2]
    assert result.successful(), result.traceback
    assert sorted(
        CertificateFile.objects.filter(certification=certification).values_list("kind", flat=True)
    ) == ["wall", "wallet"]
    assert not FailedJob.objects.exists()
