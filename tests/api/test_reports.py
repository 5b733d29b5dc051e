"""The program reports in the API: state staff list every county's submitted reports, read
their frozen figures, download PDF, CSV and XLSX, and see which are late; county staff only
their own counties'; drafts never; applicants and anonymous callers nothing. Nothing is
written through the API (every method but GET is refused and changes nothing)."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports import services
from reports.models import ProgramReport
from tests.factories import county, participating

pytestmark = pytest.mark.django_db

START, END = datetime.date(2025, 7, 1), datetime.date(2026, 6, 30)
TODAY = datetime.date(2026, 12, 7)


def _submitted(cast, admin, the_county, *, today=TODAY):
    participating(the_county)
    report = services.program_report_start(
        actor=admin, county=the_county, period_start=START, period_end=END, today=today
    )
    services.program_report_save(
        actor=admin, report=report, plan_changes="=1+1 plan", challenges="Staffing."
    )
    return services.program_report_submit(actor=admin, report=report, today=today)


@pytest.fixture
def reports(cast):
    alameda = _submitted(cast, cast.admin, cast.county)
    fresno = _submitted(cast, cast.other_admin, cast.other_county)
    draft = services.program_report_start(
        actor=cast.admin,
        county=cast.county,
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2025, 6, 30),
        today=TODAY,
    )
    return {"alameda": alameda, "fresno": fresno, "draft": draft}


# Every report URL, for tests/security/test_url_coverage.py; `{id}` is a submitted report's.
REPORT_URLS = [
    "/api/v1/reports/",
    "/api/v1/reports/status/",
    "/api/v1/reports/{id}/",
    "/api/v1/reports/{id}/report.pdf",
    "/api/v1/reports/{id}/report.csv",
    "/api/v1/reports/{id}/report.xlsx",
]


def _urls(report):
    return [url.format(id=report.pk) for url in REPORT_URLS]


def test_state_staff_list_every_countys_submitted_reports(client_for, cast, reports):
    rows = client_for(cast.state).get("/api/v1/reports/").json()
    assert [(row["county"]["code"], row["version"]) for row in rows] == [
        ("alameda", 1),
        ("fresno", 1),
    ]
    row = rows[0]
    assert row["period_start"] == "2025-07-01" and row["period_end"] == "2026-06-30"
    assert row["due_on"] == "2026-09-28"
    assert row["figures_url"].endswith(f"/api/v1/reports/{reports['alameda'].pk}/")
    filtered = client_for(cast.state).get("/api/v1/reports/", {"county": "fresno"}).json()
    assert [r["id"] for r in filtered] == [reports["fresno"].pk]
    response = client_for(cast.state).get("/api/v1/reports/", {"period_end": "June"})
    assert response.status_code == 400 and "period_end" in response.json()


@pytest.mark.parametrize(
    ("who", "sees"),
    [("admin", ["alameda"]), ("reviewer", ["alameda"]), ("other_admin", ["fresno"])],
)
def test_county_staff_see_their_own_countys_only(client_for, cast, reports, who, sees):
    rows = client_for(cast.everyone[who]).get("/api/v1/reports/").json()
    assert [row["county"]["code"] for row in rows] == sees
    other = reports["fresno" if sees == ["alameda"] else "alameda"]
    for url in _urls(other)[2:]:
        assert client_for(cast.everyone[who]).get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["applicant", "other_applicant"])
def test_applicants_get_403_and_anonymous_401(client_for, api, cast, reports, who):
    for url in _urls(reports["alameda"]):
        assert client_for(cast.everyone[who]).get(url).status_code == 403, url
        assert api.get(url).status_code == 401, url


def test_a_draft_is_not_in_the_api(client_for, cast, reports):
    for url in _urls(reports["draft"])[2:]:
        assert client_for(cast.state).get(url).status_code == 404, url


def test_nothing_is_written_through_the_api(client_for, cast, reports):
    before = list(ProgramReport.objects.order_by("pk").values())
    for url in _urls(reports["alameda"]):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client_for(cast.state), method)(url, {})
            assert response.status_code == 405, (method, url)
    assert list(ProgramReport.objects.order_by("pk").values()) == before


def test_the_frozen_figures_and_files(client_for, cast, reports):
    report = reports["alameda"]
    client = client_for(cast.state)
    detail = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert detail["figures"] == report.figures
    pdf = client.get(f"/api/v1/reports/{report.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content)
    assert body == report.pdf.open("rb").read()
    csv = client.get(f"/api/v1/reports/{report.pk}/report.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "Applications,Received (submitted),0,0" in text
    assert "'=1+1 plan" in text  # a formula in the narrative is text
    xlsx = client.get(f"/api/v1/reports/{report.pk}/report.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    figures = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert ("Applications", "Received (submitted)", 0, "0") in figures
    narrative = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert narrative[0] == ("Changes to the program plan", "'=1+1 plan")


def test_which_reports_are_late(client_for, cast, reports):
    la = county("los-angeles")
    participating(la)
    rows = client_for(cast.state).get("/api/v1/reports/status/", {"fiscal_year": 2026}).json()
    by_county = {row["county"]["code"]: row for row in rows}
    assert {"alameda", "fresno", "los-angeles"} <= set(by_county)
    today = timezone.localdate()
    # Submitted today: late only when today is after the due date (2026-09-28).
    assert by_county["alameda"]["late"] == (today > datetime.date(2026, 9, 28))
    assert by_county["alameda"]["latest"]["id"] == reports["alameda"].pk
    assert by_county["los-angeles"]["latest"] is None
    assert by_county["los-angeles"]["late"] == (today > datetime.date(2026, 9, 28))
    assert by_county["los-angeles"]["due_on"] == "2026-09-28"
    mine = client_for(cast.admin).get("/api/v1/reports/status/", {"fiscal_year": 2026}).json()
    assert [row["county"]["code"] for row in mine] == ["alameda"]
    bad = client_for(cast.state).get("/api/v1/reports/status/", {"fiscal_year": "x"})
    assert bad.status_code == 400 and "fiscal_year" in bad.json()


def test_the_documented_fields_are_the_fields_sent(client_for, api, cast, reports):
    openapi = api.get("/api/schema/", {"format": "json"}).json()
    schemas = openapi["components"]["schemas"]
    client = client_for(cast.state)
    row = client.get("/api/v1/reports/").json()[0]
    detail = client.get(f"/api/v1/reports/{row['id']}/").json()
    status = client.get("/api/v1/reports/status/", {"fiscal_year": 2026}).json()[0]
    assert set(row) == set(schemas["Report"]["properties"])
    assert set(detail) == set(schemas["ReportFigures"]["properties"])
    assert set(status) == set(schemas["ReportStatus"]["properties"])
