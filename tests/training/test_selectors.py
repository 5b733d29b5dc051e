"""Access layer for training records, against the whole cast.

A person's training records are visible to them, to staff of a county they submitted an
application to or that issued their certification, and to state staff (for anyone who has
submitted an application or holds a certification). Drafts share nothing.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.http import Http404

from certification.selectors import training_record_get, training_records_for
from counties.selectors import staff_county_ids
from tests.factories import (
    ApplicationFactory,
    CertificationFactory,
    MembershipFactory,
    TrainingRecordFactory,
    UserFactory,
    county,
)


@pytest.fixture
def records(cast):
    drafter = UserFactory(email="drafter@example.org")
    fresno_peer = UserFactory(email="fresno.peer@example.org")
    sacramento = UserFactory(email="sacramento@example.org")
    # The applicant: a draft in Alameda, a withdrawn application in Fresno.
    ApplicationFactory(applicant=cast.applicant, county=cast.county)
    ApplicationFactory(applicant=cast.applicant, county=cast.other_county, status="withdrawn")
    ApplicationFactory(applicant=cast.other_applicant, county=cast.county, status="submitted")
    ApplicationFactory(applicant=drafter, county=cast.other_county)
    ApplicationFactory(applicant=sacramento, county=county("sacramento"), status="denied")
    CertificationFactory(holder=fresno_peer, issuing_county=cast.other_county)
    return SimpleNamespace(
        own_core=TrainingRecordFactory(person=cast.applicant),
        own_crisis=TrainingRecordFactory(person=cast.applicant, course="crisis", hours=40),
        other_core=TrainingRecordFactory(person=cast.other_applicant, status="verified"),
        drafter=TrainingRecordFactory(person=drafter),
        fresno_peer=TrainingRecordFactory(person=fresno_peer, status="verified"),
        sacramento=TrainingRecordFactory(person=sacramento, status="rejected"),
        nobody=TrainingRecordFactory(completed_on=datetime.date(2023, 5, 1)),
    )


VISIBLE = {
    "anonymous": (),
    "applicant": ("own_core", "own_crisis"),
    "other_applicant": ("other_core",),
    "reviewer": ("other_core",),
    "admin": ("other_core",),
    "other_admin": ("own_core", "own_crisis", "fresno_peer"),
    "state": ("own_core", "own_crisis", "other_core", "fresno_peer", "sacramento"),
}


@pytest.mark.parametrize(("member", "expected"), VISIBLE.items())
def test_training_records_for_each_cast_member(cast, records, member, expected):
    user = cast.everyone[member]
    assert {r.pk for r in training_records_for(user)} == {
        getattr(records, name).pk for name in expected
    }
    for name in vars(records):
        record = getattr(records, name)
        if name in expected:
            assert training_record_get(user, record.pk) == record
        else:
            with pytest.raises(Http404):
                training_record_get(user, record.pk)


def test_each_record_once_for_staff_of_several_counties(cast, records):
    agency = UserFactory(email="agency@example.org")
    for code in ("alameda", "fresno", "sacramento"):
        MembershipFactory(user=agency, county=county(code), role="admin")
    # Two more submitted applications and a certification for the same person.
    ApplicationFactory(applicant=cast.other_applicant, county=county("sacramento"), status="denied")
    CertificationFactory(holder=cast.other_applicant, issuing_county=county("fresno"))
    rows = list(training_records_for(agency))
    assert len(rows) == len(set(rows))
    assert {r.pk for r in rows} == {
        records.own_core.pk,
        records.own_crisis.pk,
        records.other_core.pk,
        records.fresno_peer.pk,
        records.sacramento.pk,
    }


def test_inactive_user_sees_nothing(cast, records):
    cast.state.is_active = False
    assert not training_records_for(cast.state).exists()
    with pytest.raises(Http404):
        training_record_get(cast.state, records.other_core.pk)


@pytest.mark.parametrize("bad_pk", ["abc", None, "", 10**20, [1]])
def test_malformed_pk_is_404(cast, records, bad_pk):
    with pytest.raises(Http404):
        training_record_get(cast.state, bad_pk)


def test_list_is_two_queries(cast, records, django_assert_num_queries):
    """The records with person and provider, then the providers' course approvals (read by the
    rule "approved on the completion date"), whatever the number of records."""
    for user in (cast.applicant, cast.other_admin, cast.state):
        staff_county_ids(user)  # asked once per request (cached on the user), not per list
        with django_assert_num_queries(2):
            [(r.person.email, r.provider.name) for r in training_records_for(user)]
