"""Benchmark the import of reported completions (issue 15 item 4, Done when: 10,000
completions in under 30 seconds here).

    .venv/bin/python benchmarks/completions_import.py [--completions 10000] [--matched 0.2]

Data: one provider with an approved core course; `--matched` of the completions name a learner
who has an account and a profile with the same email, legal name and date of birth (each gets a
training record verified at source: a row lock, the record, its field history and an audit
event), the others wait for their learner. Timed as the background task runs it: the file
parsed, then committed in chunks of `providers.imports.BACKGROUND_CHUNK_ROWS` through
`completions_report` as the provider's staff member; then the same file again (every row
"unchanged": nothing written); then the same rows posted in API-sized requests (1,000 each,
all unchanged). Everything runs in one transaction rolled back at the end, so the database is
left as it was. Prints a Markdown table.
"""

import argparse
import datetime
import os
import platform
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from certification.models import ApplicantProfile, Certification  # noqa: E402
from continuing_ed.models import CeCredit  # noqa: E402
from core.rls import rls_context  # noqa: E402
from counties.models import County  # noqa: E402
from providers import imports  # noqa: E402
from providers.models import (  # noqa: E402
    Completion,
    CourseApproval,
    CourseType,
    ProviderCourse,
    ProviderMembership,
    ProviderOrganisation,
)
from providers.services import completions_report  # noqa: E402
from training.models import TrainingProvider, TrainingRecord  # noqa: E402


class Rollback(Exception):
    pass


def _csv(rows: list[dict]) -> bytes:
    lines = [",".join(imports.COLUMNS)]
    lines += [",".join(row[column] for column in imports.COLUMNS) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _setup(count: int, matched: int, ce: bool = False):
    today = datetime.date.today()
    staff = User.objects.create_user(email="bench.staff@provider.test", password=None)
    listed = TrainingProvider.objects.create(name="Bench Training", approved_by_cycles=True)
    provider = ProviderOrganisation.objects.create(training_provider=listed)
    ProviderMembership.objects.create(provider=provider, user=staff, role="admin")
    course = ProviderCourse.objects.create(
        provider=provider,
        title="Bench CE" if ce else "Bench core",
        course_type=CourseType.CE if ce else CourseType.CORE,
        ce_category="general" if ce else "",
        hours=Decimal("6" if ce else "80"),
        languages=["en"],
        delivery_modes=["in_person"],
    )
    CourseApproval.objects.create(
        provider=provider,
        training_provider=listed,
        course=course,
        course_code="ce" if ce else "core_80",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=300),
        approved_by=staff,
    )
    born = datetime.date(1980, 1, 1)
    rows = []
    for n in range(count):
        rows.append(
            {
                "completion_id": f"B-{n:06d}",
                "course_id": str(course.pk),
                "email": f"learner{n}@bench.test",
                "legal_first_name": f"First{n}",
                "legal_last_name": "Learner",
                "date_of_birth": (born + datetime.timedelta(days=n % 5000)).isoformat(),
                "hours": "6" if ce else "80",
                "completed_on": (today - datetime.timedelta(days=1 + n % 300)).isoformat(),
            }
        )
    users = User.objects.bulk_create(
        [User(email=rows[n]["email"], password="!") for n in range(matched)]
    )
    ApplicantProfile.objects.bulk_create(
        [
            ApplicantProfile(
                user=user,
                legal_first_name=rows[n]["legal_first_name"],
                legal_last_name="Learner",
                date_of_birth=datetime.date.fromisoformat(rows[n]["date_of_birth"]),
            )
            for n, user in enumerate(users)
        ]
    )
    if ce:
        # CE counts toward a current certification: each matched learner holds one.
        county = County.objects.order_by("pk").first()
        issued = today - datetime.timedelta(days=400)
        Certification.objects.bulk_create(
            [
                Certification(
                    number=f"PSS-BENCH{n:06d}",
                    holder=user,
                    issuing_county=county,
                    first_name=rows[n]["legal_first_name"],
                    last_name="Learner",
                    status="active",
                    issued_on=issued,
                    expires_on=issued.replace(year=issued.year + 2),
                    cycle_started_on=issued,
                )
                for n, user in enumerate(users)
            ]
        )
    return staff, provider, rows


def _backend_cpu() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend, from /proc."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(label: str, work, table: list, profile: str | None = None) -> None:
    with CaptureQueriesContext(connection) as queries:
        backend = _backend_cpu()
        cpu = time.process_time()
        start = time.perf_counter()
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            note = profiler.runcall(work)
            profiler.dump_stats(profile)
        else:
            note = work()
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        backend = _backend_cpu() - backend
    table.append((label, f"{elapsed:.1f}", f"{cpu:.1f}", f"{backend:.1f}", len(queries), note))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--completions", type=int, default=10_000)
    parser.add_argument("--matched", type=float, default=0.2)
    parser.add_argument(
        "--ce", action="store_true", help="a CE course, each matched learner certified"
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="cProfile the upload step into FILE (pstats)"
    )
    args = parser.parse_args()
    matched = int(args.completions * args.matched)
    table: list = []
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    try:
        with transaction.atomic():
            staff, provider, rows = _setup(args.completions, matched, ce=args.ce)
            data = _csv(rows)

            def upload() -> str:
                with rls_context(staff):
                    stored = imports.store_file(
                        user=staff, provider=provider, filename="bench.csv", data=data
                    )
                    while imports.commit_step(
                        user=staff,
                        provider=provider,
                        stored=stored,
                        limit=imports.BACKGROUND_CHUNK_ROWS,
                    ):
                        pass
                return (
                    f"{Completion.objects.count()} completions, "
                    f"{TrainingRecord.objects.filter(reported_at_source=True).count()} records, "
                    f"{CeCredit.objects.filter(reported_at_source=True).count()} CE credits"
                )

            def again() -> str:
                with rls_context(staff):
                    stored = imports.store_file(
                        user=staff, provider=provider, filename="bench.csv", data=data
                    )
                    while imports.commit_step(
                        user=staff,
                        provider=provider,
                        stored=stored,
                        limit=imports.BACKGROUND_CHUNK_ROWS,
                    ):
                        pass
                return f"{stored.summary()}"

            def api() -> str:
                unchanged = 0
                with rls_context(staff):
                    for start in range(0, len(rows), 1000):
                        outcomes = completions_report(
                            provider=provider,
                            rows=rows[start : start + 1000],
                            source="api",
                            actor=staff,
                        )
                        unchanged += sum(o.result == "unchanged" for o in outcomes)
                return f"{unchanged} unchanged"

            _timed(
                f"upload and commit {args.completions:,} ({matched:,} matched)",
                upload,
                table,
                args.profile,
            )
            _timed("the same file again (nothing written)", again, table)
            _timed("the same rows posted, 1,000 per request", api, table)
            raise Rollback
    except Rollback:
        pass
    load_text = f"{load_before} before, " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    load_text += " after"
    lines = [
        f"Machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load_text}",
        "",
        "| step | seconds | CPU here (s) | PostgreSQL backend CPU (s) | queries | result |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {label} | {sec} | {cpu} | {backend} | {queries} | {note} |"
        for label, sec, cpu, backend, queries, note in table
    ]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
