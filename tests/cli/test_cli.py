"""The servicekit command line: every command, both formats, every exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import servicekit
from servicekit.cli.main import main

EXAMPLE = str(servicekit.example_path())

TINY = """\
servicekit: 1
name: Tiny
customers:
  - id: guest
roles:
  - id: clerk
    serves:
      - to: runner
        fail_points: [{id: slip, category: delay, rate: 0.5}]
  - id: runner
touchpoints:
  - {id: desk, role: runner, customers: [guest]}
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tiny(write_model) -> str:  # type: ignore[no-untyped-def]
    """A tiny valid model on disk."""
    return str(write_model(TINY))


@pytest.fixture
def dangling(write_model) -> str:  # type: ignore[no-untyped-def]
    """A model whose hand-off names a role that does not exist."""
    return str(write_model(TINY.replace("to: runner", "to: runer")))


# --- upstream / downstream / critical / trace agree with the Python API ------------------


@pytest.mark.parametrize("depth", [None, 0, 1, 3], ids=["all", "depth0", "depth1", "depth3"])
def test_upstream_json_matches_python(capsys, example, depth) -> None:  # type: ignore[no-untyped-def]
    """`upstream --format json` gives the SPEC shape and the same answer as the API."""
    argv = ["upstream", EXAMPLE, "pickup", "--format", "json"]
    if depth is not None:
        argv += ["--depth", str(depth)]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    expected = [
        {"id": r.id, "kind": r.kind, "distance": r.distance}
        for r in example.chain.upstream("pickup", depth=depth)
    ]
    assert json.loads(out) == {"target": "pickup", "upstream": expected}


def test_downstream_json_matches_python(capsys, example) -> None:  # type: ignore[no-untyped-def]
    """`downstream --format json` gives the SPEC shape and the same answer as the API."""
    code, out, _ = run(capsys, "downstream", EXAMPLE, "tagger", "--format", "json")
    assert code == 0
    expected = [
        {"id": r.id, "kind": r.kind, "distance": r.distance}
        for r in example.chain.downstream("tagger")
    ]
    assert json.loads(out) == {"source": "tagger", "downstream": expected}


def test_upstream_text_is_an_aligned_table(capsys, example) -> None:  # type: ignore[no-untyped-def]
    """Text output names the count and lists each node under aligned headers, no reprs."""
    code, out, _ = run(capsys, "upstream", EXAMPLE, "pickup")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Upstream of pickup: {len(example.chain.upstream('pickup'))} nodes"
    assert lines[1].split() == ["distance", "kind", "id"]
    assert lines[2].split() == ["1", "role", "cashier"]
    id_column = lines[1].index("id")
    assert all(line[id_column - 2 : id_column] == "  " for line in lines[2:])
    assert "Reach(" not in out


def test_downstream_text_with_nothing_downstream(capsys) -> None:  # type: ignore[no-untyped-def]
    """A sink says it reaches no node rather than printing an empty table."""
    code, out, _ = run(capsys, "downstream", EXAMPLE, "walk-in")
    assert code == 0
    assert out.strip() == "Downstream of walk-in: 0 nodes"


def test_critical_json_and_text(capsys, example) -> None:  # type: ignore[no-untyped-def]
    """`critical` lists the necessary nodes nearest first, and the roots, in both formats."""
    code, out, _ = run(capsys, "critical", EXAMPLE, "pickup", "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "target": "pickup",
        "critical": list(example.chain.critical("pickup")),
        "roots": [{"id": r.id, "why": r.why} for r in example.chain.roots("pickup")],
    }
    code, out, _ = run(capsys, "critical", EXAMPLE, "pickup")
    assert code == 0
    names = [line.split()[-1] for line in out.splitlines()[2:-1]]
    assert names == list(example.chain.critical("pickup"))
    assert out.splitlines()[-1] == "Work reaching it starts at: counter-clerk (feeds)"


def test_critical_text_when_nothing_is_upstream(capsys) -> None:  # type: ignore[no-untyped-def]
    """A node with nothing upstream has no critical nodes, and the text says so."""
    code, out, _ = run(capsys, "critical", EXAMPLE, "bookkeeper")
    assert code == 0
    assert "none" in out


