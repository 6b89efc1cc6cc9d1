"""Revision 2 of the chain: segments, roots, required hand-offs and the new trace,
each checked against SPEC's words written the slow way (tests/chain/reference.py)."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.chain import reference

from servicekit import (
    Customer,
    FailPoint,
    Handoff,
    NotInChainError,
    Role,
    Root,
    ServiceModel,
    Touchpoint,
    UnknownIdError,
    UsageError,
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def nodes_in(model: ServiceModel, customer: str | None) -> list[str]:
    """Every node of the customer's chain, sorted."""
    return sorted(reference.customer_graph(model, customer))


# --- segments --------------------------------------------------------------------------------


@SETTINGS
@given(model=reference.models(), depth=st.none() | st.integers(0, 3))
def test_customer_chains_reach_like_spec(model: ServiceModel, depth: int | None) -> None:
    """upstream/downstream with customer= are BFS on the customer's chain built from SPEC."""
    chain = model.chain
    for customer in reference.scopes(model):
        graph = reference.customer_graph(model, customer)
        for node in sorted(graph):
            up = nx.single_source_shortest_path_length(graph.reverse(copy=False), node, depth)
            down = nx.single_source_shortest_path_length(graph, node, depth)
            for found, lengths in (
                (chain.upstream(node, depth, customer=customer), up),
                (chain.downstream(node, depth, customer=customer), down),
            ):
                del lengths[node]
                assert [(r.id, r.distance) for r in found] == sorted(
                    lengths.items(), key=lambda item: (item[1], item[0])
                )
            assert chain.upstream(node, depth, customer=customer, backend="networkx") == (
                chain.upstream(node, depth, customer=customer)
            )


@SETTINGS
@given(model=reference.models())
def test_customer_chains_bulk_and_line_of_sight(model: ServiceModel) -> None:
    """upstream_of_all, touchpoints_reached, internal and external customers per customer."""
    chain = model.chain
    for customer in reference.scopes(model):
        graph = reference.customer_graph(model, customer)
        everything = chain.upstream_of_all(customer=customer)
        touchpoints = sorted(n for n in graph if graph.nodes[n]["kind"] == "touchpoint")
        assert list(everything) == touchpoints
        for touchpoint in touchpoints:
            assert everything[touchpoint] == nx.ancestors(graph, touchpoint)
        for role in sorted(model.roles):
            reached = nx.descendants(graph, role)
            assert set(chain.touchpoints_reached(role, customer=customer).ids) == {
                n for n in reached if graph.nodes[n]["kind"] == "touchpoint"
            }
            internal = chain.internal_customers(role, customer=customer)
            assert [c.role for c in internal] == sorted(
                t for t in graph.succ[role] if graph.nodes[t]["kind"] == "role"
            )
            external = {
                c
                for t in graph.succ[role]
                if graph.nodes[t]["kind"] == "touchpoint" and model.touchpoints[t].role == role
                for c in graph.succ[t]
                if graph.nodes[c]["kind"] == "customer"
            }
            assert [c.id for c in chain.customers_of(role, customer=customer).external] == sorted(
                external
            )


def segmented() -> ServiceModel:
    """A first-home buyer and an investor: a welcome pack for one, a quick email for the other."""
    return ServiceModel(
        customers=[Customer(id="buyer"), Customer(id="investor"), Customer(id="tenant")],
        roles=[
            Role(
                id="agent",
                serves=[
                    Handoff(to="host", for_=["buyer"]),
                    Handoff(to="mailer", for_=["investor"]),
                    Handoff(to="host", item="keys", for_=["tenant"], required=True),
                ],
            ),
            Role(id="host"),
            Role(id="mailer"),
        ],
        touchpoints=[
            Touchpoint(id="handover", role="host", customers=["buyer", "tenant"]),
            Touchpoint(id="email", role="mailer", customers=["investor"]),
            Touchpoint(id="office", role="agent"),
        ],
    )


@pytest.mark.parametrize(
    ("customer", "node", "expected"),
    [
        (None, "host", ["agent"]),
        ("buyer", "host", ["agent"]),
        ("investor", "host", []),
        ("investor", "mailer", ["agent"]),
        ("buyer", "mailer", []),
        ("buyer", "office", ["agent"]),
    ],
    ids=["whole", "buyer-host", "investor-host", "investor-mailer", "buyer-mailer", "office"],
)
def test_hand_offs_for_one_customer(customer: str | None, node: str, expected: list[str]) -> None:
    """A hand-off for some customers is in their chains only; roles stay in every chain."""
    assert list(segmented().chain.upstream(node, customer=customer).ids) == expected


