"""The service chain: a networkx graph of roles, touchpoints and customers, and its queries.

Nodes are ids. Each node has a ``kind`` (``role``, ``touchpoint`` or ``customer``)
and its ``entity``. Edges are hand-offs (role -> role), a role serving at a
touchpoint (role -> touchpoint), a touchpoint serving a customer
(touchpoint -> customer) and what a customer brings into the chain at a
touchpoint (touchpoint -> role, the touchpoint's ``feeds``). Each edge has a
``kind``: ``handoff``, ``serves``, ``customer`` or ``feeds``; hand-off edges
also carry their ``handoffs``. Cycles (rework loops) are legal everywhere.

Examples
--------
>>> import servicekit
>>> chain = servicekit.load_example().chain
>>> [(r.id, r.distance) for r in chain.upstream("pickup", depth=2)]
[('cashier', 1), ('organizer', 2)]
>>> chain.critical("pickup")
('cashier', 'organizer', 'presser', 'cleaner')
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import attrs

from servicekit.errors import UnknownIdError
from servicekit.model import Customer, InternalCustomer

if TYPE_CHECKING:
    import networkx as nx

    from servicekit.model import ServiceModel

__all__ = [
    "CustomersOf",
    "Reach",
    "Reaches",
    "ServiceChain",
    "Suspect",
    "UpstreamOfAll",
    "UpstreamSet",
]

ROLE = "role"
TOUCHPOINT = "touchpoint"
CUSTOMER = "customer"


class Reach(NamedTuple):
    """A node reached by a query, its kind and its shortest distance (in hand-offs)."""

    id: str
    kind: str
    distance: int


class Reaches(Sequence[Reach]):
    """The answer of :meth:`ServiceChain.upstream` and friends: nodes ordered by distance, then id.

    A read-only sequence of :class:`Reach`. It builds each ``Reach`` only when
    asked, so a query over a large chain costs no more than its traversal.
    Compares equal to any sequence of the same ``Reach`` items.
    """

    __slots__ = ("_distances", "_ids", "_kinds")

    def __init__(self, ids: list[str], distances: list[int], kinds: Mapping[str, str]) -> None:
        self._ids = ids
        self._distances = distances
        self._kinds = kinds

    @overload
    def __getitem__(self, index: int) -> Reach: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Reach, ...]: ...

    def __getitem__(self, index: int | slice) -> Reach | tuple[Reach, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        node = self._ids[index]
        return Reach(node, self._kinds[node], self._distances[index])

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[Reach]:
        kinds = self._kinds
        for node, distance in zip(self._ids, self._distances, strict=True):
            yield Reach(node, kinds[node], distance)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{r.id}@{r.distance}" for r in self[:8])
        more = f", ... ({len(self)} in all)" if len(self) > 8 else ""
        return f"Reaches([{shown}{more}])"

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids, in order."""
        return tuple(self._ids)

    def distances(self) -> dict[str, int]:
        """A dict of id -> distance."""
        return dict(zip(self._ids, self._distances, strict=True))

    def of_kind(self, kind: str) -> Reaches:
        """Only the nodes of ``kind`` (``role``, ``touchpoint`` or ``customer``)."""
        pairs = [
            (n, d)
            for n, d in zip(self._ids, self._distances, strict=True)
            if self._kinds[n] == kind
        ]
        return Reaches([n for n, _ in pairs], [d for _, d in pairs], self._kinds)


@attrs.frozen(kw_only=True)
class CustomersOf:
    """Whom a role serves: its internal customers and, through its touchpoints, external ones."""

    role: str
    internal: tuple[InternalCustomer, ...]
    external: tuple[Customer, ...]


@attrs.frozen(kw_only=True)
class Suspect:
    """A fail point that may explain a defect seen at a touchpoint.

    ``role`` makes the hand-off, ``receiver`` receives it; ``score`` is the fail
    point's rate times the best chance the defect escapes to the touchpoint;
    ``distance`` is the role's upstream distance from the touchpoint.
    """

    role: str
    receiver: str
    fail_point: str
    category: str
    score: float
    distance: int


