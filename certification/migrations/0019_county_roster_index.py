"""The county roster's order as an index (workspace/views/roster.py): at a million
certifications a roster page of the largest county (about 295,000) sorted them all, 2.6 s;
with the index it reads the next 25 entries. Built CONCURRENTLY: writes go on meanwhile."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("certification", "0018_row_level_security_every_table"),
        ("counties", "0007_county_contact_exam_vendor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="certification",
            index=models.Index(
                fields=["issuing_county", "last_name", "first_name", "number"],
                name="certification_county_name_idx",
            ),
        ),
    ]
