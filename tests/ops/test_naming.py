"""One naming convention in every app (docs/architecture.md, Layers): writes in `services.py`
or `services/`, reads of private rows in `selectors.py`, rules in `rules.py`. No module names
a second home for them (`application_services.py`, `queries.py`, `document_views.py` for a
log), so each is found where a newcomer looks."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
# A second home for services, selectors or rules, whatever its prefix.
OTHER_HOMES = re.compile(r"^(.+_(services|selectors|rules)|queries|.+_queries|document_views)\.py$")


def _modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]


def test_no_app_module_is_a_second_home_for_services_selectors_or_rules():
    found = [str(p.relative_to(ROOT)) for p in _modules() if OTHER_HOMES.match(p.name)]
    assert found == []