def _bfs(
    adjacency: Mapping[str, Mapping[str, Any]], start: str, depth: int | None
) -> tuple[list[str], list[int]]:
    """Level-by-level BFS; returns ids ordered by (distance, id) and their distances."""
    seen = {start}
    level = [start]
    ids: list[str] = []
    distances: list[int] = []
    distance = 0
    while level and (depth is None or distance < depth):
        distance += 1
        following: list[str] = []
        for node in level:
            for neighbour in adjacency[node]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    following.append(neighbour)
        following.sort()
        ids.extend(following)
        distances.extend([distance] * len(following))
        level = following
    return ids, distances


def _check_depth(depth: int | None) -> None:
    if depth is not None and (not isinstance(depth, int) or isinstance(depth, bool) or depth < 0):
        raise ValueError(f"depth must be a whole number >= 0 or None, got {depth!r}")


class ServiceChain:
    """The graph of a :class:`~servicekit.ServiceModel` and the questions asked of it.

    Get one from ``model.chain``. The networkx graph is :attr:`graph`, frozen:
    any networkx algorithm runs on it, but changes go through the model.
    Answers are cached, since the chain never changes.
    """

    def __init__(self, model: ServiceModel) -> None:
        self._model = model
        self._graph = _build_graph(model)
        self._kinds: dict[str, str] = dict(self._graph.nodes(data="kind"))

    def __repr__(self) -> str:
        g = self._graph
        return (
            f"<ServiceChain {self._model.name!r}: {len(self._model.roles)} roles, "
            f"{len(self._model.touchpoints)} touchpoints, {len(self._model.customers)} customers, "
            f"{g.number_of_edges()} edges>"
        )

    @property
    def graph(self) -> nx.DiGraph:
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

    def upstream(self, node: str, depth: int | None = None) -> Reaches:
        """Every node with a directed path to ``node``, with its shortest distance.

        Ordered by distance, then id; ``node`` itself is left out, even on a cycle.
        ``depth`` limits the distance.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> chain.upstream("cashier", depth=1).ids
        ('organizer',)
        """
        self._require(node)
        _check_depth(depth)
        ids, distances = _bfs(self._graph._pred, node, depth)
        return Reaches(ids, distances, self._kinds)

    def downstream(self, node: str, depth: int | None = None) -> Reaches:
        """Every node ``node`` has a directed path to, with its shortest distance.

        The mirror image of :meth:`upstream`.

        Examples
        --------
        >>> import servicekit
        >>> chain = servicekit.load_example().chain
        >>> [r.id for r in chain.downstream("organizer")]
        ['cashier', 'pickup', 'walk-in']
        """
        self._require(node)
        _check_depth(depth)
        ids, distances = _bfs(self._graph._succ, node, depth)
        return Reaches(ids, distances, self._kinds)

    def internal_customers(self, role: str) -> tuple[InternalCustomer, ...]:
        """An :class:`InternalCustomer` for each role receiving ``role``'s hand-offs, by id."""
        self._require(role, ROLE)
        received: dict[str, list[Any]] = {}
        for handoff in self._model.roles[role].serves:
            received.setdefault(handoff.target, []).append(handoff)
        return tuple(
            InternalCustomer(role=target, supplier=role, handoffs=tuple(received[target]))
            for target in sorted(received)
        )

    def customers_of(self, role: str) -> CustomersOf:
        """Whom ``role`` serves: internal customers, and external ones at its touchpoints."""
        self._require(role, ROLE)
        external: set[str] = set()
        for touchpoint in self._graph._succ[role]:
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

    def touchpoints_reached(self, role: str) -> Reaches:
        """The touchpoints ``role``'s work ultimately reaches: its line of sight.

        Examples
        --------
        >>> import servicekit
        >>> servicekit.load_example().chain.touchpoints_reached("tagger").ids
        ('pickup',)
        """
        self._require(role, ROLE)
        return self.downstream(role).of_kind(TOUCHPOINT)

    # -- single points of failure ---------------------------------------------------------

    def critical(self, node: str) -> tuple[str, ...]:
        """The nodes on *every* path into ``node`` from where its work starts.

        These are the dominators of ``node`` in its upstream subgraph, with a
        virtual source joined to every node (other than ``node``) of each source
        strongly-connected component. Listed from the immediate dominator outwards;
        empty when nothing is upstream. They are the single points of failure.

        One dominator pass over the whole chain answers every node; it is cached.

        Examples
        --------
        >>> import servicekit
        >>> servicekit.load_example().chain.critical("cleaner")
        ('spotter', 'tagger')
        """
        self._require(node)
        index = self._index
        target = index.position[node]
        component = index.component[target]
        if index.is_source[component] and len(index.members[component]) > 1:
            return self._critical_in_source_component(target)
        idom = self._dominators
        found: list[str] = []
        current = idom[target]
        while current != index.virtual:
            found.append(index.nodes[current])
            current = idom[current]
        return tuple(found)

    def _critical_in_source_component(self, target: int) -> tuple[str, ...]:
        index = self._index
        members = index.members[index.component[target]]
        local = {node: i for i, node in enumerate(members)}
        virtual = len(members)
        successors: list[list[int]] = [
            [local[s] for s in index.successors[node] if s in local] for node in members
        ]
        successors.append([local[m] for m in members if m != target])
        idom = _immediate_dominators(successors, virtual)
        found: list[str] = []
        current = idom[local[target]]
        while current != virtual:
            found.append(index.nodes[members[current]])
            current = idom[current]
        return tuple(found)

    @cached_property
    def _index(self) -> _Index:
        return _Index(self._graph)

    @cached_property
    def _dominators(self) -> list[int]:
        index = self._index
        successors: list[list[int]] = list(index.successors)
        successors.append([m for c in index.source_components for m in index.members[c]])
        return _immediate_dominators(successors, index.virtual)

    # -- complaints -----------------------------------------------------------------------

    def trace(self, touchpoint: str, category: str | None = None) -> tuple[Suspect, ...]:
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
        ids, distances = _bfs(self._graph._pred, touchpoint, None)
        distance = dict(zip(ids, distances, strict=True))
        escapes: dict[str, dict[str, float] | None] = {}
        suspects: list[Suspect] = []
        for receiver in ids:
            if self._kinds[receiver] != ROLE:
                continue
            for supplier, data in self._graph._pred[receiver].items():
                for handoff in data.get("handoffs", ()):
                    for fail_point in handoff.fail_points:
                        if category is not None and fail_point.category != category:
                            continue
                        if fail_point.category not in escapes:
                            escapes[fail_point.category] = self._escape(
                                touchpoint, fail_point.category, ids
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
        suspects.sort(key=lambda s: (-round(s.score, 12), s.distance, s.role, s.fail_point))
        return tuple(suspects)

    def _escape(
        self, touchpoint: str, category: str, upstream: list[str]
    ) -> dict[str, float] | None:
        """The best chance a defect of ``category`` escapes from each node to the touchpoint.

        ``None`` means no upstream role catches the category: everything escapes.
        """
        roles = self._model.roles
        factor: dict[str, float] = {}
        for node in upstream:
            if self._kinds[node] == ROLE:
                caught = roles[node].catches.get(category)
                if caught:
                    factor[node] = 1.0 - caught
        if not factor:
            return None
        best: dict[str, float] = {touchpoint: 1.0}
        done: set[str] = set()
        heap: list[tuple[float, str]] = [(-1.0, touchpoint)]
        pred = self._graph._pred
        while heap:
            negative, node = heapq.heappop(heap)
            if node in done:
                continue
            done.add(node)
            chance = -negative
            for before in pred[node]:
                if before in done:
                    continue
                candidate = factor.get(before, 1.0) * chance
                if candidate > best.get(before, -1.0):
                    best[before] = candidate
                    heapq.heappush(heap, (-candidate, before))
        return best

    # -- diagrams (see diagram.py) ----------------------------------------------------------

    def to_mermaid(self, *, focus: str | None = None, depth: int | None = None) -> str:
        """The chain as a Mermaid flowchart laid out like a service blueprint."""
        from servicekit.diagram import to_mermaid

        return to_mermaid(self, focus=focus, depth=depth)

    def to_dot(self, *, focus: str | None = None, depth: int | None = None) -> str:
        """The chain as Graphviz DOT laid out like a service blueprint."""
        from servicekit.diagram import to_dot

        return to_dot(self, focus=focus, depth=depth)

    # -- bulk -----------------------------------------------------------------------------

    def upstream_of_all(self) -> UpstreamOfAll:
        """The upstream set of every touchpoint, in one pass over the chain.

        A mapping from touchpoint id to a read-only, set-like :class:`UpstreamSet`
        equal to the ids :meth:`upstream` gives. Sets are held as bitsets over the
        chain's strongly-connected components, never as millions of entries.

        Examples
        --------
        >>> import servicekit
        >>> everything = servicekit.load_example().chain.upstream_of_all()
        >>> sorted(everything["pickup"]) == sorted(
        ...     servicekit.load_example().chain.upstream("pickup").ids)
        True
        >>> "tagger" in everything["pickup"], len(everything["drop-off"])
        (True, 0)
        """
        return UpstreamOfAll(self._index, sorted(self._model.touchpoints))


# --- the integer index behind bulk queries ------------------------------------------------


class _Index:
    """The chain numbered 0..n-1, its strongly-connected components in topological order."""

    def __init__(self, graph: nx.DiGraph) -> None:
        nodes: list[str] = list(graph)
        position = {node: i for i, node in enumerate(nodes)}
        succ = graph._succ
        successors = [[position[s] for s in succ[node]] for node in nodes]
        self.nodes = nodes
        self.position = position
        self.successors = successors
        self.virtual = len(nodes)
        component, members = _components(successors)
        self.component = component
        self.members = members
        count = len(members)
        has_pred = [False] * count
        for node, targets in enumerate(successors):
            own = component[node]
            for target in targets:
                if component[target] != own:
                    has_pred[component[target]] = True
        self.is_source = [not p for p in has_pred]
        self.source_components = [c for c in range(count) if not has_pred[c]]

    def ancestry_of(self, targets: Iterable[int]) -> dict[int, int]:
        """Bitsets of ancestor components for the components of ``targets``, in one pass.

        Components are numbered in topological order, so one sweep pushes each
        component's ancestry to its successors; a bitset is dropped as soon as the
        sweep is past it, unless one of ``targets`` lives there.
        """
        component, members, successors = self.component, self.members, self.successors
        wanted = {component[t] for t in targets}
        ancestors: dict[int, int] = {}
        kept: dict[int, int] = {}
        for c in range(len(members)):  # topological order
            mine = ancestors.pop(c, 0)
            if c in wanted:
                kept[c] = mine
            with_self = mine | (1 << c)
            for node in members[c]:
                for target in successors[node]:
                    t = component[target]
                    if t != c:
                        ancestors[t] = ancestors.get(t, 0) | with_self
        return kept

    @cached_property
    def multi_member(self) -> list[int]:
        """Components with more than one node (cycles), whose size changes set lengths."""
        return [c for c, m in enumerate(self.members) if len(m) > 1]


def _components(successors: list[list[int]]) -> tuple[list[int], list[list[int]]]:
    """Strongly-connected components, numbered in topological order (iterative Tarjan)."""
    n = len(successors)
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] != -1:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, edge = work[-1]
            targets = successors[node]
            if edge < len(targets):
                work[-1] = (node, edge + 1)
                target = targets[edge]
                if index[target] == -1:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack[target] = True
                    work.append((target, 0))
                elif on_stack[target] and index[target] < low[node]:
                    low[node] = index[target]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                group: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    group.append(member)
                    if member == node:
                        break
                found.append(group)
    # Tarjan finds components sinks first: reverse for a topological numbering.
    found.reverse()
    component = [0] * n
    for number, group in enumerate(found):
        group.sort()
        for member in group:
            component[member] = number
    return component, found


