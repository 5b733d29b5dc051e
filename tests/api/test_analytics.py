"""The analytics series in the API (issue 17 item 5): state staff read every chart's stored
series for the state and each county, with the Medi-Cal enrollment behind the ratio; county
staff, peers and applicants get 403, anonymous callers 401; nothing changes whoever asks."""

import pytest

from analytics.models import Chart, FigureSnapshot
from analytics.services import enrollment_load, figures_refresh
from audit.models import AuditEvent
from tests.api.conftest import token_for
from tests.factories import CertificationFactory, UserFactory, county

pytestmark = pytest.mark.django_db

ENROLLMENT = (
    b"County,Month of Eligibility,Total Eligibles\nAlameda,2026-03,400000\nFresno,2026-03,500000\n"
)


@pytest.fixture
def figures(cast):
    operator = UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)
    for code, number, status in (
        ("alameda", 3, "active"),
        ("fresno", 5, "active"),
        ("fresno", 2, "expired"),
    ):
        for _ in range(number):
            CertificationFactory(issuing_county=county(code), status=status)
    enrollment_load(actor=operator, data=ENROLLMENT, file_name="e.csv", source="DHCS test file")
    figures_refresh()


def _unchanged():
    return (
        list(FigureSnapshot.objects.order_by("pk").values_list("pk", "computed_at")),
        AuditEvent.objects.count(),
    )


def test_state_staff_read_the_ratio_by_county_with_its_source(client_for, cast, figures):
    body = client_for(cast.state).get("/api/v1/analytics/active/").json()

    assert body["chart"] == "active"
    assert body["enrollment"]["source"] == "DHCS test file"
    assert body["enrollment"]["month"] == "2026-03" and body["enrollment"]["demo"] is False

    def row(active, members, ratio):
        return [
            {
                "active": active,
                "medi_cal_members": members,
                "members_month": "2026-03",
                "per_100k": ratio,
            }
        ]

    assert [(a["county"] and a["county"]["code"], a["rows"]) for a in body["areas"]] == [
        (None, row(8, 900000, 0.9)),
        ("alameda", row(3, 400000, 0.8)),
        ("fresno", row(5, 500000, 1.0)),
    ]


@pytest.mark.parametrize("chart", Chart.values)
def test_every_series_is_the_stored_one(client_for, cast, figures, chart):
    body = client_for(cast.state).get(f"/api/v1/analytics/{chart}/", {"county": "fresno"}).json()

    fresno = county("fresno")
    assert [a["county"] and a["county"]["code"] for a in body["areas"]] == [None, "fresno"]
    if chart != Chart.ACTIVE:
        assert body["enrollment"] is None
        assert body["areas"][0]["rows"] == FigureSnapshot.objects.get(chart=chart, county=None).rows
        stored = FigureSnapshot.objects.filter(chart=chart, county=fresno).first()
        assert body["areas"][1]["rows"] == (stored.rows if stored else [])


def test_bad_parameters_answer_400_or_404(client_for, cast, figures):
    state = client_for(cast.state)

    unknown_county = state.get("/api/v1/analytics/funnel/", {"county": "atlantis"})
    unknown_chart = state.get("/api/v1/analytics/nothing/")

    assert unknown_county.status_code == 400
    assert unknown_county.json() == {"county": ["Unknown county code."]}
    assert unknown_chart.status_code == 404


@pytest.mark.parametrize("who", ["reviewer", "admin", "other_admin", "applicant"])
def test_everyone_but_state_staff_gets_403_and_nothing_changes(client_for, cast, figures, who):
    before = _unchanged()

    response = client_for(cast.everyone[who]).get("/api/v1/analytics/active/")

    assert response.status_code == 403
    assert "active" not in response.content.decode()
    assert _unchanged() == before


def test_anonymous_callers_get_401(api, cast, figures):
    before = _unchanged()
    response = api.get("/api/v1/analytics/active/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert _unchanged() == before


def test_only_get(api, cast, figures):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(cast.state)}")
    before = _unchanged()
    assert api.post("/api/v1/analytics/active/").status_code == 405
    assert _unchanged() == before
