"""The JSON Schema of the YAML format, generated from the one table of sections and fields.

The same table gives the docs their tables: ``key_tables()`` for the YAML reference and
``field_table()`` for each entity's constructor on the API reference. The schema shipped
in the package (``servicekit schema``, ``schema_path()``) is this module's output, kept in
``src/servicekit/data/servicekit.schema.json`` so editors can point at it; a test checks
the file is up to date. To write it again after a change to the model, from the project
root:

    python -m servicekit.readwrite.schema > src/servicekit/data/servicekit.schema.json

Examples
--------
>>> schema = json_schema()
>>> schema["properties"]["servicekit"]
{'const': 1, 'description': 'The format version.'}
>>> schema["$defs"]["touchpoint"]["required"]
['id', 'role']
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from servicekit.errors import UnknownIdError
from servicekit.model.entities import Entity, field_specs
from servicekit.model.sections import FORMAT_VERSION, HEADER, NESTED, SECTIONS
from servicekit.model.values import FieldSpec
from servicekit.model.vocabulary import AUDIT_RULES, RULE_SETTINGS

__all__ = ["field_table", "json_schema", "key_tables", "schema_text"]

#: The definitions every entity's fields refer to, by shape.
_BASE: dict[str, Any] = {
    "id": {
        "type": "string",
        "minLength": 1,
        "description": "An id: a non-empty string, unique across the whole model "
        "(fail points included).",
    },
    "text": {
        "type": ["string", "null"],
        "description": "A string, kept exactly as written; null or absent means empty.",
    },
    "texts": {
        "type": ["array", "null"],
        "items": {"type": "string"},
        "description": "A list of strings.",
    },
    "ids": {
        "type": ["array", "null"],
        "items": {"$ref": "#/$defs/id"},
        "description": "A list of ids of other entities.",
    },
    "probability": {
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "description": "A probability: a plain (unquoted) number from 0 to 1.",
    },
    "names": {
        "type": "array",
        "items": {"$ref": "#/$defs/id"},
        "minItems": 1,
        "description": "A non-empty list of ids of other entities; leave the key out rather "
        "than write an empty list.",
    },
    "boolean": {
        "type": "boolean",
        "description": "true or false (YAML 1.1's yes, no, on and off are refused).",
    },
}

#: The ``$defs`` name of each entity class that is not a section of its own.
_NESTED_DEFS = {"Handoff": "handoff", "FailPoint": "failPoint", "PrincipleScope": "scope"}


def _definition_name(cls: type[Entity]) -> str:
    if cls.__name__ == "AuditSettings":
        return "audit"
    return _NESTED_DEFS.get(cls.__name__) or cls.entity_kind.replace(" ", "_")


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _field(field: FieldSpec, default: Any = None) -> dict[str, Any]:
    """The schema of one field, by its shape (``default``: the field's own default)."""
    shape = field.shape
    if shape in ("id", "ref"):
        found = _ref("id")
    elif shape in ("text", "texts", "ids"):
        found = _ref(shape)
    elif shape in ("rate", "optional_rate"):
        found = _ref("probability")
    elif shape in ("names", "boolean"):
        found = _ref(shape)
    elif shape == "count":
        found = {"type": "integer", "minimum": 1}
    elif shape == "optional_texts":
        found = {"type": ["array", "null"], "items": {"type": "string"}}
    elif shape == "catches":
        found = {
            "type": ["object", "null"],
            "propertyNames": {"minLength": 1},
            "additionalProperties": _ref("probability"),
        }
    elif shape == "choice":
        found = {"enum": [*field.choices, None] if default is None else list(field.choices)}
    elif shape == "rules":
        found = {
            "type": ["object", "null"],
            "propertyNames": {"enum": list(AUDIT_RULES)},
            "additionalProperties": {"enum": [*RULE_SETTINGS, None]},
        }
    elif shape in ("handoffs", "fail_points"):
        found = {"type": ["array", "null"], "items": _ref(_definition_name(NESTED[shape]))}
    else:  # a nested mapping: scope, audience, settings
        found = {"oneOf": [{"type": "null"}, _ref(_definition_name(NESTED[shape]))]}
    if field.doc:
        found = {**found, "description": field.doc}
    return found


def _entity(cls: type[Entity], description: str) -> dict[str, Any]:
    """The schema of an entity's mapping: its keys, their shapes, the required ones."""
    fields = field_specs(cls)
    found: dict[str, Any] = {
        "type": "object",
        "description": description,
        "additionalProperties": False,
    }
    required = [field.key or name for name, field in fields if field.required]
    if required:
        found["required"] = required
    defaults = {a.name: a.default for a in attrs.fields(cls)}  # type: ignore[arg-type]
    found["properties"] = {
        field.key or name: _field(field, defaults.get(name)) for name, field in fields
    }
    return found


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if text else ""


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one YAML document of a servicekit model."""
    definitions: dict[str, Any] = dict(_BASE)
    for section in SECTIONS:
        definitions[section.kind] = _entity(section.entity, section.doc)
    for cls in NESTED.values():
        name = _definition_name(cls)
        if name not in definitions:
            definitions[name] = _entity(cls, _first_line(cls.__doc__))
    handoff = definitions["handoff"]
    definitions["handoff"] = {
        "oneOf": [{**_ref("id"), "description": "The id of the role receiving the work."}, handoff]
    }
    properties: dict[str, Any] = {
        "servicekit": {"const": FORMAT_VERSION, "description": "The format version."},
    }
    for key, doc in HEADER[1:]:
        properties[key] = {**_ref("text"), "description": doc}
    for section in SECTIONS:
        properties[section.name] = {
            "type": ["array", "null"],
            "items": _ref(section.kind),
            "description": section.doc,
        }
    properties["audit"] = {
        "oneOf": [{"type": "null"}, _ref(_definition_name(NESTED["settings"]))],
        "description": "Per-model audit settings.",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://servicekit.invalid/schema/servicekit-{FORMAT_VERSION}.json",
        "title": f"servicekit model (format version {FORMAT_VERSION})",
        "description": "One YAML document of a servicekit model. A model may span several "
        "documents or files; only the first document of each file needs 'servicekit'. "
        "References between entities are checked by servicekit itself, not by this schema.",
        "type": "object",
        "additionalProperties": False,
        "required": ["servicekit"],
        "properties": properties,
        "$defs": definitions,
    }


def schema_text() -> str:
    """The schema as the shipped file holds it: indented JSON, ending with a newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


# --- the docs' tables of keys --------------------------------------------------------------

#: How the key tables name each shape.
_TYPES = {
    "id": "id",
    "ref": "id",
    "text": "text",
    "texts": "list of text",
    "ids": "ids",
    "rate": "probability, `0` to `1`",
    "optional_rate": "probability, `0` to `1`; absent: unknown",
    "boolean": "`true` or `false`",
    "count": "whole number, at least `1`",
    "optional_texts": "list of text",
    "catches": "mapping of category to probability",
    "rules": "mapping of rule id to `off`, `error`, `warning` or `info`",
    "handoffs": "list of role ids or hand-off mappings",
    "fail_points": "list of fail point mappings",
    "scope": "`{roles: [...], departments: [...]}`",
    "audience": "`{roles: [...], departments: [...]}`",
}


#: How the constructor tables name a shape where Python accepts more than the YAML writes.
_PYTHON_TYPES = {
    "boolean": "`True` or `False`",
    "handoffs": "list of role ids, hand-off mappings or `Handoff`s",
    "fail_points": "list of fail point mappings or `FailPoint`s",
    "scope": "`{roles: [...], departments: [...]}` or a `PrincipleScope`",
    "audience": "`{roles: [...], departments: [...]}` or an `Audience`",
}


def _type(field: FieldSpec, *, python: bool = False) -> str:
    if field.shape == "choice":
        return " or ".join(f"`{choice}`" for choice in field.choices)
    kinds = " or ".join(field.refers_to)
    if kinds and field.shape in ("id", "ref"):
        shown = f"{kinds} id"
    elif kinds and field.shape in ("ids", "names"):
        shown = f"{kinds} ids" if field.shape == "ids" else f"non-empty list of {kinds} ids"
    elif field.shape in ("ref", "ids"):
        shown = "name" if field.shape == "ref" else "names"
    elif python and field.shape in _PYTHON_TYPES:
        shown = _PYTHON_TYPES[field.shape]
    else:
        shown = _TYPES[field.shape]
    return f"{shown}, **required**" if field.required else shown


def _default(attribute: attrs.Attribute) -> str:  # type: ignore[type-arg]
    """``, default `X` `` when a field's default is a value worth saying (`False`, `'person'`).

    Defaults that mean "nothing" (``None``, empty text, empty lists and mappings, an
    empty audience) go without saying: the meaning says what absent means.
    """
    default = attribute.default
    if type(default) not in (bool, str, int, float) or default in ("", None):
        return ""
    return f", default `{default!r}`"


def _table(cls: type[Entity], *, python: bool = False) -> list[str]:
    """The rows of ``cls``'s fields: YAML keys, or (``python``) constructor parameters."""
    lines = [f"| {'parameter' if python else 'key'} | type | meaning |", "|---|---|---|"]
    attributes = {a.name: a for a in attrs.fields(cls)}  # type: ignore[arg-type]
    for name, field in field_specs(cls):
        key = field.key or name
        if not python:
            lines.append(f"| `{key}` | {_type(field)} | {field.doc} |")
            continue
        shown = f"`{name}`" if key == name else f"`{name}` (YAML `{key}`)"
        kind = _type(field, python=True) + _default(attributes[name])
        lines.append(f"| {shown} | {kind} | {field.doc} |")
    return lines


def _entity_classes() -> dict[str, type[Entity]]:
    """Every entity class a model holds, by class name: the sections' and the nested ones."""
    classes = [section.entity for section in SECTIONS] + list(NESTED.values())
    return {cls.__name__: cls for cls in classes}


def field_table(name: str) -> str:
    """A Markdown table of the constructor parameters of the entity class ``name``.

    One row a parameter, in the constructor's order: its Python name (and its YAML key
    where that differs, as ``for_`` is written ``for``), the values it takes, and what it
    means. The API reference shows one under each entity (a docs hook puts it in at build
    time), generated from the same field table as the YAML reference's ``key_tables()``.

    Raises
    ------
    UnknownIdError
        When ``name`` is not an entity class, with the nearest names.

    Examples
    --------
    >>> print(field_table("FailPoint"))  # doctest: +NORMALIZE_WHITESPACE
    | parameter | type | meaning |
    |---|---|---|
    | `id` | id, **required** | Unique across the whole model. |
    | `category` | text | What kind of defect it makes (`stain`, `lost-item` ...). |
    | `rate` | probability, `0` to `1`; absent: unknown | How often it happens, per unit of
    work; absent: unknown. |
    | `shows_at` | non-empty list of touchpoint ids | Touchpoints where the defect can show;
    absent: wherever the chain carries it. |
    >>> field_table("Handof")
    Traceback (most recent call last):
    ...
    servicekit.errors.UnknownIdError: unknown entity class 'Handof'; did you mean 'Handoff'?
    """
    classes = _entity_classes()
    cls = classes.get(name)
    if cls is None:
        raise UnknownIdError(name, kind="entity class", candidates=sorted(classes))
    return "\n".join(_table(cls, python=True)) + "\n"


def key_tables() -> str:
    """Markdown tables of every key of every section and nested mapping, for the docs.

    The YAML reference page shows this text (a docs hook puts it in at build time), so
    the page lists exactly the keys the reader accepts, with their types and meanings.

    Examples
    --------
    >>> print("\\n".join(key_tables().splitlines()[:4]))
    ### Top level
    <BLANKLINE>
    | key | type | meaning |
    |---|---|---|
    """
    lines = ["### Top level", "", "| key | type | meaning |", "|---|---|---|"]
    lines.append("| `servicekit` | the number `1`, **required** | the format version |")
    lines.extend(f"| `{key}` | text | {doc} |" for key, doc in HEADER[1:])
    lines.extend(f"| `{s.name}` | list of {s.kind}s | {s.doc} |" for s in SECTIONS)
    lines.append("| `audit` | mapping | per-model audit settings, below |")
    for section in SECTIONS:
        lines += ["", f"### {section.name}", "", *_table(section.entity)]
    for shape, heading in _NESTED_HEADINGS.items():
        lines += ["", f"### {heading}", "", *_table(NESTED[shape])]
    return "\n".join(lines) + "\n"


#: The heading of each nested mapping's table, in the docs.
_NESTED_HEADINGS = {
    "handoffs": "hand-off mapping (an item of `serves`)",
    "fail_points": "fail point mapping (an item of `fail_points`, on a hand-off or a touchpoint)",
    "scope": "`applies_to` of a principle",
    "audience": "`audience` of a programme",
    "settings": "`audit` at the top level",
}


if __name__ == "__main__":  # pragma: no cover - a maintainer's command, run by hand
    print(schema_text(), end="")