def _immediate_dominators(successors: list[list[int]], start: int) -> list[int]:
    """Cooper, Harvey and Kennedy's iterative dominator algorithm over int adjacency.

    Returns ``idom`` with ``idom[start] == start``; unreachable nodes get -1.
    """
    n = len(successors)
    order: list[int] = []  # postorder
    visited = [False] * n
    visited[start] = True
    work = [(start, 0)]
    while work:
        node, edge = work[-1]
        targets = successors[node]
        if edge < len(targets):
            work[-1] = (node, edge + 1)
            target = targets[edge]
            if not visited[target]:
                visited[target] = True
                work.append((target, 0))
        else:
            work.pop()
            order.append(node)
    rank = [-1] * n
    for number, node in enumerate(order):
        rank[node] = number
    predecessors: list[list[int]] = [[] for _ in range(n)]
    for node in order:
        for target in successors[node]:
            predecessors[target].append(node)
    idom = [-1] * n
    idom[start] = start
    reverse_postorder = order[::-1][1:]
    changed = True
    while changed:
        changed = False
        for node in reverse_postorder:
            new = -1
            for before in predecessors[node]:
                if idom[before] == -1:
                    continue
                if new == -1:
                    new = before
                    continue
                a, b = before, new
                while a != b:
                    while rank[a] < rank[b]:
                        a = idom[a]
                    while rank[b] < rank[a]:
                        b = idom[b]
                new = a
            if idom[node] != new:
                idom[node] = new
                changed = True
    return idom


