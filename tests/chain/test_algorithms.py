"""The speed-written graph algorithms agree with networkx on generated graphs with cycles."""

from __future__ import annotations

import itertools
import math

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit.chain.algorithms import (
    BitsCache,
    ComponentIndex,
    best_products,
    bfs_levels,
    dominator_tree,
    immediate_dominators,
    strongly_connected_components,
    topological_components,
)

SETTINGS = settings(max_examples=120, deadline=None)


@st.composite
def graphs(draw: st.DrawFn, most: int = 12) -> nx.DiGraph[int]:
    """A directed graph of up to ``most`` nodes, cycles and self-loops allowed."""
    n = draw(st.integers(1, most))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    return graph


def _successors(graph: nx.DiGraph[int]) -> list[list[int]]:
    return [sorted(graph.successors(node)) for node in range(graph.number_of_nodes())]


@SETTINGS
@given(graph=graphs(), depth=st.none() | st.integers(0, 4))
def test_bfs_levels_are_networkx_shortest_path_lengths(
    graph: nx.DiGraph[int], depth: int | None
) -> None:
    """Levels from a start are networkx's shortest path lengths, ordered by distance then id."""
    adjacency = {str(n): [str(m) for m in graph.successors(n)] for n in graph}
    for start in graph:
        ids, distances = bfs_levels(adjacency, str(start), depth)
        lengths = nx.single_source_shortest_path_length(graph, start, cutoff=depth)
        expected = sorted((d, str(n)) for n, d in lengths.items() if n != start)
        assert list(zip(distances, ids, strict=True)) == expected


@SETTINGS
@given(graph=graphs())
def test_components_are_networkx_components_in_topological_order(graph: nx.DiGraph[int]) -> None:
    """Tarjan's components equal networkx's, numbered so every edge goes forward or inside."""
    successors = _successors(graph)
    component, members = strongly_connected_components(successors)
    assert {frozenset(group) for group in members} == {
        frozenset(c) for c in nx.strongly_connected_components(graph)
    }
    for node, targets in enumerate(successors):
        assert all(component[node] <= component[target] for target in targets)
        assert node in members[component[node]]
    again, again_members = topological_components(
        [sorted(c) for c in nx.strongly_connected_components(graph)], successors
    )
    assert all(again[n] <= again[t] for n, ts in enumerate(successors) for t in ts)
    assert sorted(map(sorted, again_members)) == sorted(map(sorted, members))


@SETTINGS
@given(graph=graphs())
def test_immediate_dominators_are_networkx_dominators(graph: nx.DiGraph[int]) -> None:
    """Cooper-Harvey-Kennedy from node 0 gives networkx's immediate dominators."""
    idom = immediate_dominators(_successors(graph), 0)
    expected = {**nx.immediate_dominators(graph, 0), 0: 0}  # the start dominates itself
    for node in graph:
        assert idom[node] == expected.get(node, -1)


@SETTINGS
@given(graph=graphs())
def test_dominator_tree_is_dominators_from_a_virtual_source(graph: nx.DiGraph[int]) -> None:
    """The one-pass tree equals networkx's dominators from a source joined to source components."""
    names = {n: f"n{n}" for n in graph}
    index = ComponentIndex({names[n]: [names[m] for m in graph.successors(n)] for n in graph})
    idom, is_source = dominator_tree(index)
    flow: nx.DiGraph[object] = nx.DiGraph(graph.edges)
    flow.add_nodes_from(graph)
    condensed = nx.condensation(graph)
    for c in condensed:
        if condensed.in_degree(c) == 0:
            flow.add_edges_from(("virtual", m) for m in condensed.nodes[c]["members"])
    expected = nx.immediate_dominators(flow, "virtual")
    for node in graph:
        position = index.position[names[node]]
        parent = idom[position]
        want = expected[node]
        if want == "virtual":
            assert parent == index.virtual
        else:
            assert parent == index.position[names[int(str(want))]]
    assert sum(is_source) == sum(1 for c in condensed if condensed.in_degree(c) == 0)


@SETTINGS
@given(graph=graphs())
def test_ancestry_bitsets_are_networkx_ancestors(graph: nx.DiGraph[int]) -> None:
    """Each node's ancestor count and bitset, in one sweep or slices, give nx.ancestors."""
    names = {n: f"n{n}" for n in graph}
    index = ComponentIndex({names[n]: [names[m] for m in graph.successors(n)] for n in graph})
    targets = list(range(len(index.nodes)))
    for window in (1, 2, 1 << 16):
        counts, kept = index.ancestry_of(targets, window)
        for target in targets:
            node = int(index.nodes[target][1:])
            own = index.component[target]
            ancestors = nx.ancestors(graph, node)
            outside = {a for a in ancestors if index.component[index.position[names[a]]] != own}
            assert counts[own] == len(outside)
            bits = index.ancestor_bits(target)
            if kept is not None:
                assert kept[own] == bits
            members = {
                int(index.nodes[m][1:])
                for c in range(len(index.members))
                if bits >> c & 1
                for m in index.members[c]
            }
            assert members == outside


@SETTINGS
@given(graph=graphs(most=7), data=st.data())
def test_best_products_are_the_best_simple_path(
    graph: nx.DiGraph[int], data: st.DataObject
) -> None:
    """The max-product search equals the best product over simple paths, by brute force."""
    factor = {str(n): data.draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) for n in graph if n % 2}
    predecessors = {str(n): [str(p) for p in graph.predecessors(n)] for n in graph}
    best = best_products(predecessors, "0", factor)
    for node in graph:
        if node == 0:
            assert best["0"] == 1.0
            continue
        paths = list(nx.all_simple_paths(graph, node, 0))
        if not paths:
            assert str(node) not in best
            continue
        want = max(math.prod(factor.get(str(p), 1.0) for p in path[:-1]) for path in paths)
        assert math.isclose(best[str(node)], want)


def test_bits_cache_keeps_the_most_recent_within_its_limit() -> None:
    """The cache drops the least recently read bitsets once it holds more bits than its limit."""
    cache = BitsCache(limit=5)
    cache.put(1, 0b111)
    cache.put(2, 0b1)
    assert cache.get(1) == 0b111
    cache.put(3, 0b11)
    assert cache.get(2) is None
    assert [cache.get(k) for k in (1, 3)] == [0b111, 0b11]
    assert list(itertools.islice(iter([cache.get(4)]), 1)) == [None]
