"""docs/architecture.md tells no untruth a test can catch: every name in its table "Where each
rule lives" exists in the code (function, class, module, file, policy value, constraint), and
every rule section of docs/domain.md has a row there, so a newcomer finds where each rule
lives from that one table."""

import fnmatch
import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest
from django.apps import apps
from django.conf import settings

from core import policy
from counties.models import ProgramPolicy

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text()
DOMAIN = (ROOT / "docs" / "domain.md").read_text()
# Sections of domain.md that state no rule: the setting, the neighbours, the known gaps.
NOT_RULES = {
    "who-and-why",
    "around-the-registry",
    "where-the-product-differs-from-the-sources-today",
}


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _rows() -> list[list[str]]:
    table = _section(ARCHITECTURE, "Where each rule lives")
    lines = [line for line in table.splitlines() if line.startswith("| [")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def _module_and_rest(dotted: str) -> tuple[ModuleType, list[str]]:
    """Import the longest module prefix of `package.module.attribute...`."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            return importlib.import_module(".".join(parts[:cut])), parts[cut:]
        except ModuleNotFoundError:
            continue
    raise LookupError(dotted)


def _resolves(dotted: str) -> bool:
    """`package.module.attribute...`, or a model's label (`employers.RegistryChange`)."""
    app_label, _dot, model = dotted.partition(".")
    if model.isidentifier() and model[0].isupper():
        try:
            apps.get_model(app_label, model)
            return True
        except LookupError:
            pass
    try:
        found, rest = _module_and_rest(dotted)
    except LookupError:
        return False
    for name in rest:
        if not hasattr(found, name):
            return False
        found = getattr(found, name)
    return True


APPS = [app.name for app in apps.get_app_configs() if (ROOT / app.name).is_dir()]
# Names a row may give bare: what the apps' models, rules, services and selectors define.
DEFINED = {
    name
    for app in APPS
    for part in ("models", "rules", "services", "selectors")
    if (ROOT / app / f"{part}.py").exists() or (ROOT / app / part).is_dir()
    for name in dir(importlib.import_module(f"{app}.{part}"))
}
CONSTRAINTS = {c.name for model in apps.get_models() for c in model._meta.constraints}
POLICY_FIELDS = [field.name for field in ProgramPolicy._meta.get_fields()]


def _exists(name: str, modules: list[ModuleType]) -> bool:
    if name.endswith(".py") and "/" not in name:  # "each app's selectors.py"
        return any((ROOT / app / name).exists() for app in APPS)
    if "/" in name:
        return (ROOT / name).exists()
    if name.startswith("ProgramPolicy."):
        return bool(fnmatch.filter(POLICY_FIELDS, name.removeprefix("ProgramPolicy.")))
    if "." in name:
        if (ROOT / name.split(".")[0]).is_dir():
            return _resolves(name)
        # Relative to a module the row named before (`_common.require_current_ethics`).
        return any(_resolves(f"{module.__name__}.{name}") for module in modules)
    if name.isupper():  # a policy value or a setting
        return hasattr(policy, name) or hasattr(settings, name)
    return name in DEFINED or name in CONSTRAINTS or any(hasattr(m, name) for m in modules)


def _modules_named(row: list[str]) -> list[ModuleType]:
    dotted = re.findall(r"`([a-z_]+(?:\.[A-Za-z_]+)+)`", " ".join(row))
    return [_module_and_rest(name)[0] for name in dotted if (ROOT / name.split(".")[0]).is_dir()]


@pytest.mark.parametrize("row", _rows(), ids=lambda row: row[0])
def test_every_name_in_the_rule_table_exists(row):
    modules = _modules_named(row[1:])
    names = re.findall(r"`([^`]+)`", " ".join(row[1:]))
    assert [name for name in names if not _exists(name, modules)] == []


def test_every_rule_of_domain_md_has_a_row():
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
        for title in re.findall(r"^## (.+)$", DOMAIN, flags=re.M)
    }
    linked = set(
        re.findall(r"\(domain\.md#([a-z0-9-]+)\)", _section(ARCHITECTURE, "Where each rule lives"))
    )
    assert linked <= anchors, f"links to no section: {sorted(linked - anchors)}"
    assert anchors - NOT_RULES <= linked, (
        f"rules without a row: {sorted(anchors - NOT_RULES - linked)}"
    )


def test_every_module_function_and_file_architecture_md_names_exists():
    """Outside the table too: `app.module.name` references and paths into the repository."""
    names = set(re.findall(r"`([^`\s]+)`", ARCHITECTURE))
    dotted = [n for n in names if re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+)+", n)]
    code = [n for n in dotted if (ROOT / n.split(".")[0]).is_dir()]
    paths = [
        n.rstrip("/")
        for n in names
        if "/" in n
        and not n.startswith("/")
        and not re.search(r"[<*:]", n)
        and (ROOT / n.split("/")[0]).is_dir()
    ]
    assert [n for n in code if not _resolves(n)] == []
    assert [p for p in paths if not (ROOT / p).exists()] == []


def test_every_policy_value_domain_md_names_exists():
    names = set(re.findall(r"`([A-Z][A-Z0-9_*]+|ProgramPolicy\.[a-z_*]+)`", DOMAIN))
    assert names
    missing = [
        n
        for n in names
        if not (
            fnmatch.filter(POLICY_FIELDS, n.removeprefix("ProgramPolicy."))
            if n.startswith("ProgramPolicy.")
            else fnmatch.filter(dir(policy), n) or hasattr(settings, n)
        )
    ]
    assert missing == []
