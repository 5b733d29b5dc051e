"""Access layer for applications, documents and certifications, against the whole cast."""

from django.contrib.auth import authenticate

from tests.cast import CAST_PASSWORD


def test_cast_members_sign_in_with_the_cast_password(cast):
    for name, user in cast.everyone.items():
        if name == "anonymous":
            assert not user.is_authenticated
            continue
        assert authenticate(email=user.email, password=CAST_PASSWORD) == user
    assert cast.applicant.applicant_profile.legal_first_name == "Ana"
    assert cast.other_applicant.applicant_profile.legal_last_name == "Okafor"
    assert set(cast.reviewer.county_memberships.values_list("county__code", "role")) == {
        ("alameda", "reviewer")
    }
    assert set(cast.admin.county_memberships.values_list("county__code", "role")) == {
        ("alameda", "admin")
    }
    assert set(cast.other_admin.county_memberships.values_list("county__code", "role")) == {
        ("fresno", "admin")
    }
    assert cast.state.is_state_staff and not cast.state.county_memberships.exists()
    assert (cast.county.code, cast.other_county.code) == ("alameda", "fresno")
