"""Selectors: the grammar, its errors, and evaluation against SPEC's words on networkx."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicekit import (
    Customer,
    Handoff,
    Role,
    SelectorError,
    ServiceModel,
    Touchpoint,
    UnknownIdError,
)
from servicekit.chain.selectors import parse, role_kind

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEPARTMENTS = ("d0", "d1")


# --- generated models ------------------------------------------------------------------------


@st.composite
def models(draw: Any) -> ServiceModel:
    """Small models with rework loops, self-loops, feeds, departments and customer segments."""
    roles = [f"r{i}" for i in range(draw(st.integers(1, 7)))]
    customers = [f"c{i}" for i in range(draw(st.integers(0, 3)))]
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(roles), st.sampled_from(roles)), max_size=2 * len(roles))
    )
    serves: dict[str, list[Handoff]] = {r: [] for r in roles}
    for source, target in pairs:
        serves[source].append(Handoff(to=target))
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
        roles=[
            Role(id=r, serves=serves[r], department=draw(st.sampled_from((*DEPARTMENTS, None))))
            for r in roles
        ],
        touchpoints=touchpoints,
    )


# --- SPEC's words, on plain networkx ------------------------------------------------------------


def customer_graph(model: ServiceModel, customer: str) -> nx.DiGraph:
    """A customer's chain: every role, the touchpoints serving it, and it as the only customer."""
    graph = model.chain.graph
    serving = [
        t.id for t in model.touchpoints.values() if not t.customers or customer in t.customers
    ]
    found = nx.DiGraph(graph.subgraph([*model.roles, *serving, customer]))
    found.add_edges_from((t, customer) for t in serving)
    return found


def within(graph: nx.DiGraph, nodes: set[str], depth: int | None, *, up: bool) -> set[str]:
    """The nodes with a path of at most ``depth`` edges to (up) or from (down) one of ``nodes``."""
    view = graph.reverse(copy=False) if up else graph
    found = set(nodes)
    for node in nodes:
        found |= set(nx.single_source_shortest_path_length(view, node, cutoff=depth))
    return found


def atom(model: ServiceModel, graph: nx.DiGraph, method: str, value: str) -> set[str]:
    if method == "id":
        return {value}
    if method == "department":
        return {r.id for r in model.roles.values() if r.department == value}
    if method == "kind":
        if value in ("role", "person"):
            return set(model.roles)
        if value == "system":
            return set()
        return {n for n in graph if graph.nodes[n]["kind"] == value}
    chain = customer_graph(model, value)
    touchpoints = {n for n in chain if chain.nodes[n]["kind"] == "touchpoint"}
    found = {value} | touchpoints
    for t in touchpoints:
        found |= nx.ancestors(chain, t)
    return found


def term(model: ServiceModel, graph: nx.DiGraph, spec: dict[str, Any]) -> set[str]:
    found = atom(model, graph, spec["method"], spec["value"])
    if spec["at"]:
        below = within(graph, found, None, up=False)
        return within(graph, below, None, up=True)
    selected = set(found)
    if spec["parents"]:
        selected |= within(graph, found, spec["parents_depth"], up=True)
    if spec["children"]:
        selected |= within(graph, found, spec["children_depth"], up=False)
    return selected


def brute_select(
    model: ServiceModel, union: list[list[dict[str, Any]]], customer: str | None = None
) -> set[str]:
    graph = model.chain.graph if customer is None else customer_graph(model, customer)
    selected: set[str] = set()
    for part in union:
        found = term(model, graph, part[0])
        for spec in part[1:]:
            found &= term(model, graph, spec)
        selected |= found
    return selected


def text_of(spec: dict[str, Any]) -> str:
    value = spec["value"] if spec["method"] == "id" else f"{spec['method']}:{spec['value']}"
    if spec["at"]:
        return "@" + value
    before = ""
    if spec["parents"]:
        before = ("" if spec["parents_depth"] is None else str(spec["parents_depth"])) + "+"
    after = ""
    if spec["children"]:
        after = "+" + ("" if spec["children_depth"] is None else str(spec["children_depth"]))
    return before + value + after


@st.composite
def terms(draw: Any, model: ServiceModel, customer: str | None) -> dict[str, Any]:
    graph = model.chain.graph if customer is None else customer_graph(model, customer)
    nodes = sorted(graph)
    options = [("id", n) for n in nodes]
    options += [("department", d) for d in model.departments]
    options += [("kind", k) for k in ("role", "person", "system", "touchpoint", "customer")]
    options += [("customer", c) for c in model.customers if customer in (None, c)]
    method, value = draw(st.sampled_from(options))
    depth = st.one_of(st.none(), st.integers(0, 3))
    at = draw(st.booleans()) and draw(st.booleans())
    parents = not at and draw(st.booleans())
    children = not at and draw(st.booleans())
    return {
        "method": method,
        "value": value,
        "at": at,
        "parents": parents,
        "parents_depth": draw(depth) if parents else None,
        "children": children,
        "children_depth": draw(depth) if children else None,
    }


