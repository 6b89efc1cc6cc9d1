"""Tests for servicekit.diagram: service-blueprint diagrams in Mermaid and DOT."""

from __future__ import annotations

import re

import pytest

import servicekit
from servicekit import (
    Customer,
    FailPoint,
    Handoff,
    Role,
    ServiceModel,
    Touchpoint,
    UnknownIdError,
)
from servicekit.render.diagram import blueprint, to_dot, to_mermaid

BOTH = pytest.mark.parametrize("draw", [to_mermaid, to_dot], ids=["mermaid", "dot"])


def _kiosk(**extra: object) -> ServiceModel:
    """A three-role kiosk: roaster -> barista -> runner, who serves at the counter."""
    return ServiceModel(
        name="Kiosk",
        customers=[Customer(id="guest", name="Guest")],
        roles=[
            Role(
                id="roaster",
                serves=[
                    Handoff(
                        to="barista",
                        item="beans",
                        fail_points=[FailPoint(id="stale", category="taste", rate=0.005)],
                    )
                ],
            ),
            Role(id="barista", serves=[Handoff(to="runner", item="cup")]),
            Role(id="runner", name="Runner"),
        ],
        touchpoints=[Touchpoint(id="counter", role="runner", customers=["guest"])],
        **extra,  # type: ignore[arg-type]
    )


def test_lanes_follow_the_blueprint_from_customers_to_back_office(example: ServiceModel) -> None:
    """Lanes go customers, touchpoints, front line, back office; nodes keep model order."""
    plan = blueprint(example.chain)
    assert [lane.key for lane in plan.lanes] == [
        "customers",
        "touchpoints",
        "front_line",
        "back_office",
    ]
    assert plan.lanes[2].nodes == ("counter-clerk", "cashier")
    assert plan.lanes[3].nodes[:3] == ("tagger", "spotter", "cleaner")
    assert plan.labels["pickup"] == "Pickup at the counter"


def test_every_edge_of_the_chain_is_drawn_once(example: ServiceModel) -> None:
    """Without a focus the blueprint has exactly the chain's edges, hand-offs first."""
    plan = blueprint(example.chain)
    drawn = [(e.source, e.target) for e in plan.edges]
    assert sorted(drawn) == sorted(example.chain.graph.edges)
    kinds = [e.kind for e in plan.edges]
    assert kinds == sorted(kinds, key=["handoff", "feeds", "serves", "customer"].index)


def test_handoff_labels_name_items_and_fail_points(example: ServiceModel) -> None:
    """A hand-off edge carries its item and each fail point with its rate."""
    plan = blueprint(example.chain)
    edge = next(e for e in plan.edges if (e.source, e.target) == ("spotter", "cleaner"))
    assert edge.label == "pre-treated garment"
    assert edge.fail_points == ("missed-stain (4%)",)


@pytest.mark.parametrize(
    ("focus", "depth", "expected"),
    [
        ("cleaner", 1, {"spotter", "cleaner", "presser"}),
        ("pickup", 1, {"cashier", "pickup", "walk-in", "bride"}),
        ("walk-in", 2, {"walk-in", "drop-off", "pickup", "counter-clerk", "cashier"}),
    ],
    ids=["role", "touchpoint", "customer"],
)
def test_focus_keeps_nodes_within_depth(
    example: ServiceModel, focus: str, depth: int | None, expected: set[str]
) -> None:
    """A focus keeps the node and what lies within depth hops up- or downstream."""
    plan = blueprint(example.chain, focus=focus, depth=depth)
    assert set(plan.labels) == expected
    assert all(e.source in expected and e.target in expected for e in plan.edges)


def test_focus_on_an_isolated_node_draws_it_alone() -> None:
    """A node with no edges, in focus, is drawn alone in its lane."""
    model = ServiceModel(
        roles=[
            Role(id="owner"),
            Role(id="clerk", serves=[Handoff(to="runner")]),
            Role(id="runner"),
        ]
    )
    plan = blueprint(model.chain, focus="owner")
    assert [(lane.key, lane.nodes) for lane in plan.lanes] == [("back_office", ("owner",))]
    assert plan.edges == ()


def test_focus_without_depth_keeps_everything_connected(example: ServiceModel) -> None:
    """With no depth, a focus keeps every node it reaches or is reached from."""
    plan = blueprint(example.chain, focus="tagger")
    assert "walk-in" in plan.labels
    assert "owner" not in plan.labels


@BOTH
def test_unknown_focus_raises_with_a_suggestion(example: ServiceModel, draw: object) -> None:
    """An unknown focus is an UnknownIdError naming the nearest ids."""
    with pytest.raises(UnknownIdError, match="did you mean 'pickup'"):
        draw(example.chain, focus="pikcup")  # type: ignore[operator]


