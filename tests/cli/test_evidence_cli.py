"""servicekit attribute, conform and diagram --log: formats, JSON shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import servicekit
from servicekit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
MODEL = str(ROOT / "examples" / "dry-cleaner.yaml")
EVIDENCE = ROOT / "examples" / "evidence"
COMPLAINTS = str(EVIDENCE / "dry-cleaner-complaints.csv")
LOG = str(EVIDENCE / "dry-cleaner-log.csv")
XES = str(EVIDENCE / "dry-cleaner-log.xes")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- attribute ---------------------------------------------------------------------------------


def test_attribute_json_is_the_python_answer(capsys: pytest.CaptureFixture[str]) -> None:
    """The command prints what model.attribute(...).to_json() gives."""
    code, out, err = run(capsys, "attribute", MODEL, COMPLAINTS, "--format", "json")
    assert (code, err) == (0, "")
    expected = servicekit.load(MODEL).attribute(COMPLAINTS).to_json()
    assert json.loads(out) == expected
    assert set(expected) >= {"groups", "by_fail_point", "by_role", "by_department", "unexplained"}


@pytest.mark.parametrize(
    ("fmt", "needle"),
    [
        ("text", "Train the spotter, not the cashier"),
        ("markdown", "| complaints | role | kind | department | programmes | training gap |"),
        ("csv", "role,kind,department,complaints,programs,gap"),
    ],
    ids=["text", "markdown", "csv"],
)
def test_attribute_formats(capsys: pytest.CaptureFixture[str], fmt: str, needle: str) -> None:
    """Text for people, Markdown for wikis, CSV (the training-gap table) for spreadsheets."""
    code, out, _ = run(capsys, "attribute", MODEL, COMPLAINTS, "--format", fmt)
    assert code == 0
    assert needle in out


def test_attribute_reads_renamed_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--column SHORT=COLUMN names a file's own columns."""
    path = write(tmp_path, "c.csv", "where,why\npickup,stain\n")
    code, out, _ = run(
        capsys,
        "attribute",
        MODEL,
        path,
        "--column",
        "touchpoint=where",
        "--column",
        "category=why",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["by_role"][0]["role"] == "spotter"


@pytest.mark.parametrize(
    ("text", "argv", "needle"),
    [
        ("touchpoint,category\npikcup,stain\n", [], ":2: error: unknown touchpoint 'pikcup'"),
        ("where,category\npickup,stain\n", [], ":1: error: no column 'touchpoint'"),
        (
            "touchpoint,category\npickup,stain\n",
            ["--column", "case=x"],
            "attribute: error: complaints have no 'case' column",
        ),
        (
            "touchpoint,category\npickup,stain\n",
            ["--column", "touchpoint"],
            "attribute: error: --column takes SHORT=COLUMN",
        ),
    ],
    ids=["unknown-id", "missing-column", "other-evidence-column", "bad-pair"],
)
def test_bad_complaints_exit_2_with_located_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, argv: list[str], needle: str
) -> None:
    """Invalid evidence is exit 2 with file:line: error: lines, never a traceback."""
    path = write(tmp_path, "c.csv", text)
    code, out, err = run(capsys, "attribute", MODEL, path, *argv)
    assert (code, out) == (2, "")
    assert needle in err
    assert "Traceback" not in err


# --- conform -----------------------------------------------------------------------------------


def test_conform_json_is_the_python_answer(capsys: pytest.CaptureFixture[str]) -> None:
    """The command prints model.conformance(...).to_json(); CSV and XES give the same."""
    code, out, err = run(capsys, "conform", MODEL, LOG, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == servicekit.load(MODEL).conformance(LOG).to_json()
    code, from_xes, _ = run(capsys, "conform", MODEL, XES, "--format", "json")
    assert json.loads(from_xes) == json.loads(out)


@pytest.mark.parametrize(
    ("fmt", "needle"),
    [
        ("text", "Undocumented: observed hand-offs the model does not have"),
        ("markdown", "| status | hand-off | count | cases | share | examples |"),
        ("csv", "status,from,to,count,cases,share,rework,examples"),
    ],
    ids=["text", "markdown", "csv"],
)
def test_conform_formats(capsys: pytest.CaptureFixture[str], fmt: str, needle: str) -> None:
    """Every format of conform."""
    code, out, _ = run(capsys, "conform", MODEL, LOG, "--format", fmt)
    assert code == 0
    assert needle in out


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [([], 0), (["undocumented"], 1), (["unobserved"], 1)],
    ids=["none", "undocumented", "unobserved"],
)
def test_conform_fail_on(capsys: pytest.CaptureFixture[str], fail_on: list[str], code: int) -> None:
    """--fail-on gives exit 1 when the log shows what CI should stop on."""
    argv = [arg for condition in fail_on for arg in ("--fail-on", condition)]
    assert run(capsys, "conform", MODEL, LOG, *argv)[0] == code


