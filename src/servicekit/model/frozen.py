"""``FrozenDict``: the immutable, hashable mapping inside every entity and model."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, Generic, TypeVar

__all__ = ["FrozenDict"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(Mapping[K, V], Generic[K, V]):
    """An immutable, hashable mapping that keeps insertion order.

    Examples
    --------
    >>> d = FrozenDict({"stain": 0.5})
    >>> d["stain"], len(d), hash(d) == hash(FrozenDict(stain=0.5))
    (0.5, 1, True)
    >>> d == {"stain": 0.5}
    True
    """

    __slots__ = ("_data", "_hash")

    _data: dict[K, V]
    _hash: int | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._data = dict(*args, **kwargs)
        self._hash = None

    @classmethod
    def adopt(cls, data: dict[K, V], **fields: Any) -> FrozenDict[K, V]:
        """A frozen mapping over ``data`` itself, which the caller hands over: no copy.

        ``fields`` sets the other slots of a subclass.
        """
        found = cls.__new__(cls)
        found._data = data
        found._hash = None
        for name, value in fields.items():
            setattr(found, name, value)
        return found

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    # The dict's own views: read-only, and as fast as the dict's (Mapping's are pure Python).
    def keys(self) -> KeysView[K]:
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        return self._data.items()

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenDict):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (self._data,))
