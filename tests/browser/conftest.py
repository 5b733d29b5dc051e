"""Browser tests: Playwright (sync API) driving Debian's headless Chromium against
pytest-django's `live_server`, which also serves static files.

How to write one:

    pytestmark = pytest.mark.browser

    def test_something(page, live_server):
        user = UserFactory(email="ana@example.org")      # visible to the live server
        login(page, "ana@example.org", PASSWORD)
        page.goto("/dashboard/")                          # relative to live_server.url
        assert_no_axe_violations(page)

Database: the `page` fixture gives the test a transactional database with serialized
rollback (rows created in the test are visible to the live server, and the counties loaded by
the data migration are restored for the next test). Do not add a `django_db` marker to browser
tests: it would override that. Emails sent by the live server land in `django.core.mail.outbox`
(same process, locmem backend).
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# where a loop is running unless told that it is safe (it is: one thread, no async code).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Assertions wait as long as actions do: on a busy two-core machine (CI, parallel work) a
# reload after a POST can take longer than Playwright's 5-second default.
expect.set_options(timeout=30_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# axe-core is a test tool: injected from node_modules (`npm ci`), never served as a static file.
AXE_SCRIPT = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, plus axe's best practices (landmarks, one h1, heading order).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run ./scripts/ensure_chromium.sh (or make chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(live_server_media_url, live_server):
    """pytest-django's live server, started after `live_server_media_url`."""
    return live_server


@pytest.fixture(scope="session")
def live_server_media_url() -> Iterator[None]:
    """The live server wraps the site in a handler serving MEDIA_URL, which the settings leave
    unset (None: uploads are only served by access-checked views) and which that handler
    cannot parse. Give it a prefix no page links to, for the whole session."""
    with override_settings(MEDIA_URL="/uploads-are-not-served-here/"):
        yield


@pytest.fixture
def page(
    browser: Browser, live_server, transactional_db, django_db_serialized_rollback
) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies) whose relative URLs go to the live
    server."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    # Generous: the first page of a session compiles templates and imports every view.
    context.set_default_timeout(30_000)
    new_page = context.new_page()
    yield new_page
    context.close()


def login(page: Page, email: str, password: str) -> None:
    """Sign in through the real login form and wait until the signed-in page has loaded."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()


def assert_no_axe_violations(page: Page, *, disable_rules: tuple[str, ...] = ()) -> None:
    """Run axe-core on the current page and fail with a readable list of every violation.

    `disable_rules` names axe rule ids to skip; use it only with a written reason.
    """
    # Evaluated through the DevTools protocol rather than a <script> tag, so the site's
    # Content-Security-Policy (no inline scripts) stays in force during the test.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "rules": {rule: {"enabled": False} for rule in disable_rules},
    }
    result = page.evaluate("options => axe.run(document, options)", options)
    violations = result["violations"]
    if violations:
        pytest.fail(
            f"{len(violations)} accessibility violation(s) on {page.url}:\n"
            + "\n".join(_describe(violation) for violation in violations),
            pytrace=False,
        )


def _describe(violation: dict) -> str:
    nodes = "\n".join(
        f"      at {json.dumps(node['target'])}: {node.get('failureSummary', '').strip()}"
        for node in violation["nodes"][:5]
    )
    more = len(violation["nodes"]) - 5
    suffix = f"\n      ... and {more} more" if more > 0 else ""
    return (
        f"  - [{violation['impact']}] {violation['id']}: {violation['help']}\n"
        f"    {violation['helpUrl']}\n{nodes}{suffix}"
    )