@pytest.mark.parametrize(
    "category", [None, "stain", "lost-item"], ids=["all", "stain", "lost-item"]
)
def test_trace_json_matches_python(capsys, example, category) -> None:  # type: ignore[no-untyped-def]
    """`trace --format json` gives the SPEC shape, filtered by --category."""
    argv = ["trace", EXAMPLE, "pickup", "--format", "json"]
    if category:
        argv += ["--category", category]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    data = json.loads(out)
    assert data["target"] == "pickup"
    expected = example.chain.trace("pickup", category=category)
    assert [
        (s["role"], s["fail_point"], s["category"], s["distance"]) for s in data["suspects"]
    ] == [(s.role, s.fail_point, s.category, s.distance) for s in expected]
    assert [s["score"] for s in data["suspects"]] == pytest.approx([s.score for s in expected])
    for suspect in data["suspects"]:
        assert set(suspect) == {
            "role",
            "receiver",
            "fail_point",
            "category",
            "rate",
            "escape",
            "score",
            "distance",
        }


@pytest.mark.parametrize(
    ("category", "message"),
    [
        ("stian", "unknown category 'stian'; did you mean 'stain'?"),
        ("", "unknown category ''"),
    ],
    ids=["typo", "empty"],
)
def test_trace_refuses_an_unknown_category(capsys, category, message) -> None:  # type: ignore[no-untyped-def]
    """An unknown --category is a usage error (exit 2) with the nearest categories."""
    code, out, err = run(capsys, "trace", EXAMPLE, "pickup", "--category", category)
    assert (code, out) == (2, "")
    assert err.strip().startswith(f"servicekit trace: error: {message}")


def test_trace_text_lists_hand_offs(capsys) -> None:  # type: ignore[no-untyped-def]
    """Text trace shows the score, the fail point and which hand-off it sits on."""
    code, out, _ = run(capsys, "trace", EXAMPLE, "pickup", "--category", "stain")
    assert code == 0
    assert "missed-stain" in out
    assert "spotter -> cleaner" in out
    assert "0.0200" in out


def test_trace_text_with_no_suspects(capsys) -> None:  # type: ignore[no-untyped-def]
    """A touchpoint with no fail points upstream says so."""
    code, out, _ = run(capsys, "trace", EXAMPLE, "drop-off")
    assert code == 0
    assert "none" in out


# --- exit code 2: unknown ids, bad usage, invalid models --------------------------------


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["upstream", EXAMPLE, "pikcup"], "did you mean 'pickup'?"),
        (["downstream", EXAMPLE, "tager"], "did you mean 'tagger'?"),
        (["critical", EXAMPLE, "casheir"], "did you mean 'cashier'?"),
        (["trace", EXAMPLE, "pickpu"], "did you mean 'pickup'?"),
        (["trace", EXAMPLE, "cashier"], "unknown touchpoint 'cashier'"),
    ],
    ids=["upstream", "downstream", "critical", "trace", "trace-wrong-kind"],
)
def test_unknown_node_is_exit_2_with_hint(capsys, argv, needle) -> None:  # type: ignore[no-untyped-def]
    """An unknown id exits 2 with a did-you-mean hint on stderr and no traceback."""
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["nonsense"],
        ["upstream", EXAMPLE],
        ["upstream", EXAMPLE, "pickup", "--depth", "-1"],
        ["upstream", EXAMPLE, "pickup", "--depth", "two"],
        ["upstream", EXAMPLE, "pickup", "--format", "xml"],
        ["coverage", EXAMPLE, "--format", "sarif"],
        ["audit", EXAMPLE, "--fail-on", "sometimes"],
    ],
    ids=[
        "no-command",
        "unknown-command",
        "missing-node",
        "negative-depth",
        "word-depth",
        "bad-format",
        "coverage-bad-format",
        "bad-fail-on",
    ],
)
def test_bad_usage_is_exit_2(capsys, argv) -> None:  # type: ignore[no-untyped-def]
    """Bad usage exits 2 with a usage message, never a traceback."""
    with pytest.raises(SystemExit, match="2") as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: servicekit" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["report"],
        ["upstream", "--", "desk"],
        ["critical", "--", "desk"],
        ["trace", "--", "desk"],
        ["coverage"],
        ["audit"],
        ["diagram"],
    ],
    ids=lambda c: c[0],
)
def test_invalid_model_is_exit_2_with_located_errors(capsys, dangling, command) -> None:  # type: ignore[no-untyped-def]
    """Every command refuses an invalid model with `file:line:column: error:` lines."""
    name, *rest = command
    argv = [name, dangling, *(r for r in rest if r != "--")]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert f"{dangling}:8:13: error: role 'clerk' names unknown role 'runer'" in err
    assert "did you mean 'runner'?" in err
    assert "Traceback" not in err


