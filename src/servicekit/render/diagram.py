"""Service-blueprint diagrams of a service chain, as Mermaid or Graphviz DOT text.

A service blueprint stacks an organisation in lanes. At the top are the
customers; below them, on the *front stage*, the touchpoints where they are
served and the front-line roles serving there; then the *line of visibility*;
and behind it the back office, whose work the customer never sees but always
feels; at the bottom the *support processes*: the systems (``kind: system``)
doing work in the chain, a kiosk or a records system. Hand-offs are arrows
labelled with the item handed over; a hand-off with known fail points is drawn
heavy and red, and its label names each fail point with its rate (or with no
rate, when it is not known); a required hand-off is drawn heavy and labelled
``required``. Work flows up, towards the customer; the rare edge that flows
back behind the line (a drop-off feeding the plant) is drawn downwards.

Both functions take the same arguments and draw the same nodes and edges.
``focus`` limits the diagram to a node and everything up- or downstream of it
within ``depth`` hand-offs; ``customer`` draws that customer's chain. ``observed`` (a
``Conformance``, what a hand-off log shows)
overlays the evidence on the design: each hand-off is labelled with how often the
log shows it (``never observed`` when it does not), and each undocumented hand-off
the log shows is drawn as a dashed purple arrow with its count.

Examples
--------
>>> import servicekit
>>> chain = servicekit.load_example().chain
>>> print(to_mermaid(chain, focus="cleaner", depth=1), end="")
---
title: Corner Dry Cleaner
---
flowchart BT
    accTitle: Service blueprint of Corner Dry Cleaner, around cleaner
    subgraph back_office["Back office: behind the line of visibility"]
        r_spotter["Spotter"]
        r_cleaner["Cleaner"]
        r_presser["Presser"]
    end
    r_spotter ==>|"pre-treated garment<br/>fail point: missed-stain (4%)"| r_cleaner
    r_cleaner --> r_spotter
    r_cleaner --> r_presser
    classDef customer fill:#fef3c7,stroke:#b45309,color:#1f2937
    classDef touchpoint fill:#dbeafe,stroke:#1d4ed8,color:#1f2937
    classDef frontline fill:#dcfce7,stroke:#15803d,color:#1f2937
    classDef backoffice fill:#f3f4f6,stroke:#4b5563,color:#1f2937
    classDef focus stroke-width:4px
    class r_spotter,r_cleaner,r_presser backoffice
    class r_cleaner focus
    linkStyle 0 stroke:#b91c1c,stroke-width:3px,color:#b91c1c
    style back_office fill:#f9fafb,stroke:#4b5563,stroke-dasharray:6 4
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from typing import Any, NamedTuple

import networkx as nx

from servicekit._words import listed, plural
from servicekit.chain.service_chain import ServiceChain
from servicekit.errors import UsageError
from servicekit.evidence.conformance import Conformance
from servicekit.model.entities import FailPoint, Handoff
from servicekit.render.rows import percent
from servicekit.render.tables import plain_text

__all__ = [
    "Blueprint",
    "Lane",
    "blueprint",
    "rollup_dot",
    "rollup_mermaid",
    "to_dot",
    "to_mermaid",
]

#: Colours of the lanes (fill, stroke) and of fail-point hand-offs; shared by both formats.
_COLOURS = {
    "customer": ("#fef3c7", "#b45309"),
    "touchpoint": ("#dbeafe", "#1d4ed8"),
    "frontline": ("#dcfce7", "#15803d"),
    "backoffice": ("#f3f4f6", "#4b5563"),
    "system": ("#ede9fe", "#6d28d9"),
}
#: Lane backgrounds (fill, border), paler than the nodes in them.
_LANE_COLOURS = {
    "customers": ("#fffbeb", "#b45309"),
    "touchpoints": ("#eff6ff", "#1d4ed8"),
    "front_line": ("#f0fdf4", "#15803d"),
    "back_office": ("#f9fafb", "#4b5563"),
    "support": ("#f5f3ff", "#6d28d9"),
}
_FAIL = "#b91c1c"
_REQUIRED = "#6d28d9"
_TEXT = "#1f2937"
#: The colour of undocumented hand-offs: observed in a log, absent from the model.
_UNDOCUMENTED = "#7c3aed"


class Lane(NamedTuple):
    """A horizontal band of the blueprint: its key, its title and its node ids, top first."""

    key: str
    title: str
    nodes: tuple[str, ...]


class Edge(NamedTuple):
    """An arrow: its ends, its ``kind`` (as on the chain's edges), label and fail points,
    and whether the hand-off is required.

    ``observed`` is how often a hand-off log shows a hand-off (``None`` without a log);
    an ``undocumented`` edge is one the log shows and the model does not have.
    """

    source: str
    target: str
    kind: str
    label: str
    fail_points: tuple[str, ...]
    required: bool = False
    observed: int | None = None


class Blueprint(NamedTuple):
    """What a diagram draws, independent of its format.

    ``lanes`` go from the customers down to the support processes; ``labels``
    maps each node id to the text shown in its box, ``notes`` to more lines under
    it; ``edges`` are in a stable order.
    """

    title: str
    focus: str | None
    lanes: tuple[Lane, ...]
    labels: dict[str, str]
    edges: tuple[Edge, ...]
    #: Lines shown under a node's label: a touchpoint's own fail points.
    notes: dict[str, tuple[str, ...]]


_LANES = (
    ("customers", "Customers"),
    ("touchpoints", "Touchpoints"),
    ("front_line", "Front-line roles"),
    ("back_office", "Back office: behind the line of visibility"),
    ("support", "Support processes: systems"),
)
#: The lanes that make up the front stage, seen by customers.
_FRONT_STAGE = ("touchpoints", "front_line")
#: Edges are listed hand-offs first, then the front stage, then the customers.
_EDGE_ORDER = {"handoff": 0, "undocumented": 0, "feeds": 1, "serves": 2, "customer": 3}
_LANE_CLASS = {
    "customers": "customer",
    "touchpoints": "touchpoint",
    "front_line": "frontline",
    "back_office": "backoffice",
    "support": "system",
}


def _fail_point_label(fail_point: FailPoint) -> str:
    """``id (4%)``, or the bare id when the rate is unknown."""
    if fail_point.rate is None:
        return fail_point.id
    return f"{fail_point.id} ({percent(fail_point.rate)})"


def _handoff_label(handoffs: tuple[Handoff, ...]) -> tuple[str, tuple[str, ...]]:
    items = [h.item for h in handoffs if h.item]
    fail_points = tuple(_fail_point_label(fp) for h in handoffs for fp in h.fail_points)
    return "; ".join(items), fail_points


def blueprint(
    chain: ServiceChain,
    *,
    focus: str | None = None,
    depth: int | None = None,
    select: Collection[str] | None = None,
    customer: str | None = None,
    observed: Conformance | None = None,
) -> Blueprint:
    """The lanes, labels and edges of ``chain``'s blueprint, limited to ``focus`` when given.

    Parameters
    ----------
    chain : ServiceChain
        The chain to draw.
    focus : str, optional
        A node id; only it and the nodes within ``depth`` hops up- or
        downstream of it are drawn.
    depth : int, optional
        How many hops from ``focus`` to draw; every hop when ``None``. Needs
        ``focus``.
    select : collection of str, optional
        Only these nodes (a selection, see ``ServiceChain.select()``) and the
        edges between them; with ``focus``, the nodes both keep.
    customer : str, optional
        Draw this customer's chain: the hand-offs for them, the touchpoints serving them.
    observed : Conformance, optional
        What a hand-off log shows: each hand-off then carries its observed count,
        and the undocumented hand-offs are added as edges of kind ``undocumented``.

    Raises
    ------
    UnknownIdError
        When ``focus`` (or ``customer``) names no node of the chain.
    ValueError
        When ``depth`` is given without ``focus``, or is not a whole number >= 0.

    Examples
    --------
    >>> import servicekit
    >>> plan = blueprint(servicekit.load_example().chain, focus="pickup", depth=1)
    >>> for lane in plan.lanes:
    ...     print(lane.key, lane.nodes)
    customers ('walk-in', 'bride')
    touchpoints ('pickup',)
    front_line ('cashier',)
    """
    model = chain.model
    view = chain.view(customer)
    if focus is None:
        if depth is not None:
            raise UsageError(f"depth={depth!r} needs focus=NODE: the node to count hand-offs from")
        keep: set[str] | Any = view
    else:
        upstream = chain.upstream(focus, depth, customer=customer).ids  # checks focus
        keep = {focus, *upstream}
        keep.update(chain.downstream(focus, depth, customer=customer).ids)
    if select is not None:
        keep = set(keep) & set(select)

    def kept(ids: Iterator[str]) -> tuple[str, ...]:
        return tuple(i for i in ids if i in keep)

    front_line = model.front_line
    roles = model.roles
    members = {
        "customers": kept(iter(model.customers)),
        "touchpoints": kept(iter(model.touchpoints)),
        "front_line": kept(r for r in roles if r in front_line and not roles[r].is_system),
        "back_office": kept(r for r in roles if r not in front_line and not roles[r].is_system),
        "support": kept(r for r in roles if roles[r].is_system),
    }
    lanes = tuple(Lane(key, title, members[key]) for key, title in _LANES if members[key])
    labels: dict[str, str] = {}
    notes: dict[str, tuple[str, ...]] = {}
    for lane in lanes:
        for node in lane.nodes:
            entity = chain.graph.nodes[node]["entity"]
            labels[node] = entity.label
            if lane.key == "touchpoints" and entity.fail_points:
                # A touchpoint's own fail points: one more line each, under its name.
                notes[node] = tuple(
                    f"fail point: {_fail_point_label(fp)}" for fp in entity.fail_points
                )
    order = {node: i for i, node in enumerate(labels)}
    counts = _observed_counts(observed)
    edges: list[Edge] = []
    for source, target, data in view.edges(data=True):
        if source not in order or target not in order:
            continue
        kind = data["kind"]
        label = ""
        fail_points: tuple[str, ...] = ()
        required = False
        seen: int | None = None
        if kind == "handoff":
            handoffs = tuple(h for h in data["handoffs"] if h.admits(customer))
            label, fail_points = _handoff_label(handoffs)
            required = any(h.required for h in handoffs)
            if counts is not None:
                seen = counts.get((source, target), 0)
        elif kind == "feeds":
            label = "feeds"
        edges.append(Edge(source, target, kind, label, fail_points, required, seen))
    if observed is not None:
        for handoff in observed.undocumented:
            if handoff.from_ in order and handoff.to in order:
                edges.append(
                    Edge(handoff.from_, handoff.to, "undocumented", "", (), observed=handoff.count)
                )
    edges.sort(key=lambda e: (_EDGE_ORDER[e.kind], order[e.source], order[e.target]))
    return Blueprint(model.name, focus, lanes, labels, tuple(edges), notes)


def _observed_counts(observed: Conformance | None) -> dict[tuple[str, str], int] | None:
    """(giver, receiver) -> how often the log shows the hand-off; ``None`` without a log."""
    if observed is None:
        return None
    return {(h.from_, h.to): h.count for h in (*observed.designed, *observed.undocumented)}


def _observed_label(edge: Edge) -> str | None:
    """What an edge says of the log: ``observed 12x``, ``never observed``, ``undocumented``."""
    if edge.observed is None:
        return None
    if edge.kind == "undocumented":
        return f"undocumented: observed {edge.observed}x"
    return f"observed {edge.observed}x" if edge.observed else "never observed"


# --- Mermaid ---------------------------------------------------------------------------------

_MERMAID_ESCAPES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "|": "#124;",
    "`": "#96;",
}
_MERMAID_SPECIAL = re.compile("[" + re.escape("".join(_MERMAID_ESCAPES)) + "]")


def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: on one line, control characters escaped,
    entity codes for the characters Mermaid parses."""
    text = " ".join(plain_text(text).split())
    return _MERMAID_SPECIAL.sub(lambda m: _MERMAID_ESCAPES[m.group()], text)


#: A title Mermaid's front matter (YAML) reads as it is, without quotes.
_PLAIN_TITLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._()/+-]*")


