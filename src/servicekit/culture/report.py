"""The service report: the whole model on one page, summarised so that it scales.

For each touchpoint: how many nodes are upstream and the nearest of them, its critical
nodes (how many, and the nearest), and its likeliest suspects; then the roles no
principle reaches and the audit findings. A ``Report`` holds the answers;
``servicekit.render`` writes it as text or JSON, one touchpoint at a time.

A report stays within the time of loading its model, whatever the model's size: each
touchpoint names at most ``NEAREST`` upstream and critical nodes (with their
counts), and suspects are ranked (a full ``trace()``) for
touchpoints in id order while the upstream nodes traced stay within the number of nodes
of the chain; past that, the report says so, and ``servicekit trace`` ranks any
touchpoint's suspects.

Examples
--------
>>> import servicekit
>>> report = build(servicekit.load_example(), path="dry-cleaner.yaml", top=1)
>>> [(t.touchpoint.id, t.critical[:2], t.critical_count) for t in report.touchpoints]
[('drop-off', ('counter-clerk',), 1), ('pickup', ('cashier', 'organizer'), 7)]
>>> report.touchpoints[1].suspects[0].fail_point
'missed-crease'
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, overload

import attrs

from servicekit._runtime import later
from servicekit.chain.results import Reach, Suspects
from servicekit.chain.service_chain import ServiceChain
from servicekit.culture.audit import Findings
from servicekit.culture.selection import coverage_of, findings_about
from servicekit.model.entities import Touchpoint
from servicekit.model.service_model import ServiceModel

__all__ = ["NEAREST", "Report", "TouchpointReport", "TouchpointReports", "build", "nearest"]

#: How many upstream (and critical) nodes a touchpoint's part of the report names.
NEAREST = 12


@attrs.frozen(kw_only=True)
class TouchpointReport:
    """One touchpoint's part of the report.

    ``upstream`` holds the nearest upstream nodes (at most ``NEAREST``) of the
    ``upstream_count`` there are; ``critical`` the nearest critical nodes of the
    ``critical_count``; ``suspects`` the likeliest ones, or ``None`` when they were
    not ranked here (see the module's notes).
    """

    touchpoint: Touchpoint
    upstream: tuple[Reach, ...]
    upstream_count: int
    critical: tuple[str, ...]
    critical_count: int
    suspects: Suspects | None


def nearest(chain: ServiceChain, node: str, most: int = NEAREST) -> tuple[Reach, ...]:
    """Up to ``most`` nodes upstream of ``node``, nearest first (then by id).

    A breadth-first search that stops as soon as it has enough: when many nodes are
    equally near, a few of them are named (the first found, by id), never all scanned.

    Examples
    --------
    >>> import servicekit
    >>> [(r.id, r.distance) for r in nearest(servicekit.load_example().chain, "pickup", 3)]
    [('cashier', 1), ('organizer', 2), ('presser', 3)]
    """
    graph = chain.graph
    kinds = graph.nodes
    seen = {node}
    level = [node]
    found: list[Reach] = []
    distance = 0
    while level and len(found) < most:
        distance += 1
        following: list[str] = []
        wanted = most - len(found)
        for current in level:
            for before in graph.pred[current]:
                if before not in seen:
                    seen.add(before)
                    following.append(before)
                    if len(following) >= wanted:
                        break
            if len(following) >= wanted:
                break
        following.sort()
        found.extend(Reach(n, kinds[n]["kind"], distance) for n in following[:wanted])
        level = following
    return tuple(found)


class TouchpointReports(Sequence[TouchpointReport]):
    """Every touchpoint's part of a report, in id order, each worked out when read.

    Reading them in order (as the renderers do) holds one at a time.
    """

    __slots__ = ("_chain", "_ids", "_ranked", "_sizes", "_top")

    def __init__(
        self, model: ServiceModel, top: int, select: Collection[str] | None = None
    ) -> None:
        chain = model.chain
        self._chain = chain
        chosen = None if select is None else set(select)
        self._ids = sorted(t for t in model.touchpoints if chosen is None or t in chosen)
        self._top = top
        everything = chain.upstream_of_all()
        self._sizes = [len(everything[t]) for t in self._ids]
        # Rank suspects in id order while the upstream nodes traced stay within the chain's.
        budget = chain.graph.number_of_nodes()
        ranked = 0
        for size in self._sizes:
            if size > budget:
                break
            budget -= size
            ranked += 1
        self._ranked = ranked

    @property
    def ranked(self) -> int:
        """How many touchpoints (the first, in id order) have their suspects ranked."""
        return self._ranked

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> TouchpointReport: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[TouchpointReport, ...]: ...

    def __getitem__(self, index: int | slice) -> TouchpointReport | tuple[TouchpointReport, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        number = range(len(self._ids))[index]
        chain, node = self._chain, self._ids[number]
        critical = chain.critical(node)
        suspects = None
        if number < self._ranked and self._top > 0:
            suspects = Suspects(chain.trace(node)[: self._top])
        return TouchpointReport(
            touchpoint=chain.model.touchpoints[node],
            upstream=nearest(chain, node),
            upstream_count=self._sizes[number],
            critical=critical[:NEAREST],
            critical_count=len(critical),
            suspects=suspects,
        )

    def __iter__(self) -> Iterator[TouchpointReport]:
        for number in range(len(self._ids)):
            yield self[number]

    def __repr__(self) -> str:
        return f"TouchpointReports({len(self)} touchpoints, {self._ranked} ranked)"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TouchpointReports):
            mine = (self._chain.model, self._top, self._ids)
            return mine == (other._chain.model, other._top, other._ids)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._chain.model, self._top, tuple(self._ids)))


@attrs.frozen(kw_only=True)
class Report:
    """The service report of a model, read from ``path`` (``bundled``: the bundled example)."""

    model: ServiceModel
    path: str
    bundled: bool
    top: int
    touchpoints: TouchpointReports
    coverage_gaps: tuple[str, ...]
    findings: Findings

    def fails(self, threshold: str) -> bool:
        """True when a finding is at least as severe as ``threshold``."""
        return self.findings.fails(threshold)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-able data."""
        data: dict[str, Any] = later("servicekit.render.json").report_json(self)
        return data

    def to_text(self) -> str:
        """The report for people."""
        text: str = later("servicekit.render.text").report_text(self)
        return text


def build(
    model: ServiceModel,
    *,
    path: str,
    bundled: bool = False,
    top: int = 3,
    select: Collection[str] | None = None,
) -> Report:
    """The report of ``model``, with at most ``top`` suspects a touchpoint.

    With ``select`` (a selection of the chain), only the selected touchpoints, the
    coverage gaps among the selected roles and the findings about the selection
    (see ``servicekit.culture.selection``).
    """
    coverage, findings = model.coverage(), model.audit()
    if select is not None:
        chosen = set(select)
        coverage = coverage_of(coverage, chosen)
        findings = findings_about(findings, model, chosen)
    return Report(
        model=model,
        path=path,
        bundled=bundled,
        top=top,
        touchpoints=TouchpointReports(model, top, select),
        coverage_gaps=coverage.uncovered_roles,
        findings=findings,
    )
