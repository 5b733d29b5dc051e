"""GET /api/v1/providers/outcomes/ (issue 15 item 5): the figures of the prepared data set of
tests/providers/test_outcomes.py for state staff; 400 naming a bad provider; 403 for county
staff, a provider's staff and applicants (the matrix: tests/api/test_permissions.py)."""

import pytest

from tests.api.test_permissions import NOT_STATE
from tests.providers.test_outcomes import dataset  # noqa: F401  (the prepared data set)

pytestmark = pytest.mark.django_db


def test_the_api_serves_the_figures_to_state_staff_only(client_for, cast, providers, dataset):  # noqa: F811
    url = "/api/v1/providers/outcomes/"
    body = client_for(cast.state).get(url, {"provider": providers.hope.pk}).json()
    assert body["min_group"] == 10
    core = {row["course_title"]: row for row in body["courses"]}["Hope core"]
    assert (core["learners"], core["candidates"], core["first_attempt_pass_rate"]) == (12, 10, 60.0)
    assert core["median_days_to_certification"] is None
    for bad in ("x", "0", str(providers.hope.pk + 1000)):
        response = client_for(cast.state).get(url, {"provider": bad})
        assert response.status_code == 400 and "provider" in response.json()
    for who in (cast.admin, providers.boss, cast.applicant):
        response = client_for(who).get(url)
        assert (response.status_code, response.json()) == (403, NOT_STATE)
