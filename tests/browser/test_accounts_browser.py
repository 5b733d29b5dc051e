import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser


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
