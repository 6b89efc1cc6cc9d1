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

from servicekit.errors import Problem, nearest
from servicekit.model.entities import Entity, FailPoint, field_specs
from servicekit.model.sections import NESTED, SECTIONS

if TYPE_CHECKING:
    from servicekit.model.service_model import ServiceModel

__all__ = ["MAX_HINTS", "MAX_PROBLEMS", "fail_points_of", "model_problems", "references"]

#: Validation reports at most this many problems.
MAX_PROBLEMS = 1000
#: Only the first this-many unknown references get a "did you mean" hint: each costs a
#: fuzzy search over every id of that kind.
MAX_HINTS = 50

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
    candidates: dict[tuple[str, ...], list[str]] = {}
    for section in SECTIONS:
        for subject, entity in getattr(model, section.name).items():
            for path, value, kinds in references(entity):
                if any(value in tables[kind] for kind in kinds):
                    continue
                hint = None
                if next(hints) < MAX_HINTS:
                    pool = candidates.get(kinds)
                    if pool is None:
                        pool = [i for kind in kinds for i in tables[kind]]
                        candidates[kinds] = pool
                    hint = nearest(value, pool)
                yield Problem(
                    message=f"{section.kind} {subject!r} names unknown "
                    f"{' or '.join(kinds)} {value!r}",
                    hint=hint,
                    kind=section.kind,
                    subject=subject,
                    field=path,
                    value=value,
                )
    yield from _reporting_loops(model)
    yield from _systems_as_people(model)


def _unique_ids(model: ServiceModel) -> Iterator[Problem]:
    """Ids are unique across every kind of entity, fail points included."""
    seen: dict[str, tuple[str, str, Path]] = {}
    for section in SECTIONS:
        for key in getattr(model, section.name):
            first = seen.get(key)
            if first is None:
                seen[key] = (section.kind, key, ("id",))
            else:
                yield _duplicate(key, first, section.kind, key, ("id",))
    for kind, owner, here, fail_point in fail_points_of(model):
        first = seen.get(fail_point.id)
        if first is None:
            seen[fail_point.id] = ("fail point", owner, (*here, "id"))
        else:
            yield _duplicate(fail_point.id, first, kind, owner, (*here, "id"))


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
        message=f"duplicate id {key!r}: already used by the {first_kind}",
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
