"""Building the chain does work in proportion to the hand-offs, however they are grouped.

The work is counted, not timed: edges given to networkx, and lines of Python run.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

from servicekit import FailPoint, Handoff, Role, ServiceModel, Touchpoint
from tracing import lines_run


def parallel(count: int) -> ServiceModel:
    """Two roles with ``count`` hand-offs between them, each with a fail point."""
    handoffs = [
        Handoff(to="b", item=f"item {i}", fail_points=[FailPoint(id=f"f{i}", rate=0.01)])
        for i in range(count)
    ]
    return ServiceModel(
        roles=[Role(id="a", serves=handoffs), Role(id="b")],
        touchpoints=[Touchpoint(id="t", role="b")],
    )


def test_parallel_handoffs_are_one_edge_added_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of hand-offs between two roles make one edge, given to networkx once."""
    given: list[Any] = []
    real_many, real_one = nx.DiGraph.add_edges_from, nx.DiGraph.add_edge

    def counting(self: nx.DiGraph[str], edges: Any, **attr: Any) -> None:
        edges = list(edges)
        given.extend(edge[:2] for edge in edges)
        real_many(self, edges, **attr)

    def counting_one(self: nx.DiGraph[str], u: str, v: str, **attr: Any) -> None:
        given.append((u, v))
        real_one(self, u, v, **attr)

    monkeypatch.setattr(nx.DiGraph, "add_edges_from", counting)
    monkeypatch.setattr(nx.DiGraph, "add_edge", counting_one)
    model = parallel(3000)
    graph = model.chain.graph
    assert given.count(("a", "b")) == 1
    assert [h.item for h in graph.edges["a", "b"]["handoffs"]] == [f"item {i}" for i in range(3000)]


@pytest.mark.parametrize("module", ["servicekit.chain.graph", "servicekit.chain.service_chain"])
def test_graph_and_trace_work_grow_linearly_with_parallel_handoffs(module: str) -> None:
    """Building the graph and tracing the touchpoint run lines in proportion to hand-offs."""

    def work(count: int) -> int:
        model = parallel(count)
        return lines_run(lambda: (model.chain.graph, model.chain.trace("t")), module)

    small, large = work(500), work(4000)
    assert large <= 8 * small * 1.1, (small, large)


def test_trace_names_every_parallel_fail_point() -> None:
    """Every fail point of the parallel hand-offs is a suspect, each once."""
    suspects = parallel(2000).chain.trace("t")
    assert sorted(s.fail_point for s in suspects) == sorted(f"f{i}" for i in range(2000))
