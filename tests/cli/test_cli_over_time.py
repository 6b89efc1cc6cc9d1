"""Commands for models over time: select, --select, diagram --by, diff, validate of many."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import servicekit
from servicekit.cli.main import main
from servicekit.culture.selection import coverage_of, findings_about
from servicekit.render.diagram import to_mermaid

EXAMPLE = str(servicekit.example_path())
SARIF_SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def moved(write_model: Any) -> str:
    """The example with its re-treat loop moved from the cleaner to the presser."""
    text = Path(EXAMPLE).read_text(encoding="utf-8")
    text = text.replace("serves: [presser, spotter]", "serves: [presser]")
    text = text.replace(
        "        fail_points: [{id: missed-crease, category: pressing, rate: 0.03}]\n",
        "        fail_points: [{id: missed-crease, category: pressing, rate: 0.03}]\n"
        "      - spotter\n",
    )
    return str(write_model(text, "moved.yaml"))


@pytest.fixture
def worse(write_model: Any) -> str:
    """The example with the presser catching no stains and a metric tied to pay."""
    text = Path(EXAMPLE).read_text(encoding="utf-8")
    text = text.replace("    catches: {stain: 0.5}", "")
    text = text.replace(
        "metrics:\n",
        "metrics:\n  - {id: bags-per-hour, owner: organizer, tied_to: [bonus]}\n",
    )
    return str(write_model(text, "worse.yaml"))


# --- select -------------------------------------------------------------------------------------


def test_select_text_and_json(capsys: Any, example: servicekit.ServiceModel) -> None:
    """`select` prints the selection as a table, or the SPEC's JSON shape."""
    code, out, _ = run(capsys, "select", EXAMPLE, "2+pickup")
    assert code == 0
    assert out.splitlines() == [
        "Selected by 2+pickup: 3 nodes",
        "  kind        id",
        "  role        cashier",
        "  role        organizer",
        "  touchpoint  pickup",
    ]
    code, out, _ = run(capsys, "select", EXAMPLE, "@spotter", "kind:customer", "--format", "json")
    assert code == 0
    selected = example.chain.select("@spotter", "kind:customer")
    assert json.loads(out) == {
        "selector": "@spotter kind:customer",
        "selected": [{"id": n, "kind": example.chain.kind(n)} for n in selected],
    }


def test_select_exclude_and_customer(capsys: Any, example: servicekit.ServiceModel) -> None:
    """--exclude (repeatable) is in the JSON as given; --customer selects in its chain."""
    argv = ["select", EXAMPLE, "+pickup", "--exclude", "kind:customer", "--exclude", "tagger"]
    code, out, _ = run(capsys, *argv, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["selector"], data["exclude"]) == ("+pickup", "kind:customer tagger")
    expected = example.chain.select("+pickup", exclude=["kind:customer", "tagger"])
    assert [s["id"] for s in data["selected"]] == list(expected)
    code, out, _ = run(capsys, *argv[:3], "--customer", "bride")
    assert code == 0
    assert "walk-in" not in out
    assert out.splitlines()[0] == "Selected by +pickup: 9 nodes"
    code, out, _ = run(capsys, "select", EXAMPLE, "+pickup", "--exclude", "kind:role")
    assert out.splitlines()[0] == "Selected by +pickup, excluding kind:role: 2 nodes"


def test_select_nothing(capsys: Any) -> None:
    """An empty selection says so."""
    code, out, _ = run(capsys, "select", EXAMPLE, "kind:system")
    assert (code, out) == (0, "Selected by kind:system: 0 nodes\n")


@pytest.mark.parametrize(
    ("argv", "lines"),
    [
        (
            ["2++pickup"],
            [
                "servicekit select: error: a second '+' at column 3 of the selector; "
                "one '+' before the node, the depth first: 2+pickup",
                "  2++pickup",
                "    ^",
            ],
        ),
        (
            ["pickup", "department:cleanng"],
            [
                "servicekit select: error: unknown department 'cleanng' at column 12 of the "
                "selector; did you mean 'cleaning'?",
                "  department:cleanng",
                "             ^",
            ],
        ),
        (
            ["customer:walk-in", "--customer", "bride"],
            [
                "servicekit select: error: customer 'walk-in' asked about in the chain of "
                "customer 'bride' at column 10 of the selector; select in one customer's chain "
                "at a time",
                "  customer:walk-in",
                "           ^",
            ],
        ),
    ],
    ids=["second-plus", "unknown-department", "other-customer"],
)
def test_select_errors_show_the_selector_and_a_caret(
    capsys: Any, argv: list[str], lines: list[str]
) -> None:
    """A bad selector is exit 2 with the message, the selector and a caret line."""
    code, out, err = run(capsys, "select", EXAMPLE, *argv)
    assert (code, out) == (2, "")
    assert err.splitlines() == lines


def test_select_unknown_customer_option(capsys: Any) -> None:
    """--customer naming nobody is exit 2 with a did-you-mean hint."""
    code, _, err = run(capsys, "select", EXAMPLE, "pickup", "--customer", "brid")
    assert code == 2
    assert "unknown customer 'brid'; did you mean 'bride'?" in err


