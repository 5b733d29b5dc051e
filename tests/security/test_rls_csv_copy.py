"""The CSV exports written by COPY (core.csv_copy) behind the second wall, as in production: a
real server thread, the request's own transaction (not a test's), the COPY read while the body
is sent, after the view and every middleware are done."""

import urllib.request
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db.models import F, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.test import override_settings

from accounts.services import api_token_create
from api import views
from certification.models import Application
from tests.factories import ApplicationFactory


def export_of(rows):
    """A stand-in for `api.rows.roster_csv_export` whose rows are `rows(certifications,
    today=...)`, for either path of the export (a part of the roster or the whole)."""

    def export(certifications, *, today, whole_roster):
        return rows(certifications, today=today), None

    return export


APP_ROLE = settings.DATABASE_APP_ROLE or "peercert_app"


@pytest.fixture(scope="session")
def live_server_media_url() -> Iterator[None]:
    """As in tests/browser/conftest.py: the live server's media handler cannot parse the unset
    MEDIA_URL; give it a prefix no page links to, for the whole session."""
    with override_settings(MEDIA_URL="/uploads-are-not-served-here/"):
        yield


@pytest.fixture(scope="session")
def live_server(live_server_media_url, live_server):
    """pytest-django's live server, started after `live_server_media_url`."""
    return live_server


def _download(live_server, key: str) -> list[str]:
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/roster.csv", headers={"Authorization": f"Token {key}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode().splitlines()[1:]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_streamed_copy_acts_for_the_token_user_and_the_wall_alone_holds(
    live_server, cast, monkeypatch
):
    """The roster export's rows replaced by every application, the access layer left out:
    a county reviewer's download holds their county's application only, read as the
    application role acting for them (the token is authenticated inside the view, and no
    other query of theirs runs before the COPY)."""
    own = ApplicationFactory(applicant=cast.applicant, county=cast.county, status="submitted")
    ApplicationFactory(applicant=cast.other_applicant, county=cast.other_county, status="submitted")
    _token, reviewer_key = api_token_create(user=cast.reviewer, days=1, name="copy")
    _token, state_key = api_token_create(user=cast.state, days=1, name="copy")

    def every_application(certifications, *, today):
        return Application.objects.annotate(
            pk_text=Cast(F("pk"), TextField()),
            role=RawSQL("current_user::text", ()),
            user_id=RawSQL("app_user_id()::text", ()),
        ).values_list("pk_text", "role", "user_id")

    monkeypatch.setattr(views, "roster_csv_export", export_of(every_application))

    reviewer_rows = _download(live_server, reviewer_key)
    state_rows = _download(live_server, state_key)

    assert reviewer_rows == [f"{own.pk},{APP_ROLE},{cast.reviewer.pk}"]
    assert len(state_rows) == 2
    assert {row.split(",", 1)[1] for row in state_rows} == {f"{APP_ROLE},{cast.state.pk}"}
