"""Under the program's policy (default on, ProgramPolicy.unpaid_fees_hold_exam and
unpaid_fees_hold_renewal), the exam waits for the application fee and a renewal for the fees
owed on the certification before, each paid or waived; the reason is shown to the person and
to staff (docs/domain.md#fees)."""

import datetime

import pytest
from django.urls import reverse

from certification.services import certification_renew
from core.errors import DomainError
from counties.models import ProgramPolicy
from exams.models import ExamAttempt
from exams.services import exam_attempt_record
from fees.models import FeeDue
from fees.services import fee_due_record, fee_payment_record
from tests.certification.builders import approved_application, certification_in, today
from tests.factories import CeCreditFactory, EthicsVersionFactory
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


def test_both_holds_are_on_by_default():
    """Issue 17: "default: exam authorization and renewal wait for payment or waiver"."""
    policy = ProgramPolicy.current()
    assert policy.unpaid_fees_hold_exam and policy.unpaid_fees_hold_renewal
    field = ProgramPolicy._meta.get_field
    assert field("unpaid_fees_hold_exam").default is True
    assert field("unpaid_fees_hold_renewal").default is True


def _fee(application) -> FeeDue:
    return fee_due_record(
        actor=None,
        county=application.county,
        person=application.applicant,
        kind="application",
        application=application,
    )


def _pay(cast, fee, cents=None):
    return fee_payment_record(
        actor=cast.reviewer,
        fee=fee,
        amount_cents=cents or fee.amount_cents,
        method="cash",
        paid_on=today(),
    )


def _record(cast, application):
    return exam_attempt_record(
        actor=cast.reviewer, application=application, taken_on=today(), result="passed"
    )


def _policy(**values):
    policy = ProgramPolicy.current()
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()


def test_the_exam_waits_for_the_application_fee(cast):
    application = approved_application(county=cast.county, trained=True)
    fee = _fee(application)
    _pay(cast, fee, 4000)

    with pytest.raises(DomainError) as refused:
        _record(cast, application)

    assert "Fees still owed: Application fee ($60.00)" in refused.value.message
    assert not ExamAttempt.objects.exists()
    assert list(FeeDue.objects.values_list("kind", flat=True)) == ["application"]
    _pay(cast, fee, 6000)
    assert _record(cast, application).result == "passed"


def test_with_the_policy_off_the_exam_does_not_wait(cast):
    _policy(unpaid_fees_hold_exam=False)
    application = approved_application(county=cast.county, trained=True)
    _fee(application)

    assert _record(cast, application).result == "passed"


def test_staff_and_the_person_read_why_the_exam_waits(cast):
    application = approved_application(applicant=cast.applicant, county=cast.county, trained=True)
    _fee(application)

    staff_page = client_for(cast.reviewer).get(
        reverse("workspace:application", args=[cast.county.code, application.pk])
    )
    person_page = client_for(cast.applicant).get(
        reverse("portal:application_status", args=[application.pk])
    )

    for page in (staff_page, person_page):
        assert "Fees still owed: Application fee ($100.00)" in page.content.decode()


def _renewable(cast, application=None):
    certification = certification_in(
        issuing_county=cast.county,
        issued_on=today() - datetime.timedelta(days=700),
        expires_on=today() + datetime.timedelta(days=30),
        **({"application": application, "holder": application.applicant} if application else {}),
    )
    CeCreditFactory(certification=certification, hours=20, status="verified")
    return certification


def _renew(certification):
    return certification_renew(
        actor=certification.holder,
        certification=certification,
        ethics_version=EthicsVersionFactory(),
        attest_ce=True,
        attest_records=True,
    )


def test_a_renewal_waits_for_the_fees_owed_on_the_certification(cast):
    application = approved_application(county=cast.county)
    fee = _fee(application)
    certification = _renewable(cast, application)
    before = certification.expires_on

    with pytest.raises(DomainError) as refused:
        _renew(certification)

    assert refused.value.code == "conflict"
    assert "Fees still owed: Application fee ($100.00)" in refused.value.message
    certification.refresh_from_db()
    assert certification.expires_on == before and not certification.renewals.exists()
    page = client_for(certification.holder).get(reverse("portal:renewal")).content.decode()
    assert "Fees still owed: Application fee ($100.00)" in page
    _pay(cast, fee)
    assert _renew(certification).fee_cents == 8000


def test_with_the_policy_off_a_renewal_does_not_wait(cast):
    _policy(unpaid_fees_hold_renewal=False)
    application = approved_application(county=cast.county)
    _fee(application)

    assert _renew(_renewable(cast, application)).fee_cents == 8000


def _record_link(cast, fee) -> str:
    return reverse("workspace:fee_payment_record", args=[cast.county.code, fee.pk])


def test_beside_the_exam_hold_staff_find_a_link_to_record_the_payment(cast):
    application = approved_application(applicant=cast.applicant, county=cast.county, trained=True)
    fee = _fee(application)
    url = reverse("workspace:application", args=[cast.county.code, application.pk])

    for who in ("reviewer", "admin"):
        page = client_for(cast.everyone[who]).get(url).content.decode()
        hold = page.split("Fees still owed: Application fee ($100.00)")[1].split("</li>")[0]
        assert _record_link(cast, fee) in hold and "Record the payment" in hold, who
    # State staff read the hold but may not record a payment: no link.
    state = client_for(cast.state).get(url).content.decode()
    assert "Fees still owed" in state and _record_link(cast, fee) not in state
    # Once paid, neither the hold nor the link.
    _pay(cast, fee)
    paid = client_for(cast.reviewer).get(url).content.decode()
    assert "Fees still owed" not in paid and _record_link(cast, fee) not in paid


def test_beside_the_renewal_hold_staff_find_a_link_to_record_the_payment(cast):
    application = approved_application(county=cast.county)
    fee = _fee(application)
    certification = _renewable(cast, application)
    url = reverse("workspace:certification", args=[cast.county.code, certification.pk])

    page = client_for(cast.reviewer).get(url).content.decode()

    hold = page.split('id="renewal-fee-hold"')[1].split("</div></div>")[0]
    assert "Fees still owed: Application fee ($100.00)" in hold
    assert _record_link(cast, fee) in hold and "Record the payment" in hold
    assert _record_link(cast, fee) not in client_for(cast.state).get(url).content.decode()
    _pay(cast, fee)
    assert 'id="renewal-fee-hold"' not in client_for(cast.reviewer).get(url).content.decode()


def test_with_the_policy_off_no_hold_and_no_link(cast):
    _policy(unpaid_fees_hold_exam=False, unpaid_fees_hold_renewal=False)
    application = approved_application(county=cast.county, trained=True)
    fee = _fee(application)
    certification = _renewable(cast, application)

    for url in (
        reverse("workspace:application", args=[cast.county.code, application.pk]),
        reverse("workspace:certification", args=[cast.county.code, certification.pk]),
    ):
        page = client_for(cast.reviewer).get(url).content.decode()
        assert "Fees still owed" not in page and _record_link(cast, fee) not in page
