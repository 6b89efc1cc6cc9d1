"""The fixed words of the model: severities, audit rules, programme content.

Plain constants with no imports, so the command line can show them in its help
without loading anything else.
"""

from __future__ import annotations

__all__ = [
    "AUDIT_RULES",
    "DIFF_FAIL_ON",
    "FAIL_ON",
    "GROUPINGS",
    "PROGRAM_CONTENT",
    "RULE_SETTINGS",
    "SEVERITIES",
]

#: The severities a finding can have, most severe first.
SEVERITIES = ("error", "warning", "info")
#: What an audit rule can be set to: off, or a severity.
RULE_SETTINGS = ("off", *SEVERITIES)
#: What a fail-on threshold may be: a severity, or ``never``.
FAIL_ON = (*SEVERITIES, "never")
#: What ``servicekit diff --fail-on`` may be: a new finding, a new critical node, or never.
DIFF_FAIL_ON = ("new-finding", "new-critical", "never")
#: What a chain can be rolled up by (``chain.rollup(by)``, ``diagram --by``).
GROUPINGS = ("department",)
#: The values ``content`` of a programme may take.
PROGRAM_CONTENT = ("generic", "own-scenarios")

#: Every audit rule: id -> (default severity, what it fires for). The checks live in
#: ``servicekit.culture.rules``; a model's ``audit: rules:`` may name only these ids.
AUDIT_RULES: dict[str, tuple[str, str]] = {
    "no-customer": (
        "warning",
        "A role with no hand-off, no touchpoint and nobody reporting to it: it serves no one.",
    ),
    "no-line-of-sight": (
        "warning",
        "A role with hand-offs none of whose downstream reaches a touchpoint.",
    ),
    "uncovered-role": (
        "warning",
        "A role upstream of some touchpoint that no principle applies to.",
    ),
    "orphan-principle": ("info", "A principle that applies to no role."),
    "unaligned-metric": ("error", "A metric tied to pay or promotion with nothing in serves."),
    "uncovered-scenario": (
        "error",
        "A scenario with no script for its tags and no principle for its role on duty.",
    ),
    "unscripted-scenario": ("info", "A scenario no script covers: only education helps there."),
    "one-size-script": (
        "warning",
        "A script covering scenarios of two or more different customers.",
    ),
    "front-line-only-program": (
        "warning",
        "A programme whose whole audience is front-line roles.",
    ),
    "one-dimensional-program": ("warning", "A programme with no reinforcement."),
    "self-directed-only-program": (
        "warning",
        "A programme whose only formats are self-directed ones.",
    ),
    "managers-not-included": (
        "warning",
        "A programme whose audience leaves out a manager of someone in it.",
    ),
}
