"""Output that cannot be written is a clean error (exit 2); Ctrl-C stops quietly (exit 130).

Real processes: stdout on a full disk (``/dev/full``) or closed, and a real SIGINT.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import servicekit
from servicekit.cli.main import main
from servicekit.cli.table import COMMANDS

EXAMPLE = str(servicekit.example_path())
EVIDENCE = Path(__file__).resolve().parents[2] / "examples" / "evidence"

#: Every command with arguments that make it answer, and the help of some.
RUNS = {
    **{
        command.name: [command.name]
        + ([EXAMPLE] if command.model != "none" else [])
        + {
            "upstream": ["pickup"],
            "downstream": ["tagger"],
            "critical": ["pickup"],
            "trace": ["pickup"],
            "guide": ["wedding-dress-stain"],
            "select": ["+pickup"],
            "attribute": [str(EVIDENCE / "dry-cleaner-complaints.csv")],
            "conform": [str(EVIDENCE / "dry-cleaner-log.csv")],
        }.get(command.name, [])
        for command in COMMANDS
    },
    "diff": ["diff", EXAMPLE, EXAMPLE],
    "report-json": ["report", "--format", "json"],
    "help": ["--help"],
    "version": ["--version"],
    "command-help": ["report", "--help"],
}


@pytest.mark.parametrize("name", list(RUNS), ids=list(RUNS))
def test_a_full_disk_is_a_clean_error(name: str) -> None:
    """Writing to /dev/full says 'cannot write output' and exits 2, no traceback."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "servicekit", *RUNS[name]],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert "cannot write output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr


@pytest.mark.parametrize("name", list(RUNS), ids=list(RUNS))
def test_a_closed_stdout_is_a_clean_error(name: str) -> None:
    """With file descriptor 1 closed, every command says so and exits 2, no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "servicekit", *RUNS[name]],
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 2, done.stderr
    assert "cannot write output: the standard output is closed" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_stdout_closed_in_python_is_a_clean_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Called from Python with a closed sys.stdout, main reports it and returns 2."""
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stdout", closed)
    assert main(["schema"]) == 2
    assert "cannot write output" in capsys.readouterr().err


def test_an_output_error_on_a_large_streamed_report(tmp_path: Path) -> None:
    """A report that fails while streaming (not only at the final flush) exits 2."""
    roles = "".join(f"  - {{id: r{i}, serves: [r{i + 1}]}}\n" for i in range(3000))
    touchpoints = "".join(f"  - {{id: t{i}, role: r{i}}}\n" for i in range(3000))
    path = tmp_path / "big.yaml"
    path.write_text(f"servicekit: 1\nroles:\n{roles}  - {{id: r3000}}\ntouchpoints:\n{touchpoints}")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "servicekit", "report", str(path)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "servicekit report: error: cannot write output: No space left on device"
    ]


#: Runs ``servicekit validate`` on argv[1] with a step made slow: it prints "ready", then
#: waits in the step named by argv[2] for the test to interrupt it.
SLOW = r"""
import sys, time
import servicekit.cli.main as cli
where = sys.argv[2]

def slow(*args, **kwargs):
    print("ready", flush=True)
    time.sleep(60)

if where == "loading":
    from servicekit.readwrite import reader
    reader.Reader.item = slow
elif where == "checking":
    from servicekit.model import references
    references.model_problems = slow
elif where == "writing":
    from servicekit.render import text
    real = text.valid_text
    def writing(*args):
        slow()
        return real(*args)
    text.valid_text = writing
elif where == "parsing":
    real_parser = cli.parser
    def parser():
        slow()
        return real_parser()
    cli.parser = parser
sys.exit(cli.main(["validate", sys.argv[1]]))
"""


@pytest.mark.parametrize("where", ["parsing", "loading", "checking", "writing"])
def test_ctrl_c_stops_quietly_with_130(where: str) -> None:
    """A real SIGINT, wherever the command is, ends it with exit 130 and no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW, EXAMPLE, where],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    try:
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130
        err = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err


class Failing(io.StringIO):
    """A stdout whose every write and flush fails with ``error``."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error


FULL = OSError(28, "No space left on device")


@pytest.mark.parametrize(
    ("argv", "stdout", "message"),
    [
        (["--help"], Failing(FULL), "servicekit: error: cannot write output: No space left"),
        (["--version"], Failing(FULL), "servicekit: error: cannot write output: No space left"),
        (["report", "--help"], None, "servicekit: error: cannot write output: the standard"),
        (["--version"], None, "servicekit: error: cannot write output: the standard output"),
        (["schema"], None, "servicekit schema: error: cannot write output: the standard"),
        (["schema"], Failing(FULL), "servicekit schema: error: cannot write output: No space"),
    ],
    ids=["help-full", "version-full", "help-closed", "version-closed", "closed", "full"],
)
def test_output_errors_in_process(
    argv: list[str],
    stdout: object,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Called from Python, help, version and answers that cannot be written return 2."""
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(message)


def test_help_to_a_reader_that_went_away_is_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help piped into a reader that closed (`servicekit --help | head -0`) exits 0."""
    monkeypatch.setattr(sys, "stdout", Failing(BrokenPipeError(32, "Broken pipe")))
    with pytest.raises(SystemExit, match="0"):
        main(["--help"])


def test_ctrl_c_while_parsing_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An interrupt before the command runs (while parsing) is exit 130, quietly."""
    from servicekit.cli import main as cli_main

    def interrupted() -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_main, "parser", interrupted)
    assert main(["schema"]) == 130
    assert capsys.readouterr().err == ""
