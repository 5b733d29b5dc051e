"""The attacks of issue 18 against a running instance, with a one-line verdict (SECURITY.md,
"Red-team check").

    .venv/bin/python scripts/red_team.py --base-url http://127.0.0.1:8000 \
        --app-database-url postgres://peercert_app@127.0.0.1:5432/peercert \
        --staff-email alameda.reviewer@example.org --staff-password demo-password-1 \
        --certification-number PSS-0000001

Run it only against an instance you own (it fails sign-ins on purpose, which locks the staff
address out of password sign-in for 5 minutes, so run it again with another address or after
5 minutes, and creates one throw-away account by signing
up). Every check prints one line (PASS, FAIL or SKIP, with its figures); the last line is the
verdict: `RED TEAM: PASS (n checks, m skipped)` or `RED TEAM: FAIL (...)`, exit status 0 or 1.

Checks (issue 18's items):
- admin: the Django admin's sign-in sends to the product's (allauth), and signs no one in;
- timing: a wrong password for an existing account and one for an unknown address cost the
  same (medians of tries alternated, differing by less than --timing-tolerance of the larger;
  a missing password hash would halve one);
- signup: sign-up answers the same, in the same time, for a taken and a new address;
- throttle: repeated failed sign-ins for one account are refused ("Too many failed login
  attempts" or 429) within 6 tries;
- mfa_api: a staff session without a second factor gets 403 from the staff API (needs a
  staff account without an authenticator and STAFF_MFA_REQUIRED on);
- tables: as the application role with no context, every table of the schema is read and the
  private ones return no row; a certification's status cannot be changed nor one deleted;
- forged: hand-written context settings and a forged signed context open nothing;
- xff_verify: a fresh X-Forwarded-For on each request buys no fresh budget on the public
  verification (429 before the limit is passed twice over);
- formulas: every cell of the API's roster CSV that a spreadsheet would run as a formula is
  written as text (needs --api-key; with --owner-database-url it plants a formula as the
  first active certification's last name and puts the old name back after: two rows in that
  certification's field history).
"""

import argparse
import re
import statistics
import sys
import time
import uuid
from typing import Any

import psycopg
import requests

PRIVATE_TABLES = [
    "certification_application",
    "certification_document",
    "certification_documentview",
    "counties_auditevent",
    "counties_countymembership",
    "counties_staffinvitation",
    "jobs_emaillog",
    "django_session",
    "accounts_apitoken",
    "mfa_authenticator",
    "certification_ceaudit",
    "certification_renewal",
    "certification_renewalreminder",
    "certification_certificatefile",
    "jobs_outboxmessage",
    "jobs_failedjob",
    "django_admin_log",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Client:
    """A browser-like client over plain HTTP that sends every cookie it was given (the
    instance's cookies are Secure; a TLS proxy's clients would send them)."""

    def __init__(self, base: str, forwarded_for: str | None = None):
        self.base = base.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.headers = {"X-Forwarded-Proto": "https"}
        if forwarded_for:
            self.headers["X-Forwarded-For"] = forwarded_for

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            # Requests claim https (X-Forwarded-Proto), as behind the TLS proxy: so must the
            # Referer the CSRF check compares.
            headers.setdefault("Referer", self.base.replace("http://", "https://", 1) + path)
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value or ""
        return response

    def csrf(self, path: str) -> str:
        page = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        return match.group(1) if match else self.cookies.get("csrftoken", "")

    def sign_in(self, email: str, password: str) -> requests.Response:
        token = self.csrf("/accounts/login/")
        return self.request(
            "POST",
            "/accounts/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": token},
        )


class Report:
    def __init__(self) -> None:
        self.results: list[tuple[str, str, str]] = []

    def add(self, name: str, status: str, detail: str) -> None:
        self.results.append((name, status, detail))
        sys.stdout.write(f"{status:4} {name:10} {detail}\n")
        sys.stdout.flush()

    def verdict(self) -> int:
        failed = [n for n, s, _ in self.results if s == "FAIL"]
        skipped = sum(1 for _, s, _ in self.results if s == "SKIP")
        ran = len(self.results) - skipped
        if failed:
            sys.stdout.write(
                f"RED TEAM: FAIL ({', '.join(failed)} of {ran} checks, {skipped} skipped)\n"
            )
            return 1
        sys.stdout.write(f"RED TEAM: PASS ({ran} checks, {skipped} skipped)\n")
        return 0


def check_admin(base: str, report: Report) -> None:
    client = Client(base)
    page = client.request("GET", "/admin/login/")
    to_allauth = page.status_code in (301, 302) and "/accounts/login/" in page.headers.get(
        "Location", ""
    )
    posted = client.request(
        "POST", "/admin/login/", data={"username": "operator@example.org", "password": "x"}
    )
    signed_in = (
        "sessionid" in client.cookies and client.request("GET", "/admin/").status_code == 200
    )
    ok = to_allauth and not signed_in
    report.add(
        "admin",
        "PASS" if ok else "FAIL",
        f"GET /admin/login/ -> {page.status_code} {page.headers.get('Location', '')}; "
        f"POST -> {posted.status_code}, signed in: {signed_in}",
    )


