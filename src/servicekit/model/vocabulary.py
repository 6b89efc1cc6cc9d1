"""The fixed words of the model: severities, audit rules, programme content.

Plain constants with no imports, so the command line can show them in its help
without loading anything else.
"""

from __future__ import annotations

__all__ = [
    "AUDIT_RULES",
    "CONSEQUENTIAL",
    "DIFF_FAIL_ON",
    "FAIL_ON",
    "GROUPINGS",
    "PROGRAM_CONTENT",
    "ROLE_KINDS",
    "ROOT_REASONS",
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
#: What a role may be: a job people do, or a system doing work in the chain.
ROLE_KINDS = ("person", "system")
#: Why a node is a root of another (where its work starts), in the order a reason is given.
ROOT_REASONS = ("feeds", "starts", "source")
#: Words and phrases that make a metric *consequential* when an entry of its ``tied_to``
#: contains one (as a word or phrase, ignoring case); ``audit: consequential:`` replaces them.
CONSEQUENTIAL = (
    "pay",
    "promotion",
    "bonus",
    "commission",
    "compensation",
    "salary",
    "incentive",
    "raise",
    "evaluation",
    "appraisal",
    "performance review",
    "rating",
    "ranking",
    "quota",
    "discipline",
)

#: Every audit rule: id -> (default severity, what it fires for). The checks live in
#: ``servicekit.culture.rules``; a model's ``audit: rules:`` may name only these ids.
AUDIT_RULES: dict[str, tuple[str, str]] = {
    "no-customer": (
        "warning",
        "A person role with no hand-off, no touchpoint and nobody reporting to it: "
        "it serves no one.",
    ),
    "no-line-of-sight": (
        "warning",
        "A role with hand-offs none of whose downstream reaches a touchpoint.",
    ),
    "uncovered-role": (
        "warning",
        "A person role upstream of some touchpoint that no principle applies to.",
    ),
    "orphan-principle": ("info", "A principle that applies to no role."),
    "unaligned-metric": (
        "error",
        "A consequential metric (tied to pay, promotion, evaluation ...) with nothing in serves.",
    ),
    "uncovered-scenario": (
        "error",
        "A scenario with no script covering it and no principle for its role on duty "
        "and its customer.",
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
    "key-person": (
        "warning",
        "A person role held by one person, with no backup, that is critical for a touchpoint.",
    ),
    "undeclared-start": (
        "info",
        "A touchpoint none of whose roots is declared (feeds or starts).",
    ),
    "unknown-category": ("warning", "A catches key that no fail point uses."),
}
