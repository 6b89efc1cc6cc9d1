"""SPEC's chain answers written the slow, obvious way, on plain networkx.

Every function here follows the words of SPEC revision 2 as literally as it can
(building a customer's chain from the model, finding roots, computing *served* as a
fixed point by repeated passes, removing each candidate to find what is
necessary, enumerating simple paths for escape), so that the fast answers of
``ServiceChain`` can be checked against it on generated models with cycles,
segments and required hand-offs.
"""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
from hypothesis import strategies as st

from servicekit import (
    Customer,
    FailPoint,
    Handoff,
    Role,
    ServiceModel,
    Touchpoint,
)

CATEGORIES = ("stain", "lost")
VIRTUAL = ("virtual",)


def customer_graph(model: ServiceModel, customer: str | None) -> nx.DiGraph:
    """The customer's chain as SPEC builds it (the whole chain for ``None``).

    Roles all stay; only the touchpoints serving the customer (or naming none) and
    that customer as its only customer node; only hand-offs whose ``for`` admits
    the customer. Edge attribute ``required``: any admitted hand-off on it is.
    """
    graph = nx.DiGraph()
    customers = list(model.customers) if customer is None else [customer]
    for c in customers:
        graph.add_node(c, kind="customer")
    for role in model.roles.values():
        graph.add_node(role.id, kind="role")
    for role in model.roles.values():
        for handoff in role.serves:
            if customer is not None and handoff.for_ is not None and customer not in handoff.for_:
                continue
            if graph.has_edge(role.id, handoff.to):
                graph.edges[role.id, handoff.to]["required"] |= handoff.required
            else:
                graph.add_edge(role.id, handoff.to, required=handoff.required)
    for touchpoint in model.touchpoints.values():
        if customer is not None and touchpoint.customers and customer not in touchpoint.customers:
            continue
        graph.add_node(touchpoint.id, kind="touchpoint")
        graph.add_edge(touchpoint.role, touchpoint.id, required=False)
        for c in touchpoint.customers or list(model.customers):
            if c in customers:
                graph.add_edge(touchpoint.id, c, required=False)
        for fed in touchpoint.feeds:
            graph.add_edge(touchpoint.id, fed, required=False)
    return graph


def declared(model: ServiceModel, graph: nx.DiGraph) -> dict[str, str]:
    """Declared roots of the chain ``graph`` and why: feeds first, then starts."""
    found: dict[str, str] = {}
    for touchpoint in model.touchpoints.values():
        if touchpoint.feeds and touchpoint.id in graph:
            found.setdefault(touchpoint.role, "feeds")
    for role in model.roles.values():
        if role.starts:
            found.setdefault(role.id, "starts")
    return found


def source_nodes(graph: nx.DiGraph) -> set[str]:
    """Every node of a source strongly-connected component."""
    condensed = nx.condensation(graph)
    return {
        m for c in condensed if condensed.in_degree(c) == 0 for m in condensed.nodes[c]["members"]
    }


def distances_to(graph: nx.DiGraph, node: str) -> dict[str, int]:
    """Upstream distance of every node with a path to ``node`` (``node`` left out)."""
    lengths = dict(nx.single_source_shortest_path_length(graph.reverse(copy=False), node))
    del lengths[node]
    return lengths


def roots(model: ServiceModel, graph: nx.DiGraph, node: str) -> list[tuple[str, str, int]]:
    """SPEC's roots of ``node``: (id, why, distance), by distance then id."""
    marked = declared(model, graph)
    sources = source_nodes(graph)
    found = []
    for other, distance in distances_to(graph, node).items():
        why = marked.get(other) or ("source" if other in sources else None)
        if why is not None:
            found.append((other, why, distance))
    return sorted(found, key=lambda r: (r[2], r[0]))


def required_givers(graph: nx.DiGraph) -> dict[str, set[str]]:
    """Receiver -> givers of its required hand-offs."""
    found: dict[str, set[str]] = {}
    for giver, receiver, required in graph.edges(data="required"):
        if required:
            found.setdefault(receiver, set()).add(giver)
    return found


def served(
    graph: nx.DiGraph, start: set[str], required: dict[str, set[str]], removed: str | None = None
) -> set[str]:
    """SPEC's served nodes: repeat "root or a served predecessor, and every required giver
    served" until nothing changes; ``removed`` is never served."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in graph:
            if node in found or node == removed:
                continue
            fed = node in start or any(p in found for p in graph.pred[node])
            if fed and all(g in found for g in required.get(node, ())):
                found.add(node)
                changed = True
    return found


def critical(model: ServiceModel, graph: nx.DiGraph, node: str) -> tuple[str, ...]:
    """SPEC's critical: remove each candidate and see whether ``node`` stays served."""
    if node in declared(model, graph):
        return ()
    start = {r for r, _, _ in roots(model, graph, node)}
    required = required_givers(graph)
    if node not in served(graph, start, required):
        return ()
    distance = distances_to(graph, node)
    found = [x for x in distance if node not in served(graph, start, required, removed=x)]
    return tuple(sorted(found, key=lambda x: (distance[x], x)))


def dominators(model: ServiceModel, graph: nx.DiGraph, node: str) -> tuple[str, ...]:
    """networkx's immediate dominators from a virtual root joined to ``node``'s roots."""
    if node in declared(model, graph):
        return ()
    flow = nx.DiGraph(graph.edges)
    flow.add_nodes_from(graph)
    flow.add_edges_from((VIRTUAL, r) for r, _, _ in roots(model, graph, node))
    flow.remove_edges_from([(VIRTUAL, node)])
    if VIRTUAL not in flow:
        return ()
    idom = nx.immediate_dominators(flow, VIRTUAL)
    if node not in idom:
        return ()
    found = []
    current = idom[node]
    while current != VIRTUAL:
        found.append(current)
        current = idom[current]
    return tuple(found)


