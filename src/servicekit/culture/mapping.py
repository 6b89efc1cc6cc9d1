"""Principles and roles: which service principles each role carries, and why.

A principle applies to everyone unless its ``applies_to`` says otherwise: then
it applies to the roles it lists and to every role of the departments it lists.
A role may also name principles in its own ``principles``. An explicit but empty
``applies_to: {}`` names nobody: such a principle reaches only the roles that
name it themselves.

When several reasons hold, the most specific one is given:
``explicit`` > ``role`` > ``department`` > ``everyone``.

Systems (roles of ``kind: system``) are not people: no principle applies to
one, and the coverage matrix leaves them out. A principle with ``for`` still
applies to its roles here (the matrix shows its ``for``); it is in a guide only
for scenarios of those customers.

Examples
--------
>>> import servicekit
>>> model = servicekit.load_example()
>>> [(a.principle, a.source) for a in model.principles_for("spotter")]
[('see-it-their-way', 'everyone'), ('next-in-line', 'department')]
>>> [a.role for a in model.roles_for("no-surprises")]
['cashier', 'counter-clerk']
>>> model.coverage().cell("owner", "next-in-line") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from servicekit._runtime import later
from servicekit.errors import UnknownIdError
from servicekit.model.entities import Principle, Role
from servicekit.model.frozen import FrozenDict
from servicekit.model.service_model import ServiceModel

__all__ = [
    "SOURCES",
    "Applicability",
    "Coverage",
    "coverage",
    "principles_for",
    "roles_for",
    "source_of",
]

#: Why a principle applies to a role, most specific first.
SOURCES = ("explicit", "role", "department", "everyone")


def _check_source(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in SOURCES:
        raise ValueError(f"{attribute.name} must be one of {SOURCES}, got {value!r}")


@attrs.frozen(kw_only=True)
class Applicability:
    """A principle applying to a role, and why (``source``).

    ``source`` is ``explicit`` (the role lists the principle in its own
    ``principles``), ``role`` (the principle's ``applies_to`` lists the role),
    ``department`` (it lists the role's department) or ``everyone``.
    """

    role: str
    principle: str
    source: str = attrs.field(validator=_check_source)


def source_of(principle: Principle, role: Role) -> str | None:
    """Why ``principle`` applies to ``role`` (the most specific reason), or ``None``.

    Examples
    --------
    >>> from servicekit import Principle, PrincipleScope, Role
    >>> scoped = Principle(id="p", applies_to=PrincipleScope(departments=["kitchen"]))
    >>> source_of(scoped, Role(id="cook", department="kitchen"))
    'department'
    >>> source_of(scoped, Role(id="cook", department="kitchen", principles=["p"]))
    'explicit'
    >>> source_of(scoped, Role(id="waiter", department="floor")) is None
    True
    >>> source_of(Principle(id="q"), Role(id="kiosk", kind="system")) is None
    True
    """
    if role.kind == "system":
        return None
    if principle.id in role.principles:
        return "explicit"
    scope = principle.applies_to
    if scope is None:
        return "everyone"
    if role.id in scope.roles:
        return "role"
    if role.department is not None and role.department in scope.departments:
        return "department"
    return None


def principles_for(model: ServiceModel, role: str) -> tuple[Applicability, ...]:
    """The principles that apply to ``role``, in the model's order, each saying why.

    Raises ``UnknownIdError`` for an unknown role.

    Examples
    --------
    >>> import servicekit
    >>> model = servicekit.load_example()
    >>> [(a.principle, a.source) for a in principles_for(model, "cashier")]
    [('see-it-their-way', 'everyone'), ('no-surprises', 'department')]
    """
    found = model.role(role)
    applies = []
    for principle in model.principles.values():
        source = source_of(principle, found)
        if source is not None:
            applies.append(Applicability(role=role, principle=principle.id, source=source))
    return tuple(applies)


def roles_for(model: ServiceModel, principle: str) -> tuple[Applicability, ...]:
    """The roles ``principle`` applies to, sorted by role id, each saying why.

    Raises ``UnknownIdError`` for an unknown principle.

    Examples
    --------
    >>> import servicekit
    >>> model = servicekit.load_example()
    >>> [(a.role, a.source) for a in roles_for(model, "next-in-line")][:2]
    [('cleaner', 'department'), ('organizer', 'department')]
    """
    found = model.principle(principle)
    applies = []
    for role_id in sorted(model.roles):
        source = source_of(found, model.roles[role_id])
        if source is not None:
            applies.append(Applicability(role=role_id, principle=principle, source=source))
    return tuple(applies)


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Coverage:
    """The role x principle matrix: which principles each role carries, and why.

    ``roles`` are the person roles, sorted by id (systems carry no principles);
    ``principles`` keep the order the model lists them in (the order a reader
    wrote them, which is usually the order of importance). ``cells`` maps
    ``(role, principle)`` to its source and holds only the cells where a
    principle applies; ``limited_to`` gives the ``for`` of the principles that
    are only for some customers.

    Examples
    --------
    >>> import servicekit
    >>> table = servicekit.load_example().coverage()
    >>> table.principles
    ('see-it-their-way', 'next-in-line', 'no-surprises')
    >>> table.cell("tagger", "next-in-line")
    'department'
    >>> print(table.to_csv().splitlines()[0])
    role,see-it-their-way,next-in-line,no-surprises
    """

    roles: tuple[str, ...] = attrs.field(converter=_ids)
    principles: tuple[str, ...] = attrs.field(converter=_ids)
    cells: FrozenDict[tuple[str, str], str] = attrs.field(converter=FrozenDict, repr=False)
    #: Principle id -> the customers it is for, for the principles that have a ``for``.
    limited_to: FrozenDict[str, tuple[str, ...]] = attrs.field(
        factory=FrozenDict, converter=FrozenDict, repr=False
    )

    def cell(self, role: str, principle: str) -> str | None:
        """Why ``principle`` applies to ``role``, or ``None`` when it does not.

        Raises ``UnknownIdError`` for an unknown role or principle.
        """
        if role not in self._role_set:
            raise UnknownIdError(role, kind="role", candidates=self.roles)
        if principle not in self._principle_set:
            raise UnknownIdError(principle, kind="principle", candidates=self.principles)
        return self.cells.get((role, principle))

    @property
    def _role_set(self) -> frozenset[str]:
        return frozenset(self.roles)

    @property
    def _principle_set(self) -> frozenset[str]:
        return frozenset(self.principles)

    @property
    def uncovered_roles(self) -> tuple[str, ...]:
        """The roles no principle applies to, sorted."""
        covered = {role for role, _ in self.cells}
        return tuple(r for r in self.roles if r not in covered)

    def rows(self) -> Iterator[tuple[str, tuple[str | None, ...]]]:
        """Each role with its cells, in column order."""
        for role in self.roles:
            yield role, tuple(self.cells.get((role, p)) for p in self.principles)

    # -- renders (answered by servicekit.render) -----------------------------------------

    def to_text(self) -> str:
        """Aligned columns with one symbol a cell, and a legend.

        Examples
        --------
        >>> import servicekit
        >>> print(servicekit.load_example().coverage().to_text().splitlines()[0])
        role           see-it-their-way  next-in-line  no-surprises
        """
        text: str = later("servicekit.render.text").coverage_text(self)
        return text

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict: roles, principles, the matrix and the uncovered roles.

        ``matrix`` maps each role to each principle's source, or ``null``.
        """
        data: dict[str, Any] = later("servicekit.render.json").coverage_json(self)
        return data

    def to_csv(self) -> str:
        """CSV: a ``role`` column, then one column a principle; empty cells do not apply."""
        text: str = later("servicekit.render.csv").coverage_csv(self)
        return text

    def to_markdown(self) -> str:
        """A Markdown table, each cell naming why the principle applies."""
        text: str = later("servicekit.render.markdown").coverage_markdown(self)
        return text

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").coverage_html(self)
        return text

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def to_records(self) -> list[dict[str, Any]]:
        """One dict a role: ``role``, then each principle's source there (``None``: none)."""
        records: list[dict[str, Any]] = later("servicekit.render.rows").coverage_records(self)[1]
        return records

    def to_pandas(self) -> Any:
        """A pandas ``DataFrame``: rows are roles (the index, named ``role``), columns
        principles, cells the source or ``None`` where the principle does not apply.

        Needs pandas (the ``pandas`` extra); raises ``MissingExtraError``
        (an ``ImportError``) saying how to install it.
        """
        table = later("servicekit.render.rows").coverage_records(self)
        return later("servicekit.render.frames").table_frame(table, index="role")


def coverage(model: ServiceModel) -> Coverage:
    """The role x principle matrix of ``model``, in time linear in its size and its answer.

    Examples
    --------
    >>> import servicekit
    >>> table = coverage(servicekit.load_example())
    >>> table.cell("cashier", "no-surprises"), table.uncovered_roles
    ('department', ())
    """
    people = [r for r in model.roles.values() if r.kind != "system"]
    by_department: dict[str, list[str]] = {}
    explicit: dict[str, list[str]] = {}
    for role in people:
        if role.department is not None:
            by_department.setdefault(role.department, []).append(role.id)
        for named in role.principles:
            explicit.setdefault(named, []).append(role.id)
    everyone = [r.id for r in people]
    rank = {source: number for number, source in enumerate(SOURCES)}
    cells: dict[tuple[str, str], str] = {}

    def mark(found: dict[str, str], roles: Iterable[str], source: str) -> None:
        for role in roles:
            current = found.get(role)
            if current is None or rank[source] < rank[current]:
                found[role] = source

    for principle in model.principles.values():
        found: dict[str, str] = {}
        scope = principle.applies_to
        if scope is None:
            mark(found, everyone, "everyone")
        else:
            for department in scope.departments:
                mark(found, by_department.get(department, ()), "department")
            mark(found, scope.roles, "role")
        mark(found, explicit.get(principle.id, ()), "explicit")
        for role_id in sorted(found):
            cells[role_id, principle.id] = found[role_id]
    limited = {p.id: p.for_ for p in model.principles.values() if p.for_ is not None}
    return Coverage(
        roles=tuple(sorted(everyone)),
        principles=tuple(model.principles),
        cells=cells,
        limited_to=limited,
    )
