"""Medi-Cal enrollment for the statewide analytics: twelve months of certified eligibles for
every county, in DHCS's published layout, loaded by the demo's operator through the same
service as a real file. They are **made-up demo figures** (rounded, of the order of DHCS's
published counts), loaded with `demo=True` and a source that says so, and every page that
shows a ratio labels them. The file carries DHCS's statewide total row, which the loader
leaves out (shown on the load's page as a row left out)."""

import csv
import datetime
import io

from accounts.models import User
from analytics.models import MediCalEnrollmentLoad
from analytics.services import enrollment_load
from demo.clock import Timeline
from demo.scenarios.counties_and_staff import OPERATOR_ACCOUNT
from demo.story import Cast

DEMO_SOURCE = "Demo figures, not DHCS data (made up for the demonstration)"
DEMO_FILE_NAME = "demo-medi-cal-certified-eligibles.csv"
MONTHS = 12

# Certified eligibles by county, rounded and made up for the demo.
DEMO_MEMBERS = {
    "Alameda": 440_000, "Alpine": 400, "Amador": 10_000, "Butte": 100_000,
    "Calaveras": 13_000, "Colusa": 10_000, "Contra Costa": 300_000, "Del Norte": 14_000,
    "El Dorado": 40_000, "Fresno": 560_000, "Glenn": 14_000, "Humboldt": 55_000,
    "Imperial": 110_000, "Inyo": 6_000, "Kern": 480_000, "Kings": 70_000, "Lake": 35_000,
    "Lassen": 9_000, "Los Angeles": 4_900_000, "Madera": 80_000, "Marin": 45_000,
    "Mariposa": 5_500, "Mendocino": 40_000, "Merced": 160_000, "Modoc": 4_000, "Mono": 4_000,
    "Monterey": 190_000, "Napa": 35_000, "Nevada": 25_000, "Orange": 1_000_000,
    "Placer": 70_000, "Plumas": 6_000, "Riverside": 1_050_000, "Sacramento": 560_000,
    "San Benito": 20_000, "San Bernardino": 1_100_000, "San Diego": 1_100_000,
    "San Francisco": 250_000, "San Joaquin": 330_000, "San Luis Obispo": 70_000,
    "San Mateo": 160_000, "Santa Barbara": 160_000, "Santa Clara": 460_000,
    "Santa Cruz": 80_000, "Shasta": 70_000, "Sierra": 1_000, "Siskiyou": 20_000,
    "Solano": 140_000, "Sonoma": 140_000, "Stanislaus": 260_000, "Sutter": 45_000,
    "Tehama": 30_000, "Trinity": 5_500, "Tulare": 270_000, "Tuolumne": 17_000,
    "Ventura": 260_000, "Yolo": 60_000, "Yuba": 35_000,
}  # fmt: skip


def demo_enrollment_csv(last_month: datetime.date) -> bytes:
    """The demo's file in DHCS's layout: twelve months up to `last_month`, each county's
    figure drifting by a few per thousand a month, and DHCS's statewide total row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["County", "Month of Eligibility", "Total Eligibles", "Annotation Code", "Status"]
    )
    for back in range(MONTHS - 1, -1, -1):
        year, index = divmod(last_month.year * 12 + last_month.month - 1 - back, 12)
        month = datetime.date(year, index + 1, 1)
        total = 0
        for position, (name, members) in enumerate(sorted(DEMO_MEMBERS.items())):
            count = round(members * (1 - 0.002 * back * ((position % 3) - 1)))
            total += count
            writer.writerow([name, f"{month:%Y-%m}", f"{count:,}", "", "Preliminary"])
        writer.writerow(["Statewide", f"{month:%Y-%m}", f"{total:,}", "", "Preliminary"])
    return out.getvalue().encode()


def medi_cal_enrollment(cast: Cast) -> None:
    if MediCalEnrollmentLoad.objects.filter(demo=True).exists():
        return
    operator = User.objects.get(email=OPERATOR_ACCOUNT[0])
    # DHCS publishes a month's figures some months after it ends.
    day = cast.clock.days_ago(2)
    last_month = (cast.clock.today.replace(day=1) - datetime.timedelta(days=95)).replace(day=1)
    with Timeline(cast.clock).step(day):
        enrollment_load(
            actor=operator,
            data=demo_enrollment_csv(last_month),
            file_name=DEMO_FILE_NAME,
            source=DEMO_SOURCE,
            demo=True,
        )


STORIES = (medi_cal_enrollment,)
