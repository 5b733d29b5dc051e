"""Benchmark of the FHIR directory against the roster API; figures go to benchmarks/RESULTS.md.

Run against a database seeded with `manage.py seed_scale --certifications 200000`:

    DATABASE_URL=postgres://.../peercert_bench .venv/bin/python benchmarks/fhir_directory.py

It starts gunicorn (one sync worker, DEBUG off, a real SECRET_KEY, the rate limits raised out
of the way) on 127.0.0.1 and measures over HTTP with a keep-alive connection, interleaved
request by request so that every figure sees the same load on a shared machine:

- `GET /fhir/R4/PractitionerRole?_count=1000` (public) and `GET /api/v1/roster/?page_size=1000`
  (a state staff token) for the same 1,000 rows: the first page, and a page deep in the
  keyset (the rows after the 150,000th); median and p95 of `--runs` requests each, and the
  ratio of the medians (target: FHIR within 3× of the roster);
- in process, for the same 1,000 rows: the directory's mapping (dicts, `json.dumps`) against
  building and serialising each resource through the fhir.resources R4B models, the reason
  searchsets are not built model by model (fhir_directory/resources.py).

It writes nothing to the database but one benchmark user and its API key.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.roster_api import (  # noqa: E402
    DEEP_FRACTION,
    PAGE_SIZE,
    Client,
    Server,
    _data_size,
    _deep_cursor,
    _django,
    _interleaved,
    _machine,
    _summary,
    _token,
)


def _fhir(client: Client, path: str):
    def run() -> tuple[float, int]:
        seconds, status, body = client.get(path)
        assert status == 200, (status, body[:300])
        return seconds, len(json.loads(body)["entry"])

    return run


def _roster(client: Client, path: str):
    def run() -> tuple[float, int]:
        seconds, status, body = client.get(path)
        assert status == 200, (status, body[:300])
        return seconds, len(json.loads(body)["results"])

    return run


def _in_process(runs: int) -> dict:
    """The mapping against the fhir.resources models, for the first 1,000 rows."""
    from fhir.resources.R4B.practitionerrole import PractitionerRole

    from certification.models import Certification
    from fhir_directory import resources

    rows = list(resources.directory_rows(Certification.objects.all()).order_by("id")[:PAGE_SIZE])
    displays = resources._specialty_displays()
    mapping, models = [], []
    for _ in range(runs):
        started = time.perf_counter()
        json.dumps([resources.practitioner_role(row, displays=displays) for row in rows])
        mapping.append(time.perf_counter() - started)
        started = time.perf_counter()
        for row in rows:
            PractitionerRole.model_validate(
                resources.practitioner_role(row, displays=displays)
            ).model_dump_json()
        models.append(time.perf_counter() - started)
    return {"mapping": _summary(mapping), "fhir_resources_models": _summary(models)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="requests per figure")
    parser.add_argument("--model-runs", type=int, default=5, help="in-process builds")
    args = parser.parse_args()
    os.environ["THROTTLE_FHIR_ANON"] = "1000000/min"
    os.environ["THROTTLE_TOKEN"] = "1000000/min"
    _django()
    key = _token()
    deep_after, deep_cursor = _deep_cursor(DEEP_FRACTION)
    server = Server()
    try:
        client = Client(server.port, key)
        measures = {
            "roster first page": _roster(client, f"/api/v1/roster/?page_size={PAGE_SIZE}"),
            "fhir first page": _fhir(client, f"/fhir/R4/PractitionerRole?_count={PAGE_SIZE}"),
            "roster deep page": _roster(
                client, f"/api/v1/roster/?page_size={PAGE_SIZE}&cursor={deep_cursor}"
            ),
            "fhir deep page": _fhir(
                client, f"/fhir/R4/PractitionerRole?_count={PAGE_SIZE}&_cursor={deep_after}"
            ),
        }
        for measure in measures.values():
            measure()  # warm the worker and the database's caches
        results = _interleaved(measures, args.runs)
    finally:
        server.stop()
    for page in ("first", "deep"):
        results[f"ratio {page} page (median)"] = round(
            results[f"fhir {page} page"]["median_ms"] / results[f"roster {page} page"]["median_ms"],
            2,
        )
    results["in process, 1,000 PractitionerRoles"] = _in_process(args.model_runs)
    results["data"] = _data_size()
    results["machine"] = _machine()
    sys.stdout.write(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
