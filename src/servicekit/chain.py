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
('cashier', 'organizer', 'presser', 'cleaner', 'spotter', 'tagger', 'counter-clerk')
"""

from __future__ import annotations

import gc
import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
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
    "Suspects",
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

    def _repr_html_(self) -> str:
        from servicekit.display import reaches_html

        return reaches_html(self)

    def _repr_markdown_(self) -> str:
        from servicekit.display import reaches_markdown

        return reaches_markdown(self)

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

    def to_json(self) -> dict[str, Any]:
        """The suspect as the spec's JSON: role, fail_point, category, score, distance."""
        return {
            "role": self.role,
            "fail_point": self.fail_point,
            "category": self.category,
            "score": self.score,
            "distance": self.distance,
        }


class Suspects(tuple[Suspect, ...]):
    """The answer of :meth:`ServiceChain.trace`: a plain tuple of :class:`Suspect`,
    most likely first, that also shows itself as a table in a notebook."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        from servicekit.display import suspects_html

        return suspects_html(self)

    def _repr_markdown_(self) -> str:
        from servicekit.display import suspects_markdown

        return suspects_markdown(self)


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


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small, acyclic objects."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _dispatched_reach(
    graph: nx.DiGraph, node: str, depth: int | None, backend: str
) -> tuple[list[str], list[int]]:
    """``upstream``/``downstream`` through networkx's dispatch: BFS lengths, then the order."""
    import networkx as nx

    lengths = nx.single_source_shortest_path_length(graph, node, cutoff=depth, backend=backend)
    pairs = sorted((d, n) for n, d in lengths.items() if n != node)
    return [n for _, n in pairs], [d for d, _ in pairs]


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
        model = self._model
        counts = ", ".join(
            f"{n} {word if n == 1 else word + 's'}"
            for n, word in (
                (len(model.roles), "role"),
                (len(model.touchpoints), "touchpoint"),
                (len(model.customers), "customer"),
                (self._graph.number_of_edges(), "edge"),
            )
        )
        return f"<ServiceChain {model.name!r}: {counts}>"

    def _repr_html_(self) -> str:
        from servicekit.display import chain_html

        return chain_html(self)

    def _repr_markdown_(self) -> str:
        from servicekit.display import chain_markdown

        return chain_markdown(self)

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
            ids, distances = _bfs(self._graph._pred, node, depth)
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
        idom = _immediate_dominators(successors, virtual)
        found: list[str] = []
        current = idom[local[target]]
        while current != virtual:
            found.append(index.nodes[members[current]])
            current = idom[current]
        return tuple(found)

    @cached_property
    def _index(self) -> _Index:
        with _gc_paused():
            return _Index(self._graph)

    @cached_property
    def _dominators(self) -> tuple[list[int], list[bool]]:
        with _gc_paused():
            return _dominator_tree(self._index)

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

        A max-product Dijkstra backwards from the touchpoint, each node weighing
        ``1 - catches[category]``; nodes every defect reaches (chance 1) skip the
        heap. ``None`` means no upstream role catches the category: everything escapes.
        """
        factor = self._catchers.get(category)
        if factor is None or not any(role in upstream for role in factor):
            return None
        best: dict[str, float] = {touchpoint: 1.0}
        done: set[str] = set()
        certain = [touchpoint]  # reached with chance 1, the most there is: done first
        heap: list[tuple[float, str]] = []
        pred = self._graph._pred
        while certain or heap:
            if certain:
                node, chance = certain.pop(), 1.0
            else:
                negative, node = heapq.heappop(heap)
                chance = -negative
            if node in done:
                continue
            done.add(node)
            for before in pred[node]:
                if before in done:
                    continue
                candidate = factor.get(before, 1.0) * chance
                if candidate > best.get(before, -1.0):
                    best[before] = candidate
                    if candidate == 1.0:
                        certain.append(before)
                    else:
                        heapq.heappush(heap, (-candidate, before))
        return best

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
        from servicekit.diagram import to_mermaid

        return to_mermaid(self, focus=focus, depth=depth)

    def to_dot(self, *, focus: str | None = None, depth: int | None = None) -> str:
        """The chain as Graphviz DOT laid out like a service blueprint."""
        from servicekit.diagram import to_dot

        return to_dot(self, focus=focus, depth=depth)

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
        import networkx as nx

        components = nx.strongly_connected_components(self._graph, backend=backend)
        with _gc_paused():
            index = _Index(self._graph, components)
        return UpstreamOfAll(index, touchpoints)


# --- the integer index behind bulk queries ------------------------------------------------


#: Bits of ancestry ``upstream_of_all`` keeps (touchpoints x components) before it
#: switches to slices: 2**31 bits are 256 MiB.
KEEP_BITS = 1 << 31
#: Components per slice of the bulk ancestry sweep on chains past ``KEEP_BITS``, so no
#: more than this many bits of each pending bitset are held at once.
WINDOW = 1 << 16


class _Index:
    """The chain numbered 0..n-1, its strongly-connected components in topological order.

    ``components``, when given (sets of ids, e.g. from a networkx backend), are
    numbered here; otherwise they are found with an iterative Tarjan.
    """

    def __init__(
        self, graph: nx.DiGraph, components: Iterable[Iterable[str]] | None = None
    ) -> None:
        nodes: list[str] = list(graph)
        position = {node: i for i, node in enumerate(nodes)}
        succ = graph._succ
        at = position.__getitem__
        successors = [list(map(at, targets)) for targets in succ.values()]
        self.nodes = nodes
        self.position = position
        self.successors = successors
        self.virtual = len(nodes)
        if components is None:
            component, members = _components(successors)
        else:
            component, members = _topological(
                [[position[n] for n in c] for c in components], successors
            )
        self.component = component
        self.members = members

    def ancestry_of(
        self, targets: Iterable[int], window: int = WINDOW
    ) -> tuple[dict[int, int], dict[int, int] | None]:
        """Upstream sizes and bitsets of ancestor components for the components of ``targets``.

        Components are numbered in topological order, so one sweep pushes each
        component's ancestry to its successors; a bitset is dropped as soon as the
        sweep is past it. Returns ``(counts, kept)``: ``counts`` maps each target
        component to the number of nodes in its ancestor components, ``kept`` to
        its bitset. When there are more components than ``window``, the sweep runs
        once per slice of ``window`` bits, keeping only the counts (``kept`` is
        ``None``), so no more than a slice of each bitset is ever held.
        """
        component, members, successors = self.component, self.members, self.successors
        total = len(members)
        wanted = {component[t] for t in targets}
        counts = dict.fromkeys(wanted, 0)
        kept: dict[int, int] | None = {} if total <= window else None
        for low in range(0, total, window):
            high = min(low + window, total)
            clip = (1 << (high - low)) - 1
            masks = [(extra, mask >> low & clip) for extra, mask in self.extra_masks]
            masks = [(extra, mask) for extra, mask in masks if mask]
            pending: dict[int, int] = {}
            for c in range(low, total):  # topological order
                mine = pending.pop(c, 0)
                if c in wanted:
                    counts[c] += mine.bit_count() + sum(
                        extra * (mine & mask).bit_count() for extra, mask in masks
                    )
                    if kept is not None:
                        kept[c] = mine
                if c < high:
                    mine |= 1 << (c - low)
                elif not mine:
                    continue
                for node in members[c]:
                    for target in successors[node]:
                        t = component[target]
                        if t != c:
                            pending[t] = pending.get(t, 0) | mine
        return counts, kept

    def ancestor_bits(self, target: int) -> int:
        """The bitset of ``target``'s ancestor components (its own left out), by a reverse BFS."""
        component = self.component
        own = component[target]
        predecessors = self.predecessors
        marks = bytearray((len(self.members) + 7) // 8)
        seen = {target}
        frontier = [target]
        while frontier:
            following: list[int] = []
            for node in frontier:
                for before in predecessors[node]:
                    if before not in seen:
                        seen.add(before)
                        following.append(before)
                        c = component[before]
                        if c != own:
                            marks[c >> 3] |= 1 << (c & 7)
            frontier = following
        return int.from_bytes(marks, "little")

    @cached_property
    def predecessors(self) -> list[list[int]]:
        """Predecessor lists, built on first use."""
        predecessors: list[list[int]] = [[] for _ in self.nodes]
        for node, targets in enumerate(self.successors):
            for target in targets:
                predecessors[target].append(node)
        return predecessors

    @cached_property
    def extra_masks(self) -> list[tuple[int, int]]:
        """``(size - 1, mask)`` per size of the components with more than one node.

        A set bit stands for a whole component, so a set's length is its bit
        count plus, for each such mask, ``size - 1`` per bit it shares with it.
        """
        masks: dict[int, int] = {}
        for c, group in enumerate(self.members):
            if len(group) > 1:
                masks[len(group) - 1] = masks.get(len(group) - 1, 0) | 1 << c
        return sorted(masks.items())


def _topological(
    groups: list[list[int]], successors: list[list[int]]
) -> tuple[list[int], list[list[int]]]:
    """Number given strongly-connected components in topological order (Kahn)."""
    component = [0] * len(successors)
    for number, group in enumerate(groups):
        for member in group:
            component[member] = number
    indegree = [0] * len(groups)
    for node, targets in enumerate(successors):
        for target in targets:
            if component[target] != component[node]:
                indegree[component[target]] += 1
    ready = [c for c, d in enumerate(indegree) if d == 0]
    order: list[int] = []
    while ready:
        c = ready.pop()
        order.append(c)
        for node in groups[c]:
            for target in successors[node]:
                t = component[target]
                if t != c:
                    indegree[t] -= 1
                    if indegree[t] == 0:
                        ready.append(t)
    members = [sorted(groups[c]) for c in order]
    for number, group in enumerate(members):
        for member in group:
            component[member] = number
    return component, members


def _components(successors: list[list[int]]) -> tuple[list[int], list[list[int]]]:
    """Strongly-connected components, numbered in topological order (iterative Tarjan).

    A visited node not yet given a component is on Tarjan's stack, so no
    separate on-stack flags are kept.
    """
    n = len(successors)
    index = [-1] * n
    low = [0] * n
    found_in = [-1] * n
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        work = [(root, iter(successors[root]))]
        while work:
            node, targets = work[-1]
            for target in targets:
                if index[target] == -1:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    work.append((target, iter(successors[target])))
                    break
                if found_in[target] == -1 and index[target] < low[node]:
                    low[node] = index[target]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[node] < low[parent]:
                        low[parent] = low[node]
                if low[node] == index[node]:
                    number = len(found)
                    group: list[int] = []
                    while True:
                        member = stack.pop()
                        found_in[member] = number
                        group.append(member)
                        if member == node:
                            break
                    found.append(group)
    # Tarjan finds components sinks first: reverse for a topological numbering.
    last = len(found) - 1
    found.reverse()
    for group in found:
        group.sort()
    return [last - f for f in found_in], found


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


#: The virtual source of the dispatched dominator pass; never a node id (ids are strings).
_VIRTUAL = ("servicekit", "virtual source")


def _dispatched_critical(graph: nx.DiGraph, node: str, backend: str) -> tuple[str, ...]:
    """``critical`` as SPEC words it, with networkx algorithms run through ``backend``."""
    import networkx as nx

    upstream = nx.ancestors(graph, node, backend=backend)
    if not upstream:
        return ()
    upstream.add(node)
    sub = graph.subgraph(upstream)
    flow = nx.DiGraph(sub.edges)
    flow.add_nodes_from(sub)
    for members in nx.strongly_connected_components(sub, backend=backend):
        if not any(p not in members for m in members for p in sub._pred[m]):
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


def _dominator_tree(index: _Index) -> tuple[list[int], list[bool]]:
    """Immediate dominators of every node, from a virtual source joined to each source component.

    One sweep over the components in topological order. A component's entry
    edges all come from components already done, so the dominator of everything
    entered only through them is the nearest common dominator (``meet``) of their
    tails; inside a cycle the local dominators (Cooper-Harvey-Kennedy over the
    component's own edges) refine it. Returns ``idom`` indexed by node, with
    ``idom[virtual] == virtual``, and whether each component is a source.
    """
    virtual = index.virtual
    component, members, successors = index.component, index.members, index.successors
    idom = [-1] * (virtual + 1)
    depth = [0] * (virtual + 1)
    idom[virtual] = virtual
    # entry[c]: the meet of the tails of the edges entering component c so far.
    entry = [-1] * len(members)
    is_source = [False] * len(members)
    entered: set[int] = set()  # members of cycles with an edge from outside
    cyclic = [len(group) > 1 for group in members]

    def meet(a: int, b: int) -> int:
        while a != b:
            da, db = depth[a], depth[b]
            if da >= db:
                a = idom[a]
            if db >= da:
                b = idom[b]
        return a

    for c, group in enumerate(members):
        top = entry[c]
        if top == -1:
            is_source[c] = True
            top = virtual
        if len(group) == 1:
            (node,) = group
            idom[node] = top
            depth[node] = depth[top] + 1
        else:
            local = {m: i for i, m in enumerate(group)}
            start = len(group)
            inner = [[local[t] for t in successors[m] if t in local] for m in group]
            inner.append(
                list(range(start))
                if is_source[c]
                else [i for i, m in enumerate(group) if m in entered]
            )
            local_idom = _immediate_dominators(inner, start)
            # Fill in dominator-tree order so each depth is known before its children's.
            children: list[list[int]] = [[] for _ in range(start + 1)]
            for i in range(start):
                children[local_idom[i]].append(i)
            stack = [start]
            while stack:
                i = stack.pop()
                for child in children[i]:
                    node = group[child]
                    parent = top if i == start else group[i]
                    idom[node] = parent
                    depth[node] = depth[parent] + 1
                    stack.append(child)
        for node in group:
            for t in successors[node]:
                d = component[t]
                if d == c:
                    continue
                e = entry[d]
                if e == -1:
                    entry[d] = node
                elif e != node:
                    entry[d] = meet(e, node)
                if cyclic[d]:
                    entered.add(t)
    return idom, is_source


class _BitsCache:
    """The bitsets of recently read upstream sets, up to ``limit`` bits in all (oldest go first)."""

    __slots__ = ("_bits", "_held", "_limit")

    def __init__(self, limit: int) -> None:
        self._bits: dict[int, int] = {}
        self._held = 0
        self._limit = limit

    def get(self, component: int) -> int | None:
        bits = self._bits.pop(component, None)
        if bits is not None:
            self._bits[component] = bits  # most recent last
        return bits

    def put(self, component: int, bits: int) -> None:
        self._bits[component] = bits
        self._held += bits.bit_length()
        while self._held > self._limit and len(self._bits) > 1:
            oldest = next(iter(self._bits))
            self._held -= self._bits.pop(oldest).bit_length()


class UpstreamSet(Set[str]):
    """The upstream ids of one touchpoint, as a read-only set-like view.

    Supports ``len``, ``in``, iteration, hashing and comparison with any set
    (``==``, ``<=``, ``&``, ``|`` ... give what a ``frozenset`` would). It reads a
    bitset over the chain's components; nothing is materialised until iterated.
    On very large chains the bitset itself is built on first use (a reverse BFS),
    while ``len`` comes from the bulk pass.
    """

    __slots__ = ("_bits", "_cache", "_component", "_index", "_length", "_target")

    def __init__(
        self,
        index: _Index,
        target: int,
        bits: int | None,
        length: int,
        cache: _BitsCache | None = None,
    ) -> None:
        self._index = index
        self._target = target
        self._component = index.component[target]
        self._bits = bits
        self._length = length
        self._cache = cache

    @property
    def _ancestry(self) -> int:
        """The bitset of ancestor components (the target's own component left out)."""
        if self._bits is None:
            cache = self._cache
            bits = None if cache is None else cache.get(self._component)
            if bits is None:
                bits = self._index.ancestor_bits(self._target)
                if cache is not None:
                    cache.put(self._component, bits)
            self._bits = bits
        return self._bits

    def __contains__(self, node: object) -> bool:
        position = self._index.position.get(node) if isinstance(node, str) else None
        if position is None:
            return False
        component = self._index.component[position]
        if component == self._component:
            return position != self._target
        return bool(self._ancestry >> component & 1)

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[str]:
        index = self._index
        nodes, members = index.nodes, index.members
        bits = self._ancestry
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

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UpstreamSet) and other._index is self._index:
            if self._length != other._length:
                return False
            members = self._index.members
            if len(members[self._component]) == 1 == len(members[other._component]):
                # Each set is then exactly the union of its bits' components.
                return self._ancestry == other._ancestry
        return super().__eq__(other)

    def __hash__(self) -> int:
        return self._hash()

    def __repr__(self) -> str:
        return f"UpstreamSet({len(self)} nodes)"

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> frozenset[Any]:
        return frozenset(it)


