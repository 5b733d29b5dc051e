"""An employer in a real browser: signs in, adds a peer by certification number and last
name, adds more from a CSV file (preview with the refused line, then confirm), and sees a
suspension decided in the county arrive on the watchlist and in the notices. axe-core checks
every page; the watchlist reads at 390 px."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from certification import services
from employers.tasks import registry_events_receive
from jobs.models import OutboxMessage
from tests.browser.conftest import assert_no_axe_violations, login
from tests.employers.cast import make_employer
from tests.factories import CertificationFactory, MembershipFactory, UserFactory, county

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def _worker_runs_the_notices() -> None:
    """What the Celery worker does with the events the county's change published."""
    for message in OutboxMessage.objects.filter(
        task_name="employers.tasks.registry_events_receive", finished_at__isnull=True
    ):
        registry_events_receive.run(**message.kwargs)
        OutboxMessage.objects.filter(pk=message.pk).update(finished_at=timezone.now())


def test_an_employer_adds_peers_and_sees_a_suspension_arrive(page: Page, live_server, tmp_path):
    alameda = county("alameda")
    boss = UserFactory(email="hr@bayview.test")
    reviewer = UserFactory(email="reviewer@alameda.test")
    MembershipFactory(user=reviewer, county=alameda, role="reviewer")
    employer = make_employer("Bayview Health", boss)
    reyes = CertificationFactory(issuing_county=alameda, first_name="Ana", last_name="Reyes")
    okafor = CertificationFactory(issuing_county=alameda, first_name="Ben", last_name="Okafor")
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, boss.email, PASSWORD)
    page.goto("/employer/")
    expect(page.get_by_role("heading", name="Watchlist")).to_be_visible()
    assert_no_axe_violations(page)

    # One peer by number and last name; a wrong name is refused at the field.
    page.get_by_label("Certification number").fill(reyes.number)
    page.get_by_label("Last name").fill("Smith")
    page.get_by_role("button", name="Add to the watchlist").click()
    expect(page.get_by_text("No certification matches that number and last name.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Last name").fill("reyes")
    page.get_by_role("button", name="Add to the watchlist").click()
    expect(page.locator("#watchlist")).to_contain_text(reyes.number)

    # Many from a file: preview with the refused line, then confirm.
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text(
        f"certification_number,last_name\n{okafor.number},Okafor\nPSS-0000000,Nobody\n"
    )
    page.get_by_role("link", name="Add many from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("1 peer will be added.")).to_be_visible()
    expect(page.locator("#upload-rows")).to_contain_text(
        "No certification matches that number and last name"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Add these peers").click()
    expect(page.locator("#watchlist")).to_contain_text(okafor.number)

    # The county suspends Ana Reyes; the worker tells the employer.
    services.certification_suspend(
        actor=reviewer, certification=reyes, reason="Complaint upheld after investigation."
    )
    _worker_runs_the_notices()
    page.reload()
    row = page.locator("#watchlist tr", has_text=reyes.number)
    expect(row).to_contain_text("Suspended")
    expect(page.locator("#watchlist")).not_to_contain_text("Complaint upheld")
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Notices").click()
    expect(page.locator("#notices")).to_contain_text(reyes.number)
    expect(page.locator("#notices")).to_contain_text("Suspended")
    assert_no_axe_violations(page)
    assert employer.notices.count() == 1