def _front_matter_title(text: str) -> str:
    """A title as a YAML value of Mermaid's front matter: plain when it reads back as the
    same text, else double-quoted (``Joe's Cleaners: Main Street`` would break YAML).

    Examples
    --------
    >>> print(_front_matter_title("Corner Dry Cleaner"), _front_matter_title("Joe's: #1"))
    Corner Dry Cleaner "Joe's: #1"
    """
    text = " ".join(plain_text(text).split())
    if _PLAIN_TITLE.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _mermaid_label(plan: Blueprint, node: str) -> str:
    """A node's label for Mermaid, its notes under it: each line escaped, joined by ``<br/>``."""
    lines = (plan.labels[node], *plan.notes.get(node, ()))
    return "<br/>".join(_mermaid_text(line) for line in lines)


#: Mermaid arrows, and lines with no arrowhead, for plain, fail-point and feeds edges.
_MERMAID_ARROWS = {"plain": "-->", "thick": "==>", "dotted": "-.->"}
_MERMAID_LINES = {"plain": "---", "thick": "===", "dotted": "-.-"}


def _mermaid_ids(plan: Blueprint) -> dict[str, str]:
    """A Mermaid-safe id for each node: a kind prefix and the id's letters and digits."""
    prefix = {
        "customers": "c_",
        "touchpoints": "t_",
        "front_line": "r_",
        "back_office": "r_",
        "support": "r_",
    }
    ids: dict[str, str] = {}
    used: set[str] = set()
    for lane in plan.lanes:
        for node in lane.nodes:
            base = prefix[lane.key] + re.sub(r"[^0-9A-Za-z]+", "_", node).strip("_")
            safe, n = base, 1
            while safe in used:
                n += 1
                safe = f"{base}_{n}"
            used.add(safe)
            ids[node] = safe
    return ids