@BOTH
def test_depth_without_focus_is_refused(example: ServiceModel, draw: object) -> None:
    """A depth with nothing to count from is a ValueError, not a silent guess."""
    with pytest.raises(ValueError, match="needs focus=NODE"):
        draw(example.chain, depth=2)  # type: ignore[operator]


@BOTH
def test_negative_depth_is_refused(example: ServiceModel, draw: object) -> None:
    """A negative depth is refused by the chain's own check."""
    with pytest.raises(ValueError, match="depth must be"):
        draw(example.chain, focus="pickup", depth=-1)  # type: ignore[operator]


def test_mermaid_draws_lanes_as_nested_subgraphs(example: ServiceModel) -> None:
    """Mermaid nests touchpoints and front line in a front stage above the back office."""
    text = example.chain.to_mermaid()
    heads = re.findall(r"^\s*subgraph (\w+)", text, flags=re.M)
    assert heads == ["customers", "front_stage", "touchpoints", "front_line", "back_office"]
    assert text.startswith("---\ntitle: Corner Dry Cleaner\n---\nflowchart BT\n")
    assert "style back_office fill:#f9fafb,stroke:#4b5563,stroke-dasharray:6 4" in text
    assert "style front_stage fill:#ffffff" in text
    assert text.count("subgraph") == text.count("\n    end") + text.count("\n        end")


def test_mermaid_marks_fail_points_as_heavy_red_links(example: ServiceModel) -> None:
    """Fail-point hand-offs are ==> arrows, and linkStyle colours exactly those links."""
    text = example.chain.to_mermaid()
    links = [
        line for line in text.splitlines() if re.search(r" (-->|==>|-\.->|---|===|-\.-)", line)
    ]
    heavy = [i for i, line in enumerate(links) if "==>" in line]
    assert [links[i].split()[0] for i in heavy] == [
        "r_tagger",
        "r_spotter",
        "r_presser",
        "r_organizer",
    ]
    style = re.search(r"linkStyle ([\d,]+) stroke:#b91c1c", text)
    assert style is not None
    assert [int(i) for i in style.group(1).split(",")] == heavy


def test_mermaid_shapes_and_feeds(example: ServiceModel) -> None:
    """Customers are stadiums, touchpoints hexagons, roles boxes; feeds are dotted."""
    text = to_mermaid(example.chain)
    assert 'c_walk_in(["Walk-in customer"])' in text
    assert 't_pickup{{"Pickup at the counter"}}' in text
    assert 'r_cashier["Cashier"]' in text
    assert "t_pickup --> c_walk_in" in text


def test_mermaid_draws_work_flowing_back_behind_the_line_downwards(
    example: ServiceModel,
) -> None:
    """Front-to-back edges are written target first, with no arrowhead and a down arrow."""
    text = to_mermaid(example.chain)
    assert 'r_tagger -.-|"↓ feeds"| t_drop_off' in text
    assert 'r_tagger ---|"↓ hand-off"| r_counter_clerk' in text
    model = ServiceModel(
        customers=[Customer(id="guest")],
        roles=[
            Role(
                id="host",
                serves=[
                    Handoff(
                        to="cook",
                        item="order",
                        fail_points=[FailPoint(id="garbled", rate=0.1)],
                    )
                ],
            ),
            Role(id="cook"),
        ],
        touchpoints=[Touchpoint(id="door", role="host", customers=["guest"])],
    )
    text = to_mermaid(model.chain)
    assert 'r_cook ===|"↓ order<br/>fail point: garbled (10%)"| r_host' in text
    assert "linkStyle 0 stroke:#b91c1c" in text


def test_mermaid_focus_is_highlighted(example: ServiceModel) -> None:
    """The focus node gets the focus class and the title says what it is around."""
    text = to_mermaid(example.chain, focus="pickup", depth=1)
    assert "class t_pickup focus" in text
    assert "accTitle: Service blueprint of Corner Dry Cleaner, around pickup" in text
    assert "back_office" not in text
    assert "linkStyle" not in text


@pytest.mark.parametrize(
    ("raw", "escaped", "title"),
    [
        ('say "hi"', "say #quot;hi#quot;", '"say \\"hi\\""'),
        ("a <b> & c", "a #lt;b#gt; #amp; c", '"a <b> & c"'),
        ("50# | `x`", "50#35; #124; #96;x#96;", '"50# | `x`"'),
        ("two\nlines", "two lines", "two lines"),
        (
            "Joe's Cleaners: Main Street",
            "Joe's Cleaners: Main Street",
            '"Joe\'s Cleaners: Main Street"',
        ),
    ],
    ids=["quotes", "html", "mermaid-syntax", "newline", "yaml-syntax"],
)
def test_mermaid_escapes_text_it_would_parse(raw: str, escaped: str, title: str) -> None:
    """Names with Mermaid or HTML syntax are written as entity codes; the title in the
    front matter (YAML) is double-quoted when it would not read back as itself."""
    model = ServiceModel(name=raw, roles=[Role(id="r", name=raw)])
    text = to_mermaid(model.chain)
    assert f'r_r["{escaped}"]' in text
    assert f"title: {title}\n" in text


