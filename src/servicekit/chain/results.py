"""What the chain's queries return: small read-only objects in a documented, stable order.

Each renders itself through ``servicekit.render`` (``to_json()``, and
``_repr_html_`` / ``_repr_markdown_`` in notebooks), reached lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from typing import Any, NamedTuple, Self, SupportsIndex, overload

import attrs

from servicekit._runtime import gc_paused, later
from servicekit.chain.algorithms import KEEP_BITS, WINDOW, BitsCache, ComponentIndex
from servicekit.errors import UnknownIdError
from servicekit.model.entities import Customer, InternalCustomer

__all__ = [
    "Critical",
    "CustomersOf",
    "NodeIds",
    "Reach",
    "Reaches",
    "Root",
    "Selection",
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
    """The answer of ``ServiceChain.upstream()`` and friends: nodes ordered by distance, then id.

    A read-only sequence of ``Reach``. It builds each ``Reach`` only when
    asked, so a query over a large chain costs no more than its traversal.
    Compares equal to any sequence of the same ``Reach`` items. It remembers its
    question: ``node`` (the node asked about) and ``direction`` (``upstream`` or
    ``downstream``), which its JSON names.
    """

    __slots__ = ("_distances", "_ids", "_kinds", "direction", "node")

    def __init__(
        self,
        ids: list[str],
        distances: list[int],
        kinds: Mapping[str, str],
        node: str | None = None,
        direction: str = "upstream",
    ) -> None:
        self._ids = ids
        self._distances = distances
        self._kinds = kinds
        self.node = node
        self.direction = direction

    def __reduce__(self) -> tuple[Any, ...]:
        # The kinds of its own nodes only, not of the whole chain.
        kinds = {node: self._kinds[node] for node in self._ids}
        return (Reaches, (self._ids, self._distances, kinds, self.node, self.direction))

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

    def to_records(self) -> list[dict[str, Any]]:
        """One dict a node, in order: ``id``, ``kind``, ``distance``."""
        records: list[dict[str, Any]] = later("servicekit.render.rows").reach_records(self)[1]
        return records

    def to_pandas(self) -> Any:
        """The nodes as a pandas ``DataFrame`` with columns ``id``, ``kind`` and
        ``distance``, in order (needs the ``pandas`` extra)."""
        table = later("servicekit.render.rows").reach_records(self)
        return later("servicekit.render.frames").table_frame(table)

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
        return Reaches(
            [n for n, _ in pairs], [d for _, d in pairs], self._kinds, self.node, self.direction
        )

    def to_json(self) -> dict[str, Any]:
        """The spec's JSON: ``{"target": ID, "upstream": [...]}`` for an upstream answer,
        ``{"source": ID, "downstream": [...]}`` for a downstream one."""
        data: dict[str, Any] = later("servicekit.render.json").reaches_json(self)
        return data


class Root(NamedTuple):
    """A node where the work reaching another node starts, why, and how far upstream it is.

    ``why`` is ``feeds`` (it serves at a touchpoint where customers bring work in),
    ``starts`` (its work starts without a hand-off) or ``source`` (nothing reaches it
    from outside its strongly-connected component: revision 1's guess).
    """

    id: str
    why: str
    distance: int


class NodeIds(tuple[str, ...]):
    """Node ids, in the answer's order, that know each one's kind.

    The base of ``Critical`` and ``Selection``: a plain tuple of ids (it
    compares equal to one) that is also a table of ``id`` and ``kind``.
    """

    _kinds: Mapping[str, str]

    def __new__(cls, ids: Iterable[str] = (), kinds: Mapping[str, str] | None = None) -> Self:
        found = super().__new__(cls, ids)
        found._kinds = kinds or {}
        return found

    def _own_kinds(self, *more: str) -> dict[str, str]:
        """The kinds of its own nodes (and ``more``) only, not of the whole chain."""
        return {n: self._kinds[n] for n in (*self, *more) if n in self._kinds}

    def kind(self, node: str) -> str:
        """The kind of ``node`` (``role``, ``touchpoint`` or ``customer``), ``""`` if unknown."""
        return self._kinds.get(node, "")

    def to_records(self) -> list[dict[str, Any]]:
        """One dict a node, in order: ``id``, ``kind``."""
        records: list[dict[str, Any]] = later("servicekit.render.rows").id_records(self)[1]
        return records

    def to_pandas(self) -> Any:
        """The nodes as a pandas ``DataFrame`` with columns ``id`` and ``kind``, in order
        (needs the ``pandas`` extra)."""
        table = later("servicekit.render.rows").id_records(self)
        return later("servicekit.render.frames").table_frame(table)


class Critical(NodeIds):
    """The answer of ``ServiceChain.critical()``: a tuple of the ids ``node`` cannot be
    served without, nearest first.

    It remembers its question, ``node``, and knows each id's kind; ``roots``, where
    the work reaching ``node`` starts (``ServiceChain.roots()``), is worked out when
    first read. Compares equal to the plain tuple of its ids.
    """

    node: str | None
    _roots: tuple[Root, ...] | Callable[[], tuple[Root, ...]]

    def __new__(
        cls,
        ids: Iterable[str] = (),
        kinds: Mapping[str, str] | None = None,
        node: str | None = None,
        roots: tuple[Root, ...] | Callable[[], tuple[Root, ...]] = (),
    ) -> Self:
        found = super().__new__(cls, ids, kinds)
        found.node = node
        found._roots = roots
        return found

    def __reduce__(self) -> tuple[Any, ...]:
        roots = self.roots
        kinds = self._own_kinds(*(r.id for r in roots))
        return (Critical, (tuple(self), kinds, self.node, roots))

    @property
    def roots(self) -> tuple[Root, ...]:
        """Where the work reaching ``node`` starts, nearest first (see
        ``ServiceChain.roots()``)."""
        if callable(self._roots):
            self._roots = self._roots()
        return self._roots

    def to_json(self) -> dict[str, Any]:
        """The spec's JSON: ``{"target": ID, "critical": [ID, ...], "roots": [{"id", "why"}]}``."""
        data: dict[str, Any] = later("servicekit.render.json").critical_json(self)
        return data

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").critical_html(self)
        return text

    def _repr_markdown_(self) -> str:
        text: str = later("servicekit.render.markdown").critical_markdown(self)
        return text


class Selection(NodeIds):
    """The answer of ``ServiceChain.select()``: the ids the selectors name, ordered by
    kind (roles, touchpoints, customers), then id.

    It remembers its question: ``selector`` (the selectors, space-separated) and
    ``exclude`` (``None`` when nothing was left out). Compares equal to the plain tuple
    of its ids.
    """

    _about: tuple[Mapping[str, str], str, str | None]

    def __new__(
        cls,
        ids: Iterable[str] = (),
        kinds: Mapping[str, str] | None = None,
        selector: str = "",
        exclude: str | None = None,
    ) -> Self:
        # One attribute, set on the tuple itself: select() is a hot call (a few
        # microseconds), and each attribute set costs a tenth of one.
        found = tuple.__new__(cls, ids)
        found._about = (kinds or {}, selector, exclude)
        return found

    @property
    def _kinds(self) -> Mapping[str, str]:  # type: ignore[override]
        return self._about[0]

    @property
    def selector(self) -> str:
        """The selectors, space-separated."""
        return self._about[1]

    @property
    def exclude(self) -> str | None:
        """The selectors whose nodes were left out, or ``None``."""
        return self._about[2]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Selection, (tuple(self), self._own_kinds(), self.selector, self.exclude))

    def to_json(self) -> dict[str, Any]:
        """``{"selector": S, "selected": [{"id", "kind"}, ...]}``, with ``"exclude": S``
        when something was left out."""
        data: dict[str, Any] = later("servicekit.render.json").selection_json(self)
        return data

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").selection_html(self)
        return text


