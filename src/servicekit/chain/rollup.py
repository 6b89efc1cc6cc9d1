"""Roll-ups: the chain between departments, for a leadership team to see on one page.

``rollup()`` groups roles by department and keeps one edge A -> B for every
pair of departments where a role of A hands off to a role of B. A role without a
department is a group of its own, named by its role id.

Examples
--------
>>> import servicekit
>>> graph = servicekit.load_example().chain.rollup("department")
>>> graph.edges["cleaning", "finishing"]["count"]
1
>>> [fp.id for fp in graph.edges["intake", "cleaning"]["fail_points"]]
['wrong-tag']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from servicekit.chain.selectors import customer_chain
from servicekit.errors import UsageError, did_you_mean, suggest
from servicekit.model.entities import FailPoint
from servicekit.model.service_model import ServiceModel
from servicekit.model.vocabulary import GROUPINGS

if TYPE_CHECKING:
    from servicekit.chain.service_chain import ServiceChain

__all__ = ["GROUPINGS", "group_of", "roll_up"]


def group_of(model: ServiceModel) -> dict[str, str]:
    """Role id -> the node of the roll-up it belongs to: its department, or its own id.

    A role without a department is its own node, named by its role id; should a
    department carry the same name, the role's node is ``ID (role)``.

    Examples
    --------
    >>> import servicekit
    >>> group_of(servicekit.load_example())["spotter"]
    'cleaning'
    """
    departments = set(model.departments)
    groups: dict[str, str] = {}
    for role in model.roles.values():
        if role.department:
            groups[role.id] = role.department
        else:
            groups[role.id] = role.id if role.id not in departments else f"{role.id} (role)"
    return groups


def roll_up(
    chain: ServiceChain,
    by: str = "department",
    *,
    customer: str | None = None,
    roles: Iterable[str] | None = None,
) -> nx.DiGraph[str]:
    """The department graph of ``chain``; see ``ServiceChain.rollup()``.

    ``roles``, when given, keeps only those roles (and the hand-offs between them).
    With ``customer``, only the hand-offs of that customer's chain count.
    """
    if by not in GROUPINGS:
        hint = did_you_mean(suggest(str(by), GROUPINGS)) or "roll up by: " + ", ".join(GROUPINGS)
        raise UsageError(f"cannot roll up by {by!r}; {hint}")
    model = chain.model
    groups = group_of(model)
    kept = set(model.roles) if roles is None else set(roles) & set(model.roles)
    graph: nx.DiGraph[str] = nx.DiGraph(name=model.name, by=by)
    members: dict[str, list[str]] = {}
    for role in model.roles.values():
        if role.id in kept:
            members.setdefault(groups[role.id], []).append(role.id)
    for group in sorted(members):
        kind = "department" if group in model.departments else "role"
        graph.add_node(group, kind=kind, roles=tuple(sorted(members[group])))
    # The customer's chain decides which hand-offs count (see selectors.customer_chain).
    scope = None if customer is None else customer_chain(chain, customer).successors
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for role in model.roles.values():
        if role.id not in kept:
            continue
        for handoff in role.serves:
            if handoff.to not in kept or (scope is not None and handoff.to not in scope[role.id]):
                continue
            key = (groups[role.id], groups[handoff.to])
            data = edges.get(key)
            if data is None:
                data = edges[key] = {"handoffs": [], "fail_points": []}
            data["handoffs"].append((role.id, handoff.to))
            data["fail_points"].extend(handoff.fail_points)
    for (source, target), data in sorted(edges.items()):
        fail_points: list[FailPoint] = data["fail_points"]
        graph.add_edge(
            source,
            target,
            count=len(data["handoffs"]),
            handoffs=tuple(data["handoffs"]),
            fail_points=tuple(fail_points),
            rates={fp.id: fp.rate for fp in fail_points},
        )
    return graph
