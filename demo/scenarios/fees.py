"""The demo's money (docs/domain.md#fees, #scholarships): how each demo county's program
tells people to reach and pay it, a DHCS renewal fee waiver, a partial payment and the
scholarships. The people's own payments before their exams and renewals are made in their
stories (`demo.fees.pay_owed`). Every step goes through the real services, on its own day."""

import datetime

from django.utils import timezone

from accounts.models import User
from counties.services import county_contact_update
from demo.clock import Timeline
from demo.story import Cast
from fees.models import FeeDue, FeeKind, ScholarshipCover, ScholarshipPool
from fees.services import (
    fee_payment_record,
    fee_waiver_grant,
    scholarship_decide,
    scholarship_nominate,
    scholarship_pool_create,
)

# How people reach each demo county's program and pay it: demo details (555 numbers,
# example.org addresses), kept where a county administrator keeps them.
PROGRAM_CONTACTS = {
    "alameda": {
        "contact_email": "peercert@alameda.example.org",
        "contact_phone": "(510) 555-0100",
        "contact_address": "Peer Certification Program\n2000 Embarcadero, Suite 400\n"
        "Oakland, CA 94606",
        "contact_hours": "Monday to Friday, 8:30 am to 4:30 pm",
        "contact_hours_es": "De lunes a viernes, de 8:30 a. m. a 4:30 p. m.",
    },
    "fresno": {
        "contact_email": "peercert@fresno.example.org",
        "contact_phone": "(559) 555-0100",
        "contact_address": "Peer Certification Program\n1925 E Dakota Ave\nFresno, CA 93726",
        "contact_hours": "Monday to Friday, 8 am to 5 pm",
        "contact_hours_es": "De lunes a viernes, de 8 a. m. a 5 p. m.",
    },
    "los-angeles": {
        "contact_email": "peercert@lacounty.example.org",
        "contact_phone": "(213) 555-0100",
        "contact_address": "Peer Certification Program\n510 S Vermont Ave, 9th Floor\n"
        "Los Angeles, CA 90020",
        "contact_hours": "Monday to Thursday, 8 am to 5 pm",
        "contact_hours_es": "De lunes a jueves, de 8 a. m. a 5 p. m.",
    },
    "san-diego": {
        "contact_email": "peercert@sandiego.example.org",
        "contact_phone": "(619) 555-0100",
        "contact_address": "Peer Certification Program\n3255 Camino del Rio S\nSan Diego, CA 92108",
        "contact_hours": "Monday to Friday, 8 am to 4 pm",
        "contact_hours_es": "De lunes a viernes, de 8 a. m. a 4 p. m.",
    },
    "sacramento": {
        "contact_email": "peercert@saccounty.example.org",
        "contact_phone": "(916) 555-0100",
        "contact_address": "Peer Certification Program\n7001-A East Parkway, Suite 400\n"
        "Sacramento, CA 95823",
        "contact_hours": "Monday to Friday, 9 am to 4 pm",
        "contact_hours_es": "De lunes a viernes, de 9 a. m. a 4 p. m.",
    },
}


def _timeline(cast: Cast) -> Timeline:
    return Timeline(cast.clock)


def program_contacts(cast: Cast) -> None:
    """Each demo county's administrator sets how people reach and pay the program (shown on
    every fee page and with every hold), where not set yet."""
    with _timeline(cast).step(cast.program_start + datetime.timedelta(days=15)):
        for code, fields in PROGRAM_CONTACTS.items():
            county = cast.counties[code]
            if not county.has_contact:
                county_contact_update(actor=cast.admin(code), county=county, fields=fields)


# -- the fee stories (after the people's own stories: they act on their fees) ------------------


def _person(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def renewal_fee_waived(cast: Cast) -> None:
    """Los Angeles grants Elena García a DHCS-funded renewal fee waiver a week after her
    latest renewal: the renewal fee she had not paid yet is owed at zero."""
    person = _person("elena.garcia@example.org")
    renewal_fee = (
        FeeDue.objects.filter(person=person, kind=FeeKind.RENEWAL).order_by("-created_at").first()
    )
    if person is None or renewal_fee is None or hasattr(renewal_fee, "waiver"):
        return
    day = min(
        timezone.localdate(renewal_fee.created_at) + datetime.timedelta(days=7), cast.clock.today
    )
    with _timeline(cast).step(day):
        fee_waiver_grant(
            actor=cast.admin("los-angeles"),
            county=cast.counties["los-angeles"],
            person=person,
            reason="DHCS renewal fee waiver fund, 2024-25 allocation: peer employed part time "
            "at a community clinic.",
        )


def reinstatement_part_paid(cast: Cast) -> None:
    """Tanya Robinson pays the reinstatement fee a week after her reinstatement; the late fee
    is still owed."""
    person = _person("tanya.robinson@example.org")
    fee = FeeDue.objects.filter(person=person, kind=FeeKind.REINSTATEMENT).first()
    if person is None or fee is None or fee.payments.exists():
        return
    day = min(timezone.localdate(fee.created_at) + datetime.timedelta(days=7), cast.clock.today)
    with _timeline(cast).step(day) as today:
        fee_payment_record(
            actor=cast.admin("fresno"),
            fee=fee,
            amount_cents=fee.amount_cents,
            method="money_order",
            reference="MO 4471920",
            paid_on=today,
            today=today,
        )


SCHOLARSHIP_POOL = "DHCS peer certification scholarships"


def scholarships(cast: Cast) -> None:
    """DHCS opens a pool of 25 places covering the application and exam fees; Los Angeles
    nominates María López (accepted by DHCS: her application fee is covered) and Sacramento
    nominates Linh Tran (waiting for DHCS's decision: until then her exam waits for the
    application fee)."""
    if ScholarshipPool.objects.filter(name=SCHOLARSHIP_POOL).exists():
        return
    maria = _person("maria.lopez@example.org")
    linh = _person("linh.tran@example.org")
    if maria is None or linh is None:
        return
    state = User.objects.get(email="dhcs.viewer@example.org")
    clock = cast.clock
    with _timeline(cast).step(clock.days_ago(60)):
        pool = scholarship_pool_create(
            actor=state,
            name=SCHOLARSHIP_POOL,
            source="DHCS Behavioral Health Workforce Development grant, fiscal year 2026-27",
            covers=ScholarshipCover.APPLICATION_AND_EXAM,
            places=25,
            amount_cents=None,
            opens_on=clock.days_ago(60),
            closes_on=clock.days_ahead(120),
        )
    with _timeline(cast).step(clock.days_ago(4)) as today:
        maria_nomination = scholarship_nominate(
            actor=cast.admin("los-angeles"),
            pool=pool,
            county=cast.counties["los-angeles"],
            person=maria,
            reason="First-generation applicant working as a volunteer peer; cannot pay the "
            "fees up front.",
            today=today,
        )
    with _timeline(cast).step(clock.days_ago(2)) as today:
        scholarship_decide(
            actor=state,
            nomination=maria_nomination,
            accept=True,
            note="Meets the criteria.",
            today=today,
        )
    with _timeline(cast).step(clock.days_ago(1)) as today:
        scholarship_nominate(
            actor=cast.admin("sacramento"),
            pool=pool,
            county=cast.counties["sacramento"],
            person=linh,
            reason="Approved two weeks ago; between jobs and cannot pay the application fee.",
            today=today,
        )


STORIES = (program_contacts, renewal_fee_waived, reinstatement_part_paid, scholarships)