# --- --select on other commands -----------------------------------------------------------------


def test_audit_select_keeps_findings_about_the_selection(
    capsys: Any, example: servicekit.ServiceModel
) -> None:
    """audit --select keeps the findings whose subject is, or is tied to, a selected node."""
    code, out, _ = run(
        capsys, "audit", EXAMPLE, "--select", "department:cleaning", "--format", "json"
    )
    assert code == 0
    selected = example.chain.select("department:cleaning")
    expected = findings_about(example.audit(), example, selected)
    assert json.loads(out) == expected.to_json()
    assert {f["subject"] for f in json.loads(out)["findings"]} == {
        "spotting-handbook",
        "stain-school",
    }
    code, out, _ = run(capsys, "audit", EXAMPLE, "--select", "presser")
    assert code == 1  # garments-per-hour, owned by the presser, is an error
    assert "garments-per-hour" in out


def test_coverage_select_keeps_rows_of_selected_roles(
    capsys: Any, example: servicekit.ServiceModel
) -> None:
    """coverage --select: the rows of the selected roles, every principle a column."""
    code, out, _ = run(
        capsys,
        "coverage",
        EXAMPLE,
        "--select",
        "2+pickup",
        "--select",
        "tagger",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["roles"] == ["cashier", "organizer", "tagger"]
    assert data["principles"] == list(example.principles)
    expected = coverage_of(example.coverage(), example.chain.select("2+pickup", "tagger"))
    assert data == expected.to_json()


def test_report_select_keeps_selected_touchpoints(capsys: Any) -> None:
    """report --select: the selected touchpoints, and gaps and findings about the selection."""
    code, out, _ = run(capsys, "report", EXAMPLE, "--select", "+drop-off", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [t["id"] for t in data["touchpoints"]] == ["drop-off"]
    assert {f["subject"] for f in data["findings"]} == {"counter-smiles"}
    assert data["coverage_gaps"] == []


def test_diagram_select_draws_only_the_selection(
    capsys: Any, example: servicekit.ServiceModel
) -> None:
    """diagram --select draws the selected nodes and the edges between them."""
    code, out, _ = run(capsys, "diagram", EXAMPLE, "--select", "department:cleaning")
    assert code == 0
    selected = example.chain.select("department:cleaning")
    assert out == to_mermaid(example.chain, select=selected)
    assert "r_spotter" in out
    assert "r_cleaner" in out
    assert "r_presser" not in out
    assert "t_pickup" not in out
    code, out, _ = run(
        capsys,
        "diagram",
        EXAMPLE,
        "--select",
        "department:cleaning",
        "--focus",
        "spotter",
        "--depth",
        "0",
        "--format",
        "dot",
    )
    assert code == 0
    assert '"spotter"' in out
    assert '"cleaner"' not in out


# --- diagram --by department ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_diagram_by_department(capsys: Any, fmt: str) -> None:
    """diagram --by department draws the roll-up; --select limits its roles."""
    code, out, _ = run(
        capsys, "diagram", "examples/restaurant.yaml", "--by", "department", "--format", fmt
    )
    assert code == 0
    assert "kitchen" in out
    assert "5 hand-offs" in out
    code, out, _ = run(
        capsys,
        "diagram",
        "examples/restaurant.yaml",
        "--by",
        "department",
        "--select",
        "department:kitchen",
        "--format",
        fmt,
    )
    assert code == 0
    assert "front-of-house" not in out
    assert "5 hand-offs" in out


def test_diagram_by_refuses_focus(capsys: Any) -> None:
    """--by with --focus or --depth is bad usage, exit 2."""
    code, _, err = run(capsys, "diagram", EXAMPLE, "--by", "department", "--focus", "spotter")
    assert code == 2
    assert "--by draws the whole roll-up" in err


# --- diff ------------------------------------------------------------------------------------


def test_diff_text_of_the_moved_loop(capsys: Any, moved: str) -> None:
    """Moving the re-treat loop: two hand-offs, and no touchpoint's chain changes."""
    code, out, _ = run(capsys, "diff", EXAMPLE, moved)
    assert code == 0
    assert out.splitlines() == [
        f"Changes from {EXAMPLE} to {moved}",
        "",
        "Hand-offs (1 added, 1 removed)",
        "  - cleaner -> spotter",
        "  + presser -> spotter",
        "",
        "Touchpoints: no touchpoint's upstream, critical set or suspects changed.",
        "",
        "Audit: no new findings, none resolved.",
        "",
        "In all: 0 entities, 2 hand-offs, 0 touchpoints changed; 0 new findings, 0 resolved.",
    ]


def test_diff_formats_and_fail_on(capsys: Any, worse: str) -> None:
    """JSON, Markdown and SARIF of a change, and --fail-on new-finding."""
    code, out, _ = run(capsys, "diff", EXAMPLE, worse, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data == servicekit.diff(EXAMPLE, worse).to_json()
    assert [(e["kind"], e["id"], e["status"]) for e in data["entities"]] == [
        ("role", "presser", "changed"),
        ("metric", "bags-per-hour", "added"),
    ]
    assert data["entities"][0]["fields"] == [{"field": "catches.stain", "old": 0.5, "new": None}]
    assert data["touchpoints"][0]["suspects"][0] == {
        "role": "spotter",
        "receiver": "cleaner",
        "fail_point": "missed-stain",
        "category": "stain",
        "old": 0.02,
        "new": 0.04,
    }
    assert [f["rule"] for f in data["findings"]["new"]] == ["unaligned-metric"]
    code, out, _ = run(capsys, "diff", EXAMPLE, worse, "--format", "markdown")
    assert code == 0
    assert "| pickup |" in out
    code, out, _ = run(capsys, "diff", EXAMPLE, worse, "--format", "sarif")
    assert code == 0
    log = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["unaligned-metric"]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == servicekit.load(worse).sources["bags-per-hour"].line
    code, _, _ = run(capsys, "diff", EXAMPLE, worse, "--fail-on", "new-finding")
    assert code == 1
    code, _, _ = run(capsys, "diff", EXAMPLE, worse, "--fail-on", "new-critical")
    assert code == 0
    code, _, _ = run(capsys, "diff", worse, EXAMPLE, "--fail-on", "new-finding")
    assert code == 0


def test_diff_of_an_invalid_model_is_exit_2(capsys: Any, write_model: Any) -> None:
    """Either version invalid: its problems, located, and exit 2."""
    bad = write_model("servicekit: 1\nroles: [{id: a, serves: [b]}]\n", "bad.yaml")
    code, out, err = run(capsys, "diff", EXAMPLE, str(bad))
    assert (code, out) == (2, "")
    assert f"{bad}:2:" in err


# --- validate, many at once ------------------------------------------------------------------


@pytest.fixture
def broken(write_model: Any) -> str:
    return str(write_model("servicekit: 1\nroles: [{id: a, serves: [b]}]\n", "broken.yaml"))


def test_validate_many_reports_every_problem_of_every_model(
    capsys: Any, broken: str, write_model: Any
) -> None:
    """Each valid model says so; every problem of every invalid one is on stderr; exit 2."""
    other = str(write_model("servicekit: 1\nroles: [{id: x, kind2: y}]\n", "other.yaml"))
    code, out, err = run(capsys, "validate", EXAMPLE, broken, "examples/restaurant.yaml", other)
    assert code == 2
    assert [line.split(":")[0] for line in out.splitlines()] == [
        EXAMPLE,
        "examples/restaurant.yaml",
    ]
    assert f"{broken}:2:" in err
    assert f"{other}:2:" in err
    code, out, _ = run(capsys, "validate", EXAMPLE, "examples/restaurant.yaml")
    assert code == 0
    assert len(out.splitlines()) == 2


def test_validate_many_json(capsys: Any, broken: str) -> None:
    """Several models: {"valid": all valid, "models": [each single-model answer]}."""
    code, out, _ = run(capsys, "validate", EXAMPLE, broken, "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert data["valid"] is False
    first, second = data["models"]
    assert (first["valid"], first["model"]) == (True, EXAMPLE)
    assert (second["valid"], second["model"]) == (False, broken)
    assert second["problems"][0]["line"] == 2
    code, out, _ = run(capsys, "validate", EXAMPLE, EXAMPLE, "--format", "json")
    assert code == 0
    assert json.loads(out)["valid"] is True


def test_validate_one_model_keeps_its_json_shape(capsys: Any, broken: str) -> None:
    """One model: the single-model shape, as before (with the model's path added)."""
    code, out, _ = run(capsys, "validate", broken, "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert (data["valid"], data["model"]) == (False, broken)
    assert "models" not in data


# --- the example changes the docs review --------------------------------------------------------

CHANGES = sorted((Path(__file__).parents[2] / "examples" / "changes").glob("*.yaml"))


@pytest.mark.parametrize("path", CHANGES, ids=[p.name for p in CHANGES])
def test_example_changes_are_the_dry_cleaner_edited(path: Path) -> None:
    """Each proposed change loads, points editors at the schema and differs from the example."""
    model = servicekit.load(path)
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert (
        first == "# yaml-language-server: $schema=../../src/servicekit/data/servicekit.schema.json"
    )
    assert (path.parent / first.split("=", 1)[1]).resolve() == Path(
        servicekit.schema_path()
    ).resolve()
    change = servicekit.diff(servicekit.load_example(), model)
    assert change.handoffs
    assert servicekit.loads(servicekit.dump(model)) == model


def test_problems_json_without_a_path() -> None:
    """The problems of a model built in Python have no path to name."""
    from servicekit.errors import Problem
    from servicekit.render.json import problems_json

    data = problems_json([Problem(message="x")])
    assert data == {
        "valid": False,
        "problems": [
            {"path": "<model>", "line": None, "column": None, "message": "x", "hint": None}
        ],
    }