def test_mermaid_ids_are_safe_and_distinct() -> None:
    """Ids that differ only in punctuation still get distinct Mermaid ids."""
    model = ServiceModel(roles=[Role(id="a-b"), Role(id="a_b"), Role(id="a.b"), Role(id="end")])
    text = to_mermaid(model.chain)
    for safe in ("r_a_b[", "r_a_b_2[", "r_a_b_3[", "r_end["):
        assert safe in text


def test_several_handoffs_between_two_roles_share_one_arrow() -> None:
    """Two hand-offs from one role to another are one arrow naming both items."""
    model = ServiceModel(
        roles=[
            Role(
                id="kitchen",
                serves=[
                    Handoff(to="pass", item="plates"),
                    Handoff(to="pass", item="sauces"),
                ],
            ),
            Role(id="pass"),
        ]
    )
    assert 'r_kitchen -->|"plates; sauces"| r_pass' in to_mermaid(model.chain)
    assert '"kitchen" -> "pass" [label="plates; sauces"];' in to_dot(model.chain)


def test_small_rates_keep_their_digits() -> None:
    """A rate below one percent is shown as such, not rounded to 0%."""
    assert "stale (0.5%)" in to_mermaid(_kiosk().chain)


@BOTH
def test_empty_model_draws_an_empty_diagram(draw: object) -> None:
    """A model with nothing in it still gives a valid, empty diagram."""
    text = draw(ServiceModel().chain)  # type: ignore[operator]
    assert "Service chain" in text
    assert "subgraph" not in text
    assert text.endswith("\n")


def test_dot_lays_out_clusters_and_ranks(example: ServiceModel) -> None:
    """DOT draws clusters per lane, keeps front lanes level and points work upwards."""
    text = example.chain.to_dot()
    assert text.startswith('digraph "Corner Dry Cleaner" {\n    rankdir=BT; newrank=true;\n')
    clusters = re.findall(r"subgraph (cluster_\w+)", text)
    assert clusters == [
        "cluster_customers",
        "cluster_front_stage",
        "cluster_touchpoints",
        "cluster_front_line",
        "cluster_back_office",
    ]
    assert '{rank=same; "counter-clerk"; "cashier";}' in text
    assert "back_office" not in "".join(line for line in text.splitlines() if "rank=same" in line)
    assert text.count("{") == text.count("}")


def test_dot_marks_fail_points_feeds_and_backward_edges(example: ServiceModel) -> None:
    """Fail points are red and heavy, feeds dashed, front-to-back edges leave ranks alone."""
    text = to_dot(example.chain)
    assert (
        '"tagger" -> "spotter" [label="tagged garment\\nfail point: wrong-tag (1%)", '
        'color="#b91c1c", fontcolor="#b91c1c", penwidth=2];'
    ) in text
    assert '"drop-off" -> "tagger" [label="feeds", style=dashed, constraint=false];' in text
    assert '"counter-clerk" -> "tagger" [constraint=false];' in text
    assert '"cashier" -> "pickup";' in text


def test_dot_escapes_quotes_and_backslashes() -> None:
    """Quotes and backslashes in ids, names and items are escaped in DOT strings."""
    model = ServiceModel(
        name='The "Best" Cafe',
        roles=[
            Role(id='a"b', name="back\\slash", serves=[Handoff(to="c", item='x"y')]),
            Role(id="c"),
        ],
    )
    text = to_dot(model.chain)
    assert 'digraph "The \\"Best\\" Cafe" {' in text
    assert '"a\\"b" [label="back\\\\slash", shape=box' in text
    assert '"a\\"b" -> "c" [label="x\\"y"];' in text


def test_dot_focus_has_a_heavy_border(example: ServiceModel) -> None:
    """The focus node is drawn with a heavier pen."""
    text = to_dot(example.chain, focus="cashier", depth=1)
    assert '"cashier" [label="Cashier", shape=box, fillcolor="#dcfce7", penwidth=3];' in text


def test_chain_methods_delegate_to_the_module(example: ServiceModel) -> None:
    """model.chain.to_mermaid / to_dot give the module functions' text."""
    chain = example.chain
    assert chain.to_mermaid(focus="pickup", depth=2) == to_mermaid(chain, focus="pickup", depth=2)
    assert chain.to_dot(focus="pickup") == to_dot(chain, focus="pickup")