def test_two_hand_offs_between_the_same_roles() -> None:
    """The edge is in a chain when either hand-off admits the customer, required when either
    admitted one is."""
    chain = segmented().chain
    assert chain.graph.edges["agent", "host"]["required"] is True
    assert chain.critical("host", customer="buyer") == ("agent",)
    assert chain.critical("host", customer="tenant") == ("agent",)
    assert [(c.role, len(c.handoffs)) for c in chain.internal_customers("agent")] == [
        ("host", 2),
        ("mailer", 1),
    ]
    (host,) = chain.internal_customers("agent", customer="buyer")
    assert (host.role, [h.for_ for h in host.handoffs]) == ("host", [("buyer",)])


def test_touchpoint_without_customers_serves_everyone() -> None:
    """A touchpoint naming no customer has an edge to every customer, in every chain."""
    chain = segmented().chain
    assert sorted(chain.graph.succ["office"]) == ["buyer", "investor", "tenant"]
    assert chain.downstream("office", customer="investor").ids == ("investor",)
    assert [c.id for c in chain.customers_of("agent").external] == ["buyer", "investor", "tenant"]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda c: c.upstream("handover", customer="investor"), NotInChainError, "does not serve"),
        (lambda c: c.trace("email", customer="buyer"), NotInChainError, "'email' does not serve"),
        (lambda c: c.critical("buyer", customer="investor"), NotInChainError, "only customer"),
        (lambda c: c.upstream("host", customer="invester"), UnknownIdError, "did you mean"),
        (lambda c: c.roots("nobody", customer="buyer"), UnknownIdError, "unknown node 'nobody'"),
    ],
    ids=["touchpoint", "trace", "other-customer", "unknown-customer", "unknown-node"],
)
def test_asking_outside_the_customers_chain(call: Any, error: type, match: str) -> None:
    """A node outside the customer's chain is an error naming both; unknown ids suggest."""
    with pytest.raises(error, match=match):
        call(segmented().chain)


def test_not_in_chain_error_names_both() -> None:
    """The error keeps the node, its kind and the customer, and survives pickling."""
    import pickle

    with pytest.raises(NotInChainError, match="'email' does not serve customer 'buyer'") as info:
        segmented().chain.upstream("email", customer="buyer")
    err = info.value
    assert (err.node, err.kind, err.customer) == ("email", "touchpoint", "buyer")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err)
    assert isinstance(err, LookupError)


# --- roots -----------------------------------------------------------------------------------


@SETTINGS
@given(model=reference.models())
def test_roots_follow_spec(model: ServiceModel) -> None:
    """roots: declared (feeds, starts) or source nodes upstream, by distance then id."""
    chain = model.chain
    for customer in reference.scopes(model):
        graph = reference.customer_graph(model, customer)
        for node in sorted(graph):
            expected = reference.roots(model, graph, node)
            assert chain.roots(node, customer=customer) == tuple(Root(*r) for r in expected)


def test_roots_give_the_first_reason() -> None:
    """A root that is declared twice gives feeds before starts before source."""
    model = ServiceModel(
        roles=[Role(id="clerk", starts=True, serves=["back"]), Role(id="back")],
        touchpoints=[Touchpoint(id="desk", role="clerk", feeds=["back"])],
    )
    assert model.chain.roots("back") == (Root("clerk", "feeds", 1),)
    assert model.chain.roots("desk") == (Root("clerk", "feeds", 1),)


# --- critical --------------------------------------------------------------------------------


@SETTINGS
@given(model=reference.models())
def test_critical_follows_spec_by_removing_each_node(model: ServiceModel) -> None:
    """critical equals SPEC's words: remove each node, recompute served, in distance order."""
    chain = model.chain
    for customer in reference.scopes(model):
        graph = reference.customer_graph(model, customer)
        for node in sorted(graph):
            assert chain.critical(node, customer=customer) == reference.critical(
                model, graph, node
            ), (customer, node)


def without_required(model: ServiceModel) -> ServiceModel:
    """The same model with no hand-off required."""
    import attrs

    roles = [
        attrs.evolve(r, serves=[attrs.evolve(h, required=False) for h in r.serves])
        for r in model.roles.values()
    ]
    return attrs.evolve(model, roles=roles)


