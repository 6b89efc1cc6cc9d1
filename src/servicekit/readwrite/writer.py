"""Writing models: YAML text that loads back to an equal model.

``dump`` writes the model's data (``ServiceModel.to_dict()``, which walks the same
field table as the reader) as YAML: mappings in block style, short lists of plain words
in flow style, every string plain where YAML 1.1 would read it back as the same string
and double-quoted, with escapes, everywhere else.

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
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from servicekit.errors import UsageError
from servicekit.model.service_model import ServiceModel
from servicekit.readwrite.events import NULLS

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


#: A flow list (``[a, b]``) is used while the line stays this short.
_FLOW_WIDTH = 96


def _value(value: Any) -> str:
    """A scalar as YAML text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, int):
        return str(value)
    return _scalar(value)


def _write(lines: list[str], indent: str, key: str, value: Any) -> None:
    """``key: value`` at ``indent``, the value a scalar, a list or a mapping."""
    if isinstance(value, Mapping):
        if not value:
            lines.append(f"{indent}{key}: {{}}")
            return
        lines.append(f"{indent}{key}:")
        for inner, item in value.items():
            _write_entry(lines, indent + "  ", _scalar(inner), item)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        if all(isinstance(item, str) for item in value):
            flow = f"[{', '.join(_scalar(item) for item in value)}]"
            if all(_plain_safe(item) for item in value) and (
                len(indent) + len(key) + len(flow) < _FLOW_WIDTH
            ):
                lines.append(f"{indent}{key}: {flow}")
                return
        lines.append(f"{indent}{key}:")
        for item in value:
            _item(lines, indent + "  ", item)
    else:
        lines.append(f"{indent}{key}: {_value(value)}")


#: YAML reads a key written without ``?`` (an implicit key) only up to 1024 characters.
_IMPLICIT_KEY = 1000


def _write_entry(lines: list[str], indent: str, key: str, value: Any) -> None:
    """A mapping entry; a key too long to be implicit is written ``? key`` then ``: value``."""
    if len(key) <= _IMPLICIT_KEY:
        _write(lines, indent, key, value)
        return
    start = len(lines)
    _write(lines, indent, "", value)
    lines[start : start + 1] = [f"{indent}? {key}", indent + lines[start][len(indent) :]]


def _item(lines: list[str], indent: str, item: Any) -> None:
    """One entry of a block list: a scalar, or a mapping whose first key follows the dash."""
    if not isinstance(item, Mapping):
        lines.append(f"{indent}- {_value(item)}")
        return
    start = len(lines)
    for key, value in item.items():
        _write(lines, indent + "  ", _scalar(key), value)
    if len(lines) == start:  # pragma: no cover - every listed entity has an id or a target
        lines.append(f"{indent}- {{}}")
        return
    lines[start] = f"{indent}- " + lines[start][len(indent) + 2 :]


def dump(model: ServiceModel) -> str:
    """The model as YAML text (format version 1) that loads back to an equal model."""
    if not isinstance(model, ServiceModel):
        raise UsageError(f"dump(model) takes a ServiceModel, not {type(model).__name__}")
    lines: list[str] = []
    for key, value in model.to_dict().items():
        _write(lines, "", key, value)
    return "\n".join(lines) + "\n"
