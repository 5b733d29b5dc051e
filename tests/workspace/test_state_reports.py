"""State staff's statewide page of program reports (/county/reports/): every county that ran
a program in a fiscal year, each submitted version with its downloads, and which reports are
late or missing; a bad period is refused clearly; county staff, applicants and everyone else
are refused with nothing changed (the permission matrix names the URL as special: here)."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from reports import services
from reports.models import ProgramReport
from tests.factories import county, participating

pytestmark = pytest.mark.django_db

URL = "/county/reports/"
START, END = datetime.date(2025, 7, 1), datetime.date(2026, 6, 30)
ON_TIME = datetime.date(2026, 9, 1)  # before the due date, 2026-09-28


def _state():
    return list(ProgramReport.objects.order_by("pk").values()), AuditEvent.objects.count()


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture
def reports(cast):
    """Alameda submitted on time and corrected it; Fresno submitted nothing; Los Angeles ran
    no program in the year (it owes nothing)."""
    participating(cast.county)
    participating(cast.other_county)
    county("los-angeles")
    report = services.program_report_start(
        actor=cast.admin, county=cast.county, period_start=START, period_end=END, today=ON_TIME
    )
    first = services.program_report_submit(actor=cast.admin, report=report, today=ON_TIME)
    correction = services.program_report_correct(actor=cast.admin, report=first)
    services.program_report_save(
        actor=cast.admin,
        report=correction,
        plan_changes="",
        challenges="",
        what_changed="A late application.",
    )
    second = services.program_report_submit(actor=cast.admin, report=correction, today=ON_TIME)
    return {"first": first, "second": second}


def test_state_staff_see_every_countys_reports_and_which_are_missing(cast, client, reports):
    client.force_login(cast.state)
    response = client.get(URL, {"period": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    rows = {row["county"].code: row for row in response.context["rows"]}
    assert set(rows) == {"alameda", "fresno"}  # Los Angeles ran no program
    alameda, fresno = rows["alameda"], rows["fresno"]
    assert [r.version for r in alameda["versions"]] == [1, 2]
    assert alameda["latest"] == reports["second"]
    # Submitted on its day (the real clock): late only after 2026-09-28.
    first_on = alameda["first_submitted_on"]
    assert alameda["late"] == (first_on > datetime.date(2026, 9, 28))
    assert fresno["latest"] is None and fresno["versions"] == []
    today = datetime.date.today()
    assert fresno["late"] == (today > datetime.date(2026, 9, 28))
    assert "Due on 2026-09-28." in html
    assert "Missing, late" in html if fresno["late"] else "not due yet" in html
    for report in (reports["first"], reports["second"]):
        for extension in ("pdf", "csv", "xlsx"):
            url = reverse("workspace:report_file", args=["alameda", report.pk, extension])
            assert f'href="{url}"' in html
            # State staff download it (their read of the county's report pages).
            assert client.get(url).status_code == 200
        assert f'href="{reverse("workspace:report", args=["alameda", report.pk])}"' in html
    assert 'method="post"' not in html.split('id="main-content"')[1]
    assert (
        reverse("workspace:state_reports") in client.get(reverse("workspace:pick")).content.decode()
    )


def test_the_default_period_is_the_last_fiscal_year_over(cast, client, reports):
    client.force_login(cast.state)
    response = client.get(URL)
    assert response.status_code == 200
    today = datetime.date.today()
    year = today.year if today >= datetime.date(today.year, 6, 30) else today.year - 1
    assert response.context["period_end"] == datetime.date(year, 6, 30)


@pytest.mark.parametrize("period", ["1999", "x", "2026; DROP TABLE", "custom", "9" * 40])
def test_a_bad_period_is_refused_clearly(cast, client, reports, period):
    client.force_login(cast.state)
    response = client.get(URL, {"period": period})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 403),
        ("reviewer", 403),
        ("other_admin", 403),
        ("applicant", 403),
    ],
)
def test_only_state_staff_open_it(cast, client, reports, who, status):
    before = _state()
    client.force_login(cast.everyone[who])
    assert client.get(URL, {"period": "2026"}).status_code == status
    assert client.post(URL, {"period": "2026"}).status_code in (403, 405)
    assert (
        list(ProgramReport.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    ) == before


def test_anonymous_visitors_sign_in_and_nobody_posts(cast, client, reports):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    before = list(ProgramReport.objects.order_by("pk").values())
    client.force_login(cast.state)
    assert client.post(URL, {"period": "2026"}).status_code == 405
    assert list(ProgramReport.objects.order_by("pk").values()) == before
