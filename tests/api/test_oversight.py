"""GET /api/v1/oversight/cases/ (issue 14 item 7): complaints received, acknowledged on time,
resolved on time, by category and outcome, appeals by status, per handling county and period;
state staff only; never a complaint's content."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.models import Appeal, Case
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/oversight/cases/"


def _case(cast, *, county, actor, received_on, category="boundaries"):
    return services.case_open(
        actor=actor,
        county=county,
        source="phone_letter",
        category=category,
        summary="Complainant Rosa Vega reports a boundary violation.",
        received_on=received_on,
        certification=CertificationFactory(issuing_county=county),
    )


@pytest.fixture
def figures(cast):
    """Alameda: one acknowledged on time and revoked on time; one never acknowledged; one
    acknowledged late and closed without a decision. Fresno: one warning. One out of the
    period. One appeal, overturned."""
    today = timezone.localdate()
    on_time = _case(cast, county=cast.county, actor=cast.admin, received_on=today)
    for to in ("investigation", "findings"):
        services.case_advance(actor=cast.admin, case=on_time, to=to)
    decision = services.case_decide(
        actor=cast.admin,
        case=on_time,
        outcome="revocation",
        findings="Found.",
        expected_decisions=0,
    )
    _case(cast, county=cast.county, actor=cast.admin, received_on=today, category="integrity")
    late = _case(cast, county=cast.county, actor=cast.admin, received_on=today)
    Case.objects.filter(pk=late.pk).update(
        received_on=today - datetime.timedelta(days=200),
        acknowledgement_due=today - datetime.timedelta(days=193),
        resolution_due=today - datetime.timedelta(days=110),
    )
    services.case_advance(actor=cast.admin, case=late, to="closed", note="Withdrawn.")
    fresno = _case(cast, county=cast.other_county, actor=cast.other_admin, received_on=today)
    for to in ("investigation", "findings"):
        services.case_advance(actor=cast.other_admin, case=fresno, to=to)
    services.case_decide(
        actor=cast.other_admin, case=fresno, outcome="warning", findings="x", expected_decisions=0
    )
    old = _case(cast, county=cast.county, actor=cast.admin, received_on=today)
    Case.objects.filter(pk=old.pk).update(received_on=datetime.date(2020, 1, 1))
    Appeal.objects.create(
        appellant=on_time.subject,
        county=cast.county,
        kind="case_decision",
        case=on_time,
        certification=on_time.certification,
        decision_ref=f"case_decision:{decision.pk}",
        decision_on=today,
        decision_by=cast.admin,
        statement="I disagree.",
        status="overturned",
        decided_by=cast.state,
        decided_at=timezone.now(),
        outcome_reason="New evidence.",
    )


def test_state_staff_read_the_figures_per_county_and_statewide(cast, client_for, figures):
    start = (timezone.localdate() - datetime.timedelta(days=364)).isoformat()
    body = client_for(cast.state).get(URL, {"start": start}).json()

    alameda, fresno = body["counties"]
    assert alameda["county"] == {"code": "alameda", "name": "Alameda"}
    assert (alameda["received"], fresno["received"], body["statewide"]["received"]) == (3, 1, 4)
    assert (
        alameda["acknowledged_on_time"],
        alameda["acknowledged_late"],
        alameda["not_yet_acknowledged"],
    ) == (1, 1, 1)
    assert (alameda["resolved_on_time"], alameda["resolved_late"]) == (1, 1)
    assert alameda["not_yet_resolved"] == 1
    assert alameda["acknowledged_on_time_rate"] == 0.5
    assert alameda["by_category"]["boundaries"] == 2
    assert alameda["by_category"]["integrity"] == 1
    assert alameda["by_category"]["safety"] == 0
    assert alameda["by_outcome"]["revocation"] == 1
    assert alameda["by_outcome"]["closed_without_decision"] == 1
    assert alameda["by_outcome"]["undecided"] == 1
    assert alameda["appeals"]["filed"] == 1
    assert alameda["appeals"]["by_status"]["overturned"] == 1
    assert alameda["appeals"]["overturned_rate"] == 1.0
    assert fresno["by_outcome"]["warning"] == 1
    assert fresno["appeals"] == {
        "filed": 0,
        "by_status": {"filed": 0, "upheld": 0, "overturned": 0, "modified": 0},
        "overturned_rate": None,
    }
    assert "Vega" not in str(body)


def test_a_period_and_a_county_narrow_the_figures(cast, client_for, figures):
    state = client_for(cast.state)
    old = state.get(URL, {"start": "2019-01-01", "end": "2020-12-31"}).json()
    assert old["statewide"]["received"] == 1
    assert old["statewide"]["resolved_on_time_rate"] is None  # nothing resolved: not recorded
    fresno = state.get(URL, {"county": "fresno"}).json()
    assert [c["county"]["code"] for c in fresno["counties"]] == ["fresno"]
    assert fresno["statewide"]["received"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "start"),
        ({"start": "1990-01-01", "end": "2026-01-01"}, "start"),
        ({"county": "atlantis"}, "county"),
    ],
)
def test_a_bad_parameter_answers_400_naming_it(cast, client_for, query, field):
    response = client_for(cast.state).get(URL, query)
    assert response.status_code == 400
    assert set(response.json()) == {field}


@pytest.mark.parametrize("who", ["admin", "reviewer", "applicant"])
def test_only_state_staff_read_them(cast, client_for, api, figures, who):
    response = client_for(getattr(cast, who)).get(URL)
    assert response.status_code == 403
    assert "Vega" not in response.content.decode() and "received" not in response.json()
    assert api.get(URL).status_code == 401