def test_front_line_without_back_office() -> None:
    """A model whose only role is front-line has no back-office lane or dashed style."""
    model = ServiceModel(
        customers=[Customer(id="guest")],
        roles=[Role(id="host")],
        touchpoints=[Touchpoint(id="door", role="host", customers=["guest"])],
    )
    text = to_mermaid(model.chain)
    assert "back_office" not in text
    assert "subgraph front_stage" in text


def test_bundled_example_diagram_is_stable() -> None:
    """Drawing the same model twice gives the same text, byte for byte."""
    first = servicekit.load_example().chain.to_mermaid()
    second = servicekit.load_example().chain.to_mermaid()
    assert first == second


# --- revision 2: systems, required hand-offs, unrated and touchpoint fail points -----------


def _agency() -> ServiceModel:
    """A portal (a system) and a required title clearance; an unrated fail point; a touchpoint
    fail point; a hand-off for one customer only."""
    return ServiceModel(
        name="Agency",
        customers=[Customer(id="buyer"), Customer(id="investor")],
        roles=[
            Role(
                id="portal",
                name="Lender's portal",
                kind="system",
                serves=[Handoff(to="clerk", item="funds", required=True, for_=["buyer"])],
            ),
            Role(
                id="conveyancer",
                serves=[
                    Handoff(
                        to="clerk",
                        item="title",
                        required=True,
                        fail_points=[FailPoint(id="missed-search", category="title")],
                    )
                ],
            ),
            Role(id="clerk", serves=["officer"]),
            Role(id="officer"),
        ],
        touchpoints=[
            Touchpoint(
                id="handover",
                role="officer",
                fail_points=[FailPoint(id="no-card", category="occasion", rate=0.1)],
            )
        ],
    )


def test_systems_have_their_own_lane_at_the_bottom() -> None:
    """Systems sit in the support-processes lane, below the back office, as cylinders."""
    plan = blueprint(_agency().chain)
    assert [lane.key for lane in plan.lanes][-1] == "support"
    assert plan.lanes[-1] == ("support", "Support processes: systems", ("portal",))
    mermaid = to_mermaid(_agency().chain)
    assert '    subgraph support["Support processes: systems"]' in mermaid
    assert '        r_portal[("Lender\'s portal")]' in mermaid
    assert "    classDef system fill:#ede9fe,stroke:#6d28d9,color:#1f2937" in mermaid
    assert "classDef system" not in to_mermaid(servicekit.load_example().chain)
    assert '"portal" [label="Lender\'s portal", shape=cylinder' in to_dot(_agency().chain)


def test_required_hand_offs_are_drawn_distinctly() -> None:
    """A required hand-off is labelled required and heavy; a failing one stays red."""
    plan = blueprint(_agency().chain)
    required = {(e.source, e.target) for e in plan.edges if e.required}
    assert required == {("portal", "clerk"), ("conveyancer", "clerk")}
    mermaid = to_mermaid(_agency().chain)
    assert 'r_portal ==>|"required<br/>funds"| r_clerk' in mermaid
    assert 'r_conveyancer ==>|"required<br/>title<br/>fail point: missed-search"| r_clerk' in (
        mermaid
    )
    assert re.search(r"linkStyle \d+ stroke:#6d28d9,stroke-width:3px", mermaid)
    dot = to_dot(_agency().chain)
    assert '"portal" -> "clerk" [label="required\\nfunds", color="#6d28d9"' in dot
    assert "arrowhead=normalnormal" in dot


def test_unrated_fail_points_have_no_rate_and_touchpoints_show_their_own() -> None:
    """An unknown rate is left out of the label, never drawn as 0%; a touchpoint's own fail
    points are lines under its name."""
    plan = blueprint(_agency().chain)
    (title,) = [e for e in plan.edges if e.source == "conveyancer"]
    assert title.fail_points == ("missed-search",)
    assert (plan.labels["handover"], plan.notes["handover"]) == (
        "handover",
        ("fail point: no-card (10%)",),
    )
    assert 't_handover{{"handover<br/>fail point: no-card (10%)"}}' in to_mermaid(_agency().chain)
    assert '"handover" [label="handover\\nfail point: no-card (10%)"' in to_dot(_agency().chain)


def test_a_customers_diagram_draws_their_chain() -> None:
    """customer= draws only that customer's hand-offs and customer node."""
    plan = blueprint(_agency().chain, customer="investor")
    assert ("portal", "clerk") not in {(e.source, e.target) for e in plan.edges}
    assert plan.lanes[0].nodes == ("investor",)
    assert "for investor" in to_mermaid(_agency().chain, customer="investor").splitlines()[4]
    with pytest.raises(UnknownIdError, match="unknown customer 'bayer'"):
        to_dot(_agency().chain, customer="bayer")
