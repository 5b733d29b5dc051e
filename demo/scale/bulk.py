"""PostgreSQL bulk writing for seed_scale: ids reserved from their sequences in one round trip,
rows written with COPY (psycopg's `cursor.copy`)."""

from collections.abc import Iterable, Sequence

from django.db import connection, models


def reserve(sequence_sql: str, count: int) -> list[int]:
    """`count` values from a sequence in one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval({sequence_sql}) FROM generate_series(1, %s)", [count])
        return [row[0] for row in cursor.fetchall()]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys of `model`'s table, reserved as inserts would take them."""
    if count == 0:
        return []
    table = model._meta.db_table
    return reserve(f"pg_get_serial_sequence('{table}', 'id')", count)


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` (values for `columns`, by field attname) into `model`'s table. Every other
    concrete field but the primary key gets its default, computed once."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
    defaults = tuple(f.get_default() for f in rest)
    names = [fields[c].column for c in columns] + [f.column for f in rest]
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row, *defaults))
