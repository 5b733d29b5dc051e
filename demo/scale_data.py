"""Bulk data for benchmarks (`manage.py seed_scale`): N certifications with their people
(users and profiles), issuing counties, statuses and specializations in realistic proportions.

Fast by construction: ids and certification numbers are reserved from their sequences in one
round trip each, and every table is filled with PostgreSQL COPY (psycopg's `cursor.copy`).
Numbers come from `certification_number_seq`, like the ones the service issues, so they never
collide with real or earlier generated ones. The people cannot sign in (unusable password).

Proportions (our choice, for benchmarks): 80 % active (of all certifications, 5 % expire within
90 days), 10 % expired, 4 % suspended, 3 % revoked, 3 % vacated; 30 % hold one or two
specializations; counties weighted roughly by population.
"""

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone

from accounts.models import User
from certification.models import ApplicantProfile, Certification, CertificationSpecialization
from certification.services.certifications import NUMBER_PREFIX
from core import policy
from counties.models import County

# Status, share of all certifications.
STATUS_SHARES = (
    ("active_expiring", 0.05),
    ("active", 0.75),
    ("expired", 0.10),
    ("suspended", 0.04),
    ("revoked", 0.03),
    ("vacated", 0.03),
)
SPECIALIZATION_SHARES = (
    ("crisis", 0.35),
    ("parent_caregiver_family", 0.30),
    ("unhoused", 0.20),
    ("justice_involved", 0.15),
)
ONE_SPECIALIZATION_SHARE = 0.22
TWO_SPECIALIZATIONS_SHARE = 0.08
# Rough relative population; every other county weighs 1.
COUNTY_WEIGHTS = {
    "los-angeles": 60,
    "san-diego": 20,
    "orange": 19,
    "riverside": 15,
    "san-bernardino": 13,
    "santa-clara": 11,
    "alameda": 10,
    "sacramento": 10,
    "contra-costa": 7,
    "fresno": 6,
    "kern": 5,
    "san-francisco": 5,
    "ventura": 5,
    "san-mateo": 4,
    "san-joaquin": 4,
}
_FIRST_NAMES_TEXT = (
    "Maria Jose Juan Luis Ana Carlos Rosa Jesus Guadalupe Miguel David James Michael "
    "Robert Mary Jennifer Linda Patricia Elizabeth Sarah Jessica Ashley Daniel Christopher "
    "Anthony Kevin Brian Jason Angela Michelle Nicole Stephanie Thi Linh Minh Wei Mei Jun "
    "Hyun Ji Priya Arjun Aisha Omar Fatima Tariq Keisha Jamal Darnell Latoya Andre Tamika "
    "Kiana Noa Leilani Samoa Paulo Rahul Ravi Sofia Valentina Camila Mateo Diego Santiago "
    "Lucia Elena Gabriel Isabel Alejandro Ricardo Veronica Yesenia Araceli Sergio "
    "Francisco Manuel Marcus Tyrone Tanya Crystal Amber Tiffany Brandon Justin Tyler Dylan "
    "Hannah Emily Olivia Emma Ethan Noah Liam Ava Mia Chloe Grace Ruth Naomi Esther Samuel "
    "Isaiah Elijah Joseph"
)
FIRST_NAMES = tuple(_FIRST_NAMES_TEXT.split())
_LAST_NAMES_TEXT = (
    "Garcia Hernandez Lopez Martinez Gonzalez Rodriguez Perez Sanchez Ramirez Torres "
    "Flores Rivera Gomez Diaz Reyes Morales Cruz Ortiz Gutierrez Chavez Ramos Ruiz Alvarez "
    "Mendoza Castillo Jimenez Vasquez Romero Herrera Medina Aguilar Smith Johnson Williams "
    "Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin Lee "
    "Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green "
    "Baker Adams Nelson Hill Nguyen Tran Le Pham Huynh Vo Kim Park Choi Chen Wang Li Zhang "
    "Liu Wong Patel Shah Singh Kaur Khan Ahmed Ali Hassan Begay Yazzie Tsosie Whitehorse "
    "Washington Jefferson Okafor Mensah Haddad Kowalski Novak Ivanov Cohen Levy Sato "
    "Tanaka Yamamoto Santos Silva Souza"
)
LAST_NAMES = tuple(_LAST_NAMES_TEXT.split())


@dataclass(frozen=True)
class ScaleSummary:
    certifications: int
    specializations: int
    first_number: str
    last_number: str

    def __str__(self) -> str:
        return (
            f"Created {self.certifications} certifications ({self.first_number} … "
            f"{self.last_number}) with their people and {self.specializations} specializations."
        )


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, float]], k: int) -> list[str]:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=k)


