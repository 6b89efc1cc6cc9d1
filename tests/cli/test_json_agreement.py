"""Python and the command line give one JSON shape per answer, value for value.

For every bundled example and every command, ``servicekit COMMAND --format json`` prints
exactly what the Python answer's ``to_json()`` gives (after a JSON round trip), so a
program can move between the two without translating.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import servicekit
from servicekit import ServiceModel
from servicekit.cli.main import main
from servicekit.culture.report import build
from servicekit.readwrite.schema import json_schema

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MODELS = sorted(EXAMPLES.glob("*.yaml"))
EVIDENCE = EXAMPLES / "evidence"


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """What ``servicekit ARGV --format json`` prints, parsed."""
    main([*argv, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def same(data: Any) -> Any:
    """``data`` after the JSON round trip the command line puts it through."""
    return json.loads(json.dumps(data))


def _queries(model: ServiceModel) -> Iterator[tuple[list[str], Any]]:
    """Every chain question worth asking of ``model``: command line, Python answer."""
    chain = model.chain
    for node in chain.graph:
        yield ["upstream", node], chain.upstream(node)
        yield ["downstream", node], chain.downstream(node)
        yield ["critical", node], chain.critical(node)
    for touchpoint in model.touchpoints:
        yield ["trace", touchpoint], chain.trace(touchpoint)
        for category in chain.categories:
            yield ["trace", touchpoint, "--category", category], chain.trace(touchpoint, category)
    for customer in model.customers:
        for touchpoint in model.touchpoints:
            if customer in model.touchpoints[touchpoint].customers:
                yield (
                    ["upstream", touchpoint, "--customer", customer],
                    chain.upstream(touchpoint, customer=customer),
                )
                yield (
                    ["trace", touchpoint, "--customer", customer],
                    chain.trace(touchpoint, customer=customer),
                )
    yield ["select", "kind:role"], chain.select("kind:role")
    for scenario in model.scenarios:
        yield ["guide", scenario], model.guide(scenario)
    yield ["coverage"], model.coverage()
    yield ["audit"], model.audit()


@pytest.mark.parametrize("path", MODELS, ids=[p.stem for p in MODELS])
def test_every_chain_and_culture_answer_agrees(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """upstream, downstream, critical, trace, select, guide, coverage, audit."""
    model = servicekit.load(path)
    asked = 0
    for argv, answer in _queries(model):
        command, *rest = argv
        assert cli_json(capsys, command, str(path), *rest) == same(answer.to_json()), argv
        asked += 1
    assert asked > 3 * len(model.chain.graph)


@pytest.mark.parametrize("path", MODELS, ids=[p.stem for p in MODELS])
def test_report_and_validate_agree(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report is build(...).to_json(); validate names the model and its counts."""
    model = servicekit.load(path)
    expected = build(model, path=str(path)).to_json()
    assert cli_json(capsys, "report", str(path)) == same(expected)
    valid = cli_json(capsys, "validate", str(path))
    assert valid["valid"] is True
    assert valid["name"] == model.name
    assert valid["counts"] == model.counts()


def test_the_bundled_report_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    """``servicekit report`` with no model: the bundled example's report, marked bundled."""
    expected = build(
        servicekit.load_example(), path=str(servicekit.example_path()), bundled=True
    ).to_json()
    assert cli_json(capsys, "report") == same(expected)


@pytest.mark.parametrize(
    ("model", "complaints"),
    [
        ("dry-cleaner.yaml", "dry-cleaner-complaints.csv"),
        ("help-desk.yaml", "help-desk-complaints.csv"),
    ],
)
def test_attribute_agrees(model: str, complaints: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Complaints attributed from Python and from the command line."""
    path, file = EXAMPLES / model, EVIDENCE / complaints
    expected = servicekit.load(path).attribute(file).to_json()
    assert cli_json(capsys, "attribute", str(path), str(file)) == same(expected)


@pytest.mark.parametrize(
    ("model", "log", "options"),
    [
        ("dry-cleaner.yaml", "dry-cleaner-log.csv", {}),
        ("dry-cleaner.yaml", "dry-cleaner-log.xes", {}),
        ("help-desk.yaml", "help-desk-log.csv", {"resource_roles": "help-desk-roles.csv"}),
        ("help-desk.yaml", "help-desk-log.xes", {"resource_roles": "help-desk-roles.csv"}),
    ],
)
def test_conform_agrees(
    model: str, log: str, options: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A hand-off log set against the chain, from Python and from the command line."""
    path, file = EXAMPLES / model, EVIDENCE / log
    roles = {k: str(EVIDENCE / v) for k, v in options.items()}
    expected = servicekit.load(path).conformance(file, **roles).to_json()
    extra = ["--roles", roles["resource_roles"]] if roles else []
    assert cli_json(capsys, "conform", str(path), str(file), *extra) == same(expected)


@pytest.mark.parametrize("new", sorted((EXAMPLES / "changes").glob("*.yaml")), ids=lambda p: p.stem)
def test_diff_agrees(new: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What changed between two versions of a model."""
    old = EXAMPLES / "dry-cleaner.yaml"
    expected = servicekit.diff(old, new).to_json()
    assert cli_json(capsys, "diff", str(old), str(new)) == same(expected)


def test_schema_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON Schema the command prints is the one Python builds."""
    main(["schema"])
    assert json.loads(capsys.readouterr().out) == same(json_schema())