def escape(model: ServiceModel, graph: nx.DiGraph, start: str, target: str, category: str) -> float:
    """The best, over simple paths from ``start`` to ``target``, of the product of
    (1 - catches) over the roles on the path, ``start`` included."""
    best = 0.0
    for path in nx.all_simple_paths(graph, start, target):
        chance = 1.0
        for step in path:
            if step in model.roles:
                chance *= 1.0 - model.roles[step].catches.get(category, 0.0)
        best = max(best, chance)
    return best


Row = tuple[str, str | None, str, str, float | None, float, float | None, int]


def trace(
    model: ServiceModel, touchpoint: str, category: str | None, customer: str | None
) -> list[Row]:
    """SPEC's suspects: (role, receiver, fail_point, category, rate, escape, score, distance)."""
    graph = customer_graph(model, customer)
    distance = distances_to(graph, touchpoint)
    found: list[Row] = []

    def add(fp: FailPoint, role: str, receiver: str | None, chance: float, steps: int) -> None:
        if category is not None and fp.category != category:
            return
        if fp.shows_at is not None and touchpoint not in fp.shows_at:
            return
        if fp.rate == 0 or chance == 0:
            return
        score = None if fp.rate is None else fp.rate * chance
        found.append((role, receiver, fp.id, fp.category, fp.rate, chance, score, steps))

    for role in model.roles.values():
        for handoff in role.serves:
            if customer is not None and handoff.for_ is not None and customer not in handoff.for_:
                continue
            if handoff.to not in distance:
                continue
            for fp in handoff.fail_points:
                chance = escape(model, graph, handoff.to, touchpoint, fp.category)
                add(fp, role.id, handoff.to, chance, distance[role.id])
    own = model.touchpoints[touchpoint]
    for fp in own.fail_points:
        add(fp, own.role, None, 1.0, 0)
    for other in model.touchpoints.values():
        if other.id not in distance:
            continue
        for fp in other.fail_points:
            chances = {r: escape(model, graph, r, touchpoint, fp.category) for r in other.feeds}
            best = max(sorted(chances), key=lambda r: chances[r], default=None)
            if best is not None:
                add(fp, other.role, best, chances[best], distance[other.id])
    return found


def order_key(row: Row) -> tuple[Any, ...]:
    """SPEC's order of suspects, values compared to 12 significant digits."""
    role, _, fp, _, _, chance, score, steps = row
    if score is not None:
        return (0, -float(f"{score:.12g}"), steps, role, fp)
    return (1, -float(f"{chance:.12g}"), steps, role, fp)


# --- generated models -----------------------------------------------------------------------


@st.composite
def models(draw: Any, max_roles: int = 6) -> ServiceModel:
    """Small models with rework loops, segments (``for``), required hand-offs, declared
    starts, feeds, touchpoint fail points, ``shows_at`` and unrated fail points."""
    roles = [f"r{i}" for i in range(draw(st.integers(1, max_roles)))]
    customers = [f"c{i}" for i in range(draw(st.integers(0, 2)))]
    touchpoint_ids = [f"t{i}" for i in range(draw(st.integers(0, 3)))]
    counter = itertools.count()
    rates = st.sampled_from([None, 0.0, 0.1, 0.25, 0.5, 1.0])

    def fail_points(max_size: int) -> list[FailPoint]:
        return [
            FailPoint(
                id=f"f{next(counter)}",
                category=draw(st.sampled_from(CATEGORIES)),
                rate=draw(rates),
                shows_at=draw(
                    st.none() | st.lists(st.sampled_from(touchpoint_ids), min_size=1, unique=True)
                )
                if touchpoint_ids
                else None,
            )
            for _ in range(draw(st.integers(0, max_size)))
        ]

    pairs = draw(
        st.lists(st.tuples(st.sampled_from(roles), st.sampled_from(roles)), max_size=2 * len(roles))
    )
    serves: dict[str, list[Handoff]] = {r: [] for r in roles}
    for source, target in pairs:
        serves[source].append(
            Handoff(
                to=target,
                fail_points=fail_points(2),
                required=draw(st.sampled_from([False, False, True])),
                for_=draw(st.none() | st.lists(st.sampled_from(customers), min_size=1, unique=True))
                if customers
                else None,
            )
        )
    catches = st.dictionaries(
        st.sampled_from(CATEGORIES), st.sampled_from([0.0, 0.3, 0.5, 1.0]), max_size=2
    )
    touchpoints = [
        Touchpoint(
            id=t,
            role=draw(st.sampled_from(roles)),
            customers=draw(st.lists(st.sampled_from(customers), unique=True)) if customers else [],
            feeds=draw(st.lists(st.sampled_from(roles), unique=True, max_size=2)),
            fail_points=fail_points(1),
        )
        for t in touchpoint_ids
    ]
    return ServiceModel(
        customers=[Customer(id=c) for c in customers],
        roles=[
            Role(
                id=r,
                serves=serves[r],
                catches=draw(catches),
                starts=draw(st.sampled_from([False, False, False, True])),
            )
            for r in roles
        ],
        touchpoints=touchpoints,
    )


def scopes(model: ServiceModel) -> list[str | None]:
    """The whole chain and every customer's."""
    return [None, *model.customers]
