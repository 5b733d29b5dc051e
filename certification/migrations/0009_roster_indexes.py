"""Trigram indexes for the roster's `q` search (certification.api.filters.RosterFilter).

`q` matches a certification number by its beginning and names anywhere inside, ignoring
case; Django writes these as `UPPER(column::text) LIKE UPPER(...)`. At 200,000 certifications
a page searched by name took about half a second on a sequential scan; with these GIN trigram
indexes on the same `UPPER(...)` expressions PostgreSQL answers from the indexes (about a
tenth of that on the benchmark machine).

Expression indexes with an operator class are kept out of the model state on purpose (plain
SQL), so they do not appear in `Certification.Meta.indexes`. pg_trgm is a trusted extension:
the database owner that runs migrations may create it.
"""

from django.db import migrations

_COLUMNS = {
    "certification_first_name_trgm": "first_name",
    "certification_last_name_trgm": "last_name",
    "certification_number_trgm": "number",
}


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0008_document_view_log"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            reverse_sql=migrations.RunSQL.noop,
        ),
        *(
            migrations.RunSQL(
                f"CREATE INDEX {name} ON certification_certification "
                f"USING gin (UPPER({column}::text) gin_trgm_ops)",
                reverse_sql=f"DROP INDEX {name}",
            )
            for name, column in _COLUMNS.items()
        ),
    ]
