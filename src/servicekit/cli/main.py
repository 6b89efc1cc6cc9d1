"""``servicekit``: parse the command line, run one command, turn its outcome into an exit code.

Exit codes: 0 success; 1 an audit finding at or above ``--fail-on`` (or a
command's own fail-on condition); 2 bad usage, an invalid model, or output
that cannot be written (a full disk, a closed stdout: help and the final flush
included), with ``file:line:column: error: message`` lines on stderr; 130 when
interrupted (Ctrl-C), quietly. This is the one place where errors become exit
codes: every ``ServicekitError`` is a user's mistake, shown
as a message; any other exception is a bug, shown with its traceback, exit 1.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from servicekit.cli.output import flush, output_error
from servicekit.cli.table import COMMANDS, Command

__all__ = ["EXIT_FINDINGS", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_BUG = (
    "servicekit: this is a bug in servicekit, not a mistake of yours; please report it "
    "with the traceback above and the command you ran"
)


def _count(text: str) -> int:
    """A whole number >= 0, for ``--depth`` and ``--top``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _Version(argparse.Action):
    """``--version``, reading the package metadata only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from servicekit._runtime import version

        with contextlib.suppress(OSError, ValueError, AttributeError):  # told by _flushed
            sys.stdout.write(f"servicekit {version()}\n")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command, built from the command table."""
    top = _Parser(
        prog="servicekit",
        description="Model how service flows through an organisation, and ask who upstream "
        "shapes what a customer experiences.",
        epilog="Exit codes: 0 success; 1 an audit finding at or above --fail-on (or a "
        "--fail-on condition of diff); 2 bad usage, an invalid model or output that "
        "cannot be written; 130 interrupted.",
    )
    top.add_argument(
        "--version", action=_Version, nargs=0, help="show program's version number and exit"
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        if command.model == "required":
            sub.add_argument("model", metavar="MODEL", help="a model file or directory")
        elif command.model == "many":
            sub.add_argument("model", metavar="MODEL", nargs="+", help="model files or directories")
        elif command.model == "optional":
            sub.add_argument(
                "model",
                metavar="MODEL",
                nargs="?",
                help="a model file or directory (default: the bundled example)",
            )
        sub.add_argument(
            "--format",
            choices=command.formats,
            default=command.formats[0],
            help=f"output format (default {command.formats[0]})",
        )
        for argument in command.arguments:
            options = dict(argument.options)
            if options.get("type") == "count":
                options["type"] = _count
            sub.add_argument(*argument.flags, **options)
        sub.set_defaults(spec=command)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C, wherever it lands: stop quietly, as shell tools do
        _silence_stdout()
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # text the terminal cannot show is escaped, not fatal
            reconfigure(errors="backslashreplace")
    watched = _Watched(sys.stdout)
    sys.stdout = watched
    try:
        args = parser().parse_args(argv)
    except SystemExit:  # --help, --version or a usage error: argparse has written
        if _flushed("servicekit", watched.failed):
            raise  # as argparse meant it: exit 0 after help, 2 after a usage error
        return EXIT_USAGE
    finally:
        sys.stdout = watched.stream
    command: Command = args.spec
    try:
        if sys.stdout is None:  # file descriptor 1 was closed before we started
            flush()
        run = importlib.import_module(command.module).run
        code: int = run(args)
        flush()
    except BrokenPipeError:  # `servicekit upstream ... | head`: the reader has gone
        _silence_stdout()
        return EXIT_OK
    except Exception as err:
        return _failed(command, err)
    return code


class _Watched:
    """stdout as argparse sees it: argparse swallows a failed write of its help, so the
    failure is kept here for us to report."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.failed: Exception | None = None

    def write(self, text: str) -> int:
        try:
            written: int = self.stream.write(text)
        except (OSError, ValueError, AttributeError) as err:
            self.failed = err
            raise
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _flushed(name: str, failed: Exception | None) -> bool:
    """Whether what argparse wrote (help, a version) is out; says why when it cannot be.

    Nothing but the command table is imported unless something went wrong: help stays fast.
    """
    error = failed
    if error is None:
        try:
            sys.stdout.flush()
        except (OSError, ValueError, AttributeError) as err:
            error = err
    if error is None:
        return True
    _silence_stdout()
    if isinstance(error, BrokenPipeError):  # `servicekit --help | head -1`
        return True
    _say(f"{name}: error: {output_error(error)}")
    return False


def _failed(command: Command, err: Exception) -> int:
    """The exit code of a command that raised ``err``, after saying what went wrong."""
    from servicekit.errors import EvidenceError, ModelError, OutputError, ServicekitError

    if isinstance(err, ModelError | EvidenceError):
        _flush()
        _say("\n".join(str(problem) for problem in err.problems))
        return EXIT_USAGE
    if isinstance(err, ServicekitError):
        if isinstance(err, OutputError):
            _silence_stdout()  # what is left in the buffer can never be written
        else:
            _flush()
        _say(f"servicekit {command.name}: error: {err}")
        return EXIT_USAGE
    import traceback

    traceback.print_exception(err)
    _say(_BUG)
    return EXIT_FINDINGS


def _say(text: str) -> None:
    """``text`` on stderr, if there is a stderr to write to."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


def _flush() -> None:
    """Flush what was written before an error message, so the two do not interleave."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stdout.flush()


def _silence_stdout() -> None:
    """After a broken pipe or a failed write, point stdout at nothing, so that the flush
    when Python exits finds nowhere to fail (and no 'Exception ignored' follows)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no stdout, or none with a descriptor
        pass
