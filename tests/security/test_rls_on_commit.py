"""Work queued with `transaction.on_commit` runs inside the row-level security wall, acting
for whoever queued it (SECURITY.md, "Context per request and per task"). Before, it ran after
the commit as the login role with no context: as the owner locally (no wall at all), as the
application role without a context in production (no private row)."""

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from core import rls
from tests.factories import UserFactory
from tests.security.test_rls import APP_ROLE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _who() -> tuple[str, int | None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, app_user_id()")
        return cursor.fetchone()


def test_on_commit_work_of_a_context_runs_in_that_context():
    person = UserFactory()
    seen = []
    with rls.rls_context(person):
        transaction.on_commit(lambda: seen.append(_who()))
        assert seen == []
    assert seen == [(APP_ROLE, person.pk)]
    assert _who() == (connection.settings_dict["USER"], None)


def test_on_commit_work_of_a_request_runs_as_its_user():
    person = UserFactory()
    seen = []

    def view(request):
        transaction.on_commit(lambda: seen.append(_who()))
        return HttpResponse("ok")

    request = RequestFactory().get("/anything/")
    request.user = person
    response = rls.RowLevelSecurityMiddleware(view)(request)

    assert response.status_code == 200
    assert seen == [(APP_ROLE, person.pk)]


def test_a_failing_robust_callback_is_logged_and_the_next_one_runs(caplog):
    person = UserFactory()
    seen = []

    def fail():
        raise RuntimeError("broken callback")

    with rls.rls_context(person):
        transaction.on_commit(fail, robust=True)
        transaction.on_commit(lambda: seen.append(_who()))
    assert seen == [(APP_ROLE, person.pk)]
    assert "broken callback" in caplog.text
