"""Conformance of a hand-off log: the hand-offs people actually make, set against the design.

A hand-off log lists events: a case (a garment order, a ticket), the role that worked
on it, and when. Within a case, events are ordered by time (file order breaks ties), and
each two consecutive events whose roles differ are one *observed hand-off* from the first
role to the second: the handover-of-work relation of process mining, without its
same-resource pairs. Those are then set against the *designed* hand-offs of the model:
every ``serves`` hand-off between two roles, and every touchpoint's ``feeds`` (work the
touchpoint's serving role takes in flows on to the fed role).

Reading is streamed: a log grouped by case (the usual export) is read in one pass holding
one case at a time. A log whose cases are interleaved is noticed when a finished case comes
back; it is then read again, holding every case's events until the end (an iterator, which
cannot be read twice, is always read that way).

Examples
--------
>>> import servicekit
>>> model = servicekit.load_example()
>>> log = [
...     {"case:concept:name": "c1", "org:role": role, "time:timestamp": f"2024-05-01T09:0{n}"}
...     for n, role in enumerate(["counter-clerk", "tagger", "spotter", "cleaner", "presser",
...                               "spotter", "cleaner", "presser", "organizer", "cashier"])
... ]
>>> found = model.conformance(log)
>>> [(h.from_, h.to, h.count) for h in found.undocumented]
[('presser', 'spotter', 1)]
>>> found.rework.count, round(found.fitness, 3)
(3, 0.889)
"""

from __future__ import annotations

import functools
import operator
import os
import re
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from itertools import accumulate, chain, compress, count, islice, pairwise, repeat
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, cast

import attrs

from servicekit._runtime import gc_paused, later
from servicekit.errors import UsageError, nearest
from servicekit.evidence.columns import ROLE_MAP_COLUMNS, log_columns
from servicekit.evidence.reading import Reading, Rows, Table, open_table
from servicekit.model.frozen import FrozenDict
from servicekit.model.service_model import ServiceModel

__all__ = [
    "UNKNOWN_ROLES",
    "Conformance",
    "HandoffCount",
    "HandoffShare",
    "Rework",
    "RoleEvents",
    "conformance",
    "designed_handoffs",
    "read_resource_roles",
]

#: What ``unknown_roles`` may be: an error, or left out of every count.
UNKNOWN_ROLES = ("error", "ignore")
#: What ``--fail-on`` of ``conform`` may name.
FAIL_ON = ("undocumented", "unobserved")
#: How many case ids an undocumented hand-off keeps as examples.
EXAMPLES = 3
#: Rows counted together, at most: enough to spread a chunk's fixed costs, few enough to
#: stay in the processor's cache.
CHUNK = 2048
#: How many (customer, variant) counts wait before they are added to the hand-offs'.
WINDOW = 1 << 14
#: How many variants are kept for cases still to come: a log whose every case takes its
#: own way keeps no more than these.
VARIANTS = 1 << 13

Pair = tuple[str, str]


class HandoffCount(NamedTuple):
    """A hand-off from one role to another and how often the log shows it.

    ``count`` is how many times it was observed, ``cases`` in how many cases, and
    ``examples`` the first cases (in file order) showing it, kept for undocumented ones.
    (A named tuple, as ``Reach`` is: a log can show many thousands.)
    """

    from_: str
    to: str
    count: int = 0  # type: ignore[assignment]  # the field, not tuple.count
    cases: int = 0
    examples: tuple[str, ...] = ()


class HandoffShare(NamedTuple):
    """One observed hand-off's share of all the hand-offs its giving role was observed making."""

    from_: str
    to: str
    share: float


class RoleEvents(NamedTuple):
    """A role the log names and the model does not have, and how many events name it."""

    role: str
    events: int


@attrs.frozen(kw_only=True)
class Rework:
    """Hand-offs into a role already seen earlier in the same case: work coming back.

    ``count`` of them in all, in ``cases`` cases; ``pairs`` says which hand-offs, most first.
    """

    count: int = 0
    cases: int = 0
    pairs: tuple[HandoffCount, ...] = ()


@attrs.frozen(kw_only=True)
class Conformance:
    """What a hand-off log shows of the designed chain.

    ``designed`` are the designed hand-offs the log shows, ``unobserved`` those it never
    shows (worked out when first asked for), ``undocumented`` the observed hand-offs the
    model does not have (with example cases); ``fitness`` is the share of observed
    hand-offs that are designed (``None`` when the log shows none); ``shares`` gives each
    observed hand-off's share of its giving role's; ``customers`` the same answer for each
    customer's cases, judged on that customer's chain (a mapping whose answers are worked
    out when first asked for; ``customer`` says whose cases an answer counts). Lists are
    ordered by count, most first, then by ids.
    """

    cases: int
    events: int
    fitness: float | None
    designed: tuple[HandoffCount, ...]
    undocumented: tuple[HandoffCount, ...]
    unknown_roles: tuple[RoleEvents, ...]
    left_out: int
    rework: Rework
    customers: Mapping[str, Conformance] = attrs.field(factory=FrozenDict)
    #: The customer whose cases this answer counts (``None``: every case).
    customer: str | None = None
    #: The model the log was set against (for diagrams).
    model: ServiceModel | None = attrs.field(default=None, eq=False, repr=False)
    #: The model's designed hand-offs, worked out when first asked for.
    chain_design: _Design | None = attrs.field(default=None, eq=False, repr=False)

    @functools.cached_property
    def design(self) -> frozenset[tuple[str, str]]:
        """The designed hand-offs of the whole chain, as (giver, receiver) pairs."""
        return self.chain_design.pairs(None) if self.chain_design else frozenset()

    @functools.cached_property
    def excluded(self) -> frozenset[tuple[str, str]]:
        """The designed hand-offs not designed for this answer's customer: the log was
        judged against the rest."""
        return self.chain_design.excluded(self.customer) if self.chain_design else frozenset()

    @functools.cached_property
    def shares(self) -> tuple[HandoffShare, ...]:
        """Each observed hand-off's share of all those its giving role was observed making,
        in the order of the counts (most first, then ids)."""
        observed = sorted(
            (*self.designed, *self.undocumented), key=lambda h: (-h.count, h.from_, h.to)
        )
        outgoing: dict[str, int] = {}
        for h in observed:
            outgoing[h.from_] = outgoing.get(h.from_, 0) + h.count
        return tuple(HandoffShare(h.from_, h.to, h.count / outgoing[h.from_]) for h in observed)

    @functools.cached_property
    def unobserved(self) -> tuple[HandoffCount, ...]:
        """The designed hand-offs the log never shows, by ids (count and cases 0)."""
        seen = {(h.from_, h.to) for h in self.designed}
        seen.update(self.excluded)
        return tuple(HandoffCount(a, b) for a, b in sorted(self.design.difference(seen)))

    def fails(self, conditions: Iterable[str]) -> bool:
        """Whether the log shows any of ``conditions`` (``undocumented``, ``unobserved``),
        overall or for some customer.

        Examples
        --------
        >>> import servicekit
        >>> model = servicekit.load_example()
        >>> log = [{"case:concept:name": "c", "org:role": r, "time:timestamp": "2024-01-01"}
        ...        for r in ("tagger", "spotter")]
        >>> model.conformance(log).fails(["unobserved"])
        True
        """
        wanted = set(conditions)
        unknown = wanted.difference(FAIL_ON)
        if unknown:
            raise UsageError(
                f"conform fails on {' or '.join(FAIL_ON)}, not {', '.join(sorted(unknown))}"
            )
        answers = [self, *self.customers.values()]
        return any(getattr(answer, condition) for answer in answers for condition in wanted)

    # -- renders (answered by servicekit.render) -------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The answer as SPEC's JSON: cases, events, fitness, designed, ..., customers."""
        data: dict[str, Any] = later("servicekit.render.json").conformance_json(self)
        return data

    def to_text(self) -> str:
        """A short report for people: the undocumented hand-offs first."""
        text: str = later("servicekit.render.text").conformance_text(self)
        return text

    def to_markdown(self) -> str:
        """The report as Markdown, the hand-offs as a table."""
        text: str = later("servicekit.render.markdown").conformance_markdown(self)
        return text

    def to_csv(self) -> str:
        """CSV: one row a hand-off, designed or observed, with its status and counts."""
        text: str = later("servicekit.render.csv").conformance_csv(self)
        return text

    def to_records(self, table: str = "handoffs") -> list[dict[str, Any]]:
        """A table of the answer as a list of dicts: ``handoffs`` (every designed or observed
        hand-off with its status), or ``designed``, ``unobserved``, ``undocumented``,
        ``unknown_roles``, ``rework``, ``shares``, ``customers``."""
        rows: list[dict[str, Any]] = later("servicekit.render.rows").conformance_records(
            self, table
        )
        return rows

    def to_pandas(self, table: str = "handoffs") -> Any:
        """``to_records()`` as a pandas DataFrame (needs the ``pandas`` extra)."""
        found = later("servicekit.render.rows").conformance_table(self, table)
        return later("servicekit.render.frames").table_frame(found)

    def to_mermaid(self, *, focus: str | None = None, depth: int | None = None) -> str:
        """The model's blueprint with the observed counts on its hand-offs, and the
        undocumented ones dashed in another colour."""
        text: str = later("servicekit.render.diagram").to_mermaid(
            self._model(), focus=focus, depth=depth, observed=self
        )
        return text

    def to_dot(self, *, focus: str | None = None, depth: int | None = None) -> str:
        """As ``to_mermaid()``, in Graphviz DOT."""
        text: str = later("servicekit.render.diagram").to_dot(
            self._model(), focus=focus, depth=depth, observed=self
        )
        return text

    def _model(self) -> Any:
        if self.model is None:
            raise UsageError("this conformance answer holds no model to draw")
        return self.model.chain

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


