"""Access layer for exam attempts, against the whole cast."""

import datetime
from types import SimpleNamespace

import pytest
from django.http import Http404

from counties.selectors import staff_county_ids
from exams.selectors import exam_attempt_get, exam_attempts_for
from tests.factories import ApplicationFactory, ExamAttemptFactory, MembershipFactory, UserFactory
from tests.factories import county as county_named

APPROVED = {
    "status": "approved",
    "approved_on": datetime.date(2025, 1, 10),
    "window_ends_on": datetime.date(2026, 1, 9),
}


@pytest.fixture
def attempts(cast):
    own = ApplicationFactory(applicant=cast.applicant, county=cast.county, **APPROVED)
    other = ApplicationFactory(
        applicant=cast.other_applicant, county=cast.other_county, status="certified"
    )
    la = ApplicationFactory(
        applicant=UserFactory(email="la@example.org"),
        county=county_named("los-angeles"),
        **APPROVED,
    )
    return SimpleNamespace(
        own_failed=ExamAttemptFactory(application=own, result="failed", scaled_score=410),
        own_no_show=ExamAttemptFactory(
            application=own, result="no_show", scaled_score=None, taken_on=datetime.date(2025, 3, 1)
        ),
        other_passed=ExamAttemptFactory(application=other),
        la_passed=ExamAttemptFactory(application=la, source="import", vendor_reference="PV-1"),
    )


VISIBLE = {
    "anonymous": (),
    "applicant": ("own_failed", "own_no_show"),
    "other_applicant": ("other_passed",),
    "reviewer": ("own_failed", "own_no_show"),
    "admin": ("own_failed", "own_no_show"),
    "other_admin": ("other_passed",),
    "state": ("own_failed", "own_no_show", "other_passed", "la_passed"),
}


@pytest.mark.parametrize(("member", "expected"), VISIBLE.items())
def test_exam_attempts_for_each_cast_member(cast, attempts, member, expected):
    user = cast.everyone[member]
    assert {a.pk for a in exam_attempts_for(user)} == {
        getattr(attempts, name).pk for name in expected
    }
    for name in vars(attempts):
        attempt = getattr(attempts, name)
        if name in expected:
            assert exam_attempt_get(user, attempt.pk) == attempt
        else:
            with pytest.raises(Http404):
                exam_attempt_get(user, attempt.pk)


def test_attempts_of_a_draft_stay_private(cast, attempts):
    """Services never record attempts on drafts; should one exist, staff do not see it."""
    draft = ApplicationFactory(applicant=cast.other_applicant, county=cast.county)
    hidden = ExamAttemptFactory(application=draft)
    assert hidden.pk not in {a.pk for a in exam_attempts_for(cast.admin)}
    assert hidden.pk not in {a.pk for a in exam_attempts_for(cast.state)}
    assert hidden.pk in {a.pk for a in exam_attempts_for(cast.other_applicant)}


def test_agency_staff_see_each_attempt_once(cast, attempts):
    agency = UserFactory(email="agency@example.org")
    for code in ("alameda", "fresno"):
        MembershipFactory(user=agency, county=county_named(code), role="reviewer")
    rows = list(exam_attempts_for(agency))
    assert len(rows) == len(set(rows)) == 3


@pytest.mark.parametrize("bad_pk", ["abc", None, 10**20])
def test_malformed_pk_is_404(cast, attempts, bad_pk):
    with pytest.raises(Http404):
        exam_attempt_get(cast.state, bad_pk)


def test_list_is_one_query(cast, attempts, django_assert_num_queries):
    for user in (cast.applicant, cast.admin, cast.state):
        staff_county_ids(user)  # asked once per request (cached on the user), not per list
        with django_assert_num_queries(1):
            [a.application.status for a in exam_attempts_for(user)]