def test_missing_file_is_exit_2(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A path that does not exist is a located error, not a traceback."""
    missing = tmp_path / "nope.yaml"
    code, _, err = run(capsys, "validate", str(missing))
    assert code == 2
    assert err.startswith(f"{missing}:1:1: error: no such file")


def test_every_problem_is_reported(capsys, write_model) -> None:  # type: ignore[no-untyped-def]
    """All errors of a load are printed, one per line, in file order."""
    path = write_model(TINY.replace("to: runner", "to: runer").replace("role: runner", "role: x"))
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert [int(line.split(":")[1]) for line in lines] == [8, 12]


# --- validate -------------------------------------------------------------------------


def test_validate_text_and_json(capsys, tiny) -> None:  # type: ignore[no-untyped-def]
    """`validate` says the model is valid and counts what it holds."""
    code, out, _ = run(capsys, "validate", tiny)
    assert code == 0
    assert out.strip() == f"{tiny}: valid (1 customer, 2 roles, 1 touchpoint)"
    code, out, _ = run(capsys, "validate", tiny, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["valid"] is True
    assert data["counts"]["roles"] == 2


def test_validate_json_lists_problems(capsys, dangling) -> None:  # type: ignore[no-untyped-def]
    """`validate --format json` on a bad model prints the problems as data and exits 2."""
    code, out, err = run(capsys, "validate", dangling, "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert data["valid"] is False
    assert data["problems"][0]["line"] == 8
    assert data["problems"][0]["hint"] == "did you mean 'runner'?"
    assert ":8:13: error:" in err


@pytest.mark.parametrize("name", ["missing-touchpoint-role.yaml", "unknown-field.yaml"])
def test_validate_corpus_samples(capsys, name) -> None:  # type: ignore[no-untyped-def]
    """Corpus samples fail validation with a located error line."""
    from conftest import CORPUS

    path = CORPUS / "bad" / name
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    assert err.startswith(f"{path}:")
    assert ": error: " in err


# --- report ---------------------------------------------------------------------------


def test_report_without_path_uses_the_bundled_example(capsys, example) -> None:  # type: ignore[no-untyped-def]
    """`report` alone runs on the bundled example and says so."""
    code, out, _ = run(capsys, "report")
    assert code == 0
    assert "bundled example" in out
    assert EXAMPLE in out
    for touchpoint in example.touchpoints:
        assert f"Touchpoint {touchpoint} " in out
    assert "critical, nearest first: cashier, organizer" in out
    assert "missed-crease" in out
    assert "\nAudit\n" in out
    assert "findings: 1 error" in out


def test_report_json(capsys, tiny) -> None:  # type: ignore[no-untyped-def]
    """`report --format json` holds each touchpoint's chain, critical nodes and suspects."""
    code, out, _ = run(capsys, "report", tiny, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["bundled"] is False
    (desk,) = data["touchpoints"]
    assert [u["id"] for u in desk["upstream"]] == ["runner", "clerk"]
    assert desk["critical"] == ["runner", "clerk"]
    assert desk["suspects"][0]["fail_point"] == "slip"
    assert desk["suspects"][0]["score"] == pytest.approx(0.5)


def test_report_fail_on(capsys) -> None:  # type: ignore[no-untyped-def]
    """`report --fail-on` exits 1 when the model has findings that severe."""
    code, _, _ = run(capsys, "report", "--fail-on", "info")
    assert code == 1
    code, _, _ = run(capsys, "report", "--fail-on", "never")
    assert code == 0


# --- the culture commands ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_coverage_formats(capsys, example, fmt) -> None:  # type: ignore[no-untyped-def]
    """`coverage` renders the matrix in every format, naming every role."""
    code, out, _ = run(capsys, "coverage", EXAMPLE, "--format", fmt)
    assert code == 0
    if fmt == "json":
        assert json.loads(out) == example.coverage().to_json()
    for role in example.roles:
        assert role in out


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_guide_formats(capsys, example, fmt) -> None:  # type: ignore[no-untyped-def]
    """`guide` renders an education card naming the scenario and the role on duty."""
    code, out, _ = run(capsys, "guide", EXAMPLE, "wedding-dress-stain", "--format", fmt)
    assert code == 0
    if fmt == "json":
        assert json.loads(out) == example.guide("wedding-dress-stain").to_json()
    assert "wedding-dress-stain" in out or "A stain on a dress needed tomorrow" in out
    assert "cashier" in out.lower()


def test_guide_unknown_scenario(capsys) -> None:  # type: ignore[no-untyped-def]
    """An unknown scenario exits 2 with a hint."""
    code, _, err = run(capsys, "guide", EXAMPLE, "wedding-dress")
    assert code == 2
    assert "did you mean 'wedding-dress-stain'?" in err


def test_audit_json_has_the_spec_shape(capsys, example) -> None:  # type: ignore[no-untyped-def]
    """`audit --format json` lists findings with rule, severity, subject, message and hint."""
    code, out, _ = run(capsys, "audit", EXAMPLE, "--format", "json", "--fail-on", "never")
    assert code == 0
    data = json.loads(out)
    assert data == example.audit().to_json()
    assert [(f["rule"], f["severity"], f["subject"], f["hint"]) for f in data["findings"]] == [
        (f.rule, f.severity, f.subject, f.hint) for f in example.audit()
    ]
    for finding in data["findings"]:
        assert set(finding) == {"rule", "severity", "subject", "message", "hint"}


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", 1), ("warning", 1), ("info", 1), ("never", 0)],
    ids=["error", "warning", "info", "never"],
)
def test_audit_exit_codes(capsys, fail_on, expected) -> None:  # type: ignore[no-untyped-def]
    """`audit` exits 1 when a finding is at or above --fail-on (the example has errors)."""
    code, out, _ = run(capsys, "audit", EXAMPLE, "--fail-on", fail_on)
    assert code == expected
    assert "unaligned-metric" in out


def test_audit_clean_model_exits_0(capsys, write_model) -> None:  # type: ignore[no-untyped-def]
    """A model with only info findings passes the default --fail-on error."""
    path = write_model(
        "servicekit: 1\nroles:\n  - id: a\n    serves: [b]\n  - id: b\n"
        "customers: [{id: c}]\ntouchpoints: [{id: t, role: b, customers: [c]}]\n"
        "principles: [{id: p}]\n"
    )
    code, _, _ = run(capsys, "audit", str(path))
    assert code == 0


def test_audit_rule_overrides(capsys) -> None:  # type: ignore[no-untyped-def]
    """--rule turns a rule off or changes its severity."""
    code, out, _ = run(
        capsys,
        "audit",
        EXAMPLE,
        "--format",
        "json",
        "--fail-on",
        "never",
        "--rule",
        "unaligned-metric=off",
        "--rule",
        "orphan-principle=error",
    )
    assert code == 0
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert "unaligned-metric" not in rules


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ("unaligned-metrics=off", "did you mean 'unaligned-metric'?"),
        ("unaligned-metric", "RULE=off|error|warning|info"),
        ("unaligned-metric=loud", "must be off, error, warning or info, not 'loud'"),
    ],
    ids=["unknown-rule", "no-setting", "bad-setting"],
)
def test_audit_bad_rule_override(capsys, setting, needle) -> None:  # type: ignore[no-untyped-def]
    """A bad --rule exits 2 and says what was expected."""
    code, _, err = run(capsys, "audit", EXAMPLE, "--rule", setting)
    assert code == 2
    assert needle in err


