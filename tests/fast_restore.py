"""Serialized rollback in a few statements instead of a thousand (installed by tests/conftest.py).

A transactional test with `serialized_rollback=True` (browser tests, Celery worker tests, the
database outage tests) starts by reloading the rows the migrations wrote (content types,
permissions, the 58 counties, the areas of specialization: about 530) into tables the
previous transactional test emptied. Django reloads them one `save()` at a time, an UPDATE
and then an INSERT per row: about 1,000 round trips per test. This reloads each model's rows
with one INSERT ... ON CONFLICT (pk) DO UPDATE, in the same transaction, with the same
constraint check at the end, leaving the same rows with the same primary keys and values
(tests/ops/test_fast_restore.py compares them). Rows with many-to-many data, and models whose
fields compute their own value on save (`auto_now`), still go through `save()`.

It also keeps that copy where every connection object of the alias finds it. Django keeps it on
the connection object that created the test database (`_test_serialized_contents`), and a test
only restores it (and its teardown only spares the post_migrate signal) when
`connections[alias]` has it. But `connections` keeps one object per thread, and a second one
as soon as an event loop runs in the thread (asgiref's thread-critical local switches to
context-variable storage): Playwright's sync API runs one from the first browser test on. When
the database was set up before that (any database test earlier in the run), the browser tests
saw a new connection object without the copy, restored nothing, and found the tables the
previous transactional test had emptied: no content types, no permissions ("Permission
matching query does not exist"), no counties. The copy now lives per alias, not per object.
"""

from io import StringIO

from django.core import serializers
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.creation import BaseDatabaseCreation

# The serialized rows per database alias, whichever connection object serialized them.
_SERIALIZED: dict[str, str] = {}


class _SerializedContentsPerAlias:
    """`connection._test_serialized_contents`, shared by every connection object of an alias
    (a data descriptor: it wins over the instance's own attribute). Reading it where nothing
    was serialized raises AttributeError, so Django's `hasattr` checks keep their meaning."""

    def __get__(self, wrapper, owner=None):
        if wrapper is None:
            return self
        try:
            return _SERIALIZED[wrapper.alias]
        except KeyError:
            raise AttributeError("_test_serialized_contents") from None

    def __set__(self, wrapper, value: str) -> None:
        _SERIALIZED[wrapper.alias] = value

    def __delete__(self, wrapper) -> None:
        _SERIALIZED.pop(wrapper.alias, None)


def _computes_on_save(model) -> bool:
    return any(
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        for field in model._meta.concrete_fields
    )


def deserialize_db_from_string(self, data: str) -> None:
    """BaseDatabaseCreation.deserialize_db_from_string, one upsert per model."""
    alias = self.connection.alias
    table_names = set()
    with transaction.atomic(using=alias):
        with self.connection.constraint_checks_disabled():
            by_model: dict[type, list] = {}
            one_by_one = []
            for deserialized in serializers.deserialize("json", StringIO(data), using=alias):
                model = type(deserialized.object)
                table_names.add(model._meta.db_table)
                if deserialized.m2m_data or _computes_on_save(model):
                    one_by_one.append(deserialized)
                else:
                    by_model.setdefault(model, []).append(deserialized.object)
            for model, objects in by_model.items():
                pk = model._meta.pk
                update_fields = [f.name for f in model._meta.concrete_fields if f != pk]
                if update_fields:
                    model._base_manager.using(alias).bulk_create(
                        objects,
                        update_conflicts=True,
                        unique_fields=[pk.name],
                        update_fields=update_fields,
                    )
                else:
                    model._base_manager.using(alias).bulk_create(objects, ignore_conflicts=True)
            for deserialized in one_by_one:
                deserialized.save()
        self.connection.check_constraints(table_names=table_names)


def install() -> None:
    BaseDatabaseCreation.deserialize_db_from_string = deserialize_db_from_string
    BaseDatabaseWrapper._test_serialized_contents = _SerializedContentsPerAlias()