def _reserve(sequence_sql: str, count: int) -> list[int]:
    """`count` values from a sequence in one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval({sequence_sql}) FROM generate_series(1, %s)", [count])
        return [row[0] for row in cursor.fetchall()]


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    return _reserve(f"pg_get_serial_sequence('{table}', 'id')", count)


def _copy(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` (values for `columns`, by field attname) into `model`'s table. Every other
    concrete field but the primary key gets its default, computed once."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
    defaults = tuple(f.get_default() for f in rest)
    names = [fields[c].column for c in columns] + [f.column for f in rest]
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row, *defaults))


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _dates(rng: random.Random, status: str, today: datetime.date) -> tuple[datetime.date, ...]:
    """(issued_on, expires_on) consistent with `status` on `today`."""
    validity = policy.CERTIFICATION_VALIDITY_YEARS
    if status == "active_expiring":
        expires_on = today + datetime.timedelta(days=rng.randint(1, policy.EXPIRING_SOON_DAYS))
    elif status in ("active", "suspended", "revoked"):
        expires_on = today + datetime.timedelta(
            days=rng.randint(policy.EXPIRING_SOON_DAYS + 1, 365 * validity)
        )
    elif status == "expired":
        expires_on = today - datetime.timedelta(
            days=rng.randint(1, 365 * policy.VACATE_AFTER_EXPIRY_YEARS - 1)
        )
    else:  # vacated: not renewed within 4 years of expiry
        expires_on = _add_years(today, -policy.VACATE_AFTER_EXPIRY_YEARS) - datetime.timedelta(
            days=rng.randint(1, 365)
        )
    return _add_years(expires_on, -validity), expires_on


def seed_scale(count: int, *, seed: int | None = None, today: datetime.date | None = None):
    """Create `count` certifications with their people. Call inside a transaction."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    counties = list(County.objects.values_list("id", "code"))
    county_ids = rng.choices(
        [pk for pk, _code in counties],
        weights=[COUNTY_WEIGHTS.get(code, 1) for _pk, code in counties],
        k=count,
    )
    numbers = _reserve("'certification_number_seq'", count)
    user_ids = _reserve_ids(User, count)
    certification_ids = _reserve_ids(Certification, count)
    statuses = _weighted(rng, STATUS_SHARES, count)
    firsts = rng.choices(FIRST_NAMES, k=count)
    lasts = rng.choices(LAST_NAMES, k=count)
    spanish = [rng.random() < 0.25 for _ in range(count)]
    # The service's number format (`next_certification_number`); the sequence value also
    # makes each email unique.
    prefix = NUMBER_PREFIX

    _copy(
        User,
        ("id", "email", "password", "first_name", "last_name", "preferred_language", "date_joined"),
        (
            (uid, f"peer.{n}@scale.example.org", "!", f, la, "es" if es else "en", now)
            for uid, n, f, la, es in zip(user_ids, numbers, firsts, lasts, spanish, strict=True)
        ),
    )
    _copy(
        ApplicantProfile,
        (
            "user_id",
            "legal_first_name",
            "legal_last_name",
            "date_of_birth",
            "county_of_residence_id",
            "preferred_language",
            "lived_experience",
            "education",
            "education_attested",
            "created_at",
            "updated_at",
        ),
        (
            (
                uid,
                f,
                la,
                datetime.date(rng.randint(1955, 2003), rng.randint(1, 12), rng.randint(1, 28)),
                cid,
                "es" if es else "en",
                "family" if rng.random() < 0.3 else "consumer",
                "high_school_diploma" if rng.random() < 0.7 else "higher",
                True,
                now,
                now,
            )
            for uid, f, la, cid, es in zip(
                user_ids, firsts, lasts, county_ids, spanish, strict=True
            )
        ),
    )
    dates = [_dates(rng, status, today) for status in statuses]
    _copy(
        Certification,
        (
            "id",
            "number",
            "holder_id",
            "issuing_county_id",
            "first_name",
            "last_name",
            "status",
            "issued_on",
            "expires_on",
            "created_at",
            "updated_at",
        ),
        (
            (
                cert_id,
                f"{prefix}{n:07d}",
                uid,
                cid,
                f,
                la,
                "active" if status == "active_expiring" else status,
                issued_on,
                expires_on,
                now,
                now,
            )
            for cert_id, n, uid, cid, f, la, status, (issued_on, expires_on) in zip(
                certification_ids,
                numbers,
                user_ids,
                county_ids,
                firsts,
                lasts,
                statuses,
                dates,
                strict=True,
            )
        ),
    )
    specializations = []
    codes = [code for code, _share in SPECIALIZATION_SHARES]
    weights = [share for _code, share in SPECIALIZATION_SHARES]
    for cert_id, (issued_on, expires_on) in zip(certification_ids, dates, strict=True):
        draw = rng.random()
        how_many = 2 if draw < TWO_SPECIALIZATIONS_SHARE else 1
        if draw >= ONE_SPECIALIZATION_SHARE + TWO_SPECIALIZATIONS_SHARE:
            continue
        chosen = set()
        while len(chosen) < how_many:
            chosen.add(rng.choices(codes, weights=weights)[0])
        last_day = min(today, expires_on)
        for code in sorted(chosen):
            added_on = issued_on + datetime.timedelta(
                days=rng.randint(1, max((last_day - issued_on).days, 1))
            )
            specializations.append((cert_id, code, added_on))
    _copy(CertificationSpecialization, ("certification_id", "code", "added_on"), specializations)
    with connection.cursor() as cursor:
        # Fresh statistics, so benchmark queries are planned for the new table sizes.
        cursor.execute(
            "ANALYZE accounts_user, certification_applicantprofile, "
            "certification_certification, certification_certificationspecialization"
        )
    return ScaleSummary(
        certifications=count,
        specializations=len(specializations),
        first_number=f"{prefix}{numbers[0]:07d}",
        last_number=f"{prefix}{numbers[-1]:07d}",
    )
