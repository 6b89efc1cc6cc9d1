"""The checks that span a whole model: unique ids, references that resolve, no reporting loop.

Which fields hold references, and to what, is read from each field's
``FieldSpec`` (``refers_to``); nothing here lists
fields by name. Every problem names the entity, the field and the bad value;
the YAML reader adds where it is written.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from servicekit.errors import Nearest, Problem, shown
from servicekit.model.entities import Entity, FailPoint, field_specs
from servicekit.model.sections import NESTED, SECTIONS

if TYPE_CHECKING:
    from servicekit.model.service_model import ServiceModel

__all__ = [
    "HINT_BUDGET",
    "MAX_HINTS",
    "MAX_PROBLEMS",
    "data_references",
    "fail_points_of",
    "model_problems",
    "references",
    "unknown_reference",
]

#: Validation reports at most this many problems.
MAX_PROBLEMS = 1000
#: Only the first this-many unknown references get a "did you mean" hint: each costs a
#: fuzzy search over the ids of that kind.
MAX_HINTS = 50
#: The characters the hints of one load may compare in all (about a second or two).
HINT_BUDGET = 1_000_000

Path = tuple[str | int, ...]

#: A field to follow: (attribute, YAML key, kinds it refers to or (), holds a list).
_Step = tuple[str, str, tuple[str, ...], bool]
#: Per class: its reference fields, then its fields of nested entities.
_PLAN: dict[type, tuple[tuple[_Step, ...], tuple[_Step, ...]]] = {}


def _plan(cls: type) -> tuple[tuple[_Step, ...], tuple[_Step, ...]]:
    plan = _PLAN.get(cls)
    if plan is None:
        refs: list[_Step] = []
        nested: list[_Step] = []
        for name, field in field_specs(cls):
            key = field.key or name
            if field.refers_to:
                refs.append((name, key, field.refers_to, field.shape in ("ids", "names")))
            elif field.shape in NESTED:
                nested.append((name, key, (), field.shape in ("handoffs", "fail_points")))
        plan = (tuple(refs), tuple(nested))
        _PLAN[cls] = plan
    return plan


def references(entity: Entity, prefix: Path = ()) -> Iterator[tuple[Path, str, tuple[str, ...]]]:
    """Every id ``entity`` refers to: (where, the id, the kinds it may name), nested ones too.

    Examples
    --------
    >>> from servicekit import Touchpoint
    >>> list(references(Touchpoint(id="pickup", role="cashier", customers=["walk-in"])))
    [(('role',), 'cashier', ('role',)), (('customers', 0), 'walk-in', ('customer',))]
    """
    refs, nested = _plan(type(entity))
    for name, key, kinds, many in refs:
        value = getattr(entity, name)
        if value is None:
            continue
        if many:
            for index, item in enumerate(value):
                yield (*prefix, key, index), item, kinds
        else:
            yield (*prefix, key), value, kinds
    for name, key, _, many in nested:
        value = getattr(entity, name)
        if many:
            for index, item in enumerate(value):
                yield from references(item, (*prefix, key, index))
        elif value is not None:
            yield from references(value, (*prefix, key))


def data_references(
    cls: type, data: Mapping[str, Any], prefix: Path = ()
) -> Iterator[tuple[Path, str, tuple[str, ...]]]:
    """Every id the mapping ``data`` of an entity of ``cls`` refers to, as ``references()``.

    ``data`` is keyed as the YAML format writes it and need not build: an entity that
    could not be built (no id, a missing required key, a duplicate) still has its
    references checked. Values that are not ids are left to the entity's own check.

    Examples
    --------
    >>> from servicekit import Touchpoint
    >>> list(data_references(Touchpoint, {"customers": ("walk-in", 7)}))
    [(('customers', 0), 'walk-in', ('customer',))]
    """
    for name, field in field_specs(cls):
        key = field.key or name
        value = data.get(key)
        if value is None:
            continue
        if field.refers_to:
            if isinstance(value, tuple):
                for index, item in enumerate(value):
                    if type(item) is str and item:
                        yield (*prefix, key, index), item, field.refers_to
            elif type(value) is str and value:
                yield (*prefix, key), value, field.refers_to
        elif field.shape in NESTED:
            inner = NESTED[field.shape]
            if isinstance(value, Mapping):
                yield from data_references(inner, value, (*prefix, key))
            elif isinstance(value, tuple):
                for index, item in enumerate(value):
                    if isinstance(item, Mapping):
                        yield from data_references(inner, item, (*prefix, key, index))
                    elif type(item) is str and item:  # a hand-off written as its target's id
                        for target, spec in field_specs(inner):
                            if spec.required and spec.refers_to:
                                at = (*prefix, key, index, spec.key or target)
                                yield at, item, spec.refers_to


def unknown_reference(
    kind: str,
    subject: str | None,
    field: Path,
    value: str,
    kinds: tuple[str, ...],
    hint: str | None,
) -> Problem:
    """The problem of ``subject`` (a ``kind``) naming ``value``, which is no id of ``kinds``."""
    who = f"{kind} {shown(subject)}" if subject is not None else f"a {kind}"
    return Problem(
        message=f"{who} names unknown {' or '.join(kinds)} {shown(value)}",
        hint=hint,
        kind=kind,
        subject=subject,
        field=field,
        value=value,
    )


def model_problems(model: ServiceModel) -> Iterator[Problem]:
    """Every problem of the model as a whole, at most ``MAX_PROBLEMS``."""
    return itertools.islice(_problems(model), MAX_PROBLEMS)


def _problems(model: ServiceModel) -> Iterator[Problem]:
    yield from _unique_ids(model)
    tables: dict[str, Mapping[str, Any]] = {
        section.kind: getattr(model, section.name) for section in SECTIONS
    }
    tables["department"] = dict.fromkeys(model.departments)
    hints = itertools.count()
    budget = [HINT_BUDGET]
    candidates: dict[tuple[str, ...], Nearest] = {}
    for section in SECTIONS:
        for subject, entity in getattr(model, section.name).items():
            for path, value, kinds in references(entity):
                if any(value in tables[kind] for kind in kinds):
                    continue
                hint = None
                if next(hints) < MAX_HINTS:
                    nearest = candidates.get(kinds)
                    if nearest is None:
                        nearest = Nearest((i for kind in kinds for i in tables[kind]), budget)
                        candidates[kinds] = nearest
                    hint = nearest.hint(value)
                yield unknown_reference(section.kind, subject, path, value, kinds, hint)
    yield from _reporting_loops(model)
    yield from _systems_as_people(model)


def _unique_ids(model: ServiceModel) -> Iterator[Problem]:
    """Ids are unique across every kind of entity, fail points included.

    Each section's ids are looked up in the sections before it (no table of every id is
    built: a model of a million entities would hold a second copy of its keys).
    """
    tables = [(section.kind, getattr(model, section.name)) for section in SECTIONS]
    for number, (kind, table) in enumerate(tables):
        earlier = tables[:number]
        for key in table if earlier else ():
            for first_kind, first in earlier:
                if key in first:
                    yield _duplicate(key, (first_kind, key, ("id",)), kind, key, ("id",))
                    break
    fail_points: dict[str, tuple[str, str, Path]] = {}
    for owner_kind, owner, place, fail_point in fail_points_of(model):
        here: Path = (*place, "id")
        key = fail_point.id
        first = fail_points.get(key)
        if first is None:
            holder = next((kind for kind, table in tables if key in table), None)
            if holder is None:
                fail_points[key] = ("fail point", owner, here)
                continue
            first = (holder, key, ("id",))
        yield _duplicate(key, first, owner_kind, owner, here)


def fail_points_of(model: ServiceModel) -> Iterator[tuple[str, str, Path, FailPoint]]:
    """Every fail point of the model: (kind of owner, owner id, where in it, the fail point).

    Hand-offs' fail points come first, role by role, then the touchpoints' own.
    """
    for role in model.roles.values():
        for index, handoff in enumerate(role.serves):
            for number, fail_point in enumerate(handoff.fail_points):
                yield "role", role.id, ("serves", index, "fail_points", number), fail_point
    for touchpoint in model.touchpoints.values():
        for number, fail_point in enumerate(touchpoint.fail_points):
            yield "touchpoint", touchpoint.id, ("fail_points", number), fail_point


def _duplicate(
    key: str, first: tuple[str, str, Path], kind: str, subject: str, field: Path
) -> Problem:
    """A second use of ``key``, after ``first`` (its kind, entity and field)."""
    first_kind, first_subject, first_field = first
    return Problem(
        message=f"duplicate id {shown(key)}: already used by the {first_kind}",
        hint="ids must be unique across the whole model",
        kind=kind,
        subject=subject,
        field=field,
        value=key,
        other=(first_subject, first_field),
    )


def _reporting_loops(model: ServiceModel) -> Iterator[Problem]:
    """Every loop of ``reports_to``, found once, in time linear in the number of roles."""
    roles = model.roles
    done: set[str] = set()
    for start in roles:
        trail: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done and current in roles:
            if current in trail:
                loop = [*list(trail)[trail[current] :], current]
                yield Problem(
                    message="reports_to forms a loop: " + " -> ".join(loop),
                    hint="someone in the loop must report to no one or outside it",
                    kind="role",
                    subject=current,
                    field=("reports_to",),
                    value=roles[current].reports_to,
                )
                break
            trail[current] = len(trail)
            current = roles[current].reports_to
        done.update(trail)


def _systems_as_people(model: ServiceModel) -> Iterator[Problem]:
    """Systems are not people: no programme trains one and no principle names one."""
    roles = model.roles
    hint = (
        "systems are not people: leave them out (a department's systems are left out by "
        "themselves), or make the role kind: person"
    )
    for program in model.programs.values():
        for index, role in enumerate(program.audience.roles):
            found = roles.get(role)
            if found is not None and found.is_system:
                yield Problem(
                    message=f"program {program.id!r} names the system {role!r} in its audience",
                    hint=hint,
                    kind="program",
                    subject=program.id,
                    field=("audience", "roles", index),
                    value=role,
                )
    for principle in model.principles.values():
        scope = principle.applies_to
        if scope is None:
            continue
        for index, role in enumerate(scope.roles):
            found = roles.get(role)
            if found is not None and found.is_system:
                yield Problem(
                    message=f"principle {principle.id!r} applies to the system {role!r}",
                    hint=hint,
                    kind="principle",
                    subject=principle.id,
                    field=("applies_to", "roles", index),
                    value=role,
                )
