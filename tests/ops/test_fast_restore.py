"""The suite's serialized rollback (tests/fast_restore.py) leaves exactly the rows the
migrations wrote, with the same primary keys and values, whether the tables were emptied by
a transactional test's flush or still hold them."""

import pytest
from django.core.management import call_command
from django.db import connection

from counties.models import County
from tests import fast_restore


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_serialized_rollback_reloads_exactly_the_serialized_rows():
    creation = connection.creation
    serialized = connection._test_serialized_contents
    assert type(creation).deserialize_db_from_string is fast_restore.deserialize_db_from_string
    assert '"model": "counties.county"' in serialized
    assert '"model": "auth.permission"' in serialized
    # This test's own setup reloaded them.
    assert creation.serialize_db_to_string() == serialized

    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    assert not County.objects.exists()
    creation.deserialize_db_from_string(serialized)
    assert creation.serialize_db_to_string() == serialized

    County.objects.filter(code="alameda").update(name="Changed")
    creation.deserialize_db_from_string(serialized)
    assert creation.serialize_db_to_string() == serialized
