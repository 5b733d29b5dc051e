"""Access layer for CE credits, against the whole cast."""

from types import SimpleNamespace

import pytest
from django.http import Http404

from continuing_ed.selectors import ce_credit_get, ce_credits_for
from counties.selectors import staff_county_ids
from tests.factories import CeCreditFactory, CertificationFactory, MembershipFactory, UserFactory
from tests.factories import county as county_named


@pytest.fixture
def credits(cast):
    own = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    other = CertificationFactory(holder=cast.other_applicant, issuing_county=cast.other_county)
    revoked = CertificationFactory(
        holder=cast.other_applicant, issuing_county=cast.county, status="revoked"
    )
    san_diego = CertificationFactory(
        holder=UserFactory(email="sd@example.org"), issuing_county=county_named("san-diego")
    )
    return SimpleNamespace(
        own_ethics=CeCreditFactory(certification=own),
        own_general=CeCreditFactory(certification=own, category="general", hours=14),
        other_general=CeCreditFactory(certification=other, category="general", status="verified"),
        other_old=CeCreditFactory(certification=revoked, status="rejected"),
        san_diego=CeCreditFactory(certification=san_diego),
    )


VISIBLE = {
    "anonymous": (),
    "applicant": ("own_ethics", "own_general"),
    "other_applicant": ("other_general", "other_old"),
    "reviewer": ("own_ethics", "own_general", "other_old"),
    "admin": ("own_ethics", "own_general", "other_old"),
    "other_admin": ("other_general",),
    "state": ("own_ethics", "own_general", "other_general", "other_old", "san_diego"),
}


@pytest.mark.parametrize(("member", "expected"), VISIBLE.items())
def test_ce_credits_for_each_cast_member(cast, credits, member, expected):
    user = cast.everyone[member]
    assert {c.pk for c in ce_credits_for(user)} == {getattr(credits, name).pk for name in expected}
    for name in vars(credits):
        credit = getattr(credits, name)
        if name in expected:
            assert ce_credit_get(user, credit.pk) == credit
        else:
            with pytest.raises(Http404):
                ce_credit_get(user, credit.pk)


def test_agency_staff_see_each_credit_once(cast, credits):
    agency = UserFactory(email="agency@example.org")
    for code in ("alameda", "fresno", "san-diego"):
        MembershipFactory(user=agency, county=county_named(code), role="admin")
    rows = list(ce_credits_for(agency))
    assert len(rows) == len(set(rows)) == 5


def test_inactive_holder_sees_nothing(cast, credits):
    cast.applicant.is_active = False
    assert not ce_credits_for(cast.applicant).exists()


@pytest.mark.parametrize("bad_pk", ["abc", None, 10**20])
def test_malformed_pk_is_404(cast, credits, bad_pk):
    with pytest.raises(Http404):
        ce_credit_get(cast.state, bad_pk)


def test_list_is_one_query(cast, credits, django_assert_num_queries):
    for user in (cast.applicant, cast.admin, cast.state):
        staff_county_ids(user)  # asked once per request (cached on the user), not per list
        with django_assert_num_queries(1):
            [c.certification.number for c in ce_credits_for(user)]
