"""Selectors: name a part of the chain the way dbt names a part of its DAG.

A selector is read by a small grammar of its own into frozen ``Selector``
objects, then evaluated on a chain. The forms (SPEC, "Working with models over
time"):

    selection    := term-list ( WHITESPACE term-list )*     a union
    term-list    := term ( "," term )*                     an intersection
    term         := "@" atom                                it, its downstream, their upstream
                  | [ [DEPTH] "+" ] atom [ "+" [DEPTH] ]    upstream / downstream, to DEPTH edges
    atom         := METHOD ":" value | value
    METHOD       := "department" | "kind" | "customer"
    value        := WORD | '"' characters '"'                  (a quoted id may hold anything)
    WORD         := one or more characters other than whitespace , + @ : "
    DEPTH        := digits

``2+pickup`` is pickup and everything at most two edges upstream of it;
``spotter+`` the spotter and everything downstream; ``@spotter`` the spotter,
everything downstream of it, and everything upstream of those. Depths count graph
edges, as ``--depth`` does. A malformed selector raises
``SelectorError``, which points at the character.

Examples
--------
>>> parse("2+pickup,department:cleaning").union[0][1].value
'cleaning'
>>> import servicekit
>>> chain = servicekit.load_example().chain
>>> chain.select("2+pickup")
('cashier', 'organizer', 'pickup')
>>> try:
...     chain.select("2++pickup")
... except servicekit.SelectorError as err:
...     print(err)
a second '+' at column 3 of the selector; one '+' before the node, the depth first: 2+pickup
  2++pickup
    ^
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

import attrs

from servicekit.chain.algorithms import bfs_order, bfs_reach
from servicekit.chain.graph import CUSTOMER, ROLE, TOUCHPOINT
from servicekit.errors import SelectorError, did_you_mean, suggest
from servicekit.model.entities import Role, keys_of

if TYPE_CHECKING:
    from servicekit.chain.service_chain import ServiceChain

__all__ = [
    "KINDS",
    "METHODS",
    "NOT_ROLE",
    "Criterion",
    "SelectionScope",
    "Selector",
    "customer_chain",
    "customer_nodes",
    "parse",
    "role_kind",
    "select_ids",
    "select_one",
]

#: The methods a selector may name before a colon.
METHODS = ("department", "kind", "customer")
#: The values of ``kind:`` (``role`` is people and systems).
KINDS = ("role", "person", "system", "touchpoint", "customer")
#: The key of ``SelectionScope.members`` holding every node that is not a role.
NOT_ROLE = "not-role"
#: Characters that end a word (and may only appear in an id when it is quoted).
_SPECIAL = frozenset(',+@:"')


@attrs.frozen(kw_only=True)
class Criterion:
    """One term of a selector: what it names and how far up or down it reaches.

    ``method`` is ``id`` for a plain node id, else ``department``, ``kind`` or
    ``customer``; ``value`` is what follows it. ``parents`` / ``children`` are the
    ``+`` before and after, each with its depth (``None``: no limit);
    ``everything`` is the ``@``. ``start`` and ``value_at`` are 0-based positions
    in the selector, for errors found while evaluating.
    """

    method: str
    value: str
    start: int
    value_at: int
    everything: bool = False
    parents: bool = False
    parents_depth: int | None = None
    children: bool = False
    children_depth: int | None = None


@attrs.frozen(kw_only=True)
class Selector:
    """A parsed selector: a union (space) of intersections (comma) of criteria.

    ``single`` is the one criterion of a selector that has only one, else ``None``.
    """

    text: str
    union: tuple[tuple[Criterion, ...], ...]
    single: Criterion | None = attrs.field(init=False)

    @single.default
    def _single(self) -> Criterion | None:
        return self.union[0][0] if len(self.union) == 1 and len(self.union[0]) == 1 else None


# --- the grammar ------------------------------------------------------------------------------


class _Reader:
    """A cursor over a selector's text that reads one term at a time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def fail(self, at: int, reason: str, hint: str | None = None) -> SelectorError:
        return SelectorError(self.text, at, reason, hint)

    def spaces(self) -> bool:
        start = self.at
        while self.peek().isspace():
            self.at += 1
        return self.at > start

    def digits(self) -> int | None:
        start = self.at
        while self.peek().isdigit():
            self.at += 1
        return int(self.text[start : self.at]) if self.at > start else None

    def word(self) -> str:
        start = self.at
        while (c := self.peek()) and not c.isspace() and c not in _SPECIAL:
            self.at += 1
        return self.text[start : self.at]

    def quoted(self) -> str:
        start = self.at
        self.at += 1  # the opening quote
        chars: list[str] = []
        while True:
            c = self.peek()
            if not c:
                raise self.fail(start, "a quote that is never closed", 'end the id with "')
            self.at += 1
            if c == '"':
                break
            if c == "\\" and self.peek() in ('"', "\\"):
                c = self.peek()
                self.at += 1
            chars.append(c)
        if not chars:
            raise self.fail(start, "an empty quoted id", "an id has at least one character")
        return "".join(chars)

    def value(self, what: str, after: str) -> tuple[str, int]:
        start = self.at
        c = self.peek()
        if c == '"':
            return self.quoted(), start
        text = self.word()
        if not text:
            found = f"found {c!r}" if c else "found the end"
            raise self.fail(start, f"expected {what} after {after!r}, {found}", _FORMS)
        return text, start

    def atom(self, after: str) -> tuple[str, str, int]:
        """``(method, value, value position)`` of a plain id or ``method:value``."""
        c = self.peek()
        if c == "+":
            raise self.fail(
                self.at,
                "a second '+'",
                "one '+' before the node, the depth first: 2+pickup",
            )
        if c == "@":
            raise self.fail(self.at, "'@' inside a term", "'@' comes first: @spotter")
        if c == ":":
            raise self.fail(self.at, "a ':' with no method before it", _METHODS)
        value, at = self.value("a node id or a method", after)
        if self.peek() != ":" or self.text[at] == '"':
            return "id", value, at
        if value not in METHODS:
            hint = did_you_mean(suggest(value, METHODS)) or _METHODS
            raise self.fail(
                at, f"unknown method {value!r}", f'{hint} (an id holding a ":" is quoted: "a:b")'
            )
        self.at += 1  # the colon
        wanted = {"department": "a department", "kind": "a kind", "customer": "a customer id"}
        found, found_at = self.value(wanted[value], f"{value}:")
        if value == "kind" and found not in KINDS:
            hint = did_you_mean(suggest(found, KINDS)) or "kinds: " + ", ".join(KINDS)
            raise self.fail(found_at, f"unknown kind {found!r}", hint)
        return value, found, found_at

    def term(self) -> Criterion:
        start = self.at
        if self.peek() == "@":
            self.at += 1
            if self.peek() == "+":
                raise self.fail(
                    self.at,
                    "'+' after '@'",
                    "'@' already takes everything upstream of what it selects: write @spotter",
                )
            method, value, at = self.atom("@")
            if self.peek() == "+":
                raise self.fail(
                    self.at,
                    "'+' after an '@' term",
                    "'@' already takes everything downstream: write @spotter",
                )
            return Criterion(method=method, value=value, start=start, value_at=at, everything=True)
        parents, parents_depth = False, None
        mark = self.at
        depth = self.digits()
        if self.peek() == "+":
            self.at += 1
            parents, parents_depth = True, depth
        else:
            self.at = mark  # digits that start an id, such as 24h-desk
        method, value, at = self.atom(self.text[start : self.at] or "the start")
        children, children_depth = False, None
        if self.peek() == "+":
            self.at += 1
            children = True
            children_depth = self.digits()
            if self.peek() == "+":
                raise self.fail(self.at, "a second '+'", "one '+' goes after the node: spotter+")
        return Criterion(
            method=method,
            value=value,
            start=start,
            value_at=at,
            parents=parents,
            parents_depth=parents_depth,
            children=children,
            children_depth=children_depth,
        )

    def end_of_term(self) -> None:
        c = self.peek()
        if c and not c.isspace() and c != ",":
            raise self.fail(
                self.at,
                f"unexpected {c!r}",
                "a term ends here: join terms with ',' (in all of them) or a space (in any); "
                'an id holding such a character is quoted: "a+b"',
            )


