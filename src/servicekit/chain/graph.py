"""The networkx graph of a model: roles, touchpoints and customers, joined by their edges.

Nodes are ids. Each node has a ``kind`` (``role``, ``touchpoint`` or
``customer``) and its ``entity``. Edges are hand-offs (role -> role), a role
serving at a touchpoint (role -> touchpoint), a touchpoint serving a customer
(touchpoint -> customer; a touchpoint naming no customer serves every one) and
what a customer brings into the chain at a touchpoint (touchpoint -> role, the
touchpoint's ``feeds``). Each edge has a ``kind``: ``handoff``, ``serves``,
``customer`` or ``feeds``; hand-off edges also carry their ``handoffs`` (each
with its ``for_`` and ``required``) and ``required`` (whether any of them is).
Cycles (rework loops) are legal everywhere.

The graph is read-only all the way down: it is frozen (no node or edge can be
added or removed) and so is the data of every node and edge, and of the graph.

Examples
--------
>>> import servicekit
>>> graph = build_graph(servicekit.load_example())
>>> graph.nodes["pickup"]["kind"], graph.edges["spotter", "cleaner"]["kind"]
('touchpoint', 'handoff')
>>> graph.nodes["pickup"]["kind"] = "role"
Traceback (most recent call last):
  ...
networkx.exception.NetworkXError: Frozen graph can't be modified: the chain's node and edge data are read-only; change the model instead
"""  # noqa: E501

from __future__ import annotations

from typing import Any, NoReturn, cast

import networkx as nx

from servicekit._runtime import gc_paused
from servicekit.model.entities import Handoff
from servicekit.model.service_model import ServiceModel

__all__ = [
    "CUSTOMER",
    "ROLE",
    "TOUCHPOINT",
    "Edges",
    "ReadOnlyData",
    "build_graph",
    "build_graph_and_edges",
]

ROLE = "role"
TOUCHPOINT = "touchpoint"
CUSTOMER = "customer"

_REFUSED = (
    "Frozen graph can't be modified: the chain's node and edge data are read-only; "
    "change the model instead"
)


class ReadOnlyData(dict[str, Any]):
    """The data of a node, an edge or the graph: a dict that refuses changes once sealed.

    networkx fills it while the graph is built; ``build_graph()`` then seals it.
    A copy (``dict(data)``, ``data.copy()``, ``graph.copy()``) is a plain, writable dict.
    """

    __slots__ = ("_sealed",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sealed = False

    def seal(self) -> None:
        """Refuse every change from now on."""
        self._sealed = True

    def _refuse(self) -> NoReturn:
        raise nx.NetworkXError(_REFUSED)

    def __setitem__(self, key: str, value: Any) -> None:
        if self._sealed:
            self._refuse()
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        if self._sealed:
            self._refuse()
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        if self._sealed:
            self._refuse()
        super().update(*args, **kwargs)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if self._sealed:
            self._refuse()
        return super().setdefault(key, default)

    def pop(self, *args: Any) -> Any:
        if self._sealed:
            self._refuse()
        return super().pop(*args)

    def popitem(self) -> tuple[str, Any]:
        if self._sealed:
            self._refuse()
        return super().popitem()

    def clear(self) -> None:
        if self._sealed:
            self._refuse()
        super().clear()

    def __ior__(self, other: Any) -> ReadOnlyData:  # type: ignore[override,misc]
        if self._sealed:
            self._refuse()
        super().update(other)
        return self

    def copy(self) -> dict[str, Any]:
        """A plain, writable copy."""
        return dict(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


class _ChainGraph(nx.DiGraph):  # type: ignore[type-arg]
    """A ``DiGraph`` whose node, edge and graph data are ``ReadOnlyData``."""

    node_attr_dict_factory = ReadOnlyData
    edge_attr_dict_factory = ReadOnlyData
    graph_attr_dict_factory = ReadOnlyData


#: Hand-off edges as (giver, receiver, every hand-off on the edge).
Edges = tuple[tuple[str, str, tuple[Handoff, ...]], ...]


def build_graph(model: ServiceModel) -> nx.DiGraph[str]:
    """The read-only graph of ``model``: frozen, with sealed node, edge and graph data."""
    return build_graph_and_edges(model)[0]


def build_graph_and_edges(model: ServiceModel) -> tuple[nx.DiGraph[str], Edges, Edges]:
    """The read-only graph of ``model``, and its hand-off edges with a hand-off ``for`` some
    customers and those with a required hand-off (found while the edges are made)."""
    limited: list[tuple[str, str, tuple[Handoff, ...]]] = []
    required: list[tuple[str, str, tuple[Handoff, ...]]] = []
    with gc_paused():
        graph: nx.DiGraph[str] = _ChainGraph(name=model.name)
        graph.add_nodes_from(
            (c.id, {"kind": CUSTOMER, "entity": c}) for c in model.customers.values()
        )
        graph.add_nodes_from((r.id, {"kind": ROLE, "entity": r}) for r in model.roles.values())
        graph.add_nodes_from(
            (t.id, {"kind": TOUCHPOINT, "entity": t}) for t in model.touchpoints.values()
        )
        for role in model.roles.values():
            grouped: dict[str, list[Handoff]] = {}
            for handoff in role.serves:
                grouped.setdefault(handoff.to, []).append(handoff)
            for target, handoffs in grouped.items():
                together = tuple(handoffs)
                needed = any(h.required for h in together)
                graph.add_edge(role.id, target, kind="handoff", handoffs=together, required=needed)
                if needed:
                    required.append((role.id, target, together))
                if any(h.for_ is not None for h in together):
                    limited.append((role.id, target, together))
        everyone = tuple(model.customers)
        for touchpoint in model.touchpoints.values():
            graph.add_edge(touchpoint.role, touchpoint.id, kind="serves")
            graph.add_edges_from(
                (touchpoint.id, c, {"kind": "customer"}) for c in (touchpoint.customers or everyone)
            )
            graph.add_edges_from((touchpoint.id, r, {"kind": "feeds"}) for r in touchpoint.feeds)
        for _, data in graph.nodes(data=True):
            cast(ReadOnlyData, data).seal()
        for _, _, data in graph.edges(data=True):
            cast(ReadOnlyData, data).seal()
        cast(ReadOnlyData, graph.graph).seal()
        frozen: nx.DiGraph[str] = nx.freeze(graph)
        return frozen, tuple(limited), tuple(required)
