"""The program every story happens in: the Code of Ethics, training providers, the staff
accounts and their county roles, and the opt-in history of all 58 counties.

What an operator does in the Django admin (a Code of Ethics version, training providers,
the state viewer's role, a county's first administrator) is written the way the admin writes
it, audited like it; everything else goes through the services: an administrator adds the
reviewer (`membership_set`) and records each county's opt-in changes
(`county_opt_in_change`), on the day they take effect.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password

from accounts.models import User
from audit.services import audit_record
from certification.models import CodeOfEthicsVersion
from counties.admin import ADMIN_CHANGE_REASON
from counties.models import County, CountyMembership, OptInPeriod, ProgramPolicy
from counties.services import county_opt_in_change, membership_set
from demo.clock import DemoClock, Timeline
from demo.ethics import ETHICS_TEXT_EN, ETHICS_TEXT_ES
from demo.story import Cast, account
from training.models import TrainingProvider

# (email, first name, last name, county, role): the accounts of README.md 'Demo accounts'.
STAFF_ACCOUNTS = (
    ("alameda.admin@example.org", "Alicia", "Moreno", "alameda", "admin"),
    ("alameda.reviewer@example.org", "Raymond", "Cho", "alameda", "reviewer"),
    ("fresno.admin@example.org", "Felicia", "Haddad", "fresno", "admin"),
    ("la.admin@example.org", "Lorraine", "Washington", "los-angeles", "admin"),
    ("sandiego.admin@example.org", "Diego", "Castillo", "san-diego", "admin"),
    ("sacramento.admin@example.org", "Sandra", "Kowalski", "sacramento", "admin"),
)
# The agency that runs the program for every other county: an agency certifying for several
# counties is staff with a role in each of them. Its administrator records their opt-in changes.
AGENCY_ACCOUNT = ("agency.admin@example.org", "Morgan", "Reyes")
STATE_ACCOUNT = ("dhcs.viewer@example.org", "Dana", "Hughes")
OPERATOR_ACCOUNT = ("operator@example.org", "Otis", "Operator")

SPANISH_PROVIDER = "Instituto de Formación de Pares Latinos"
LAPSED_PROVIDER = "Golden State Peer Workforce Center"
UNAPPROVED_PROVIDER = "QuickCert Peer Online"
PROVIDER_FOR_COUNTY = {
    "alameda": "Bay Area Peer Training Collaborative",
    "fresno": "Central Valley Recovery Academy",
    "los-angeles": "Southern California Peer Institute",
    "san-diego": "Southern California Peer Institute",
    "sacramento": "Central Valley Recovery Academy",
}

# Opt-in spread: six counties never opted in; a few opted out first, then in; the counties of
# the demo histories are opted in for SMHS and DMC-ODS from the program's start.
NEVER_OPTED_IN = ("alpine", "colusa", "modoc", "mono", "sierra", "trinity")
OPTED_OUT_THEN_IN = ("humboldt", "kern", "san-joaquin", "tulare")
DEMO_COUNTIES = ("alameda", "fresno", "los-angeles", "san-diego", "sacramento")
OPT_IN_SYSTEMS = (("smhs", 0.95), ("dmc_ods", 0.7), ("dmc", 0.4))
# The latest an opt-in change of the spread takes effect: this long before the seed day.
OPT_IN_RECENT_DAYS = 90

# How far back the demo program begins (`Cast.program_start`): far enough for a history of
# issue, expiry and the 4 years to vacating; never later than the real program's first days.
PROGRAM_YEARS = 7
PROGRAM_START_AT_LATEST = datetime.date(2022, 1, 1)


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _months_after(day: datetime.date, months: int) -> datetime.date:
    years, month_index = divmod(day.month - 1 + months, 12)
    return datetime.date(day.year + years, month_index + 1, 1)


def program_start(clock: DemoClock) -> datetime.date:
    return min(PROGRAM_START_AT_LATEST, _first_of_month(clock.years_ago(PROGRAM_YEARS)))


def prepare_cast(clock: DemoClock, *, password: str) -> Cast:
    """Everything the stories share, created where missing (a second run finds it all)."""
    start = program_start(clock)
    timeline = Timeline(clock)
    with timeline.step(start):
        ProgramPolicy.current()
        cast = Cast(
            clock=clock,
            # One hash for every demo account: hashing is deliberately slow.
            password_hash=make_password(password),
            program_start=start,
            counties={county.code: county for county in County.objects.all()},
            staff={},
            providers={},
            provider_for_county=PROVIDER_FOR_COUNTY,
        )
        operator, _created = account(cast, *OPERATOR_ACCOUNT, is_staff=True, is_superuser=True)
        account(cast, *STATE_ACCOUNT, is_state_staff=True)
        _code_of_ethics(start)
        _providers(cast, start)
        _staff(cast, operator)
    with timeline.step(start + datetime.timedelta(days=14)):
        _reviewers(cast)
    _opt_ins(cast, timeline)
    return cast


def _code_of_ethics(start: datetime.date) -> None:
    """The program's first Code of Ethics, as an operator adds it, unless one exists."""
    if not CodeOfEthicsVersion.objects.exists():
        CodeOfEthicsVersion.objects.create(
            version=f"{start.year}.1",
            effective_on=start,
            text_en=ETHICS_TEXT_EN,
            text_es=ETHICS_TEXT_ES,
        )


