"""Plain text for people: every answer as the command line prints it.

Aligned columns, sentences, no Python reprs. Every value taken from a model goes through
:func:`~servicekit.render.tables.plain_text`: a name holding escape sequences or line
breaks prints as written, on its line, and never acts on the reader's terminal.

Examples
--------
>>> import servicekit
>>> chain = servicekit.load_example().chain
>>> print(reaches_text("Upstream of", "pickup", chain.upstream("pickup", depth=2)))
Upstream of pickup: 2 nodes
  distance  kind  id
         1  role  cashier
         2  role  organizer
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from servicekit._words import plural
from servicekit.chain.results import Reach, Suspect
from servicekit.culture.audit import Finding
from servicekit.culture.guide import ScenarioGuide
from servicekit.culture.mapping import Coverage
from servicekit.culture.report import NEAREST, Report, TouchpointReport
from servicekit.model.service_model import ServiceModel
from servicekit.model.vocabulary import SEVERITIES
from servicekit.render.tables import markdown_text, plain_text, text_table

__all__ = [
    "SOURCE_SYMBOLS",
    "coverage_text",
    "critical_text",
    "findings_text",
    "guide_lines",
    "guide_text",
    "reaches_text",
    "report_lines",
    "report_text",
    "suspects_text",
    "valid_text",
]

#: The short symbol each source of a principle has in the coverage matrix.
SOURCE_SYMBOLS: Mapping[str, str] = {
    "explicit": "E",
    "role": "R",
    "department": "D",
    "everyone": "*",
}

_LEGEND = (
    "Legend:",
    "  E  explicit: the role names the principle itself",
    "  R  role: the principle lists the role",
    "  D  department: the principle lists the role's department",
    "  *  everyone: the principle applies to everyone",
    "  .  the principle does not apply",
)

_WHY = {
    "explicit": "named for this role",
    "role": "applies to this role",
    "department": "applies to this role's department",
    "everyone": "applies to everyone",
}

#: How many upstream nodes the text report names per touchpoint before summarising.
SHOWN_UPSTREAM = NEAREST


def _wrapped(label: str, text: str, width: int = 88) -> str:
    return textwrap.fill(
        f"{label}: {text}",
        width=width,
        initial_indent="  ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )


def _named(entity: Any, clean: Callable[[object], str] = plain_text) -> str:
    label: str = entity.label
    return clean(label) if label == entity.id else f"{clean(label)} ({clean(entity.id)})"


def _names(items: Iterable[str], most: int | None = None, total: int | None = None) -> str:
    """Names joined by commas, or ``none``; past ``most`` of them, ``and N more`` (of
    ``total``, when more were there than given)."""
    listed = [plain_text(item) for item in items]
    shown = listed if most is None else listed[:most]
    left = (len(listed) if total is None else total) - len(shown)
    text = ", ".join(shown) if shown else "none"
    return f"{text}, and {left} more" if left > 0 else text


def _score(value: float | None) -> str:
    """A score as the tables show it; an unrated suspect (no score) as ``-``."""
    return "-" if value is None else f"{value:.4f}"


# --- the model ------------------------------------------------------------------------------


def valid_text(path: str, model: ServiceModel) -> str:
    """``PATH: valid (N roles, ...)``, what ``servicekit validate`` says of a good model."""
    counts = model.counts()
    summary = ", ".join(plural(n, k[:-1], k) for k, n in counts.items() if n)
    return f"{plain_text(path)}: valid ({summary or 'empty'})"


# --- chain answers --------------------------------------------------------------------------


def reaches_text(title: str, node: str, reaches: Sequence[Reach]) -> str:
    """``title node: N nodes`` then a distance / kind / id table."""
    head = f"{title} {plain_text(node)}: {plural(len(reaches), 'node')}"
    if not reaches:
        return head
    rows = [[r.distance, r.kind, r.id] for r in reaches]
    return head + "\n" + text_table(["distance", "kind", "id"], rows, right=[0])


def critical_text(
    node: str, critical: Sequence[str], kinds: Mapping[str, str] | None = None
) -> str:
    """The single points of failure of ``node``, nearest first."""
    node = plain_text(node)
    if not critical:
        return f"Critical for {node}: none (no single node lies on every path into it)"
    head = f"Critical for {node}: {plural(len(critical), 'single point')} of failure, nearest first"
    rows = [[i, (kinds or {}).get(c, ""), c] for i, c in enumerate(critical, start=1)]
    return head + "\n" + text_table(["#", "kind", "id"], rows, right=[0])


def _suspect_rows(suspects: Iterable[Suspect]) -> list[list[object]]:
    return [
        [_score(s.score), s.category or "-", s.fail_point, f"{s.role} -> {s.receiver}", s.distance]
        for s in suspects
    ]


_SUSPECT_HEADER = ["score", "category", "fail point", "hand-off", "distance"]


def suspects_text(node: str, suspects: Sequence[Suspect], category: str | None = None) -> str:
    """Suspects for a defect seen at ``node``, most likely first."""
    what = f"{plain_text(category)} defects" if category else "defects"
    node = plain_text(node)
    if not suspects:
        return f"Suspects for {what} at {node}: none (no fail point upstream can reach it)"
    head = (
        f"Suspects for {what} at {node}: {plural(len(suspects), 'fail point')}, most likely first"
    )
    return head + "\n" + text_table(_SUSPECT_HEADER, _suspect_rows(suspects), right=[0, 4])


# --- culture --------------------------------------------------------------------------------


def coverage_text(coverage: Coverage) -> str:
    """Aligned columns with one symbol a cell, and a legend."""
    roles = [plain_text(role) for role in coverage.roles]
    principles = [plain_text(principle) for principle in coverage.principles]
    width = max((len(r) for r in roles), default=0)
    width = max(width, len("role"))
    header = ["role".ljust(width), *principles]
    lines = ["  ".join(header).rstrip()]
    for role, (_, cells) in zip(roles, coverage.rows(), strict=True):
        parts = [role.ljust(width)]
        for principle, source in zip(principles, cells, strict=True):
            symbol = SOURCE_SYMBOLS[source] if source else "."
            parts.append(symbol.center(len(principle)))
        lines.append("  ".join(parts).rstrip())
    lines.append("")
    lines.extend(_LEGEND)
    if coverage.uncovered_roles:
        lines.append("No principle applies to: " + _names(coverage.uncovered_roles))
    return "\n".join(lines) + "\n"


def guide_lines(card: ScenarioGuide, *, markdown: bool) -> list[str]:
    """The lines of an education card, as text or as Markdown (headings and bullets)."""
    scenario, role = card.scenario, card.role
    clean = markdown_text if markdown else plain_text

    def heading(text: str) -> list[str]:
        return ["", f"## {text}", ""] if markdown else ["", f"{text}:"]

    def named(entity: Any) -> str:
        return _named(entity, clean)

    def joined(items: Iterable[str], separator: str) -> str:
        return separator.join(clean(item) for item in items)

    bullet = "- " if markdown else "  - "
    title = named(scenario) if scenario.title else clean(scenario.id)
    lines = [f"# Scenario: {title}" if markdown else f"Scenario: {title}"]
    if markdown:
        lines.append("")
    lines.append(f"Touchpoint: {named(card.touchpoint)}; on duty: {named(role)}")
    if scenario.situation:
        lines.append(f"Situation: {clean(scenario.situation)}")
    if scenario.tags:
        lines.append("Tags: " + joined(scenario.tags, ", "))

    lines += heading("Customer")
    customer = card.customer
    if customer is None:
        lines.append(f"{bullet}not named: ask what this customer needs, wants and values")
    else:
        lines.append(named(customer))
        for what, items in (
            ("needs", customer.needs),
            ("wants", customer.wants),
            ("values", customer.values),
        ):
            if items:
                lines.append(f"{bullet}{what}: " + joined(items, "; "))

    lines += heading("Scripts (training)")
    if card.novel:
        lines.append(
            f"{bullet}no script covers this situation: it is novel, so the principles "
            "below are what the person on duty has to go on"
        )
    for script in card.scripts:
        steps = joined(script.steps, "; ") if script.steps else "no steps written"
        lines.append(f"{bullet}{named(script)}: {steps}")

    lines += heading("Principles (education)")
    if not card.principles:
        lines.append(f"{bullet}no principle applies to {named(role)}")
    for principle, why in zip(card.principles, card.applicability, strict=True):
        text = f"{bullet}{named(principle)}, {_WHY[why.source]}"
        if principle.statement:
            text += f": {clean(principle.statement)}"
        lines.append(text)
        indent = "  " if markdown else "      "
        for question in principle.questions:
            lines.append(f"{indent}- {clean(question)}")

    lines += heading("Upstream roles whose work reaches this touchpoint, nearest first")
    if card.upstream:
        lines.append(bullet + joined(card.upstream, ", "))
    else:
        lines.append(f"{bullet}none: the work starts with the role on duty")

    if card.suspects:
        lines += heading("Most likely causes upstream")
        for s in card.suspects:
            score = "unrated" if s.score is None else f"score {s.score:.4f}"
            lines.append(
                f"{bullet}{clean(s.fail_point)} ({clean(s.category)}) in the hand-off from "
                f"{clean(s.role)} to {clean(s.receiver)} ({score}, "
                f"{plural(s.distance, 'step')} upstream)"
            )
    return lines


def guide_text(card: ScenarioGuide) -> str:
    """The card as plain text, for a person on duty or their coach."""
    return "\n".join(guide_lines(card, markdown=False)) + "\n"


def findings_text(findings: Iterable[Finding], *, width: int = 88) -> str:
    """The findings for people: each with its severity, subject, why it matters and what to do.

    Examples
    --------
    >>> from servicekit import Finding
    >>> f = Finding(rule="one-dimensional-program", severity="warning", subject="induction",
    ...             message="Induction has no follow-up.", hint="Plan coaching.")
    >>> print(findings_text([f]))
    WARNING  induction  (one-dimensional-program)
      Why it matters: Induction has no follow-up.
      What to do: Plan coaching.
    <BLANKLINE>
    1 finding: 0 errors, 1 warning, 0 info.
    <BLANKLINE>
    >>> print(findings_text([]))
    No findings: every audit rule that is on passed.
    <BLANKLINE>
    """
    found = list(findings)
    if not found:
        return "No findings: every audit rule that is on passed.\n"
    lines: list[str] = []
    for finding in found:
        lines.append(f"{finding.severity.upper()}  {plain_text(finding.subject)}  ({finding.rule})")
        lines.append(_wrapped("Why it matters", plain_text(finding.message), width))
        lines.append(_wrapped("What to do", plain_text(finding.hint), width))
        lines.append("")
    counts = {s: sum(1 for f in found if f.severity == s) for s in SEVERITIES}
    lines.append(
        f"{plural(len(found), 'finding')}: "
        + ", ".join(plural(counts[s], s) for s in SEVERITIES)
        + "."
    )
    return "\n".join(lines) + "\n"


def _touchpoint_lines(part: TouchpointReport) -> Iterator[str]:
    """One touchpoint's part of the report: who serves it, what is upstream, suspects."""
    tp = part.touchpoint
    yield ""
    title = f"{plain_text(tp.id)} ({plain_text(tp.name)})" if tp.name else plain_text(tp.id)
    yield f"Touchpoint {title}"
    yield f"  served by {plain_text(tp.role)} for {_names(tp.customers)}"
    shown = [f"{u.id} ({u.distance})" for u in part.upstream[:SHOWN_UPSTREAM]]
    yield _wrapped("upstream, by distance", _names(shown, total=part.upstream_count))
    yield _wrapped("critical, nearest first", _names(part.critical, total=part.critical_count))
    suspects = part.suspects
    if suspects is None:
        yield (
            "  likeliest origins of a complaint here: not ranked in this report "
            f"(servicekit trace MODEL {plain_text(tp.id)} ranks them)"
        )
    elif suspects:
        yield "  likeliest origins of a complaint here:"
        rows = [
            [_score(s.score), s.category or "-", s.fail_point, s.role, s.distance] for s in suspects
        ]
        yield text_table(
            ["score", "category", "fail point", "made by", "distance"],
            rows,
            indent="    ",
            right=[0, 4],
        )
    else:
        yield "  likeliest origins of a complaint here: no fail points upstream"


