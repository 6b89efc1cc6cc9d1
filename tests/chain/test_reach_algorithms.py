"""bfs_reach and best_reach (selectors, diff) against networkx and brute force over paths."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicekit.chain.algorithms import ComponentIndex, best_reach, bfs_reach

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def graphs(draw: Any) -> nx.DiGraph:
    """Small directed graphs with cycles and self-loops."""
    nodes = [f"n{i}" for i in range(draw(st.integers(1, 8)))]
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(
        draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)), max_size=20))
    )
    return graph


@SETTINGS
@given(graphs(), st.data())
def test_bfs_reach_is_the_union_of_cut_off_bfs(graph: nx.DiGraph, data: Any) -> None:
    """Every node within depth edges of a start, the starts included, as networkx finds them."""
    starts = data.draw(st.sets(st.sampled_from(sorted(graph)), min_size=1))
    depth = data.draw(st.one_of(st.none(), st.integers(0, 4)))
    expected = set(starts)
    for start in starts:
        expected |= set(nx.single_source_shortest_path_length(graph, start, cutoff=depth))
    assert bfs_reach({n: list(graph.succ[n]) for n in graph}, starts, depth) == expected


def best_by_paths(graph: nx.DiGraph, source: str, target: str, factor: dict[str, float]) -> float:
    """The best product of factors over simple paths from source to target (target left out)."""
    best = -1.0
    for path in nx.all_simple_paths(graph, source, target):
        best = max(best, math.prod(factor.get(n, 1.0) for n in path[:-1]))
    return best


@SETTINGS
@given(graphs(), st.data())
def test_best_reach_matches_simple_paths(graph: nx.DiGraph, data: Any) -> None:
    """Each source reaching a target carries its best product over simple paths; no others."""
    nodes = sorted(graph)
    sources = data.draw(st.lists(st.sampled_from(nodes), unique=True, min_size=1))
    targets = data.draw(st.lists(st.sampled_from(nodes), unique=True, min_size=1))
    factor = data.draw(
        st.dictionaries(st.sampled_from(nodes), st.sampled_from([0.0, 0.25, 0.5, 0.9]))
    )
    index = ComponentIndex({n: list(graph.succ[n]) for n in nodes})
    position = index.position
    bits = {position[s]: 1 << i for i, s in enumerate(sources)}
    found = best_reach(
        index, bits, [position[t] for t in targets], {position[n]: f for n, f in factor.items()}
    )
    for target in targets:
        label = found[position[target]]
        values = {
            sources[b]: v for v, held in label.items() for b in range(len(sources)) if held >> b & 1
        }
        expected = {
            s: best_by_paths(graph, s, target, factor)
            for s in sources
            if s != target and nx.has_path(graph, s, target)
        }
        assert values.keys() == expected.keys()
        for source, value in expected.items():
            assert math.isclose(values[source], value, rel_tol=1e-12, abs_tol=1e-15)
        assert all(bin(held).count("1") for held in label.values())  # no empty levels


@SETTINGS
@given(graphs(), st.data())
def test_best_reach_without_factors_is_reachability(graph: nx.DiGraph, data: Any) -> None:
    """Without factors every value is 1: the sources with a path to the target."""
    nodes = sorted(graph)
    sources = data.draw(st.lists(st.sampled_from(nodes), unique=True, min_size=1))
    index = ComponentIndex({n: list(graph.succ[n]) for n in nodes})
    bits = {index.position[s]: 1 << i for i, s in enumerate(sources)}
    found = best_reach(index, bits, [index.position[n] for n in nodes])
    for node in nodes:
        held = found[index.position[node]].get(1.0, 0)
        assert {s for i, s in enumerate(sources) if held >> i & 1} == {
            s for s in sources if s != node and node in nx.descendants(graph, s)
        }
