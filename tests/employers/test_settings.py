"""The time of the employers' daily run is the operator's (EMPLOYER_DAILY_TIME, HH:MM): the
beat schedule follows it, and a value that is no time stops the process at start with a
clear message instead of running at a wrong hour."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SCHEDULE = (
    "from config.celery import app; "
    "s = app.conf.beat_schedule['employer-daily']['schedule']; "
    "print(sorted(s.hour), sorted(s.minute))"
)


def _run(value: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PRINT_SCHEDULE],
        cwd=ROOT,
        env={**os.environ, "EMPLOYER_DAILY_TIME": value},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_daily_run_follows_the_operators_time():
    completed = _run("07:45")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == "[7] [45]"


def test_a_time_that_is_no_time_stops_the_start():
    completed = _run("25:00")
    assert completed.returncode != 0
    assert "EMPLOYER_DAILY_TIME must be HH:MM" in completed.stderr