_FORMS = "write an id (pickup), +pickup, 2+pickup, spotter+, @spotter or department:cleaning"
_METHODS = "methods: " + ", ".join(f"{m}:" for m in METHODS)


@lru_cache(maxsize=256)
def parse(text: str) -> Selector:
    """Read a selector; a malformed one raises ``SelectorError``.

    Examples
    --------
    >>> [(c.method, c.value, c.parents_depth) for c in parse("2+pickup").union[0]]
    [('id', 'pickup', 2)]
    >>> [[c.value for c in part] for part in parse("a,b c").union]
    [['a', 'b'], ['c']]
    """
    if not isinstance(text, str):
        raise TypeError(f"a selector is a string, not {type(text).__name__}")
    reader = _Reader(text)
    reader.spaces()
    if not reader.peek():
        raise reader.fail(0, "an empty selector", _FORMS)
    union: list[tuple[Criterion, ...]] = []
    while reader.peek():
        if reader.peek() == ",":
            raise reader.fail(reader.at, "expected a node before ','", _FORMS)
        terms = [reader.term()]
        reader.end_of_term()
        while True:
            mark = reader.at
            reader.spaces()
            if reader.peek() != ",":
                reader.at = mark
                break
            reader.at += 1
            reader.spaces()
            c = reader.peek()
            if not c or c == ",":
                found = f"found {c!r}" if c else "found the end"
                raise reader.fail(reader.at, f"expected a node after ',', {found}", _FORMS)
            terms.append(reader.term())
            reader.end_of_term()
        union.append(tuple(terms))
        reader.spaces()
    return Selector(text=text, union=tuple(union))


