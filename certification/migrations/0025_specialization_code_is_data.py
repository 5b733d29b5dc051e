"""A certification's specialization code is an area's code (`training.SpecializationArea`,
data an operator extends), no longer pinned to four values by a database check."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0024_row_level_security_out_of_state_ce"),
        ("training", "0004_specialization_areas"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="certificationspecialization", name="specialization_code_valid"
        ),
        migrations.AlterField(
            model_name="certificationspecialization",
            name="code",
            field=models.CharField(max_length=30),
        ),
    ]
