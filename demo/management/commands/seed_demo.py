"""`manage.py seed_demo`: the demo data of README.md 'Demo accounts' (demo/seed.py).

Idempotent: a second run finds everything in place and adds nothing. Refuses when DEBUG is off,
because it creates accounts whose password is public (settings.DEMO_PASSWORD).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load demo counties' opt-ins, accounts, applications and certifications (idempotent)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a publicly known password and only runs "
                "with DEBUG on. Do not load demo data into a production database."
            )
        with transaction.atomic():
            summary = seed_demo(password=settings.DEMO_PASSWORD)
        self.stdout.write(str(summary))