@st.composite
def selections(draw: Any) -> tuple[ServiceModel, str | None, list[list[dict[str, Any]]]]:
    model = draw(models())
    customer = draw(st.sampled_from([None, *model.customers]))
    union = draw(
        st.lists(st.lists(terms(model, customer), min_size=1, max_size=3), min_size=1, max_size=3)
    )
    return model, customer, union


def order(model: ServiceModel, ids: set[str]) -> tuple[str, ...]:
    rank = {"role": 0, "touchpoint": 1, "customer": 2}
    kinds = model.chain.graph.nodes
    return tuple(sorted(ids, key=lambda n: (rank[kinds[n]["kind"]], n)))


@SETTINGS
@given(selections())
def test_selectors_match_the_spec_on_generated_chains(
    case: tuple[ServiceModel, str | None, list[list[dict[str, Any]]]],
) -> None:
    """Every form, unions and intersections, with or without a customer, as SPEC words them."""
    model, customer, union = case
    text = " ".join(",".join(text_of(spec) for spec in part) for part in union)
    expected = brute_select(model, union, customer)
    assert model.chain.select(text, customer=customer) == order(model, expected)


@SETTINGS
@given(selections(), selections())
def test_exclude_removes_what_it_selects(
    case: tuple[ServiceModel, str | None, list[list[dict[str, Any]]]],
    other: tuple[ServiceModel, str | None, list[list[dict[str, Any]]]],
) -> None:
    """--exclude is a set difference, evaluated on the same chain; several selectors are a union."""
    model, customer, union = case
    texts = [",".join(text_of(spec) for spec in part) for part in union]
    selected = set(model.chain.select(*texts, customer=customer))
    for part in other[2]:
        try:
            excluded = ",".join(text_of(spec) for spec in part)
            removed = set(model.chain.select(excluded, customer=customer))
        except SelectorError:  # names a node this model (or this customer's chain) lacks
            continue
        found = model.chain.select(*texts, exclude=excluded, customer=customer)
        assert found == order(model, selected - removed)