def to_mermaid(
    chain: ServiceChain,
    *,
    focus: str | None = None,
    depth: int | None = None,
    select: Collection[str] | None = None,
    customer: str | None = None,
    observed: Conformance | None = None,
) -> str:
    """The chain as a Mermaid flowchart laid out like a service blueprint.

    Customers sit at the top, then touchpoints and front-line roles (the front
    stage), then the back office behind a dashed line of visibility. Hand-offs
    point up towards the customer and are labelled with their items; hand-offs
    with fail points are heavy red arrows naming each fail point and its rate.
    The ``focus`` node, when given, has a heavy border.

    Parameters
    ----------
    chain : ServiceChain
        The chain to draw.
    focus : str, optional
        Draw only this node and the nodes within ``depth`` hops up- or downstream.
    depth : int, optional
        The hops from ``focus`` to keep; all of them when ``None``.
    select : collection of str, optional
        Draw only these nodes (a selection) and the edges between them.
    observed : Conformance, optional
        What a hand-off log shows (``model.conformance(log)``): hand-offs are labelled
        with their observed counts, undocumented ones drawn as dashed purple arrows.

    Returns
    -------
    str
        Mermaid source, ending with a newline.

    Raises
    ------
    UnknownIdError
        When ``focus`` names no node of the chain.
    ValueError
        When ``depth`` is given without ``focus``.

    Examples
    --------
    >>> import servicekit
    >>> text = to_mermaid(servicekit.load_example().chain)
    >>> text.splitlines()[3]
    'flowchart BT'
    >>> 'r_tagger ==>|"tagged garment<br/>fail point: wrong-tag (1%)"| r_spotter' in text
    True
    """
    plan = blueprint(
        chain, focus=focus, depth=depth, select=select, customer=customer, observed=observed
    )
    ids = _mermaid_ids(plan)
    shapes = {
        "customers": '(["{}"])',
        "touchpoints": '{{{{"{}"}}}}',
        "front_line": '["{}"]',
        "back_office": '["{}"]',
        "support": '[("{}")]',
    }
    about = f", around {focus}" if focus is not None else ""
    if customer is not None:
        about += f", for {customer}"
    lines = [
        "---",
        f"title: {_front_matter_title(plan.title or 'Service chain')}",
        "---",
        "flowchart BT",
        f"    accTitle: Service blueprint of {_mermaid_text(plan.title or 'a service chain')}"
        + _mermaid_text(about),
    ]

    def lane_lines(lane: Lane, indent: str) -> list[str]:
        out = [f'{indent}subgraph {lane.key}["{_mermaid_text(lane.title)}"]']
        shape = shapes[lane.key]
        out.extend(
            f"{indent}    {ids[n]}{shape.format(_mermaid_label(plan, n))}" for n in lane.nodes
        )
        out.append(f"{indent}end")
        return out

    front = [lane for lane in plan.lanes if lane.key in _FRONT_STAGE]
    for lane in plan.lanes:
        if lane.key in _FRONT_STAGE:
            if lane is front[0]:
                lines.append('    subgraph front_stage["Front stage: seen by customers"]')
                for inner in front:
                    lines.extend(lane_lines(inner, "        "))
                lines.append("    end")
        else:
            lines.extend(lane_lines(lane, "    "))

    lane_of = {node: i for i, lane in enumerate(plan.lanes) for node in lane.nodes}
    failing: list[int] = []
    required: list[int] = []
    undocumented: list[int] = []
    for index, edge in enumerate(plan.edges):
        parts = ["required"] if edge.required else []
        parts += [_mermaid_text(edge.label)] if edge.label else []
        parts.extend(f"fail point: {_mermaid_text(fp)}" for fp in edge.fail_points)
        seen = _observed_label(edge)
        if seen is not None:
            parts.append(seen)
        if edge.fail_points:
            failing.append(index)
        elif edge.required:
            required.append(index)
        if edge.kind == "undocumented":
            undocumented.append(index)
        style = (
            "thick"
            if edge.fail_points or edge.required
            else "dotted"
            if edge.kind in ("feeds", "undocumented")
            else "plain"
        )
        source, target = ids[edge.source], ids[edge.target]
        if lane_of[edge.source] < lane_of[edge.target]:
            # Work flowing from the front stage back behind the line (a drop-off that
            # feeds the plant) would pull the front lanes down, and Mermaid has no
            # backward arrowhead: draw the line the other way, its direction in the label.
            source, target = target, source
            parts = [
                f"↓ {parts[0]}" if parts else f"↓ {edge.kind.replace('handoff', 'hand-off')}",
                *parts[1:],
            ]
            arrow = _MERMAID_LINES[style]
        else:
            arrow = _MERMAID_ARROWS[style]
        label = f'|"{"<br/>".join(parts)}"|' if parts else ""
        lines.append(f"    {source} {arrow}{label} {target}")

    drawn = {_LANE_CLASS[lane.key] for lane in plan.lanes}
    for css, (fill, stroke) in _COLOURS.items():
        if css != "system" or css in drawn:
            lines.append(f"    classDef {css} fill:{fill},stroke:{stroke},color:{_TEXT}")
    lines.append("    classDef focus stroke-width:4px")
    for lane in plan.lanes:
        lines.append(f"    class {','.join(ids[n] for n in lane.nodes)} {_LANE_CLASS[lane.key]}")
    if focus is not None:
        lines.append(f"    class {ids[focus]} focus")
    if failing:
        lines.append(
            f"    linkStyle {','.join(map(str, failing))} "
            f"stroke:{_FAIL},stroke-width:3px,color:{_FAIL}"
        )
    if required:
        lines.append(
            f"    linkStyle {','.join(map(str, required))} "
            f"stroke:{_REQUIRED},stroke-width:3px,color:{_REQUIRED}"
        )
    if undocumented:
        lines.append(
            f"    linkStyle {','.join(map(str, undocumented))} "
            f"stroke:{_UNDOCUMENTED},stroke-width:2px,stroke-dasharray:6 4,color:{_UNDOCUMENTED}"
        )
    for lane in plan.lanes:
        fill, stroke = _LANE_COLOURS[lane.key]
        dashed = ",stroke-dasharray:6 4" if lane.key == "back_office" else ""
        lines.append(f"    style {lane.key} fill:{fill},stroke:{stroke}{dashed}")
    if front:
        lines.append(f"    style front_stage fill:#ffffff,stroke:{_TEXT}")
    return "\n".join(lines) + "\n"


