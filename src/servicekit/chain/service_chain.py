"""The service chain: the graph of a model and the questions asked of it.

Examples
--------
>>> import servicekit
>>> chain = servicekit.load_example().chain
>>> [(r.id, r.distance) for r in chain.upstream("pickup", depth=2)]
[('cashier', 1), ('organizer', 2)]
>>> chain.critical("pickup")
('cashier', 'organizer', 'presser', 'cleaner', 'spotter', 'tagger', 'counter-clerk')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, cast

import networkx as nx

from servicekit._runtime import gc_paused, later
from servicekit._words import plural
from servicekit.chain.algorithms import (
    ComponentIndex,
    best_products,
    bfs_levels,
    dominator_tree,
    immediate_dominators,
)
from servicekit.chain.graph import CUSTOMER, ROLE, TOUCHPOINT, build_graph
from servicekit.chain.results import (
    CustomersOf,
    Reaches,
    Suspect,
    Suspects,
    UpstreamOfAll,
)
from servicekit.chain.rollup import roll_up
from servicekit.chain.selectors import NOT_ROLE, Scope, select_ids
from servicekit.errors import UnknownIdError, UsageError
from servicekit.model.entities import InternalCustomer
from servicekit.model.service_model import ServiceModel

__all__ = ["ServiceChain"]


def _check_depth(depth: int | None) -> None:
    if depth is not None and (not isinstance(depth, int) or isinstance(depth, bool) or depth < 0):
        raise UsageError(f"depth must be a whole number >= 0 or None, got {depth!r}")


def _dispatched_reach(
    graph: nx.DiGraph[str], node: str, depth: int | None, backend: str
) -> tuple[list[str], list[int]]:
    """``upstream``/``downstream`` through networkx's dispatch: BFS lengths, then the order."""
    lengths = nx.single_source_shortest_path_length(graph, node, cutoff=depth, backend=backend)
    pairs = sorted((d, n) for n, d in lengths.items() if n != node)
    return [n for _, n in pairs], [d for d, _ in pairs]


_VIRTUAL = ("servicekit", "virtual source")


def _dispatched_critical(graph: nx.DiGraph[str], node: str, backend: str) -> tuple[str, ...]:
    """``critical`` as SPEC words it, with networkx algorithms run through ``backend``."""
    upstream = cast("set[str]", nx.ancestors(graph, node, backend=backend))
    if not upstream:
        return ()
    upstream.add(node)
    sub = graph.subgraph(upstream)
    flow: nx.DiGraph[Any] = nx.DiGraph(sub.edges)
    flow.add_nodes_from(sub)
    components = cast("Iterable[set[str]]", nx.strongly_connected_components(sub, backend=backend))
    for members in components:
        if not any(p not in members for m in members for p in sub.pred[m]):
            flow.add_edges_from((_VIRTUAL, m) for m in members if m != node)
    if _VIRTUAL not in flow:  # pragma: no cover - something upstream means a source exists
        return ()
    idom = nx.immediate_dominators(flow, _VIRTUAL, backend=backend)
    found: list[str] = []
    current = idom.get(node, _VIRTUAL)
    while current != _VIRTUAL:
        found.append(current)
        current = idom[current]
    return tuple(found)


