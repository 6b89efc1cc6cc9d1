"""The service chain: every graph answer checked against plain networkx on the same graph."""

from __future__ import annotations

import itertools
import math
import sys
import types
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.chain import reference

import servicekit
from servicekit import (
    Customer,
    FailPoint,
    Handoff,
    InternalCustomer,
    Reach,
    Reaches,
    Role,
    ServiceChain,
    ServiceModel,
    Suspect,
    Touchpoint,
    UnknownIdError,
    UpstreamOfAll,
    UpstreamSet,
)
from servicekit.chain import scope as chain_scope
from servicekit.chain.algorithms import BitsCache, ComponentIndex

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CATEGORIES = ("stain", "lost")
VIRTUAL = object()


# --- building models ---------------------------------------------------------------------


def build(
    handoffs: list[tuple[str, str]] | list[tuple[str, str, list[FailPoint]]],
    touchpoints: list[tuple[str, str, list[str]]] = (),  # type: ignore[assignment]
    *,
    roles: list[str] = (),  # type: ignore[assignment]
    catches: dict[str, dict[str, float]] | None = None,
    customers: dict[str, list[str]] | None = None,
) -> ServiceModel:
    """A model from hand-offs ``(source, target[, fail_points])`` and ``(id, role, feeds)``."""
    names = list(roles)
    for handoff in handoffs:
        for name in handoff[:2]:
            if name not in names:
                names.append(name)
    for _, role, feeds in touchpoints:
        for name in (role, *feeds):
            if name not in names:
                names.append(name)
    serves: dict[str, list[Handoff]] = {n: [] for n in names}
    for handoff in handoffs:
        source, target = handoff[0], handoff[1]
        fail_points = handoff[2] if len(handoff) > 2 else []  # type: ignore[misc]
        serves[source].append(Handoff(to=target, fail_points=fail_points))
    customers = customers or {}
    segments = sorted({c for cs in customers.values() for c in cs})
    return ServiceModel(
        name="test",
        customers=[Customer(id=c) for c in segments],
        roles=[Role(id=n, serves=serves[n], catches=(catches or {}).get(n, {})) for n in names],
        touchpoints=[
            Touchpoint(id=t, role=role, feeds=feeds, customers=customers.get(t, []))
            for t, role, feeds in touchpoints
        ],
    )


