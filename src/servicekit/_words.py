"""Counting and listing things in words, the same way in every message and report."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["listed", "plural"]

#: Words whose plural is the word itself.
_UNCOUNTED = frozenset({"info"})


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 role``, ``2 roles``; ``many`` gives an irregular plural.

    Examples
    --------
    >>> plural(1, "role"), plural(3, "role"), plural(2, "info"), plural(2, "entry", "entries")
    ('1 role', '3 roles', '2 info', '2 entries')
    """
    if count == 1 or word in _UNCOUNTED:
        return f"{count} {word}"
    return f"{count} {many or word + 's'}"


def listed(items: Iterable[str], *, most: int = 4) -> str:
    """``a``, ``a and b``, ``a, b and c``, or the first few and ``N more``.

    Examples
    --------
    >>> listed(["a"]), listed(["a", "b"]), listed(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    >>> listed(list("abcdefg"))
    'a, b, c, d and 3 more'
    """
    names = list(items)
    if len(names) > most + 1:
        names = [*names[:most], f"{len(names) - most} more"]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
