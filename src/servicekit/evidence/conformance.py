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

import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, cast

import attrs

from servicekit._runtime import later
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

Pair = tuple[str, str]


@attrs.frozen(kw_only=True)
class HandoffCount:
    """A hand-off from one role to another and how often the log shows it.

    ``count`` is how many times it was observed, ``cases`` in how many cases, and
    ``examples`` the first cases (in file order) showing it.
    """

    from_: str = attrs.field(alias="from_")
    to: str
    count: int = 0
    cases: int = 0
    examples: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class HandoffShare:
    """One observed hand-off's share of all the hand-offs its giving role was observed making."""

    from_: str = attrs.field(alias="from_")
    to: str
    share: float


@attrs.frozen(kw_only=True)
class RoleEvents:
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
    shows, ``undocumented`` the observed hand-offs the model does not have (with example
    cases); ``fitness`` is the share of observed hand-offs that are designed (``None``
    when the log shows none); ``shares`` gives each observed hand-off's share of its
    giving role's; ``customers`` the same answer for each customer's cases, judged on that
    customer's chain. Lists are ordered by count, most first, then by ids.
    """

    cases: int
    events: int
    fitness: float | None
    designed: tuple[HandoffCount, ...]
    unobserved: tuple[HandoffCount, ...]
    undocumented: tuple[HandoffCount, ...]
    unknown_roles: tuple[RoleEvents, ...]
    left_out: int
    rework: Rework
    shares: tuple[HandoffShare, ...]
    customers: FrozenDict[str, Conformance] = attrs.field(factory=FrozenDict)
    #: The model the log was set against (for diagrams).
    model: ServiceModel | None = attrs.field(default=None, eq=False, repr=False)

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
        """:meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra)."""
        columns, records = later("servicekit.render.rows").conformance_table(self, table)
        return later("servicekit.render.frames").table_frame(columns, records)

    def to_mermaid(self, *, focus: str | None = None, depth: int | None = None) -> str:
        """The model's blueprint with the observed counts on its hand-offs, and the
        undocumented ones dashed in another colour."""
        text: str = later("servicekit.render.diagram").to_mermaid(
            self._model(), focus=focus, depth=depth, observed=self
        )
        return text

    def to_dot(self, *, focus: str | None = None, depth: int | None = None) -> str:
        """As :meth:`to_mermaid`, in Graphviz DOT."""
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


def _admits(entity: object, customer: str | None) -> bool:
    """Whether a hand-off is in ``customer``'s chain: it has no ``for``, or names them.

    (SPEC revision 2's ``for``; a model without it admits every customer everywhere.)
    """
    admitted = getattr(entity, "for_", None)
    return customer is None or admitted is None or customer in admitted


def designed_handoffs(model: ServiceModel, customer: str | None = None) -> frozenset[Pair]:
    """The designed (giver, receiver) role pairs: in the whole chain, or in ``customer``'s.

    Every hand-off of a role to another role, and every touchpoint's ``feeds`` (its serving
    role to each fed role); in a customer's chain only the hand-offs ``for`` that customer
    (or for everyone) and the touchpoints serving them. A role handing work to itself is
    never observed (consecutive events of one role are no hand-off) and is left out. This
    is the one place where a customer's designed chain is decided.

    Examples
    --------
    >>> import servicekit
    >>> sorted(designed_handoffs(servicekit.load_example()))[:3]
    [('bookkeeper', 'owner'), ('cleaner', 'presser'), ('cleaner', 'spotter')]
    """
    pairs: set[Pair] = set()
    for role in model.roles.values():
        for handoff in role.serves:
            if handoff.to != role.id and _admits(handoff, customer):
                pairs.add((role.id, handoff.to))
    for touchpoint in model.touchpoints.values():
        if customer is not None and touchpoint.customers and customer not in touchpoint.customers:
            continue
        for fed in touchpoint.feeds:
            if fed != touchpoint.role:
                pairs.add((touchpoint.role, fed))
    return frozenset(pairs)


# --- counting ---------------------------------------------------------------------------------


class _Tally:
    """The running counts of one answer (the whole log, or one customer's cases)."""

    __slots__ = (
        "case_counts",
        "cases",
        "counts",
        "events",
        "examples",
        "left_out",
        "rework",
        "rework_cases",
        "unknown",
    )

    def __init__(self) -> None:
        self.cases = 0
        self.events = 0
        self.counts: dict[Pair, int] = {}
        self.case_counts: dict[Pair, int] = {}
        self.examples: dict[Pair, list[str]] = {}
        self.rework: dict[Pair, int] = {}
        self.rework_cases = 0
        self.unknown: dict[str, int] = {}
        self.left_out = 0

    def add(
        self,
        case: str,
        events: int,
        pairs: list[Pair],
        rework: list[Pair],
        left_out: int,
        unknown: Mapping[str, int],
    ) -> None:
        self.cases += 1
        self.events += events
        self.left_out += left_out
        counts = self.counts
        for pair in pairs:
            counts[pair] = counts.get(pair, 0) + 1
        case_counts, examples = self.case_counts, self.examples
        for pair in set(pairs) if len(pairs) > 1 else pairs:
            case_counts[pair] = case_counts.get(pair, 0) + 1
            shown = examples.get(pair)
            if shown is None:
                examples[pair] = [case]
            elif len(shown) < EXAMPLES:
                shown.append(case)
        if rework:
            self.rework_cases += 1
            for pair in rework:
                self.rework[pair] = self.rework.get(pair, 0) + 1
        for role, n in unknown.items():
            self.unknown[role] = self.unknown.get(role, 0) + n

    def answer(
        self, designed: frozenset[Pair], customers: Mapping[str, Conformance], model: ServiceModel
    ) -> Conformance:
        counts, case_counts, examples = self.counts, self.case_counts, self.examples

        def found(pair: Pair) -> HandoffCount:
            return HandoffCount(
                from_=pair[0],
                to=pair[1],
                count=counts[pair],
                cases=case_counts[pair],
                examples=tuple(examples[pair]),
            )

        def most_first(pair: Pair) -> tuple[int, str, str]:
            return (-counts[pair], pair[0], pair[1])

        observed = sorted(counts, key=most_first)
        designed_found = tuple(found(p) for p in observed if p in designed)
        undocumented = tuple(found(p) for p in observed if p not in designed)
        total = sum(counts.values())
        conforming = sum(h.count for h in designed_found)
        outgoing: dict[str, int] = {}
        for (giver, _), n in counts.items():
            outgoing[giver] = outgoing.get(giver, 0) + n
        return Conformance(
            cases=self.cases,
            events=self.events,
            fitness=conforming / total if total else None,
            designed=designed_found,
            unobserved=tuple(
                HandoffCount(from_=a, to=b) for a, b in sorted(designed.difference(counts))
            ),
            undocumented=undocumented,
            unknown_roles=tuple(
                RoleEvents(role=r, events=n)
                for r, n in sorted(self.unknown.items(), key=lambda item: (-item[1], item[0]))
            ),
            left_out=self.left_out,
            rework=Rework(
                count=sum(self.rework.values()),
                cases=self.rework_cases,
                pairs=tuple(
                    HandoffCount(from_=a, to=b, count=n)
                    for (a, b), n in sorted(
                        self.rework.items(), key=lambda item: (-item[1], *item[0])
                    )
                ),
            ),
            shares=tuple(
                HandoffShare(from_=p[0], to=p[1], share=counts[p] / outgoing[p[0]])
                for p in observed
            ),
            customers=FrozenDict(customers),
            model=model,
        )


class _Case:
    """The events of one case so far: their times and roles, in file order."""

    __slots__ = ("customer", "last", "ordered", "roles", "times")

    def __init__(self, first: datetime) -> None:
        self.times: list[datetime] = []
        self.roles: list[str] = []
        self.customer: str | None = None
        self.ordered = True
        self.last = first


class _Ungrouped(Exception):
    """A case came back after other cases: the log must be read holding every case."""


class _Log:
    """One reading of a log: the row checks, the cases, and the tallies."""

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
        self.tally = _Tally()
        self.by_customer: dict[str, _Tally] = {}
        self.unknown_names: set[str] = set()
        self.has_customer = False

    # -- the rows -----------------------------------------------------------------------

    def read(self, table: Table, *, grouped: bool) -> None:
        """Read every row, counting each case when it is complete."""
        names, reading = self.names, self.reading
        by_resource = self.roles_of is not None
        who_column = names["resource"] if by_resource else names["role"]
        wanted = (names["case"], who_column, names["time"], names["customer"])
        rows = table.rows(reading, wanted, (True, True, True, False))
        self.has_customer = names["customer"] in rows.present
        try:
            self._read(rows, who_column, grouped=grouped)
        finally:
            rows.close()

    def _read(self, rows: Rows, who_column: str, *, grouped: bool) -> None:
        reading, names = self.reading, self.names
        known: dict[str, str] = {r: r for r in self.model.roles}
        roles_of = self.roles_of
        has_customer = self.has_customer
        customers = self.model.customers
        parse = datetime.fromisoformat
        finish = self._finish
        done: set[str] = set()
        held: dict[str, _Case] = {}
        naive: bool | None = None
        first_time = 0
        current_case: str | None = None
        case = cast("_Case", None)
        times: list[datetime] = []
        roles: list[str] = []
        last: datetime | None = None
        ordered = True
        for line, cells in rows:
            if has_customer:
                case_id, who, stamp, customer = cells
            else:
                case_id, who, stamp = cells
                customer = None
            if case_id is None or who is None or stamp is None:
                continue  # a mapping without the column: reported already
            if not case_id or "\x00" in case_id:
                self._bad_case(line, case_id)
                continue
            if roles_of is not None:
                mapped = roles_of.get(who)
                if mapped is None:
                    role = self._unknown(line, who, who_column, resource=True)
                    if role is None:
                        continue
                    mapped = role
                who = mapped
            role = known.get(who)
            if role is None:
                role = self._unknown(line, who, who_column, resource=False)
                if role is None:
                    continue
            try:
                time = parse(stamp)
            except ValueError:
                self._bad_time(line, stamp)
                continue
            if (time.tzinfo is None) is not naive:
                if naive is None:
                    naive, first_time = time.tzinfo is None, line
                else:
                    self._mixed(line, stamp, naive, first_time)
                    continue
            if case_id != current_case:
                if current_case is not None:
                    case.last, case.ordered = cast("datetime", last), ordered
                    if grouped:
                        finish(current_case, case)
                        done.add(current_case)
                if grouped:
                    if case_id in done:
                        raise _Ungrouped(line)
                    case = _Case(time)
                else:
                    found = held.get(case_id)
                    if found is None:
                        found = held[case_id] = _Case(time)
                    case = found
                current_case = case_id
                times, roles, last, ordered = case.times, case.roles, case.last, case.ordered
            if time < cast("datetime", last):
                ordered = False
            last = time
            times.append(time)
            roles.append(role)
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
        if current_case is not None:
            case.last, case.ordered = cast("datetime", last), ordered
            if grouped:
                finish(current_case, case)
        for case_id, held_case in held.items():
            finish(case_id, held_case)

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

    def _bad_time(self, line: int, stamp: str) -> None:
        self.reading.add(
            line,
            f"{stamp!r} is not an ISO 8601 time",
            "write times as 2024-05-01T09:30:00, with or without an offset (+01:00, Z)",
            column=self.names["time"],
            value=stamp,
        )

    def _mixed(self, line: int, stamp: str, naive: bool, first: int) -> None:
        has, hasnt = ("an offset", "none") if naive else ("no offset", "one")
        self.reading.add(
            line,
            f"the time {stamp!r} has {has} but the log's first time (line {first}) has "
            f"{hasnt}: every time of a log has an offset or none has",
            "write every time with its offset (or every time without)",
            column=self.names["time"],
            value=stamp,
        )

    def _unknown(self, line: int, who: str, column: str, *, resource: bool) -> str | None:
        """The role an unknown name stands for when unknown roles are left out, else ``None``."""
        if not who:
            what = "resource" if resource else "role"
            self.reading.add(line, f"the {what} is empty", column=column)
            return None
        if self.ignore_unknown:
            self.unknown_names.add(who)
            return who
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
        roles = case.roles
        if not case.ordered:
            times = case.times
            order = sorted(range(len(roles)), key=times.__getitem__)
            roles = [roles[i] for i in order]
        unknown_names = self.unknown_names
        pairs: list[Pair] = []
        rework: list[Pair] = []
        left_out = 0
        seen: set[str] = set()
        previous: str | None = None
        for role in roles:
            if previous is not None and role != previous:
                if unknown_names and (previous in unknown_names or role in unknown_names):
                    left_out += 1
                else:
                    pair = (previous, role)
                    pairs.append(pair)
                    if role in seen:
                        rework.append(pair)
            seen.add(role)
            previous = role
        unknown: dict[str, int] = {}
        if unknown_names:
            for role in roles:
                if role in unknown_names:
                    unknown[role] = unknown.get(role, 0) + 1
        self.tally.add(case_id, len(roles), pairs, rework, left_out, unknown)
        if case.customer is not None:
            tally = self.by_customer.get(case.customer)
            if tally is None:
                tally = self.by_customer[case.customer] = _Tally()
            tally.add(case_id, len(roles), pairs, rework, left_out, unknown)
        # The case is counted: let its events go.
        case.times = []
        case.roles = []

    def answer(self) -> Conformance:
        model = self.model
        customers = {
            customer: self.by_customer[customer].answer(
                designed_handoffs(model, customer), {}, model
            )
            for customer in sorted(self.by_customer)
        }
        return self.tally.answer(designed_handoffs(model), customers, model)


# --- resources to roles -------------------------------------------------------------------


def read_resource_roles(
    source: str | os.PathLike[str] | Iterable[Mapping[str, Any]] | Any,
    model: ServiceModel | None = None,
    *,
    unknown_roles: str = "error",
) -> dict[str, str]:
    """A ``resource -> role`` mapping: a CSV file (or rows) with columns resource, role,
    or a mapping.

    Every bad row is reported together as an :class:`~servicekit.EvidenceError`: an empty
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
        if resource is None or role is None:
            continue
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
    unknown_roles : ``"error"`` or ``"ignore"``
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
    counted = _Log(model, names, roles_of, ignore, reading)
    try:
        counted.read(table, grouped=not table.one_shot)
    except _Ungrouped:
        reading = Reading(table.label)
        counted = _Log(model, names, roles_of, ignore, reading)
        counted.read(table, grouped=False)
    reading.check()
    return counted.answer()