# --- evaluation ------------------------------------------------------------------------------


class SelectionScope(NamedTuple):
    """The chain a selection is evaluated on: adjacency, the kind of each node, its customer.

    ``members`` holds the ids of each kind, and under ``NOT_ROLE`` those of every
    touchpoint and customer, for ordering a selection with set operations.
    """

    predecessors: Mapping[str, Sequence[str]]
    successors: Mapping[str, Sequence[str]]
    kinds: Mapping[str, str]
    customer: str | None
    members: Mapping[str, frozenset[str]]


def customer_chain(chain: ServiceChain, customer: str) -> SelectionScope:
    """The customer's chain as selectors walk it: the chain's own view of that customer."""
    view = chain._scope(customer)  # the chain's own customer chain (it checks the id)
    kinds = chain.kinds
    keep = {node: kinds[node] for node in view.pred}
    members = {
        kind: frozenset(n for n, k in keep.items() if k == kind)
        for kind in (ROLE, TOUCHPOINT, CUSTOMER)
    }
    members[NOT_ROLE] = members[TOUCHPOINT] | members[CUSTOMER]
    return SelectionScope(view.pred, view.succ, keep, customer, members)


def customer_nodes(chain: ServiceChain, customer: str) -> set[str]:
    """``customer:ID``: the customer, its touchpoints, and everything upstream of them there.

    Examples
    --------
    >>> import servicekit
    >>> chain = servicekit.load_example().chain
    >>> sorted(customer_nodes(chain, "bride"))[:3]
    ['bride', 'cashier', 'cleaner']
    """
    scope = customer_chain(chain, customer)
    touchpoints = [n for n, k in scope.kinds.items() if k == TOUCHPOINT]
    found = bfs_reach(scope.predecessors, touchpoints, None)
    found.add(customer)
    return found


