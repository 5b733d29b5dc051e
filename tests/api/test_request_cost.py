"""The fixed cost of an API request (issue 19, item 2; benchmarks/request_cost.py): the
statements and Redis round trips of a token request are pinned, and what was cut keeps its
promises: a revoked key is refused on the very next request, the row-level security context is
set on every request and follows the token's user, the rate limit counts as before."""

import time

import psycopg
import pytest
import redis
from django.test import RequestFactory

from accounts.authentication import request_capability
from accounts.models import ApiToken, hash_token_key
from accounts.services import api_token_create, api_token_revoke, api_tokens_revoke_all
from tests.api.conftest import bulk_certifications, token_for

ONE_ROW = "/api/v1/roster/?page_size=1"


class RoundTrips:
    """Counts every statement psycopg sends (the ORM's and the row-level security context's
    alike) and every Redis round trip (a pipeline is one)."""

    def __init__(self, monkeypatch) -> None:
        self.statements: list[str] = []
        self.redis = 0
        execute = psycopg.Cursor.execute

        def counted(cursor, query, *args, **kwargs):
            self.statements.append(str(query)[:80])
            return execute(cursor, query, *args, **kwargs)

        send = redis.connection.AbstractConnection.send_packed_command

        def sent(connection, *args, **kwargs):
            self.redis += 1
            return send(connection, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", counted)
        monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", sent)

    def reset(self) -> None:
        self.statements.clear()
        self.redis = 0


@pytest.fixture
def state(cast, client_for):
    return client_for(cast.state)


@pytest.mark.parametrize("rows", [1, 300])
def test_a_roster_page_costs_six_statements_and_one_redis_round_trip(
    cast, state, monkeypatch, rows
):
    """Inside the test's transaction: the request's context saved and applied (for nobody,
    holding the presented key's hash), the key's row, the token user's context, the page,
    the saved context put back. In production BEGIN and COMMIT take the place of the first
    and last (benchmarks/RESULTS.md). Before: nine statements (the key was read in a nested
    context of its own: save, apply, read, restore) and two Redis round trips."""
    bulk_certifications(rows, cast.county)
    trips = RoundTrips(monkeypatch)
    state.get(ONE_ROW)
    trips.reset()

    response = state.get(f"/api/v1/roster/?page_size={rows}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
    assert len(trips.statements) == 6, trips.statements
    assert trips.redis == 1


def test_a_revoked_key_is_refused_on_the_very_next_request(cast, api):
    token, key = api_token_create(user=cast.state, days=30, name="revoke me")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(ONE_ROW).status_code == 200

    assert api_token_revoke(user=cast.state, token_id=token.pk)

    response = api.get(ONE_ROW)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid, expired or revoked token."}


def test_revoking_every_key_refuses_each_at_once(cast, api):
    keys = [api_token_create(user=cast.reviewer, days=30, name=f"k{n}")[1] for n in range(2)]
    for key in keys:
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert api.get(ONE_ROW).status_code == 200

    api_tokens_revoke_all(user=cast.reviewer)

    for key in keys:
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert api.get(ONE_ROW).status_code == 401


def test_a_key_of_a_deactivated_user_is_refused_at_once(cast, api):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(cast.state)}")
    assert api.get(ONE_ROW).status_code == 200
    type(cast.state).objects.filter(pk=cast.state.pk).update(is_active=False)

    assert api.get(ONE_ROW).status_code == 401


@pytest.mark.parametrize(
    ("header", "capability"),
    [
        ("Token abc", hash_token_key("abc")),
        ("token abc", hash_token_key("abc")),
        ("Token", ""),
        ("Token a b", ""),
        ("Bearer abc", ""),
        ("", ""),
    ],
)
def test_the_capability_a_request_presents_is_the_hash_of_its_key(header, capability):
    request = RequestFactory().get("/api/v1/roster/", HTTP_AUTHORIZATION=header)
    assert request_capability(request) == capability


def test_a_key_that_is_not_utf8_presents_nothing():
    # WSGI hands headers over as latin-1: "\xff" is the byte 0xff, no UTF-8 text.
    request = RequestFactory().get("/api/v1/roster/", HTTP_AUTHORIZATION="Token \xff")
    assert request_capability(request) == ""


def test_the_key_hash_opens_nothing_but_its_own_row(cast, api, monkeypatch):
    """The capability held before authentication is the presented key's hash: the key's row
    and no other key's is readable in that context."""
    _token, key = api_token_create(user=cast.state, days=30, name="mine")
    api_token_create(user=cast.reviewer, days=30, name="someone else's")
    seen: list[list[int]] = []
    from accounts import authentication

    lookup = authentication.HashedTokenAuthentication.authenticate_credentials

    def spy(self, presented):
        seen.append(list(ApiToken.objects.values_list("user_id", flat=True)))
        return lookup(self, presented)

    monkeypatch.setattr(authentication.HashedTokenAuthentication, "authenticate_credentials", spy)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert api.get(ONE_ROW).status_code == 200
    assert seen == [[cast.state.pk]]


def _rate(settings, rate: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token": rate,
        },
    }


