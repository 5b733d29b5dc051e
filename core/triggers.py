"""Database triggers shared by the append-only tables (the audit trail, the document-view log)."""

import pgtrigger


def append_only(name: str) -> pgtrigger.Trigger:
    """A row trigger that refuses every UPDATE and DELETE of the table, whoever runs it (the
    product, a shell, raw SQL), with a message naming the table.

    TRUNCATE is not refused: the test framework empties tables between transactional tests
    and a restore starts from empty tables. Only the table owner may truncate.
    """
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        func=(
            "RAISE EXCEPTION '% is append-only: % is refused (rows are never changed "
            "or deleted).', TG_TABLE_NAME, TG_OP;"
        ),
    )
