"""The first day of each certification's current CE cycle (docs/domain.md#renewal): the issue
date, or the day its latest renewal or reinstatement was granted. Existing rows take the local
date of their latest renewal row, else their issue date; their field history (pghistory's
event rows) takes the same value, since the column did not exist when they were written. The
history triggers are dropped during the backfill (it is not a change anyone made) and created
again with the new column; the history's append-only trigger is switched off for the one
statement that fills the new column of the existing history rows."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

BACKFILL = """
UPDATE certification_certification c
SET cycle_started_on = greatest(c.issued_on, least(c.expires_on, coalesce(
    (SELECT (r.created_at AT TIME ZONE %s)::date FROM certification_renewal r
     WHERE r.certification_id = c.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
    c.issued_on)));
ALTER TABLE certification_certificationevent DISABLE TRIGGER pgtrigger_append_only_adbfc;
UPDATE certification_certificationevent e
SET cycle_started_on = coalesce(
    (SELECT c.cycle_started_on FROM certification_certification c WHERE c.id = e.pgh_obj_id),
    e.issued_on);
ALTER TABLE certification_certificationevent ENABLE TRIGGER pgtrigger_append_only_adbfc;
"""


def backfill(apps, schema_editor):
    schema_editor.execute(BACKFILL, [settings.TIME_ZONE])


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0013_ceaudit_to_ce_audits"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="certification",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="certification",
            name="update_update",
        ),
        migrations.AddField(
            model_name="certification",
            name="cycle_started_on",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="certificationevent",
            name="cycle_started_on",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="certification",
            name="cycle_started_on",
            field=models.DateField(),
        ),
        migrations.AlterField(
            model_name="certificationevent",
            name="cycle_started_on",
            field=models.DateField(),
        ),
        migrations.AddConstraint(
            model_name="certification",
            constraint=models.CheckConstraint(
                condition=models.Q(("cycle_started_on__gte", models.F("issued_on")))
                & models.Q(("cycle_started_on__lte", models.F("expires_on"))),
                name="certification_cycle_inside_validity",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="certification",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "certification_certificationevent" ("application_id", "created_at", "cycle_started_on", "expires_on", "first_name", "holder_id", "id", "issued_on", "issuing_county_id", "last_name", "number", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "status_reason", "updated_at") SELECT new_values."application_id", new_values."created_at", new_values."cycle_started_on", new_values."expires_on", new_values."first_name", new_values."holder_id", new_values."id", new_values."issued_on", new_values."issuing_county_id", new_values."last_name", new_values."number", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', new_values."id", new_values."status", new_values."status_reason", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="c93340033c05556389a340c3a18232a89fb54a9a",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_78a5f",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="certification_certification",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="certification",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "certification_certificationevent" ("application_id", "created_at", "cycle_started_on", "expires_on", "first_name", "holder_id", "id", "issued_on", "issuing_county_id", "last_name", "number", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "status", "status_reason", "updated_at") SELECT new_values."application_id", new_values."created_at", new_values."cycle_started_on", new_values."expires_on", new_values."first_name", new_values."holder_id", new_values."id", new_values."issued_on", new_values."issuing_county_id", new_values."last_name", new_values."number", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', new_values."id", new_values."status", new_values."status_reason", new_values."updated_at" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="5a421fe694eb4c0336ec464428aa80b6f7f37b6b",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_8fa57",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="certification_certification",
                    when="AFTER",
                ),
            ),
        ),
    ]
