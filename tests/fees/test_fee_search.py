"""The county's fee list finds a person by name or email (a dead end met walking the fees:
the list only paged through every fee of the county, newest first)."""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from fees.models import FeeDue
from fees.services import fee_due_record, fee_payment_record
from tests.certification.builders import approved_application
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


def _fee(cast, applicant) -> FeeDue:
    application = approved_application(applicant=applicant, county=cast.county)
    return fee_due_record(
        actor=None,
        county=cast.county,
        person=applicant,
        kind="application",
        application=application,
    )


def _links(page: str) -> list[str]:
    return re.findall(r'href="/county/alameda/fees/(\d+)/"', page)


def test_staff_find_a_persons_fee_by_name_or_email(cast):
    ana = _fee(cast, cast.applicant)  # Ana Reyes, applicant@cast.test
    ben = _fee(cast, cast.other_applicant)  # Ben Okafor, other@cast.test
    reviewer = client_for(cast.reviewer)
    url = reverse("workspace:fees", args=[cast.county.code])

    assert sorted(_links(reviewer.get(url).content.decode())) == sorted([str(ana.pk), str(ben.pk)])
    for query in ("reyes", "Ana Reyes", "applicant@cast", "  ANA  "):
        page = reviewer.get(url, {"q": query}).content.decode()
        assert _links(page) == [str(ana.pk)], query
    page = reviewer.get(url, {"q": "okafor", "show": "all"}).content.decode()
    assert _links(page) == [str(ben.pk)]
    # The search keeps the list chosen, and the list buttons keep the search.
    assert 'name="show" value="all"' in page
    assert 'href="?show=owed&amp;q=okafor"' in page


def test_a_search_finding_nothing_says_so_and_offers_the_other_list(cast):
    fee = _fee(cast, cast.applicant)
    fee_payment_record(
        actor=cast.reviewer,
        fee=fee,
        amount_cents=fee.amount_cents,
        method="cash",
        paid_on=timezone.localdate(),
        idempotency_key=uuid.uuid4(),
    )
    reviewer = client_for(cast.reviewer)
    url = reverse("workspace:fees", args=[cast.county.code])

    page = reviewer.get(url, {"q": "reyes"}).content.decode()

    assert _links(page) == []
    assert "No fee of anyone matching “reyes” here." in page
    assert 'href="?show=all&amp;q=reyes"' in page
    assert _links(reviewer.get(url, {"q": "reyes", "show": "all"}).content.decode()) == [
        str(fee.pk)
    ]


@pytest.mark.parametrize("query", ["x" * 500, "%", "_", "<script>", "a b c d e f g h"])
def test_odd_searches_are_answered_never_a_500(cast, query):
    _fee(cast, cast.applicant)
    response = client_for(cast.reviewer).get(
        reverse("workspace:fees", args=[cast.county.code]), {"q": query}
    )
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[-1]