def test_conform_passes_when_the_log_is_as_designed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A log showing only designed hand-offs passes --fail-on undocumented."""
    path = write(
        tmp_path,
        "log.csv",
        "case:concept:name,org:role,time:timestamp\nc,bookkeeper,2024-01-01\nc,owner,2024-01-02\n",
    )
    assert run(capsys, "conform", MODEL, path, "--fail-on", "undocumented")[0] == 0


def test_conform_maps_people_with_a_roles_file(capsys: pytest.CaptureFixture[str]) -> None:
    """--roles FILE reads the resource column and maps each person to a role."""
    code, out, _ = run(
        capsys,
        "conform",
        str(ROOT / "examples" / "help-desk.yaml"),
        str(EVIDENCE / "help-desk-log.csv"),
        "--roles",
        str(EVIDENCE / "help-desk-roles.csv"),
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["undocumented"][0]["from"] == "second-line"


def test_conform_unknown_roles(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An unknown role is exit 2 unless --unknown-roles ignore leaves it out."""
    path = write(
        tmp_path,
        "log.csv",
        "case:concept:name,org:role,time:timestamp\nc,tagger,2024-01-01\nc,boss,2024-01-02\n",
    )
    code, _, err = run(capsys, "conform", MODEL, path)
    assert code == 2
    assert ":3: error: unknown role 'boss'" in err
    code, out, _ = run(
        capsys, "conform", MODEL, path, "--unknown-roles", "ignore", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["unknown_roles"] == [{"role": "boss", "events": 1}]
    assert json.loads(out)["left_out"] == 1


def test_conform_refuses_a_bad_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    """Only undocumented and unobserved are conditions of conform."""
    with pytest.raises(SystemExit, match="2") as caught:
        main(["conform", MODEL, LOG, "--fail-on", "error"])
    assert caught.value.code == 2
    assert "invalid choice: 'error'" in capsys.readouterr().err


# --- diagram --log -----------------------------------------------------------------------------


def test_diagram_overlays_a_log(capsys: pytest.CaptureFixture[str]) -> None:
    """Hand-offs carry their observed counts; undocumented ones are dashed in purple."""
    code, out, _ = run(capsys, "diagram", MODEL, "--log", LOG)
    assert code == 0
    found = servicekit.load(MODEL).conformance(LOG)
    count = next(h.count for h in found.designed if (h.from_, h.to) == ("tagger", "spotter"))
    assert f"observed {count}x" in out
    assert 'r_presser -.->|"undocumented: observed' in out
    assert "stroke:#7c3aed" in out
    assert "never observed" in out
    code, dot, _ = run(capsys, "diagram", MODEL, "--log", LOG, "--format", "dot")
    assert '"presser" -> "spotter" [label="undocumented: observed' in dot
    assert 'style=dashed, color="#7c3aed"' in dot


def test_diagram_with_a_focus_keeps_only_nearby_undocumented_hand_offs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An undocumented hand-off with an end outside the focus is not drawn."""
    code, out, _ = run(capsys, "diagram", MODEL, "--log", LOG, "--focus", "tagger", "--depth", "1")
    assert code == 0
    assert "undocumented" not in out


def test_log_options_need_a_log(capsys: pytest.CaptureFixture[str]) -> None:
    """--roles without --log is a usage error, not silently ignored."""
    code, _, err = run(capsys, "diagram", MODEL, "--roles", "people.csv")
    assert code == 2
    assert "name it with --log FILE" in err


def test_a_python_diagram_of_a_conformance() -> None:
    """conformance.to_mermaid() and to_dot() draw the model the log was set against."""
    found = servicekit.load(MODEL).conformance(LOG)
    assert "undocumented: observed" in found.to_mermaid()
    assert "undocumented: observed" in found.to_dot(focus="presser", depth=2)
    bare = servicekit.Conformance(
        cases=0,
        events=0,
        fitness=None,
        designed=(),
        undocumented=(),
        unknown_roles=(),
        left_out=0,
        rework=servicekit.Rework(),
    )
    with pytest.raises(servicekit.UsageError, match="holds no model to draw"):
        bare.to_mermaid()
