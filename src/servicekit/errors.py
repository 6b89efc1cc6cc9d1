"""The errors servicekit raises.

Every error derives from :class:`ServicekitError`. Problems found while loading
or validating a model are collected, not raised one by one: a
:class:`ModelError` carries every :class:`Problem` of the load, each located at
``file:line:column``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "ModelError",
    "Problem",
    "ServicekitError",
    "UnknownIdError",
    "did_you_mean",
    "suggest",
]


class ServicekitError(Exception):
    """The root of every error servicekit raises on purpose."""


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with a model, and where it is.

    ``line`` and ``column`` count from 1; both are ``None`` for a model built
    in Python rather than loaded from a file.

    Examples
    --------
    >>> print(Problem(path="shop.yaml", line=7, column=14,
    ...               message="unknown role 'runer'", hint="did you mean 'runner'?"))
    shop.yaml:7:14: error: unknown role 'runer'; did you mean 'runner'?
    """

    path: str
    line: int | None = None
    column: int | None = None
    message: str
    hint: str | None = None

    @property
    def location(self) -> str:
        """``path:line:column``, or the bare path when there is no line."""
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}:{self.column or 1}"

    def __str__(self) -> str:
        text = f"{self.location}: error: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def sort_key(self) -> tuple[str, bool, int, int]:
        """Order problems by file, then line, then column; unlocated ones last in their file."""
        return (self.path, self.line is None, self.line or 0, self.column or 0)


class ModelError(ServicekitError, ValueError):
    """A model that cannot be loaded or built, with every problem found.

    Examples
    --------
    >>> err = ModelError([Problem(path="a.yaml", line=3, column=1, message="x"),
    ...                   Problem(path="a.yaml", line=1, column=5, message="y")])
    >>> print(err)
    a.yaml:1:5: error: y
    a.yaml:3:1: error: x
    >>> len(err.problems)
    2
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UnknownIdError(ServicekitError, KeyError):
    """An id that names nothing in the model.

    Keeps the bad ``id``, what ``kind`` of thing was looked for and the nearest
    valid ids in ``suggestions``.

    Examples
    --------
    >>> err = UnknownIdError("pikcup", kind="node", candidates=["pickup", "drop-off"])
    >>> print(err)
    unknown node 'pikcup'; did you mean 'pickup'?
    >>> err.suggestions
    ('pickup',)
    """

    def __init__(self, id: str, *, kind: str = "id", candidates: Iterable[str] = ()) -> None:
        self.id = id
        self.kind = kind
        self.suggestions = suggest(id, candidates)
        super().__init__(id)

    def __str__(self) -> str:
        text = f"unknown {self.kind} {self.id!r}"
        hint = did_you_mean(self.suggestions)
        return f"{text}; {hint}" if hint else text


#: Above this many candidates, only those that could be a typo of the word (same first
#: character, length within two) are compared, and at most this many of them: difflib
#: costs a few microseconds a candidate.
_MAX_CANDIDATES_FOR_FUZZY = 20_000


def suggest(word: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """The candidates closest to ``word``, best first.

    Examples
    --------
    >>> suggest("runer", ["runner", "clerk", "cashier"])
    ('runner',)
    """
    pool = candidates if isinstance(candidates, Sequence) else list(candidates)
    if len(pool) > _MAX_CANDIDATES_FOR_FUZZY:
        first, size = word[:1], len(word)
        pool = [c for c in pool if c[:1] == first and abs(len(c) - size) <= 2]
        pool = pool[:_MAX_CANDIDATES_FOR_FUZZY]
    return tuple(difflib.get_close_matches(word, pool, n=n, cutoff=0.6))


def did_you_mean(suggestions: Sequence[str]) -> str | None:
    """Phrase suggestions as a hint, or ``None`` when there are none.

    Examples
    --------
    >>> did_you_mean(["runner", "rover"])
    "did you mean 'runner' or 'rover'?"
    """
    if not suggestions:
        return None
    quoted = [repr(s) for s in suggestions]
    if len(quoted) == 1:
        return f"did you mean {quoted[0]}?"
    return f"did you mean {', '.join(quoted[:-1])} or {quoted[-1]}?"
