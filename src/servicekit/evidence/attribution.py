"""Complaint attribution: whose upstream work the complaints a touchpoint hears come from.

Complaints are rows of a touchpoint, a category and optionally a customer and a count.
Rows with the same touchpoint, category and customer form a *group*, their counts added.
A group's suspects are what ``trace(touchpoint, category, customer=...)`` names; each
scored suspect is assigned ``count x score / (sum of the group's scores)`` complaints, so
a group's complaints are shared out in proportion to how likely each fail point is to
have caused them. A suspect whose rate is unknown is listed as *possible* and assigned
nothing; a group whose suspects are all unrated assigns nothing; a group with no suspect
at all is *unexplained*: the model names no fail point that could cause it.

The assigned complaints then roll up by fail point, by role and by department. A person
role with complaints assigned to its work that no programme's audience reaches is a
*training gap*: the answer to "we trained the cashiers and the complaints kept coming".
A system role with complaints is listed, never called a gap: fix the system, do not
train it.

Examples
--------
>>> import servicekit
>>> model = servicekit.load_example()
>>> found = model.attribute([
...     {"touchpoint": "pickup", "category": "stain", "count": "30"},
...     {"touchpoint": "pickup", "category": "lost-item", "count": "9"},
... ])
>>> [(r.role, round(r.complaints, 2), r.programs, r.gap) for r in found.by_role]
[('spotter', 30.0, ('spotting-handbook', 'stain-school'), False), ('organizer', 6.0, (), True), ('tagger', 3.0, ('stain-school',), False)]
"""  # noqa: E501

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from servicekit._runtime import gc_paused, later
from servicekit.evidence.columns import complaint_columns
from servicekit.evidence.reading import Reading, open_table
from servicekit.model.service_model import ServiceModel

if TYPE_CHECKING:
    from servicekit.chain.results import Suspect, Suspects
    from servicekit.chain.service_chain import ServiceChain

__all__ = [
    "Assignment",
    "Attribution",
    "ComplaintGroup",
    "DepartmentComplaints",
    "FailPointComplaints",
    "PossibleCause",
    "RoleComplaints",
    "attribute",
    "group_suspects",
]


@attrs.frozen(kw_only=True)
class Assignment:
    """Complaints of a group assigned to one fail point: its ``share`` of the group's
    scores, and the ``complaints`` that share stands for."""

    role: str
    receiver: str | None
    fail_point: str
    share: float
    complaints: float


@attrs.frozen(kw_only=True)
class PossibleCause:
    """A suspect whose rate is unknown: it may cause the group's complaints, but by how
    much the model cannot say, so it is assigned nothing."""

    role: str
    fail_point: str


@attrs.frozen(kw_only=True)
class ComplaintGroup:
    """The complaints of one touchpoint, category and customer (``None``: not named)."""

    touchpoint: str
    category: str
    customer: str | None
    count: int
    assigned: tuple[Assignment, ...] = ()
    possible: tuple[PossibleCause, ...] = ()
    #: True when the model names no fail point that could cause these complaints.
    unexplained: bool = False


@attrs.frozen(kw_only=True)
class FailPointComplaints:
    """The complaints assigned to one fail point, made by ``role``, over every group."""

    fail_point: str
    role: str
    complaints: float


@attrs.frozen(kw_only=True)
class RoleComplaints:
    """The complaints assigned to one role's work, and the programmes that reach the role.

    ``gap`` is true for a person role with complaints that no programme reaches.
    """

    role: str
    kind: str
    department: str | None
    complaints: float
    programs: tuple[str, ...]
    gap: bool


@attrs.frozen(kw_only=True)
class DepartmentComplaints:
    """The complaints assigned to the roles of one department (``None``: no department)."""

    department: str | None
    complaints: float


@attrs.frozen(kw_only=True)
class Attribution:
    """Complaints attributed to upstream work: per group, and rolled up.

    ``groups`` ordered by count, most first; ``by_fail_point``, ``by_role`` and
    ``by_department`` by complaints, most first, then id; ``complaints`` the total count
    read, and ``unexplained`` the complaints of the groups no fail point explains.
    """

    groups: tuple[ComplaintGroup, ...]
    by_fail_point: tuple[FailPointComplaints, ...]
    by_role: tuple[RoleComplaints, ...]
    by_department: tuple[DepartmentComplaints, ...]
    unexplained: int
    complaints: int
    #: The model the complaints were attributed on.
    model: ServiceModel | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def gaps(self) -> tuple[RoleComplaints, ...]:
        """The training gaps: person roles with complaints that no programme reaches."""
        return tuple(r for r in self.by_role if r.gap)

    @property
    def assigned(self) -> float:
        """The complaints assigned to some fail point, over every group."""
        return sum(r.complaints for r in self.by_role)

    # -- renders (answered by servicekit.render) -------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """SPEC's JSON: groups, by_fail_point, by_role, by_department, unexplained."""
        data: dict[str, Any] = later("servicekit.render.json").attribution_json(self)
        return data

    def to_text(self) -> str:
        """A short report for a service manager: whose work to train."""
        text: str = later("servicekit.render.text").attribution_text(self)
        return text

    def to_markdown(self) -> str:
        """The report as Markdown tables."""
        text: str = later("servicekit.render.markdown").attribution_markdown(self)
        return text

    def to_csv(self) -> str:
        """CSV of the ``by_role`` table: the training-gap table."""
        text: str = later("servicekit.render.csv").attribution_csv(self)
        return text

    def to_records(self, table: str = "by_role") -> list[dict[str, Any]]:
        """A table of the answer as a list of dicts: ``by_role`` (the default), ``groups``,
        ``assigned`` (one row a group and fail point), ``possible``, ``by_fail_point``,
        ``by_department``."""
        rows: list[dict[str, Any]] = later("servicekit.render.rows").attribution_records(
            self, table
        )
        return rows

    def to_pandas(self, table: str = "by_role") -> Any:
        """``to_records()`` as a pandas DataFrame (needs the ``pandas`` extra)."""
        found = later("servicekit.render.rows").attribution_table(self, table)
        return later("servicekit.render.frames").table_frame(found)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