class UpstreamOfAll(Mapping[str, UpstreamSet]):
    """Touchpoint id -> :class:`UpstreamSet`, from one pass over the chain."""

    __slots__ = ("_ancestry", "_cache", "_counts", "_index", "_known", "_touchpoints")

    def __init__(self, index: _Index, touchpoints: list[str], window: int | None = None) -> None:
        self._index = index
        self._touchpoints = touchpoints
        self._known = frozenset(touchpoints)
        if window is None:
            total = len(index.members)
            window = max(1, total) if len(touchpoints) * total <= KEEP_BITS else WINDOW
        with _gc_paused():
            self._counts, self._ancestry = index.ancestry_of(
                [index.position[t] for t in touchpoints], window
            )
        # Sliced: bitsets are built when read; keep the recent ones for the next reader.
        self._cache = None if self._ancestry is not None else _BitsCache(KEEP_BITS // 4)

    def __getitem__(self, touchpoint: str) -> UpstreamSet:
        if touchpoint not in self._known:
            raise UnknownIdError(touchpoint, kind="touchpoint", candidates=self._touchpoints)
        index = self._index
        position = index.position[touchpoint]
        component = index.component[position]
        bits = None if self._ancestry is None else self._ancestry[component]
        length = self._counts[component] + len(index.members[component]) - 1
        return UpstreamSet(index, position, bits, length, self._cache)

    def __repr__(self) -> str:
        return f"UpstreamOfAll({len(self)} touchpoints)"

    def __iter__(self) -> Iterator[str]:
        return iter(self._touchpoints)

    def __len__(self) -> int:
        return len(self._touchpoints)


# --- building the graph --------------------------------------------------------------------


def _build_graph(model: ServiceModel) -> nx.DiGraph:
    with _gc_paused():
        return _graph_of(model)


def _graph_of(model: ServiceModel) -> nx.DiGraph:
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