def _providers(cast: Cast, start: datetime.date) -> None:
    """The approved training providers (one approved a year after the others, one whose
    approval lapsed a year ago) and one that was never approved."""
    lapsed_on = _first_of_month(cast.clock.years_ago(1)) - datetime.timedelta(days=1)
    providers = (
        ("Bay Area Peer Training Collaborative", True, start, None, False),
        ("Central Valley Recovery Academy", True, start, None, False),
        (SPANISH_PROVIDER, True, _months_after(start, 12), None, True),
        ("Southern California Peer Institute", True, start, None, False),
        (LAPSED_PROVIDER, True, start, lapsed_on, False),
        (UNAPPROVED_PROVIDER, False, None, None, False),
    )
    for name, approved, approved_from, approved_until, spanish in providers:
        provider, _created = TrainingProvider.objects.get_or_create(
            name=name,
            defaults={
                "approved": approved,
                "approved_from": approved_from,
                "approved_until": approved_until,
                "offers_spanish": spanish,
            },
        )
        cast.providers[name] = provider


def _appoint(operator: User, county: County, user: User, role: str) -> None:
    """A county role given by an operator in the Django admin (counties.admin), audited like
    it; the first administrator of a county can only be appointed this way."""
    if CountyMembership.objects.filter(county=county, user=user).exists():
        return
    membership = CountyMembership.objects.create(county=county, user=user, role=role)
    audit_record(
        actor=operator,
        verb="membership_set",
        obj=membership,
        county=county,
        subject=user,
        to_state=role,
        reason=ADMIN_CHANGE_REASON,
    )


def _staff(cast: Cast, operator: User) -> None:
    """The county administrators (appointed by the operator) and the agency's administrator
    in every other county."""
    for email, first, last, code, role in STAFF_ACCOUNTS:
        user, _created = account(cast, email, first, last)
        if role == "admin":
            _appoint(operator, cast.counties[code], user, role)
            cast.staff.setdefault(code, user)
        cast.staff[f"{code}:{role}"] = user
    agency, _created = account(cast, *AGENCY_ACCOUNT)
    for code, county in sorted(cast.counties.items()):
        if code not in cast.staff:
            _appoint(operator, county, agency, "admin")
            cast.staff[code] = agency


def _reviewers(cast: Cast) -> None:
    """Each reviewer is added to the staff by the county's administrator."""
    for _email, _first, _last, code, role in STAFF_ACCOUNTS:
        if role == "reviewer":
            membership_set(
                actor=cast.admin(code),
                county=cast.counties[code],
                user=cast.staff[f"{code}:{role}"],
                role=role,
            )


def _opt_ins(cast: Cast, timeline: Timeline) -> None:
    """Each county's opt-in history, recorded by its administrator on the day each change
    takes effect (counties with any history are left alone)."""
    seeded = set(OptInPeriod.objects.values_list("county__code", flat=True).distinct())
    latest = cast.clock.days_ago(OPT_IN_RECENT_DAYS)
    months = max(
        (latest.year - cast.program_start.year) * 12 + latest.month - cast.program_start.month,
        1,
    )
    changes = []
    for code in sorted(cast.counties):
        if code not in seeded:
            changes += _county_changes(code, cast.program_start, months)
    for effective_from, code, system, opted_in, reason in sorted(changes):
        with timeline.step(effective_from):
            county_opt_in_change(
                actor=cast.admin(code),
                county=cast.counties[code],
                delivery_system=system,
                opted_in=opted_in,
                effective_from=effective_from,
                reason=reason,
            )


def _county_changes(
    code: str, start: datetime.date, months: int
) -> list[tuple[datetime.date, str, str, bool, str]]:
    """(effective from, county, delivery system, opted in, reason) of one county's history:
    a spread drawn from the county's code, so every run draws the same."""
    rng = random.Random(code)
    changes = []
    for system, share in OPT_IN_SYSTEMS:
        begins = _months_after(start, rng.randint(0, months))
        opted_in = rng.random() < share
        if code in NEVER_OPTED_IN:
            opted_in = False
        elif code in DEMO_COUNTIES and system != "dmc":
            begins, opted_in = start, True
        if code in OPTED_OUT_THEN_IN and system == "smhs":
            changes.append((start, code, system, False, "Not offering peer support services yet."))
            begins, opted_in = _months_after(start, rng.randint(1, months)), True
        if opted_in:
            changes.append((begins, code, system, True, "Program plan approved by DHCS."))
        else:
            changes.append((start, code, system, False, "Not opted in."))
    return changes
