"""The read-replica router's rules without a replica (the real one: test_read_replica.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, OperationalError
from django.test import RequestFactory

from certification.models import Certification
from core import replica
from core.replica import REPLICA, ReplicaRouter, is_write, use_replica


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO audit_auditevent (a) VALUES (%s)",
        '  update "certification_certification" SET "status" = %s',
        "DELETE FROM x WHERE id = 1",
        "MERGE INTO x USING y ON true WHEN MATCHED THEN DO NOTHING",
        "COPY jobs_outboxevent (a, b) FROM STDIN",
        'SELECT "id" FROM "certification_certification" WHERE id = 1 FOR UPDATE',
        "SELECT * FROM x FOR NO KEY UPDATE SKIP LOCKED",
        "SELECT * FROM x FOR SHARE",
        "SELECT nextval('certification_number_seq')",
        "WITH moved AS (UPDATE x SET a = 1 RETURNING id) SELECT id FROM moved",
        "CREATE TEMPORARY TABLE t (a int)",
        "LOCK TABLE x",
        "TRUNCATE x",
    ],
)
def test_statements_that_change_something_are_writes(sql):
    assert is_write(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "certification_certification"."updated_at" FROM "certification_certification"',
        "SELECT count(*) AS last_update FROM x",
        "WITH t AS (SELECT 1) SELECT * FROM t",
        'SAVEPOINT "s1"',
        'RELEASE SAVEPOINT "s1"',
        'ROLLBACK TO SAVEPOINT "s1"',
        "COPY (SELECT 1) TO STDOUT WITH (FORMAT csv)",
        "SHOW server_version",
    ],
)
def test_reads_are_not_writes(sql):
    assert not is_write(sql)


def test_without_a_request_every_query_goes_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Certification) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Certification) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "certification") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "certification") is None


def test_a_write_pins_the_request_to_the_primary():
    """Once the replica is open, reads go there until the request writes; after that every
    read of the request (instance lookups included) goes to the primary."""
    state = replica._RequestState(RequestFactory().get("/"))
    state.scope = object()  # as if use_replica had opened the replica's transaction
    token = replica._state.set(state)
    try:
        router = ReplicaRouter()
        assert router.db_for_read(Certification) == REPLICA
        assert replica.read_alias() == REPLICA
        assert router.db_for_write(Certification) == DEFAULT_DB_ALIAS
        assert state.wrote
        assert router.db_for_read(Certification) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Certification, instance=Certification()) == DEFAULT_DB_ALIAS
        assert replica.read_alias() == DEFAULT_DB_ALIAS
    finally:
        replica._state.reset(token)


def test_a_raw_write_statement_on_the_primary_pins_the_request():
    state = replica._RequestState(RequestFactory().get("/"))
    state.scope = object()
    calls = []
    state.watch_writes(lambda *args: calls.append(args), "SELECT 1", None, False, {})
    assert not state.pinned
    state.watch_writes(lambda *args: calls.append(args), "UPDATE x SET a = 1", None, False, {})
    assert state.pinned and state.wrote and len(calls) == 2


def test_after_the_view_returned_writes_do_not_count_as_the_request_s():
    """A session saved while a streamed response is being sent is not a read-after-write."""
    state = replica._RequestState(RequestFactory().get("/"))
    state.watching = False
    state.pin()
    assert not state.pinned and not state.wrote


def test_without_a_replica_configured_nothing_changes(settings):
    assert REPLICA not in settings.DATABASES
    assert not use_replica(RequestFactory().get("/"))
    assert replica.read_alias() == DEFAULT_DB_ALIAS


@pytest.mark.parametrize(
    "refusal",
    [
        ImproperlyConfigured("the replica's login role owns tables"),
        OperationalError("connection refused"),
    ],
)
def test_a_replica_whose_wall_is_not_verified_is_never_read(monkeypatch, refusal):
    """Down when the process started, or with the wall not in force there: the request reads
    from the primary, and the replica is checked again next time."""
    checks = []

    def wall_check(using):
        checks.append(using)
        raise refusal

    monkeypatch.setattr(replica, "wall_check", wall_check)
    monkeypatch.setattr(replica, "_wall_verified", set())
    state = replica._RequestState(RequestFactory().get("/"))
    token = replica._state.set(state)
    try:
        assert not use_replica(state.request)
        assert not use_replica(state.request)
        assert state.scope is None
        assert ReplicaRouter().db_for_read(Certification) == DEFAULT_DB_ALIAS
    finally:
        replica._state.reset(token)
    assert checks == [REPLICA, REPLICA]
