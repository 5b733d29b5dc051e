"""Who sees which analytics: state staff every county's and the state's; county staff their
county's beside the state's, nothing of another county; peers and applicants 403, anonymous
visitors the sign-in page; nothing changes whoever asks. The database's wall agrees with the
selector (raw SQL as the application role), and only the system writes the figures."""

import pytest
from django.db import ProgrammingError
from django.urls import reverse

from analytics.models import Chart, FigureSnapshot, MediCalEnrollment, MediCalEnrollmentLoad
from analytics.selectors import figure_snapshots_for
from analytics.services import enrollment_load, figures_refresh
from audit.models import AuditEvent
from tests.factories import CertificationFactory, UserFactory, county
from tests.security.test_rls import acting, acting_as

pytestmark = pytest.mark.django_db

ENROLLMENT = (
    b"County,Month of Eligibility,Total Eligibles\nAlameda,2026-03,400000\nFresno,2026-03,500000\n"
)


@pytest.fixture
def figures(cast):
    operator = UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)
    for code, number in (("alameda", 3), ("fresno", 5)):
        for _ in range(number):
            CertificationFactory(issuing_county=county(code))
    enrollment_load(actor=operator, data=ENROLLMENT, file_name="e.csv", source="DHCS test file")
    figures_refresh()


def _state_of_things():
    return (
        FigureSnapshot.objects.count(),
        sorted(FigureSnapshot.objects.values_list("computed_at", flat=True)),
        MediCalEnrollmentLoad.objects.count(),
        AuditEvent.objects.count(),
    )


def test_state_staff_see_every_county_and_the_map(client, cast, figures):
    client.force_login(cast.state)

    page = client.get(reverse("workspace:state_analytics")).content.decode()

    assert "Certified peers per 100,000 Medi-Cal members, by county" in page
    assert '<svg role="img"' in page
    assert "DHCS test file" in page  # the enrollment's source beside the ratio
    csv = client.get(reverse("workspace:state_analytics_csv", args=[Chart.ACTIVE])).content
    lines = csv.decode().splitlines()
    assert "Alameda,3,400000,2026-03,0.8" in lines
    assert "Fresno,5,500000,2026-03,1.0" in lines
    assert "California,8,900000,2026-03,0.9" in lines


def test_county_staff_see_their_county_beside_the_state_and_nothing_of_another(
    client, cast, figures
):
    client.force_login(cast.admin)

    page = client.get(reverse("workspace:county_analytics", args=["alameda"]))
    csv = client.get(reverse("workspace:county_analytics_csv", args=["alameda", Chart.ACTIVE]))

    assert page.status_code == 200
    assert csv.content.decode().splitlines()[1:3] == [
        "Alameda,3,400000,2026-03,0.8",
        "California,8,900000,2026-03,0.9",
    ]
    assert "Fresno" not in csv.content.decode()
    # Another county's page does not exist for them; the state's page sends them to theirs.
    assert client.get(reverse("workspace:county_analytics", args=["fresno"])).status_code == 404
    other_csv = reverse("workspace:county_analytics_csv", args=["fresno", Chart.ACTIVE])
    assert client.get(other_csv).status_code == 404
    state = client.get(reverse("workspace:state_analytics"))
    assert state.status_code == 302
    assert state["Location"] == reverse("workspace:county_analytics", args=["alameda"])
    state_csv = client.get(reverse("workspace:state_analytics_csv", args=[Chart.ACTIVE]))
    assert state_csv.status_code == 302


def test_the_selector_gives_county_staff_their_county_and_the_state_only(cast, figures):
    alameda, fresno = county("alameda").pk, county("fresno").pk
    assert set(figure_snapshots_for(cast.reviewer, Chart.ACTIVE)) == {None, alameda}
    assert set(figure_snapshots_for(cast.other_admin, Chart.ACTIVE)) == {None, fresno}
    assert set(figure_snapshots_for(cast.state, Chart.ACTIVE)) == {None, alameda, fresno}
    assert figure_snapshots_for(cast.applicant, Chart.ACTIVE) == {}
    assert figure_snapshots_for(cast.anonymous, Chart.ACTIVE) == {}


