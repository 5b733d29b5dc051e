"""`manage.py rls_key_install`: store the row-level security context key in the database.

Run as the owner of the tables (MIGRATE_DATABASE_URL), after changing SECRET_KEY or
RLS_CONTEXT_KEY without migrating (every migrate does it too). Web and worker processes
whose key differs from the database's refuse to start (SECURITY.md, "Row-level security").
"""

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from core.rls import context_key_install


class Command(BaseCommand):
    help = "Store the row-level security context key in the database (run as the owner)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str, **options) -> None:
        context_key_install(connections[database])
        self.stdout.write("The row-level security context key is installed.")
