"""Culture answers restricted to a selection of the chain (``--select`` on the command line).

A selection (``ServiceChain.select()``) is a set of roles, touchpoints and
customers. Restricting an answer to it means:

- **audit**: the findings about the selection. A finding is kept when its subject
  is selected, or when its subject is tied to a selected node: a metric to its
  owner (a role, or every role of its owning department), a scenario to its
  touchpoint, a script to its role or touchpoint, a programme to the roles of its
  audience, a principle to the roles its ``applies_to`` names (by role or
  department; a principle for everyone is tied to no node in particular).
- **coverage**: the rows of the selected roles; every principle stays a column.
- **report**: the selected touchpoints, the coverage gaps among the selected roles,
  and the findings about the selection.

Examples
--------
>>> import servicekit
>>> model = servicekit.load_example()
>>> selected = model.chain.select("department:cleaning")
>>> sorted({f.subject for f in findings_about(model.audit(), model, selected)})
['spotting-handbook', 'stain-school']
>>> coverage_of(model.coverage(), selected).roles
('cleaner', 'spotter')
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from servicekit.culture.audit import Findings
from servicekit.culture.mapping import Coverage
from servicekit.model.service_model import ServiceModel

__all__ = ["coverage_of", "findings_about", "ties"]


def _department_roles(model: ServiceModel, departments: Iterable[str]) -> list[str]:
    wanted = set(departments)
    return [r.id for r in model.roles.values() if r.department in wanted]


def ties(model: ServiceModel, subject: str) -> tuple[str, ...]:
    """The subject itself and the nodes of the chain an entity is tied to.

    Examples
    --------
    >>> import servicekit
    >>> model = servicekit.load_example()
    >>> ties(model, "garments-per-hour"), ties(model, "everyday-stain")
    (('garments-per-hour', 'presser'), ('everyday-stain', 'pickup'))
    """
    found = [subject]
    kind = model.kind_of(subject)
    if kind == "metric":
        owner = model.metrics[subject].owner
        if owner is not None:
            found.extend([owner] if owner in model.roles else _department_roles(model, [owner]))
    elif kind == "scenario":
        found.append(model.scenarios[subject].touchpoint)
    elif kind == "script":
        script = model.scripts[subject]
        found.extend(n for n in (script.role, script.touchpoint) if n is not None)
    elif kind == "program":
        audience = model.programs[subject].audience
        found.extend(audience.roles)
        found.extend(_department_roles(model, audience.departments))
    elif kind == "principle":
        scope = model.principles[subject].applies_to
        if scope is not None:
            found.extend(scope.roles)
            found.extend(_department_roles(model, scope.departments))
    return tuple(found)


def findings_about(findings: Findings, model: ServiceModel, selected: Collection[str]) -> Findings:
    """The findings whose subject is selected or tied to a selected node (see ``ties()``)."""
    chosen = set(selected)
    return Findings(f for f in findings if any(n in chosen for n in ties(model, f.subject)))


def coverage_of(coverage: Coverage, selected: Collection[str]) -> Coverage:
    """The coverage matrix with only the selected roles' rows."""
    chosen = set(selected)
    roles = tuple(r for r in coverage.roles if r in chosen)
    cells = {(r, p): s for (r, p), s in coverage.cells.items() if r in chosen}
    return Coverage(
        roles=roles, principles=coverage.principles, cells=cells, limited_to=coverage.limited_to
    )