def test_refused_requests_are_not_counted_and_the_window_slides(cast, state, settings):
    _rate(settings, "2/s")

    first = [state.get(ONE_ROW).status_code for _ in range(4)]
    refused = state.get(ONE_ROW)
    time.sleep(1.05)
    later = [state.get(ONE_ROW).status_code for _ in range(3)]

    assert first == [200, 200, 429, 429]
    assert refused["Retry-After"] == "1"
    assert later == [200, 200, 429]


def test_retry_after_is_when_the_oldest_counted_request_leaves_the_window(state, settings):
    _rate(settings, "1/min")
    assert state.get(ONE_ROW).status_code == 200
    time.sleep(1.1)

    refused = state.get(ONE_ROW)

    assert refused.status_code == 429
    assert 57 <= int(refused["Retry-After"]) <= 59


def test_the_row_compiled_once_is_the_row_the_orm_builds(cast):
    """The roster's row expression is compiled once per day (`api.rows._roster_row_sql`):
    the same JSON as the expression built and compiled for the query, with filters that join
    the county and specializations, and on another day (expiring soon follows the day)."""
    import datetime

    from django.http import QueryDict
    from django.utils import timezone

    from api.filters import filter_roster
    from api.rows import _roster_row, roster_json_rows
    from certification.models import Certification

    today = timezone.localdate()
    soon = bulk_certifications(2, cast.county, specializations=("unhoused",))
    Certification.objects.filter(pk=soon[0].pk).update(expires_on=today + datetime.timedelta(5))
    params = QueryDict(f"county={cast.county.code}&specialization=unhoused")
    for day in (today, today + datetime.timedelta(days=10), today - datetime.timedelta(400)):
        rows = filter_roster(Certification.objects.all(), params)
        compiled = list(roster_json_rows(rows, today=day).order_by("id"))
        built = list(rows.annotate(row=_roster_row(day)).values("id", "row").order_by("id"))
        assert compiled == built
        assert len(compiled) == 2
    expiring = [
        '"expiring_soon" : true' in values["row"]
        for values in roster_json_rows(Certification.objects.filter(pk=soon[0].pk), today=today)
    ]
    assert expiring == [True]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_broken_persistent_connection_is_replaced_without_a_health_check_query(
    monkeypatch, settings
):
    """With persistent connections and health checks (production), the request's first
    statement, its row-level security context, checks the connection: no `SELECT 1` of
    Django's own, and a connection the database dropped between two requests (a restart) is
    replaced without failing the next request (core.rls.RowLevelSecurityMiddleware._open)."""
    import psycopg
    from django.db import connection
    from rest_framework.test import APIClient

    from accounts.models import User

    user = User.objects.create(email="health.check@example.org", is_state_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    assert client.get(ONE_ROW).status_code == 200
    assert connection.health_check_enabled
    trips = RoundTrips(monkeypatch)

    # A new request on the same connection: Django would check it first.
    connection.health_check_done = False
    assert client.get(ONE_ROW).status_code == 200
    assert "SELECT 1" not in trips.statements, trips.statements

    # The database drops the connection between two requests.
    broken = connection.connection.info.backend_pid
    dsn = connection.get_connection_params()
    with psycopg.connect(
        **{k: v for k, v in dsn.items() if k != "cursor_factory"}, autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [broken])
    connection.health_check_done = False
    trips.reset()

    response = client.get(ONE_ROW)

    assert response.status_code == 200
    assert len(response.json()["results"]) == 0
    assert connection.connection.info.backend_pid != broken
    assert "SELECT 1" not in trips.statements


def test_the_page_joined_by_postgresql_is_drf_cursor_pagination_byte_for_byte(cast):
    """The roster page's results are joined by PostgreSQL in the page's statement
    (`api.pagination.RosterPagination.paginate_json_rows`): the same document as DRF's cursor
    pagination of the same rows with the results joined in Python (the code before), for the
    first page, walking forward and back by the links, crafted cursors with an offset or
    reversed, the last page, an empty page and pages of one and two rows."""
    import base64
    import json

    from django.test import RequestFactory
    from django.utils import timezone
    from rest_framework.request import Request

    from api.pagination import RosterPagination
    from api.rows import roster_json_rows, roster_page_json
    from certification.models import Certification

    bulk_certifications(9, cast.county)
    today = timezone.localdate()
    ids = sorted(Certification.objects.values_list("id", flat=True))

    def documents(query: str) -> tuple[bytes, bytes]:
        request = Request(RequestFactory().get(f"/api/v1/roster/?{query}"))
        rows = roster_json_rows(Certification.objects.all(), today=today)
        before = RosterPagination()
        page = before.paginate_queryset(rows, request)
        old = ",".join(values["row"] for values in page)
        links = (
            f'"next":{json.dumps(before.get_next_link())},'
            f'"previous":{json.dumps(before.get_previous_link())}'
        )
        after = RosterPagination()
        new = roster_page_json(
            after.paginate_json_rows(rows, request),
            next_link=after.get_next_link(),
            previous_link=after.get_previous_link(),
        )
        return f'{{{links},"results":[{old}]}}'.encode(), new

    def cursor(**tokens) -> str:
        text = "&".join(f"{key}={value}" for key, value in tokens.items())
        return "cursor=" + base64.b64encode(text.encode()).decode()

    queries = [
        "",
        "page_size=1",
        "page_size=2",
        f"page_size={len(ids)}",
        f"page_size={len(ids) + 5}",
        f"page_size=3&{cursor(p=ids[2])}",
        f"page_size=3&{cursor(p=ids[-1])}",
        f"page_size=3&{cursor(p=ids[5], r=1)}",
        f"page_size=3&{cursor(p=ids[1], r=1)}",
        f"page_size=3&{cursor(o=2, p=ids[0])}",
        f"page_size=3&{cursor(o=1, p=ids[5], r=1)}",
        f"page_size=1&{cursor(o=1, p=ids[3], r=1)}",
        f"page_size=3&{cursor(o=2)}",
        f"page_size=2&{cursor(o=1, r=1)}",
        f"page_size=3&{cursor(p=ids[-1] + 1000)}",
        f"page_size=5&{cursor(o=1, p=ids[-1], r=1)}",
        f"page_size=5&{cursor(o=2, p=ids[0])}",
        f"page_size=6&{cursor(o=1, p=ids[-1] + 1, r=1)}",
    ]
    seen = set()
    while queries:
        query = queries.pop()
        if query in seen:
            continue
        seen.add(query)
        old, new = documents(query)
        assert new == old, query
        document = json.loads(new)
        # Walk the links too (a few steps): each page they lead to is the same both ways.
        for link in (document["next"], document["previous"]):
            if link is not None and len(seen) < 60:
                queries.append(link.split("?", 1)[1])
    assert len(seen) > 20


def test_the_token_statement_written_once_finds_what_the_orm_finds(cast):
    """`accounts.authentication.usable_token` (the key's statement written once) returns the
    key the ORM's `usable()` query returns, with its user loaded, and None for an unknown,
    revoked or expired key and for the key of a deactivated user."""
    import datetime

    from django.utils import timezone

    from accounts.authentication import usable_token
    from accounts.models import User

    def orm(key_hash):
        return ApiToken.objects.usable().select_related("user").filter(key_hash=key_hash).first()

    keys = {}
    for name in ("usable", "revoked", "expired", "inactive"):
        user = User.objects.create(email=f"token.{name}@example.org", is_state_staff=True)
        token, key = api_token_create(user=user, days=30, name=name)
        keys[name] = (token, hash_token_key(key))
    api_token_revoke(user=keys["revoked"][0].user, token_id=keys["revoked"][0].pk)
    ApiToken.objects.filter(pk=keys["expired"][0].pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    User.objects.filter(pk=keys["inactive"][0].user_id).update(is_active=False)

    found = usable_token(keys["usable"][1])
    expected = orm(keys["usable"][1])
    assert found is not None and expected is not None
    assert found.pk == expected.pk
    for field in ApiToken._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field
    assert found.user == expected.user
    for field in User._meta.concrete_fields:
        assert getattr(found.user, field.attname) == getattr(expected.user, field.attname)
    assert "user" in found._state.fields_cache
    for name in ("revoked", "expired", "inactive"):
        assert orm(keys[name][1]) is None
        assert usable_token(keys[name][1]) is None, name
    assert usable_token(hash_token_key("no such key")) is None
