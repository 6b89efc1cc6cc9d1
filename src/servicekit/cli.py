"""The ``servicekit`` command line: a thin layer over the Python API.

Every command takes a model path (a YAML file or a directory of them). Exit
codes: 0 success; 1 an audit finding at or above ``--fail-on``; 2 bad usage or
an invalid model, with ``file:line:column: error: message`` lines on stderr.

Heavy modules are imported inside the commands, so ``servicekit --help`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from servicekit.model import ServiceModel

__all__ = ["main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

_FAIL_ON = ("error", "warning", "info", "never")


class _Usage(Exception):
    """A mistake in how the command was called, or in the model it names."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _json(data: Any) -> None:
    import json

    _out(json.dumps(data, indent=2, ensure_ascii=False))


def _load(path: str) -> ServiceModel:
    from servicekit.errors import ModelError
    from servicekit.loading import load

    try:
        return load(path)
    except ModelError as err:
        raise _Usage([str(p) for p in err.problems]) from None


def _query(call: Callable[[], Any]) -> Any:
    """Runs a query; an unknown id becomes a usage error with its did-you-mean hint."""
    from servicekit.errors import UnknownIdError

    try:
        return call()
    except UnknownIdError as err:
        raise _Usage([f"servicekit: error: {err}"]) from None
    except ValueError as err:
        raise _Usage([f"servicekit: error: {err}"]) from None


# --- commands -------------------------------------------------------------------------------


def _validate(args: argparse.Namespace) -> int:
    from servicekit.errors import ModelError
    from servicekit.loading import load

    try:
        model = load(args.model)
    except ModelError as err:
        if args.format == "json":
            _json(
                {
                    "valid": False,
                    "problems": [
                        {
                            "path": p.path,
                            "line": p.line,
                            "column": p.column,
                            "message": p.message,
                            "hint": p.hint,
                        }
                        for p in err.problems
                    ],
                }
            )
        raise _Usage([str(p) for p in err.problems]) from None
    counts = model.counts()
    if args.format == "json":
        _json({"valid": True, "model": args.model, "name": model.name, "counts": counts})
    else:
        summary = ", ".join(_count(n, k) for k, n in counts.items() if n)
        _out(f"{args.model}: valid ({summary or 'empty'})")
    return EXIT_OK


def _count(n: int, section: str) -> str:
    """``1 customer``, ``2 customers``: a section name counted in words."""
    return f"{n} {section[:-1] if n == 1 else section}"


def _reach(args: argparse.Namespace) -> int:
    """``upstream`` and ``downstream``: the same walk, in opposite directions."""
    from servicekit import render

    model = _load(args.model)
    if args.command == "upstream":
        found = _query(lambda: model.chain.upstream(args.node, depth=args.depth))
        data, title = render.upstream_json(args.node, found), "Upstream of"
    else:
        found = _query(lambda: model.chain.downstream(args.node, depth=args.depth))
        data, title = render.downstream_json(args.node, found), "Downstream of"
    if args.format == "json":
        _json(data)
    else:
        _out(render.reaches_text(title, args.node, found))
    return EXIT_OK


def _critical(args: argparse.Namespace) -> int:
    from servicekit import render

    model = _load(args.model)
    found = _query(lambda: model.chain.critical(args.node))
    if args.format == "json":
        _json(render.critical_json(args.node, found))
    else:
        kinds = {c: model.chain.kind(c) for c in found}
        _out(render.critical_text(args.node, found, kinds))
    return EXIT_OK


def _trace(args: argparse.Namespace) -> int:
    from servicekit import render

    model = _load(args.model)
    found = _query(lambda: model.chain.trace(args.touchpoint, category=args.category))
    if args.format == "json":
        _json(render.trace_json(args.touchpoint, found))
    else:
        _out(render.suspects_text(args.touchpoint, found, args.category))
    return EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    model = _load(args.model)
    matrix = model.coverage()
    if args.format == "json":
        _json(matrix.to_json())
    elif args.format == "csv":
        sys.stdout.write(matrix.to_csv())
    elif args.format == "markdown":
        _out(matrix.to_markdown())
    else:
        _out(matrix.to_text())
    return EXIT_OK


def _guide(args: argparse.Namespace) -> int:
    model = _load(args.model)
    card = _query(lambda: model.guide(args.scenario))
    if args.format == "json":
        _json(card.to_json())
    elif args.format == "markdown":
        _out(card.to_markdown())
    else:
        _out(card.to_text())
    return EXIT_OK


def _rule_settings(pairs: Sequence[str]) -> dict[str, str]:
    from servicekit.audit import RULES
    from servicekit.errors import did_you_mean, suggest
    from servicekit.model import SEVERITIES

    settings: dict[str, str] = {}
    allowed = ("off", *SEVERITIES)
    for pair in pairs:
        rule, sep, setting = pair.partition("=")
        if not sep or setting not in allowed:
            raise _Usage(
                [f"servicekit audit: error: --rule takes RULE=off|error|warning|info, got {pair!r}"]
            )
        if rule not in RULES:
            hint = did_you_mean(suggest(rule, list(RULES)))
            raise _Usage(
                [f"servicekit audit: error: unknown rule {rule!r}" + (f"; {hint}" if hint else "")]
            )
        settings[rule] = setting
    return settings


