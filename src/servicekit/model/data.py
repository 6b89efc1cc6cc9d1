"""A model as the YAML's data, and back: plain dicts, lists, strings and numbers.

``model_data(model)`` is what a YAML file of the model holds once parsed (keys in the
format's order, defaults left out, a plain hand-off written as its role id), so it can
be written as YAML or JSON, or edited and built again with ``model_from_data``. Both
walk the entities' field table, as the reader and the writer do.

Examples
--------
>>> from servicekit import ServiceModel
>>> data = {"servicekit": 1, "roles": [{"id": "a", "serves": ["b"]}, {"id": "b"}]}
>>> model = model_from_data(data, ServiceModel)
>>> model.roles["a"].serves[0].to
'b'
>>> model_data(model) == data
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from servicekit.errors import ModelError, Problem, nearest
from servicekit.model.entities import Entity, Handoff, field_specs
from servicekit.model.frozen import FrozenDict
from servicekit.model.sections import (
    FORMAT_VERSION,
    HEADER,
    SECTIONS,
    TOP_LEVEL,
    version_problem,
)

if TYPE_CHECKING:
    from servicekit.model.service_model import ServiceModel

M = TypeVar("M", bound="ServiceModel")

__all__ = ["entity_data", "model_data", "model_from_data"]


#: Shapes of lists that may be left out (``None``) and, when given, are written even empty.
_OPTIONAL_LISTS = frozenset({"names", "optional_texts"})


def _value(value: Any, shape: str) -> Any:
    """A field's value as YAML data; ``None`` when it holds nothing and is left out."""
    if value is None:
        return None
    if isinstance(value, Entity):
        found = entity_data(value)
        if shape == "scope":
            return found  # an explicit scope that names nobody is written {}
        return found or None
    if isinstance(value, tuple):
        if not value and shape not in _OPTIONAL_LISTS:
            return None
        return [_entry(item) for item in value]
    if isinstance(value, FrozenDict):
        return dict(value) or None
    if value == "":
        return None
    return value


def _entry(item: Any) -> Any:
    """One entry of a list field: text as it is, a plain hand-off as its role id."""
    if isinstance(item, Handoff) and item.is_plain:
        return item.to
    return entity_data(item) if isinstance(item, Entity) else item


#: Per entity class: attribute -> its plain default, for the fields that have one.
_DEFAULTS: dict[type, dict[str, Any]] = {}


def _defaults(cls: type) -> dict[str, Any]:
    found = _DEFAULTS.get(cls)
    if found is None:
        found = {
            a.name: a.default
            for a in attrs.fields(cls)
            if a.default is not attrs.NOTHING
            and a.default is not None
            and not isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
        }
        _DEFAULTS[cls] = found
    return found


def entity_data(entity: Entity) -> dict[str, Any]:
    """An entity as its YAML mapping: keys in the format's order, defaults left out.

    Examples
    --------
    >>> from servicekit import FailPoint
    >>> entity_data(FailPoint(id="missed-stain", category="stain", rate=0.04))
    {'id': 'missed-stain', 'category': 'stain', 'rate': 0.04}
    """
    defaults = _defaults(type(entity))
    found: dict[str, Any] = {}
    for name, field in field_specs(type(entity)):
        value = getattr(entity, name)
        if name in defaults and value == defaults[name]:
            continue  # e.g. kind: person, required: false
        shown = _value(value, field.shape)
        if shown is not None:
            found[field.key or name] = shown
    return found


def model_data(model: ServiceModel) -> dict[str, Any]:
    """The whole model as the data of one YAML document (``servicekit: 1`` first)."""
    found: dict[str, Any] = {"servicekit": FORMAT_VERSION}
    for key, _ in HEADER[1:]:
        if getattr(model, key):
            found[key] = getattr(model, key)
    for section in SECTIONS:
        table = getattr(model, section.name)
        if table:
            found[section.name] = [entity_data(entity) for entity in table.values()]
    audit = entity_data(model.audit_settings)
    if audit:
        found["audit"] = audit
    return found


def model_from_data(data: Mapping[str, Any], cls: type[M]) -> M:
    """A ``cls`` (a ``ServiceModel``) from a YAML document's data, checked as a file is.

    Raises
    ------
    ModelError
        With every problem, each naming the entity, the field and the value.
    """
    problems: list[Problem] = []
    if "servicekit" not in data:
        problems.append(
            Problem(
                message="missing 'servicekit: 1' (the format version)",
                hint="add 'servicekit': 1",
                field=("servicekit",),
            )
        )
    else:
        found = version_problem(data["servicekit"])
        if found is not None:
            problems.append(found)
    for key in data:
        if key not in TOP_LEVEL:
            problems.append(
                Problem(
                    message=f"unknown section {key!r}",
                    hint=nearest(str(key), TOP_LEVEL) or "sections: " + ", ".join(TOP_LEVEL),
                    field=(str(key),),
                    value=key,
                    at_key=True,
                )
            )
    parts = {
        key: value
        for key, value in data.items()
        if key in TOP_LEVEL and key != "servicekit" and value is not None
    }
    try:
        model = cls(**parts)
    except ModelError as err:
        problems.extend(err.problems)
    except TypeError as err:  # pragma: no cover - every top-level key is a parameter
        raise ModelError([*problems, Problem(message=str(err))]) from None
    if problems:
        raise ModelError(problems)
    return model
