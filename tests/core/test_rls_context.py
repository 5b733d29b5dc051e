"""core.rls sits below every app: it names the membership table instead of importing it."""

from core import rls
from counties.models import CountyMembership


def test_the_membership_table_named_by_the_context_is_the_models():
    assert CountyMembership._meta.db_table == rls.MEMBERSHIP_TABLE