@SETTINGS
@given(model=reference.models().map(without_required))
def test_critical_without_required_is_networkx_dominators(model: ServiceModel) -> None:
    """With nothing required, critical is networkx's immediate dominators from a virtual root
    joined to the roots, idom outwards; the networkx backend agrees."""
    chain = model.chain
    for customer in reference.scopes(model):
        graph = reference.customer_graph(model, customer)
        for node in sorted(graph):
            expected = reference.dominators(model, graph, node)
            assert chain.critical(node, customer=customer) == expected, (customer, node)
            assert chain.critical(node, customer=customer, backend="networkx") == expected
            assert expected == reference.critical(model, graph, node)


@SETTINGS
@given(model=reference.models())
def test_critical_of_all_equals_critical(model: ServiceModel) -> None:
    """The bulk answer holds the same set for every touchpoint of every chain."""
    chain = model.chain
    for customer in reference.scopes(model):
        everything = chain.critical_of_all(customer=customer)
        graph = reference.customer_graph(model, customer)
        assert sorted(everything) == sorted(
            n for n in graph if graph.nodes[n]["kind"] == "touchpoint"
        )
        for touchpoint, found in everything.items():
            assert found == set(chain.critical(touchpoint, customer=customer))


def incident(*, declared: bool = True) -> ServiceModel:
    """An incident process: a standby deputy, a status page needing draft and approval."""
    return ServiceModel(
        customers=[Customer(id="user")],
        roles=[
            Role(id="on-call", starts=declared, serves=["commander"]),
            Role(id="deputy", serves=["commander"]),
            Role(
                id="commander",
                serves=["fixer", "on-call", Handoff(to="publisher", required=True)],
            ),
            Role(id="liaison", serves=[Handoff(to="publisher", required=True)]),
            Role(id="fixer", serves=["commander"]),
            Role(id="publisher"),
        ],
        touchpoints=[
            Touchpoint(id="reports", role="liaison", customers=["user"], feeds=["liaison"]),
            Touchpoint(id="status", role="publisher", customers=["user"]),
        ],
    )


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ("status", ("publisher", "commander", "liaison")),
        ("fixer", ("commander",)),
        ("reports", ("liaison",)),
        ("liaison", ()),
        ("on-call", ()),
    ],
    ids=["both-needed", "standby-deputy-not-critical", "feeds", "declared", "starts"],
)
def test_critical_on_an_incident(node: str, expected: tuple[str, ...]) -> None:
    """The deputy is critical for nothing; both draft and approval are needed."""
    assert incident().chain.critical(node) == expected


def test_undeclared_starts_fall_back_to_revision_1s_guess() -> None:
    """Without starts, the deputy (the only source) is taken for where all work starts."""
    assert incident(declared=False).chain.critical("fixer") == ("commander", "deputy")
    assert incident(declared=False).chain.roots("fixer") == (Root("deputy", "source", 2),)


def test_a_root_still_waits_for_its_required_inputs() -> None:
    """A declared root with a required hand-off is served only once its giver is."""
    model = ServiceModel(
        roles=[
            Role(id="boss", starts=True, serves=[Handoff(to="clerk", required=True)]),
            Role(id="clerk", starts=True, serves=["typist"]),
            Role(id="typist"),
        ],
    )
    assert model.chain.critical("typist") == ("clerk", "boss")
    assert model.chain.critical("clerk") == ()


def test_backend_refuses_required_hand_offs() -> None:
    """critical with a backend needs a chain without required hand-offs."""
    with pytest.raises(UsageError, match="without required hand-offs"):
        incident().chain.critical("status", backend="networkx")


def test_never_served_finds_a_role_waiting_for_itself() -> None:
    """A required approval whose giver is only reached through its receiver is never served."""
    model = ServiceModel(
        customers=[Customer(id="a"), Customer(id="b")],
        roles=[
            Role(id="monitor", serves=["liaison"]),
            Role(id="liaison", starts=True, serves=["commander"]),
            Role(id="commander", serves=[Handoff(to="liaison", required=True)]),
            Role(id="clerk", starts=True, serves=[Handoff(to="typist", required=True, for_=["a"])]),
            Role(id="typist"),
        ],
    )
    assert model.chain.never_served() == (("commander", "liaison"),)
    assert incident().chain.never_served() == ()


# --- trace -----------------------------------------------------------------------------------


