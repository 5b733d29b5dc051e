"""The county workspace's report pages: an administrator starts a draft, writes the
narrative, submits it and downloads it; bad input is answered on the form; the permission
matrix is in tests/workspace/test_permissions.py."""

import datetime

import pytest
from django.urls import reverse

from reports.models import ProgramReport
from tests.factories import participating

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


def test_an_administrator_drafts_writes_and_submits(client, cast):
    participating(cast.county)
    client.force_login(cast.admin)
    url = reverse("workspace:reports", args=["alameda"])
    page = client.get(url)
    assert page.status_code == 200 and "Start the draft" in page.content.decode()
    response = client.post(url, {"period": "2026"})
    report = ProgramReport.objects.get()
    assert (report.period_start, report.period_end) == (
        datetime.date(2025, 7, 1),
        datetime.date(2026, 6, 30),
    )
    detail = reverse("workspace:report", args=["alameda", report.pk])
    assert response["Location"] == detail
    # A double click opens the same draft.
    assert client.post(url, {"period": "2026"})["Location"] == detail
    page = client.get(detail).content.decode()
    assert 'data-key="applications.received">0<' in page
    assert "Not yet recorded" in page
    client.post(detail, {"plan_changes": "New trainer.", "challenges": "Rural reach."})
    report.refresh_from_db()
    assert report.plan_changes == "New trainer."
    submit = reverse("workspace:report_submit", args=["alameda", report.pk])
    assert "Submit the report" in client.get(submit).content.decode()
    client.post(submit, {})
    report.refresh_from_db()
    assert report.status == "submitted" and report.pdf_sha256
    for extension, kind in (
        ("pdf", "application/pdf"),
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats"),
    ):
        response = client.get(
            reverse("workspace:report_file", args=["alameda", report.pk, extension])
        )
        assert response.status_code == 200 and response["Content-Type"].startswith(kind)
    page = client.get(detail).content.decode()
    assert "Start a correction" in page and "Save the narrative" not in page


def test_a_custom_period_needs_both_days_and_a_sane_order(client, cast):
    client.force_login(cast.admin)
    url = reverse("workspace:reports", args=["alameda"])
    page = client.post(url, {"period": "custom", "period_start": "2026-01-01"}).content.decode()
    assert "Give the last day of the period." in page
    page = client.post(
        url, {"period": "custom", "period_start": "2026-03-01", "period_end": "2026-01-01"}
    ).content.decode()
    assert "The period must end on or after the day it starts." in page
    assert client.post(url, {"period": "1999"}).status_code == 200
    assert ProgramReport.objects.count() == 0


def test_an_unknown_format_is_404(client, cast):
    report = ProgramReport.objects.create(
        county=cast.county,
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2026, 6, 30),
        created_by=cast.admin,
    )
    client.force_login(cast.admin)
    response = client.get(f"/county/alameda/reports/{report.pk}/report.exe")
    assert response.status_code == 404
