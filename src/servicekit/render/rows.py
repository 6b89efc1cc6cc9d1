"""The columns of every answer that is a table, decided once for every format.

Text, Markdown, HTML and CSV all draw these rows; each format only decides how
a cell is written.

Examples
--------
>>> import servicekit
>>> header, rows = reach_rows(servicekit.load_example().chain.upstream("pickup", depth=1))
>>> header, rows
(('distance', 'kind', 'id'), [(1, 'role', 'cashier')])
"""

from __future__ import annotations

from collections.abc import Iterable

from servicekit.chain.results import Reach, Suspect
from servicekit.chain.service_chain import ServiceChain
from servicekit.culture.audit import Finding
from servicekit.culture.mapping import Coverage

__all__ = [
    "coverage_rows",
    "finding_rows",
    "handoff_of",
    "handoff_rows",
    "percent",
    "reach_rows",
    "suspect_rows",
]

Rows = tuple[tuple[str, ...], list[tuple[object, ...]]]


def handoff_of(suspect: Suspect) -> str:
    """Where a suspect's defect is made: ``giver -> receiver`` for a hand-off,
    ``at drop-off (clerk)`` at a touchpoint, ``at drop-off -> tagger`` when it flows on."""
    if suspect.touchpoint is None:
        return f"{suspect.role} -> {suspect.receiver}"
    if suspect.receiver is None:
        return f"at {suspect.touchpoint} ({suspect.role})"
    return f"at {suspect.touchpoint} -> {suspect.receiver}"


def percent(rate: float) -> str:
    """A rate as a short percentage: 0.04 -> ``4%``, 0.005 -> ``0.5%``."""
    return f"{rate * 100:.3g}%"


def reach_rows(reaches: Iterable[Reach]) -> Rows:
    """distance, kind, id: an ``upstream`` or ``downstream`` answer."""
    return ("distance", "kind", "id"), [(r.distance, r.kind, r.id) for r in reaches]


def suspect_rows(suspects: Iterable[Suspect]) -> Rows:
    """score, rate, escape, category, fail point, hand-off, distance: a ``trace`` answer.

    An unrated suspect's score is ``unrated`` and its rate ``unknown``, never 0.
    """
    return (
        ("score", "rate", "escape", "category", "fail point", "hand-off", "distance"),
        [
            (
                "unrated" if s.score is None else f"{s.score:.4f}",
                "unknown" if s.rate is None else percent(s.rate),
                percent(s.escape),
                s.category or "-",
                s.fail_point,
                handoff_of(s),
                s.distance,
            )
            for s in suspects
        ],
    )


def handoff_rows(chain: ServiceChain) -> Rows:
    """from, to, item, fail points (rate): every hand-off of the chain."""
    rows: list[tuple[object, ...]] = []
    for role in chain.model.roles.values():
        for handoff in role.serves:
            fail_points = ", ".join(
                f"{fp.id} ({'rate unknown' if fp.rate is None else f'{fp.rate:g}'})"
                for fp in handoff.fail_points
            )
            rows.append((role.id, handoff.to, handoff.item, fail_points))
    return ("from", "to", "item", "fail points (rate)"), rows


def coverage_rows(coverage: Coverage, symbols: dict[str, str] | None = None) -> Rows:
    """role, then a column a principle: why it applies (or its symbol), empty where not.

    A principle for some customers only adds them: ``department (for bride)``.
    """
    rows: list[tuple[object, ...]] = []
    limited = coverage.limited_to
    for role, cells in coverage.rows():
        shown = []
        for principle, cell in zip(coverage.principles, cells, strict=True):
            text = (symbols or {}).get(cell, cell) if cell else ""
            if cell and principle in limited:
                text += f" (for {', '.join(limited[principle])})"
            shown.append(text)
        rows.append((role, *shown))
    return ("role", *coverage.principles), rows


def finding_rows(findings: Iterable[Finding]) -> Rows:
    """severity, rule, subject, why it matters, what to do: audit findings."""
    return (
        ("severity", "rule", "subject", "why it matters", "what to do"),
        [(f.severity, f.rule, f.subject, f.message, f.hint) for f in findings],
    )