# --- the designed hand-offs -------------------------------------------------------------------


class _Design:
    """The designed hand-offs of a model, for everyone and per customer, found in one pass.

    A hand-off is designed for a customer when it has no ``for`` or names them (SPEC
    revision 2's ``for``; a model without it designs every hand-off for everyone); a
    touchpoint's ``feeds`` when the touchpoint serves the customer (or everyone).
    """

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self._pairs: dict[str | None, frozenset[Pair]] = {}
        self._found: tuple[set[Pair], dict[str, set[Pair]]] | None = None
        self._fed: dict[str, list[tuple[str, tuple[str, ...] | None]]] | None = None

    def handed(self, role: str) -> list[tuple[str, tuple[str, ...] | None]]:
        """Whom ``role`` hands work to by design, each with the customers it is designed
        for (``None``: everyone): its ``serves``, and the ``feeds`` of the touchpoints it
        serves at. A role handing work to itself is never observed and is left out."""
        if self._fed is None:
            self._fed = {}
            for touchpoint in self.model.touchpoints.values():
                for fed in touchpoint.feeds:
                    self._fed.setdefault(touchpoint.role, []).append(
                        (fed, touchpoint.customers or None)
                    )
        handed = [(h.to, h.for_) for h in self.model.roles[role].serves]
        handed += self._fed.get(role, ())
        return [(receiver, customers) for receiver, customers in handed if receiver != role]

    def tables(self) -> tuple[set[Pair], dict[str, set[Pair]]]:
        """The hand-offs designed for everyone, and customer -> those designed for some
        customers, them among them: found in one pass over the model, when first asked."""
        if self._found is None:
            everyone: set[Pair] = set()
            only: dict[str, set[Pair]] = {}
            for role in self.model.roles:
                for receiver, customers in self.handed(role):
                    if customers is None:
                        everyone.add((role, receiver))
                    else:
                        for customer in customers:
                            only.setdefault(customer, set()).add((role, receiver))
            self._found = (everyone, only)
        return self._found

    def pairs(self, customer: str | None) -> frozenset[Pair]:
        """The designed pairs of the whole chain (``None``) or of ``customer``'s chain."""
        found = self._pairs.get(customer)
        if found is None:
            if customer is None:
                everyone, only = self.tables()
                found = frozenset(everyone.union(*only.values()))
            else:
                found = self.pairs(None).difference(self.excluded(customer))
            self._pairs[customer] = found
        return found

    def excluded(self, customer: str | None) -> frozenset[Pair]:
        """The pairs of the whole chain not designed for ``customer``: designed only for
        other customers (a few, next to the whole chain's)."""
        if customer is None:
            return frozenset()
        everyone, only = self.tables()
        restricted = set().union(*only.values()).difference(everyone)
        return frozenset(restricted.difference(only.get(customer, ())))


def designed_handoffs(model: ServiceModel, customer: str | None = None) -> frozenset[Pair]:
    """The designed (giver, receiver) role pairs: in the whole chain, or in ``customer``'s.

    Every hand-off of a role to another role, and every touchpoint's ``feeds`` (its serving
    role to each fed role); in a customer's chain only the hand-offs ``for`` that customer
    (or for everyone) and the touchpoints serving them. A role handing work to itself is
    never observed (consecutive events of one role are no hand-off) and is left out.
    ``_Design.handed`` is the one place where a customer's designed chain is decided.

    Examples
    --------
    >>> import servicekit
    >>> sorted(designed_handoffs(servicekit.load_example()))[:3]
    [('bookkeeper', 'owner'), ('cleaner', 'presser'), ('cleaner', 'spotter')]
    """
    return _Design(model).pairs(customer)


# --- counting ---------------------------------------------------------------------------------

#: While counting, roles and customers are numbers, and a hand-off one number:
#: ``customer << 2b | giver << b | receiver``, where ``b`` is the bits a role number
#: takes (customer 0: the case names none). Small numbers count fast.


class _Counts:
    """Every count of a log so far, each keyed with the customer of its case."""

    __slots__ = (
        "cases",
        "counts",
        "events",
        "examples",
        "left_out",
        "pair_bits",
        "pair_mask",
        "repeats",
        "rework",
        "rework_cases",
        "role_bits",
        "role_mask",
        "unknown",
    )

    def __init__(self, roles: int) -> None:
        self.role_bits = max(1, roles.bit_length())
        self.role_mask = (1 << self.role_bits) - 1
        self.pair_bits = 2 * self.role_bits
        self.pair_mask = (1 << self.pair_bits) - 1
        self.counts: Counter[int] = Counter()
        #: Hand-off -> how many times a case showed it again: its cases are the difference.
        self.repeats: Counter[int] = Counter()
        #: Hand-off -> its first cases, as (place of the case in the file, case id), for
        #: the hand-offs not designed for the case's customer.
        self.examples: dict[int, list[tuple[int, str]]] = {}
        self.rework: Counter[int] = Counter()
        #: By customer: cases, events, cases with rework, hand-offs left out.
        self.cases: Counter[int] = Counter()
        self.events: Counter[int] = Counter()
        self.rework_cases: Counter[int] = Counter()
        self.left_out: Counter[int] = Counter()
        #: ``customer << 32 | role`` -> events, for roles the model does not have.
        self.unknown: Counter[int] = Counter()

    def example(self, key: int, place: int, case: str) -> None:
        """``case`` shows the undocumented hand-off ``key``: keep it if among the first.

        Cases come in file order, so a case showing the hand-off twice comes twice in a row.
        """
        shown = self.examples.get(key)
        if shown is None:
            self.examples[key] = [(place, case)]
        elif len(shown) < EXAMPLES and shown[-1][0] != place:
            shown.append((place, case))