class UpstreamSet(Set[str]):
    """The upstream ids of one touchpoint, as a read-only set-like view.

    Supports ``len``, ``in``, iteration and comparison with any set. It reads a
    bitset over the chain's components; nothing is materialised until iterated.
    """

    __slots__ = ("_bits", "_component", "_index", "_length", "_target")

    def __init__(self, index: _Index, target: int, bits: int) -> None:
        self._index = index
        self._target = target
        self._component = index.component[target]
        self._bits = bits
        self._length = -1

    def __contains__(self, node: object) -> bool:
        position = self._index.position.get(node) if isinstance(node, str) else None
        if position is None:
            return False
        component = self._index.component[position]
        if component == self._component:
            return position != self._target
        return bool(self._bits >> component & 1)

    def __len__(self) -> int:
        if self._length < 0:
            length = self._bits.bit_count() + len(self._index.members[self._component]) - 1
            for component in self._index.multi_member:
                if self._bits >> component & 1:
                    length += len(self._index.members[component]) - 1
            self._length = length
        return self._length

    def __iter__(self) -> Iterator[str]:
        index = self._index
        nodes, members = index.nodes, index.members
        bits = self._bits
        raw = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
        for byte_number, byte in enumerate(raw):
            if not byte:
                continue
            base = byte_number * 8
            for offset in range(8):
                if byte >> offset & 1:
                    for member in members[base + offset]:
                        yield nodes[member]
        for member in members[self._component]:
            if member != self._target:
                yield nodes[member]

    def __repr__(self) -> str:
        return f"UpstreamSet({len(self)} nodes)"

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> frozenset[Any]:
        return frozenset(it)


