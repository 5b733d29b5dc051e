"""The row-level security context cannot be forged by the application role (SECURITY.md,
"The context cannot be forged"; migration certification.0017_row_level_security_context).

Each attack runs as the application role, the way a statement injected into the application
would: it can write any setting, call any function it may execute and read any table it has
a privilege on. None of it yields a context it was not given.
"""

import psycopg
import pytest
from django.db import ProgrammingError, connection, connections

from audit.models import AuditEvent
from core import rls
from tests.security.test_rls import APP_ROLE, acting, set_context, specified_ids
from tests.security.test_rls import world as world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PRIVATE = [
    "certification_application",
    "certification_document",
    "training_trainingrecord",
    "continuing_ed_cecredit",
    "counties_auditevent",
    "counties_countymembership",
]


def _counts(cursor) -> dict[str, int]:
    found = {}
    for table in PRIVATE:
        cursor.execute(f"SELECT count(*) FROM {table}")
        found[table] = cursor.fetchone()[0]
    return found


NOTHING = dict.fromkeys(PRIVATE, 0)


def test_the_old_settings_written_by_hand_open_nothing(cast, world):
    with acting() as cursor:
        cursor.execute(
            "SELECT set_config('app.user_id', %s, true), set_config('app.county_ids', %s, true),"
            " set_config('app.is_state', 'on', true), set_config('app.is_system', 'on', true),"
            " set_config('app.is_operator', 'on', true)",
            [str(cast.state.pk), str(cast.county.pk)],
        )
        assert _counts(cursor) == NOTHING


def test_a_context_written_by_hand_opens_nothing(cast, world):
    with acting() as cursor:
        # What app_context_set would store for a system context, with a made-up signature.
        pid = connection.connection.info.backend_pid
        cursor.execute(
            "SELECT set_config('app.context', %s, true), "
            "set_config('app.context_signature', %s, true)",
            [f"{pid}|||||t|t||", "0" * 64],
        )
        assert _counts(cursor) == NOTHING
        cursor.execute("SELECT app_user_id(), app_is_system(), app_is_state()")
        assert cursor.fetchone() == (None, False, False)


def test_a_verified_context_copied_from_another_connection_opens_nothing(cast, world):
    other = connections.create_connection("default")
    try:
        with other.cursor() as other_cursor:
            other_cursor.execute("BEGIN")
            claims = rls.SYSTEM.claims(other.connection.info.backend_pid)
            other_cursor.execute(
                "SELECT app_context_set(%s, %s, true), current_setting('app.context_signature')",
                [claims, rls.claims_signature(claims)],
            )
            stolen_context, stolen_signature = other_cursor.fetchone()
            other_cursor.execute("SELECT app_is_system()")
            assert other_cursor.fetchone() == (True,), "valid on its own connection"
            other_cursor.execute("ROLLBACK")
    finally:
        other.close()
    with acting() as cursor:
        cursor.execute(
            "SELECT set_config('app.context', %s, true), "
            "set_config('app.context_signature', %s, true)",
            [stolen_context, stolen_signature],
        )
        assert _counts(cursor) == NOTHING


def test_claims_with_a_wrong_signature_or_for_another_connection_are_refused(cast, world):
    pid = connection.connection.info.backend_pid
    claims = rls.Context(user_id=cast.state.pk).claims(pid)
    with acting() as cursor, pytest.raises(ProgrammingError, match="signature is wrong"):
        cursor.execute("SELECT app_context_set(%s, %s, true)", [claims, "f" * 64])
    other_pid = rls.SYSTEM.claims(pid + 1)
    with acting() as cursor, pytest.raises(ProgrammingError, match="not signed for this"):
        cursor.execute(
            "SELECT app_context_set(%s, %s, true)", [other_pid, rls.claims_signature(other_pid)]
        )
    # Signed with another key (a guessed SECRET_KEY): refused too.
    forged = rls.SYSTEM.claims(pid)
    wrong_key = "0" * 64
    with acting() as cursor, pytest.raises(ProgrammingError, match="signature is wrong"):
        import hashlib
        import hmac

        signature = hmac.new(
            bytes.fromhex(wrong_key), b"claims|" + forged.encode(), hashlib.sha256
        ).hexdigest()
        cursor.execute("SELECT app_context_set(%s, %s, true)", [forged, signature])


def test_the_key_and_the_signing_function_are_out_of_reach(world):
    with acting() as cursor, pytest.raises(ProgrammingError, match="permission denied"):
        cursor.execute("SELECT * FROM app_context_key")
    with acting() as cursor, pytest.raises(ProgrammingError, match="permission denied"):
        cursor.execute("SELECT app_context_hmac('context|1|||||t|t||')")
    with acting() as cursor, pytest.raises(ProgrammingError, match="must be owner|permission"):
        cursor.execute(
            "CREATE OR REPLACE FUNCTION app_context() RETURNS text[] LANGUAGE sql "
            "AS $$ SELECT NULL::text[] $$"
        )


def test_no_audit_event_is_written_in_someone_elses_name_by_forging(cast, world):
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with acting() as cursor, pytest.raises(ProgrammingError, match="row-level security"):
        cursor.execute(
            "SELECT set_config('app.user_id', %s, true), set_config('app.is_system', 'on', true)",
            [str(cast.other_admin.pk)],
        )
        cursor.execute(
            "INSERT INTO counties_auditevent (actor_id, verb, object_type, object_id, "
            "county_id, from_state, to_state, reason, data, created_at) "
            "VALUES (%s, 'forged', 'x', 1, %s, '', '', '', '{}', now())",
            [cast.other_admin.pk, cast.other_county.pk],
        )
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == before


def test_a_real_context_still_opens_what_it_should(cast, world):
    """The control: the same statements with a context the application signed."""
    with acting(user_id=cast.state.pk) as cursor:
        counts = _counts(cursor)
    expected = specified_ids(cast.state)
    assert counts["certification_application"] == len(expected["applications"]) > 0
    with acting() as cursor:
        assert set_context(cursor, rls.SYSTEM).split("|")[6] == "t"
        assert all(_counts(cursor).values())


def test_logged_in_as_the_application_role_there_is_no_way_out(world):
    """Production logs in as the application role: RESET ROLE leaves it where it is, and it
    cannot become the owner (the local owner login switching with SET LOCAL ROLE, as the test
    suite does, is what `ROW_LEVEL_SECURITY=switch` names, for tests and development)."""
    db = connection.settings_dict
    owner = db["USER"]
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, dbname=db["NAME"], user=APP_ROLE
    ) as login:
        login.execute("RESET ROLE")
        assert login.execute("SELECT current_user, session_user").fetchone() == (
            APP_ROLE,
            APP_ROLE,
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            login.execute(f"SET ROLE {owner}")