class _Part:
    """The counts of one answer (one customer's cases, or all), hand-offs as role numbers.

    ``keys`` and ``counts`` are aligned lists; ``repeats`` says how many times a case
    showed a hand-off again (its cases are its count less its repeats).
    """

    def __init__(self) -> None:
        self.keys: list[int] = []
        self.counts: list[int] = []
        self.repeats: dict[int, int] = {}
        self.examples: dict[int, list[tuple[int, str]]] = {}
        self.rework: dict[int, int] = {}
        self.unknown: dict[int, int] = {}
        self.cases = self.events = self.rework_cases = self.left_out = 0
        #: Where ``keys`` and ``counts`` are while nobody has asked for them: a slice of
        #: every customer's hand-offs, packed (see ``_parts``), and the mask of a hand-off.
        self.packed: tuple[array[int], array[int], int, int, int] | None = None

    def unpack(self) -> None:
        """Fill ``keys`` and ``counts`` from the packed counts of every customer."""
        if self.packed is not None:
            keys, counts, start, end, mask = self.packed
            self.keys = list(map(operator.and_, keys[start:end], repeat(mask)))
            self.counts = counts[start:end].tolist()
            self.packed = None


def _parts(counts: _Counts, customers: int) -> tuple[_Part, list[_Part]]:
    """The counts split by customer (0: none, then each customer), and added up."""
    whole, parts = _Part(), [_Part() for _ in range(customers)]
    bits, mask = counts.pair_bits, counts.pair_mask
    # The hand-off counts, packed in key order (so by customer), the counter let go: each
    # customer's share is a slice, unpacked when its answer is asked for.
    observed, counts.counts = counts.counts, Counter()
    ordered = sorted(observed)
    numbers = array("q", map(observed.__getitem__, ordered))
    del observed
    packed = array("Q", ordered)
    del ordered
    first = packed[0] >> bits if packed else 0
    if not packed or packed[-1] >> bits == first:  # one customer, or none
        part = parts[first]
        part.packed = (packed, numbers, 0, len(packed), mask)
        part.unpack()
        whole.keys, whole.counts = part.keys, part.counts
    else:
        overall: dict[int, int] = {}
        for pair, n in zip(map(operator.and_, packed, repeat(mask)), numbers, strict=True):
            overall[pair] = overall.get(pair, 0) + n
        whole.keys, whole.counts = list(overall), list(overall.values())
        for number, part in enumerate(parts):
            start = bisect_left(packed, number << bits)
            end = bisect_left(packed, (number + 1) << bits, start)
            if end > start:
                part.packed = (packed, numbers, start, end, mask)
    for source, table in ((counts.repeats, "repeats"), (counts.rework, "rework")):
        total: dict[int, int] = getattr(whole, table)
        for key, n in source.items():
            if n:
                pair = key & mask
                getattr(parts[key >> bits], table)[pair] = n
                total[pair] = total.get(pair, 0) + n
    for key, shown in counts.examples.items():
        pair = key & mask
        parts[key >> bits].examples[pair] = shown
        mine = whole.examples.get(pair)
        whole.examples[pair] = shown if mine is None else sorted([*mine, *shown])[:EXAMPLES]
    for key, n in counts.unknown.items():
        role = key & 0xFFFFFFFF
        parts[key >> 32].unknown[role] = n
        whole.unknown[role] = whole.unknown.get(role, 0) + n
    for number, part in enumerate(parts):
        part.cases = counts.cases[number]
        part.events = counts.events[number]
        part.rework_cases = counts.rework_cases[number]
        part.left_out = counts.left_out[number]
        whole.cases += part.cases
        whole.events += part.events
        whole.rework_cases += part.rework_cases
        whole.left_out += part.left_out
    return whole, parts


def _answer(
    part: _Part,
    names: Sequence[str],
    role_bits: int,
    judge: Callable[[list[int]], list[bool]],
    customer: str | None,
    customers: Mapping[str, Conformance],
    model: ServiceModel,
    design: _Design,
) -> Conformance:
    """The answer for one part. Role numbers sort as role ids do, so keys sort as pairs.

    ``judge`` says which of a list of hand-offs are designed for ``customer`` (for the
    whole log: designed for anyone).
    """
    part.unpack()
    examples, repeats = part.examples, part.repeats
    role_mask, pair_bits = (1 << role_bits) - 1, 2 * role_bits
    pair_mask = (1 << pair_bits) - 1
    top = max(part.counts, default=0)
    order = sorted(
        map(
            operator.or_,
            map(operator.lshift, map(operator.sub, repeat(top), part.counts), repeat(pair_bits)),
            part.keys,
        )
    )
    keys = list(map(operator.and_, order, repeat(pair_mask)))
    numbers = list(map(operator.sub, repeat(top), map(operator.rshift, order, repeat(pair_bits))))
    givers = list(map(names.__getitem__, map(operator.rshift, keys, repeat(role_bits))))
    receivers = list(map(names.__getitem__, map(operator.and_, keys, repeat(role_mask))))
    in_cases = (
        list(map(operator.sub, numbers, map(repeats.get, keys, repeat(0)))) if repeats else numbers
    )
    is_designed = judge(keys)
    rows = list(zip(givers, receivers, numbers, in_cases, repeat((), len(keys)), strict=True))
    designed = list(map(HandoffCount._make, compress(rows, is_designed)))
    undocumented = [
        HandoffCount(giver, receiver, count, cases, tuple(case for _, case in examples[key]))
        for (giver, receiver, count, cases, _), key in compress(
            zip(rows, keys, strict=True), map(operator.not_, is_designed)
        )
    ]
    total = sum(numbers)
    conforming = sum(h.count for h in designed)
    rework = sorted(part.rework.items(), key=lambda item: (-item[1], item[0]))
    return Conformance(
        cases=part.cases,
        events=part.events,
        fitness=conforming / total if total else None,
        designed=tuple(designed),
        undocumented=tuple(undocumented),
        unknown_roles=tuple(
            RoleEvents(names[r], n)
            for r, n in sorted(part.unknown.items(), key=lambda item: (-item[1], names[item[0]]))
        ),
        left_out=part.left_out,
        rework=Rework(
            count=sum(part.rework.values()),
            cases=part.rework_cases,
            pairs=tuple(
                HandoffCount(names[k >> role_bits], names[k & role_mask], n) for k, n in rework
            ),
        ),
        customers=customers,
        customer=customer,
        model=model,
        chain_design=design,
    )


#: The zone of a case before its first time is read.
_NO_ZONE = "?"
#: The cells of a row of a log: case, role (or resource), time, customer.
_WHO, _TIME, _CUSTOMER = itemgetter(1), itemgetter(2), itemgetter(3)
#: What comes before a time's zone (``+01:00``), or before its ``Z``.
_BEFORE_ZONE, _BEFORE_LAST = itemgetter(slice(None, -6)), itemgetter(slice(None, -1))
_TZINFO = attrgetter("tzinfo")


class _Variant:
    """What every case passing through one sequence of roles shows: its events, its
    hand-offs in order, those into a role it had before (``rework``), those it shows again
    (``repeats``), and the hand-offs not designed for everyone (``odd``), once each. Hand-offs
    are ``giver << b | receiver`` (see ``_Counts``), with no customer."""

    __slots__ = ("events", "odd", "pairs", "repeats", "rework")

    def __init__(
        self, events: int, pairs: list[int], rework: list[int], repeats: list[int], odd: list[int]
    ) -> None:
        self.events = events
        self.pairs = pairs
        self.rework = rework
        self.repeats = repeats
        self.odd = odd


_ODD = attrgetter("odd")


class _Case:
    """The events of one case so far: their times and roles (as numbers), in file order.

    Times are naive date-times in the zone of the case's first time (``zone``, its offset
    as written, ``+01:00``; ``None`` in a log without offsets).
    """

    __slots__ = ("customer", "ordered", "place", "roles", "times", "zone")

    def __init__(self, place: int) -> None:
        self.place = place
        self.zone: str | None = _NO_ZONE
        self.times: list[datetime] = []
        self.roles: list[int] = []
        self.customer: str | None = None
        self.ordered = True


