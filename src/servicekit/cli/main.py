"""``servicekit``: parse the command line, run one command, turn its outcome into an exit code.

Exit codes: 0 success; 1 an audit finding at or above ``--fail-on`` (or a
command's own fail-on condition); 2 bad usage, an invalid model, or output
that cannot be written, with ``file:line:column: error: message`` lines on
stderr; 130 when interrupted. This is the one place where errors become exit
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

from servicekit.cli.output import flush
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

        sys.stdout.write(f"servicekit {version()}\n")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command, built from the command table."""
    top = _Parser(
        prog="servicekit",
        description="Model how service flows through an organisation, and ask who upstream "
        "shapes what a customer experiences.",
        epilog="Exit codes: 0 success; 1 an audit finding at or above --fail-on (or a "
        "--fail-on condition of diff); 2 bad usage or an invalid model.",
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
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # text the terminal cannot show is escaped, not fatal
            reconfigure(errors="backslashreplace")
    args = parser().parse_args(argv)
    command: Command = args.spec
    try:
        run = importlib.import_module(command.module).run
        code: int = run(args)
        flush()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `servicekit upstream ... | head`: the reader has gone
        _silence_stdout()
        return EXIT_OK
    except Exception as err:
        return _failed(command, err)
    return code


def _failed(command: Command, err: Exception) -> int:
    """The exit code of a command that raised ``err``, after saying what went wrong."""
    from servicekit.errors import EvidenceError, ModelError, ServicekitError

    if isinstance(err, ModelError | EvidenceError):
        _flush()
        for problem in err.problems:
            sys.stderr.write(f"{problem}\n")
        return EXIT_USAGE
    if isinstance(err, ServicekitError):
        _flush()
        sys.stderr.write(f"servicekit {command.name}: error: {err}\n")
        return EXIT_USAGE
    import traceback

    traceback.print_exception(err)
    sys.stderr.write(_BUG + "\n")
    return EXIT_FINDINGS


def _flush() -> None:
    """Flush what was written before an error message, so the two do not interleave."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at nothing so the exit flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor
        pass
