"""The clients of the load, fault and soak runs (locust, run headless by those scripts).

Not run by hand: `load_test.py`, `faults.py` and `soak.py` write a JSON plan and start
`locust -f benchmarks/locustfile.py --headless` with LOAD_PLAN naming it. The plan holds:

- `token`: an API key of a state staff user (`manage.py create_api_token`);
- `sessions`: session ids of alameda.admin@example.org, one per client (signed in once each);
- `numbers`: certification numbers to verify; `county`: the dashboard's county code;
- `wait`: [min, max] seconds each client waits between requests (0 = back to back);
- `record`: optional path; every request is appended there as one CSV line
  (start epoch seconds, name, HTTP status or 0 for a connection error, milliseconds).

Every response is checked: 200 and the content it must hold (JSON rows, the certification
number, the county's name). Redirects are not followed: a dashboard answered by a redirect to
the sign-in page counts as an error, not as a fast page. The clients keep no cookie jar; each
sends its own session cookie, as a browser behind TLS would (the cookies are `Secure`).
"""

import csv
import itertools
import json
import os
import random
import time
from typing import Any

from locust import FastHttpUser, between, constant, events, task

PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
_sessions = itertools.cycle(PLAN["sessions"])
_record_file = open(PLAN["record"], "a", newline="") if PLAN.get("record") else None  # noqa: SIM115
_record = csv.writer(_record_file) if _record_file else None
ROSTER_FILTERS = [
    "county=alameda",
    "status=active",
    "status=suspended&county=los-angeles",
    "specialization=crisis",
    "expires_before=2027-01-01&expires_after=2026-12-01",
    "q=Garcia",
]


@events.request.add_listener
def _record_request(name, response_time, response, exception, start_time=None, **kwargs) -> None:
    if _record is None:
        return
    status = getattr(response, "status_code", 0) or 0
    if exception is not None and status in (200, 0):
        status = 0 if status == 0 else -1  # -1: a 200 whose content was wrong
    _record.writerow([f"{start_time or time.time():.3f}", name, status, round(response_time, 1)])


@events.quitting.add_listener
def _close_record(**kwargs) -> None:
    if _record_file is not None:
        _record_file.close()


class Client(FastHttpUser):
    """One client: the roster API, public verification (page and API), the county dashboard."""

    wait_time = between(*PLAN["wait"]) if PLAN["wait"][1] else constant(0)
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.client.client.cookiejar = None  # cookies are sent explicitly, see module doc
        self.token = {"Authorization": f"Token {PLAN['token']}", "Accept": "application/json"}
        self.session = {"Cookie": f"sessionid={next(_sessions)}"}

    def _get(self, path: str, name: str, headers: dict, must_hold: str | None = None) -> None:
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif must_hold is not None and must_hold not in (response.text or ""):
                response.failure(f"the answer lacks {must_hold!r}")
            else:
                response.success()

    @task(3)
    def roster(self) -> None:
        with self.client.get(
            "/api/v1/roster/?page_size=100",
            name="roster API page_size=100",
            headers=self.token,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif len(response.json()["results"]) != 100:
                response.failure("not 100 rows")
            else:
                response.success()

    @task(2)
    def roster_filtered(self) -> None:
        query = random.choice(ROSTER_FILTERS)
        self._get(
            f"/api/v1/roster/?page_size=100&{query}",
            "roster API filtered",
            self.token,
            must_hold='"results":',
        )

    @task(3)
    def verify_page(self) -> None:
        number = random.choice(PLAN["numbers"])
        self._get(f"/verify/{number}", "verify page", {}, must_hold=number)

    @task(3)
    def verify_api(self) -> None:
        number = random.choice(PLAN["numbers"])
        self._get(
            f"/api/v1/verify/{number}/",
            "verify API",
            {"Accept": "application/json"},
            must_hold=number,
        )

    @task(2)
    def dashboard(self) -> None:
        self._get(
            f"/county/{PLAN['county']}/",
            "county dashboard",
            self.session,
            must_hold=PLAN["county_name"],
        )
