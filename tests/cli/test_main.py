"""One place turns outcomes into exit codes: user mistakes are messages, bugs are tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from servicekit.cli import main as cli_main
from servicekit.cli.main import main
from servicekit.cli.table import COMMANDS


def _failing(error: BaseException):  # type: ignore[no-untyped-def]
    def run(args: object) -> int:
        raise error

    return run


@pytest.mark.parametrize(
    "error",
    [ValueError("a bare value error"), KeyError("k"), RuntimeError("boom")],
    ids=["value-error", "key-error", "runtime-error"],
)
def test_a_bug_keeps_its_traceback_and_exits_1(
    error: Exception, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An exception servicekit did not raise on purpose is a bug: traceback, a plea, exit 1."""
    from servicekit.cli.commands import schema

    monkeypatch.setattr(schema, "run", _failing(error))
    assert main(["schema"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert type(error).__name__ in err
    assert "this is a bug in servicekit" in err


def test_a_servicekit_error_is_a_message_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ServicekitError is the user's mistake: one located line, no traceback, exit 2."""
    from servicekit import UsageError
    from servicekit.cli.commands import schema

    monkeypatch.setattr(schema, "run", _failing(UsageError("depth=2 needs a focus node")))
    assert main(["schema"]) == 2
    err = capsys.readouterr().err
    assert err == "servicekit schema: error: depth=2 needs a focus node\n"


def test_ctrl_c_stops_quietly_with_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An interrupted command prints no traceback and exits 130, as shell tools do."""
    from servicekit.cli.commands import schema

    monkeypatch.setattr(schema, "run", _failing(KeyboardInterrupt()))
    assert main(["schema"]) == cli_main.EXIT_INTERRUPTED == 130
    assert "Traceback" not in capsys.readouterr().err


def test_every_command_in_the_table_has_a_module_that_runs() -> None:
    """Each command names a module with run(args); help never imports it."""
    import importlib

    for command in COMMANDS:
        assert callable(importlib.import_module(command.module).run), command.name


def test_output_the_terminal_cannot_show_is_escaped(tmp_path: Path) -> None:
    """Names and paths an ASCII terminal cannot show are escaped, never a traceback."""
    model = tmp_path / "café.yaml"
    model.write_text(
        "servicekit: 1\nname: Café Zoë\nroles: [{id: caissière, serves: [serveuse]}]\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
    done = subprocess.run(
        [sys.executable, "-m", "servicekit", "validate", str(model)],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    err = done.stderr.decode("ascii")
    assert "Traceback" not in err
    assert "caf\\xe9.yaml" in err
    assert "names unknown role 'serveuse'" in err
    assert "'caissi\\xe8re'" in err


def test_an_empty_model_path_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """An empty path is an error, never taken to mean the current directory."""
    assert main(["validate", ""]) == 2
    assert capsys.readouterr().err.startswith("'':1:1: error: the model path is empty; give a")