#: What may stand between the date and the time of an ISO 8601 time.
_SEPARATORS = frozenset("Tt ")
#: The lengths of a time without its zone that are compared as text, and where each has
#: which character: minutes (16), seconds (19), fractions of a second (21 to 26).
_MINUTES = ((4, "-"), (7, "-"), (13, ":"))
_BODIES = {
    16: _MINUTES,
    19: (*_MINUTES, (16, ":")),
    **dict.fromkeys(range(21, 27), (*_MINUTES, (16, ":"))),
}
_SEPARATOR = itemgetter(10)


_DIGITS = b"0123456789"
#: Where the hour starts, after the separator: hours 24 to 29 (every other character
#: of a time written alike being a digit, ``-``, ``:``, ``.`` or ``,``).
_LATE = {separator: re.compile(f"{separator}2[4-9]") for separator in _SEPARATORS}
#: A day after its month (``-MM-DD``) that not every month has, or none has.
_LONG_DAY = re.compile("-[0-9][0-9]-(?:00|29|3)")


def _alike_read(text: str, n: int, width: int, body: int) -> bool:
    """Whether each of the ``n`` times of ``text``, written alike (``width`` characters
    each, ``body`` of them before the zone; the ``-``, ``:``, separator and zone already
    found in place), is a time ``datetime.fromisoformat`` reads, with no offset of its own.

    The dates are read by ``date.fromisoformat``: a chunk's one date, or its one month
    when every day is one each month has, or else each distinct date. The time of day is
    checked a position at a time, for every time at once.
    """
    if not text.isascii():
        return False
    raw = text.encode()
    first = text[:10]
    if all(raw[at::width] == raw[at : at + 1] * n for at in (0, 1, 2, 3, 5, 6, 8, 9)):
        dates = {first}
    elif (
        all(raw[at::width] == raw[at : at + 1] * n for at in (0, 1, 2, 3, 5, 6))
        and not raw[8::width].translate(None, b"012")
        and raw[9::width].isdigit()
        and _LONG_DAY.search(text) is None
    ):
        dates = {first[:8] + "01"}  # days 01 to 28 of a month that reads
    else:
        ends = range(10, n * width + 1, width)
        dates = set(map(text.__getitem__, map(slice, range(0, n * width, width), ends)))
    try:
        for day in dates:
            date.fromisoformat(day)
    except ValueError:
        return False
    # Hours 00-29 (24-29 looked for below), minutes and seconds 00-59, fractions digits.
    allowed = [(11, b"012"), (12, _DIGITS), (14, b"012345"), (15, _DIGITS)]
    if body >= 19:
        allowed += [(17, b"012345"), (18, _DIGITS)]
    if body > 19:
        if text[19] not in ".,":
            return False
        allowed += [(at, _DIGITS) for at in range(20, body)]
    if any(raw[at::width].translate(None, chars) for at, chars in allowed):
        return False
    return b"2" not in raw[11::width] or _LATE[text[10]].search(text) is None


def _separated(local: str) -> bool:
    """Whether the date and time of ``local`` are separated as ISO 8601 says: a ``T`` (or a
    space), where Python's ``fromisoformat`` takes any character."""
    if len(local) <= 10:
        return True
    return local[10 if local[4:5] == "-" else 8] in _SEPARATORS


def _zone(text: str) -> timezone:
    """The fixed offset ``+HH:MM`` names; a ValueError when it names none."""
    found = datetime.fromisoformat("2000-01-01T00:00" + text).tzinfo
    if not isinstance(found, timezone):  # pragma: no cover - fromisoformat gives timezones
        raise ValueError(text)
    return found