def _audit(args: argparse.Namespace) -> int:
    from servicekit import audit

    rules = _rule_settings(args.rule)
    model = _load(args.model)
    findings = model.audit(rules=rules)
    if args.format == "json":
        _json({"findings": [_finding_json(f) for f in findings]})
    elif args.format == "sarif":
        import os

        _json(audit.to_sarif(findings, model, base=os.getcwd()))
    else:
        _out(audit.findings_to_text(findings))
    if args.fail_on != "never" and any(
        audit.severity_at_least(f.severity, args.fail_on) for f in findings
    ):
        return EXIT_FINDINGS
    return EXIT_OK


def _finding_json(finding: Any) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "subject": finding.subject,
        "message": finding.message,
    }


def _diagram(args: argparse.Namespace) -> int:
    model = _load(args.model)
    if args.format == "dot":
        text = _query(lambda: model.chain.to_dot(focus=args.focus, depth=args.depth))
    else:
        text = _query(lambda: model.chain.to_mermaid(focus=args.focus, depth=args.depth))
    _out(text)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from servicekit.loading import schema_path

    _out(schema_path().read_text("utf-8"))
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from servicekit import report
    from servicekit.loading import example_path

    path = args.model
    bundled = path is None
    if bundled:
        path = str(example_path())
    model = _load(path)
    data = report.build(model, path=path, bundled=bundled, top=args.top)
    if args.format == "json":
        _json(data)
    else:
        _out(report.to_text(data))
    if args.fail_on != "never" and report.fails(data, args.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


# --- the parser -----------------------------------------------------------------------------


def _depth(text: str) -> int:
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


def _parser() -> argparse.ArgumentParser:
    from servicekit import __version__

    parser = _Parser(
        prog="servicekit",
        description="Model how service flows through an organisation, and ask who upstream "
        "shapes what a customer experiences.",
        epilog="Exit codes: 0 success; 1 an audit finding at or above --fail-on; "
        "2 bad usage or an invalid model.",
    )
    parser.add_argument("--version", action="version", version=f"servicekit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(
        name: str,
        help: str,
        run: Callable[[argparse.Namespace], int],
        formats: Sequence[str] = ("text", "json"),
        model: bool = True,
    ) -> _Parser:
        sub: _Parser = commands.add_parser(name, help=help, description=help)
        if model:
            sub.add_argument("model", metavar="MODEL", help="a model file or directory")
        sub.add_argument(
            "--format",
            choices=formats,
            default=formats[0],
            help=f"output format (default {formats[0]})",
        )
        sub.set_defaults(run=run)
        return sub

    command("validate", "check a model and report every problem", _validate)

    sub = command(
        "report",
        "a service report: each touchpoint's chain, critical roles, suspects, "
        "coverage gaps and audit findings",
        _report,
        model=False,
    )
    sub.add_argument(
        "model",
        metavar="MODEL",
        nargs="?",
        help="a model file or directory (default: the bundled example)",
    )
    sub.add_argument("--top", type=_depth, default=3, help="suspects shown per touchpoint")
    sub.add_argument(
        "--fail-on",
        choices=_FAIL_ON,
        default="never",
        help="exit 1 when a finding is at least this severe (default never)",
    )

    for name, help in (
        ("upstream", "every node whose work reaches NODE, nearest first"),
        ("downstream", "every node NODE's work reaches, nearest first"),
    ):
        sub = command(name, help, _reach)
        sub.add_argument("node", metavar="NODE", help="a role, touchpoint or customer id")
        sub.add_argument("--depth", type=_depth, default=None, help="stop after N hand-offs")

    sub = command("critical", "the single points of failure on every path into NODE", _critical)
    sub.add_argument("node", metavar="NODE", help="a role, touchpoint or customer id")

    sub = command("trace", "the likely upstream origins of a defect seen at TOUCHPOINT", _trace)
    sub.add_argument("touchpoint", metavar="TOUCHPOINT", help="a touchpoint id")
    sub.add_argument(
        "--category",
        metavar="C",
        default=None,
        help="only fail points of this category (e.g. stain)",
    )

    command(
        "coverage",
        "which principles apply to which roles, and why",
        _coverage,
        formats=("text", "json", "csv", "markdown"),
    )

    sub = command(
        "guide", "an education card for a scenario", _guide, formats=("text", "markdown", "json")
    )
    sub.add_argument("scenario", metavar="SCENARIO", help="a scenario id")

    sub = command(
        "audit",
        "findings that work against a service culture",
        _audit,
        formats=("text", "json", "sarif"),
    )
    sub.add_argument(
        "--fail-on",
        choices=_FAIL_ON,
        default="error",
        help="exit 1 when a finding is at least this severe (default error)",
    )
    sub.add_argument(
        "--rule",
        metavar="RULE=SEVERITY",
        action="append",
        default=[],
        help="set a rule to off, error, warning or info (repeatable)",
    )

    sub = command(
        "diagram", "the chain as a service-blueprint diagram", _diagram, formats=("mermaid", "dot")
    )
    sub.add_argument(
        "--focus",
        metavar="NODE",
        default=None,
        help="only nodes within --depth of NODE, up- or downstream",
    )
    sub.add_argument("--depth", type=_depth, default=None, help="with --focus: how far to go")

    command(
        "schema",
        "print the JSON Schema of the YAML format",
        _schema,
        formats=("json",),
        model=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except _Usage as err:
        sys.stdout.flush()
        for line in err.lines:
            sys.stderr.write(line + "\n")
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `servicekit upstream ... | head`
        return EXIT_OK
    return code
