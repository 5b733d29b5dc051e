"""core.rls sits below every app: the database function that derives the context names the
user and membership tables instead of importing their models."""

import importlib

from accounts.models import User
from counties.models import CountyMembership

context_migration = importlib.import_module(
    "certification.migrations.0017_row_level_security_context"
)


def test_the_tables_named_by_the_context_function_are_the_models():
    for model in (User, CountyMembership):
        assert f"public.{model._meta.db_table} " in context_migration.FUNCTIONS