def _zone_text(time: datetime) -> str:
    """The offset of an aware ``time`` as ``+HH:MM`` (``+HH:MM:SS`` when it has seconds)."""
    offset = int(cast("timedelta", time.utcoffset()).total_seconds())
    sign = "-" if offset < 0 else "+"
    hours, rest = divmod(abs(offset), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


#: A chunk of a log as columns: case, who, time and (when the log has it) customer.
Columns = list[Sequence[Any]]


def _head(columns: Columns, end: int) -> Columns:
    return [column[:end] for column in columns]


def _tail(columns: Columns, start: int) -> Columns:
    return [column[start:] for column in columns]


def _handoffs(roles: Sequence[int], rb: int, known: int) -> tuple[list[int], list[int], int]:
    """The hand-offs of a case passing through ``roles`` (numbers, in order of time): each
    change of role is one, ``giver << rb | receiver``; those into a role the case had
    before are its rework too. A hand-off to or from a role the model lacks (numbered
    ``known`` or more) is left out, and counted: (hand-offs, rework, left out)."""
    if roles and max(roles) < known:
        pairs = [giver << rb | receiver for giver, receiver in pairwise(roles) if giver != receiver]
        if len(set(roles)) > len(pairs):  # a role each stretch of the case: none came back
            return pairs, [], 0
    pairs = []
    rework: list[int] = []
    left_out = 0
    seen: set[int] = set()
    previous = -1
    for role in roles:
        if role != previous:
            if previous >= 0:
                if role >= known or previous >= known:
                    left_out += 1
                else:
                    pair = previous << rb | role
                    pairs.append(pair)
                    if role in seen:
                        rework.append(pair)
            seen.add(role)
            previous = role
    return pairs, rework, left_out


def _add(table: dict[int, int], keys: Iterable[int], n: int) -> None:
    """Count each of ``keys`` ``n`` times more in ``table``."""
    get = table.get
    for key in keys:
        table[key] = get(key, 0) + n


def _one_run_each(cells: Sequence[Any], values: list[Any], lengths: list[int]) -> bool:
    """Whether ``cells`` are ``values[0]`` ``lengths[0]`` times, then ``values[1]``..."""
    runs = list(chain.from_iterable(map(repeat, values, lengths)))
    return (cells if isinstance(cells, list) else list(cells)) == runs


def _ordered(times: Sequence[Any], starts: list[int]) -> bool:
    """Whether ``times`` go down only where a case starts (``starts``: its first rows)."""
    down = compress(count(1), map(operator.gt, times, islice(times, 1, None)))
    return set(starts).issuperset(down)


class _Ungrouped(Exception):
    """A case came back after other cases: the log must be read holding every case."""


def _runs(cells: Sequence[tuple[Any, ...]]) -> list[int]:
    """Where each run of rows of one case starts."""
    return [0, *(i for i, (a, b) in enumerate(pairwise(r[0] for r in cells), 1) if a != b)]


class _Log:
    """One reading of a log: the row checks, the cases, and the counts.

    Rows come in chunks. In a log grouped by case, the complete cases of a chunk are
    checked together a column at a time when every row is as expected (known roles, times
    of one zone and in order, one customer a case), and counted by variant: the roles a
    case passes through, whose hand-offs are worked out once. Any other case is taken
    case by case, and a case whose rows are not all as expected row by row, which reports
    each problem at its line. Every way gives the same answer.
    """

    def __init__(
        self,
        model: ServiceModel,
        names: Mapping[str, str],
        roles_of: Mapping[str, str] | None,
        ignore_unknown: bool,
        reading: Reading,
    ) -> None:
        self.model = model
        self.names = names
        self.roles_of = roles_of
        self.ignore_unknown = ignore_unknown
        self.reading = reading
        #: Role names by number: the model's roles in id order (so that numbers sort as
        #: ids do), then unknown ones as they come.
        self.role_names: list[str] = sorted(model.roles)
        self.role_numbers: dict[str, int] = {r: n for n, r in enumerate(self.role_names)}
        self.known = len(self.role_names)
        #: What the log's role (or resource) cells stand for, as numbers: the role numbers
        #: themselves when cells are roles.
        self.lookup: dict[str, int] = self.role_numbers
        if roles_of is not None:
            self.lookup = {
                person: self.role_numbers[role]
                for person, role in roles_of.items()
                if role in self.role_numbers
            }
        #: Customers by number (0: none).
        self.customer_names: list[str | None] = [None, *sorted(model.customers)]
        self.customer_numbers = {c: n for n, c in enumerate(self.customer_names) if c}
        #: A customer cell as a number: an empty cell (or none) is 0.
        self.customer_of_cell: dict[str | None, int] = {"": 0, None: 0}
        self.customer_of_cell.update(self.customer_numbers)
        self.counts = _Counts(self.known)
        self.rb = self.counts.role_bits
        self.pb = self.counts.pair_bits
        self.pair_mask = self.counts.pair_mask
        #: Giver number -> receiver number -> the customers (as numbers) the hand-off is
        #: designed for (``None``: everyone); filled for a giver when the log first shows
        #: it handing work on, so that a big model costs only the roles the log names.
        self.designed_to: dict[int, dict[int, frozenset[int] | None]] = {}
        self.design = _Design(model)
        #: Hand-offs (no customer) seen so far -> whether they are *not* designed for
        #: everyone (designed only for some customers, or not at all).
        self.odd: dict[int, bool] = {}
        #: Of those, the hand-off keys (with their customer) seen: designed for the customer?
        self.judged: dict[int, bool] = {}
        #: Undocumented hand-off keys still short of example cases.
        self.wanting: set[int] = set()
        #: (customer, variant) pairs none of whose hand-offs wants examples any more (or
        #: ever did): their cases are not looked at for examples.
        self.cold: set[tuple[int, _Variant]] = set()
        self.has_customer = False
        self.who_column = names["resource"] if roles_of is not None else names["role"]
        #: Zone text -> its offset; ``naive``: whether the log's times have no offset.
        self.zones: dict[str, timezone] = {}
        self.naive: bool | None = None
        self.first_time = 0
        self.place = 0
        self.done: set[str] = set()
        self.held: dict[str, _Case] = {}
        #: A case longer than a chunk, read case by case.
        self.open: tuple[str, _Case] | None = None
        #: The variants met, by their rows' roles (or resources) as written.
        self.variants: dict[tuple[str, ...], _Variant] = {}
        #: Whole cases not yet counted, by (customer, variant).
        self.window: Counter[tuple[int, _Variant]] = Counter()

    # -- the design ---------------------------------------------------------------------

    def _receivers(self, giver: int) -> dict[int, frozenset[int] | None]:
        """``_Design.handed`` for the role numbered ``giver``, in numbers: receiver ->
        the customers the hand-off is designed for (``None``: everyone)."""
        found = self.designed_to.get(giver)
        if found is not None:
            return found
        found = {}
        if giver < self.known:
            numbers, customers = self.role_numbers, self.customer_numbers
            for receiver, admitted in self.design.handed(self.role_names[giver]):
                number = numbers[receiver]
                if admitted is None or found.get(number, ()) is None:
                    found[number] = None
                else:
                    mine = frozenset(customers[c] for c in admitted if c in customers)
                    found[number] = mine | (found.get(number) or frozenset())
        self.designed_to[giver] = found
        return found

    def _admitted(self, pair: int) -> frozenset[int] | bool | None:
        """The customers hand-off ``pair`` is designed for: ``None`` everyone, ``False``
        no one (it is not designed)."""
        return self._receivers(pair >> self.rb).get(pair & self.counts.role_mask, False)

    def _odd(self, pairs: Sequence[int]) -> list[bool]:
        """Whether each hand-off (no customer) is *not* designed for everyone: designed only
        for some customers, or not at all. A hand-off is judged when first seen."""
        odd = self.odd
        for pair in set(pairs).difference(odd):
            odd[pair] = self._admitted(pair) is not None
        return list(map(odd.__getitem__, pairs))

    def _suspects(self, keys: Sequence[int], pairs: Sequence[int]) -> set[int]:
        """Of hand-off keys (``pairs``: the same without their customer), those not designed
        for everyone, each judged for its case's customer (``_judge``) when first seen."""
        is_odd = self._odd(pairs)
        if not any(is_odd):
            return set()
        found = set(compress(keys, is_odd))
        for key in found.difference(self.judged):
            self._judge(key)
        return found

    def _judge(self, key: int) -> None:
        """Judge hand-off ``key`` (with its customer) for ``judged``: designed for its
        customer? The undocumented start wanting examples."""
        customer = key >> self.pb
        admitted = self._admitted(key & self.pair_mask)
        designed = admitted is None or (
            isinstance(admitted, frozenset) and (not customer or customer in admitted)
        )
        self.judged[key] = designed
        if not designed:
            self.wanting.add(key)

    def in_chain(self, pair: int) -> bool:
        """Whether the hand-off ``pair`` (no customer) is designed for anyone at all."""
        return (pair & self.counts.role_mask) in self._receivers(pair >> self.rb)

    # -- the rows -----------------------------------------------------------------------

    def read(self, table: Table, *, grouped: bool) -> None:
        """Read every case, counting each when it is complete."""
        names = self.names
        wanted = (names["case"], self.who_column, names["time"], names["customer"])
        rows = table.rows(self.reading, wanted, (True, True, True, False))
        if not rows.present:  # the file could not be read: its problems say why
            return
        self.has_customer = names["customer"] in rows.present
        try:
            if grouped:
                self._grouped(rows)
            else:
                for lines, columns in rows.column_chunks(CHUNK):
                    self._by_case(lines, columns, grouped=False)
                for case_id, case in self.held.items():
                    self._finish(case_id, case)
        finally:
            rows.close()

    def _grouped(self, rows: Rows) -> None:
        """Read a log grouped by case: the complete cases of each chunk are counted, and the
        last case of a chunk waits for the next."""
        carry_lines: Sequence[int] = []
        carry: Columns | None = None
        for lines, columns in rows.column_chunks(CHUNK):
            if carry is not None:
                lines = [*carry_lines, *lines]
                columns = [[*old, *new] for old, new in zip(carry, columns, strict=True)]
                carry = None
            cases = columns[0]
            if self.open is not None:
                case_id, case = self.open
                end = 0
                while end < len(cases) and cases[end] == case_id:
                    end += 1
                if end:
                    self._take(case, lines[:end], _head(columns, end))
                if end == len(cases):
                    continue
                self._finish(case_id, case)
                self.done.add(case_id)
                self.open = None
                lines, columns = lines[end:], _tail(columns, end)
                cases = columns[0]
            last = len(cases) - 1
            final = cases[-1]
            while last > 0 and cases[last - 1] == final:
                last -= 1
            if last == 0:
                if len(cases) < CHUNK:
                    carry_lines, carry = lines, columns  # wait for the rest of the case
                else:
                    self.open = (final, self._start(final, lines[0]))
                    self._take(self.open[1], lines, columns)
                continue
            head = _head(columns, last)
            if not self._complete(head):
                self._by_case(lines[:last], head, grouped=True)
            carry_lines, carry = lines[last:], _tail(columns, last)
        if carry is not None and not self._complete(carry):
            self._by_case(carry_lines, carry, grouped=True)
        self._flush()
        if self.open is not None:
            self._finish(*self.open)

    def _start(self, case_id: str, line: int) -> _Case:
        """A new case of a grouped log; a case seen before means the log is not grouped."""
        if case_id in self.done:
            raise _Ungrouped(line)
        self.place += 1
        return _Case(self.place)

    def _by_case(self, lines: Sequence[int], columns: Columns, *, grouped: bool) -> None:
        """Take the rows case by case: each run of a grouped log is a whole case."""
        cells = list(zip(*columns, strict=True))
        runs = [*_runs(cells), len(cells)]
        for start, end in pairwise(runs):
            case_id = cells[start][0]
            if grouped:
                case = self._start(case_id, lines[start])
            else:
                found = self.held.get(case_id)
                if found is None:
                    self.place += 1
                    found = self.held[case_id] = _Case(self.place)
                case = found
            rows = cells[start:end]
            if not self._fast(case, rows):
                self._slow(case, lines[start:end], rows)
            if grouped:
                self._finish(case_id, case)
                self.done.add(case_id)

    def _take(self, case: _Case, lines: Sequence[int], columns: Columns) -> None:
        cells = list(zip(*columns, strict=True))
        if not self._fast(case, cells):
            self._slow(case, lines, cells)

    def _times(self, stamps: list[str]) -> tuple[str | None, list[datetime]] | None:
        """The zone and naive times of times that all share one well-written zone; else
        ``None``."""
        first = stamps[0]
        parse = datetime.fromisoformat
        try:
            if first[-3:-2] == ":" and first[-6:-5] in "+-" and len(first) > 16:
                zone: str | None = first[-6:]
                if (
                    zone not in self.zones
                    or not all(map(str.endswith, stamps, repeat(zone)))
                    or min(map(len, stamps)) <= 16
                ):
                    return None
                times = list(map(parse, map(_BEFORE_ZONE, stamps)))
            elif first[-1:] == "Z":
                zone = "+00:00"
                if (
                    zone not in self.zones
                    or not all(map(str.endswith, stamps, repeat("Z")))
                    or min(map(len, stamps)) <= 11
                ):
                    return None
                times = list(map(parse, map(_BEFORE_LAST, stamps)))
            else:
                zone = None
                times = list(map(parse, stamps))
        except ValueError:
            return None
        if (zone is None) is not self.naive or any(map(_TZINFO, times)):
            return None
        try:
            if not _SEPARATORS.issuperset(map(_SEPARATOR, stamps)):
                return None
        except IndexError:  # a date without a time
            return None
        return zone, times

    def _in_order(self, stamps: Sequence[str], starts: list[int]) -> bool:
        """Whether the times of a chunk are all well written, of the log's one zone (or of
        none, in a log without), and in order within each case (``starts``: the row each
        case starts at).

        Times written alike (one length; ``-``, ``:`` and the separator in the same places;
        one zone) are compared as text, which for them is comparing the times; any other
        chunk has its times parsed and compared.
        """
        first = stamps[0]
        width = len(first)
        if first[-1:] == "Z":
            zone: str | None = "+00:00"
            tail = "Z"
        elif first[-6:-5] in ("+", "-") and first[-3:-2] == ":":
            zone = tail = first[-6:]
        else:
            zone, tail = None, ""
        body = width - len(tail)
        if body not in _BODIES or len(set(map(len, stamps))) != 1:
            timed = self._times(list(stamps))
            if timed is None:
                return False
            return _ordered(timed[1], starts)
        if (zone is None) is not self.naive or (zone is not None and zone not in self.zones):
            return False
        n = len(stamps)
        text = "".join(stamps)
        if (
            # The zone starts where it should in every time, and is there as many times
            # as there are times: a time that reads (each is read below) holds one zone.
            (tail and (text[body::width] != tail[0] * n or text.count(tail) != n))
            or any(text[at::width] != char * n for at, char in _BODIES[body])
            or len(set(text[10::width])) != 1
            or text[10:11] not in _SEPARATORS
            or (body > 19 and len(set(text[19::width])) != 1)
        ):
            return False
        if not _alike_read(text, n, width, body):
            return False
        return _ordered(stamps, starts)

    def _complete(self, columns: Columns) -> bool:
        """Count whole cases at once when every row is as expected; ``False`` when one is not.

        Each case is taken as its *variant*, the roles it passes through in order: a
        variant's hand-offs, rework and repeats are worked out once (``_variant``), and
        the cases are counted by (customer, variant) until ``_flush``. Every step over the
        rows is a ``map``, ``compress`` or slice, run in C.
        """
        cases, who = columns[0], columns[1]
        runs = Counter(cases)
        ids = list(runs)
        lengths = list(runs.values())
        if (
            not self.done.isdisjoint(ids)
            or not all(ids)
            or "\x00" in "".join(ids)
            or not _one_run_each(cases, ids, lengths)  # else not grouped here
        ):
            return False
        # Where each case starts and ends (past its last row).
        ends = list(accumulate(lengths))
        starts = [0, *ends[:-1]]
        shapes = list(map(tuple, map(who.__getitem__, map(slice, starts, ends))))
        found = list(map(self.variants.get, shapes))
        if None in found and not self._new_variants(shapes, found):
            return False
        variants = cast("list[_Variant]", found)  # every one found now
        if not self._in_order(columns[2], starts):
            return False
        if self.has_customer:
            cells = columns[3]
            firsts = list(map(cells.__getitem__, starts))
            if not _one_run_each(cells, firsts, lengths):
                return False  # a case whose rows name different customers (or some none)
            try:
                customers = list(map(self.customer_of_cell.__getitem__, firsts))
            except KeyError:
                return False
        else:
            customers = [0] * len(ids)
        window = self.window
        window.update(zip(customers, variants, strict=True))
        first_place = self.place
        self.place += len(ids)
        odd = list(map(_ODD, variants))
        if any(odd):
            self._examples(customers, variants, odd, ids, first_place)
        self.done.update(ids)
        if len(window) > WINDOW:
            self._flush()
        return True

    def _new_variants(self, shapes: list[tuple[str, ...]], variants: list[_Variant | None]) -> bool:
        """Work out the variants not met before (``None`` in ``variants``) of cases with
        the roles (or resources) ``shapes``; ``False`` when a case names a role the model
        does not have."""
        known = self.variants
        if len(known) > VARIANTS:
            known.clear()
        for at in compress(count(), map(operator.is_, variants, repeat(None))):
            shape = shapes[at]
            variant = known.get(shape)
            if variant is None:
                variant = self._variant(shape)
                if variant is None:
                    return False
                known[shape] = variant
            variants[at] = variant
        return True

    def _variant(self, shape: tuple[str, ...]) -> _Variant | None:
        """What a case passing through ``shape`` (its rows' roles or resources, in order)
        shows: ``None`` when one is not a role of the model."""
        try:
            roles = list(map(self.lookup.__getitem__, shape))
        except KeyError:
            return None
        if max(roles) >= self.known:
            return None
        pairs, rework, _ = _handoffs(roles, self.rb, self.known)
        distinct = list(dict.fromkeys(pairs))
        repeats: list[int] = []
        if len(distinct) < len(pairs):
            again = Counter(pairs)
            again.subtract(distinct)
            repeats = list(again.elements())
        return _Variant(
            len(roles), pairs, rework, repeats, list(compress(distinct, self._odd(distinct)))
        )

    def _examples(
        self,
        customers: list[int],
        variants: list[_Variant],
        odd: list[list[int]],
        ids: list[str],
        first_place: int,
    ) -> None:
        """Keep the first cases showing each undocumented hand-off of a chunk.

        Only the hand-offs not designed for everyone are looked at (``odd``: each case's),
        and of them only those still short of examples (``wanting``).
        """
        pb, judged, wanting, cold = self.pb, self.judged, self.wanting, self.cold
        hot: set[tuple[int, _Variant]] = set()
        for combo in set(compress(zip(customers, variants, strict=True), odd)).difference(cold):
            bits = combo[0] << pb
            warm = False
            for pair in combo[1].odd:
                key = bits | pair
                if key not in judged:
                    self._judge(key)
                warm = warm or key in wanting
            (hot if warm else cold).add(combo)
        if len(cold) > VARIANTS:
            cold.clear()
        if not hot:
            return
        counts = self.counts
        shown: set[int] = set()
        for at in compress(count(), map(hot.__contains__, zip(customers, variants, strict=True))):
            bits = customers[at] << pb
            for key in map(operator.or_, variants[at].odd, repeat(bits)):
                if key in wanting:
                    counts.example(key, first_place + 1 + at, ids[at])
                    shown.add(key)
        examples = counts.examples
        wanting.difference_update([k for k in shown if len(examples[k]) >= EXAMPLES])

    def _flush(self) -> None:
        """Count the cases waiting by (customer, variant)."""
        counts, pb = self.counts, self.pb
        cases, events, rework_cases = counts.cases, counts.events, counts.rework_cases
        once: list[Iterable[int]] = []  # the hand-offs of the variants seen in one case
        for (customer, variant), n in self.window.items():
            cases[customer] += n
            events[customer] += n * variant.events
            bits = repeat(customer << pb)
            if n == 1:
                once.append(map(operator.or_, variant.pairs, bits))
            else:
                _add(counts.counts, map(operator.or_, variant.pairs, bits), n)
            if variant.rework:
                rework_cases[customer] += n
                _add(counts.rework, map(operator.or_, variant.rework, bits), n)
                _add(counts.repeats, map(operator.or_, variant.repeats, bits), n)
        counts.counts.update(chain.from_iterable(once))
        self.window.clear()

    def _fast(self, case: _Case, cells: list[tuple[Any, ...]]) -> bool:
        """Take rows of one case in when every row is as expected; ``False`` when one is not."""
        try:
            roles = list(map(self.lookup.__getitem__, map(_WHO, cells)))
        except KeyError:
            return False
        case_id = cells[0][0]
        if not case_id or "\x00" in case_id:
            return False
        timed = self._times(list(map(_TIME, cells)))
        if timed is None:
            return False
        zone, times = timed
        if case.zone is _NO_ZONE:
            case.zone = zone
        elif case.zone != zone:
            return False
        if self.has_customer:
            customers = set(map(_CUSTOMER, cells))
            customers.discard("")
            customers.discard(None)
            if customers:
                if len(customers) > 1:
                    return False
                customer = customers.pop()
                if case.customer is None:
                    if customer not in self.customer_numbers:
                        return False
                    case.customer = customer
                elif customer != case.customer:
                    return False
        if case.ordered and (
            (case.times and times[0] < case.times[-1])
            or not all(map(operator.le, times, islice(times, 1, None)))
        ):
            case.ordered = False
        case.times += times
        case.roles += roles
        return True

    def _slow(self, case: _Case, lines: Sequence[int], cells: list[tuple[Any, ...]]) -> None:
        """Take a batch of a case in row by row, reporting each problem at its line."""
        reading, names = self.reading, self.names
        has_customer = self.has_customer
        customers = self.model.customers
        roles_of = self.roles_of
        for line, row in zip(lines, cells, strict=True):
            case_id, who, stamp = row[0], row[1], row[2]
            customer = row[3] if has_customer else None
            if not case_id or "\x00" in case_id:
                self._bad_case(line, case_id)
                continue
            if roles_of is not None and who not in roles_of:
                role = self._unknown(line, who, resource=True)
            else:
                name = roles_of[who] if roles_of is not None else who
                role = self.role_numbers.get(name)
                if role is None:
                    role = self._unknown(line, name, resource=False)
            if role is None:
                continue
            time = self._time(line, stamp)
            if time is None:
                continue
            zone, moment = time
            if case.zone is _NO_ZONE:
                case.zone = zone
            elif zone != case.zone:  # the clocks changed during the case: its zone's time
                moment = (
                    moment.replace(tzinfo=self.zones[zone])  # type: ignore[index]
                    .astimezone(self.zones[case.zone])  # type: ignore[index]
                    .replace(tzinfo=None)
                )
            if customer:
                if case.customer is None:
                    if customer not in customers:
                        reading.unknown(
                            line,
                            "customer",
                            customer,
                            lambda: list(customers),
                            column=names["customer"],
                        )
                        continue
                    case.customer = customer
                elif customer != case.customer:
                    reading.add(
                        line,
                        f"case {case_id!r} was for customer {case.customer!r}, "
                        f"and this row says {customer!r}",
                        "a case has one customer",
                        column=names["customer"],
                        value=customer,
                    )
                    continue
            if case.times and moment < case.times[-1]:
                case.ordered = False
            case.times.append(moment)
            case.roles.append(role)

    def _time(self, line: int, stamp: str) -> tuple[str | None, datetime] | None:
        """A time as its zone (``+01:00``; ``None`` without an offset) and the naive
        date-time in that zone; ``None`` (and a problem) when it is not one."""
        if stamp[-3:-2] == ":" and stamp[-6:-5] in "+-" and len(stamp) > 16:
            zone: str | None = stamp[-6:]
            local = stamp[:-6]
        elif stamp[-1:] == "Z" and len(stamp) > 11:
            zone, local = "+00:00", stamp[:-1]
        else:
            zone, local = None, stamp
        try:
            if not _separated(local):
                raise ValueError(stamp)
            moment = datetime.fromisoformat(local)
            if zone is not None:
                if moment.tzinfo is not None:
                    raise ValueError(stamp)  # two offsets
                if zone not in self.zones:
                    self.zones[zone] = _zone(zone)
        except ValueError:
            self.reading.add(
                line,
                f"{stamp!r} is not an ISO 8601 time",
                "write times as 2024-05-01T09:30:00, with or without an offset (+01:00, Z)",
                column=self.names["time"],
                value=stamp,
            )
            return None
        if moment.tzinfo is not None:  # an offset written another way: +0100, +01
            zone = _zone_text(moment)
            self.zones.setdefault(zone, _zone(zone))
            moment = moment.replace(tzinfo=None)
        if (zone is None) is not self.naive:
            if self.naive is None:
                self.naive, self.first_time = zone is None, line
            else:
                has, hasnt = ("an offset", "none") if self.naive else ("no offset", "one")
                self.reading.add(
                    line,
                    f"the time {stamp!r} has {has} but the log's first time (line "
                    f"{self.first_time}) has {hasnt}: every time of a log has an offset or "
                    "none has",
                    "write every time with its offset (or every time without)",
                    column=self.names["time"],
                    value=stamp,
                )
                return None
        return zone, moment

    def _bad_case(self, line: int, case_id: str) -> None:
        column = self.names["case"]
        if not case_id:
            self.reading.add(
                line, "the case is empty", "every event belongs to a case", column=column
            )
        else:
            self.reading.add(
                line,
                f"the case {case_id!r} holds a NUL byte",
                "is the file UTF-16 or binary? save it as UTF-8",
                column=column,
                value=case_id,
            )

    def _unknown(self, line: int, who: str, *, resource: bool) -> int | None:
        """The number an unknown role stands for when unknown roles are left out, else ``None``.

        ``who`` is a resource no role is mapped to (``resource``), or a role name.
        """
        column = self.who_column
        if not who:
            what = "resource" if resource else "role"
            self.reading.add(line, f"the {what} is empty", column=column)
            return None
        if self.ignore_unknown:
            number = self.role_numbers.get(who)
            if number is None:
                number = self.role_numbers[who] = len(self.role_names)
                self.role_names.append(who)
            if resource or self.roles_of is None:
                self.lookup[who] = number
            return number
        if resource:
            self.reading.unknown(
                line,
                "resource",
                who,
                lambda: list(self.roles_of or ()),
                column=column,
                advice="add it to the roles file, or pass --unknown-roles ignore",
            )
        else:
            self.reading.unknown(
                line,
                "role",
                who,
                lambda: list(self.model.roles),
                column=column,
                advice="add the role to the model, map people to roles with --roles, "
                "or pass --unknown-roles ignore",
            )
        return None

    # -- a complete case -----------------------------------------------------------------

    def _finish(self, case_id: str, case: _Case) -> None:
        """Count one whole case read case by case."""
        roles = case.roles
        if not case.ordered:
            # Stable: events at the same time keep their order in the file.
            roles = [roles[i] for i in sorted(range(len(roles)), key=case.times.__getitem__)]
        customer = self.customer_numbers.get(case.customer, 0) if case.customer else 0
        rb = self.rb
        bits = customer << self.pb
        counts = self.counts
        counts.cases[customer] += 1
        counts.events[customer] += len(roles)
        known = self.known
        handed, again, left_out = _handoffs(roles, rb, known)
        pairs = list(map(operator.or_, handed, repeat(bits)))
        rework = list(map(operator.or_, again, repeat(bits)))
        counts.counts.update(pairs)
        distinct = set(pairs)
        if len(distinct) < len(pairs):
            counts.repeats.update(pairs)
            counts.repeats.subtract(distinct)
        listed = list(distinct)
        suspects = self._suspects(listed, [key & self.pair_mask for key in listed])
        wanting = self.wanting
        for key in wanting.intersection(suspects):
            counts.example(key, case.place, case_id)
            if len(counts.examples[key]) >= EXAMPLES:
                wanting.discard(key)
        if rework:
            counts.rework_cases[customer] += 1
            counts.rework.update(rework)
        if left_out:
            counts.left_out[customer] += left_out
            counts.unknown.update(customer << 32 | r for r in roles if r >= known)
        # The case is counted: let its events go.
        case.times = []
        case.roles = []

    def answer(self) -> Conformance:
        """The answer: every case's, and (worked out when first asked for) each
        customer's. The reading's own tables are let go; the counts stay packed."""
        model, names, pb, rb = self.model, self.role_names, self.pb, self.rb
        whole, parts = _parts(self.counts, len(self.customer_names))
        self.done, self.held = set(), {}
        design = self.design
        odd, judged, in_chain = self.odd, self.judged, self.in_chain
        numbers = self.customer_numbers

        def answer_for(customer: str) -> Conformance:
            number = numbers[customer]
            bits = number << pb

            def designed(keys: list[int]) -> list[bool]:
                return [not odd[pair] or judged[pair | bits] for pair in keys]

            part = parts[number]
            return _answer(part, names, rb, designed, customer, FrozenDict(), model, design)

        served = [
            customer
            for number, customer in enumerate(self.customer_names)
            if customer is not None and parts[number].cases
        ]

        def anyone(keys: list[int]) -> list[bool]:
            return list(map(in_chain, keys))

        customers = _Answers(served, answer_for)
        return _answer(whole, names, rb, anyone, None, customers, model, design)


class _Answers(Mapping[str, Conformance]):
    """Each customer's answer, worked out when first asked for (a log may have dozens of
    customers, each with thousands of hand-offs). Pickles and compares as a plain mapping."""

    __slots__ = ("_build", "_done", "_names")

    def __init__(self, names: Sequence[str], build: Callable[[str], Conformance]) -> None:
        self._names = dict.fromkeys(names)
        self._build = build
        self._done: dict[str, Conformance] = {}

    def __getitem__(self, customer: str) -> Conformance:
        found = self._done.get(customer)
        if found is None:
            if customer not in self._names:
                raise KeyError(customer)
            found = self._done[customer] = self._build(customer)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __hash__(self) -> int:
        return hash(FrozenDict(self))

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))


