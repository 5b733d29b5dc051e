"""The red-team script (scripts/red_team.py, issue 18 item 9) run against a live server of
this code: every attack is refused and the verdict line says PASS."""

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from accounts.services import api_token_create
from tests.factories import CertificationFactory, MembershipFactory, UserFactory, county

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"


def _red_team():
    spec = importlib.util.spec_from_file_location("red_team", ROOT / "scripts" / "red_team.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def live_server_media_url() -> Iterator[None]:
    """As in tests/browser/conftest.py: the live server's media handler cannot parse the unset
    MEDIA_URL; give it a prefix no page links to, for the whole session."""
    with override_settings(MEDIA_URL="/uploads-are-not-served-here/"):
        yield


@pytest.fixture(scope="session")
def live_server(live_server_media_url, live_server):
    return live_server


def _url(user: str) -> str:
    db = connection.settings_dict
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_red_team_script_finds_every_door_closed(live_server, settings, capsys):
    settings.STAFF_MFA_REQUIRED = True
    reviewer = UserFactory(email="red.reviewer@example.org")
    MembershipFactory(user=reviewer, county=county("alameda"), role="reviewer")
    admin = UserFactory(email="red.admin@example.org")
    MembershipFactory(user=admin, county=county("alameda"), role="admin")
    _token, key = api_token_create(user=admin, days=1, name="red team")
    certification = CertificationFactory(issuing_county=county("alameda"))

    status = _red_team().main(
        [
            "--base-url", live_server.url,
            "--app-database-url", _url(settings.DATABASE_APP_ROLE),
            "--owner-database-url", _url(connection.settings_dict["USER"]),
            "--staff-email", reviewer.email,
            "--staff-password", PASSWORD,
            "--api-key", key,
            "--certification-number", certification.number,
            "--verify-limit", "60",
            # Tests hash with MD5 (microseconds): timing says nothing here, and the counted
            # hashes of tests/accounts (test_admin_sign_in, test_signup_enumeration) cover it.
            "--timing-tolerance", "1.0",
        ]
    )  # fmt: skip

    output = capsys.readouterr().out
    assert status == 0, output
    assert output.strip().splitlines()[-1].startswith("RED TEAM: PASS (9 checks, 0 skipped)")
