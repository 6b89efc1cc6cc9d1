"""Every error servicekit raises on purpose, under one root: ``ServicekitError``.

Problems found while loading or building a model are collected, not raised one
by one: a ``ModelError`` carries every ``Problem``, each naming the
entity, the field and the bad value and, when the model came from a file, its
``file:line:column``. The command line turns any ``ServicekitError`` into
located ``error:`` lines and exit code 2; any other exception is a bug.

Every class here keeps its data as attributes and survives ``pickle`` and
``copy``, so errors cross process pools intact.
"""

from __future__ import annotations

import bisect
import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

__all__ = [
    "AuditSettingError",
    "EvidenceError",
    "MissingExtraError",
    "ModelError",
    "Nearest",
    "NotInChainError",
    "OutputError",
    "Problem",
    "SelectorError",
    "ServicekitError",
    "UnknownIdError",
    "UsageError",
    "clipped",
    "did_you_mean",
    "look_alike",
    "nearest",
    "shown",
    "suggest",
]


class ServicekitError(Exception):
    """The root of every error servicekit raises on purpose."""


#: The file name of problems in a model built in Python rather than loaded from a file.
IN_PYTHON = "<model>"

#: Text longer than this many characters is cut when a message shows it.
MAX_SHOWN = 80


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """``value`` as a message quotes it: its ``repr``, cut short with its length when long.

    A message must stay readable (and small) whatever the model holds: a 10 MB id is
    shown by its first characters and its length, never echoed whole.

    Examples
    --------
    >>> shown("runner"), shown(0.5)
    ("'runner'", '0.5')
    >>> shown("x" * 100_000, limit=8)
    "'xxxxxxxx...' (100,000 characters)"
    """
    if isinstance(value, str) and len(value) > limit:
        cut = repr(value[:limit])
        return f"{cut[:-1]}...{cut[-1]} ({len(value):,} characters)"
    return clipped(repr(value), 2 * limit)


