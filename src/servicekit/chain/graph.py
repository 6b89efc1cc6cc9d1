"""The networkx graph of a model: roles, touchpoints and customers, joined by their edges.

Nodes are ids. Each node has a ``kind`` (``role``, ``touchpoint`` or
``customer``) and its ``entity``. Edges are hand-offs (role -> role), a role
serving at a touchpoint (role -> touchpoint), a touchpoint serving a customer
(touchpoint -> customer) and what a customer brings into the chain at a
touchpoint (touchpoint -> role, the touchpoint's ``feeds``). Each edge has a
``kind``: ``handoff``, ``serves``, ``customer`` or ``feeds``; hand-off edges
also carry their ``handoffs``. Cycles (rework loops) are legal everywhere.
"""

from __future__ import annotations

import networkx as nx

from servicekit._runtime import gc_paused
from servicekit.model.entities import Handoff
from servicekit.model.service_model import ServiceModel

__all__ = ["CUSTOMER", "ROLE", "TOUCHPOINT", "build_graph"]

ROLE = "role"
TOUCHPOINT = "touchpoint"
CUSTOMER = "customer"


def build_graph(model: ServiceModel) -> nx.DiGraph[str]:
    """The frozen graph of ``model``.

    Examples
    --------
    >>> import servicekit
    >>> graph = build_graph(servicekit.load_example())
    >>> graph.nodes["pickup"]["kind"], graph.edges["spotter", "cleaner"]["kind"]
    ('touchpoint', 'handoff')
    """
    with gc_paused():
        graph: nx.DiGraph[str] = nx.DiGraph(name=model.name)
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
            graph.add_edges_from(
                (role.id, target, {"kind": "handoff", "handoffs": tuple(handoffs)})
                for target, handoffs in grouped.items()
            )
        for touchpoint in model.touchpoints.values():
            graph.add_edge(touchpoint.role, touchpoint.id, kind="serves")
            graph.add_edges_from(
                (touchpoint.id, c, {"kind": "customer"}) for c in touchpoint.customers
            )
            graph.add_edges_from((touchpoint.id, r, {"kind": "feeds"}) for r in touchpoint.feeds)
        frozen: nx.DiGraph[str] = nx.freeze(graph)
        return frozen
