"""Graph algorithms written for speed: BFS by levels, Tarjan, dominators, bitsets, best paths.

Each works on plain Python structures (ids, or nodes numbered 0..n-1 with
successor lists) so that a query over a large chain costs no more than its
traversal. Each is checked against networkx on generated graphs with cycles
(``tests/chain/test_algorithms.py``); ``ServiceChain`` is
their only user in the library.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from servicekit._runtime import LOCK, computed_once

__all__ = [
    "KEEP_BITS",
    "WINDOW",
    "BitsCache",
    "ComponentIndex",
    "best_products",
    "best_reach",
    "bfs_levels",
    "bfs_order",
    "bfs_reach",
    "dominator_tree",
    "immediate_dominators",
    "marked_descendants",
    "necessary_sets",
    "served_nodes",
    "strongly_connected_components",
    "topological_components",
]


def bfs_levels(
    adjacency: Mapping[str, Iterable[str]], start: str, depth: int | None
) -> tuple[list[str], list[int]]:
    """Level-by-level BFS from ``start``: ids ordered by (distance, id), and their distances.

    ``start`` itself is left out, even on a cycle; ``depth`` stops after that many steps.

    Examples
    --------
    >>> bfs_levels({"a": ["b", "c"], "b": ["c"], "c": ["a"]}, "a", None)
    (['b', 'c'], [1, 1])
    """
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


#: Bits of ancestry ``upstream_of_all`` keeps (touchpoints x components) before it
#: switches to slices: 2**31 bits are 256 MiB.
KEEP_BITS = 1 << 31
#: Components per slice of the bulk ancestry sweep on chains past ``KEEP_BITS``, so no
#: more than this many bits of each pending bitset are held at once.
WINDOW = 1 << 16


class ComponentIndex:
    """The chain numbered 0..n-1, its strongly-connected components in topological order.

    ``succ`` maps each node to its successors (a graph's ``succ`` will do).
    ``components``, when given (sets of ids, e.g. from a networkx backend), are
    numbered here; otherwise they are found with an iterative Tarjan.

    Examples
    --------
    >>> index = ComponentIndex({"a": ["b"], "b": ["a", "c"], "c": []})
    >>> [[index.nodes[m] for m in group] for group in index.members]
    [['a', 'b'], ['c']]
    """

    def __init__(
        self,
        succ: Mapping[str, Iterable[str]],
        components: Iterable[Iterable[str]] | None = None,
    ) -> None:
        nodes: list[str] = list(succ)
        position = {node: i for i, node in enumerate(nodes)}
        at = position.__getitem__
        successors = [list(map(at, targets)) for targets in succ.values()]
        self.nodes = nodes
        self.position = position
        self.successors = successors
        self.virtual = len(nodes)
        if components is None:
            component, members = strongly_connected_components(successors)
        else:
            component, members = topological_components(
                [[position[n] for n in c] for c in components], successors
            )
        self.component = component
        self.members = members

    def __getstate__(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != LOCK}

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

    @computed_once
    def predecessors(self) -> list[list[int]]:
        """Predecessor lists, built on first use."""
        predecessors: list[list[int]] = [[] for _ in self.nodes]
        for node, targets in enumerate(self.successors):
            for target in targets:
                predecessors[target].append(node)
        return predecessors

    @computed_once
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


def topological_components(
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


def strongly_connected_components(successors: list[list[int]]) -> tuple[list[int], list[list[int]]]:
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


def immediate_dominators(successors: list[list[int]], start: int) -> list[int]:
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


def dominator_tree(
    index: ComponentIndex, declared: Collection[int] = ()
) -> tuple[list[int], list[bool]]:
    """Immediate dominators of every node, from a virtual source joined to every root.

    The roots are every node of each source component, and the ``declared``
    nodes (where work is declared to start). One sweep over the components in
    topological order. A component's entry edges all come from components
    already done, so the dominator of everything entered only through them is
    the nearest common dominator (``meet``) of their tails (the virtual source,
    for a component holding a declared node); inside a cycle the local
    dominators (Cooper-Harvey-Kennedy over the component's own edges) refine it.
    Returns ``idom`` indexed by node, with ``idom[virtual] == virtual``, and
    whether each component is a source.
    """
    virtual = index.virtual
    component, members, successors = index.component, index.members, index.successors
    idom = [-1] * (virtual + 1)
    depth = [0] * (virtual + 1)
    idom[virtual] = virtual
    # entry[c]: the meet of the tails of the edges entering component c so far.
    entry = [-1] * len(members)
    is_source = [False] * len(members)
    entered: set[int] = set()  # members of cycles with an edge from outside (or declared)
    cyclic = [len(group) > 1 for group in members]
    # A component holding a declared node is entered from the virtual source too.
    from_virtual = [False] * len(members)
    for node in declared:
        from_virtual[component[node]] = True
        entered.add(node)

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
        elif from_virtual[c]:
            top = virtual  # the meet of anything with the virtual source is the source
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
            local_idom = immediate_dominators(inner, start)
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


def served_nodes(
    successors: Sequence[Sequence[int]],
    roots: Sequence[bool],
    required: Mapping[int, Collection[int]],
) -> list[bool]:
    """Which nodes are *served*: the least fixed point of SPEC's rule, in one pass.

    A node is served when (a) it is a root or at least one of its predecessors is
    served, and (b) the giver of every one of its required hand-offs
    (``required[node]``, distinct givers) is served. A node with required
    hand-offs is therefore served exactly when all their givers are (they are
    predecessors, so (a) follows), root or not. Without ``required`` this is
    plain reachability from the roots. ``successors`` lists distinct targets.

    Examples
    --------
    >>> # a -> b -> c, c's hand-off from b required, a the root; then c also needs d
    >>> served_nodes([[1], [2], [], [2]], [True, False, False, False], {2: {1}})
    [True, True, True, False]
    >>> served_nodes([[1], [2], [], [2]], [True, False, False, False], {2: {1, 3}})
    [True, True, False, False]
    """
    n = len(successors)
    served = [False] * n
    waiting = [0] * n
    for node, givers in required.items():
        waiting[node] = len(givers)
    ready = [node for node in range(n) if roots[node] and node not in required]
    for node in ready:
        served[node] = True
    while ready:
        node = ready.pop()
        for target in successors[node]:
            if served[target]:
                continue
            needs = required.get(target)
            if needs is None:
                served[target] = True
                ready.append(target)
            elif node in needs:
                waiting[target] -= 1
                if waiting[target] == 0:
                    served[target] = True
                    ready.append(target)
    return served


#: A necessity set not yet narrowed down: every node (the top of the lattice).
_EVERY: frozenset[int] = frozenset({-1})


def necessary_sets(
    index: ComponentIndex,
    served: Sequence[bool],
    roots: Sequence[bool],
    required: Mapping[int, Collection[int]],
) -> list[frozenset[int] | None]:
    """For every served node, the nodes without which it is not served (itself included).

    Removing x means x is never served while its hand-offs stay. The sets are
    the greatest fixed point of: a root with no required hand-off needs only
    itself; a node with required hand-offs needs itself and everything each giver
    needs (it waits for all of them); any other node needs itself and what every
    served predecessor needs (any one of them will do). Without required hand-offs
    these are the dominator sets. Components are solved in topological order, a
    cycle by narrowing every member down from "every node" until nothing changes.
    Unserved nodes get ``None``.

    Examples
    --------
    >>> index = ComponentIndex({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []})
    >>> found = necessary_sets(index, [True] * 4, [True, False, False, False], {3: {1, 2}})
    >>> [sorted(index.nodes[m] for m in s) for s in found]
    [['a'], ['a', 'b'], ['a', 'c'], ['a', 'b', 'c', 'd']]
    """
    predecessors = index.predecessors
    result: list[frozenset[int] | None] = [None] * len(served)

    def solve(node: int) -> frozenset[int]:
        givers = required.get(node)
        if givers is not None:
            found: set[int] = {node}
            for giver in givers:
                theirs = result[giver]
                if theirs is _EVERY or theirs is None:
                    return _EVERY
                found |= theirs
            return frozenset(found)
        if roots[node]:
            return frozenset((node,))
        common: frozenset[int] | None = None
        for before in predecessors[node]:
            theirs = result[before]
            if theirs is None or theirs is _EVERY:
                continue
            common = theirs if common is None else common & theirs
            if len(common) == 0:
                break
        if common is None:
            return _EVERY
        return common | {node}

    for group in index.members:
        alive = [node for node in group if served[node]]
        if not alive:
            continue
        if len(alive) == 1 and len(group) == 1:
            result[alive[0]] = solve(alive[0])
            continue
        for node in alive:
            result[node] = _EVERY
        changed = True
        while changed:
            changed = False
            for node in alive:
                found = solve(node)
                if found != result[node]:
                    result[node] = found
                    changed = True
    return result


def marked_descendants(
    index: ComponentIndex, marked: Iterable[int], wanted: Collection[int]
) -> dict[int, int]:
    """For each ``wanted`` node, the bitset of the other ``marked`` nodes it has a path to.

    Bit ``k`` stands for the ``k``-th marked node, in the order given; a node's own
    mark never counts (as ``downstream`` leaves the node out). One sweep over the
    components in reverse topological order: each component's bitset is the union
    of its successors', and is dropped once every component before it is done.

    Examples
    --------
    >>> index = ComponentIndex({"a": ["b"], "b": ["t"], "t": [], "u": []})
    >>> marks = [index.position["t"], index.position["u"]]
    >>> found = marked_descendants(index, marks, [index.position["a"], index.position["t"]])
    >>> found[index.position["a"]], found[index.position["t"]]
    (1, 0)
    """
    component, members, successors = index.component, index.members, index.successors
    bit_of: dict[int, int] = {}
    for number, node in enumerate(marked):
        bit_of.setdefault(node, number)
    own = [0] * len(members)  # the marks inside each component
    for node, bit in bit_of.items():
        own[component[node]] |= 1 << bit
    wanted_by_component: dict[int, list[int]] = {}
    for node in wanted:
        wanted_by_component.setdefault(component[node], []).append(node)
    # How many later components still need a component's bits (its predecessors' count).
    pending: dict[int, int] = {}  # component -> bitset of everything it reaches
    users = [0] * len(members)
    for c, group in enumerate(members):
        seen: set[int] = set()
        for node in group:
            for target in successors[node]:
                d = component[target]
                if d != c and d not in seen:
                    seen.add(d)
                    users[d] += 1
    found: dict[int, int] = {}
    for c in range(len(members) - 1, -1, -1):
        group = members[c]
        below = 0
        seen = set()
        for node in group:
            for target in successors[node]:
                d = component[target]
                if d == c or d in seen:
                    continue
                seen.add(d)
                reached = pending[d]
                below |= reached
                users[d] -= 1
                if users[d] == 0:
                    del pending[d]
        reach = below | own[c]
        for node in wanted_by_component.get(c, ()):
            mine = bit_of.get(node)
            found[node] = reach if mine is None else reach & ~(1 << mine)
        if users[c]:
            pending[c] = reach
    return found


class BitsCache:
    """The bitsets of recently read upstream sets, up to ``limit`` bits in all (oldest go first).

    Shared by every reader of one ``UpstreamOfAll``, so safe to use from
    many threads at once; it pickles and copies empty.
    """

    __slots__ = ("_bits", "_held", "_limit", "_lock")

    def __init__(self, limit: int) -> None:
        self._bits: dict[int, int] = {}
        self._held = 0
        self._limit = limit
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        return (BitsCache, (self._limit,))

    def get(self, component: int) -> int | None:
        with self._lock:
            bits = self._bits.pop(component, None)
            if bits is not None:
                self._bits[component] = bits  # most recent last
            return bits

    def put(self, component: int, bits: int) -> None:
        with self._lock:
            old = self._bits.pop(component, None)
            if old is not None:
                self._held -= old.bit_length()
            self._bits[component] = bits
            self._held += bits.bit_length()
            while self._held > self._limit and len(self._bits) > 1:
                oldest = next(iter(self._bits))
                self._held -= self._bits.pop(oldest).bit_length()


def best_products(
    predecessors: Mapping[str, Iterable[str]], target: str, factor: Mapping[str, float]
) -> dict[str, float]:
    """For every node upstream of ``target``, the best product of ``factor`` to reach it.

    A max-product Dijkstra backwards from ``target``: a path's value is the
    product of ``factor[node]`` (1 when absent) over its nodes before
    ``target``; each node gets the best value over its paths. Nodes reached
    with value 1, the most there is, skip the heap.

    Examples
    --------
    >>> best_products({"t": ["b"], "b": ["a"], "a": []}, "t", {"b": 0.5})
    {'t': 1.0, 'b': 0.5, 'a': 0.5}
    """
    best: dict[str, float] = {target: 1.0}
    done: set[str] = set()
    certain = [target]  # reached with value 1: done first
    heap: list[tuple[float, str]] = []
    while certain or heap:
        if certain:
            node, value = certain.pop(), 1.0
        else:
            negative, node = heapq.heappop(heap)
            value = -negative
        if node in done:
            continue
        done.add(node)
        for before in predecessors[node]:
            if before in done:
                continue
            candidate = factor.get(before, 1.0) * value
            if candidate > best.get(before, -1.0):
                best[before] = candidate
                if candidate == 1.0:
                    certain.append(before)
                else:
                    heapq.heappush(heap, (-candidate, before))
    return best


# --- selections and comparisons (selectors, diff) --------------------------------------------


def bfs_reach(
    adjacency: Mapping[str, Iterable[str]], starts: Iterable[str], depth: int | None
) -> set[str]:
    """The nodes within ``depth`` steps of any of ``starts``, the starts included.

    A level-by-level BFS from all the starts at once, as ``bfs_levels()`` walks
    from one, without ordering anything: selectors order their answer once, at the end.

    Examples
    --------
    >>> sorted(bfs_reach({"a": ["b"], "b": ["c"], "c": [], "d": ["c"]}, ["a", "d"], 1))
    ['a', 'b', 'c', 'd']
    """
    seen = set(starts)
    level = list(seen)
    distance = 0
    while level and (depth is None or distance < depth):
        distance += 1
        following: list[str] = []
        add = following.append
        for node in level:
            for neighbour in adjacency[node]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    add(neighbour)
        level = following
    return seen


def bfs_order(adjacency: Mapping[str, Iterable[str]], start: str, depth: int | None) -> list[str]:
    """The nodes within ``depth`` steps of ``start``, in the order a BFS finds them.

    ``bfs_levels()`` without sorting each level and without distances, for a
    caller that orders the answer once itself; ``start`` is left out, even on a cycle.

    Examples
    --------
    >>> sorted(bfs_order({"a": ["b", "c"], "b": ["c"], "c": ["a"]}, "a", None))
    ['b', 'c']
    """
    seen = {start}
    level = [start]
    found: list[str] = []
    distance = 0
    while level and (depth is None or distance < depth):
        distance += 1
        following: list[str] = []
        add = following.append
        for node in level:
            for neighbour in adjacency[node]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    add(neighbour)
        found += following
        level = following
    return found


#: A label: best value -> bitset of the sources reaching a node with that value.
Label = dict[float, int]


def _merged(one: Label, other: Label) -> Label:
    """A new label holding both (labels are never changed once made, so they can be shared)."""
    if one is other:
        return one
    if len(one) == 1 and len(other) == 1:
        ((value, bits),) = one.items()
        more = other.get(value)
        if more is not None:
            return {value: bits | more}
    merged = dict(one)
    for value, bits in other.items():
        merged[value] = merged.get(value, 0) | bits
    return merged


def _settled(label: Label) -> Label:
    """``label`` with each source kept at its best value only (highest values first)."""
    if len(label) < 2:
        return label
    settled: Label = {}
    covered = 0
    for value in sorted(label, reverse=True):
        bits = label[value] & ~covered
        if bits:
            settled[value] = bits
            covered |= bits
    return settled


def _leaving(label: Label, own: int, factor: float) -> Label:
    """What a node passes on: what reached it and its own source bit, times its factor."""
    out = {**label, 1.0: label.get(1.0, 0) | own} if own else label
    out = _settled(out)
    if factor != 1.0:
        scaled: Label = {}
        for value, bits in out.items():  # values may meet once scaled (by 0, say)
            key = value * factor
            scaled[key] = scaled.get(key, 0) | bits
        out = scaled
    return out


def best_reach(
    index: ComponentIndex,
    sources: Mapping[int, int],
    targets: Iterable[int],
    factor: Mapping[int, float] | None = None,
) -> dict[int, Label]:
    """For each target, which sources reach it, and each one's best product of ``factor``.

    A sweep over the components in topological order carrying *labels*: a label
    maps a value to the bitset of the sources reaching the node with that value
    (each source at its best value only). ``sources`` maps a node to its bit. A
    path's value is the product of ``factor[node]`` (1 when absent) over its nodes
    before the target, the source included, as ``best_products()`` counts it
    from the other end; without ``factor`` every value is 1 and a label is the
    plain set of sources reaching the node. Inside a cycle the labels are relaxed
    until they settle. A target never counts itself among its sources.

    Cost: one pass over the components, and a few bitset operations for each edge
    leaving a node that some source reaches.

    Examples
    --------
    >>> index = ComponentIndex({"a": ["b"], "b": ["c", "a"], "c": ["d"], "d": []})
    >>> a, b, c, d = (index.position[n] for n in "abcd")
    >>> found = best_reach(index, {a: 1, c: 2}, [d, a], {b: 0.5})
    >>> found[d], found[a]  # d: c directly (1.0), a through b (0.5); a never counts itself
    ({1.0: 2, 0.5: 1}, {})
    """
    component, members, successors = index.component, index.members, index.successors
    factors = factor or {}
    wanted = set(targets)
    pending: dict[int, Label] = {}
    found: dict[int, Label] = {}
    first = min((component[s] for s in sources), default=len(members))
    for c in range(first, len(members)):
        group = members[c]
        if len(group) == 1:
            (node,) = group
            arrived = pending.pop(node, None)
            own = sources.get(node, 0)
            if node in wanted:
                found[node] = {} if arrived is None else _settled(arrived)
            if arrived is None and not own:
                continue
            out = _leaving(arrived or {}, own, factors.get(node, 1.0))
            for target in successors[node]:
                if target != node:
                    into = pending.get(target)
                    pending[target] = out if into is None else _merged(into, out)
            continue
        labels = {m: pending.pop(m, {}) for m in group}
        if not any(labels.values()) and not any(sources.get(m, 0) for m in group):
            for m in group:
                if m in wanted:
                    found[m] = {}
            continue
        inside = set(group)
        changed = True
        while changed:  # relax around the cycle until nothing improves
            changed = False
            for m in group:
                out = _leaving(labels[m], sources.get(m, 0), factors.get(m, 1.0))
                for target in successors[m]:
                    if target not in inside or target == m:
                        continue
                    before = _settled(labels[target])
                    merged = _merged(labels[target], out)
                    if _settled(merged) != before:
                        labels[target] = merged
                        changed = True
        for m in group:
            if m in wanted:
                own = sources.get(m, 0)
                found[m] = _without(_settled(labels[m]), own)
            out = _leaving(labels[m], sources.get(m, 0), factors.get(m, 1.0))
            for target in successors[m]:
                if target not in inside:
                    into = pending.get(target)
                    pending[target] = out if into is None else _merged(into, out)
    for node in wanted:
        found.setdefault(node, {})
    return found


def _without(label: Label, bits: int) -> Label:
    """``label`` with the sources in ``bits`` left out."""
    if not bits:
        return label
    return {value: kept for value, b in label.items() if (kept := b & ~bits)}