# --- Graphviz DOT ----------------------------------------------------------------------------


def _dot_string(text: str) -> str:
    """A double-quoted DOT string; line breaks in ``text`` become spaces, and control
    characters show escaped."""
    return '"' + _dot_text(text) + '"'


def _dot_text(text: str) -> str:
    """Text safe inside a double-quoted DOT string."""
    text = " ".join(plain_text(text).split())
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_label(plan: Blueprint, node: str) -> str:
    """A node's label for DOT, its notes under it: each line's whitespace collapsed, the
    lines joined by DOT's escaped newline."""
    lines = (plan.labels[node], *plan.notes.get(node, ()))
    return '"' + "\\n".join(_dot_text(line) for line in lines) + '"'


def to_dot(
    chain: ServiceChain,
    *,
    focus: str | None = None,
    depth: int | None = None,
    select: Collection[str] | None = None,
    customer: str | None = None,
    observed: Conformance | None = None,
) -> str:
    """The chain as a Graphviz DOT digraph laid out like a service blueprint.

    The same blueprint as ``to_mermaid()``: clusters for the customers, the
    front stage (touchpoints and front-line roles) and the back office (dashed:
    behind the line of visibility); ``rankdir=BT`` so that work flows up
    towards the customer. Render it with ``dot -Tsvg``.

    Parameters
    ----------
    chain : ServiceChain
        The chain to draw.
    focus : str, optional
        Draw only this node and the nodes within ``depth`` hops up- or downstream.
    depth : int, optional
        The hops from ``focus`` to keep; all of them when ``None``.
    select : collection of str, optional
        Draw only these nodes (a selection) and the edges between them.
    observed : Conformance, optional
        What a hand-off log shows, drawn as ``to_mermaid()`` draws it.

    Returns
    -------
    str
        DOT source, ending with a newline.

    Raises
    ------
    UnknownIdError
        When ``focus`` names no node of the chain.
    ValueError
        When ``depth`` is given without ``focus``.

    Examples
    --------
    >>> import servicekit
    >>> print(to_dot(servicekit.load_example().chain, focus="presser", depth=1))
    digraph "Corner Dry Cleaner" {
        rankdir=BT; newrank=true;
        label="Corner Dry Cleaner"; labelloc=t; fontname="Helvetica";
        node [fontname="Helvetica", style=filled, color="#1f2937"];
        edge [fontname="Helvetica", fontsize=10];
        subgraph cluster_back_office {
            label="Back office: behind the line of visibility"; style=dashed;
            "cleaner" [label="Cleaner", shape=box, fillcolor="#f3f4f6"];
            "presser" [label="Presser", shape=box, fillcolor="#f3f4f6", penwidth=3];
            "organizer" [label="Organizer", shape=box, fillcolor="#f3f4f6"];
        }
        "cleaner" -> "presser";
        "presser" -> "organizer" [label="pressed garment\\nfail point: missed-crease (3%)", color="#b91c1c", fontcolor="#b91c1c", penwidth=2];
    }
    <BLANKLINE>
    """  # noqa: E501
    plan = blueprint(
        chain, focus=focus, depth=depth, select=select, customer=customer, observed=observed
    )
    shapes = {
        "customers": "ellipse",
        "touchpoints": "hexagon",
        "front_line": "box",
        "back_office": "box",
        "support": "cylinder",
    }
    title = plan.title or "Service chain"
    lines = [
        f"digraph {_dot_string(title)} {{",
        "    rankdir=BT; newrank=true;",
        f'    label={_dot_string(title)}; labelloc=t; fontname="Helvetica";',
        f'    node [fontname="Helvetica", style=filled, color="{_TEXT}"];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]

    def lane_lines(lane: Lane, indent: str) -> list[str]:
        fill = _COLOURS[_LANE_CLASS[lane.key]][0]
        style = "dashed" if lane.key == "back_office" else "rounded"
        out = [
            f"{indent}subgraph cluster_{lane.key} {{",
            f"{indent}    label={_dot_string(lane.title)}; style={style};",
        ]
        for node in lane.nodes:
            extra = ", penwidth=3" if node == focus else ""
            out.append(
                f"{indent}    {_dot_string(node)} [label={_dot_label(plan, node)}, "
                f'shape={shapes[lane.key]}, fillcolor="{fill}"{extra}];'
            )
        out.append(f"{indent}}}")
        return out

    front = [lane for lane in plan.lanes if lane.key in _FRONT_STAGE]
    for lane in plan.lanes:
        if lane.key in _FRONT_STAGE:
            if lane is front[0]:
                lines.append("    subgraph cluster_front_stage {")
                lines.append('        label="Front stage: seen by customers"; style=solid;')
                for inner in front:
                    lines.extend(lane_lines(inner, "        "))
                lines.append("    }")
        else:
            lines.extend(lane_lines(lane, "    "))

    lane_of = {node: i for i, lane in enumerate(plan.lanes) for node in lane.nodes}
    for lane in plan.lanes:
        if lane.key not in ("back_office", "support"):
            # Keep each front lane a horizontal band, as in a service blueprint.
            lines.append(f"    {{rank=same; {'; '.join(_dot_string(n) for n in lane.nodes)};}}")
    for edge in plan.edges:
        parts = ["required"] if edge.required else []
        parts += [" ".join(edge.label.split())] if edge.label else []
        parts.extend(f"fail point: {' '.join(fp.split())}" for fp in edge.fail_points)
        seen = _observed_label(edge)
        if seen is not None:
            parts.append(seen)
        attributes = []
        if parts:
            label = "\\n".join(_dot_text(p) for p in parts)
            attributes.append(f'label="{label}"')
        if edge.fail_points:
            attributes.append(f'color="{_FAIL}", fontcolor="{_FAIL}", penwidth=2')
        elif edge.required:
            attributes.append(f'color="{_REQUIRED}", fontcolor="{_REQUIRED}", penwidth=2')
        elif edge.kind == "undocumented":
            attributes.append(
                f'style=dashed, color="{_UNDOCUMENTED}", fontcolor="{_UNDOCUMENTED}", penwidth=2'
            )
        if edge.required:
            attributes.append("arrowhead=normalnormal")
        elif edge.kind == "feeds":
            attributes.append("style=dashed")
        if lane_of[edge.source] < lane_of[edge.target]:
            # Work flowing from the front stage back behind the line must not pull
            # lanes out of order: draw it, but leave the ranking to the lanes.
            attributes.append("constraint=false")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"    {_dot_string(edge.source)} -> {_dot_string(edge.target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- departments (roll-ups) ------------------------------------------------------------------

_DEPARTMENT_COLOURS = {"department": ("#e0f2fe", "#0369a1"), "role": ("#f3f4f6", "#4b5563")}


def _group_label(graph: nx.DiGraph[str], node: str) -> tuple[str, str]:
    """The two lines of a roll-up node: its name, and its roles."""
    data = graph.nodes[node]
    roles = data["roles"]
    if data["kind"] == "role":
        return node, "no department"
    return node, f"{plural(len(roles), 'role')}: {listed(roles)}"


def _group_edge_parts(data: dict[str, object]) -> list[str]:
    count = data["count"]
    fail_points = data["fail_points"]
    assert isinstance(count, int)
    assert isinstance(fail_points, tuple)
    parts = [plural(count, "hand-off")]
    shown = [f"{fp.id} ({percent(fp.rate)})" for fp in fail_points]
    if shown:
        parts.append(f"{'fail points' if len(shown) > 1 else 'fail point'}: {listed(shown)}")
    return parts


def _group_ids(graph: nx.DiGraph[str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    used: set[str] = set()
    for node in graph:
        base = "d_" + re.sub(r"[^0-9A-Za-z]+", "_", node).strip("_")
        safe, n = base, 1
        while safe in used:
            n += 1
            safe = f"{base}_{n}"
        used.add(safe)
        ids[node] = safe
    return ids


def rollup_mermaid(graph: nx.DiGraph[str], title: str = "") -> str:
    """A roll-up (``ServiceChain.rollup()``) as a Mermaid flowchart, left to right.

    Each department is a box naming its roles; each edge says how many hand-offs
    cross it and, drawn heavy and red, the fail points on them with their rates.

    Examples
    --------
    >>> import servicekit
    >>> chain = servicekit.load_example().chain
    >>> text = rollup_mermaid(chain.rollup("department"), "Corner Dry Cleaner")
    >>> text.splitlines()[3]
    'flowchart LR'
    >>> 'd_intake ==>|"1 hand-off<br/>fail point: wrong-tag (1%)"| d_cleaning' in text
    True
    """
    ids = _group_ids(graph)
    name = title or "Service chain"
    lines = [
        "---",
        f"title: {_mermaid_text(name)}, by department",
        "---",
        "flowchart LR",
        f"    accTitle: The departments of {_mermaid_text(name)} and the hand-offs between them",
    ]
    for node in graph:
        first, second = _group_label(graph, node)
        lines.append(f'    {ids[node]}["{_mermaid_text(first)}<br/>{_mermaid_text(second)}"]')
    failing: list[int] = []
    for index, (source, target, data) in enumerate(graph.edges(data=True)):
        parts = _group_edge_parts(data)
        arrow = "==>" if data["fail_points"] else "-->"
        if data["fail_points"]:
            failing.append(index)
        label = "<br/>".join(_mermaid_text(p) for p in parts)
        lines.append(f'    {ids[source]} {arrow}|"{label}"| {ids[target]}')
    for kind, (fill, stroke) in _DEPARTMENT_COLOURS.items():
        lines.append(f"    classDef {kind} fill:{fill},stroke:{stroke},color:{_TEXT}")
    for kind in _DEPARTMENT_COLOURS:
        members = [ids[n] for n in graph if graph.nodes[n]["kind"] == kind]
        if members:
            lines.append(f"    class {','.join(members)} {kind}")
    if failing:
        lines.append(
            f"    linkStyle {','.join(map(str, failing))} "
            f"stroke:{_FAIL},stroke-width:3px,color:{_FAIL}"
        )
    return "\n".join(lines) + "\n"


def rollup_dot(graph: nx.DiGraph[str], title: str = "") -> str:
    """A roll-up (``ServiceChain.rollup()``) as Graphviz DOT, left to right.

    The same boxes and edges as ``rollup_mermaid()``; render it with ``dot -Tsvg``.

    Examples
    --------
    >>> import servicekit
    >>> chain = servicekit.load_example().chain
    >>> print(rollup_dot(chain.rollup("department"), "Corner Dry Cleaner").splitlines()[1])
        rankdir=LR;
    """
    name = f"{title or 'Service chain'}, by department"
    lines = [
        f"digraph {_dot_string(name)} {{",
        "    rankdir=LR;",
        f'    label={_dot_string(name)}; labelloc=t; fontname="Helvetica";',
        f'    node [fontname="Helvetica", style=filled, shape=box, color="{_TEXT}"];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]
    for node in graph:
        kind: str = graph.nodes[node]["kind"]
        first, second = _group_label(graph, node)
        label = "\\n".join(
            " ".join(p.split()).replace("\\", "\\\\").replace('"', '\\"') for p in (first, second)
        )
        fill = _DEPARTMENT_COLOURS[kind][0]
        lines.append(f'    {_dot_string(node)} [label="{label}", fillcolor="{fill}"];')
    for source, target, data in graph.edges(data=True):
        parts = _group_edge_parts(data)
        label = "\\n".join(p.replace("\\", "\\\\").replace('"', '\\"') for p in parts)
        extra = f', color="{_FAIL}", fontcolor="{_FAIL}", penwidth=2' if data["fail_points"] else ""
        lines.append(
            f'    {_dot_string(source)} -> {_dot_string(target)} [label="{label}"{extra}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