def role_kind(role: Role) -> str:
    """``person`` or ``system``: a role's ``kind`` key, read through the field table.

    Roles without the key (models, or builds, before systems were modelled) are people.

    Examples
    --------
    >>> role_kind(Role(id="cashier"))
    'person'
    """
    name = keys_of(type(role)).get("kind")
    found = getattr(role, name, None) if name is not None else None
    return found if isinstance(found, str) else "person"


def _atom(chain: ServiceChain, scope: SelectionScope, criterion: Criterion, text: str) -> set[str]:
    """The nodes a criterion names before any '+' or '@' is applied."""
    model = chain.model
    value = criterion.value
    method = criterion.method
    if method == "id":
        if value in scope.kinds:
            return {value}
        if scope.customer is not None and value in chain.kinds:
            what = chain.kinds[value]
            reason = (
                f"customer {value!r} is not the customer asked about, {scope.customer!r}"
                if what == CUSTOMER
                else f"touchpoint {value!r} does not serve customer {scope.customer!r}"
            )
            raise SelectorError(text, criterion.value_at, reason, None)
        hint = did_you_mean(suggest(value, list(scope.kinds)))
        raise SelectorError(text, criterion.value_at, f"unknown node {value!r}", hint)
    if method == "department":
        if value not in model.departments:
            hint = did_you_mean(suggest(value, model.departments)) or (
                "departments: " + ", ".join(model.departments)
                if model.departments
                else "no role has a department"
            )
            raise SelectorError(text, criterion.value_at, f"unknown department {value!r}", hint)
        return {r.id for r in model.roles.values() if r.department == value}
    if method == "kind":
        if value in (ROLE, TOUCHPOINT, CUSTOMER):
            return {n for n, k in scope.kinds.items() if k == value}
        return {r.id for r in model.roles.values() if role_kind(r) == value}
    # customer:
    if value not in model.customers:
        hint = did_you_mean(suggest(value, list(model.customers)))
        raise SelectorError(text, criterion.value_at, f"unknown customer {value!r}", hint)
    if scope.customer is not None and value != scope.customer:
        raise SelectorError(
            text,
            criterion.value_at,
            f"customer {value!r} asked about in the chain of customer {scope.customer!r}",
            "select in one customer's chain at a time",
        )
    return customer_nodes(chain, value)


def _criterion(
    chain: ServiceChain, scope: SelectionScope, criterion: Criterion, text: str
) -> set[str]:
    """The nodes one term selects: its atom, and what its '+' or '@' add (BFS from the atom)."""
    found = _atom(chain, scope, criterion, text)
    if criterion.everything:
        below = bfs_reach(scope.successors, found, None)
        return bfs_reach(scope.predecessors, below, None)
    if criterion.parents:  # bfs_reach keeps its starts: the atom is in its answer
        selected = bfs_reach(scope.predecessors, found, criterion.parents_depth)
        if criterion.children:
            selected |= bfs_reach(scope.successors, found, criterion.children_depth)
        return selected
    if criterion.children:
        return bfs_reach(scope.successors, found, criterion.children_depth)
    return found


def _evaluate(chain: ServiceChain, scope: SelectionScope, selector: Selector) -> set[str]:
    """A union of intersections, each term evaluated once."""
    parts: list[set[str]] = []
    for part in selector.union:
        found = _criterion(chain, scope, part[0], selector.text)
        for criterion in part[1:]:
            found &= _criterion(chain, scope, criterion, selector.text)
        parts.append(found)
    return parts[0] if len(parts) == 1 else set().union(*parts)


