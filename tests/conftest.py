import datetime
import os
import uuid

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from counties.models import OptInPeriod
from tests import fast_restore
from tests.factories import county

pytest_plugins = ["tests.cast", "tests.employers.cast", "tests.providers.cast", "tests.jobs.worker"]

# Fixtures that make a test slow: a browser, a Celery worker, a live server, a real transaction.
SLOW_FIXTURES = frozenset(
    {"page", "browser", "live_server", "celery_worker", "celery_workers", "transactional_db"}
)


def _is_slow(item: pytest.Item) -> bool:
    if item.get_closest_marker("browser") or item.get_closest_marker("celery_worker"):
        return True
    if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    db = item.get_closest_marker("django_db")
    return bool(db and (db.kwargs.get("transaction") or (db.args and db.args[0])))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark browser, Celery worker and transactional tests `slow` wherever they are, so
    `make test-fast` (-m "not slow") leaves all of them out; tests may also mark themselves.
    First, before `-m` selects on the marks."""
    for item in items:
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)


# The suite logs in as the owner of the tables (its fixtures write every table) and enters the
# row-level security wall per transaction with SET LOCAL ROLE: ROW_LEVEL_SECURITY=switch, in
# this process and in the workers and processes it starts (SECURITY.md). Tests of the
# production refusal set their own.
os.environ["ROW_LEVEL_SECURITY"] = "switch"
django_settings.ROW_LEVEL_SECURITY = "switch"

# Serialized rollback reloads the migrations' rows with one statement per model
# (tests/fast_restore.py).
fast_restore.install()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in Spanish activates Spanish in this thread (LocaleMiddleware) and nothing
    puts it back: without this, a later test calling a service directly reads its refusals in
    Spanish (pytest-django runs the tests without a database last)."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 costs a few hundred milliseconds per user made; tests need the check, not the
    cost. Passwords still hash and verify, with a cheap algorithm."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test counts rate limits (allauth's sign-in and sign-up limits, API throttles) in
    its own cache namespace: no test trips a limit with another test's requests."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture
def opted_in(db):
    """Alameda opted in for SMHS and DMC-ODS, Fresno for SMHS, Kern opted out (a period an
    application factory already opened, `tests.factories.participating`, is kept)."""
    start = datetime.date(2023, 7, 1)
    for code, system, opted in (
        ("alameda", "smhs", True),
        ("alameda", "dmc_ods", True),
        ("fresno", "smhs", True),
        ("kern", "smhs", False),
    ):
        OptInPeriod.objects.get_or_create(
            county=county(code),
            delivery_system=system,
            effective_to=None,
            defaults={"opted_in": opted, "effective_from": start},
        )


@pytest.fixture(autouse=True)
def _counties_present(request):
    """The 58 counties (and the areas of specialization) come from data migrations. A
    transactional test's flush empties the tables; serialized rollback normally restores
    them, and this puts them back if it did not."""
    if "_django_db_helper" not in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    from counties.models import County

    if not County.objects.exists():
        from importlib import import_module

        migration = import_module("counties.migrations.0002_load_counties")
        County.objects.bulk_create(
            County(fips=fips, code=code, name=name) for fips, code, name in migration.COUNTIES
        )
    from training.models import SpecializationArea

    if not SpecializationArea.objects.exists():  # also from a data migration, same reason
        from importlib import import_module

        areas = import_module("training.migrations.0004_specialization_areas")
        SpecializationArea.objects.bulk_create(
            SpecializationArea(code=code, name=name, name_es=name_es, position=position)
            for code, name, name_es, position in areas.AREAS
        )