class UpstreamOfAll(Mapping[str, UpstreamSet]):
    """Touchpoint id -> :class:`UpstreamSet`, from one pass over the chain."""

    __slots__ = ("_ancestry", "_index", "_known", "_touchpoints")

    def __init__(self, index: _Index, touchpoints: list[str]) -> None:
        self._index = index
        self._touchpoints = touchpoints
        self._known = frozenset(touchpoints)
        self._ancestry = index.ancestry_of([index.position[t] for t in touchpoints])

    def __getitem__(self, touchpoint: str) -> UpstreamSet:
        position = self._index.position.get(touchpoint)
        if position is None or touchpoint not in self._known:
            raise UnknownIdError(touchpoint, kind="touchpoint", candidates=self._touchpoints)
        return UpstreamSet(self._index, position, self._ancestry[self._index.component[position]])

    def __repr__(self) -> str:
        return f"UpstreamOfAll({len(self)} touchpoints)"

    def __iter__(self) -> Iterator[str]:
        return iter(self._touchpoints)

    def __len__(self) -> int:
        return len(self._touchpoints)


# --- building the graph --------------------------------------------------------------------


def _build_graph(model: ServiceModel) -> nx.DiGraph:
    import networkx as nx

    graph = nx.DiGraph(name=model.name)
    graph.add_nodes_from((c.id, {"kind": CUSTOMER, "entity": c}) for c in model.customers.values())
    graph.add_nodes_from((r.id, {"kind": ROLE, "entity": r}) for r in model.roles.values())
    graph.add_nodes_from(
        (t.id, {"kind": TOUCHPOINT, "entity": t}) for t in model.touchpoints.values()
    )
    succ = graph._succ
    for role in model.roles.values():
        for handoff in role.serves:
            data = succ[role.id].get(handoff.target)
            if data is None:
                graph.add_edge(role.id, handoff.target, kind="handoff", handoffs=(handoff,))
            else:
                data["handoffs"] = (*data["handoffs"], handoff)
    for touchpoint in model.touchpoints.values():
        graph.add_edge(touchpoint.role, touchpoint.id, kind="serves")
        graph.add_edges_from((touchpoint.id, c, {"kind": "customer"}) for c in touchpoint.customers)
        graph.add_edges_from((touchpoint.id, r, {"kind": "feeds"}) for r in touchpoint.feeds)
    return nx.freeze(graph)