def test_audit_sarif(capsys, example) -> None:  # type: ignore[no-untyped-def]
    """`audit --format sarif` is SARIF 2.1.0 with one result per finding."""
    code, out, _ = run(capsys, "audit", EXAMPLE, "--format", "sarif", "--fail-on", "never")
    assert code == 0
    data = json.loads(out)
    assert data["version"] == "2.1.0"
    assert len(data["runs"][0]["results"]) == len(example.audit())


# --- diagram and schema -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_diagram_formats(capsys, example, fmt) -> None:  # type: ignore[no-untyped-def]
    """`diagram` prints the same text as the Python API."""
    code, out, _ = run(capsys, "diagram", EXAMPLE, "--format", fmt)
    assert code == 0
    expected = example.chain.to_dot() if fmt == "dot" else example.chain.to_mermaid()
    assert out.rstrip("\n") == expected.rstrip("\n")


def test_diagram_focus(capsys, example) -> None:  # type: ignore[no-untyped-def]
    """`diagram --focus` narrows to the neighbourhood, and an unknown focus exits 2."""
    code, out, _ = run(capsys, "diagram", EXAMPLE, "--focus", "pickup", "--depth", "1")
    assert code == 0
    assert out.rstrip("\n") == example.chain.to_mermaid(focus="pickup", depth=1).rstrip("\n")
    code, _, err = run(capsys, "diagram", EXAMPLE, "--focus", "pikcup")
    assert code == 2
    assert "did you mean 'pickup'?" in err


