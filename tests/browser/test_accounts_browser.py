import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.accounts.mfa_helpers import totp_code
from tests.browser.conftest import assert_no_axe_violations, login
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def test_live_server_serves_pages_and_static_files(page):
    stylesheets = []
    page.on(
        "response",
        lambda response: (
            stylesheets.append(response.status) if response.url.endswith(".css") else None
        ),
    )

    page.goto("/")

    expect(page.locator("h1")).to_have_count(1)
    assert stylesheets and set(stylesheets) == {200}
    assert_no_axe_violations(page)


def test_axe_check_fails_with_a_readable_list(page):
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><h1>Form</h1>'
        '<input type="text" id="unlabelled"></main></body></html>'
    )

    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_axe_violations(page)

    assert "[critical] label: Form elements must have labels" in str(failure.value)
    assert "#unlabelled" in str(failure.value)


def test_sign_up_verify_by_the_emailed_link_and_land_signed_in(page, live_server):
    page.goto("/accounts/signup/")
    assert_no_axe_violations(page)

    page.get_by_label("Email").fill("new.peer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create an account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_no_axe_violations(page)
    assert [message.to for message in mail.outbox] == [["new.peer@example.org"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()
    assert_no_axe_violations(page)


def test_sign_in_page_is_accessible_and_the_login_helper_works(page, live_server):
    UserFactory(email="peer@example.org")

    page.goto("/accounts/login/")
    assert_no_axe_violations(page)
    page.get_by_label("Email").fill("peer@example.org")
    page.get_by_label("Password", exact=True).fill("wrong-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("are not correct")
    assert_no_axe_violations(page)

    login(page, "peer@example.org", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/dashboard/")


def test_mfa_pages_enrol_and_sign_in_with_a_recovery_code(page, live_server):
    UserFactory(email="admin@example.org")
    login(page, "admin@example.org", PASSWORD)

    page.goto("/accounts/2fa/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Set up an authenticator app").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert_no_axe_violations(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert_no_axe_violations(page)
    secret = page.get_by_label("Setup key").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    assert_no_axe_violations(page)
    recovery_code = page.get_by_label("Unused codes").input_value().split()[0]
    page.goto("/accounts/logout/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign out").click()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in: your second step")
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill(recovery_code)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/dashboard/")


def test_password_reset_pages(page, live_server):
    UserFactory(email="peer@example.org")

    page.goto("/accounts/password/reset/")
    assert_no_axe_violations(page)
    page.get_by_label("Email").fill("peer@example.org")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_no_axe_violations(page)

    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body)
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_no_axe_violations(page)
    page.get_by_label("New password", exact=True).fill("a-new-long-passphrase-7")
    page.get_by_label("New password (again)").fill("a-new-long-passphrase-7")
    page.get_by_role("button", name="Save the new password").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    assert_no_axe_violations(page)
    login(page, "peer@example.org", "a-new-long-passphrase-7")
