"""Medi-Cal enrollment: DHCS's published file read row by row (every row left out says why),
loaded once by an operator (command or admin upload with preview), and the figures in force
(the latest load, each county's latest month)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from analytics import enrollment_files
from analytics.models import MediCalEnrollment, MediCalEnrollmentLoad
from analytics.selectors import medi_cal_enrollment_current
from analytics.services import (
    DHCS_SOURCE,
    enrollment_load,
    enrollment_upload_plan,
)
from audit.models import AuditEvent
from core.errors import DomainError
from tests.factories import UserFactory, county

pytestmark = pytest.mark.django_db

DHCS_FILE = (
    b"County,Month of Eligibility,Total Eligibles,Annotation Code,Annotation Description,Status\r\n"
    b'Alameda,2024-01,"438,512",,,Final\r\n'
    b'Alameda,2024-02,"439,001",,,Final\r\n'
    b"Fresno,2024-02,562100,,,Final\r\n"
    b'Statewide,2024-02,"15,000,000",,,Final\r\n'
    b"Atlantis,2024-02,100,,,Final\r\n"
    b"Alpine,2024-02,,1,Counts between 1 and 10 are suppressed,Final\r\n"
    b"Fresno,not a month,562100,,,Final\r\n"
    b"Fresno,2024-02,1,,,Final\r\n"
    b"06019,2024-03,563000,,,Preliminary\r\n"
)


@pytest.fixture
def operator():
    return UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)


def _index():
    from analytics.services import _county_index

    return _county_index()


def test_the_dhcs_layout_is_read_and_every_row_left_out_says_why():
    parsed = enrollment_files.parse_enrollment(DHCS_FILE, _index())

    assert parsed.rows_read == 9
    assert [(r.line, r.county_name, r.month, r.certified_eligibles) for r in parsed.rows] == [
        (2, "Alameda", datetime.date(2024, 1, 1), 438512),
        (3, "Alameda", datetime.date(2024, 2, 1), 439001),
        (4, "Fresno", datetime.date(2024, 2, 1), 562100),
        (10, "Fresno", datetime.date(2024, 3, 1), 563000),  # named by its FIPS code
    ]
    assert [(p.line, p.problem) for p in parsed.problems] == [
        (5, "A statewide total, not a county: left out."),
        (6, "Unknown county “Atlantis”."),
        (7, "No count (suppressed or not a whole number)."),
        (8, "The month of eligibility cannot be read."),
        (9, "Fresno 2024-02 is already on line 4."),
    ]


@pytest.mark.parametrize(
    ("header", "month"),
    [
        ("County Name,Eligibility Month,Certified Eligibles", "01/2024"),
        ("COUNTY,MONTH,TOTAL CERTIFIED ELIGIBLES", "January 2024"),
        ("County,Eligibility Date,Certified Eligible Count", "2024-01-01T00:00:00"),
        ("county,year_month,count", "1/1/2024"),
    ],
)
def test_headers_and_months_as_dhcs_has_written_them_between_releases(header, month):
    data = f"{header}\nLos Angeles County,{month},4900000\n".encode()

    parsed = enrollment_files.parse_enrollment(data, _index())

    assert [(r.county_name, r.month, r.certified_eligibles) for r in parsed.rows] == [
        ("Los Angeles", datetime.date(2024, 1, 1), 4900000)
    ]


@pytest.mark.parametrize(
    "data",
    [b"Name,Date,Amount\nAlameda,2024-01,1\n", b"", b"\x00\x01binary", b"County,Month\n"],
)
def test_a_file_of_another_layout_is_refused_with_a_clear_error(data):
    with pytest.raises(DomainError) as error:
        enrollment_files.parse_enrollment(data, _index())
    assert error.value.field == "file"


def test_a_load_writes_the_rows_once_and_is_audited(operator):
    load, plan = enrollment_load(actor=operator, data=DHCS_FILE, file_name="eligibles.csv")

    assert (load.rows_read, load.rows_loaded, load.rows_skipped) == (9, 4, 5)
    assert (load.first_month, load.last_month) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 3, 1),
    )
    assert load.source == DHCS_SOURCE and load.loaded_by == operator and not load.demo
    assert MediCalEnrollment.objects.filter(load=load).count() == 4
    event = AuditEvent.objects.get(verb="medi_cal_enrollment_load")
    assert (event.actor, event.object_id, event.data["rows_loaded"]) == (operator, load.pk, 4)

    again, _plan = enrollment_load(actor=operator, data=DHCS_FILE, file_name="eligibles.csv")

    assert again == load
    assert MediCalEnrollmentLoad.objects.count() == 1
    assert MediCalEnrollment.objects.count() == 4
    assert AuditEvent.objects.filter(verb="medi_cal_enrollment_load").count() == 1


@pytest.mark.parametrize("who", ["county_admin", "state"])
def test_only_operators_and_the_system_load_figures(cast, who):
    actor = cast.admin if who == "county_admin" else cast.state

    with pytest.raises(PermissionDenied):
        enrollment_load(actor=actor, data=DHCS_FILE, file_name="eligibles.csv")

    assert not MediCalEnrollmentLoad.objects.exists()
    assert not MediCalEnrollment.objects.exists()
    assert not AuditEvent.objects.filter(verb="medi_cal_enrollment_load").exists()


def test_a_file_with_nothing_to_load_is_refused(operator):
    with pytest.raises(DomainError):
        enrollment_load(
            actor=operator,
            data=b"County,Month,Total Eligibles\nStatewide,2024-01,1\n",
            file_name="x",
        )
    assert not MediCalEnrollmentLoad.objects.exists()


def test_the_figures_in_force_are_each_countys_latest_month_of_the_latest_load(operator):
    enrollment_load(actor=operator, data=DHCS_FILE, file_name="old.csv")
    newer = b"County,Month,Total Eligibles\nAlameda,2024-04,440000\nAlameda,2024-03,439500\n"
    load, _plan = enrollment_load(actor=operator, data=newer, file_name="new.csv", source="DHCS")

    figures = medi_cal_enrollment_current()

    assert figures.load == load
    alameda = county("alameda").pk
    assert figures.by_county == {alameda: (datetime.date(2024, 4, 1), 440000)}
    assert figures.members(alameda) == 440000 and figures.members(county("fresno").pk) is None
    assert figures.total == 440000 and figures.month == datetime.date(2024, 4, 1)


def test_nothing_loaded_yet_gives_no_figures():
    figures = medi_cal_enrollment_current()
    assert figures.load is None and figures.by_county == {} and figures.month is None


def test_the_command_loads_a_file_and_prints_the_rows_left_out(tmp_path):
    path = tmp_path / "eligibles.csv"
    path.write_bytes(DHCS_FILE)
    out = io.StringIO()

    call_command("load_medi_cal_enrollment", str(path), "--dry-run", stdout=out)

    assert "Dry run: 4 rows would load (2024-01 to 2024-03), 5 left out." in out.getvalue()
    assert "line 6: Unknown county “Atlantis”." in out.getvalue()
    assert not MediCalEnrollmentLoad.objects.exists()

    out = io.StringIO()
    call_command("load_medi_cal_enrollment", str(path), stdout=out)

    assert "Loaded eligibles.csv: 4 rows (2024-01 to 2024-03), 5 left out." in out.getvalue()
    assert MediCalEnrollmentLoad.objects.get().loaded_by is None


def test_the_command_refuses_an_unreadable_or_foreign_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("load_medi_cal_enrollment", str(tmp_path / "missing.csv"))
    path = tmp_path / "other.csv"
    path.write_bytes(b"Name,Date\nx,y\n")
    with pytest.raises(CommandError, match="not DHCS's layout"):
        call_command("load_medi_cal_enrollment", str(path))
    assert not MediCalEnrollmentLoad.objects.exists()


def test_an_operator_uploads_sees_the_preview_with_row_problems_then_confirms(client, operator):
    client.force_login(operator)
    upload = io.BytesIO(DHCS_FILE)
    upload.name = "eligibles.csv"

    response = client.post(
        reverse("admin:analytics_medicalenrollmentload_upload"),
        {"file": upload, "source": "DHCS open data, March 2024 release"},
    )

    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "4 of 9 rows will load; 5 are left out." in page
    assert "Unknown county “Atlantis”." in page and "Los Angeles" not in page
    assert not MediCalEnrollmentLoad.objects.exists()

    confirmed = client.post(response["Location"])
    client.post(response["Location"])  # a double click

    load = MediCalEnrollmentLoad.objects.get()
    assert confirmed.status_code == 302
    assert (load.source, load.rows_loaded, load.loaded_by) == (
        "DHCS open data, March 2024 release",
        4,
        operator,
    )


def test_the_upload_shows_a_foreign_file_s_error_and_loads_nothing(client, operator):
    client.force_login(operator)
    upload = io.BytesIO(b"Name,Date\nx,y\n")
    upload.name = "other.csv"

    response = client.post(
        reverse("admin:analytics_medicalenrollmentload_upload"), {"file": upload, "source": "x"}
    )

    assert response.status_code == 200
    assert "not DHCS&#x27;s layout" in response.content.decode()
    assert not MediCalEnrollmentLoad.objects.exists()


def test_another_operators_preview_token_opens_nothing(client, operator):
    plan = enrollment_upload_plan(actor=operator, data=DHCS_FILE, file_name="e.csv")
    from analytics.services import enrollment_upload_store

    token = enrollment_upload_store(plan)
    other = UserFactory(email="ops2@example.org", is_staff=True, is_superuser=True)
    client.force_login(other)

    response = client.post(reverse("admin:analytics_medicalenrollmentload_confirm", args=[token]))

    assert response.status_code == 302
    assert not MediCalEnrollmentLoad.objects.exists()
