"""One customer's chain, or the whole chain: its adjacency, roots and cached answers.

A *customer's chain* keeps every role, only the touchpoints that serve that
customer (a touchpoint naming no customer serves every one), that customer as
its only customer node, and only the hand-offs whose ``for`` admits the
customer (or that have no ``for``). Two hand-offs between the same roles make
one edge, in the chain when either admits the customer and required there when
either of those is required. ``Scope`` holds such a chain as plain
adjacency (ids to tuples of ids) for the fast traversals, and everything the
queries work out once and reuse: the strongly-connected components, the roots,
the dominator tree or the necessity sets, and which nodes are served.

The whole chain is the scope of customer ``None``. A customer's scope is built
from the whole chain's adjacency by copying it and rewriting only the entries
that the customer changes, so asking about one customer costs little more than
asking about everyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from servicekit._runtime import computed_once, gc_paused
from servicekit.chain.algorithms import (
    ComponentIndex,
    dominator_tree,
    necessary_sets,
    served_nodes,
)
from servicekit.chain.graph import ROLE, TOUCHPOINT
from servicekit.errors import NotInChainError, UnknownIdError

if TYPE_CHECKING:
    from servicekit.chain.service_chain import ServiceChain

__all__ = ["Scope"]


class Scope:
    """The chain of one customer (``customer``), or the whole chain (``None``).

    ``pred`` and ``succ`` map every node of the chain (and only those) to its
    predecessors and successors in it; ``declared`` maps each declared root to why
    (``feeds`` or ``starts``); ``required`` maps each node with required hand-offs
    in this chain to their distinct givers.
    """

    def __init__(self, chain: ServiceChain, customer: str | None) -> None:
        self.chain = chain
        self.customer = customer
        model = chain.model
        if customer is None:
            self.pred: dict[str, tuple[str, ...]] = chain.whole_predecessors
            self.succ: dict[str, tuple[str, ...]] = chain.whole_successors
        else:
            self.pred, self.succ = _narrowed(chain, customer)
        declared: dict[str, str] = {}
        for touchpoint in model.touchpoints.values():
            if touchpoint.feeds and touchpoint.id in self.pred:
                declared.setdefault(touchpoint.role, "feeds")
        for role in chain.starting_roles:
            declared.setdefault(role, "starts")
        self.declared = declared
        required: dict[str, set[str]] = {}
        for giver, receiver, handoffs in chain.required_edges:
            if any(h.required and h.admits(customer) for h in handoffs):
                required.setdefault(receiver, set()).add(giver)
        self.required = required

    # -- membership -------------------------------------------------------------------------

    def require(self, node: str, kind: str | None = None) -> None:
        """Raise unless ``node`` (of ``kind``, when given) is in this chain."""
        chain = self.chain
        found = chain.kinds.get(node) if isinstance(node, str) else None
        if found is None or (kind is not None and found != kind):
            if not isinstance(node, str):  # UnknownIdError says what an id is
                raise UnknownIdError(node, kind=kind or "node")
            kinds = chain.kinds
            pool = list(kinds if kind is None else (n for n, k in kinds.items() if k == kind))
            if found is None:
                raise UnknownIdError(node, kind=kind or "node", candidates=pool)
            # An id of another kind: say so, and offer what it is linked to.
            near: list[str] = []
            if kind == TOUCHPOINT and found == ROLE:
                near = [t.id for t in chain.model.touchpoints.values() if t.role == node]
            elif kind == ROLE and found == TOUCHPOINT:
                near = [chain.model.touchpoints[node].role]
            if not near and len(pool) <= 8:
                near = sorted(pool)
            raise UnknownIdError(
                node,
                kind=kind or "node",
                candidates=pool,
                suggestions=near or None,
                note=f"it is a {found}",
            )
        if node not in self.pred:
            assert self.customer is not None
            raise NotInChainError(node, kind=found, customer=self.customer)

    # -- structure --------------------------------------------------------------------------

    @computed_once
    def index(self) -> ComponentIndex:
        """The chain numbered, with its strongly-connected components in topological order."""
        with gc_paused():
            return ComponentIndex(self.succ)

    @computed_once
    def source_components(self) -> list[bool]:
        """Whether each component is a source: no edge enters it from another component."""
        if not self.required:
            return self.dominators[1]  # the dominator pass finds them on its way
        index = self.index
        component = index.component
        entered = [False] * len(index.members)
        for node, targets in enumerate(index.successors):
            mine = component[node]
            for target in targets:
                theirs = component[target]
                if theirs != mine:
                    entered[theirs] = True
        return [not e for e in entered]

    def is_source(self, node: str) -> bool:
        """Whether ``node`` lies in a source component (revision 1's guess of a start)."""
        index = self.index
        return self.source_components[index.component[index.position[node]]]

    def why_root(self, node: str) -> str | None:
        """Why ``node`` is a root of the nodes downstream of it, or ``None``."""
        found = self.declared.get(node)
        if found is not None:
            return found
        return "source" if self.is_source(node) else None

    @computed_once
    def roots(self) -> list[bool]:
        """Per position: whether the node is a root (declared, or in a source component)."""
        index = self.index
        sources = self.source_components
        flags = [sources[c] for c in index.component]
        for node in self.declared:
            flags[index.position[node]] = True
        return flags

    @computed_once
    def required_positions(self) -> dict[int, frozenset[int]]:
        """``required`` by position."""
        at = self.index.position
        return {
            at[node]: frozenset(at[g] for g in givers) for node, givers in self.required.items()
        }

    @computed_once
    def dominators(self) -> tuple[list[int], list[bool]]:
        """The dominator tree from a virtual source joined to every root (no required)."""
        index = self.index
        with gc_paused():
            return dominator_tree(index, [index.position[n] for n in self.declared])

    @computed_once
    def served(self) -> list[bool]:
        """Per position: whether the node is served (SPEC's least fixed point)."""
        with gc_paused():
            return served_nodes(self.index.successors, self.roots, self.required_positions)

    @computed_once
    def necessity(self) -> list[frozenset[int] | None]:
        """Per position: what each served node cannot be served without (itself included)."""
        index, served, roots, required = (
            self.index,
            self.served,
            self.roots,
            self.required_positions,
        )
        with gc_paused():
            index.predecessors  # noqa: B018 - built with the collector paused
            return necessary_sets(index, served, roots, required)


def _narrowed(
    chain: ServiceChain, customer: str
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The adjacency of ``customer``'s chain, rewritten from the whole chain's.

    Only the entries the customer changes are rewritten: the neighbours of the
    touchpoints and customers left out, and the ends of the hand-off edges limited
    to some customers.
    """
    model = chain.model
    whole_pred, whole_succ = chain.whole_predecessors, chain.whole_successors
    pred = dict(whole_pred)
    succ = dict(whole_succ)
    dirty_pred: set[str] = set()
    dirty_succ: set[str] = set()
    for touchpoint in model.touchpoints.values():
        if not touchpoint.serves_customer(customer):
            del pred[touchpoint.id], succ[touchpoint.id]
            dirty_pred.update(touchpoint.feeds)
            dirty_succ.add(touchpoint.role)
    for other in model.customers:
        if other != customer:
            del pred[other], succ[other]
            dirty_succ.update(whole_pred[other])
    limited = chain.limited_customers
    for giver, receiver in limited:
        dirty_succ.add(giver)
        dirty_pred.add(receiver)

    def admitted(giver: str, receiver: str) -> bool:
        if giver not in pred or receiver not in pred:
            return False
        customers = limited.get((giver, receiver))
        return customers is None or customer in customers

    for node in dirty_pred:
        if node in pred:
            pred[node] = tuple(p for p in whole_pred[node] if admitted(p, node))
    for node in dirty_succ:
        if node in succ:
            succ[node] = tuple(s for s in whole_succ[node] if admitted(node, s))
    return pred, succ