@st.composite
def models(draw: Any, max_roles: int = 7) -> ServiceModel:
    """Small models with rework loops, self-loops, feeds cycles and isolated roles."""
    roles = [f"r{i}" for i in range(draw(st.integers(1, max_roles)))]
    customers = [f"c{i}" for i in range(draw(st.integers(0, 2)))]
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(roles), st.sampled_from(roles)), max_size=2 * len(roles))
    )
    counter = itertools.count()
    serves: dict[str, list[Handoff]] = {r: [] for r in roles}
    for source, target in pairs:
        fail_points = [
            FailPoint(
                id=f"f{next(counter)}",
                category=draw(st.sampled_from(CATEGORIES)),
                rate=draw(st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0])),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        serves[source].append(Handoff(to=target, fail_points=fail_points))
    catches = st.dictionaries(
        st.sampled_from(CATEGORIES), st.sampled_from([0.0, 0.3, 0.5, 1.0]), max_size=2
    )
    touchpoints = [
        Touchpoint(
            id=f"t{i}",
            role=draw(st.sampled_from(roles)),
            customers=draw(st.lists(st.sampled_from(customers), unique=True)) if customers else [],
            feeds=draw(st.lists(st.sampled_from(roles), unique=True, max_size=2)),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    return ServiceModel(
        customers=[Customer(id=c) for c in customers],
        roles=[Role(id=r, serves=serves[r], catches=draw(catches)) for r in roles],
        touchpoints=touchpoints,
    )


#: Hand-written shapes the generated ones may miss, each with a name.
SHAPES: dict[str, ServiceModel] = {
    "chain": build([("a", "b"), ("b", "c")], [("t", "c", [])]),
    "diamond": build([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")], [("t", "d", [])]),
    "rework-loop": build(
        [("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")], [("t", "d", [])], roles=["lonely"]
    ),
    "self-contained-cycle": build([("a", "b"), ("b", "c"), ("c", "a")], [("t", "c", [])]),
    "touchpoint-in-source-cycle": build([("a", "b")], [("t", "b", ["a"])]),
    "self-loop": build([("a", "a"), ("a", "b"), ("b", "b")], [("t", "b", [])]),
    "two-sources": build([("a", "c"), ("b", "c"), ("c", "d")], [("t", "d", [])]),
    "drop-off-feeds": build(
        [("clerk", "tag"), ("tag", "clean"), ("clean", "cash")],
        [("drop", "clerk", ["tag"]), ("pick", "cash", [])],
    ),
}


# --- references written straight from SPEC, on plain networkx --------------------------


def reference_reach(graph: nx.DiGraph, node: str, depth: int | None) -> list[tuple[str, int]]:
    """SPEC's upstream/downstream: BFS lengths without the node, by (distance, id)."""
    lengths = nx.single_source_shortest_path_length(graph, node, cutoff=depth)
    del lengths[node]
    return sorted(lengths.items(), key=lambda item: (item[1], item[0]))


def reference_critical(model: ServiceModel, node: str) -> tuple[str, ...]:
    """SPEC's critical without required hand-offs: networkx's dominators from a virtual
    source joined to the node's roots (declared, or in a source component)."""
    graph = reference.customer_graph(model, None)
    return reference.dominators(model, graph, node)


def brute_force_critical(model: ServiceModel, node: str) -> set[str]:
    """SPEC's words: d is critical iff removing d leaves ``node`` unserved."""
    return set(reference.critical(model, reference.customer_graph(model, None), node))


def brute_force_trace(
    model: ServiceModel, touchpoint: str, category: str | None
) -> list[tuple[str, str, str, str, float, int]]:
    """Suspects by enumerating simple paths: (role, receiver, fp, category, score, distance)."""
    graph = model.chain.graph
    distance = nx.single_source_shortest_path_length(graph.reverse(copy=False), touchpoint)
    found = []
    for role in model.roles.values():
        for handoff in role.serves:
            receiver = handoff.to
            if receiver not in distance:
                continue
            for fp in handoff.fail_points:
                if category is not None and fp.category != category:
                    continue
                best = 0.0
                for path in nx.all_simple_paths(graph, receiver, touchpoint):
                    chance = 1.0
                    for step in path:
                        if step in model.roles:
                            chance *= 1.0 - model.roles[step].catches.get(fp.category, 0.0)
                    best = max(best, chance)
                if fp.rate * best > 0:
                    found.append(
                        (role.id, receiver, fp.id, fp.category, fp.rate * best, distance[role.id])
                    )
    return found


def nodes_of(model: ServiceModel) -> list[str]:
    """Every node id, sorted."""
    return sorted(model.chain.graph)


# --- upstream and downstream -------------------------------------------------------------


@SETTINGS
@given(model=models(), depth=st.none() | st.integers(0, 4))
def test_upstream_and_downstream_match_networkx(model: ServiceModel, depth: int | None) -> None:
    """upstream/downstream equal networkx BFS lengths, minus the node, by (distance, id)."""
    chain = model.chain
    for node in nodes_of(model):
        up = chain.upstream(node, depth)
        down = chain.downstream(node, depth=depth)
        assert [(r.id, r.distance) for r in up] == reference_reach(
            chain.graph.reverse(copy=False), node, depth
        )
        assert [(r.id, r.distance) for r in down] == reference_reach(chain.graph, node, depth)
        assert all(r.kind == chain.graph.nodes[r.id]["kind"] for r in (*up, *down))


@pytest.mark.parametrize("name", sorted(SHAPES), ids=sorted(SHAPES))
def test_upstream_on_shapes_matches_networkx(name: str) -> None:
    """Every hand-written shape gives networkx's upstream and downstream."""
    model = SHAPES[name]
    for node in nodes_of(model):
        expected = reference_reach(model.chain.graph.reverse(copy=False), node, None)
        assert [(r.id, r.distance) for r in model.chain.upstream(node)] == expected


@pytest.mark.parametrize(
    ("node", "depth", "expected"),
    [
        ("pickup", 0, []),
        ("pickup", 1, [("cashier", 1)]),
        ("pickup", 2, [("cashier", 1), ("organizer", 2)]),
        ("spotter", None, [("cleaner", 1), ("tagger", 1), ("counter-clerk", 2), ("drop-off", 2)]),
        ("cleaner", 2, [("spotter", 1), ("tagger", 2)]),
        ("counter-clerk", None, []),
    ],
    ids=["depth-0", "depth-1", "depth-2", "rework-loop-excludes-self", "loop-depth", "isolated"],
)
def test_upstream_on_the_example(
    example: ServiceModel, node: str, depth: int | None, expected: list[tuple[str, int]]
) -> None:
    """Upstream of the dry cleaner's nodes, by hand."""
    assert [(r.id, r.distance) for r in example.chain.upstream(node, depth)] == expected


@pytest.mark.parametrize("depth", [-1, 1.5, True, "2"], ids=["negative", "float", "bool", "str"])
@pytest.mark.parametrize("query", ["upstream", "downstream"])
def test_bad_depth_is_rejected(example: ServiceModel, query: str, depth: object) -> None:
    """A depth that is not a whole number >= 0 raises ValueError naming it."""
    with pytest.raises(ValueError, match=r"depth must be a whole number >= 0 or None, got"):
        getattr(example.chain, query)("pickup", depth)


# --- the Reaches result ------------------------------------------------------------------


def test_reaches_is_a_lazy_read_only_sequence(example: ServiceModel) -> None:
    """Reaches indexes, slices, compares, hashes and filters like a tuple of Reach."""
    up = example.chain.upstream("pickup")
    items = tuple(up)
    assert len(up) == len(items) == 8
    assert up[0] == Reach("cashier", "role", 1) == items[0]
    assert up[-1] == items[-1]
    assert up[1:3] == items[1:3]
    assert up == list(items)
    assert up != items[:-1]
    assert up != "cashier"
    assert up.__eq__(3) is NotImplemented
    assert hash(up) == hash(items)
    assert up.ids == tuple(r.id for r in items)
    assert up.distances() == {r.id: r.distance for r in items}
    assert up.of_kind("touchpoint").ids == ("drop-off",)
    assert repr(up) == (
        "Reaches([cashier@1, organizer@2, presser@3, cleaner@4, spotter@5, tagger@6, "
        "counter-clerk@7, drop-off@7])"
    )
    assert repr(example.chain.upstream("cashier", 1)) == "Reaches([organizer@1])"
    long = build([(f"r{i}", f"r{i + 1}") for i in range(10)]).chain.upstream("r10")
    assert repr(long) == (
        "Reaches([r9@1, r8@2, r7@3, r6@4, r5@5, r4@6, r3@7, r2@8, ... (10 in all)])"
    )


# --- lookups and errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: c.upstream("pikcup"), r"unknown node 'pikcup'; did you mean 'pickup'\?"),
        (lambda c: c.downstream("cashr"), r"unknown node 'cashr'; did you mean 'cashier'\?"),
        (lambda c: c.critical("spoter"), r"did you mean 'spotter'\?"),
        (lambda c: c.kind("presser2"), r"unknown node 'presser2'; did you mean 'presser'\?"),
        (lambda c: c.trace("pickups"), r"unknown touchpoint 'pickups'; did you mean 'pickup'\?"),
        (lambda c: c.trace("cashier"), r"unknown touchpoint 'cashier'"),
        (lambda c: c.internal_customers("pickup"), r"unknown role 'pickup'"),
        (lambda c: c.customers_of("walk-in"), r"unknown role 'walk-in'"),
        (lambda c: c.touchpoints_reached("taggr"), r"unknown role 'taggr'; did you mean 'tagger'"),
        (lambda c: c.upstream_of_all()["pickp"], r"unknown touchpoint 'pickp'; did you mean"),
        (lambda c: c.upstream_of_all()["cashier"], r"unknown touchpoint 'cashier'"),
    ],
    ids=[
        "upstream",
        "downstream",
        "critical",
        "kind",
        "trace",
        "trace-wrong-kind",
        "internal-customers-wrong-kind",
        "customers-of-wrong-kind",
        "touchpoints-reached",
        "upstream-of-all",
        "upstream-of-all-wrong-kind",
    ],
)
def test_unknown_ids_raise_with_suggestions(example: ServiceModel, call: Any, match: str) -> None:
    """Unknown or wrong-kind ids raise UnknownIdError (a KeyError) with did-you-mean hints."""
    with pytest.raises(UnknownIdError, match=match) as info:
        call(example.chain)
    assert isinstance(info.value, KeyError)


def test_unknown_id_suggestions_are_of_the_right_kind(example: ServiceModel) -> None:
    """Suggestions for a wrong-kind id only name ids of the kind asked for."""
    with pytest.raises(UnknownIdError, match="unknown touchpoint 'pick'") as info:
        example.chain.trace("pick")
    assert info.value.suggestions == ("pickup",)
    assert info.value.kind == "touchpoint"


@pytest.mark.parametrize(
    ("node", "kind"),
    [("cashier", "role"), ("pickup", "touchpoint"), ("walk-in", "customer")],
    ids=["role", "touchpoint", "customer"],
)
def test_kind_of_a_node(example: ServiceModel, node: str, kind: str) -> None:
    """kind() names what a node is, and the node data carries the entity."""
    assert example.chain.kind(node) == kind
    assert example.chain.graph.nodes[node]["entity"] is example.entity(node)


def test_chain_knows_its_model_and_says_what_it_holds(example: ServiceModel) -> None:
    """The chain points back at its model and its repr counts what it holds."""
    chain = example.chain
    assert chain.model is example
    assert isinstance(chain, ServiceChain)
    counts = [len(example.roles), len(example.touchpoints), len(example.customers)]
    assert repr(chain) == (
        "<ServiceChain 'Corner Dry Cleaner': {} roles, {} touchpoints, {} customers, {} edges>"
    ).format(*counts, chain.graph.number_of_edges())


# --- the graph ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mutate",
    [
        lambda g: g.add_edge("cashier", "tagger"),
        lambda g: g.add_node("new"),
        lambda g: g.remove_node("cashier"),
        lambda g: g.remove_edge("organizer", "cashier"),
        lambda g: g.add_edges_from([("a", "b")]),
    ],
    ids=["add-edge", "add-node", "remove-node", "remove-edge", "add-edges"],
)
def test_graph_is_frozen(example: ServiceModel, mutate: Any) -> None:
    """Changing the chain's graph raises NetworkXError: changes go through the model."""
    edges = list(example.chain.graph.edges)
    with pytest.raises(nx.NetworkXError, match="Frozen graph can't be modified"):
        mutate(example.chain.graph)
    assert list(example.chain.graph.edges) == edges


def test_networkx_algorithms_run_on_the_frozen_graph(example: ServiceModel) -> None:
    """Plain networkx algorithms run on the frozen graph and agree with the queries."""
    graph = example.chain.graph
    assert nx.is_frozen(graph)
    assert nx.ancestors(graph, "pickup") == set(example.chain.upstream("pickup").ids)
    assert {frozenset(c) for c in nx.strongly_connected_components(graph) if len(c) > 1} == {
        frozenset({"spotter", "cleaner"})
    }
    assert nx.shortest_path(graph, "tagger", "pickup")[-2:] == ["cashier", "pickup"]


def test_graph_nodes_and_edges_follow_the_spec(example: ServiceModel) -> None:
    """Nodes carry kind and entity; edges are hand-offs, serves, customer and feeds."""
    graph = example.chain.graph
    kinds = {(u, v): k for u, v, k in graph.edges(data="kind")}
    assert kinds[("tagger", "spotter")] == "handoff"
    assert kinds[("cashier", "pickup")] == "serves"
    assert kinds[("pickup", "bride")] == "customer"
    assert kinds[("drop-off", "tagger")] == "feeds"
    handoffs = graph.edges["spotter", "cleaner"]["handoffs"]
    assert [h.fail_points[0].id for h in handoffs] == ["missed-stain"]
    assert {graph.nodes[n]["kind"] for n in graph} == {"role", "touchpoint", "customer"}


def test_repeated_handoffs_share_one_edge() -> None:
    """Two hand-offs between the same roles make one edge carrying both."""
    model = build([("a", "b"), ("a", "b", [FailPoint(id="x", rate=0.5)])])
    handoffs = model.chain.graph.edges["a", "b"]["handoffs"]
    assert len(handoffs) == 2
    assert handoffs[1].fail_points[0].id == "x"


# --- internal customers and line of sight ------------------------------------------------


@pytest.mark.parametrize(
    ("role", "internal", "external"),
    [
        ("cleaner", ["presser", "spotter"], []),
        ("cashier", [], ["bride", "walk-in"]),
        ("counter-clerk", ["tagger"], ["bride", "walk-in"]),
        ("plant-manager", [], []),
    ],
    ids=["two-internal", "front-line", "both", "nobody"],
)
def test_customers_of(
    example: ServiceModel, role: str, internal: list[str], external: list[str]
) -> None:
    """customers_of lists internal customers, then external ones at the role's touchpoints."""
    found = example.chain.customers_of(role)
    assert found.role == role
    assert [c.role for c in found.internal] == internal
    assert all(c.supplier == role for c in found.internal)
    assert [c.id for c in found.external] == external
    assert all(isinstance(c, Customer) for c in found.external)


def test_internal_customers_carry_their_handoffs(example: ServiceModel) -> None:
    """Each internal customer carries what it receives and expects."""
    (spotter,) = example.chain.internal_customers("tagger")
    assert spotter == InternalCustomer(
        role="spotter", supplier="tagger", handoffs=example.roles["tagger"].serves
    )
    assert spotter.expectations == ("tag matches ticket", "stains marked on the tag")


@SETTINGS
@given(model=models())
def test_internal_customers_and_line_of_sight_match_networkx(model: ServiceModel) -> None:
    """internal_customers groups a role's hand-offs by target; line of sight is descendants."""
    chain = model.chain
    graph = chain.graph
    for role in sorted(model.roles):
        received: dict[str, list[Handoff]] = {}
        for handoff in model.roles[role].serves:
            received.setdefault(handoff.to, []).append(handoff)
        assert chain.internal_customers(role) == tuple(
            InternalCustomer(role=t, supplier=role, handoffs=tuple(received[t]))
            for t in sorted(received)
        )
        reached = [
            (n, d)
            for n, d in reference_reach(graph, role, None)
            if graph.nodes[n]["kind"] == "touchpoint"
        ]
        assert [(r.id, r.distance) for r in chain.touchpoints_reached(role)] == reached
        assert [t.id for t in chain.touchpoints_reached(role, backend="networkx")] == [
            n for n, _ in reached
        ]
        external = {
            c
            for t in model.touchpoints.values()
            if t.role == role
            for c in (t.customers or model.customers)
        }
        assert [c.id for c in chain.customers_of(role).external] == sorted(external)


# --- critical ------------------------------------------------------------------------------


@SETTINGS
@given(model=models())
def test_critical_matches_the_spec_and_brute_force(model: ServiceModel) -> None:
    """critical equals SPEC's dominator definition, and brute force agrees on the set."""
    chain = model.chain
    for node in nodes_of(model):
        found = chain.critical(node)
        assert found == reference_critical(model, node), node
        assert set(found) == brute_force_critical(model, node), node
        assert chain.critical(node, backend="networkx") == found


@pytest.mark.parametrize(
    ("name", "node", "expected"),
    [
        ("chain", "t", ("c", "b", "a")),
        ("diamond", "t", ("d", "a")),
        ("rework-loop", "t", ("d", "c", "b", "a")),
        ("rework-loop", "b", ("a",)),
        ("rework-loop", "lonely", ()),
        ("self-contained-cycle", "t", ("c",)),
        ("self-contained-cycle", "c", ("b",)),
        ("self-contained-cycle", "a", ("c",)),
        ("touchpoint-in-source-cycle", "t", ("b",)),
        ("touchpoint-in-source-cycle", "a", ("t",)),
        ("touchpoint-in-source-cycle", "b", ()),
        ("self-loop", "a", ()),
        ("self-loop", "t", ("b", "a")),
        ("two-sources", "t", ("d", "c")),
        ("two-sources", "a", ()),
        ("drop-off-feeds", "pick", ("cash", "clean", "tag", "clerk")),
        ("drop-off-feeds", "tag", ("clerk",)),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(v) or "none",
)
def test_critical_on_shapes(name: str, node: str, expected: tuple[str, ...]) -> None:
    """Single points of failure of hand-written shapes, from the idom outwards."""
    assert SHAPES[name].chain.critical(node) == expected
    assert SHAPES[name].chain.critical(node, backend="networkx") == expected


def test_critical_is_answered_from_one_cached_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking for many nodes reuses one dominator pass rather than one per node."""
    passes: list[object] = []
    original = chain_scope.dominator_tree

    def counting(index: ComponentIndex, declared: Any = ()) -> tuple[list[int], list[bool]]:
        passes.append(index)
        return original(index, declared)

    monkeypatch.setattr(chain_scope, "dominator_tree", counting)
    chain = build([("a", "b"), ("b", "c")], [("t", "c", [])]).chain
    assert chain.critical("t") == ("c", "b", "a")
    assert chain.critical("c") == ("b", "a")
    assert len(passes) == 1


# --- trace ---------------------------------------------------------------------------------


def assert_trace_matches(model: ServiceModel, touchpoint: str, category: str | None) -> None:
    """trace gives brute force's suspects, each scored alike, in SPEC's order."""
    found = model.chain.trace(touchpoint, category)
    expected = brute_force_trace(model, touchpoint, category)
    assert sorted((s.role, s.receiver, s.fail_point, s.category, s.distance) for s in found) == (
        sorted((r, rc, fp, c, d) for r, rc, fp, c, _, d in expected)
    )
    scores = {(r, rc, fp): score for r, rc, fp, _, score, _ in expected}
    for s in found:
        assert s.score == pytest.approx(scores[s.role, s.receiver, s.fail_point], rel=1e-12)
        assert s.score > 0
        assert category is None or s.category == category
    keys = [(-s.score, s.distance, s.role, s.fail_point) for s in found]
    assert keys == sorted(keys)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=models(max_roles=6), category=st.none() | st.sampled_from(CATEGORIES))
def test_trace_matches_brute_force_over_simple_paths(
    model: ServiceModel, category: str | None
) -> None:
    """trace equals the best product over simple paths, for every touchpoint; a category no
    fail point has is refused."""
    for touchpoint in sorted(model.touchpoints):
        if category is not None and category not in model.chain.categories:
            with pytest.raises(UnknownIdError, match="unknown category"):
                model.chain.trace(touchpoint, category)
            continue
        assert_trace_matches(model, touchpoint, category)


@pytest.mark.parametrize("name", sorted(SHAPES), ids=sorted(SHAPES))
def test_trace_on_shapes_with_fail_points(name: str) -> None:
    """Shapes with a fail point on every hand-off and mixed catches match brute force."""
    base = SHAPES[name]
    counter = itertools.count()
    handoffs = [
        (role.id, h.to, [FailPoint(id=f"f{next(counter)}", category=c, rate=0.4)])
        for role in base.roles.values()
        for h in role.serves
        for c in CATEGORIES
    ]
    catches = {r: {"stain": 0.5} for r in list(base.roles)[::2]}
    catches.update({r: {"lost": 1.0} for r in list(base.roles)[1::3]})
    touchpoints = [(t.id, t.role, list(t.feeds)) for t in base.touchpoints.values()]
    model = build(handoffs, touchpoints, roles=list(base.roles), catches=catches)
    for touchpoint in model.touchpoints:
        for category in (None, *CATEGORIES):
            assert_trace_matches(model, touchpoint, category)


def test_trace_on_the_example(example: ServiceModel) -> None:
    """At pickup, the presser halves stains; lost items and creases pass untouched."""
    found = example.chain.trace("pickup")
    assert [(s.role, s.fail_point, s.category, round(s.score, 6), s.distance) for s in found] == [
        ("presser", "missed-crease", "pressing", 0.03, 3),
        ("organizer", "wrong-hook", "lost-item", 0.02, 2),
        ("spotter", "missed-stain", "stain", 0.02, 5),
        ("tagger", "wrong-tag", "lost-item", 0.01, 6),
    ]
    assert found[2] == Suspect(
        role="spotter",
        receiver="cleaner",
        fail_point="missed-stain",
        category="stain",
        rate=0.04,
        escape=0.5,
        score=0.02,
        distance=5,
    )
    assert example.chain.trace("pickup", "stain") == (found[2],)
    assert example.chain.trace("drop-off") == ()


@pytest.mark.parametrize(
    ("catches", "expected"),
    [
        ({}, 0.5),
        ({"b": {"x": 0.0}}, 0.5),
        ({"b": {"x": 0.5}}, 0.25),
        ({"b": {"x": 0.5}, "c": {"x": 0.5}}, 0.125),
        ({"b": {"x": 1.0}}, None),
        ({"b": {"y": 1.0}}, 0.5),
    ],
    ids=["no-catches", "catches-zero", "receiver-catches", "two-catch", "all-caught", "other"],
)
def test_trace_scores_by_catches(catches: dict[str, dict[str, float]], expected: float) -> None:
    """The receiving role and every role after it multiply in (1 - catches); 0 is left out."""
    fail_point = FailPoint(id="fp", category="x", rate=0.5)
    model = build([("a", "b", [fail_point]), ("b", "c")], [("t", "c", [])], catches=catches)
    found = model.chain.trace("t")
    if expected is None:
        assert found == ()
    else:
        (suspect,) = found
        assert suspect.score == pytest.approx(expected)
        assert (suspect.role, suspect.receiver, suspect.distance) == ("a", "b", 3)


def test_trace_takes_the_best_path() -> None:
    """Of two routes to the touchpoint, the one that lets more defects escape counts."""
    fail_point = FailPoint(id="fp", category="x", rate=1.0)
    model = build(
        [("a", "b", [fail_point]), ("b", "c"), ("b", "d"), ("c", "e"), ("d", "e")],
        [("t", "e", [])],
        catches={"c": {"x": 0.9}, "d": {"x": 0.2}},
    )
    (suspect,) = model.chain.trace("t")
    assert suspect.score == pytest.approx(0.8)


def test_trace_orders_ties_by_distance_role_and_fail_point() -> None:
    """Equal scores are ordered by distance, then role id, then fail point id."""
    fp = [FailPoint(id=name, category="x", rate=0.25) for name in ("f2", "f1", "f3", "f0")]
    model = build(
        [("z", "c", [fp[0], fp[1]]), ("y", "c", [fp[2]]), ("c", "d", [fp[3]])],
        [("t", "d", [])],
    )
    found = model.chain.trace("t")
    assert [(s.role, s.fail_point, s.distance) for s in found] == [
        ("c", "f0", 2),
        ("y", "f3", 3),
        ("z", "f1", 3),
        ("z", "f2", 3),
    ]


def test_trace_orders_tiny_scores_exactly() -> None:
    """Scores far below one in a trillion still order by score, not by distance."""
    near = FailPoint(id="near", category="x", rate=1e-13)
    far = FailPoint(id="far", category="x", rate=4e-13)
    model = build([("a", "b", [far]), ("b", "c", [near])], [("t", "c", [])])
    assert [s.fail_point for s in model.chain.trace("t")] == ["far", "near"]


# --- upstream_of_all -----------------------------------------------------------------------


def assert_set_like(view: UpstreamSet, expected: frozenset[str], nodes: list[str]) -> None:
    """The view behaves like the frozenset ``expected`` in every way a set is used."""
    assert len(view) == len(expected)
    assert set(view) == expected
    assert len(list(view)) == len(expected)  # no duplicates
    assert view == expected
    assert expected == view
    assert not view != expected  # noqa: SIM202 - __ne__ is under test too
    for node in [*nodes, "no-such-node"]:
        assert (node in view) == (node in expected)
    assert 3 not in view
    assert view <= expected | {"x"}
    assert view >= expected
    assert (view < expected) is False
    other = frozenset(nodes[::2])
    assert view & other == expected & other
    assert view | other == expected | other
    assert view - other == expected - other
    assert isinstance(view & other, frozenset)
    assert view.isdisjoint(other) == expected.isdisjoint(other)
    assert hash(view) == hash(expected)
    assert repr(view) == f"UpstreamSet({len(expected)} nodes)"


@SETTINGS
@given(model=models())
def test_upstream_of_all_equals_upstream(model: ServiceModel) -> None:
    """upstream_of_all()[t] is set-like and equals upstream(t), on every slicing of the pass."""
    chain = model.chain
    nodes = nodes_of(model)
    touchpoints = sorted(model.touchpoints)
    everything = chain.upstream_of_all()
    by_backend = chain.upstream_of_all(backend="networkx")
    sliced = UpstreamOfAll(ComponentIndex(chain.graph.succ), touchpoints, window=2)
    assert list(everything) == list(sliced) == touchpoints
    assert len(everything) == len(touchpoints)
    for touchpoint in touchpoints:
        expected = frozenset(chain.upstream(touchpoint).ids)
        assert_set_like(everything[touchpoint], expected, nodes)
        assert_set_like(by_backend[touchpoint], expected, nodes)
        assert_set_like(sliced[touchpoint], expected, nodes)
        for other in touchpoints:
            same = expected == frozenset(chain.upstream(other).ids)
            assert (everything[touchpoint] == everything[other]) == same
            assert (sliced[touchpoint] == everything[other]) == same


@pytest.mark.parametrize(
    "model",
    [ServiceModel(), build([("a", "b")])],
    ids=["empty-model", "no-touchpoints"],
)
def test_upstream_of_all_without_touchpoints_is_empty(model: ServiceModel) -> None:
    """A model with no touchpoints (or nothing at all) gives an empty mapping."""
    assert dict(model.chain.upstream_of_all()) == {}
    assert dict(model.chain.upstream_of_all(backend="networkx")) == {}


def test_upstream_sets_of_one_role_compare_equal() -> None:
    """Two touchpoints served by one role have equal upstream sets."""
    everything = build([("a", "b"), ("c", "a")], [("t1", "b", []), ("t2", "b", [])])
    views = everything.chain.upstream_of_all()
    assert views["t1"] == views["t2"] == {"a", "b", "c"}
    assert views["t1"] != build([("a", "b")], [("t", "b", [])]).chain.upstream_of_all()["t"]


def test_upstream_of_all_on_the_example(example: ServiceModel) -> None:
    """The bulk answer is a mapping over every touchpoint, sorted, with readable reprs."""
    everything = example.chain.upstream_of_all()
    assert repr(everything) == "UpstreamOfAll(2 touchpoints)"
    assert dict(everything.items()).keys() == {"drop-off", "pickup"}
    assert everything["drop-off"] == {"counter-clerk"}
    assert "tagger" in everything["pickup"]
    assert "pickup" not in everything["pickup"]
    assert "owner" not in everything["pickup"]
    assert everything["pickup"] == set(example.chain.upstream("pickup").ids)


def test_sliced_pass_builds_bitsets_only_when_read() -> None:
    """Past the slice size, the pass keeps sizes only and a set's bits come on first read."""
    model = build([("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")], [("t", "d", ["b"])])
    index = ComponentIndex(model.chain.graph.succ)
    built: list[int] = []
    original = index.ancestor_bits

    def counting(target: int) -> int:
        built.append(target)
        return original(target)

    index.ancestor_bits = counting  # type: ignore[method-assign]
    view = UpstreamOfAll(index, ["t"], window=1)["t"]
    assert len(view) == 4
    assert built == []
    assert "a" in view
    assert len(built) == 1
    assert set(view) == {"a", "b", "c", "d"}


def test_sliced_pass_reuses_recently_read_bitsets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the same touchpoint twice builds its bitset once; the cache stays bounded."""
    model = build([("a", "b"), ("b", "c")], [("t", "c", []), ("u", "b", []), ("v", "a", [])])
    index = ComponentIndex(model.chain.graph.succ)
    built: list[int] = []
    original = index.ancestor_bits

    def counting(target: int) -> int:
        built.append(target)
        return original(target)

    monkeypatch.setattr(index, "ancestor_bits", counting)
    everything = UpstreamOfAll(index, ["t", "u", "v"], window=1)
    assert "a" in everything["t"]
    assert "a" in everything["t"]
    assert len(built) == 1
    cache = BitsCache(limit=5)
    cache.put(1, 0b111)
    cache.put(2, 0b1)
    assert cache.get(1) == 0b111  # now the most recent
    cache.put(3, 0b11)  # 6 bits held: the least recent (2) goes
    assert cache.get(2) is None
    assert (cache.get(1), cache.get(3)) == (0b111, 0b11)
    cache.put(4, 1 << 9)  # too big to keep others: only the newest stays
    assert (cache.get(1), cache.get(3), cache.get(4)) == (None, None, 1 << 9)


# --- backends ------------------------------------------------------------------------------


@SETTINGS
@given(model=models(), depth=st.none() | st.integers(0, 3))
def test_networkx_backend_gives_identical_answers(model: ServiceModel, depth: int | None) -> None:
    """backend='networkx' dispatches to networkx and answers exactly as the built-in path."""
    chain = model.chain
    for node in nodes_of(model):
        assert chain.upstream(node, depth, backend="networkx") == chain.upstream(node, depth)
        assert chain.downstream(node, depth, backend="networkx") == chain.downstream(node, depth)
        assert chain.critical(node, backend="networkx") == chain.critical(node)


def test_backend_names_reach_networkx_dispatch(
    example: ServiceModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backend keyword is passed on to networkx's dispatch for every query taking it."""
    seen: list[tuple[str, str]] = []
    for name in (
        "single_source_shortest_path_length",
        "ancestors",
        "strongly_connected_components",
        "immediate_dominators",
    ):
        original = getattr(nx, name)

        def spy(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            seen.append((_name, kwargs["backend"]))
            return _original(*args, **kwargs)

        monkeypatch.setattr(nx, name, spy)
    chain = example.chain
    chain.upstream("pickup", backend="networkx")
    chain.downstream("tagger", backend="networkx")
    chain.touchpoints_reached("tagger", backend="networkx")
    chain.critical("pickup", backend="networkx")
    chain.upstream_of_all(backend="networkx")
    assert {name for name, _ in seen} == {
        "single_source_shortest_path_length",
        "ancestors",
        "strongly_connected_components",
        "immediate_dominators",
    }
    assert {backend for _, backend in seen} == {"networkx"}


def test_unknown_backend_is_networkx_error(example: ServiceModel) -> None:
    """A backend networkx does not know is reported by networkx, not silently ignored."""
    with pytest.raises(ImportError, match="no-such-backend"):
        example.chain.upstream("pickup", backend="no-such-backend")


# --- diagrams are delegated ----------------------------------------------------------------


def test_diagrams_delegate_to_the_diagram_module(
    example: ServiceModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """to_mermaid and to_dot hand the chain, focus, depth and customer to
    servicekit.render.diagram."""
    fake = types.ModuleType("servicekit.render.diagram")
    fake.to_mermaid = lambda chain, focus, depth, customer: (
        "mermaid",
        chain,
        focus,
        depth,
        customer,
    )  # type: ignore[attr-defined]
    fake.to_dot = lambda chain, focus, depth, customer: ("dot", chain, focus, depth, customer)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "servicekit.render.diagram", fake)
    chain = example.chain
    assert chain.to_mermaid(focus="pickup", depth=2) == ("mermaid", chain, "pickup", 2, None)
    assert chain.to_dot(customer="bride") == ("dot", chain, None, None, "bride")


# --- the public surface --------------------------------------------------------------------


def test_results_are_exported_and_immutable(example: ServiceModel) -> None:
    """Result classes are importable from servicekit and frozen."""
    assert servicekit.Reaches is Reaches
    suspect = example.chain.trace("pickup")[0]
    with pytest.raises(AttributeError, match=r"can.t set attribute"):
        suspect.score = 1.0  # type: ignore[misc]
    assert math.isclose(suspect.score, 0.03)


def test_answers_show_themselves_in_notebooks() -> None:
    """A chain, its reaches and its suspects display through servicekit.display."""
    from servicekit.render import html as display
    from servicekit.render import markdown as display_md

    chain = servicekit.load_example().chain
    reaches = chain.upstream("pickup")
    suspects = chain.trace("pickup")
    assert isinstance(suspects, tuple)
    assert suspects == tuple(suspects)
    assert chain._repr_mimebundle_() == display_md.chain_bundle(chain)
    assert chain.to_html() == display.chain_html(chain)
    assert reaches._repr_html_() == display.reaches_html(reaches)
    assert reaches._repr_markdown_() == display_md.reaches_markdown(reaches)
    assert suspects._repr_html_() == display.suspects_html(suspects)
    assert suspects._repr_markdown_() == display_md.suspects_markdown(suspects)


def test_chain_repr_counts_in_words() -> None:
    """The chain's repr counts roles, touchpoints, customers and edges, singular for one."""
    model = servicekit.ServiceModel(
        name="Kiosk",
        customers=[servicekit.Customer(id="guest")],
        roles=[servicekit.Role(id="clerk")],
        touchpoints=[servicekit.Touchpoint(id="desk", role="clerk", customers=["guest"])],
    )
    assert repr(model.chain) == "<ServiceChain 'Kiosk': 1 role, 1 touchpoint, 1 customer, 2 edges>"
