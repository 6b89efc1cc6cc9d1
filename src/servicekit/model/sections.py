"""The one table of the YAML format: its sections, in order, and the entity of each.

The reader, the writer, the JSON Schema and the docs all walk this table and the
``FieldSpec`` of each entity's fields; nothing
else lists the sections or their keys.

Examples
--------
>>> [s.name for s in SECTIONS][:3]
['customers', 'roles', 'touchpoints']
>>> section_of("role").entity.__name__
'Role'
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from servicekit.errors import Problem, shown
from servicekit.model.entities import (
    Audience,
    AuditSettings,
    Customer,
    Entity,
    FailPoint,
    Handoff,
    Metric,
    Principle,
    PrincipleScope,
    Program,
    Role,
    Scenario,
    Script,
    Touchpoint,
)
from servicekit.model.values import describe

__all__ = [
    "FORMAT_VERSION",
    "HEADER",
    "NESTED",
    "SECTIONS",
    "TOP_LEVEL",
    "Section",
    "section_of",
    "version_problem",
]

#: The version of the YAML format this release reads and writes.
FORMAT_VERSION = 1


@attrs.frozen
class Section:
    """A top-level list of the YAML format: its key, the kind of entity it holds, and its class."""

    name: str
    kind: str
    entity: type[Entity]
    doc: str


#: Every section, in the order the format writes them.
SECTIONS: tuple[Section, ...] = (
    Section("customers", "customer", Customer, "External customer segments or personas."),
    Section("roles", "role", Role, "Jobs, and the hand-offs between them."),
    Section("touchpoints", "touchpoint", Touchpoint, "Where front-line roles serve customers."),
    Section("principles", "principle", Principle, "General rules of good service."),
    Section("scripts", "script", Script, "Trained procedures for known situations."),
    Section("scenarios", "scenario", Scenario, "Concrete situations at touchpoints."),
    Section("metrics", "metric", Metric, "What is measured, and what it decides."),
    Section("programs", "program", Program, "Training and education programmes."),
)

#: Top-level keys that are not sections: (key, what it holds).
HEADER: tuple[tuple[str, str], ...] = (
    ("servicekit", "The format version: 1 (required)."),
    ("name", "The model's name."),
    ("description", "What the model describes."),
)

#: Every top-level key, in the order the format writes them.
TOP_LEVEL: tuple[str, ...] = (*(key for key, _ in HEADER), *(s.name for s in SECTIONS), "audit")

#: The entity class a nested shape is built as.
NESTED: Mapping[str, type[Entity]] = {
    "handoffs": Handoff,
    "fail_points": FailPoint,
    "scope": PrincipleScope,
    "audience": Audience,
    "settings": AuditSettings,
}

_BY_KIND = {section.kind: section for section in SECTIONS}


def section_of(kind: str) -> Section:
    """The section holding entities of ``kind`` (``role`` -> ``roles``)."""
    return _BY_KIND[kind]


def version_problem(value: object) -> Problem | None:
    """What is wrong with ``value`` as the format version (``servicekit: 1``), if anything.

    Examples
    --------
    >>> version_problem(1) is None
    True
    >>> print(version_problem("1").message)
    servicekit (the format version) must be the number 1, not the string '1'
    """
    if type(value) is int:
        if value == FORMAT_VERSION:
            return None
        return Problem(
            message=f"unsupported format version {value}",
            hint=f"this servicekit reads version {FORMAT_VERSION}",
            field=("servicekit",),
            value=value,
        )
    what = f"the string {shown(value)}" if isinstance(value, str) else describe(value)
    return Problem(
        message=f"servicekit (the format version) must be the number {FORMAT_VERSION}, not {what}",
        hint=f"write 'servicekit: {FORMAT_VERSION}'",
        field=("servicekit",),
        value=value,
    )