def test_schema_prints_the_bundled_json_schema(capsys) -> None:  # type: ignore[no-untyped-def]
    """`schema` prints the JSON Schema that ships with the package."""
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert "roles" in schema["properties"]


# --- the installed entry point --------------------------------------------------------------


def test_python_dash_m_runs_the_cli() -> None:
    """`python -m servicekit` runs the same command line, with the same exit codes."""
    done = subprocess.run(
        [sys.executable, "-m", "servicekit", "critical", EXAMPLE, "pickup", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["critical"][0] == "cashier"
    done = subprocess.run(
        [sys.executable, "-m", "servicekit", "upstream", EXAMPLE, "nowhere"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "unknown node 'nowhere'" in done.stderr


def test_version(capsys) -> None:  # type: ignore[no-untyped-def]
    """`--version` prints the package version."""
    with pytest.raises(SystemExit, match="0") as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert servicekit.__version__ in capsys.readouterr().out


WAITING = Path(__file__).resolve().parents[1] / "data" / "real" / "waiting-for-itself.yaml"


def test_validate_warns_about_a_required_hand_off_never_served(capsys) -> None:  # type: ignore[no-untyped-def]
    """A valid model with an approval its giver can never give: exit 0, a warning on stderr
    placed where the giving role is written, and the same warning in JSON."""
    code, out, err = run(capsys, "validate", str(WAITING))
    assert code == 0
    assert out.startswith(f"{WAITING}: valid (")
    (line,) = err.splitlines()
    assert line.startswith(f"{WAITING}:11:5: warning: the required hand-off from 'commander' to ")
    assert line.endswith("model them as two roles, or make the hand-off not required")
    code, out, err = run(capsys, "validate", str(WAITING), "--format", "json")
    assert code == 0
    assert json.loads(out)["warnings"] == [line]
    assert err.strip() == line


def test_validate_of_a_model_without_warnings_is_quiet(capsys) -> None:  # type: ignore[no-untyped-def]
    """No warning, nothing on stderr; JSON lists no warnings."""
    code, out, err = run(capsys, "validate", EXAMPLE, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["warnings"] == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["upstream", "host", "--customer", "investor"], "Upstream of host: 0 nodes"),
        (["upstream", "host", "--customer", "first-home-buyer"], "Upstream of host: 1 node"),
        (["trace", "handover", "--customer", "investor"], "does not serve customer 'investor'"),
        (["critical", "host", "--customer", "nobody"], "unknown customer 'nobody'"),
    ],
    ids=["investor", "buyer", "touchpoint-not-theirs", "unknown-customer"],
)
def test_customer_option(capsys, write_model, argv, expected) -> None:  # type: ignore[no-untyped-def]
    """--customer answers on that customer's chain; outside it, exit 2 naming both."""
    path = write_model(
        "servicekit: 1\n"
        "customers: [{id: first-home-buyer}, {id: investor}]\n"
        "roles:\n"
        "  - {id: agent, serves: [{to: host, for: [first-home-buyer]}]}\n"
        "  - {id: host}\n"
        "touchpoints: [{id: handover, role: host, customers: [first-home-buyer]}]\n"
    )
    code, out, err = run(capsys, argv[0], str(path), *argv[1:])
    assert expected in out + err
    assert code == (2 if err else 0)
