"""Every command of ``servicekit``: its words, its arguments and the module that runs it.

This module is all that ``servicekit --help`` and ``servicekit COMMAND --help``
load: it imports nothing of the library but the plain words of the model's
vocabulary, so help is printed at once. A command's module is imported only
when that command runs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from servicekit.model.vocabulary import FAIL_ON

__all__ = ["COMMANDS", "Argument", "Command"]


class Argument(NamedTuple):
    """An argument as ``argparse.ArgumentParser.add_argument`` takes it."""

    flags: tuple[str, ...]
    options: dict[str, Any]


class Command(NamedTuple):
    """A command: its name, one line of help, its module, output formats and arguments.

    ``model`` is ``required``, ``optional`` (``report``: the bundled example) or ``none``.
    """

    name: str
    help: str
    module: str
    formats: tuple[str, ...] = ("text", "json")
    model: str = "required"
    arguments: tuple[Argument, ...] = ()


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


_PREFIX = "servicekit.cli.commands."

#: Every command, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("validate", "check a model and report every problem", _PREFIX + "validate"),
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
        ),
    ),
    Command(
        "upstream",
        "every node whose work reaches NODE, nearest first",
        _PREFIX + "reach",
        arguments=(_node(), _depth("stop after N hand-offs"), _customer()),
    ),
    Command(
        "downstream",
        "every node NODE's work reaches, nearest first",
        _PREFIX + "reach",
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
        formats=("text", "json", "csv", "markdown"),
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
        formats=("text", "json", "sarif"),
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
            _customer(),
        ),
    ),
    Command(
        "schema",
        "print the JSON Schema of the YAML format",
        _PREFIX + "schema",
        formats=("json",),
        model="none",
    ),
)
