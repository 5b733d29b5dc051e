"""Row-level security on the fees due (SECURITY.md; the policies' helpers are those of
certification.0010_row_level_security), mirroring `fees.selectors.fees_due_for`: the person's
own, their county's staff, state staff; the system and operators. A fee is recorded by the
person acting (submitting an application, renewing) or by their county's staff; it is never
changed or deleted (append-only, like the audit trail). Fee schedules are public amounts and
need no policy."""

import importlib

from django.db import migrations

rls = importlib.import_module("certification.migrations.0010_row_level_security")

UID, COUNTIES, STATE = rls.UID, rls.COUNTIES, rls.STATE
TABLE = "fees_feedue"
POLICIES = {
    TABLE: (
        rls.readable(f"person_id = {UID} OR {STATE} OR county_id = ANY ({COUNTIES})"),
        rls.writable(f"person_id = {UID} OR county_id = ANY ({COUNTIES})"),
        None,
    ),
}
GRANTS = rls._if_role_exists(f"REVOKE UPDATE, DELETE ON {TABLE} FROM {rls.APP_ROLE};")
REVOKES = rls._if_role_exists(f"GRANT UPDATE, DELETE ON {TABLE} TO {rls.APP_ROLE};")


class Migration(migrations.Migration):
    dependencies = [
        ("fees", "0001_initial"),
        ("certification", "0013_ceaudit_to_ce_audits"),
    ]

    operations = [
        migrations.RunSQL(rls.policies_sql(POLICIES), rls.drop_policies_sql(POLICIES)),
        migrations.RunSQL(GRANTS, REVOKES),
    ]
