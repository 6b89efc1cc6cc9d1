"""Every command of ``servicekit``: its words, its arguments and the module that runs it.

This module is all that ``servicekit --help`` and ``servicekit COMMAND --help``
load: it imports nothing of the library but the plain words of the model's
vocabulary, so help is printed at once. A command's module is imported only
when that command runs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from servicekit.model.vocabulary import DIFF_FAIL_ON, FAIL_ON, GROUPINGS

__all__ = ["COMMANDS", "Argument", "Command"]


class Argument(NamedTuple):
    """An argument as ``argparse.ArgumentParser.add_argument`` takes it."""

    flags: tuple[str, ...]
    options: dict[str, Any]


class Command(NamedTuple):
    """A command: its name, one line of help, its module, output formats and arguments.

    ``model`` is ``required``, ``optional`` (``report``: the bundled example), ``many``
    (``validate``: one or more) or ``none``.
    """

    name: str
    help: str
    module: str
    formats: tuple[str, ...] = ("text", "json")
    model: str = "required"
    arguments: tuple[Argument, ...] = ()


#: The formats of an answer that is a table (SPEC: markdown and csv wherever it is one).
_TABLE = ("text", "json", "markdown", "csv")


def _node(help: str = "a role, touchpoint or customer id", name: str = "node") -> Argument:
    return Argument((name,), {"metavar": name.upper(), "help": help})


def _depth(help: str) -> Argument:
    return Argument(("--depth",), {"type": "count", "default": None, "help": help})


def _customer() -> Argument:
    return Argument(
        ("--customer",),
        {
            "metavar": "ID",
            "default": None,
            "help": "answer on this customer's chain (its hand-offs and touchpoints)",
        },
    )


def _fail_on(default: str) -> Argument:
    return Argument(
        ("--fail-on",),
        {
            "choices": FAIL_ON,
            "default": default,
            "help": f"exit 1 when a finding is at least this severe (default {default})",
        },
    )


def _select() -> Argument:
    return Argument(
        ("--select",),
        {
            "metavar": "SELECTOR",
            "action": "append",
            "default": None,
            "help": "only what these selectors name (repeatable; see servicekit select)",
        },
    )


# --- evidence: complaints and hand-off logs ---------------------------------------------------


def _evidence_file(help: str) -> Argument:
    return Argument(("file",), {"metavar": "FILE", "help": help})


def _columns() -> Argument:
    return Argument(
        ("--column",),
        {
            "metavar": "SHORT=COLUMN",
            "action": "append",
            "default": [],
            "help": "read SHORT (case, role, resource, time, customer, touchpoint, category, "
            "count) from COLUMN of the file (repeatable)",
        },
    )


#: How a hand-off log is read: its columns, people mapped to roles, unknown roles.
_LOG_OPTIONS = (
    _columns(),
    Argument(
        ("--roles",),
        {
            "metavar": "FILE",
            "default": None,
            "help": "a CSV file with columns resource,role: the log names people (its "
            "resource column) and this maps them to roles",
        },
    ),
    Argument(
        ("--unknown-roles",),
        {
            "choices": ("error", "ignore"),
            "default": "error",
            "help": "a role the model does not have is an error (default), or its hand-offs "
            "are left out of every count",
        },
    ),
)

_PREFIX = "servicekit.cli.commands."

#: Every command, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command(
        "validate",
        "check models and report every problem of every one",
        _PREFIX + "validate",
        model="many",
    ),
    Command(
        "report",
        "a service report: each touchpoint's chain, critical roles, suspects, "
        "coverage gaps and audit findings",
        _PREFIX + "report",
        model="optional",
        arguments=(
            Argument(
                ("--top",), {"type": "count", "default": 3, "help": "suspects shown per touchpoint"}
            ),
            _fail_on("never"),
            _select(),
        ),
    ),
    Command(
        "upstream",
        "every node whose work reaches NODE, nearest first",
        _PREFIX + "reach",
        formats=_TABLE,
        arguments=(_node(), _depth("stop after N hand-offs"), _customer()),
    ),
    Command(
        "downstream",
        "every node NODE's work reaches, nearest first",
        _PREFIX + "reach",
        formats=_TABLE,
        arguments=(_node(), _depth("stop after N hand-offs"), _customer()),
    ),
    Command(
        "critical",
        "the nodes NODE cannot be served without, and where its work starts",
        _PREFIX + "critical",
        arguments=(_node(), _customer()),
    ),
    Command(
        "trace",
        "the likely upstream origins of a defect seen at TOUCHPOINT",
        _PREFIX + "trace",
        formats=_TABLE,
        arguments=(
            _node("a touchpoint id", "touchpoint"),
            Argument(
                ("--category",),
                {
                    "metavar": "C",
                    "default": None,
                    "help": "only fail points of this category (e.g. stain)",
                },
            ),
            _customer(),
        ),
    ),
    Command(
        "coverage",
        "which principles apply to which roles, and why",
        _PREFIX + "coverage",
        formats=_TABLE,
        arguments=(_select(),),
    ),
    Command(
        "guide",
        "an education card for a scenario",
        _PREFIX + "guide",
        formats=("text", "markdown", "json"),
        arguments=(_node("a scenario id", "scenario"),),
    ),
    Command(
        "audit",
        "findings that work against a service culture",
        _PREFIX + "audit",
        formats=(*_TABLE, "sarif"),
        arguments=(
            _fail_on("error"),
            Argument(
                ("--rule",),
                {
                    "metavar": "RULE=SEVERITY",
                    "action": "append",
                    "default": [],
                    "help": "set a rule to off, error, warning or info (repeatable)",
                },
            ),
            _select(),
        ),
    ),
    Command(
        "attribute",
        "attribute complaints to the upstream work that most likely caused them",
        _PREFIX + "attribute",
        formats=_TABLE,
        arguments=(
            _evidence_file(
                "complaints: a CSV file with columns touchpoint, category and "
                "optionally customer and count"
            ),
            _columns(),
        ),
    ),
    Command(
        "conform",
        "set the hand-offs of a log against the designed chain",
        _PREFIX + "conform",
        formats=_TABLE,
        arguments=(
            _evidence_file("a hand-off log: CSV, or XES (.xes, .xes.gz)"),
            *_LOG_OPTIONS,
            Argument(
                ("--fail-on",),
                {
                    "choices": ("undocumented", "unobserved"),
                    "action": "append",
                    "default": [],
                    "help": "exit 1 when the log shows an undocumented hand-off, or a designed "
                    "one is never observed, overall or for a customer (repeatable)",
                },
            ),
        ),
    ),
    Command(
        "diagram",
        "the chain as a service-blueprint diagram",
        _PREFIX + "diagram",
        formats=("mermaid", "dot"),
        arguments=(
            Argument(
                ("--focus",),
                {
                    "metavar": "NODE",
                    "default": None,
                    "help": "only nodes within --depth of NODE, up- or downstream",
                },
            ),
            _depth("with --focus: how far to go"),
            _select(),
            Argument(
                ("--by",),
                {
                    "choices": GROUPINGS,
                    "default": None,
                    "help": "draw the chain rolled up: one box a department",
                },
            ),
            _customer(),
            Argument(
                ("--log",),
                {
                    "metavar": "FILE",
                    "default": None,
                    "help": "a hand-off log: label hand-offs with how often the log shows "
                    "them, and draw undocumented ones dashed",
                },
            ),
            *_LOG_OPTIONS,
        ),
    ),
    Command(
        "schema",
        "print the JSON Schema of the YAML format",
        _PREFIX + "schema",
        formats=("json",),
        model="none",
    ),
    Command(
        "select",
        "the nodes selectors name, such as +pickup, 2+pickup or @spotter",
        _PREFIX + "select",
        arguments=(
            Argument(
                ("selector",),
                {"metavar": "SELECTOR", "nargs": "+", "help": "selectors; several are a union"},
            ),
            Argument(
                ("--exclude",),
                {
                    "metavar": "SELECTOR",
                    "action": "append",
                    "default": None,
                    "help": "leave out what this selector names (repeatable)",
                },
            ),
            Argument(
                ("--customer",),
                {
                    "metavar": "ID",
                    "default": None,
                    "help": "select in this customer's chain",
                },
            ),
        ),
    ),
    Command(
        "diff",
        "what changed between two versions of a model, and what it does to the chain",
        _PREFIX + "diff",
        formats=("text", "json", "markdown", "sarif"),
        model="none",
        arguments=(
            Argument(("old",), {"metavar": "OLD", "help": "the model before (file or directory)"}),
            Argument(("new",), {"metavar": "NEW", "help": "the model after (file or directory)"}),
            Argument(
                ("--fail-on",),
                {
                    "choices": DIFF_FAIL_ON,
                    "default": "never",
                    "help": "exit 1 on a new audit finding, or a node new to a touchpoint's "
                    "critical set (default never)",
                },
            ),
        ),
    ),
)
