"""Text and JSON renderings of query answers, for people and for programs.

The command line prints these; Python users can call them too. Text is for
people (aligned columns, no Python reprs); JSON follows the shapes in the spec.

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

from collections.abc import Iterable, Sequence
from typing import Any

from servicekit.chain import Reach, Suspect

__all__ = [
    "critical_json",
    "critical_text",
    "downstream_json",
    "reaches_text",
    "suspects_text",
    "table",
    "trace_json",
    "upstream_json",
]


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    indent: str = "  ",
    right: Iterable[int] = (),
) -> str:
    """Rows as aligned columns under ``headers``; columns in ``right`` align right.

    Examples
    --------
    >>> print(table(["n", "name"], [[1, "cashier"], [12, "presser"]], right=[0]))
       n  name
       1  cashier
      12  presser
    """
    text_rows = [[str(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in text_rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    right_set = set(right)

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right_set else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return (indent + "  ".join(parts)).rstrip()

    return "\n".join([line(list(headers)), *(line(r) for r in text_rows)])


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def reaches_text(title: str, node: str, reaches: Sequence[Reach]) -> str:
    """``title node: N nodes`` then a distance / kind / id table."""
    head = f"{title} {node}: {_plural(len(reaches), 'node')}"
    if not reaches:
        return head
    rows = [[r.distance, r.kind, r.id] for r in reaches]
    return head + "\n" + table(["distance", "kind", "id"], rows, right=[0])


def upstream_json(node: str, reaches: Iterable[Reach]) -> dict[str, Any]:
    """``{"target": ID, "upstream": [{"id", "kind", "distance"}, ...]}``."""
    return {"target": node, "upstream": [_reach(r) for r in reaches]}


def downstream_json(node: str, reaches: Iterable[Reach]) -> dict[str, Any]:
    """``{"source": ID, "downstream": [{"id", "kind", "distance"}, ...]}``."""
    return {"source": node, "downstream": [_reach(r) for r in reaches]}


def _reach(r: Reach) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "distance": r.distance}


def critical_text(node: str, critical: Sequence[str], kinds: dict[str, str] | None = None) -> str:
    """The single points of failure of ``node``, nearest first."""
    if not critical:
        return f"Critical for {node}: none (no single node lies on every path into it)"
    head = (
        f"Critical for {node}: {_plural(len(critical), 'single point')} of failure, nearest first"
    )
    rows = [[i, (kinds or {}).get(c, ""), c] for i, c in enumerate(critical, start=1)]
    return head + "\n" + table(["#", "kind", "id"], rows, right=[0])


def critical_json(node: str, critical: Sequence[str]) -> dict[str, Any]:
    """``{"target": ID, "critical": [ID, ...]}``."""
    return {"target": node, "critical": list(critical)}


def suspects_text(node: str, suspects: Sequence[Suspect], category: str | None = None) -> str:
    """Suspects for a defect seen at ``node``, most likely first."""
    what = f"{category} defects" if category else "defects"
    if not suspects:
        return f"Suspects for {what} at {node}: none (no fail point upstream can reach it)"
    head = (
        f"Suspects for {what} at {node}: {_plural(len(suspects), 'fail point')}, most likely first"
    )
    rows = [
        [f"{s.score:.4f}", s.category or "-", s.fail_point, f"{s.role} -> {s.receiver}", s.distance]
        for s in suspects
    ]
    return (
        head
        + "\n"
        + table(["score", "category", "fail point", "hand-off", "distance"], rows, right=[0, 4])
    )


def trace_json(node: str, suspects: Iterable[Suspect]) -> dict[str, Any]:
    """``{"target": ID, "suspects": [{"role", "fail_point", "category", "score", "distance"}]}``."""
    return {"target": node, "suspects": [s.to_json() for s in suspects]}
