"""The county roster's index covers what paging needs (workspace/views/roster.py pages ids,
then reads the page's rows): id, and holder_id for the access layer's "own or my county"
condition. At a million certifications, the ids of a page three quarters down the largest
county (OFFSET ~220,000) took 0.8 s visiting the table for each entry skipped; from the index
alone, about 50 ms. Built CONCURRENTLY before the index it replaces is dropped."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("certification", "0020_county_index_covering"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="certification",
            index=models.Index(
                fields=["issuing_county", "last_name", "first_name", "number"],
                include=("id", "holder"),
                name="certification_roster_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="certification", name="certification_county_name_idx"),
    ]