def _walk(
    chain: ServiceChain, scope: SelectionScope, criterion: Criterion, text: str
) -> tuple[str, ...] | None:
    """The commonest selection, ``N+node`` or ``node+N``, as ``upstream`` walks it.

    One BFS (``bfs_order()``: ``upstream``'s walk, without sorting each level) and
    one sort of its answer; the few touchpoints and customers are set apart with set
    operations, not a lookup per node. ``None`` for any other form.
    """
    if criterion.method != "id" or criterion.everything or criterion.parents == criterion.children:
        return None
    start = criterion.value
    if start not in scope.kinds:
        _atom(chain, scope, criterion, text)  # raises, saying why
    if criterion.parents:
        ids = bfs_order(scope.predecessors, start, criterion.parents_depth)
    else:
        ids = bfs_order(scope.successors, start, criterion.children_depth)
    members = scope.members
    others = members[NOT_ROLE].intersection(ids)  # touchpoints and customers: few, if any
    ids.sort()
    if not others:  # the usual upstream: roles only, but perhaps the start
        if scope.kinds[start] == ROLE:
            insort(ids, start)
            return tuple(ids)
        return (*ids, start)
    if len(others) <= 8:  # take the few out in C, not by a loop over the rest
        for node in others:
            ids.remove(node)
    else:
        ids = [n for n in ids if n not in others]
    if scope.kinds[start] == ROLE:
        insort(ids, start)
    else:
        others = others | {start}
    return (*ids, *sorted(others & members[TOUCHPOINT]), *sorted(others & members[CUSTOMER]))


def _texts(selectors: str | Iterable[str]) -> list[str]:
    return [selectors] if isinstance(selectors, str) else list(selectors)


def select_one(chain: ServiceChain, text: str) -> tuple[str, ...]:
    """The ids one selector names on the whole chain: ``select_ids()``'s commonest call,
    with nothing to check first (it takes microseconds)."""
    single = parse(text).single
    if single is not None:
        found = _walk(chain, chain._selection_scope, single, text)
        if found is not None:
            return found
    return select_ids(chain, (text,))


def select_ids(
    chain: ServiceChain,
    selectors: str | Iterable[str],
    *,
    exclude: str | Iterable[str] | None = None,
    customer: str | None = None,
) -> tuple[str, ...]:
    """The ids ``selectors`` name (a union), less those ``exclude`` names.

    Ordered by kind (roles, touchpoints, customers), then id. With ``customer``,
    everything is evaluated on that customer's chain. See ``ServiceChain.select()``.
    """
    if exclude is None and customer is None:  # one selector of one term: walk at once
        text = selectors if isinstance(selectors, str) else None
        if isinstance(selectors, tuple) and len(selectors) == 1:
            text = selectors[0]
        if text is not None:
            single = parse(text).single
            if single is not None:
                found = _walk(chain, chain._selection_scope, single, text)
                if found is not None:
                    return found
    texts = _texts(selectors)
    if not texts:
        raise SelectorError("", 0, "an empty selector", _FORMS)
    parsed = [parse(t) for t in texts]
    excluded = [parse(t) for t in _texts(exclude)] if exclude is not None else []
    scope = chain._selection_scope if customer is None else customer_chain(chain, customer)
    single = parsed[0].single if len(parsed) == 1 and not excluded else None
    if single is not None:
        found = _walk(chain, scope, single, parsed[0].text)
        if found is not None:
            return found
    selected = _evaluate(chain, scope, parsed[0])
    if len(parsed) > 1:
        selected = selected.union(*(_evaluate(chain, scope, s) for s in parsed[1:]))
    for selector in excluded:
        selected = selected - _evaluate(chain, scope, selector)
    # Order by kind, then id: set operations and three sorts, no lookup per node.
    members = scope.members
    touchpoints = selected & members[TOUCHPOINT]
    customers = selected & members[CUSTOMER]
    roles = selected.difference(touchpoints, customers) if touchpoints or customers else selected
    return (*sorted(roles), *sorted(touchpoints), *sorted(customers))
