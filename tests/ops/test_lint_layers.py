"""`make lint` checks the layers of docs/architecture.md: the contracts in pyproject.toml list
every app in LOCAL_APPS's order, and an upward import or one front end importing another makes
the lint fail. The imports are written into a scratch copy of the apps, never into the tree."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _contract(contract_id: str) -> dict:
    return next(c for c in CONFIG["contracts"] if c["id"] == contract_id)


def _layers_bottom_up() -> list[list[str]]:
    """The layers contract lists the top first; "a | b" (or "a : b") are siblings."""
    layers = reversed(_contract("layers")["layers"])
    return [[name.strip() for name in layer.replace(":", "|").split("|")] for layer in layers]


def test_the_layers_name_every_app_in_the_order_of_local_apps():
    layers = _layers_bottom_up()
    level = {name: index for index, layer in enumerate(layers) for name in layer}
    assert layers[0] == ["core"]
    assert layers[-1] == ["config"]
    assert set(level) == set(CONFIG["root_packages"]) == {"core", "config", *settings.LOCAL_APPS}
    in_order = [level[app] for app in settings.LOCAL_APPS]
    assert in_order == sorted(in_order), "LOCAL_APPS must list the apps bottom to top"


def test_the_front_ends_are_one_layer_and_independent():
    front_ends = set(_contract("frontends")["modules"])
    assert front_ends >= {"portal", "workspace", "api"}
    top_apps = _layers_bottom_up()[-2]
    assert front_ends <= set(top_apps)
    assert "|" in _contract("layers")["layers"][1]  # siblings that never import each other


def test_the_front_ends_and_demo_hold_no_models():
    top_apps = _layers_bottom_up()[-2]
    assert {app: list(apps.get_app_config(app).get_models()) for app in top_apps} == {
        app: [] for app in top_apps
    }


@pytest.fixture
def scratch(tmp_path):
    """A copy of the apps' Python files with pyproject.toml and the Makefile, the venv linked."""
    for package in CONFIG["root_packages"]:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=lambda folder, names: (
                [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()]
                + ["__pycache__", "locale"]
            ),
        )
    for name in ("pyproject.toml", "Makefile"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    return tmp_path


def _lint_imports(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(folder / ".venv/bin/lint-imports"), "--no-logo", "--no-cache"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _make_lint(folder: Path) -> subprocess.CompletedProcess:
    # `-o`: the linked venv counts as installed, so `make` never re-syncs it from here.
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "lint"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_copy_keeps_the_contracts(scratch):
    result = _lint_imports(scratch)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_fails_make_lint(scratch):
    # Used, so ruff has nothing to say and the failure is the layers contract's.
    (scratch / "core" / "scratch_upward.py").write_text(
        'from certification.rules import is_expiring_soon\n\n__all__ = ["is_expiring_soon"]\n'
    )
    result = _make_lint(scratch)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "All checks passed!" in output  # ruff
    assert "core is not allowed to import certification" in output
    assert "core.scratch_upward -> certification.rules" in output


def test_one_front_end_importing_another_fails(scratch):
    (scratch / "portal" / "scratch_sideways.py").write_text(
        'from workspace.access import county_workspace\n\n__all__ = ["county_workspace"]\n'
    )
    result = _lint_imports(scratch)
    assert result.returncode != 0
    assert "portal is not allowed to import workspace" in result.stdout
    assert "The front ends never import each other BROKEN" in result.stdout
