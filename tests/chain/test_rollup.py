"""Roll-ups: the department graph, checked against networkx's quotient graph."""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicekit import Customer, FailPoint, Handoff, Role, ServiceModel, Touchpoint, UsageError

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def models(draw: Any) -> ServiceModel:
    """Models with departments (some roles without one), repeated hand-offs and fail points."""
    roles = [f"r{i}" for i in range(draw(st.integers(1, 8)))]
    departments = draw(
        st.lists(st.sampled_from(["a", "b", "c", None]), min_size=len(roles), max_size=len(roles))
    )
    pairs = draw(st.lists(st.tuples(st.sampled_from(roles), st.sampled_from(roles)), max_size=14))
    counter = itertools.count()
    serves: dict[str, list[Handoff]] = {r: [] for r in roles}
    for source, target in pairs:
        fail_points = [
            FailPoint(
                id=f"f{next(counter)}", category="x", rate=draw(st.sampled_from([0.0, 0.1, 0.5]))
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        serves[source].append(Handoff(to=target, fail_points=fail_points))
    return ServiceModel(
        customers=[Customer(id="c")],
        roles=[
            Role(id=r, department=d, serves=serves[r])
            for r, d in zip(roles, departments, strict=True)
        ],
        touchpoints=[Touchpoint(id="t", role=roles[0], customers=["c"])],
    )


def blocks(model: ServiceModel) -> dict[str, set[str]]:
    """Department -> its roles; a role without a department is a block of its own."""
    found: dict[str, set[str]] = {}
    for role in model.roles.values():
        found.setdefault(role.department or role.id, set()).add(role.id)
    return found


@SETTINGS
@given(models())
def test_rollup_matches_the_quotient_graph(model: ServiceModel) -> None:
    """Edges between departments, their hand-off counts and fail points, as networkx groups them."""
    graph = model.chain.graph
    roles = graph.subgraph(model.roles)
    partition = blocks(model)
    named = {frozenset(members): name for name, members in partition.items()}

    def handoffs(b: frozenset[str], c: frozenset[str]) -> list[Handoff]:
        return [
            h for u in b for v in c if roles.has_edge(u, v) for h in roles.edges[u, v]["handoffs"]
        ]

    quotient = nx.quotient_graph(
        roles,
        [frozenset(m) for m in partition.values()],
        edge_data=lambda b, c: {"handoffs": handoffs(b, c)},
        relabel=False,
    )
    expected: dict[tuple[str, str], list[Handoff]] = {
        (named[b], named[c]): data["handoffs"] for b, c, data in quotient.edges(data=True)
    }
    for members in map(frozenset, partition.values()):  # the quotient leaves out loops
        inside = handoffs(members, members)
        if inside:
            expected[named[members], named[members]] = inside

    rolled = model.chain.rollup("department")
    assert set(rolled.nodes) == set(partition)
    assert {(u, v) for u, v in rolled.edges} == set(expected)
    for (u, v), found in expected.items():
        data = rolled.edges[u, v]
        assert data["count"] == len(found)
        assert sorted(fp.id for fp in data["fail_points"]) == sorted(
            fp.id for h in found for fp in h.fail_points
        )
        assert data["rates"] == {fp.id: fp.rate for h in found for fp in h.fail_points}
        assert sorted(data["handoffs"]) == sorted(
            (giver, h.to)
            for giver in model.roles
            for h in model.roles[giver].serves
            if (partition_of(model, giver), partition_of(model, h.to)) == (u, v)
        )
    for name, members in partition.items():
        assert set(rolled.nodes[name]["roles"]) == members


def partition_of(model: ServiceModel, role: str) -> str:
    return model.roles[role].department or role


def test_rollup_of_the_example(example: ServiceModel) -> None:
    """The dry cleaner by department: kinds, roles, counts and the re-treat loop inside cleaning."""
    rolled = example.chain.rollup("department")
    assert rolled.nodes["cleaning"] == {"kind": "department", "roles": ("cleaner", "spotter")}
    assert rolled.edges["cleaning", "cleaning"]["count"] == 2
    assert rolled.edges["intake", "cleaning"]["rates"] == {"wrong-tag": 0.01}
    assert rolled.graph["by"] == "department"


def test_a_role_without_department_is_its_own_node() -> None:
    """Named by its role id, or ``ID (role)`` when a department has that name."""
    model = ServiceModel(
        roles=[
            Role(id="kitchen", serves=["cook"]),
            Role(id="cook", department="kitchen", serves=["loner"]),
            Role(id="loner"),
        ]
    )
    rolled = model.chain.rollup()
    assert rolled.nodes["kitchen (role)"] == {"kind": "role", "roles": ("kitchen",)}
    assert rolled.nodes["loner"] == {"kind": "role", "roles": ("loner",)}
    assert list(rolled.edges) == [("kitchen", "loner"), ("kitchen (role)", "kitchen")]


def test_rollup_is_a_new_graph_each_time(example: ServiceModel) -> None:
    """The roll-up belongs to the caller: changing it changes nothing else."""
    first = example.chain.rollup()
    first.add_node("extra")
    assert "extra" not in example.chain.rollup()


def test_rollup_by_something_else_is_refused(example: ServiceModel) -> None:
    """Only departments can be rolled up, with a hint."""
    with pytest.raises(
        UsageError, match="cannot roll up by 'departement'; did you mean 'department'"
    ):
        example.chain.rollup("departement")


def test_rollup_for_a_customer_keeps_its_handoffs(example: ServiceModel) -> None:
    """In a customer's chain every role stays, and so does each hand-off (none has `for` yet)."""
    assert nx.utils.graphs_equal(example.chain.rollup(customer="bride"), example.chain.rollup())