class ServiceChain:
    """The graph of a :class:`~servicekit.ServiceModel` and the questions asked of it.

    Get one from ``model.chain``. The networkx graph is :attr:`graph`, frozen:
    any networkx algorithm runs on it, but changes go through the model.
    Answers are cached, since the chain never changes.
    """

    def __init__(self, model: ServiceModel) -> None:
        self._model = model
        self._graph = build_graph(model)
        self._kinds: dict[str, str] = {
            node: data["kind"] for node, data in self._graph.nodes(data=True)
        }

    def __repr__(self) -> str:
        model = self._model
        counts = ", ".join(
            plural(n, word)
            for n, word in (
                (len(model.roles), "role"),
                (len(model.touchpoints), "touchpoint"),
                (len(model.customers), "customer"),
                (self._graph.number_of_edges(), "edge"),
            )
        )
        return f"<ServiceChain {model.name!r}: {counts}>"

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").chain_html(self)
        return text

    def _repr_markdown_(self) -> str:
        text: str = later("servicekit.render.markdown").chain_markdown(self)
        return text

    @property
    def graph(self) -> nx.DiGraph[str]:
        """The frozen networkx ``DiGraph``; nodes are ids with ``kind`` and ``entity``."""
        return self._graph

    @property
    def model(self) -> ServiceModel:
        """The model this chain was built from."""
        return self._model

    def kind(self, node: str) -> str:
        """``role``, ``touchpoint`` or ``customer``; raises :class:`UnknownIdError`."""
        self._require(node)
        return self._kinds[node]

    def _require(self, node: str, kind: str | None = None) -> None:
        found = self._kinds.get(node)
        if found is None or (kind is not None and found != kind):
            pool = self._kinds if kind is None else (n for n, k in self._kinds.items() if k == kind)
            raise UnknownIdError(node, kind=kind or "node", candidates=list(pool))

    # -- reach ----------------------------------------------------------------------------

    def upstream(
        self, node: str, depth: int | None = None, *, backend: str | None = None
    ) -> Reaches:
        """Every node with a directed path to ``node``, with its shortest distance.

        Ordered by distance, then id; ``node`` itself is left out, even on a cycle.

        Parameters
        ----------
        node : str
            A role, touchpoint or customer id.
        depth : int, optional
            Only nodes at most this many steps away (``0`` gives nothing).
        backend : str, optional
            Run the traversal through networkx's backend dispatch
            (``nx.single_source_shortest_path_length(..., backend=backend)`` on the
            reversed view); ``None``, the default, uses the built-in level-by-level BFS.

        Raises
        ------
        UnknownIdError
            When ``node`` is not in the chain (with did-you-mean suggestions).
        ValueError
            When ``depth`` is not a whole number >= 0.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> chain.upstream("cashier", depth=1).ids
        ('organizer',)
        >>> chain.upstream("cashier", backend="networkx") == chain.upstream("cashier")
        True
        """
        self._require(node)
        _check_depth(depth)
        if backend is not None:
            ids, distances = _dispatched_reach(
                self._graph.reverse(copy=False), node, depth, backend
            )
        else:
            ids, distances = bfs_levels(self._predecessors, node, depth)
        return Reaches(ids, distances, self._kinds)

    def downstream(
        self, node: str, depth: int | None = None, *, backend: str | None = None
    ) -> Reaches:
        """Every node ``node`` has a directed path to, with its shortest distance.

        The mirror image of :meth:`upstream`, with the same parameters.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> [r.id for r in chain.downstream("organizer")]
        ['cashier', 'pickup', 'bride', 'walk-in']
        """
        self._require(node)
        _check_depth(depth)
        if backend is not None:
            ids, distances = _dispatched_reach(self._graph, node, depth, backend)
        else:
            ids, distances = bfs_levels(self._successors, node, depth)
        return Reaches(ids, distances, self._kinds)

    def internal_customers(self, role: str) -> tuple[InternalCustomer, ...]:
        """An :class:`InternalCustomer` for each role receiving ``role``'s hand-offs, by id."""
        self._require(role, ROLE)
        received: dict[str, list[Any]] = {}
        for handoff in self._model.roles[role].serves:
            received.setdefault(handoff.to, []).append(handoff)
        return tuple(
            InternalCustomer(role=target, supplier=role, handoffs=tuple(received[target]))
            for target in sorted(received)
        )

    def customers_of(self, role: str) -> CustomersOf:
        """Whom ``role`` serves: internal customers, and external ones at its touchpoints."""
        self._require(role, ROLE)
        external: set[str] = set()
        for touchpoint in self._successors[role]:
            if (
                self._kinds[touchpoint] == TOUCHPOINT
                and self._model.touchpoints[touchpoint].role == role
            ):
                external.update(self._model.touchpoints[touchpoint].customers)
        return CustomersOf(
            role=role,
            internal=self.internal_customers(role),
            external=tuple(self._model.customers[c] for c in sorted(external)),
        )

    def touchpoints_reached(self, role: str, *, backend: str | None = None) -> Reaches:
        """The touchpoints ``role``'s work ultimately reaches: its line of sight.

        The touchpoints among :meth:`downstream` of ``role``, in its order;
        ``backend`` is passed on to it.

        Examples
        --------
        >>> import servicekit
        >>> servicekit.load_example().chain.touchpoints_reached("tagger").ids
        ('pickup',)
        """
        self._require(role, ROLE)
        return self.downstream(role, backend=backend).of_kind(TOUCHPOINT)

    # -- single points of failure ---------------------------------------------------------

    def critical(self, node: str, *, backend: str | None = None) -> tuple[str, ...]:
        """The nodes on *every* path into ``node`` from where its work starts.

        These are the dominators of ``node`` in its upstream subgraph, with a
        virtual source joined to every node (other than ``node``) of each source
        strongly-connected component. Listed from the immediate dominator outwards;
        empty when nothing is upstream. They are the single points of failure.

        Parameters
        ----------
        node : str
            A role, touchpoint or customer id.
        backend : str, optional
            ``None`` (the default) answers from one dominator pass over the whole
            chain, computed once and cached, so asking for every touchpoint costs
            about one pass. With a backend name, ``node``'s upstream subgraph is built
            and networkx's ``ancestors``, ``strongly_connected_components`` and
            ``immediate_dominators`` run on it through the backend dispatch.

        Raises
        ------
        UnknownIdError
            When ``node`` is not in the chain (with did-you-mean suggestions).

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> chain.critical("cleaner")
        ('spotter', 'tagger', 'counter-clerk')
        >>> chain.critical("drop-off"), chain.critical("counter-clerk")
        (('counter-clerk',), ())
        >>> chain.critical("pickup", backend="networkx") == chain.critical("pickup")
        True
        """
        self._require(node)
        if backend is not None:
            return _dispatched_critical(self._graph, node, backend)
        index = self._index
        target = index.position[node]
        component = index.component[target]
        idom, is_source = self._dominators
        if is_source[component] and len(index.members[component]) > 1:
            return self._critical_in_source_component(target)
        found: list[str] = []
        current = idom[target]
        while current != index.virtual:
            found.append(index.nodes[current])
            current = idom[current]
        return tuple(found)

    def _critical_in_source_component(self, target: int) -> tuple[str, ...]:
        """Dominators of a node in a source component: the virtual source skips the node."""
        index = self._index
        members = index.members[index.component[target]]
        local = {node: i for i, node in enumerate(members)}
        virtual = len(members)
        successors: list[list[int]] = [
            [local[s] for s in index.successors[node] if s in local] for node in members
        ]
        successors.append([local[m] for m in members if m != target])
        idom = immediate_dominators(successors, virtual)
        found: list[str] = []
        current = idom[local[target]]
        while current != virtual:
            found.append(index.nodes[members[current]])
            current = idom[current]
        return tuple(found)

    @cached_property
    def _predecessors(self) -> dict[str, tuple[str, ...]]:
        """Each node's predecessors, as plain tuples for the hot traversals."""
        return {node: tuple(before) for node, before in self._graph.pred.items()}

    @cached_property
    def _successors(self) -> dict[str, tuple[str, ...]]:
        """Each node's successors, as plain tuples for the hot traversals."""
        return {node: tuple(after) for node, after in self._graph.succ.items()}

    @cached_property
    def _index(self) -> ComponentIndex:
        with gc_paused():
            return ComponentIndex(self._successors)

    @cached_property
    def _dominators(self) -> tuple[list[int], list[bool]]:
        with gc_paused():
            return dominator_tree(self._index)

    # -- complaints -----------------------------------------------------------------------

    def trace(self, touchpoint: str, category: str | None = None) -> Suspects:
        """Suspects for a defect seen at ``touchpoint``, most likely first.

        Every fail point on a hand-off whose receiving role is upstream of the
        touchpoint (only those of ``category`` when given) is scored: its rate
        times the best chance, over paths from the receiving role to the
        touchpoint, that the defect escapes every role on the way (the receiving
        role included), where a role stops ``catches[category]`` of them.
        Suspects scoring 0 are left out. Ordered by score descending, then
        distance, role id and fail point id.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> [(s.role, s.fail_point, round(s.score, 4)) for s in chain.trace("pickup", "stain")]
        [('spotter', 'missed-stain', 0.02)]
        """
        self._require(touchpoint, TOUCHPOINT)
        ids, distances = bfs_levels(self._predecessors, touchpoint, None)
        distance = dict(zip(ids, distances, strict=True))
        escapes: dict[str, dict[str, float] | None] = {}
        suspects: list[Suspect] = []
        for receiver in ids:
            if self._kinds[receiver] != ROLE:
                continue
            for supplier, data in self._graph.pred[receiver].items():
                for handoff in data.get("handoffs", ()):
                    for fail_point in handoff.fail_points:
                        if category is not None and fail_point.category != category:
                            continue
                        if fail_point.category not in escapes:
                            escapes[fail_point.category] = self._escape(
                                touchpoint, fail_point.category, distance
                            )
                        chances = escapes[fail_point.category]
                        chance = 1.0 if chances is None else chances.get(receiver, 0.0)
                        score = fail_point.rate * chance
                        if score > 0.0:
                            suspects.append(
                                Suspect(
                                    role=supplier,
                                    receiver=receiver,
                                    fail_point=fail_point.id,
                                    category=fail_point.category,
                                    score=score,
                                    distance=distance[supplier],
                                )
                            )
        suspects.sort(key=lambda s: (-s.score, s.distance, s.role, s.fail_point))
        return Suspects(suspects)

    def _escape(
        self, touchpoint: str, category: str, upstream: Mapping[str, int]
    ) -> dict[str, float] | None:
        """The best chance a defect of ``category`` escapes from each node to the touchpoint.

        ``None`` means no upstream role catches the category: everything escapes.
        """
        factor = self._catchers.get(category)
        if factor is None or not any(role in upstream for role in factor):
            return None
        return best_products(self._predecessors, touchpoint, factor)

    @cached_property
    def _catchers(self) -> dict[str, dict[str, float]]:
        """Category -> {role: share of its defects the role lets through}, for roles catching it."""
        catchers: dict[str, dict[str, float]] = {}
        for role in self._model.roles.values():
            for category, caught in role.catches.items():
                if caught:
                    catchers.setdefault(category, {})[role.id] = 1.0 - caught
        return catchers

    # -- diagrams (see diagram.py) ----------------------------------------------------------

    def to_mermaid(self, *, focus: str | None = None, depth: int | None = None) -> str:
        """The chain as a Mermaid flowchart laid out like a service blueprint."""
        text: str = later("servicekit.render.diagram").to_mermaid(self, focus=focus, depth=depth)
        return text

    def to_dot(self, *, focus: str | None = None, depth: int | None = None) -> str:
        """The chain as Graphviz DOT laid out like a service blueprint."""
        text: str = later("servicekit.render.diagram").to_dot(self, focus=focus, depth=depth)
        return text

    # -- bulk -----------------------------------------------------------------------------

    def upstream_of_all(self, *, backend: str | None = None) -> UpstreamOfAll:
        """The upstream set of every touchpoint, in one pass over the chain.

        A mapping from touchpoint id to a read-only, set-like :class:`UpstreamSet`
        equal to the ids :meth:`upstream` gives. Sets are held as bitsets over the
        chain's strongly-connected components, never as millions of entries. When
        those bitsets would pass 256 MiB (touchpoints x components > 2**31, around
        half a million nodes), the pass runs in slices of 65,536 components and
        keeps only each set's size; a set's bitset is then built when first read.

        Parameters
        ----------
        backend : str, optional
            Find the strongly-connected components with networkx's
            ``strongly_connected_components`` through the backend dispatch; ``None``,
            the default, uses the built-in (cached) iterative Tarjan.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> everything = chain.upstream_of_all()
        >>> everything["pickup"] == set(chain.upstream("pickup").ids)
        True
        >>> sorted(everything["drop-off"]), len(everything["pickup"])
        (['counter-clerk'], 8)
        """
        touchpoints = sorted(self._model.touchpoints)
        if backend is None:
            return UpstreamOfAll(self._index, touchpoints)
        components = cast(
            "Iterable[set[str]]", nx.strongly_connected_components(self._graph, backend=backend)
        )
        with gc_paused():
            index = ComponentIndex(self._successors, components)
        return UpstreamOfAll(index, touchpoints)

    # -- selections and roll-ups (see selectors.py and rollup.py) ----------------------------

    def select(
        self,
        *selectors: str,
        exclude: str | Iterable[str] | None = None,
        customer: str | None = None,
    ) -> tuple[str, ...]:
        """The ids a selector names, after dbt's node selection.

        ``pickup`` (the node), ``+pickup`` (it and everything upstream),
        ``2+pickup`` (upstream up to 2 edges), ``spotter+`` / ``spotter+2``
        (downstream), ``+pickup+``, ``@spotter`` (it, everything downstream, and
        everything upstream of those), ``department:cleaning``,
        ``kind:role|person|system|touchpoint|customer`` and ``customer:bride`` (the
        customer, its touchpoints and everything upstream of them in its chain).
        Selectors separated by spaces, or given as several arguments, are a union;
        joined by commas, an intersection. ``exclude`` removes what it selects.

        Parameters
        ----------
        *selectors : str
            One or more selectors.
        exclude : str or iterable of str, optional
            Selectors whose nodes are left out.
        customer : str, optional
            Evaluate everything on this customer's chain.

        Returns
        -------
        tuple of str
            Ids ordered by kind (roles, touchpoints, customers), then id.

        Raises
        ------
        SelectorError
            For a malformed selector, or one naming an unknown node, department or
            customer: the message points at the character.
        UnknownIdError
            When ``customer`` is not a customer of the model.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> chain.select("2+pickup,department:front-counter")
        ('cashier',)
        >>> chain.select("@presser", exclude="kind:customer")
        ('cashier', 'cleaner', 'counter-clerk', 'organizer', 'presser', 'spotter', 'tagger', \
'drop-off', 'pickup')
        """
        return select_ids(self, selectors, exclude=exclude, customer=customer)

    def rollup(self, by: str = "department", *, customer: str | None = None) -> nx.DiGraph[str]:
        """The chain between departments: a new networkx ``DiGraph`` of them.

        Nodes are departments (``kind="department"``, ``roles``: their role ids); a
        role without a department is a node of its own, named by its role id
        (``kind="role"``). An edge A -> B exists when a role of A hands off to a role
        of B (A == B for hand-offs inside a department), with ``count`` (how many
        hand-offs), ``handoffs`` (the ``(giver, receiver)`` role pairs),
        ``fail_points`` (their :class:`~servicekit.FailPoint` objects) and ``rates``
        (fail point id -> rate). The graph is yours: it is built anew on each call.

        Examples
        --------
        >>> import servicekit
        >>> graph = servicekit.load_example().chain.rollup("department")
        >>> sorted(graph.successors("cleaning"))
        ['cleaning', 'finishing']
        >>> graph.edges["finishing", "front-counter"]["rates"]
        {'wrong-hook': 0.02}
        """
        return roll_up(self, by, customer=customer)

    @cached_property
    def _scope(self) -> Scope:
        """The whole chain as selectors walk it: adjacency, kinds, the ids of each kind."""
        members = {
            kind: frozenset(n for n, k in self._kinds.items() if k == kind)
            for kind in (ROLE, TOUCHPOINT, CUSTOMER)
        }
        members[NOT_ROLE] = members[TOUCHPOINT] | members[CUSTOMER]
        return Scope(self._predecessors, self._successors, self._kinds, None, members)
