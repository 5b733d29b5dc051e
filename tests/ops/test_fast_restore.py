"""The suite's serialized rollback (tests/fast_restore.py) leaves exactly the rows the
migrations wrote, with the same primary keys and values, whether the tables were emptied by
a transactional test's flush or still hold them."""

import asyncio
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from counties.models import County
from tests import fast_restore


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_serialized_rollback_reloads_exactly_the_serialized_rows():
    creation = connection.creation
    assert type(creation).deserialize_db_from_string is fast_restore.deserialize_db_from_string
    # The rows the migrations wrote, as this test's own setup reloaded them (the copy taken
    # when the test database was created, when this connection still holds it).
    serialized = creation.serialize_db_to_string()
    assert '"model": "counties.county"' in serialized
    assert '"model": "auth.permission"' in serialized
    assert serialized == connection._test_serialized_contents

    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    assert not County.objects.exists()
    creation.deserialize_db_from_string(serialized)
    assert creation.serialize_db_to_string() == serialized

    County.objects.filter(code="alameda").update(name="Changed")
    creation.deserialize_db_from_string(serialized)
    assert creation.serialize_db_to_string() == serialized


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_object_made_while_an_event_loop_runs_finds_the_serialized_rows():
    """While an event loop runs in the thread (Playwright's sync API, from the first browser
    test on), `connections` hands out another connection object. It must find the same
    serialized rows, or serialized rollback silently restores nothing (browser tests after
    other database tests found no permissions)."""
    # In a thread of its own: under pytest-xdist a browser test may already have left
    # Playwright's loop running in this one, where asyncio.run() refuses to start.
    found = {}

    def in_a_thread_without_a_loop():
        outer = connections["default"]

        async def inside_a_loop():
            inner = connections["default"]
            return inner is outer, inner._test_serialized_contents

        found["same"], found["inner"] = asyncio.run(inside_a_loop())
        found["outer"] = outer._test_serialized_contents
        connections.close_all()

    thread = threading.Thread(target=in_a_thread_without_a_loop)
    thread.start()
    thread.join()
    assert found["same"] is False
    contents = found["inner"]
    assert contents == found["outer"] == connections["default"]._test_serialized_contents
    assert '"model": "auth.permission"' in contents