# --- what the chain says of a group --------------------------------------------------------------


def group_suspects(
    chain: ServiceChain, touchpoint: str, category: str, customer: str | None
) -> Suspects:
    """The suspects of one group of complaints: ``trace(touchpoint, category, customer=...)``.

    The one place attribution asks the chain.
    """
    return chain.trace(touchpoint, category, customer=customer)


def _score(suspect: Suspect) -> float | None:
    """A suspect's score, ``None`` when its rate is unknown."""
    return suspect.score


def _categories(model: ServiceModel) -> set[str]:
    """Every category some fail point of the model has (hand-offs' and touchpoints')."""
    found = {
        fp.category for role in model.roles.values() for h in role.serves for fp in h.fail_points
    }
    for touchpoint in model.touchpoints.values():
        found.update(fp.category for fp in getattr(touchpoint, "fail_points", ()))
    return found


def _programs_of(model: ServiceModel) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Programme ids by the role and by the department their audiences name."""
    by_role: dict[str, list[str]] = {}
    by_department: dict[str, list[str]] = {}
    for program in sorted(model.programs.values(), key=lambda p: p.id):
        for role in program.audience.roles:
            by_role.setdefault(role, []).append(program.id)
        for department in program.audience.departments:
            by_department.setdefault(department, []).append(program.id)
    return by_role, by_department


def _rounded(value: float) -> float:
    """``value`` to 12 significant digits, so that sums equal to that precision are ties."""
    return float(f"{value:.12g}")


# --- reading --------------------------------------------------------------------------------------


def _read_groups(
    model: ServiceModel, complaints: Any, names: Mapping[str, str]
) -> dict[tuple[str, str, str | None], int]:
    """Complaint counts by (touchpoint, category, customer); every bad row is an error."""
    reading = Reading("<rows>")
    table = open_table(complaints, reading)
    reading.shorts = {column: short for short, column in names.items()}
    wanted = (names["touchpoint"], names["category"], names["customer"], names["count"])
    rows = table.rows(reading, wanted, (True, True, False, False))
    present = rows.present
    customer_at = present.index(names["customer"]) if names["customer"] in present else None
    count_at = present.index(names["count"]) if names["count"] in present else None
    touchpoints, customers = model.touchpoints, model.customers
    categories = _categories(model)
    known_categories = sorted(categories)
    groups: dict[tuple[str, str, str | None], int] = {}
    try:
        for line, cells in rows:
            touchpoint, category = cells[0], cells[1]
            good = True
            if touchpoint not in touchpoints:
                good = False
                if touchpoint:
                    reading.unknown(
                        line,
                        "touchpoint",
                        touchpoint,
                        lambda: list(touchpoints),
                        column=names["touchpoint"],
                    )
                else:
                    reading.add(line, "the touchpoint is empty", column=names["touchpoint"])
            if category not in categories:
                good = False
                if category:
                    reading.unknown(
                        line,
                        "category",
                        category,
                        lambda: known_categories,
                        column=names["category"],
                        advice="a category is one a fail point of the model has",
                    )
                else:
                    reading.add(line, "the category is empty", column=names["category"])
            customer = cells[customer_at] if customer_at is not None else None
            if customer:
                if customer not in customers:
                    good = False
                    reading.unknown(
                        line,
                        "customer",
                        customer,
                        lambda: list(customers),
                        column=names["customer"],
                    )
                elif touchpoint in touchpoints:
                    served = touchpoints[touchpoint].customers
                    if served and customer not in served:
                        good = False
                        reading.add(
                            line,
                            f"touchpoint {touchpoint!r} does not serve customer {customer!r} "
                            f"(it serves {', '.join(served)})",
                            column=names["customer"],
                            value=customer,
                        )
            else:
                customer = None
            count = 1
            cell = cells[count_at] if count_at is not None else None
            if cell is not None:
                if cell.isdigit() and cell.isascii():
                    count = int(cell)
                else:
                    good = False
                    reading.add(
                        line,
                        f"the count {cell!r} is not a whole number >= 0 written in digits"
                        if cell
                        else "the count is empty",
                        "write how many complaints the row stands for (1, 12 ...)",
                        column=names["count"],
                        value=cell,
                    )
            if good:
                key = (touchpoint, category, customer)
                groups[key] = groups.get(key, 0) + count
    finally:
        rows.close()
    reading.check()
    return groups


# --- attributing ----------------------------------------------------------------------------------


def attribute(
    model: ServiceModel,
    complaints: str | os.PathLike[str] | Iterable[Mapping[str, Any]] | Any,
    *,
    columns: Mapping[str, str] | None = None,
) -> Attribution:
    """Attribute ``complaints`` to the upstream fail points that most likely caused them.

    Parameters
    ----------
    model : ServiceModel
        The model whose chain explains the complaints.
    complaints : path, DataFrame or iterable of mappings
        A CSV file, a pandas DataFrame, or rows as mappings, with columns ``touchpoint``,
        ``category``, and optionally ``customer`` (empty: not named) and ``count`` (a
        whole number written in digits; 1 when there is no count column).
    columns : mapping, optional
        Short name -> column, for a file whose columns are named otherwise
        (``{"category": "reason"}``).

    Raises
    ------
    EvidenceError
        With every bad row, each at ``file:line``: an unknown touchpoint, category or
        customer (with the nearest known ones), a customer the touchpoint does not
        serve, a count that is not a whole number, a missing column.
    """
    names = complaint_columns(columns)
    with gc_paused():
        return _attribute(model, _read_groups(model, complaints, names))


def _attribute(
    model: ServiceModel, counts: Mapping[tuple[str, str, str | None], int]
) -> Attribution:
    """The attribution of complaint counts by (touchpoint, category, customer)."""
    chain = model.chain
    groups: list[ComplaintGroup] = []
    by_fail_point: dict[tuple[str, str], float] = {}
    by_role: dict[str, float] = {}
    unexplained = 0
    for (touchpoint, category, customer), count in sorted(
        counts.items(), key=lambda item: (-item[1], item[0][0], item[0][1], item[0][2] or "")
    ):
        suspects = group_suspects(chain, touchpoint, category, customer)
        scored = [(s, score) for s in suspects if (score := _score(s)) is not None]
        total = sum(score for _, score in scored)
        assigned: list[Assignment] = []
        if total > 0:
            for suspect, score in scored:
                share = score / total
                assigned.append(
                    Assignment(
                        role=suspect.role,
                        receiver=suspect.receiver,
                        fail_point=suspect.fail_point,
                        share=share,
                        complaints=count * share,
                    )
                )
        assigned.sort(key=lambda a: (-_rounded(a.share), a.fail_point, a.role))
        for a in assigned:
            key = (a.fail_point, a.role)
            by_fail_point[key] = by_fail_point.get(key, 0.0) + a.complaints
            by_role[a.role] = by_role.get(a.role, 0.0) + a.complaints
        possible = tuple(
            PossibleCause(role=s.role, fail_point=s.fail_point)
            for s in suspects
            if _score(s) is None
        )
        if not suspects:
            unexplained += count
        groups.append(
            ComplaintGroup(
                touchpoint=touchpoint,
                category=category,
                customer=customer,
                count=count,
                assigned=tuple(assigned),
                possible=possible,
                unexplained=not suspects,
            )
        )
    programs_by_role, programs_by_department = _programs_of(model)
    roles: list[RoleComplaints] = []
    by_department: dict[str | None, float] = {}
    for role_id, complaints_of_role in by_role.items():
        role = model.roles[role_id]
        kind = role.kind
        programs: list[str] = []
        if kind == "person":
            programs = list(programs_by_role.get(role_id, ()))
            if role.department is not None:
                programs.extend(programs_by_department.get(role.department, ()))
        roles.append(
            RoleComplaints(
                role=role_id,
                kind=kind,
                department=role.department,
                complaints=complaints_of_role,
                programs=tuple(sorted(set(programs))),
                gap=kind == "person" and _rounded(complaints_of_role) > 0 and not programs,
            )
        )
        by_department[role.department] = (
            by_department.get(role.department, 0.0) + complaints_of_role
        )
    roles.sort(key=lambda r: (-_rounded(r.complaints), r.role))
    return Attribution(
        groups=tuple(groups),
        by_fail_point=tuple(
            FailPointComplaints(fail_point=fp, role=role, complaints=n)
            for (fp, role), n in sorted(
                by_fail_point.items(), key=lambda item: (-_rounded(item[1]), *item[0])
            )
        ),
        by_role=tuple(roles),
        by_department=tuple(
            DepartmentComplaints(department=d, complaints=n)
            for d, n in sorted(
                by_department.items(),
                key=lambda item: (-_rounded(item[1]), item[0] is None, item[0] or ""),
            )
        ),
        unexplained=unexplained,
        complaints=sum(counts.values()),
        model=model,
    )
