"""Every model under examples/ loads and matches the schema; every script runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

import servicekit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MODELS = sorted(EXAMPLES.glob("*.yaml"))
BROKEN = sorted((EXAMPLES / "broken").glob("*.yaml"))
SCRIPTS = sorted(EXAMPLES.glob("*.py"))
SCHEMA_LINE = "# yaml-language-server: $schema=../src/servicekit/data/servicekit.schema.json"


class _Yaml12Loader(yaml.CSafeLoader):
    """YAML as editors' language servers read it (1.2): only true and false are booleans."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with ``argv`` from the project root."""
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
        timeout=120,
    )


def test_the_examples_are_there() -> None:
    """Three industries, a first model, a broken model and three scripts are present."""
    names = {p.name for p in MODELS}
    assert {"dry-cleaner.yaml", "restaurant.yaml", "help-desk.yaml", "coffee-cart.yaml"} <= names
    assert BROKEN
    assert len(SCRIPTS) >= 3
    assert (EXAMPLES / "explore.ipynb").is_file()


@pytest.mark.parametrize("path", MODELS, ids=[p.name for p in MODELS])
def test_models_load_and_point_editors_at_the_schema(path: Path) -> None:
    """Each example model loads; its first line points the YAML language server at the schema."""
    model = servicekit.load(path)
    assert model.roles
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
    assert (path.parent / SCHEMA_LINE.split("=", 1)[1]).resolve() == (
        ROOT / "src" / "servicekit" / "data" / "servicekit.schema.json"
    )


@pytest.mark.parametrize("path", MODELS, ids=[p.name for p in MODELS])
def test_models_match_the_json_schema(path: Path) -> None:
    """Each example model validates against the JSON Schema shipped in the package."""
    import jsonschema

    schema: Any = json.loads(
        (resources.files("servicekit") / "data" / "servicekit.schema.json").read_text("utf-8")
    )
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)
    jsonschema.validate(data, schema)


@pytest.mark.parametrize("path", MODELS, ids=[p.name for p in MODELS])
def test_models_survive_a_round_trip(path: Path) -> None:
    """Dumping and loading an example model gives the same model."""
    model = servicekit.load(path)
    assert servicekit.loads(servicekit.dump(model)) == model


def test_dry_cleaner_copy_is_the_bundled_example() -> None:
    """examples/dry-cleaner.yaml is the bundled example, plus the editor schema line."""
    assert servicekit.load(EXAMPLES / "dry-cleaner.yaml") == servicekit.load_example()


@pytest.mark.parametrize("path", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_models_are_refused_with_every_problem(path: Path) -> None:
    """The deliberately broken models fail to load, each problem located."""
    with pytest.raises(
        servicekit.ModelError, match=rf"{re.escape(str(path))}:\d+:\d+: error: "
    ) as caught:
        servicekit.load(path)
    assert len(caught.value.problems) >= 2
    assert all(p.line is not None for p in caught.value.problems)


@pytest.mark.parametrize(
    ("argv", "status", "expected"),
    [
        (
            ["examples/complaint_report.py", "examples/restaurant.yaml", "table-service"],
            0,
            "1. slow-drinks (wait): 8.0% of units, made in the hand-off bartender -> server",
        ),
        (
            ["examples/complaint_report.py", "examples/dry-cleaner.yaml", "pickup", "stain"],
            0,
            "   travels: cleaner -> presser -> organizer -> cashier -> pickup",
        ),
        (["examples/complaint_report.py", "examples/dry-cleaner.yaml"], 2, ""),
        (["examples/complaint_report.py"], 0, "The bundled example, a corner dry cleaner"),
        (
            ["examples/complaint_report.py", "examples/dry-cleaner.yaml", "pikcup"],
            2,
            "",
        ),
        (["examples/training_audit.py", "examples/help-desk.yaml"], 1, "  findings: none"),
        (["examples/training_audit.py", "examples/coffee-cart.yaml"], 0, ""),
        (["examples/training_audit.py", "a.yaml", "b.yaml"], 2, ""),
        (["examples/training_audit.py"], 1, "Counter smiles (counter-smiles)"),
        (["examples/build_in_python.py"], 0, "    catches:\n      quality: 0.5\n"),
    ],
    ids=[
        "complaints",
        "complaints-by-category",
        "complaints-usage",
        "complaints-bundled",
        "complaints-unknown-touchpoint",
        "training-findings",
        "training-none",
        "training-usage",
        "training-bundled",
        "build",
    ],
)
def test_scripts_run(argv: list[str], status: int, expected: str) -> None:
    """Each example script runs, exits as documented and prints what it should."""
    done = _run(*argv)
    assert done.returncode == status, done.stderr
    assert expected in done.stdout
    if status == 2:
        assert done.stderr.startswith(("usage:", "error:", "Usage:"))


def test_every_script_is_exercised() -> None:
    """No script under examples/ escapes test_scripts_run."""
    source = Path(__file__).read_text(encoding="utf-8")
    for script in SCRIPTS:
        assert f'"examples/{script.name}"' in source, script.name


def test_the_simulated_evidence_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    """examples/simulate_evidence.py, seeded, writes exactly the files examples/evidence holds."""
    done = _run("examples/simulate_evidence.py", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Simulating a quarter of complaints")
    shipped = sorted(p.name for p in (EXAMPLES / "evidence").iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == shipped
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (EXAMPLES / "evidence" / name).read_bytes(), name
