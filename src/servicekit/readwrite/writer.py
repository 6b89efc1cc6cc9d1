"""Writing models: YAML text that loads back to an equal model.

The writer walks the same field table as the reader
(:mod:`servicekit.model.sections`): every field is written by its shape, in
the order the entity class declares it, and left out when it holds its default.

Examples
--------
>>> import servicekit
>>> m = servicekit.loads("servicekit: 1\\nname: 'no'\\ncustomers: [{id: '010'}]\\n")
>>> print(dump(m), end="")
servicekit: 1
name: "no"
customers:
  - id: "010"
>>> servicekit.loads(dump(m)) == m
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs
import yaml

from servicekit.model.entities import Entity, Handoff, field_specs
from servicekit.model.sections import SECTIONS
from servicekit.model.service_model import ServiceModel
from servicekit.model.values import FieldSpec
from servicekit.readwrite.events import NULLS
from servicekit.readwrite.reader import FORMAT_VERSION

__all__ = ["dump"]

_PLAIN = re.compile(r"[A-Za-z0-9_\u00c0-\u024f][A-Za-z0-9 _.()/'&+\-\u00c0-\u024f]*")
_RESOLVER = yaml.resolver.Resolver()


def _plain_safe(text: str) -> bool:
    if not _PLAIN.fullmatch(text) or text.endswith(" ") or text in NULLS:
        return False
    resolved = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(resolved == "tag:yaml.org,2002:str")


_ESCAPES = {
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\xa0": "\\_",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def _quote(text: str) -> str:
    out = ['"']
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
            continue
        code = ord(char)
        if code < 0x20 or 0x7F <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif 0xD800 <= code <= 0xDFFF or code in (0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _scalar(text: str) -> str:
    return text if _plain_safe(text) else _quote(text)


def _float(value: float) -> str:
    text = repr(float(value))
    if "e" in text and "." not in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def field(self, indent: str, key: str, value: str) -> None:
        self.lines.append(f"{indent}{key}: {value}")

    def text(self, indent: str, key: str, value: str | None) -> None:
        if value:
            self.field(indent, key, _scalar(value))

    def texts(self, indent: str, key: str, values: tuple[str, ...]) -> None:
        if not values:
            return
        items = [_scalar(v) for v in values]
        flow = f"[{', '.join(items)}]"
        if all(_plain_safe(v) for v in values) and len(indent) + len(key) + len(flow) < 96:
            self.field(indent, key, flow)
            return
        self.lines.append(f"{indent}{key}:")
        self.lines.extend(f"{indent}  - {item}" for item in items)


def dump(model: ServiceModel) -> str:
    """The model as YAML text (format version 1) that loads back to an equal model.

    Strings are written plain where YAML 1.1 would read them back as the same
    string, and double-quoted (with escapes) everywhere else.
    """
    w = _Writer()
    w.field("", "servicekit", str(FORMAT_VERSION))
    w.text("", "name", model.name)
    w.text("", "description", model.description)
    for section in SECTIONS:
        table = getattr(model, section.name)
        if not table:
            continue
        w.lines.append(f"{section.name}:")
        for entity in table.values():
            _entity(w, entity, "  - ", "    ")
    start = len(w.lines)
    _fields(w, model.audit_settings, "  ")
    if len(w.lines) > start:
        w.lines.insert(start, "audit:")
    return "\n".join(w.lines) + "\n"


def _defaults(cls: type) -> dict[str, Any]:
    """Attribute name -> plain default value (factories left out), per entity class."""
    found = _DEFAULTS.get(cls)
    if found is None:
        found = {
            a.name: a.default
            for a in attrs.fields(cls)
            if a.default is not attrs.NOTHING and not isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
        }
        _DEFAULTS[cls] = found
    return found


_DEFAULTS: dict[type, dict[str, Any]] = {}


def _fields(w: _Writer, entity: Entity, indent: str) -> None:
    """Every field of ``entity`` that does not hold its default, in declaration order."""
    defaults = _defaults(type(entity))
    for name, field in field_specs(type(entity)):
        value = getattr(entity, name)
        if name in defaults and defaults[name] is not None and value == defaults[name]:
            continue  # e.g. kind: person, required: false
        _FIELDS[field.shape](w, indent, field.key or name, value, field)


def _entity(w: _Writer, entity: Entity, first: str, indent: str) -> None:
    """Every field of ``entity`` at ``indent``, the first line led by ``first`` (``- ``)."""
    start = len(w.lines)
    _fields(w, entity, indent)
    if len(w.lines) == start:  # pragma: no cover - every listed entity has an id or a target
        w.lines.append(f"{first}{{}}")
        return
    w.lines[start] = first + w.lines[start][len(indent) :]


FieldWriter = Callable[[_Writer, str, str, Any, "FieldSpec | None"], None]


def _write_text(w: _Writer, indent: str, key: str, value: Any, field: FieldSpec | None) -> None:
    w.text(indent, key, value)


def _write_texts(w: _Writer, indent: str, key: str, value: Any, field: FieldSpec | None) -> None:
    w.texts(indent, key, value)


def _write_rate(w: _Writer, indent: str, key: str, value: Any, field: FieldSpec | None) -> None:
    if value is not None:  # 0.0 is a rate; None (unknown) is written by leaving it out
        w.field(indent, key, _float(value))


def _write_boolean(w: _Writer, indent: str, key: str, value: Any, field: FieldSpec | None) -> None:
    w.field(indent, key, "true" if value else "false")


def _write_count(w: _Writer, indent: str, key: str, value: Any, field: FieldSpec | None) -> None:
    if value is not None:
        w.field(indent, key, str(value))


def _write_names(w: _Writer, indent: str, key: str, value: Any, field: FieldSpec | None) -> None:
    """A list that may be left out (``None``); an empty one is written ``[]``."""
    if value is None:
        return
    if not value:
        w.field(indent, key, "[]")
    else:
        w.texts(indent, key, value)


def _write_mapping(w: _Writer, indent: str, key: str, value: Any, field: FieldSpec | None) -> None:
    if not value:
        return
    w.lines.append(f"{indent}{key}:")
    for name, setting in value.items():
        shown = _float(setting) if isinstance(setting, float) else _scalar(setting)
        w.field(indent + "  ", _scalar(name), shown)


def _write_handoffs(w: _Writer, indent: str, key: str, value: Any, field: FieldSpec | None) -> None:
    if not value:
        return
    w.lines.append(f"{indent}{key}:")
    for handoff in value:
        if isinstance(handoff, Handoff) and handoff.is_plain:
            w.lines.append(f"{indent}  - {_scalar(handoff.to)}")
        else:
            _entity(w, handoff, indent + "  - ", indent + "    ")


def _write_scope(w: _Writer, indent: str, key: str, value: Any, field: FieldSpec | None) -> None:
    if value is None:
        return
    start = len(w.lines)
    w.lines.append(f"{indent}{key}:")
    _fields(w, value, indent + "  ")
    if len(w.lines) == start + 1:
        if field is not None and field.shape == "audience":
            del w.lines[start:]  # an empty audience is the default: write nothing
        else:
            w.lines[start] = f"{indent}{key}: {{}}"  # an explicit scope that names nobody


_FIELDS: dict[str, FieldWriter] = {
    "id": _write_text,
    "ref": _write_text,
    "text": _write_text,
    "choice": _write_text,
    "texts": _write_texts,
    "ids": _write_texts,
    "rate": _write_rate,
    "optional_rate": _write_rate,
    "boolean": _write_boolean,
    "count": _write_count,
    "names": _write_names,
    "optional_texts": _write_names,
    "catches": _write_mapping,
    "rules": _write_mapping,
    "handoffs": _write_handoffs,
    "fail_points": _write_handoffs,
    "scope": _write_scope,
    "audience": _write_scope,
}