# --- resources to roles -------------------------------------------------------------------


def read_resource_roles(
    source: str | os.PathLike[str] | Iterable[Mapping[str, Any]] | Any,
    model: ServiceModel | None = None,
    *,
    unknown_roles: str = "error",
) -> dict[str, str]:
    """A ``resource -> role`` mapping: a CSV file (or rows) with columns resource, role,
    or a mapping.

    Every bad row is reported together as an ``EvidenceError``: an empty
    cell, a resource mapped to two roles, and (given ``model``, unless ``unknown_roles`` is
    ``"ignore"``) a role the model does not have, with the nearest ones.
    """
    check = model is not None and unknown_roles != "ignore"
    if isinstance(source, Mapping):
        reading = Reading("<resource_roles>")
        for resource, role in source.items():
            if not isinstance(resource, str) or not isinstance(role, str) or not role:
                reading.add(
                    None, f"resource_roles maps people to roles, not {resource!r} -> {role!r}"
                )
            elif check and role not in cast("ServiceModel", model).roles:
                reading.add(
                    None,
                    f"resource_roles maps {resource!r} to unknown role {role!r}",
                    nearest(role, list(cast("ServiceModel", model).roles)),
                )
        reading.check()
        return dict(source)
    reading = Reading("<roles>")
    table = open_table(source, reading)
    resource_column, role_column = ROLE_MAP_COLUMNS["resource"], ROLE_MAP_COLUMNS["role"]
    rows = table.rows(reading, (resource_column, role_column), (True, True))
    found: dict[str, str] = {}
    first: dict[str, int] = {}
    for line, (resource, role) in rows:
        if not resource or not role:
            reading.add(line, "a row needs both a resource and its role")
            continue
        if check and role not in cast("ServiceModel", model).roles:
            reading.unknown(
                line,
                "role",
                role,
                lambda: list(cast("ServiceModel", model).roles),
                column=role_column,
                advice="add the role to the model, or pass --unknown-roles ignore",
            )
            continue
        if resource in found:
            if found[resource] != role:
                reading.add(
                    line,
                    f"the resource {resource!r} is mapped to {found[resource]!r} on line "
                    f"{first[resource]} and to {role!r} here",
                    "one person, one role: keep one row",
                    column=resource_column,
                    value=resource,
                )
            continue
        found[resource] = role
        first[resource] = line
    reading.check()
    return found


