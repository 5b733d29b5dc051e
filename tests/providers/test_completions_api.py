"""POST /api/v1/provider/completions/ (issue 15 item 4): with a provider API key only;
posting the same completions twice changes nothing; a changed payload under the same id is a
409; bad rows answer 400 naming each row's problems, and nothing is saved; another provider's
key reports nothing for this provider's courses; bad input never a 500."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from providers.models import Completion
from providers.services import provider_api_key_create, provider_api_key_revoke
from tests.api.conftest import token_for
from tests.providers.completions_data import row
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

URL = "/api/v1/provider/completions/"


def _client(key: str | None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def hope_key(providers) -> str:
    return provider_api_key_create(actor=providers.boss, provider=providers.hope, name="LMS").key


def _state():
    return (
        list(Completion.objects.order_by("pk").values()),
        list(TrainingRecord.objects.order_by("pk").values()),
    )


def test_posting_the_same_completions_twice_changes_nothing(cast, providers, courses, hope_key):
    body = {
        "completions": [
            row(courses["core"]),
            row(courses["core"], completion_id="HW-2", email="later@example.org"),
        ]
    }
    first = _client(hope_key).post(URL, body, format="json")
    assert first.status_code == 201, first.json()
    results = first.json()["results"]
    assert [r["status"] for r in results] == ["attached", "waiting"]
    assert TrainingRecord.objects.get().person == cast.applicant
    before = _state()

    again = _client(hope_key).post(URL, body, format="json")
    assert again.status_code == 200
    assert again.json()["unchanged"] == 2 and again.json()["created"] == 0
    assert _state() == before

    changed = _client(hope_key).post(
        URL, {"completions": [row(courses["core"], hours=90)]}, format="json"
    )
    assert changed.status_code == 409
    assert changed.json()["rows"][0]["completion_id"] == "HW-1"
    assert _state() == before


def test_bad_rows_answer_400_with_each_rows_problems_and_nothing_is_saved(
    providers, courses, hope_key
):
    CourseApproval = courses["core"].approvals.model
    CourseApproval.objects.filter(course=courses["core"]).update(
        ends_on=timezone.localdate() - timezone.timedelta(days=60)
    )
    body = {
        "completions": [
            row(courses["ce"], completion_id="OK", hours=5.5),
            row(courses["core"], completion_id="LAPSED"),
            row(courses["core"], completion_id="BAD", email="nope", date_of_birth="1985-13-01"),
        ]
    }
    response = _client(hope_key).post(URL, body, format="json")
    assert response.status_code == 400
    rows = {r["completion_id"]: r for r in response.json()["rows"]}
    assert set(rows) == {"LAPSED", "BAD"}
    assert "was not approved on" in rows["LAPSED"]["errors"]["completed_on"]
    assert set(rows["BAD"]["errors"]) == {"email", "date_of_birth"}
    assert not Completion.objects.exists()


def test_only_a_current_provider_key_is_accepted(cast, providers, courses, hope_key):
    body = {"completions": [row(courses["core"])]}
    assert _client(None).post(URL, body, format="json").status_code == 401
    assert _client("pk_nothing").post(URL, body, format="json").status_code == 401
    staff_token = token_for(cast.state)
    assert _client(staff_token).post(URL, body, format="json").status_code == 401
    rival_key = provider_api_key_create(
        actor=providers.rival, provider=providers.rival_org, name="x"
    )
    response = _client(rival_key.key).post(URL, body, format="json")
    assert response.status_code == 400
    assert "not one of your courses" in response.json()["rows"][0]["errors"]["course_id"]
    key = providers.hope.api_keys.get()
    provider_api_key_revoke(actor=providers.boss, api_key=key)
    assert _client(hope_key).post(URL, body, format="json").status_code == 401
    assert _client(hope_key).get(URL).status_code == 401
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"completions": []},
        {"completions": "x"},
        {"completions": [1, None, "a"]},
        {"completions": [{"hours": True, "course_id": [], "date_of_birth": 5}]},
        [],
    ],
)
def test_malformed_bodies_answer_400_never_500(providers, courses, hope_key, body):
    response = _client(hope_key).post(URL, body, format="json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Completion.objects.exists()


def test_other_methods_answer_405(hope_key):
    assert _client(hope_key).get(URL).status_code == 405


def test_hours_not_those_of_the_approved_course_answer_400_and_nothing_is_saved(
    providers, courses, hope_key
):
    body = {
        "completions": [
            row(courses["core"], completion_id="FULL"),
            row(courses["core"], completion_id="OVER", hours=81),
            row(courses["core"], completion_id="SHORT", hours=60),
            row(courses["ce"], completion_id="CE-OVER", hours=6.5),
        ]
    }
    response = _client(hope_key).post(URL, body, format="json")
    assert response.status_code == 400
    rows = {r["completion_id"]: r["errors"] for r in response.json()["rows"]}
    assert set(rows) == {"OVER", "SHORT", "CE-OVER"}
    assert "approved for 80 hours; a completion cannot report more (81)" in rows["OVER"]["hours"]
    assert "completed only in full" in rows["SHORT"]["hours"]
    assert "approved for 6 hours" in rows["CE-OVER"]["hours"]
    assert not Completion.objects.exists()
