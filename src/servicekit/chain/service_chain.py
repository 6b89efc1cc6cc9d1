"""The service chain: the graph of a model and the questions asked of it.

Every query takes ``customer=``: it then answers on that customer's chain (the
hand-offs for them, the touchpoints serving them; see ``servicekit.chain.scope``).

Examples
--------
>>> import servicekit
>>> chain = servicekit.load_example().chain
>>> [(r.id, r.distance) for r in chain.upstream("pickup", depth=2)]
[('cashier', 1), ('organizer', 2)]
>>> chain.critical("pickup")
('cashier', 'organizer', 'presser', 'cleaner', 'spotter', 'tagger', 'counter-clerk')
>>> chain.roots("pickup")
(Root(id='counter-clerk', why='feeds', distance=7),)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any, cast

import networkx as nx

from servicekit._runtime import computed_once, gc_paused, later
from servicekit._words import plural
from servicekit.chain.algorithms import (
    ComponentIndex,
    best_products,
    bfs_levels,
    immediate_dominators,
    marked_descendants,
    necessary_sets,
    served_nodes,
)
from servicekit.chain.graph import CUSTOMER, ROLE, TOUCHPOINT, Edges, build_graph_and_edges
from servicekit.chain.results import (
    Critical,
    CustomersOf,
    Reaches,
    Root,
    Selection,
    Suspect,
    Suspects,
    UpstreamOfAll,
    suspect_order,
)
from servicekit.chain.rollup import roll_up
from servicekit.chain.scope import Scope
from servicekit.chain.selectors import NOT_ROLE, SelectionScope, select_ids, select_one
from servicekit.errors import UnknownIdError, UsageError
from servicekit.model.entities import FailPoint, InternalCustomer
from servicekit.model.references import fail_points_of
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


def _dispatched_critical(
    graph: nx.DiGraph[str], node: str, declared: Iterable[str], backend: str
) -> tuple[str, ...]:
    """``critical`` (no required hand-offs) with networkx algorithms run through ``backend``.

    The dominators of ``node`` from a virtual source joined to its roots: the
    declared nodes upstream of it and every node of each source component
    upstream of it, ``node`` itself left out.
    """
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
    flow.add_edges_from((_VIRTUAL, m) for m in declared if m in upstream and m != node)
    if _VIRTUAL not in flow:  # pragma: no cover - something upstream means a source exists
        return ()
    idom = nx.immediate_dominators(flow, _VIRTUAL, backend=backend)
    found: list[str] = []
    current = idom.get(node, _VIRTUAL)
    while current != _VIRTUAL:
        found.append(current)
        current = idom[current]
    return tuple(found)


def _chain_of(model: ServiceModel) -> ServiceChain:
    return model.chain


class ServiceChain:
    """The graph of a ``ServiceModel`` and the questions asked of it.

    Get one from ``model.chain``. The networkx graph is ``graph``, read-only all
    the way down:
    any networkx algorithm runs on it, but changes go through the model.
    Answers are cached, since the chain never changes; every query may be asked from
    many threads at once. A chain pickles as its model, and is built again on loading.
    """

    def __init__(self, model: ServiceModel) -> None:
        self._model = model
        self._graph, self._limited_edges, self._required_edges = build_graph_and_edges(model)
        self._kinds: dict[str, str] = {
            node: data["kind"] for node, data in self._graph.nodes(data=True)
        }
        self._scopes: dict[str | None, Scope] = {}
        self._scopes_lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its model: the graph and the answers it caches are built again."""
        return (_chain_of, (self._model,))

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

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """In a notebook, the chain shows as its service-blueprint diagram (see
        ``servicekit.render.markdown.chain_bundle()``)."""
        bundle: dict[str, str] = later("servicekit.render.markdown").chain_bundle(self)
        return bundle

    def to_html(self) -> str:
        """The chain's hand-offs as an HTML table: who hands what to whom, and its fail
        points (the diagram is ``to_mermaid()``)."""
        text: str = later("servicekit.render.html").chain_html(self)
        return text

    @property
    def graph(self) -> nx.DiGraph[str]:
        """The read-only networkx ``DiGraph``; nodes are ids with ``kind`` and ``entity``.

        It is frozen and its node, edge and graph data are read-only too.
        """
        return self._graph

    @property
    def model(self) -> ServiceModel:
        """The model this chain was built from."""
        return self._model

    def kind(self, node: str) -> str:
        """``role``, ``touchpoint`` or ``customer``; raises ``UnknownIdError``."""
        self._scope(None).require(node)
        return self._kinds[node]

    # -- what scopes are built from ----------------------------------------------------------

    @property
    def kinds(self) -> Mapping[str, str]:
        """Node id -> its kind, for every node of the whole chain."""
        return self._kinds

    @computed_once
    def whole_predecessors(self) -> dict[str, tuple[str, ...]]:
        """Each node's predecessors in the whole chain, as plain tuples for hot traversals."""
        with gc_paused():
            return {node: tuple(before) for node, before in self._graph.pred.items()}

    @computed_once
    def whole_successors(self) -> dict[str, tuple[str, ...]]:
        """Each node's successors in the whole chain, as plain tuples for hot traversals."""
        with gc_paused():
            return {node: tuple(after) for node, after in self._graph.succ.items()}

    @property
    def limited_edges(self) -> Edges:
        """Hand-off edges with a hand-off limited to some customers (``for``), each with
        every hand-off on it."""
        return self._limited_edges

    @computed_once
    def limited_customers(self) -> dict[tuple[str, str], frozenset[str]]:
        """(giver, receiver) -> the customers whose chains hold the edge, for the hand-off
        edges every hand-off of which is limited by ``for``."""
        found: dict[tuple[str, str], frozenset[str]] = {}
        for giver, receiver, handoffs in self.limited_edges:
            if all(h.for_ is not None for h in handoffs):
                found[giver, receiver] = frozenset(c for h in handoffs for c in h.for_ or ())
        return found

    @property
    def required_edges(self) -> Edges:
        """Hand-off edges with a required hand-off, each with every hand-off on it."""
        return self._required_edges

    @computed_once
    def starting_roles(self) -> tuple[str, ...]:
        """Roles whose work starts without a hand-off (``starts: true``)."""
        return tuple(r.id for r in self._model.roles.values() if r.starts)

    def _scope(self, customer: str | None) -> Scope:
        if customer is not None and (
            not isinstance(customer, str) or customer not in self._model.customers
        ):
            raise self._not_a_customer(customer)
        scope = self._scopes.get(customer)
        if scope is None:
            with self._scopes_lock:  # built once, however many threads ask at once
                scope = self._scopes.get(customer)
                if scope is None:
                    with gc_paused():
                        scope = Scope(self, customer)
                    self._scopes[customer] = scope
        return scope

    def _not_a_customer(self, customer: object) -> UnknownIdError:
        """The error for a ``customer=`` that names no customer: one of another kind says
        so, and a touchpoint offers the customers it serves."""
        customers = list(self._model.customers)
        kind = self._kinds.get(customer) if isinstance(customer, str) else None
        if kind is None:
            return UnknownIdError(customer, kind="customer", candidates=customers)
        near = customers if len(customers) <= 8 else []
        if kind == TOUCHPOINT:
            near = list(self._model.touchpoints[str(customer)].customers) or near
        return UnknownIdError(
            customer,
            kind="customer",
            candidates=customers,
            suggestions=near or None,
            note=f"it is a {kind}",
        )

    def view(self, customer: str | None = None) -> nx.DiGraph[str]:
        """A customer's chain as a read-only networkx view of ``graph`` (the whole
        chain's graph itself for ``None``): only the touchpoints serving them, only them
        as a customer, only the hand-off edges with a hand-off for them.

        Examples
        --------
        >>> import servicekit
        >>> view = servicekit.load_example().chain.view("bride")
        >>> "walk-in" in view, view.has_edge("pickup", "bride")
        (False, True)
        """
        if customer is None:
            return self._graph
        scope = self._scope(customer)
        pred = scope.pred
        view: nx.DiGraph[str] = nx.subgraph_view(
            self._graph,
            filter_node=lambda n: n in pred,
            filter_edge=lambda u, v: v in pred and u in pred[v],
        )
        return view

    # -- reach ----------------------------------------------------------------------------

    def upstream(
        self,
        node: str,
        depth: int | None = None,
        *,
        customer: str | None = None,
        backend: str | None = None,
    ) -> Reaches:
        """Every node with a directed path to ``node``, with its shortest distance.

        Ordered by distance, then id; ``node`` itself is left out, even on a cycle.

        Parameters
        ----------
        node : str
            A role, touchpoint or customer id.
        depth : int, optional
            Only nodes at most this many steps away (``0`` gives nothing).
        customer : str, optional
            Answer on this customer's chain: only the hand-offs for them and the
            touchpoints serving them.
        backend : str, optional
            Run the traversal through networkx's backend dispatch
            (``nx.single_source_shortest_path_length(..., backend=backend)`` on the
            reversed view); ``None``, the default, uses the built-in level-by-level BFS.

        Raises
        ------
        UnknownIdError
            When ``node`` (or ``customer``) is not in the model (with did-you-mean
            suggestions).
        NotInChainError
            When ``node`` is not in the customer's chain (a touchpoint that does not
            serve them, another customer).
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
        scope = self._scope(customer)
        scope.require(node)
        _check_depth(depth)
        if backend is not None:
            ids, distances = _dispatched_reach(
                self.view(customer).reverse(copy=False), node, depth, backend
            )
        else:
            ids, distances = bfs_levels(scope.pred, node, depth)
        return Reaches(ids, distances, self._kinds, node, "upstream")

    def downstream(
        self,
        node: str,
        depth: int | None = None,
        *,
        customer: str | None = None,
        backend: str | None = None,
    ) -> Reaches:
        """Every node ``node`` has a directed path to, with its shortest distance.

        The mirror image of ``upstream()``, with the same parameters.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> [r.id for r in chain.downstream("organizer")]
        ['cashier', 'pickup', 'bride', 'walk-in']
        >>> [r.id for r in chain.downstream("organizer", customer="bride")]
        ['cashier', 'pickup', 'bride']
        """
        scope = self._scope(customer)
        scope.require(node)
        _check_depth(depth)
        if backend is not None:
            ids, distances = _dispatched_reach(self.view(customer), node, depth, backend)
        else:
            ids, distances = bfs_levels(scope.succ, node, depth)
        return Reaches(ids, distances, self._kinds, node, "downstream")

    def internal_customers(
        self, role: str, *, customer: str | None = None
    ) -> tuple[InternalCustomer, ...]:
        """An ``InternalCustomer`` for each role receiving ``role``'s hand-offs, by id.

        With ``customer``, only the hand-offs in that customer's chain.
        """
        self._scope(customer).require(role, ROLE)
        received: dict[str, list[Any]] = {}
        for handoff in self._model.roles[role].serves:
            if handoff.admits(customer):
                received.setdefault(handoff.to, []).append(handoff)
        return tuple(
            InternalCustomer(role=target, supplier=role, handoffs=tuple(received[target]))
            for target in sorted(received)
        )

    def customers_of(self, role: str, *, customer: str | None = None) -> CustomersOf:
        """Whom ``role`` serves: internal customers, and external ones at its touchpoints.

        A touchpoint naming no customer serves every one.
        """
        scope = self._scope(customer)
        scope.require(role, ROLE)
        external: set[str] = set()
        touchpoints = self._model.touchpoints
        for node in scope.succ[role]:
            if self._kinds[node] == TOUCHPOINT and touchpoints[node].role == role:
                external.update(c for c in scope.succ[node] if self._kinds[c] != ROLE)
        return CustomersOf(
            role=role,
            internal=self.internal_customers(role, customer=customer),
            external=tuple(self._model.customers[c] for c in sorted(external)),
        )

    def touchpoints_reached(
        self, role: str, *, customer: str | None = None, backend: str | None = None
    ) -> Reaches:
        """The touchpoints ``role``'s work ultimately reaches: its line of sight.

        The touchpoints among ``downstream()`` of ``role``, in its order;
        ``customer`` and ``backend`` are passed on to it.

        Examples
        --------
        >>> import servicekit
        >>> servicekit.load_example().chain.touchpoints_reached("tagger").ids
        ('pickup',)
        """
        self._scope(customer).require(role, ROLE)
        return self.downstream(role, customer=customer, backend=backend).of_kind(TOUCHPOINT)

    def touchpoints_reached_of_all(
        self, roles: Iterable[str], *, first: int = 5, customer: str | None = None
    ) -> dict[str, tuple[int, tuple[str, ...]]]:
        """For each of ``roles``: how many touchpoints its work reaches, and the first
        ``first`` of them by id, from one pass over the chain.

        The count and ids agree with ``touchpoints_reached()`` (``len`` and the
        sorted ids), without a traversal per role.

        Examples
        --------
        >>> import servicekit
        >>> servicekit.load_example().chain.touchpoints_reached_of_all(["tagger", "owner"])
        {'tagger': (1, ('pickup',)), 'owner': (0, ())}
        """
        scope = self._scope(customer)
        wanted = list(roles)
        for role in wanted:
            scope.require(role, ROLE)
        index = scope.index
        touchpoints = sorted(t for t in self._model.touchpoints if t in scope.pred)
        at = index.position
        bits = marked_descendants(index, [at[t] for t in touchpoints], [at[r] for r in wanted])
        found: dict[str, tuple[int, tuple[str, ...]]] = {}
        for role in wanted:
            mine = bits[at[role]]
            ids: list[str] = []
            rest = mine
            while rest and len(ids) < first:
                low = rest & -rest
                ids.append(touchpoints[low.bit_length() - 1])
                rest ^= low
            found[role] = (mine.bit_count(), tuple(ids))
        return found

    # -- where work starts, and what it cannot do without ---------------------------------

    def roots(self, node: str, *, customer: str | None = None) -> tuple[Root, ...]:
        """Where the work reaching ``node`` starts: its roots, nearest first, then by id.

        A root is a node upstream of ``node`` (never ``node`` itself) that is
        *declared*, as the serving role of a touchpoint with ``feeds`` (the customer
        brings work in there) or as a role with ``starts: true``, or that lies in a
        *source* component (nothing reaches it from outside its strongly-connected
        component: revision 1's guess, kept so that a model declaring nothing answers
        as before). Each ``Root`` says why, the first of ``feeds``,
        ``starts`` and ``source`` that holds. In a customer's chain, ``feeds``
        declares only at touchpoints serving that customer.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> chain.roots("cleaner")
        (Root(id='counter-clerk', why='feeds', distance=3),)
        >>> chain.roots("counter-clerk")
        ()
        """
        scope = self._scope(customer)
        scope.require(node)
        ids, distances = bfs_levels(scope.pred, node, None)
        found = []
        for other, distance in zip(ids, distances, strict=True):
            why = scope.why_root(other)
            if why is not None:
                found.append(Root(other, why, distance))
        return tuple(found)

    def critical(
        self, node: str, *, customer: str | None = None, backend: str | None = None
    ) -> Critical:
        """The nodes without which ``node`` is not served: its necessary nodes.

        A node is *served* when it is a root (see ``roots()``) or one of its
        predecessors is served, and the giver of each of its required hand-offs is
        served. Removing x means x is never served while its hand-offs stay (so what
        x approves stays unapproved); the roots are those of the intact chain. The
        necessary nodes of ``node`` are those other than it whose removal leaves it
        unserved. Without required hand-offs they are exactly its dominators over
        the paths from its roots (revision 1's answer when nothing is declared).
        Ordered by upstream distance, then id. Empty when ``node`` is itself a
        declared root or is not served at all. A necessary role is a stage every unit
        of work passes; it is a single point of failure for people only when one
        person holds it (the audit's ``key-person``).

        Parameters
        ----------
        node : str
            A role, touchpoint or customer id.
        customer : str, optional
            Answer on this customer's chain.
        backend : str, optional
            ``None`` (the default) answers from one pass over the whole chain,
            computed once and cached, so asking for every touchpoint costs about one
            pass. With a backend name, ``node``'s upstream subgraph is built and
            networkx's ``ancestors``, ``strongly_connected_components`` and
            ``immediate_dominators`` run on it through the backend dispatch; that
            needs a chain without required hand-offs.

        Raises
        ------
        UnknownIdError
            When ``node`` is not in the model (with did-you-mean suggestions).
        NotInChainError
            When ``node`` is not in the customer's chain.
        UsageError
            With a backend, when the chain has required hand-offs.

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
        scope = self._scope(customer)
        scope.require(node)
        if backend is not None:
            if scope.required:
                raise UsageError(
                    "critical with a backend needs a chain without required hand-offs; "
                    "leave out backend= to answer with the built-in pass"
                )
            found = (
                ()
                if node in scope.declared
                else _dispatched_critical(self.view(customer), node, scope.declared, backend)
            )
        else:
            found = self._necessary(scope, node)
            if scope.required:  # without, the dominator chain is already nearest first
                found = self._by_distance(scope, node, found)
        return Critical(found, self._kinds, node, lambda: self.roots(node, customer=customer))

    def critical_of_all(self, *, customer: str | None = None) -> dict[str, frozenset[str]]:
        """The critical set of every touchpoint (unordered), from one pass over the chain.

        Each set equals ``set(critical(t))``; sets are not ordered, which saves a
        walk per touchpoint on chains with required hand-offs.

        Examples
        --------
        >>> import servicekit
        >>> sets = servicekit.load_example().chain.critical_of_all()
        >>> sorted(sets["drop-off"]), len(sets["pickup"])
        (['counter-clerk'], 7)
        """
        scope = self._scope(customer)
        touchpoints = sorted(t for t in self._model.touchpoints if t in scope.pred)
        return {t: frozenset(self._necessary(scope, t)) for t in touchpoints}

    def _necessary(self, scope: Scope, node: str) -> tuple[str, ...]:
        """The necessary nodes of ``node``: the dominator chain, or the necessity set."""
        if node in scope.declared:
            return ()
        index = scope.index
        target = index.position[node]
        component = index.component[target]
        in_source = scope.source_components[component]
        if not scope.required:
            idom, _ = scope.dominators
            if in_source and len(index.members[component]) > 1:
                return self._critical_in_source_component(scope, target)
            found: list[str] = []
            current = idom[target]
            while current != index.virtual:
                found.append(index.nodes[current])
                current = idom[current]
            return tuple(found)
        if in_source and target not in scope.required_positions:
            return self._necessary_in_source_component(scope, target)
        needs = scope.necessity[target]
        if needs is None:
            return ()
        return tuple(index.nodes[m] for m in needs if m != target)

    def _critical_in_source_component(self, scope: Scope, target: int) -> tuple[str, ...]:
        """Dominators of a node in a source component: the virtual source skips the node."""
        index = scope.index
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

    def _necessary_in_source_component(self, scope: Scope, target: int) -> tuple[str, ...]:
        """Necessary nodes of a node of a source component, itself not a root of itself."""
        index = scope.index
        members = index.members[index.component[target]]
        names = [index.nodes[m] for m in members]
        inside = set(names)
        local = ComponentIndex({n: [s for s in scope.succ[n] if s in inside] for n in names})
        at = local.position
        me = at[index.nodes[target]]
        roots = [True] * len(names)
        roots[me] = False
        required = {
            at[n]: frozenset(at[g] for g in givers)
            for n, givers in scope.required.items()
            if n in inside
        }
        served = served_nodes(local.successors, roots, required)
        needs = necessary_sets(local, served, roots, required)[me]
        if needs is None:
            return ()
        return tuple(local.nodes[m] for m in needs if m != me)

    def _by_distance(self, scope: Scope, node: str, found: tuple[str, ...]) -> tuple[str, ...]:
        """``found`` (all upstream of ``node``) ordered by upstream distance, then id."""
        if len(found) < 2:
            return found
        wanted = set(found)
        distance: dict[str, int] = {}
        pred = scope.pred
        seen = {node}
        level = [node]
        steps = 0
        while level and len(distance) < len(wanted):
            steps += 1
            following: list[str] = []
            for current in level:
                for before in pred[current]:
                    if before not in seen:
                        seen.add(before)
                        following.append(before)
                        if before in wanted:
                            distance[before] = steps
            level = following
        return tuple(sorted(found, key=lambda n: (distance[n], n)))

    def never_served(self) -> tuple[tuple[str, str], ...]:
        """Required hand-offs that can never be served, as ``(giver, receiver)`` pairs.

        Such a hand-off's giver is served neither in the whole chain nor in the
        chain of any customer the hand-off is for: typically a role that asks for an
        approval and also waits for it (two activities, written as one role).
        ``servicekit validate`` warns about each. Ordered by giver, then receiver.

        Examples
        --------
        >>> from servicekit import Handoff, Role, ServiceModel
        >>> model = ServiceModel(roles=[
        ...     Role(id="monitor", serves=["liaison"]),
        ...     Role(id="liaison", starts=True, serves=["commander"]),
        ...     Role(id="commander", serves=[Handoff(to="liaison", required=True)]),
        ... ])
        >>> model.chain.never_served()
        (('commander', 'liaison'),)
        """
        found = []
        for giver, receiver, handoffs in self.required_edges:
            customers: Iterable[str | None]
            if any(h.required and h.for_ is None for h in handoffs):
                customers = (None, *self._model.customers)
            else:
                customers = (
                    None,
                    *dict.fromkeys(c for h in handoffs if h.required and h.for_ for c in h.for_),
                )
            if not any(self._is_served(c, giver) for c in customers):
                found.append((giver, receiver))
        return tuple(sorted(found))

    def _is_served(self, customer: str | None, node: str) -> bool:
        """Whether ``node`` (in the customer's chain) is served there."""
        scope = self._scope(customer)
        return scope.served[scope.index.position[node]]

    def served(self, node: str, *, customer: str | None = None) -> bool:
        """Whether ``node`` is served: reached from a root, with every required hand-off.

        A root is served unless it waits for a required hand-off that never comes.

        Examples
        --------
        >>> import servicekit
        >>> servicekit.load_example().chain.served("pickup")
        True
        """
        self._scope(customer).require(node)
        return self._is_served(customer, node)

    def declared(self, node: str, *, customer: str | None = None) -> str | None:
        """Why ``node`` is a declared start (``feeds`` or ``starts``), or ``None``.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> chain.declared("counter-clerk"), chain.declared("tagger")
        ('feeds', None)
        """
        scope = self._scope(customer)
        scope.require(node)
        return scope.declared.get(node)

    # -- complaints -----------------------------------------------------------------------

    @computed_once
    def categories(self) -> tuple[str, ...]:
        """Every fail point category of the model (hand-offs and touchpoints), sorted."""
        return tuple(sorted({fp.category for _, _, _, fp in fail_points_of(self._model)}))

    def trace(
        self, touchpoint: str, category: str | None = None, *, customer: str | None = None
    ) -> Suspects:
        """Suspects for a defect seen at ``touchpoint``, most likely first.

        The fail points considered are those on hand-offs whose receiving role is
        upstream of the touchpoint, the touchpoint's own, and those of touchpoints
        upstream of it, whose defects flow on through their ``feeds``; only those of
        ``category`` when given; and a fail point with ``shows_at`` only at the
        touchpoints it names. Each is a ``Suspect`` with its
        ``rate`` (``None`` when unknown), its ``escape`` (the best chance, over the
        paths from the receiving role to the touchpoint, that the defect passes every
        role on the way uncaught, the receiving role included, where a role stops
        ``catches[category]`` of them: the worst case over paths), and its ``score``
        (rate x escape, ``None`` when the rate is unknown). A suspect is left out only
        when its rate or its escape is 0. Scored suspects come first by score, then
        unrated ones by escape; values equal to 12 significant digits are ties,
        settled by distance, role id and fail point id.

        Raises
        ------
        UnknownIdError
            When ``touchpoint`` is not a touchpoint of the model, or ``category`` is
            no fail point's category (with the nearest known categories).
        NotInChainError
            When ``touchpoint`` does not serve ``customer``.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> [(s.role, s.fail_point, s.rate, s.escape) for s in chain.trace("pickup", "stain")]
        [('spotter', 'missed-stain', 0.04, 0.5)]
        """
        scope = self._scope(customer)
        scope.require(touchpoint, TOUCHPOINT)
        if category is not None and category not in self.categories:
            raise UnknownIdError(category, kind="category", candidates=self.categories)
        ids, distances = bfs_levels(scope.pred, touchpoint, None)
        distance = dict(zip(ids, distances, strict=True))
        escapes: dict[str, dict[str, float] | None] = {}
        kinds = self._kinds
        model = self._model

        def chance(fail_point: FailPoint, receiver: str) -> float:
            if receiver not in distance:
                return 0.0
            kind = fail_point.category
            if kind not in escapes:
                escapes[kind] = self._escape(scope, touchpoint, kind, distance)
            chances = escapes[kind]
            return 1.0 if chances is None else chances.get(receiver, 0.0)

        def wanted(fail_point: FailPoint) -> bool:
            if category is not None and fail_point.category != category:
                return False
            if fail_point.shows_at is not None and touchpoint not in fail_point.shows_at:
                return False
            return fail_point.rate != 0.0

        suspects: list[Suspect] = []

        def add(
            fail_point: FailPoint,
            role: str,
            receiver: str | None,
            escape: float,
            steps: int,
            at: str | None = None,
        ) -> None:
            if escape <= 0.0:
                return
            rate = fail_point.rate
            suspects.append(
                Suspect(
                    role=role,
                    receiver=receiver,
                    fail_point=fail_point.id,
                    category=fail_point.category,
                    rate=rate,
                    escape=escape,
                    score=None if rate is None else rate * escape,
                    distance=steps,
                    touchpoint=at,
                )
            )

        own = model.touchpoints[touchpoint]
        for fail_point in own.fail_points:
            if wanted(fail_point):
                add(fail_point, own.role, None, 1.0, 0, touchpoint)
        graph_pred = self._graph.pred
        for node in ids:
            kind = kinds[node]
            if kind == ROLE:
                for giver in scope.pred[node]:
                    if kinds[giver] != ROLE:
                        continue
                    for handoff in graph_pred[node][giver]["handoffs"]:
                        if not handoff.admits(customer):
                            continue
                        for fail_point in handoff.fail_points:
                            if wanted(fail_point):
                                escape = chance(fail_point, node)
                                add(fail_point, giver, node, escape, distance[giver])
            elif kind == TOUCHPOINT:
                upstream = model.touchpoints[node]
                for fail_point in upstream.fail_points:
                    if not wanted(fail_point):
                        continue
                    best, escape = None, 0.0
                    for receiver in sorted(upstream.feeds):
                        found = chance(fail_point, receiver)
                        if found > escape:
                            best, escape = receiver, found
                    add(fail_point, upstream.role, best, escape, distance[node], node)
        suspects.sort(key=suspect_order)
        return Suspects(suspects, touchpoint, category)

    def _escape(
        self, scope: Scope, touchpoint: str, category: str, upstream: Mapping[str, int]
    ) -> dict[str, float] | None:
        """The best chance a defect of ``category`` escapes from each node to the touchpoint.

        ``None`` means no upstream role catches the category: everything escapes.
        """
        factor = self._catchers.get(category)
        if factor is None or not any(role in upstream for role in factor):
            return None
        return best_products(scope.pred, touchpoint, factor)

    @computed_once
    def _catchers(self) -> dict[str, dict[str, float]]:
        """Category -> {role: share of its defects the role lets through}, for roles catching it."""
        catchers: dict[str, dict[str, float]] = {}
        for role in self._model.roles.values():
            for category, caught in role.catches.items():
                if caught:
                    catchers.setdefault(category, {})[role.id] = 1.0 - caught
        return catchers

    # -- diagrams (see diagram.py) ----------------------------------------------------------

    def to_mermaid(
        self, *, focus: str | None = None, depth: int | None = None, customer: str | None = None
    ) -> str:
        """The chain as a Mermaid flowchart laid out like a service blueprint."""
        text: str = later("servicekit.render.diagram").to_mermaid(
            self, focus=focus, depth=depth, customer=customer
        )
        return text

    def to_dot(
        self, *, focus: str | None = None, depth: int | None = None, customer: str | None = None
    ) -> str:
        """The chain as Graphviz DOT laid out like a service blueprint."""
        text: str = later("servicekit.render.diagram").to_dot(
            self, focus=focus, depth=depth, customer=customer
        )
        return text

    # -- bulk -----------------------------------------------------------------------------

    def upstream_of_all(
        self, *, customer: str | None = None, backend: str | None = None
    ) -> UpstreamOfAll:
        """The upstream set of every touchpoint, in one pass over the chain.

        A mapping from touchpoint id to a read-only, set-like ``UpstreamSet``
        equal to the ids ``upstream()`` gives. Sets are held as bitsets over the
        chain's strongly-connected components, never as millions of entries. When
        those bitsets would pass 256 MiB (touchpoints x components > ``2**31``, around
        half a million nodes), the pass runs in slices of 65,536 components and
        keeps only each set's size; a set's bitset is then built when first read.

        Parameters
        ----------
        customer : str, optional
            The touchpoints of this customer's chain, and their upstream in it.
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
        scope = self._scope(customer)
        touchpoints = sorted(t for t in self._model.touchpoints if t in scope.pred)
        if backend is None:
            return UpstreamOfAll(scope.index, touchpoints)
        components = cast(
            "Iterable[set[str]]",
            nx.strongly_connected_components(self.view(customer), backend=backend),
        )
        with gc_paused():
            index = ComponentIndex(scope.succ, components)
        return UpstreamOfAll(index, touchpoints)

    # -- selections and roll-ups (see selectors.py and rollup.py) ----------------------------

    def select(
        self,
        *selectors: str,
        exclude: str | Iterable[str] | None = None,
        customer: str | None = None,
    ) -> Selection:
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
        Selection
            A tuple of the ids, ordered by kind (roles, touchpoints, customers), then
            id, that remembers its selectors and each id's kind.

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
        if exclude is None and customer is None and len(selectors) == 1:
            # The commonest call, one selector and nothing more: it takes microseconds.
            text = selectors[0]
            return Selection(select_one(self, text), self._kinds, text)
        found = select_ids(self, selectors, exclude=exclude, customer=customer)
        left_out = exclude if exclude is None or isinstance(exclude, str) else " ".join(exclude)
        return Selection(found, self._kinds, " ".join(selectors), left_out)

    def rollup(self, by: str = "department", *, customer: str | None = None) -> nx.DiGraph[str]:
        """The chain between departments: a new networkx ``DiGraph`` of them.

        Nodes are departments (``kind="department"``, ``roles``: their role ids); a
        role without a department is a node of its own, named by its role id
        (``kind="role"``). An edge A -> B exists when a role of A hands off to a role
        of B (A == B for hand-offs inside a department), with ``count`` (how many
        hand-offs), ``handoffs`` (the ``(giver, receiver)`` role pairs),
        ``fail_points`` (their ``FailPoint`` objects) and ``rates``
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

    @computed_once
    def _selection_scope(self) -> SelectionScope:
        """The whole chain as selectors walk it: adjacency, kinds, the ids of each kind."""
        members = {
            kind: frozenset(n for n, k in self._kinds.items() if k == kind)
            for kind in (ROLE, TOUCHPOINT, CUSTOMER)
        }
        members[NOT_ROLE] = members[TOUCHPOINT] | members[CUSTOMER]
        return SelectionScope(
            self.whole_predecessors, self.whole_successors, self._kinds, None, members
        )