@pytest.mark.parametrize("who", ["applicant", "other_applicant"])
def test_peers_and_applicants_get_403_and_nothing_changes(client, cast, figures, who):
    client.force_login(cast.everyone[who])
    before = _state_of_things()

    for url in (
        reverse("workspace:state_analytics"),
        reverse("workspace:state_analytics_csv", args=[Chart.ACTIVE]),
    ):
        assert client.get(url).status_code == 403
    for url in (
        reverse("workspace:county_analytics", args=["alameda"]),
        reverse("workspace:county_analytics_csv", args=["alameda", Chart.ACTIVE]),
    ):
        assert client.get(url).status_code == 404

    assert _state_of_things() == before


def test_anonymous_visitors_go_to_sign_in_and_nothing_changes(client, cast, figures):
    before = _state_of_things()
    for url in (
        reverse("workspace:state_analytics"),
        reverse("workspace:state_analytics_csv", args=[Chart.ACTIVE]),
        reverse("workspace:county_analytics", args=["alameda"]),
        reverse("workspace:county_analytics_csv", args=["alameda", Chart.ACTIVE]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _state_of_things() == before


@pytest.mark.parametrize("who", ["state", "admin"])
def test_the_pages_only_read(client, cast, figures, who):
    client.force_login(cast.everyone[who])
    before = _state_of_things()

    for url in (
        reverse("workspace:state_analytics"),
        reverse("workspace:county_analytics", args=["alameda"]),
    ):
        assert client.post(url).status_code in (403, 405)

    assert _state_of_things() == before


def test_an_unknown_chart_is_404(client, cast, figures):
    client.force_login(cast.state)
    assert client.get(reverse("workspace:state_analytics_csv", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    "who",
    ["anonymous", "applicant", "other_applicant", "reviewer", "admin", "other_admin", "state"],
)
def test_raw_sql_answers_exactly_what_the_selector_shows(cast, figures, who):
    user = cast.everyone[who]
    expected = {
        snapshot.pk
        for chart in Chart.values
        for snapshot in figure_snapshots_for(user, chart).values()
    }
    with acting_as(user) as cursor:
        cursor.execute("SELECT id FROM analytics_figuresnapshot")
        assert {row[0] for row in cursor.fetchall()} == expected
        # Medi-Cal enrollment is public: everyone reads it.
        cursor.execute("SELECT count(*) FROM analytics_medicalenrollment")
        assert cursor.fetchone()[0] == MediCalEnrollment.objects.count()


@pytest.mark.parametrize("who", ["admin", "state"])
def test_only_the_system_writes_figures_and_only_operators_load_enrollment(cast, figures, who):
    user = cast.everyone[who]
    with acting_as(user) as cursor:
        cursor.execute("UPDATE analytics_figuresnapshot SET rows = '[]'")
        assert cursor.rowcount == 0
    with acting_as(user) as cursor, pytest.raises(ProgrammingError):
        cursor.execute(
            "INSERT INTO analytics_figuresnapshot (chart, computed_at, computed_for, rows) "
            "VALUES ('active', now(), now(), '[]')"
        )
    with acting_as(user) as cursor, pytest.raises(ProgrammingError):
        cursor.execute(
            "INSERT INTO analytics_medicalenrollmentload (source, demo, file_name, "
            "file_sha256, loaded_at, rows_read, rows_loaded, rows_skipped) "
            "VALUES ('x', false, 'x', 'x', now(), 0, 0, 0)"
        )
    with acting_as(user) as cursor, pytest.raises(ProgrammingError):
        cursor.execute("DELETE FROM analytics_medicalenrollment")
    with acting(system=True) as cursor:
        cursor.execute("UPDATE analytics_figuresnapshot SET rows = rows")
        assert cursor.rowcount == FigureSnapshot.objects.count()