def report_lines(report: Report) -> Iterator[str]:
    """The service report for people, a line (or a block of lines) at a time.

    Each touchpoint's part is worked out as it is written, so a report of a large model
    starts at once and holds one touchpoint at a time.
    """
    model = report.model
    yield f"Service report: {plain_text(model.name) or '(unnamed model)'}"
    if report.bundled:
        yield f"Model: the bundled example, {plain_text(report.path)}"
        yield "       (run `servicekit report MODEL` to report on your own model)"
    else:
        yield f"Model: {plain_text(report.path)}"
    counts = ", ".join(plural(n, k[:-1], k) for k, n in model.counts().items() if n)
    yield f"Holds: {counts or 'nothing'}"
    touchpoints = report.touchpoints
    for part in touchpoints:
        yield from _touchpoint_lines(part)
    if touchpoints.ranked < len(touchpoints):
        yield ""
        yield _wrapped(
            "Note",
            f"suspects are ranked for the first {plural(touchpoints.ranked, 'touchpoint')} of "
            f"{len(touchpoints)}, in id order, to keep the report as quick as loading the "
            "model; servicekit trace ranks any touchpoint's",
        ).strip()
    yield ""
    gaps = _names(report.coverage_gaps, most=SHOWN_UPSTREAM)
    yield _wrapped("Roles no principle applies to", gaps).strip()
    yield ""
    yield "Audit"
    yield findings_text(report.findings).rstrip("\n")


def report_text(report: Report) -> str:
    """The service report for people."""
    return "\n".join(report_lines(report))