def assert_trace(model: ServiceModel, touchpoint: str, category: str | None, customer: str | None):  # type: ignore[no-untyped-def]
    """trace gives the reference's suspects, values alike, in SPEC's order."""
    found = model.chain.trace(touchpoint, category, customer=customer)
    expected = reference.trace(model, touchpoint, category, customer)
    assert sorted(
        (s.role, s.receiver or "", s.fail_point, s.category, s.distance) for s in found
    ) == sorted((r, rc or "", fp, c, d) for r, rc, fp, c, _, _, _, d in expected)
    values = {row[2]: row for row in expected}
    for s in found:
        _, _, _, _, rate, chance, score, _ = values[s.fail_point]
        assert s.rate == rate
        assert s.escape == pytest.approx(chance, rel=1e-12)
        if score is None:
            assert s.score is None
        else:
            assert s.score == pytest.approx(score, rel=1e-12)
    keys = [reference.order_key(values[s.fail_point]) for s in found]
    assert keys == sorted(keys)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=reference.models(max_roles=5), category=st.none() | st.sampled_from(["stain"]))
def test_trace_follows_spec_over_simple_paths(model: ServiceModel, category: str | None) -> None:
    """trace equals the reference for every touchpoint of every customer's chain."""
    if category is not None and category not in model.chain.categories:
        return
    for customer in reference.scopes(model):
        graph = reference.customer_graph(model, customer)
        for touchpoint in sorted(n for n in graph if graph.nodes[n]["kind"] == "touchpoint"):
            assert_trace(model, touchpoint, category, customer)


def clinic() -> ServiceModel:
    """Check-in feeds the nurse; insurance details are captured at check-in."""
    return ServiceModel(
        roles=[
            Role(
                id="receptionist",
                serves=[
                    Handoff(
                        to="nurse",
                        fail_points=[
                            FailPoint(id="wrong-chart", category="records"),
                        ],
                    )
                ],
            ),
            Role(id="nurse", catches={"records": 0.5}, serves=["doctor"]),
            Role(id="doctor"),
            Role(id="billing"),
        ],
        touchpoints=[
            Touchpoint(
                id="check-in",
                role="receptionist",
                feeds=["nurse", "billing"],
                fail_points=[
                    FailPoint(id="wrong-insurance", category="billing", shows_at=["check-in"]),
                    FailPoint(id="wrong-name", category="records", rate=0.02),
                ],
            ),
            Touchpoint(id="appointment", role="doctor"),
        ],
    )


def test_trace_keeps_unrated_fail_points_and_flows_through_feeds() -> None:
    """Unrated fail points stay with rate and score None; an upstream touchpoint's own fail
    point flows on through its feeds; shows_at keeps a defect where it can show."""
    found = clinic().chain.trace("appointment")
    assert [
        (s.role, s.receiver, s.fail_point, s.rate, s.escape, s.score, s.distance) for s in found
    ] == [
        ("receptionist", "nurse", "wrong-name", 0.02, 0.5, 0.01, 3),
        ("receptionist", "nurse", "wrong-chart", None, 0.5, None, 3),
    ]
    own = clinic().chain.trace("check-in")
    assert [(s.fail_point, s.receiver, s.escape, s.distance) for s in own] == [
        ("wrong-name", None, 1.0, 0),
        ("wrong-insurance", None, 1.0, 0),
    ]


@pytest.mark.parametrize(
    ("category", "match"),
    [("recrods", r"unknown category 'recrods'; did you mean 'records'\?"), ("", "category ''")],
    ids=["typo", "empty"],
)
def test_trace_refuses_an_unknown_category(category: str, match: str) -> None:
    """A category no fail point of the model has is an error with the nearest ones."""
    with pytest.raises(UnknownIdError, match=match):
        clinic().chain.trace("appointment", category)


def test_trace_of_a_known_category_with_no_suspect_here_is_empty() -> None:
    """A category that exists but reaches nothing here gives no suspects."""
    assert clinic().chain.trace("appointment", "billing") == ()