TRIES = 5


def _medians(first, second, tries: int = TRIES) -> tuple[float, float]:
    """Median seconds of `first()` and of `second()`, called alternately (so a machine
    getting busier slows both alike)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(tries):
        for action, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def _close(a: float, b: float, tolerance: float) -> bool:
    """Whether two medians differ by less than `tolerance` of the larger: a missing password
    hash (the whole cost of such a request) would make one about half the other."""
    return abs(a - b) < tolerance * max(a, b)


def check_timing(base: str, staff_email: str | None, tolerance: float, report: Report) -> None:
    if not staff_email:
        report.add("timing", "SKIP", "needs --staff-email")
        return
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.org"
    # Each try from a fresh client; the account's failure limit (5 per 5 minutes) is reached
    # by the last tries, which then answer without hashing: only the first 4 pairs count.
    known, nobody = _medians(
        lambda: Client(base).sign_in(staff_email, "wrong-password-1"),
        lambda: Client(base).sign_in(unknown, "wrong-password-1"),
        tries=4,
    )
    ok = _close(known, nobody, tolerance)
    report.add(
        "timing",
        "PASS" if ok else "FAIL",
        f"wrong password {known * 1000:.0f} ms, unknown address {nobody * 1000:.0f} ms "
        f"(medians of 4, alternated; tolerance {tolerance:.0%} of the larger)",
    )


def check_signup(base: str, taken: str | None, tolerance: float, report: Report) -> None:
    if not taken:
        report.add("signup", "SKIP", "needs --staff-email (a taken address)")
        return
    password = "a-long-red-team-pass-42"

    def sign_up(email: str) -> requests.Response:
        client = Client(base)
        token = client.csrf("/accounts/signup/")
        return client.request(
            "POST",
            "/accounts/signup/",
            data={
                "email": email,
                "password1": password,
                "password2": password,
                "csrfmiddlewaretoken": token,
            },
        )

    answers: dict[str, set[tuple[int, str]]] = {"taken": set(), "new": set()}

    def taken_try() -> None:
        r = sign_up(taken)
        answers["taken"].add((r.status_code, r.headers.get("Location", "")))

    def new_try() -> None:
        r = sign_up(f"red-team-{uuid.uuid4().hex[:10]}@example.org")
        answers["new"].add((r.status_code, r.headers.get("Location", "")))

    taken_s, new_s = _medians(taken_try, new_try)
    same = answers["taken"] == answers["new"]
    ok = same and _close(taken_s, new_s, tolerance)
    report.add(
        "signup",
        "PASS" if ok else "FAIL",
        f"taken {taken_s * 1000:.0f} ms, new {new_s * 1000:.0f} ms (medians of {TRIES}, "
        f"alternated; tolerance {tolerance:.0%}); same answer: {same} "
        f"{sorted(answers['taken'])}",
    )


def check_throttle(base: str, staff_email: str | None, report: Report) -> None:
    email = staff_email or f"victim-{uuid.uuid4().hex[:8]}@example.org"
    for attempt in range(1, 8):
        response = Client(base).sign_in(email, f"wrong-{attempt}-password")
        if response.status_code == 429 or "Too many failed login attempts" in response.text:
            report.add("throttle", "PASS" if attempt <= 6 else "FAIL", f"refused at try {attempt}")
            return
    report.add("throttle", "FAIL", "7 failed sign-ins for one account, none refused")


def check_mfa_api(base: str, email: str | None, password: str | None, report: Report) -> None:
    if not (email and password):
        report.add("mfa_api", "SKIP", "needs --staff-email and --staff-password")
        return
    client = Client(base)
    signed = client.sign_in(email, password)
    if signed.status_code != 302 or "sessionid" not in client.cookies:
        report.add("mfa_api", "SKIP", f"could not sign in ({signed.status_code})")
        return
    roster = client.request("GET", "/api/v1/roster/", headers={"Accept": "application/json"})
    ok = roster.status_code == 403
    report.add(
        "mfa_api",
        "PASS" if ok else "FAIL",
        f"staff session without a second factor: GET /api/v1/roster/ -> {roster.status_code}",
    )


def check_tables(app_url: str | None, report: Report) -> None:
    if not app_url:
        report.add("tables", "SKIP", "needs --app-database-url")
        return
    readable: dict[str, int] = {}
    with psycopg.connect(app_url, autocommit=True) as connection:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'p') ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        denied = 0
        for table in tables:
            try:
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                count = cursor.fetchone()[0]
            except psycopg.errors.InsufficientPrivilege:
                denied += 1
                continue
            if count:
                readable[table] = count
        leaks = {t: n for t, n in readable.items() if t in PRIVATE_TABLES}
        cursor.execute("UPDATE certification_certification SET status = 'revoked'")
        updated = cursor.rowcount
        try:
            cursor.execute("DELETE FROM certification_certification")
            deleted: Any = cursor.rowcount
        except psycopg.errors.InsufficientPrivilege:
            deleted = "refused"
    ok = not leaks and updated == 0 and deleted in ("refused", 0)
    report.add(
        "tables",
        "PASS" if ok else "FAIL",
        f"{len(tables)} tables and views without context: {denied} closed, {len(readable)} "
        f"with rows (public facts: {', '.join(sorted(readable)) or 'none'}); private leaks: "
        f"{leaks or 'none'}; UPDATE of every certification: {updated} rows; DELETE: {deleted}",
    )


def check_forged(app_url: str | None, report: Report) -> None:
    if not app_url:
        report.add("forged", "SKIP", "needs --app-database-url")
        return
    opened: dict[str, Any] = {}
    with psycopg.connect(app_url) as connection:
        cursor = connection.cursor()
        attempts = {
            "old settings": "SET LOCAL app.is_system = 'on'; SET LOCAL app.user_id = '1'; "
            "SET LOCAL app.county_ids = '1,2,3'",
            "context by hand": "SELECT set_config('app.context', "
            '\'{"system": true, "user_id": 1}\', true)',
            "forged signature": "SELECT app_context_set('{\"system\": true}', repeat('0', 64), "
            "true)",
        }
        for name, sql in attempts.items():
            try:
                cursor.execute(sql)
                cursor.execute("SELECT count(*) FROM certification_application")
                opened[name] = cursor.fetchone()[0]
            except psycopg.Error as error:
                opened[name] = f"refused ({type(error).__name__})"
            connection.rollback()
    ok = all(value == 0 or str(value).startswith("refused") for value in opened.values())
    report.add("forged", "PASS" if ok else "FAIL", f"applications read: {opened}")


def check_xff_verify(base: str, number: str | None, limit: int, report: Report) -> None:
    number = number or "PSS-0000001"
    for attempt in range(1, 2 * limit + 2):
        response = Client(base, forwarded_for=f"203.0.113.{attempt % 250}").request(
            "GET", f"/api/v1/verify/{number}/"
        )
        if response.status_code == 429:
            ok = attempt <= limit + 1
            report.add(
                "xff_verify",
                "PASS" if ok else "FAIL",
                f"429 at request {attempt} (limit {limit}/min) despite a new X-Forwarded-For "
                "on each",
            )
            return
    report.add("xff_verify", "FAIL", f"{2 * limit + 1} requests with new X-Forwarded-For, no 429")


def check_formulas(base: str, api_key: str | None, owner_url: str | None, report: Report) -> None:
    if not api_key:
        report.add("formulas", "SKIP", "needs --api-key (a staff API key)")
        return
    planted = None
    formula = '=HYPERLINK("http://example.invalid","click")'
    if owner_url:
        with psycopg.connect(owner_url, autocommit=True) as connection:
            row = connection.execute(
                "SELECT id, last_name FROM certification_certification "
                "WHERE status = 'active' ORDER BY id LIMIT 1"
            ).fetchone()
            if row:
                planted = row
                connection.execute(
                    "UPDATE certification_certification SET last_name = %s WHERE id = %s",
                    [formula, row[0]],
                )
    try:
        response = Client(base).request(
            "GET", "/api/v1/roster.csv", headers={"Authorization": f"Token {api_key}"}
        )
    finally:
        if planted:
            with psycopg.connect(owner_url, autocommit=True) as connection:
                connection.execute(
                    "UPDATE certification_certification SET last_name = %s WHERE id = %s",
                    [planted[1], planted[0]],
                )
    if response.status_code != 200:
        report.add("formulas", "FAIL", f"GET /api/v1/roster.csv -> {response.status_code}")
        return
    import csv
    import io

    cells = [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]
    live = [cell for cell in cells if cell.startswith(FORMULA_START)]
    seen_planted = any(formula in cell for cell in cells)
    ok = not live
    report.add(
        "formulas",
        "PASS" if ok else "FAIL",
        f"{len(cells)} cells, {len(live)} would run as formulas; planted formula "
        f"{'seen as text' if seen_planted else 'not planted' if not planted else 'not seen'}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--app-database-url", help="the application role's database URL")
    parser.add_argument("--owner-database-url", help="the owner's URL (plants a formula name)")
    parser.add_argument("--staff-email")
    parser.add_argument("--staff-password")
    parser.add_argument("--api-key", help="a staff API key, for the roster CSV")
    parser.add_argument("--certification-number")
    parser.add_argument("--verify-limit", type=int, default=60)
    parser.add_argument(
        "--timing-tolerance",
        type=float,
        default=0.25,
        help="largest difference of two medians, as a fraction of the larger (default 0.25)",
    )
    args = parser.parse_args(argv)
    report = Report()
    base = args.base_url
    check_admin(base, report)
    check_mfa_api(base, args.staff_email, args.staff_password, report)
    check_timing(base, args.staff_email, args.timing_tolerance, report)
    check_signup(base, args.staff_email, args.timing_tolerance, report)
    check_throttle(base, args.staff_email, report)
    check_tables(args.app_database_url, report)
    check_forged(args.app_database_url, report)
    check_xff_verify(base, args.certification_number, args.verify_limit, report)
    check_formulas(base, args.api_key, args.owner_database_url, report)
    return report.verdict()


if __name__ == "__main__":
    sys.exit(main())