# --- the example and the SPEC's own examples ----------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("pickup", ("pickup",)),
        ("2+pickup", ("cashier", "organizer", "pickup")),
        ("+drop-off", ("counter-clerk", "drop-off")),
        ("organizer+", ("cashier", "organizer", "pickup", "bride", "walk-in")),
        ("presser+1", ("organizer", "presser")),
        ("+tagger+1", ("counter-clerk", "spotter", "tagger", "drop-off")),
        ("@bookkeeper", ("bookkeeper", "owner")),
        ("department:cleaning", ("cleaner", "spotter")),
        ("kind:customer", ("bride", "walk-in")),
        ("kind:system", ()),
        ("2+pickup,department:front-counter", ("cashier",)),
        ("department:intake department:office", ("bookkeeper", "tagger")),
        ('"pickup"', ("pickup",)),
        ("  pickup   drop-off ", ("drop-off", "pickup")),
        ("pickup , kind:touchpoint", ("pickup",)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_selectors_on_the_example(example: ServiceModel, selector: str, expected: tuple) -> None:
    """Each form on the dry cleaner, including SPEC's 2+pickup."""
    assert example.chain.select(selector) == expected


def test_customer_selector_is_its_chain(example: ServiceModel) -> None:
    """customer:bride is the bride, the touchpoints serving her and everything upstream."""
    found = example.chain.select("customer:bride")
    assert found[-1] == "bride"
    assert "walk-in" not in found
    assert set(found) - {"bride"} == set(example.chain.upstream("pickup").ids) - {
        "walk-in",
        "bride",
    } | {"pickup"}


def test_customer_scope_leaves_out_touchpoints_and_customers_of_others() -> None:
    """In a customer's chain, a touchpoint serving others and other customers are errors."""
    model = ServiceModel(
        customers=[Customer(id="a"), Customer(id="b")],
        roles=[Role(id="desk", serves=["back"]), Role(id="back")],
        touchpoints=[
            Touchpoint(id="front", role="back", customers=["a"]),
            Touchpoint(id="any", role="desk"),
            Touchpoint(id="intake", role="desk", customers=["b"], feeds=["back"]),
        ],
    )
    chain = model.chain
    assert chain.select("+a", customer="a") == ("back", "desk", "any", "front", "a")
    assert chain.select("+front") == ("back", "desk", "front", "intake")
    assert chain.select("+front", customer="a") == ("back", "desk", "front")
    with pytest.raises(SelectorError, match="touchpoint 'intake' does not serve customer 'a'"):
        chain.select("intake", customer="a")
    with pytest.raises(SelectorError, match="customer 'b' is not the customer asked about"):
        chain.select("b+", customer="a")
    with pytest.raises(
        SelectorError, match="customer 'b' asked about in the chain of customer 'a'"
    ):
        chain.select("customer:b", customer="a")
    with pytest.raises(UnknownIdError, match="unknown customer 'c'"):
        chain.select("desk", customer="c")


def test_a_depth_counts_edges_like_upstream(example: ServiceModel) -> None:
    """N+x is x with upstream(x, depth=N), x+N x with downstream(x, depth=N)."""
    chain = example.chain
    for node in ("pickup", "spotter", "cleaner"):
        for depth in range(4):
            up = set(chain.select(f"{depth}+{node}"))
            assert up == {node, *chain.upstream(node, depth=depth).ids}
            down = set(chain.select(f"{node}+{depth}"))
            assert down == {node, *chain.downstream(node, depth=depth).ids}


def test_kind_person_and_system_read_the_role_kind() -> None:
    """kind:person is every role whose kind is person (all of them until systems are modelled)."""
    model = ServiceModel(roles=[Role(id="a"), Role(id="b", serves=["a"])])
    assert model.chain.select("kind:person") == ("a", "b")
    assert model.chain.select("kind:system") == ()
    assert role_kind(model.roles["a"]) == "person"


def test_quoted_ids_hold_any_character() -> None:
    """An id or department with spaces, '+', ',' or quotes is written in double quotes."""
    model = ServiceModel(
        roles=[
            Role(id="c++ team", department="front counter", serves=['say "hi"']),
            Role(id='say "hi"', department="front counter"),
        ]
    )
    chain = model.chain
    assert chain.select('"c++ team"+') == ("c++ team", 'say "hi"')
    assert chain.select(r'+"say \"hi\""') == ("c++ team", 'say "hi"')
    assert chain.select('department:"front counter"') == ("c++ team", 'say "hi"')


# --- the grammar and its errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "column", "match"),
    [
        ("2++pickup", 3, "a second '\\+'"),
        ("pickup++", 8, "a second '\\+'"),
        ("+pickup+2+", 10, "a second '\\+'"),
        ("@+pickup", 2, "'\\+' after '@'"),
        ("@pickup+", 8, "'\\+' after an '@' term"),
        ("+@pickup", 2, "'@' inside a term"),
        ("department:", 12, "expected a department after 'department:', found the end"),
        ("department: x", 12, "expected a department after 'department:', found ' '"),
        ("kind:", 6, "expected a kind"),
        ("deprtment:cleaning", 1, "unknown method 'deprtment'.*did you mean 'department'"),
        ("kind:robot", 6, "unknown kind 'robot'"),
        ("kind:rol", 6, "did you mean 'role'"),
        (",pickup", 1, "expected a node before ','"),
        ("pickup,", 8, "expected a node after ',', found the end"),
        ("pickup,,spotter", 8, "expected a node after ',', found ','"),
        ("pickup spotter,", 16, "expected a node after ','"),
        ('""', 1, "an empty quoted id"),
        ('"pickup', 1, "a quote that is never closed"),
        ('pickup"x"', 7, "unexpected '\"'"),
        ("pickup:", 1, "unknown method 'pickup'"),
        (":pickup", 1, "a ':' with no method before it"),
        ("a : b", 3, "a ':' with no method before it"),
        ("+pickup+2x", 10, "unexpected 'x'"),
        ("pickup@", 7, "unexpected '@'"),
        ("2+", 3, "expected a node id or a method after '2\\+', found the end"),
        ("+", 2, "after '\\+'"),
        ("@", 2, "after '@'"),
        ("", 1, "an empty selector"),
        ("   ", 1, "an empty selector"),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else None,
)
def test_malformed_selectors_point_at_the_character(
    example: ServiceModel, selector: str, column: int, match: str
) -> None:
    """Each malformed selector is a SelectorError whose caret sits under the bad character."""
    with pytest.raises(SelectorError, match=match) as caught:
        example.chain.select(selector)
    err = caught.value
    assert err.column == column
    assert err.selector == selector
    echo, caret = str(err).splitlines()[1:]
    assert caret == "  " + " " * (column - 1) + "^"
    assert len(echo) == len(selector) + 2


@pytest.mark.parametrize(
    ("selector", "column", "match"),
    [
        ("pikcup", 1, "unknown node 'pikcup'.*did you mean 'pickup'"),
        ("2+pikcup", 3, "unknown node 'pikcup'"),
        ("spotter,+pikcup", 10, "unknown node 'pikcup'"),
        ("department:cleanng", 12, "unknown department 'cleanng'.*did you mean 'cleaning'"),
        ("customer:brid", 10, "unknown customer 'brid'.*did you mean 'bride'"),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else None,
)
def test_unknown_names_point_at_the_name(
    example: ServiceModel, selector: str, column: int, match: str
) -> None:
    """A selector naming nothing points at the name, with the nearest known ones."""
    with pytest.raises(SelectorError, match=match) as caught:
        example.chain.select(selector)
    assert caught.value.column == column


def test_the_caret_is_shown_under_the_second_plus(example: ServiceModel) -> None:
    """2++pickup: the message, the selector, and a caret under the second '+'."""
    with pytest.raises(SelectorError, match="second") as caught:
        example.chain.select("2++pickup")
    assert str(caught.value).splitlines()[1:] == ["  2++pickup", "    ^"]


def test_tabs_in_a_selector_keep_the_caret_aligned(example: ServiceModel) -> None:
    """Whitespace other than spaces is shown as a space, so the caret stays under its character."""
    with pytest.raises(SelectorError, match="unexpected") as caught:
        example.chain.select("pickup\tx@")
    assert str(caught.value).splitlines()[1:] == ["  pickup x@", "          ^"]


def test_department_error_without_departments() -> None:
    """With no departments at all, the hint says so."""
    model = ServiceModel(roles=[Role(id="a")])
    with pytest.raises(SelectorError, match="no role has a department"):
        model.chain.select("department:x")


def test_selector_errors_survive_pickle_and_copy() -> None:
    """A SelectorError keeps its selector, position, reason and hint through pickle and copy."""
    err = SelectorError("2++pickup", 2, "a second '+'", "write 2+pickup")
    for other in (pickle.loads(pickle.dumps(err)), copy.copy(err)):
        assert isinstance(other, SelectorError)
        assert str(other) == str(err)
        assert (other.selector, other.position, other.hint) == ("2++pickup", 2, "write 2+pickup")


def test_parse_gives_frozen_specs() -> None:
    """A selector parses to frozen criteria: method, value, depths and positions."""
    parsed = parse("2+pickup,department:cleaning @spotter x+3")
    (first, second), (third,), (fourth,) = parsed.union
    assert (first.method, first.value, first.parents, first.parents_depth) == (
        "id",
        "pickup",
        True,
        2,
    )
    assert (second.method, second.value, second.value_at) == ("department", "cleaning", 20)
    assert third.everything
    assert (fourth.children, fourth.children_depth, fourth.start) == (True, 3, 38)
    with pytest.raises(AttributeError, match=r"can.t set attribute"):
        first.value = "other"  # type: ignore[misc]


def test_digits_that_start_an_id_are_not_a_depth() -> None:
    """24h-desk is an id; 24+desk is desk with a depth of 24."""
    model = ServiceModel(roles=[Role(id="24h-desk", serves=["desk"]), Role(id="desk")])
    assert model.chain.select("24h-desk") == ("24h-desk",)
    assert model.chain.select("24+desk") == ("24h-desk", "desk")


def test_a_selector_must_be_text(example: ServiceModel) -> None:
    """Anything but a string is a TypeError, and no selector at all is an error."""
    with pytest.raises(TypeError, match="a selector is a string"):
        parse(7)  # type: ignore[arg-type]
    with pytest.raises(SelectorError, match="an empty selector"):
        example.chain.select()


def test_many_touchpoints_in_an_upstream_walk_are_ordered_by_kind() -> None:
    """A customer served at many counters: roles first, then every touchpoint, by id."""
    counters = [Touchpoint(id=f"t{i:02}", role=f"r{i % 3}", customers=["guest"]) for i in range(12)]
    model = ServiceModel(
        customers=[Customer(id="guest")],
        roles=[Role(id="r0", serves=["r1"]), Role(id="r1"), Role(id="r2")],
        touchpoints=counters,
    )
    expected = ("r0", "r1", "r2", *(f"t{i:02}" for i in range(12)), "guest")
    assert model.chain.select("+guest") == expected
    assert model.chain.select("2+guest") == expected
    assert model.chain.select("1+guest") == expected[3:]
