"""Row-level security on the field-history tables and the document-view log (SECURITY.md).

The history tables (`*event`, written by django-pghistory's triggers) copy every version of
the private rows, so they hold the same county- and person-private data: each gets the
policies of the table it copies (migration 0010), applied to the copied columns. A history
row is written by the trigger in the name of whoever changed the row, so it may be written
when its row could be: inserted (the table's INSERT check) or changed (its UPDATE check). A
version is readable when the row with those values would be (a draft's versions stay the
applicant's even after the application was submitted).

The document-view log (`certification_documentview`) is readable by state staff, by the staff
of the county whose workspace the document was opened in, by the viewer and by the document's
owner (their personal data); each view is written in the viewer's own name.

The application role may not UPDATE or DELETE any of these rows (they are append-only: the
triggers refuse it to the owner too). `pghistory_context` (one row per request or task that
changed a tracked row: its acting user and URL or task name, upserted by the history
triggers; each history row carries the same JSON) keeps SELECT, INSERT and UPDATE, and loses
DELETE.
"""

import importlib

from django.db import migrations

rls = importlib.import_module("certification.migrations.0010_row_level_security")

UID, COUNTIES, STATE = rls.UID, rls.COUNTIES, rls.STATE
APP_ROLE = rls.APP_ROLE

HISTORY = {
    "certification_applicationevent": rls.APPLICATION,
    "certification_documentevent": "certification_document",
    "training_trainingrecordevent": "training_trainingrecord",
    "exams_examattemptevent": "exams_examattempt",
    "continuing_ed_cecreditevent": "continuing_ed_cecredit",
}
DOCUMENT_VIEW = "certification_documentview"


def _policies() -> dict[str, tuple[str, str, None]]:
    """table: (SELECT using, INSERT check, no UPDATE policy)."""
    policies = {}
    for history, table in HISTORY.items():
        select, insert, update = rls.POLICIES[table]
        policies[history] = (select, f"({insert}) OR ({update})", None)
    policies[DOCUMENT_VIEW] = (
        rls.readable(
            f"{STATE} OR county_id = ANY ({COUNTIES}) OR viewer_id = {UID} "
            f"OR EXISTS (SELECT 1 FROM certification_document d "
            f"WHERE d.id = document_id AND d.owner_id = {UID})"
        ),
        rls.writable(f"viewer_id = {UID}"),
        None,
    )
    return policies


POLICIES = _policies()
APPEND_ONLY = ", ".join([*HISTORY, DOCUMENT_VIEW])
GRANTS = rls._if_role_exists(
    f"""
        REVOKE UPDATE, DELETE ON {APPEND_ONLY} FROM {APP_ROLE};
        REVOKE DELETE ON pghistory_context FROM {APP_ROLE};
"""
)
REVOKES = rls._if_role_exists(
    f"""
        GRANT UPDATE, DELETE ON {APPEND_ONLY} TO {APP_ROLE};
        GRANT DELETE ON pghistory_context TO {APP_ROLE};
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0010_row_level_security"),
    ]

    operations = [
        migrations.RunSQL(rls.policies_sql(POLICIES), rls.drop_policies_sql(POLICIES)),
        migrations.RunSQL(GRANTS, REVOKES),
    ]
