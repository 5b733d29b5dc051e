"""The areas of specialization become data an operator extends (DHCS may add areas: DOMAIN.md,
Areas of specialization), instead of a fixed list in code and a database check.

`training_specializationarea` is seeded with the four published areas
(capeercertification.org/specialization-training/), with the codes already stored on training
records, certifications and sent by the API. Training records and certifications keep their
`course`/`code` column; the checks that pinned them to the four codes go (the services check
a code against the areas now).

Row-level security (SECURITY.md, "Every table"): the areas are public reference data, readable
by anyone; only operators (the Django admin) and the system write them; nobody deletes one
(records name it by its code), so the application role gets no DELETE.
"""

from django.db import migrations, models

from core.rls_sql import Policies, drop_policies_sql, operator_writable, policies_sql

AREAS = (
    # code, name, Spanish name, position
    (
        "parent_caregiver_family",
        "Parent, Caregiver and Family Member",
        "Madre, padre, cuidador/a y familiar",
        10,
    ),
    ("crisis", "Crisis Services", "Servicios de crisis", 20),
    ("unhoused", "Unhoused", "Personas sin vivienda", 30),
    (
        "justice_involved",
        "Justice-Involved",
        "Personas involucradas con el sistema de justicia",
        40,
    ),
)

POLICIES = {
    "training_specializationarea": Policies(
        select="true", insert=operator_writable(), update=operator_writable()
    ),
}


def seed_areas(apps, schema_editor):
    area_model = apps.get_model("training", "SpecializationArea")
    for code, name, name_es, position in AREAS:
        area_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_es": name_es, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0003_certificate_in_documents"),
        # The row-level security helpers (app_context_*, operator_writable).
        ("certification", "0017_row_level_security_context"),
    ]

    operations = [
        migrations.CreateModel(
            name="SpecializationArea",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.SlugField(
                        help_text=(
                            "Lower-case letters, digits and underscores, such as crisis. Stored "
                            "on training records and certifications and sent by the API: never "
                            "change it once used."
                        ),
                        max_length=30,
                        unique=True,
                        verbose_name="code",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("name_es", models.CharField(max_length=100, verbose_name="name in Spanish")),
                (
                    "offered",
                    models.BooleanField(
                        default=True,
                        help_text=(
                            "New courses in this area can be added. Untick to retire the area: "
                            "certifications that hold it keep it."
                        ),
                        verbose_name="offered",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="position in lists"),
                ),
            ],
            options={
                "verbose_name": "area of specialization",
                "verbose_name_plural": "areas of specialization",
                "ordering": ["position", "name"],
            },
        ),
        migrations.AddConstraint(
            model_name="specializationarea",
            constraint=models.CheckConstraint(
                condition=models.Q(("code", "core_80"), _negated=True),
                name="specialization_area_code_not_core",
            ),
        ),
        migrations.RemoveConstraint(model_name="trainingrecord", name="training_course_valid"),
        migrations.AlterField(
            model_name="trainingrecord",
            name="course",
            field=models.CharField(max_length=30, verbose_name="course"),
        ),
        migrations.AlterField(
            model_name="trainingrecordevent",
            name="course",
            field=models.CharField(max_length=30, verbose_name="course"),
        ),
        migrations.RunPython(seed_areas, migrations.RunPython.noop),
        migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES)),
    ]