# --- the graph -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mutate",
    [
        lambda g: g.nodes["host"].update(kind="touchpoint"),
        lambda g: g.nodes["host"].__setitem__("kind", "x"),
        lambda g: g.nodes["host"].pop("kind"),
        lambda g: g.nodes["host"].clear(),
        lambda g: g.nodes["host"].setdefault("new", 1),
        lambda g: g.nodes["host"].popitem(),
        lambda g: g.nodes["host"].__delitem__("kind"),
        lambda g: g.nodes["host"].__ior__({"kind": "x"}),
        lambda g: g.edges["agent", "host"].update(required=False),
        lambda g: g.adj["agent"]["host"].__setitem__("kind", "x"),
        lambda g: g.graph.__setitem__("name", "x"),
    ],
    ids=[
        "update",
        "setitem",
        "pop",
        "clear",
        "setdefault",
        "popitem",
        "delitem",
        "ior",
        "edge-update",
        "adjacency",
        "graph-data",
    ],
)
def test_node_and_edge_data_are_read_only(mutate: Any) -> None:
    """Node, edge and graph data cannot be changed through chain.graph."""
    chain = segmented().chain
    before = (dict(chain.graph.nodes["host"]), dict(chain.graph.edges["agent", "host"]))
    with pytest.raises(nx.NetworkXError, match="read-only"):
        mutate(chain.graph)
    after = (dict(chain.graph.nodes["host"]), dict(chain.graph.edges["agent", "host"]))
    assert after == before


def test_copies_of_the_graph_are_writable() -> None:
    """A copy of the graph, or of its data, is a plain graph anyone may change."""
    import pickle

    chain = segmented().chain
    copy = chain.graph.copy()
    copy.nodes["host"]["kind"] = "x"
    copy.add_edge("a", "b")
    data = chain.graph.nodes["host"].copy()
    data["kind"] = "x"
    assert type(pickle.loads(pickle.dumps(chain.graph.nodes["host"]))) is dict
    assert chain.graph.nodes["host"]["kind"] == "role"


# --- revision 1's answers where nothing is declared ------------------------------------------


def revision_1_critical(graph: nx.DiGraph, node: str) -> tuple[str, ...]:
    """Revision 1's critical, as it was specified: dominators in the upstream subgraph from a
    virtual source joined to every node (other than ``node``) of each source component."""
    upstream = nx.ancestors(graph, node)
    sub = graph.subgraph(upstream | {node})
    condensed = nx.condensation(sub)
    flow = nx.DiGraph(sub.edges)
    flow.add_nodes_from(sub)
    flow.add_node(reference.VIRTUAL)
    for c in condensed:
        if condensed.in_degree(c) == 0:
            flow.add_edges_from(
                (reference.VIRTUAL, m) for m in condensed.nodes[c]["members"] if m != node
            )
    idom = nx.immediate_dominators(flow, reference.VIRTUAL)
    found = []
    current = idom.get(node, reference.VIRTUAL)
    while current != reference.VIRTUAL:
        found.append(current)
        current = idom[current]
    return tuple(found)


def revision_1(model: ServiceModel) -> ServiceModel:
    """The model as revision 1 could write it: no feeds, no starts, nothing required."""
    import attrs

    roles = [
        attrs.evolve(r, starts=False, serves=[attrs.evolve(h, required=False) for h in r.serves])
        for r in model.roles.values()
    ]
    touchpoints = [attrs.evolve(t, feeds=()) for t in model.touchpoints.values()]
    return attrs.evolve(model, roles=roles, touchpoints=touchpoints)


@SETTINGS
@given(model=reference.models().map(revision_1))
def test_a_revision_1_model_gets_revision_1_critical_answers(model: ServiceModel) -> None:
    """With no feeds, no starts and nothing required, critical is what revision 1 answered."""
    chain = model.chain
    for node in sorted(chain.graph):
        assert chain.critical(node) == revision_1_critical(chain.graph, node), node


def test_read_only_data_is_writable_until_sealed() -> None:
    """Node and edge data are ordinary dicts while the graph is built, then sealed."""
    from servicekit.chain.graph import ReadOnlyData

    data = ReadOnlyData(kind="role")
    data["entity"] = 1
    data.update(a=1)
    data |= {"b": 2}
    assert data.setdefault("c", 3) == 3
    assert data.pop("c") == 3
    del data["b"]
    assert data.popitem() == ("a", 1)
    data.seal()
    with pytest.raises(nx.NetworkXError, match="read-only"):
        data["kind"] = "x"
    assert dict(data) == {"kind": "role", "entity": 1}
    data2 = ReadOnlyData(x=1)
    data2.clear()
    assert data2 == {}


def test_view_is_the_customers_chain() -> None:
    """chain.view(customer) is a networkx view of that customer's chain."""
    chain = segmented().chain
    view = chain.view("investor")
    assert sorted(view.nodes) == ["agent", "email", "host", "investor", "mailer", "office"]
    assert set(view.edges) == {
        ("agent", "mailer"),
        ("agent", "office"),
        ("mailer", "email"),
        ("email", "investor"),
        ("office", "investor"),
    }
    assert chain.view() is chain.graph
    assert nx.has_path(view, "agent", "investor")
