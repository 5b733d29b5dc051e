import pytest

from tests.providers.completions_data import make_courses


@pytest.fixture
def courses(providers):
    """Hope Works' core course and CE course (law and ethics), approved from 200 days ago."""
    return make_courses(providers)
