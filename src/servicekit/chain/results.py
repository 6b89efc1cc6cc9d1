"""What the chain's queries return: small read-only objects in a documented, stable order.

Each renders itself through :mod:`servicekit.render` (``to_json()``, and
``_repr_html_`` / ``_repr_markdown_`` in notebooks), reached lazily.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from typing import Any, NamedTuple, overload

import attrs

from servicekit._runtime import gc_paused, later
from servicekit.chain.algorithms import KEEP_BITS, WINDOW, BitsCache, ComponentIndex
from servicekit.errors import UnknownIdError
from servicekit.model.entities import Customer, InternalCustomer

__all__ = [
    "CustomersOf",
    "Reach",
    "Reaches",
    "Root",
    "Suspect",
    "Suspects",
    "UpstreamOfAll",
    "UpstreamSet",
    "suspect_order",
]


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
        text: str = later("servicekit.render.html").reaches_html(self)
        return text

    def _repr_markdown_(self) -> str:
        text: str = later("servicekit.render.markdown").reaches_markdown(self)
        return text

    def of_kind(self, kind: str) -> Reaches:
        """Only the nodes of ``kind`` (``role``, ``touchpoint`` or ``customer``)."""
        pairs = [
            (n, d)
            for n, d in zip(self._ids, self._distances, strict=True)
            if self._kinds[n] == kind
        ]
        return Reaches([n for n, _ in pairs], [d for _, d in pairs], self._kinds)


class Root(NamedTuple):
    """A node where the work reaching another node starts, why, and how far upstream it is.

    ``why`` is ``feeds`` (it serves at a touchpoint where customers bring work in),
    ``starts`` (its work starts without a hand-off) or ``source`` (nothing reaches it
    from outside its strongly-connected component: revision 1's guess).
    """

    id: str
    why: str
    distance: int


@attrs.frozen(kw_only=True)
class CustomersOf:
    """Whom a role serves: its internal customers and, through its touchpoints, external ones."""

    role: str
    internal: tuple[InternalCustomer, ...]
    external: tuple[Customer, ...]


@attrs.frozen(kw_only=True)
class Suspect:
    """A fail point that may explain a defect seen at a touchpoint.

    ``role`` makes the hand-off (or serves at the touchpoint whose fail point it
    is), ``receiver`` receives it (``None`` for a touchpoint's own fail point);
    ``rate`` is the fail point's rate (``None`` when unknown), ``escape`` the best
    chance the defect reaches the touchpoint uncaught, ``score`` their product
    (``None`` when the rate is unknown); ``distance`` is the role's upstream
    distance from the touchpoint (the upstream touchpoint's, for a defect that
    flows on through its ``feeds``; 0 for the touchpoint's own). ``touchpoint``
    names the touchpoint whose own fail point it is (``None`` for a hand-off's);
    it is not part of the JSON shape.
    """

    role: str
    receiver: str | None
    fail_point: str
    category: str
    rate: float | None
    escape: float
    score: float | None
    distance: int
    touchpoint: str | None = None

    @property
    def rated(self) -> bool:
        """Whether the fail point's rate is known (and so the suspect has a score)."""
        return self.score is not None

    def to_json(self) -> dict[str, Any]:
        """The suspect as the spec's JSON: role, receiver, fail_point, category, rate,
        escape, score and distance."""
        data: dict[str, Any] = later("servicekit.render.json").suspect_json(self)
        return data


def suspect_order(suspect: Suspect) -> tuple[int, float, int, str, str]:
    """The sort key of SPEC's order of suspects.

    Scored suspects by score descending, then unrated ones by escape descending;
    values equal to 12 significant digits are ties, settled by distance, role id
    and fail point id.
    """
    if suspect.score is not None:
        return (
            0,
            -float(f"{suspect.score:.12g}"),
            suspect.distance,
            suspect.role,
            suspect.fail_point,
        )
    return (1, -float(f"{suspect.escape:.12g}"), suspect.distance, suspect.role, suspect.fail_point)


class Suspects(tuple[Suspect, ...]):
    """The answer of :meth:`ServiceChain.trace`: a plain tuple of :class:`Suspect`,
    most likely first, that also shows itself as a table in a notebook."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").suspects_html(self)
        return text

    def _repr_markdown_(self) -> str:
        text: str = later("servicekit.render.markdown").suspects_markdown(self)
        return text


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
        index: ComponentIndex,
        target: int,
        bits: int | None,
        length: int,
        cache: BitsCache | None = None,
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

    def __init__(
        self, index: ComponentIndex, touchpoints: list[str], window: int | None = None
    ) -> None:
        self._index = index
        self._touchpoints = touchpoints
        self._known = frozenset(touchpoints)
        if window is None:
            total = len(index.members)
            window = max(1, total) if len(touchpoints) * total <= KEEP_BITS else WINDOW
        with gc_paused():
            self._counts, self._ancestry = index.ancestry_of(
                [index.position[t] for t in touchpoints], window
            )
        # Sliced: bitsets are built when read; keep the recent ones for the next reader.
        self._cache = None if self._ancestry is not None else BitsCache(KEEP_BITS // 4)

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