def clipped(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` as it is, or its first ``limit`` characters and its length when longer.

    Examples
    --------
    >>> clipped("spotter"), clipped("ab" * 50, limit=4)
    ('spotter', 'abab... (100 characters)')
    """
    if len(text) > limit:
        return f"{text[:limit]}... ({len(text):,} characters)"
    return text


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with a model, what it is about, and where it is written.

    ``kind`` and ``subject`` name the entity (``role``, ``'spotter'``), ``field``
    the way from the entity to the bad value (``("serves", 0, "to")``) and
    ``value`` the value itself. ``path``, ``line`` and ``column`` place it in a
    file (``line`` and ``column`` count from 1); a model built in Python has no
    file, and ``path`` is then ``<model>``.

    Examples
    --------
    >>> print(Problem(path="shop.yaml", line=7, column=14,
    ...               message="unknown role 'runer'", hint="did you mean 'runner'?"))
    shop.yaml:7:14: error: unknown role 'runer'; did you mean 'runner'?
    """

    message: str
    hint: str | None = None
    path: str = IN_PYTHON
    line: int | None = None
    column: int | None = None
    kind: str | None = None
    subject: str | None = None
    field: tuple[str | int, ...] = ()
    value: Any = attrs.field(default=None, eq=False, hash=False, repr=False)
    #: True when the problem is the last key of ``field`` itself (an unknown key), not its value.
    at_key: bool = attrs.field(default=False, repr=False)
    #: For a duplicate id: the entity already holding it, and the field where it does.
    other: tuple[str, tuple[str | int, ...]] | None = attrs.field(default=None, repr=False)
    #: How the message names an entity that has no id of its own (``a hand-off``), for an
    #: enclosing entity to say whose it is.
    noun: str | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def location(self) -> str:
        """``path:line:column``, or the bare path when there is no line; a row of evidence
        (``kind`` ``row``) without a column is ``path:line``."""
        if self.line is None:
            return self.path
        if self.column is None and self.kind == ROW:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column or 1}"

    def __str__(self) -> str:
        text = f"{self.location}: error: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def sort_key(self) -> tuple[str, bool, int, int]:
        """Order problems by file, then line, then column; unlocated ones last in their file."""
        return (self.path, self.line is None, self.line or 0, self.column or 0)

    def at(self, path: str, line: int, column: int) -> Problem:
        """The same problem, placed in a file."""
        return attrs.evolve(self, path=path, line=line, column=column)

    def within(
        self,
        kind: str | None,
        subject: str | None,
        field: tuple[str | int, ...],
        noun: str | None = None,
    ) -> Problem:
        """The same problem, seen from an enclosing entity: ``field`` leads to this one.

        ``noun`` names the enclosing entity; a message about an entity with no id of its
        own then says whose it is (``a hand-off of role 'spotter' needs 'to'``).

        Examples
        --------
        >>> inner = Problem(message="a fail point needs an id", noun="a fail point")
        >>> print(inner.within("role", "spotter", ("serves", 0), "role 'spotter'").message)
        a fail point of role 'spotter' needs an id
        """
        message, named = self.message, self.noun
        if named is not None and noun is not None and named in message:
            named = f"{named} of {noun}"
            message = message.replace(self.noun or "", named, 1)
        return attrs.evolve(
            self,
            message=message,
            kind=kind,
            subject=subject,
            field=(*field, *self.field),
            noun=named,
        )


class _ProblemsError(ServicekitError, ValueError):
    """An error made of problems, each placed where it is: printed one a line, in order
    of place, and pickled as its problems."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


class ModelError(_ProblemsError):
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


#: The ``kind`` of a problem with a row of evidence (a complaints file, a hand-off log):
#: its ``field`` is the column, its ``value`` the cell, and it is placed at ``file:line``.
ROW = "row"


class EvidenceError(_ProblemsError):
    """Evidence (complaints, a hand-off log) that cannot be read, with every problem found.

    Each ``Problem`` is placed at the row it is about, ``file:line`` (lines count
    from 1, the header being line 1; rows of a DataFrame or of an iterable of mappings
    count from 1 too), and names the column, the bad value and, for an unknown id, the
    nearest known ones. The command line prints each and exits 2.

    Examples
    --------
    >>> err = EvidenceError([Problem(path="log.csv", line=3, kind=ROW, field=("org:role",),
    ...                              message="unknown role 'spoter'",
    ...                              hint="did you mean 'spotter'?")])
    >>> print(err)
    log.csv:3: error: unknown role 'spoter'; did you mean 'spotter'?
    """


class UnknownIdError(ServicekitError, KeyError):
    """An id that names nothing in the model.

    Keeps the bad ``id``, what ``kind`` of thing was looked for and the nearest
    valid ids in ``suggestions``; ``note`` says more where the id names
    something of another kind.

    Examples
    --------
    >>> err = UnknownIdError("pikcup", kind="node", candidates=["pickup", "drop-off"])
    >>> print(err)
    unknown node 'pikcup'; did you mean 'pickup'?
    >>> err.suggestions
    ('pickup',)
    """

    def __init__(
        self,
        id: object,
        *,
        kind: str = "id",
        candidates: Iterable[str] = (),
        suggestions: Sequence[str] | None = None,
        note: str | None = None,
    ) -> None:
        self.id = id
        self.kind = kind
        if note is None and not isinstance(id, str):
            note = f"an id is a string, not {type(id).__name__}"
            candidates = ()  # nothing to suggest for it
        self.note = note
        pool = candidates if isinstance(candidates, Sequence) else list(candidates)
        if suggestions is not None:
            self.suggestions = tuple(suggestions)
        else:
            self.suggestions = suggest(id, pool) if isinstance(id, str) else ()
        #: The hint: did you mean, or what makes a look-alike id differ.
        self.hint = nearest(id, pool, self.suggestions) if isinstance(id, str) else None
        super().__init__(id)

    def __str__(self) -> str:
        text = f"unknown {self.kind} {shown(self.id)}"
        if self.note:
            text += f" ({self.note})"
        return f"{text}; {self.hint}" if self.hint else text

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_unknown_id,
            (self.id, self.kind, self.suggestions, self.note),
        )


def _rebuild_unknown_id(
    id: object, kind: str, suggestions: Sequence[str], note: str | None
) -> UnknownIdError:
    return UnknownIdError(id, kind=kind, suggestions=suggestions, note=note)


class NotInChainError(ServicekitError, LookupError):
    """A node that exists, but not in the customer's chain a query was asked on.

    Keeps the ``node``, its ``kind`` and the ``customer``.

    Examples
    --------
    >>> print(NotInChainError("viewing", kind="touchpoint", customer="investor"))
    touchpoint 'viewing' does not serve customer 'investor', so it is not in their chain
    """

    def __init__(self, node: str, *, kind: str, customer: str) -> None:
        self.node = node
        self.kind = kind
        self.customer = customer
        if kind == "customer":
            text = (
                f"customer {node!r} is not in customer {customer!r}'s chain, which holds "
                f"{customer!r} as its only customer"
            )
        else:
            text = (
                f"{kind} {node!r} does not serve customer {customer!r}, so it is not in their chain"
            )
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_not_in_chain, (self.node, self.kind, self.customer))


def _rebuild_not_in_chain(node: str, kind: str, customer: str) -> NotInChainError:
    return NotInChainError(node, kind=kind, customer=customer)


class UsageError(ServicekitError, ValueError):
    """An argument a query or a renderer cannot use: a negative depth, a depth with no focus."""


class SelectorError(UsageError):
    """A selector that cannot be read or names nothing: it points at the character.

    Keeps the ``selector`` as written, the 0-based ``position`` of the character at
    fault, the ``reason`` and a ``hint`` (nearest known words, or how to write it).
    Printed, it shows the selector with a caret under that character.

    Examples
    --------
    >>> err = SelectorError("2++pickup", 2, "a second '+'", "write 2+pickup")
    >>> print(err)
    a second '+' at column 3 of the selector; write 2+pickup
      2++pickup
        ^
    >>> err.column
    3
    """

    def __init__(self, selector: str, position: int, reason: str, hint: str | None = None):
        self.selector = selector
        self.position = position
        self.reason = reason
        self.hint = hint
        super().__init__(selector, position, reason, hint)

    @property
    def column(self) -> int:
        """The 1-based column of the character at fault."""
        return self.position + 1

    def __str__(self) -> str:
        text = f"{self.reason} at column {self.column} of the selector"
        if self.hint:
            text += f"; {self.hint}"
        # Tabs and line breaks are shown as spaces, so the caret stays under its character.
        shown = "".join(" " if c.isspace() else c for c in self.selector)
        return f"{text}\n  {shown}\n  {' ' * self.position}^"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.selector, self.position, self.reason, self.hint))


class OutputError(ServicekitError, OSError):
    """The command line's answer could not be written: a full disk, a closed output."""


class AuditSettingError(UsageError):
    """An audit setting that is neither ``off`` nor a severity, or a bad fail-on threshold."""


class MissingExtraError(ServicekitError, ImportError):
    """An optional dependency is needed for this call but is not installed.

    Examples
    --------
    >>> print(MissingExtraError("pandas", "pandas"))
    this needs pandas, which is not installed; install it with 'pip install pandas', or install servicekit with its extra: pip install '.[pandas]' in a checkout
    """  # noqa: E501

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"this needs {package}, which is not installed; install it with "
            f"'pip install {package}', or install servicekit with its extra: "
            f"pip install '.[{extra}]' in a checkout",
            name=package,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.package, self.extra))


#: Words longer than this get no "did you mean": no mistyped id is that long, and comparing
#: a huge value with every candidate would take longer than the rest of the load.
MAX_HINT_LENGTH = 100
#: The characters of candidates one search compares at most (difflib costs one to three
#: microseconds a character). Past this, only candidates that could be a typo of the word
#: are compared: those with its first character and a length within two of its own,
#: nearest to it in alphabetical order.
MAX_SEARCH = 200_000
#: Candidates looked at, at most, while choosing the nearest ones in a large pool.
_MAX_STEPS = 400_000


class Nearest:
    """Suggestions from one pool of candidates, for many words: ``Nearest(ids)("runer")``.

    ``budget``, a one-item list shared by several pools, is the number of characters all
    their searches may still compare: a load gives hints until it is spent, so the hints
    of a model with thousands of unknown ids cost seconds at most, not minutes.

    Examples
    --------
    >>> nearest_role = Nearest(["runner", "clerk", "cashier"])
    >>> nearest_role("runer"), nearest_role("clerc")
    (('runner',), ('clerk',))
    """

    __slots__ = ("_budget", "_pool", "_shapes", "_size", "_sorted")

    def __init__(self, candidates: Iterable[str], budget: list[int] | None = None) -> None:
        self._pool = [c for c in candidates if isinstance(c, str) and len(c) <= MAX_HINT_LENGTH]
        self._size = sum(map(len, self._pool))
        self._sorted: list[str] | None = None
        self._shapes: dict[str, str] | None = None
        self._budget = budget

    def __call__(self, word: str, n: int = 3) -> tuple[str, ...]:
        """The candidates closest to ``word``, best first (at most ``n``)."""
        if not isinstance(word, str) or not word or len(word) > MAX_HINT_LENGTH:
            return ()
        allowed = MAX_SEARCH
        if self._budget is not None:
            allowed = min(allowed, self._budget[0])
            if allowed <= 0:
                return ()
        pool = self._pool if self._size <= allowed else self._near(word, allowed)
        if self._budget is not None:
            self._budget[0] -= sum(map(len, pool))
        return tuple(difflib.get_close_matches(word, pool, n=n, cutoff=0.6))

    def hint(self, word: str) -> str | None:
        """The hint for an unknown ``word``: what a look-alike differs by, else did you mean.

        Look-alikes are found through an index of the candidates' shapes, built once for
        the pool: many words cost one lookup each.

        Examples
        --------
        >>> Nearest(["runner", "cashier"]).hint("c\u0430shier")[:36]
        "'cаshier' looks like 'cashier' but i"
        """
        if isinstance(word, str) and len(word) <= MAX_HINT_LENGTH:
            if self._shapes is None:
                shapes: dict[str, str] = {}
                for candidate in self._pool:
                    shapes.setdefault(_skeleton(candidate), candidate)
                self._shapes = shapes
            same = self._shapes.get(_skeleton(word))
            if same is not None and same != word:
                return _look_alike_hint(word, same)
        return did_you_mean(self(word))

    def _near(self, word: str, allowed: int) -> list[str]:
        """The candidates that could be a typo of ``word``, nearest to it alphabetically,
        up to ``allowed`` characters of them."""
        if self._sorted is None:
            self._sorted = sorted(set(self._pool))
        ordered = self._sorted
        low = bisect.bisect_left(ordered, word[0])
        high = bisect.bisect_left(ordered, chr(ord(word[0]) + 1), low)
        at = bisect.bisect_left(ordered, word, low, high)
        left, right = at - 1, at
        size, picked = len(word), list[str]()
        for _ in range(_MAX_STEPS):
            if left < low and right >= high:
                break
            for index in (right, left):
                if low <= index < high and abs(len(ordered[index]) - size) <= 2:
                    allowed -= len(ordered[index])
                    if allowed < 0:
                        return picked
                    picked.append(ordered[index])
            left, right = left - 1, right + 1
        return picked


def suggest(word: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """The candidates closest to ``word``, best first.

    The work is capped: a word longer than ``MAX_HINT_LENGTH`` gets no suggestion,
    and a pool of more than ``MAX_SEARCH`` characters is narrowed to the likely typos
    (see ``Nearest``, which also serves many words from one pool).

    Examples
    --------
    >>> suggest("runer", ["runner", "clerk", "cashier"])
    ('runner',)
    >>> suggest("x" * 1000, ["x" * 999])
    ()
    """
    return Nearest(candidates)(word, n)


#: Letters of other scripts that look like Latin ones, and the Latin letter each looks like.
_CONFUSABLE = str.maketrans(
    "аеорсухіјѕԁһԛԝвкмнтАВЕКМНОРСТХІЈЅοαινρτυχΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",
    "aeopcyxijsdhqwbkmhtABEKMHOPCTXIJSoaivptuxABEHIKMNOPTYXZ",
)


def _skeleton(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_CONFUSABLE)


def look_alike(word: str, candidates: Iterable[str]) -> str | None:
    """What makes ``word`` differ from a candidate it looks identical to, or ``None``.

    Two ids that read the same can differ in their characters: one spelled with a
    combining accent (NFD) and the other with an accented letter (NFC), or one with a
    Cyrillic or Greek letter in place of a Latin one. A word longer than
    ``MAX_HINT_LENGTH`` gets no answer; an ASCII word is compared only with the
    candidates that are not ASCII (no two ASCII ids look alike).

    Examples
    --------
    >>> print(look_alike("c\u0430shier", ["cashier", "clerk"]))
    'cаshier' looks like 'cashier' but is not the same text: it has U+0430 CYRILLIC SMALL LETTER A where 'cashier' has U+0061 LATIN SMALL LETTER A; type it again
    """  # noqa: E501
    if not isinstance(word, str) or len(word) > MAX_HINT_LENGTH:
        return None
    shape = _skeleton(word)
    plain = word.isascii()
    for candidate in candidates:
        if plain and candidate.isascii():
            continue
        if candidate == word or _skeleton(candidate) != shape:
            continue
        return _look_alike_hint(word, candidate)
    return None


def _look_alike_hint(word: str, candidate: str) -> str:
    if unicodedata.normalize("NFC", candidate) == unicodedata.normalize("NFC", word):
        form = "decomposed (NFD)" if len(word) > len(candidate) else "composed (NFC)"
        return (
            f"{word!r} looks like {candidate!r} but its accents are written {form}: "
            f"{word!a} where the id is {candidate!a}; type it again"
        )
    ours, theirs = unicodedata.normalize("NFC", word), unicodedata.normalize("NFC", candidate)
    for mine, other in zip(ours, theirs, strict=False):
        if mine != other:
            return (
                f"{word!r} looks like {candidate!r} but is not the same text: it has "
                f"{_named(mine)} where {candidate!r} has {_named(other)}; type it again"
            )
    return f"{word!r} looks like {candidate!r} but is not the same text; type it again"


def _named(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')}"


def nearest(
    word: str, candidates: Sequence[str], suggestions: Sequence[str] | None = None
) -> str | None:
    """The hint for an unknown ``word``: what a look-alike differs by, else did you mean.

    Examples
    --------
    >>> nearest("runer", ["runner", "clerk"])
    "did you mean 'runner'?"
    """
    return look_alike(word, candidates) or did_you_mean(
        suggest(word, candidates) if suggestions is None else suggestions
    )


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