def conformance(
    model: ServiceModel,
    log: str | os.PathLike[str] | Iterable[Mapping[str, Any]] | Any,
    *,
    columns: Mapping[str, str] | None = None,
    resource_roles: Mapping[str, str] | str | os.PathLike[str] | None = None,
    unknown_roles: str = "error",
) -> Conformance:
    """Set the hand-offs ``log`` shows against the hand-offs ``model`` designs.

    Parameters
    ----------
    model : ServiceModel
        The designed chain.
    log : path, DataFrame or iterable of mappings
        A CSV file, an XES file (``.xes``, ``.xes.gz``), a pandas DataFrame, or rows as
        mappings. Columns default to the XES names: ``case:concept:name``, ``org:role``,
        ``time:timestamp``, optionally ``case:customer``.
    columns : mapping, optional
        Short name -> column, for a log whose columns are named otherwise
        (``{"role": "org:group"}``).
    resource_roles : mapping or path, optional
        For a log that names people rather than roles: resource -> role, or a CSV file
        with columns ``resource,role``. The ``resource`` column (``org:resource``) is then
        read instead of the role column.
    unknown_roles : {"error", "ignore"}
        A role the model lacks is an error; with ``"ignore"`` every hand-off to or from
        it is left out of every count (and counted in ``left_out``).

    Raises
    ------
    EvidenceError
        With every bad row of the log, each at ``file:line``.
    UsageError
        For an unknown short column name or ``unknown_roles`` value.
    """
    if unknown_roles not in UNKNOWN_ROLES:
        raise UsageError(f"unknown_roles is 'error' or 'ignore', not {unknown_roles!r}")
    names = log_columns(columns)
    ignore = unknown_roles == "ignore"
    roles_of = (
        None
        if resource_roles is None
        else read_resource_roles(resource_roles, model, unknown_roles=unknown_roles)
    )
    reading = Reading("<rows>")
    table = open_table(log, reading)
    reading.shorts = {column: short for short, column in names.items()}
    # Millions of small acyclic objects: the cyclic collector would only rescan the model.
    with gc_paused():
        counted = _Log(model, names, roles_of, ignore, reading)
        try:
            counted.read(table, grouped=not table.one_shot)
        except _Ungrouped:
            reading = Reading(table.label)
            reading.shorts = {column: short for short, column in names.items()}
            counted = _Log(model, names, roles_of, ignore, reading)
            counted.read(table, grouped=False)
        reading.check()
        return counted.answer()