@attrs.frozen(kw_only=True)
class CustomersOf:
    """Whom a role serves: its internal customers and, through its touchpoints, external ones."""

    role: str
    internal: tuple[InternalCustomer, ...]
    external: tuple[Customer, ...]


class Suspect(NamedTuple):
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

    A named tuple, like ``Reach``: ``pandas.DataFrame(chain.trace(...))`` has
    one named column a field.
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

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").suspects_html((self,))
        return text


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
    """The answer of ``ServiceChain.trace()``: a tuple of ``Suspect``, most likely
    first, that also shows itself as a table in a notebook.

    It remembers its question: ``touchpoint`` (where the defect is seen) and
    ``category`` (``None``: every category), which its JSON and text name. A slice
    is a ``Suspects`` of the same question.
    """

    touchpoint: str | None
    category: str | None

    def __new__(
        cls,
        suspects: Iterable[Suspect] = (),
        touchpoint: str | None = None,
        category: str | None = None,
    ) -> Suspects:
        found = super().__new__(cls, suspects)
        if isinstance(suspects, Suspects):
            touchpoint = suspects.touchpoint if touchpoint is None else touchpoint
            category = suspects.category if category is None else category
        found.touchpoint = touchpoint
        found.category = category
        return found

    def __getnewargs__(self) -> tuple[Any, ...]:
        return (tuple(self), self.touchpoint, self.category)

    @overload
    def __getitem__(self, index: SupportsIndex) -> Suspect: ...

    @overload
    def __getitem__(self, index: slice) -> Suspects: ...

    def __getitem__(self, index: SupportsIndex | slice) -> Suspect | Suspects:
        if isinstance(index, slice):
            return Suspects(super().__getitem__(index), self.touchpoint, self.category)
        return super().__getitem__(index)

    def to_json(self) -> dict[str, Any]:
        """The spec's JSON: ``{"target": ID, "suspects": [...]}``."""
        data: dict[str, Any] = later("servicekit.render.json").trace_json(self)
        return data

    def to_records(self) -> list[dict[str, Any]]:
        """One dict a suspect, in the spec's JSON shape: ``role``, ``receiver``,
        ``fail_point``, ``category``, ``rate``, ``escape``, ``score``, ``distance``
        (numbers rounded to 12 significant digits, ``None`` where unknown)."""
        records: list[dict[str, Any]] = later("servicekit.render.rows").suspect_records(self)[1]
        return records

    def to_pandas(self) -> Any:
        """The suspects as a pandas ``DataFrame``, most likely first, columns as
        ``to_records()`` (needs the ``pandas`` extra). An unrated suspect's ``rate``
        and ``score`` are ``NaN``, so the columns stay numbers."""
        table = later("servicekit.render.rows").suspect_records(self)
        return later("servicekit.render.frames").table_frame(table)

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
    """Touchpoint id -> ``UpstreamSet``, from one pass over the chain."""

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
        if not isinstance(touchpoint, str) or touchpoint not in self._known:
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
