"""fees.selectors.fees_due_for: the person's own fees, their county's staff, state staff."""

import pytest

from fees.models import FeeDue
from fees.selectors import fees_due_for
from tests.certification.builders import approved_application

pytestmark = pytest.mark.django_db


def _fee(application) -> FeeDue:
    return FeeDue.objects.create(
        county=application.county,
        person=application.applicant,
        kind="application",
        amount_cents=10000,
        application=application,
    )


def test_who_sees_which_fees(cast):
    alameda = _fee(approved_application(applicant=cast.applicant, county=cast.county))
    fresno = _fee(approved_application(applicant=cast.other_applicant, county=cast.other_county))

    seen = {name: set(fees_due_for(user)) for name, user in cast.everyone.items()}

    assert seen == {
        "anonymous": set(),
        "applicant": {alameda},
        "other_applicant": {fresno},
        "reviewer": {alameda},
        "admin": {alameda},
        "other_admin": {fresno},
        "state": {alameda, fresno},
    }
