"""The first day of the audited CE cycle (docs/domain.md#renewal: a cycle starts on the issue,
renewal or reinstatement date). Existing audits take the start of the renewal that closed the
audited cycle, else the certification's current cycle start, else the day after the cycle's
end two years earlier (the rule they were drawn under)."""

from django.db import migrations, models

BACKFILL = """
UPDATE certification_ceaudit a
SET cycle_start = least(a.cycle_end, coalesce(
    (SELECT r.cycle_start FROM certification_renewal r
     WHERE r.certification_id = a.certification_id AND r.cycle_end = a.cycle_end
     ORDER BY r.id DESC LIMIT 1),
    (SELECT c.cycle_started_on FROM certification_certification c
     WHERE c.id = a.certification_id AND c.expires_on = a.cycle_end),
    (a.cycle_end - interval '2 years' + interval '1 day')::date))
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ce_audits", "0001_initial"),
        ("certification", "0014_certification_cycle_started_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="ceaudit",
            name="cycle_start",
            field=models.DateField(null=True, verbose_name="start of the audited cycle"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="ceaudit",
            name="cycle_start",
            field=models.DateField(verbose_name="start of the audited cycle"),
        ),
        migrations.AddConstraint(
            model_name="ceaudit",
            constraint=models.CheckConstraint(
                condition=models.Q(("cycle_end__gte", models.F("cycle_start"))),
                name="ce_audit_cycle_ordered",
            ),
        ),
    ]
