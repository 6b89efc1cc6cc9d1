"""YAML in and out: strict loading with located errors, dumping, atomic saving.

Loading reads the libyaml event stream (the pure-Python parser when libyaml is
missing) and builds a light tree that keeps every line and column, then the
entities, then the :class:`~servicekit.ServiceModel`. It never runs PyYAML's
constructors, so no tag can build an object and no value is coerced: ``no``,
``010`` and ``2024-01-05`` stay the strings written. Every problem of a load is
collected and raised together as one :class:`~servicekit.ModelError`.

Examples
--------
>>> import servicekit
>>> model = servicekit.loads('''
... servicekit: 1
... name: Kiosk
... roles:
...   - id: barista
...     serves: [runner]
...   - id: runner
... ''')
>>> model.roles["barista"].serves[0].target
'runner'
>>> try:
...     text = "servicekit: 1\\nroles:\\n  - id: a\\n    serves: [b]\\n"
...     servicekit.loads(text, path="kiosk.yaml")
... except servicekit.ModelError as err:
...     print(err)
kiosk.yaml:4:14: error: role 'a' names unknown role 'b'
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import re
import stat
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from servicekit.errors import ModelError, Problem, did_you_mean, suggest
from servicekit.model import (
    PROGRAM_CONTENT,
    SEVERITIES,
    Audience,
    AuditSettings,
    Customer,
    FailPoint,
    Handoff,
    InvalidModelError,
    Metric,
    Principle,
    PrincipleScope,
    Program,
    Role,
    Scenario,
    Script,
    ServiceModel,
    SourceLocation,
    Touchpoint,
)

__all__ = [
    "FORMAT_VERSION",
    "MAX_BYTES",
    "dump",
    "example_path",
    "load",
    "load_example",
    "loads",
    "save",
    "schema_path",
]

#: The version of the YAML format this release reads and writes.
FORMAT_VERSION = 1
#: The largest file :func:`load` reads unless told otherwise (256 MiB).
MAX_BYTES = 256 * 1024 * 1024
#: Deeper nesting than this is never a servicekit model.
MAX_DEPTH = 32
_DEPTH_HINT = "a servicekit model is a few levels deep"
#: A load stops collecting after this many problems.
MAX_PROBLEMS = 1000

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_NUMBER = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_INTEGER = re.compile(r"[-+]?[0-9][0-9_]*")


class _TooMany(Exception):
    """Raised inside a load once MAX_PROBLEMS have been collected."""


# --- the light tree -------------------------------------------------------------------------


class _Map:
    """A YAML mapping: key -> (key event, value node), with the mapping's position."""

    __slots__ = ("column", "dropped", "key", "line", "pairs")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.pairs: dict[str, tuple[ScalarEvent, Any]] = {}
        #: While parsing: the key waiting for its value.
        self.key: Any = None
        #: While parsing: True when the mapping carries an anchor or a tag.
        self.dropped = False


class _Seq(list[Any]):
    """A YAML sequence with its position."""

    __slots__ = ("column", "dropped", "line")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        #: While parsing: True when the sequence carries an anchor or a tag.
        self.dropped = False


_BAD_KEY = object()


def _where(node: Any) -> tuple[int, int]:
    """1-based (line, column) of a tree node (a ScalarEvent, _Map or _Seq)."""
    if isinstance(node, ScalarEvent):
        mark: Any = node.start_mark
        return mark.line + 1, mark.column + 1
    return node.line, node.column


def _describe(node: Any) -> str:
    if isinstance(node, _Map):
        return "a mapping"
    if isinstance(node, _Seq):
        return "a list"
    if node is None:
        return "nothing"
    return f"{node.value!r}"


class _Context:
    """Problems of one load, located in one file at a time."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.path = "<string>"
        #: True once some file could not be read or parsed: the model is then incomplete,
        #: and checking its references would only add noise.
        self.broken = False
        #: Registers an id (value, its node, its kind); False when already taken.
        self.claim: Callable[[str, Any, str], bool] = lambda key, node, kind: True

    def at(self, node: Any, message: str, hint: str | None = None) -> None:
        if node is None:  # an alias or a too-deep node, reported where it was found
            return
        line, column = _where(node)
        self.add(line, column, message, hint)

    def add(self, line: int, column: int, message: str, hint: str | None = None) -> None:
        self.problems.append(
            Problem(path=self.path, line=line, column=column, message=message, hint=hint)
        )
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany

    def fatal(self, line: int, column: int, message: str, hint: str | None = None) -> None:
        """A problem that stops the reading of the current file."""
        self.broken = True
        self.add(line, column, message, hint)


def _parser(data: bytes | str) -> Any:
    """A YAML parser over ``data``: libyaml's when present, else PyYAML's own."""
    return _LOADER(data)


def _parse(data: bytes | str, ctx: _Context) -> list[Any]:
    """The documents of a YAML stream as light trees; structural problems go to ``ctx``.

    This is the hot path of loading: one pass over the events, with the attaching of a
    node to its parent written inline.
    """
    documents: list[Any] = []
    stack: list[Any] = []  # open containers, innermost last
    top: Any = None  # stack[-1], or None at the document level
    root: Any = None

    def check_node(event: Any) -> None:
        """Reports an anchor or a tag on ``event``."""
        where = _marked(event.start_mark)
        if event.anchor is not None:
            ctx.at(
                where,
                f"anchors ('&{event.anchor}') are not supported",
                "write the value out in full",
            )
        if event.tag is not None:
            ctx.at(where, f"YAML tags are not allowed, found {event.tag!r}", "remove the tag")

    def key_node(mapping: _Map, key: Any, node: Any) -> None:
        """Adds ``key: node`` to ``mapping``, reporting bad, duplicate and merge keys."""
        if key is _BAD_KEY:
            return
        name = key.value
        if name in mapping.pairs:
            first = _where(mapping.pairs[name][0])[0]
            ctx.at(
                key, f"duplicate key {name!r}: already given at line {first}", "give each key once"
            )
        elif name == "<<" and not key.style:
            ctx.at(key, "merge keys ('<<') are not supported", "write the keys out in full")
        else:
            mapping.pairs[name] = (key, node)

    parser = _parser(data)
    try:
        # Calling get_event until it returns None skips yaml.parse's generator and its
        # check_event call: a third of the time of reading a big file.
        for event in iter(parser.get_event, None):
            kind = type(event)
            if kind is ScalarEvent:
                node: Any = event
                if event.anchor is not None or event.tag is not None:
                    check_node(event)  # reported; the text itself is kept, to avoid noise
                if event.style == '"' and _SURROGATE.search(event.value):
                    # PyYAML's pure parser lets "\ud800" through; libyaml refuses it.
                    _surrogate_escape(data, event, ctx)
                    return documents
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                mark: Any = event.start_mark
                if len(stack) >= MAX_DEPTH:
                    # Stop reading at once: the parser's work grows with the depth.
                    ctx.fatal(
                        mark.line + 1,
                        mark.column + 1,
                        f"nesting deeper than {MAX_DEPTH} levels",
                        _DEPTH_HINT,
                    )
                    return documents
                top = (_Map if kind is MappingStartEvent else _Seq)(mark.line + 1, mark.column + 1)
                if event.anchor is not None or event.tag is not None:
                    check_node(event)
                    # A tagged collection was meant as some object: drop it, not to report
                    # its shape too. An anchored one is plain data: keep it.
                    top.dropped = event.tag is not None
                stack.append(top)
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                node = stack.pop()
                if node.dropped:
                    node = None
                top = stack[-1] if stack else None
            elif kind is AliasEvent:
                ctx.at(
                    _marked(event.start_mark),
                    f"aliases ('*{event.anchor}') are not supported",
                    "write the value out in full",
                )
                node = None
            elif kind is DocumentStartEvent:
                root = None
                continue
            elif kind is DocumentEndEvent:
                documents.append(root)
                continue
            else:  # stream start and end
                continue
            # Attach ``node`` to its parent.
            if top is None:
                root = node
            elif type(top) is _Seq:
                top.append(node)
            elif top.key is None:  # ``node`` is a key
                if type(node) is ScalarEvent:
                    top.key = node
                else:
                    if node is not None:
                        ctx.at(node, f"a key must be a plain word, not {_describe(node)}")
                    top.key = _BAD_KEY
            else:
                key_node(top, top.key, node)
                top.key = None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = str(err.problem or err.context)
        if "nesting depth" in problem:
            # Newer libyaml builds stop deep nesting in their scanner, before we see it.
            ctx.fatal(line, column, f"nesting deeper than {MAX_DEPTH} levels", _DEPTH_HINT)
        else:
            ctx.fatal(line, column, f"invalid YAML: {problem}")
    except yaml.YAMLError as err:  # pragma: no cover - _decode rejects what the reader would
        ctx.fatal(1, 1, f"invalid YAML: {err}")
    finally:
        parser.dispose()
    return documents


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\[uU]((?:0000)?[dD][89a-fA-F][0-9a-fA-F]{2})")


def _surrogate_escape(data: bytes | str, event: Any, ctx: _Context) -> None:
    """Reports an escaped lone surrogate where libyaml does: at its hex digits."""
    start: Any = event.start_mark
    text = data if isinstance(data, str) else data.decode("utf-8")
    found = _SURROGATE_ESCAPE.search(text, start.index, event.end_mark.index)
    line, column = _position(text, found.start(1)) if found else (start.line + 1, start.column + 1)
    ctx.fatal(line, column, "invalid YAML: found invalid Unicode character escape code")


class _marked:
    __slots__ = ("column", "line")

    def __init__(self, mark: Any) -> None:
        self.line = mark.line + 1
        self.column = mark.column + 1


# --- reading bytes --------------------------------------------------------------------------


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, columns counted in characters."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def _decode(data: bytes, ctx: _Context) -> bytes | None:
    """Checks the bytes are UTF-8 text YAML can read; returns them without a BOM."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:2]:
        ctx.fatal(1, 1, "the file is UTF-16 or UTF-32, not UTF-8", "save it as UTF-8")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        good = data[: err.start].decode("utf-8")
        line, column = _position(good, len(good))
        ctx.fatal(
            line, column, f"invalid UTF-8 byte 0x{data[err.start]:02x}", "save the file as UTF-8"
        )
        return None
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line, column = _position(text, bad.start())
        ctx.fatal(
            line,
            column,
            f"the character {bad.group()!r} is not allowed in YAML",
            "remove it, or write it as an escape inside double quotes",
        )
        return None
    return data


_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


# --- scalars ------------------------------------------------------------------------------


def _is_null(node: Any) -> bool:
    return node is None or (type(node) is ScalarEvent and not node.style and node.value in _NULLS)


def _text(node: Any, ctx: _Context, what: str) -> str | None:
    """A string field: the exact text written. ``None`` for an empty value."""
    if type(node) is ScalarEvent:
        if not node.style and node.value in _NULLS:
            return None
        return node.value
    if node is not None:
        ctx.at(node, f"{what} must be a string, not {_describe(node)}")
    return None


def _id(node: Any, ctx: _Context, what: str) -> str | None:
    value = _text(node, ctx, what)
    if not value and type(node) is ScalarEvent:
        ctx.at(node, f"{what} must not be empty")
        return None
    return value


def _texts(node: Any, ctx: _Context, what: str) -> tuple[str, ...]:
    if _is_null(node):
        return ()
    if type(node) is not _Seq:
        ctx.at(
            node,
            f"{what} must be a list, not {_describe(node)}",
            f"write [{node.value}]" if type(node) is ScalarEvent else None,
        )
        return ()
    out = []
    for item in node:
        if type(item) is ScalarEvent and not (not item.style and item.value in _NULLS):
            out.append(item.value)
        elif item is not None:
            ctx.at(item, f"each entry of {what} must be a string, not {_describe(item)}")
    return tuple(out)


def _number(node: Any, ctx: _Context, what: str) -> float | None:
    """A number written as a plain YAML number: never a quoted string, never coerced."""
    if type(node) is ScalarEvent and not node.style:
        value = node.value
        if _NUMBER.fullmatch(value):
            return float(value.replace("_", ""))
        if _SPECIAL_FLOAT.fullmatch(value):
            ctx.at(node, f"{what} must be a finite number, got {value!r}")
            return None
    ctx.at(
        node,
        f"{what} must be a number, not {'the string ' if _quoted(node) else ''}{_describe(node)}",
        "write it without quotes, e.g. 0.05" if _quoted(node) else None,
    )
    return None


def _quoted(node: Any) -> bool:
    return type(node) is ScalarEvent and bool(node.style)


def _probability(
    node: Any, ctx: _Context, what: str, hint: str = "a rate is a probability per unit of work"
) -> float | None:
    value = _number(node, ctx, what)
    if value is None:
        return None
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        ctx.at(node, f"{what} must be between 0 and 1, got {node.value}", hint)
        return None
    return value


# --- entities ------------------------------------------------------------------------------

# A field reader: (value node, context, entity kind) -> value or None when bad or absent.
Reader = Callable[[Any, _Context, str], Any]


def _mapping(node: Any, ctx: _Context, what: str) -> _Map | None:
    if type(node) is _Map:
        return node
    if not _is_null(node):
        ctx.at(node, f"{what} must be a mapping, not {_describe(node)}")
    return None


#: (entity kind, key) -> how messages name that field, built once (a hot path).
_WHAT: dict[tuple[str, str], str] = {}


def _fields(node: _Map, spec: dict[str, Reader], ctx: _Context, kind: str) -> dict[str, Any]:
    """Reads the keys of a mapping by ``spec``; unknown keys are problems."""
    values: dict[str, Any] = {}
    for name, (key, value) in node.pairs.items():
        reader = spec.get(name)
        if reader is None:
            ctx.at(
                key,
                f"unknown key {name!r} in a {kind}",
                did_you_mean(suggest(name, list(spec))) or "known keys: " + ", ".join(spec),
            )
            continue
        what = _WHAT.get((kind, name))
        if what is None:
            what = f"a {kind}'s {name!r}" if name in ("id", "to") else f"the {name} of a {kind}"
            _WHAT[kind, name] = what
        result = reader(value, ctx, what)
        if result is not None:
            values[name] = result
    return values


def _pair_fields(cls: type, keys: tuple[str, ...]) -> Reader:
    def read(node: Any, ctx: _Context, what: str) -> Any:
        found = _mapping(node, ctx, what)
        if found is None:
            return None
        spec: dict[str, Reader] = dict.fromkeys(keys, _texts)
        return cls(**_fields(found, spec, ctx, what))

    return read


def _fail_points(node: Any, ctx: _Context, what: str) -> tuple[FailPoint, ...] | None:
    if _is_null(node):
        return None
    if type(node) is not _Seq:
        ctx.at(node, f"{what} must be a list of fail points, not {_describe(node)}")
        return None
    found = []
    for item in node:
        entry = _mapping(item, ctx, "a fail point")
        if entry is None:
            continue
        values = _fields(entry, _FAIL_POINT, ctx, "fail point")
        if "id" not in values:
            if "id" not in entry.pairs:
                ctx.at(entry, "a fail point needs an id")
            continue
        if ctx.claim(values["id"], entry.pairs["id"][1], "fail point"):
            found.append(FailPoint(**values))
    return tuple(found)


def _catches(node: Any, ctx: _Context, what: str) -> dict[str, float] | None:
    found = _mapping(node, ctx, what)
    if found is None:
        return None
    out = {}
    for name, (key, value) in found.pairs.items():
        if not name:
            ctx.at(key, f"{what}: a category must not be empty")
            continue
        rate = _probability(
            value, ctx, f"catches[{name!r}]", "a catch is the share of such defects the role stops"
        )
        if rate is not None:
            out[name] = rate
    return out


def _content(node: Any, ctx: _Context, what: str) -> str | None:
    value = _text(node, ctx, what)
    if value is not None and value not in PROGRAM_CONTENT:
        ctx.at(
            node,
            f"{what} must be one of {', '.join(PROGRAM_CONTENT)}, not {value!r}",
            did_you_mean(suggest(value, PROGRAM_CONTENT)),
        )
        return None
    return value


def _audit_rules(node: Any, ctx: _Context, what: str) -> dict[str, str] | None:
    found = _mapping(node, ctx, what)
    if found is None:
        return None
    out = {}
    allowed = ("off", *SEVERITIES)
    for name, (_, value) in found.pairs.items():
        setting = _text(value, ctx, f"audit rule {name!r}")
        if setting is None:
            continue
        if setting not in allowed:
            ctx.at(
                value,
                f"audit rule {name!r} must be off, error, warning or info, not {setting!r}",
                did_you_mean(suggest(setting, allowed)),
            )
            continue
        out[name] = setting
    return out


_FAIL_POINT: dict[str, Reader] = {"id": _id, "category": _text, "rate": _probability}
_HANDOFF: dict[str, Reader] = {
    "to": _id,
    "item": _text,
    "expectations": _texts,
    "fail_points": _fail_points,
}
_SPECS: dict[str, tuple[type, dict[str, Reader]]] = {
    "customers": (
        Customer,
        {
            "id": _id,
            "name": _text,
            "description": _text,
            "needs": _texts,
            "wants": _texts,
            "values": _texts,
        },
    ),
    "roles": (
        Role,
        {
            "id": _id,
            "name": _text,
            "description": _text,
            "department": _id,
            "reports_to": _id,
            "principles": _texts,
            "serves": lambda n, c, w: n,
            "catches": _catches,
        },
    ),
    "touchpoints": (
        Touchpoint,
        {
            "id": _id,
            "name": _text,
            "description": _text,
            "role": _id,
            "customers": _texts,
            "feeds": _texts,
        },
    ),
    "principles": (
        Principle,
        {
            "id": _id,
            "name": _text,
            "statement": _text,
            "questions": _texts,
            "applies_to": _pair_fields(PrincipleScope, ("roles", "departments")),
        },
    ),
    "scripts": (
        Script,
        {
            "id": _id,
            "name": _text,
            "role": _id,
            "touchpoint": _id,
            "situations": _texts,
            "steps": _texts,
        },
    ),
    "scenarios": (
        Scenario,
        {
            "id": _id,
            "title": _text,
            "touchpoint": _id,
            "customer": _id,
            "situation": _text,
            "tags": _texts,
        },
    ),
    "metrics": (
        Metric,
        {
            "id": _id,
            "name": _text,
            "owner": _id,
            "tied_to": _texts,
            "serves": _texts,
        },
    ),
    "programs": (
        Program,
        {
            "id": _id,
            "name": _text,
            "audience": _pair_fields(Audience, ("roles", "departments")),
            "formats": _texts,
            "reinforcement": _texts,
            "content": _content,
            "scenarios": _texts,
        },
    ),
}
_REQUIRED = {"touchpoints": ("role",), "scenarios": ("touchpoint",)}
_KIND = {
    "customers": "customer",
    "roles": "role",
    "touchpoints": "touchpoint",
    "principles": "principle",
    "scripts": "script",
    "scenarios": "scenario",
    "metrics": "metric",
    "programs": "program",
}
_TOP = ("servicekit", "name", "description", *_SPECS, "audit")


def _handoffs(role: str, node: Any, ctx: _Context) -> tuple[Handoff, ...]:
    if _is_null(node):
        return ()
    if type(node) is not _Seq:
        ctx.at(
            node,
            f"role {role!r} serves must be a list of role ids or hand-offs, not {_describe(node)}",
            f"write [{node.value}]" if type(node) is ScalarEvent else None,
        )
        return ()
    found = []
    for item in node:
        if type(item) is ScalarEvent:
            target = _id(item, ctx, f"a hand-off of role {role!r}")
            if target is not None:
                found.append(Handoff(source=role, target=target))
            continue
        entry = _mapping(item, ctx, f"a hand-off of role {role!r}")
        if entry is None:
            continue
        values = _fields(entry, _HANDOFF, ctx, "hand-off")
        target = values.pop("to", None)
        if target is None:
            if "to" not in entry.pairs:
                ctx.at(entry, f"a hand-off of role {role!r} needs 'to': the role receiving it")
            continue
        found.append(Handoff(source=role, target=target, **values))
    return tuple(found)


# --- documents -> model --------------------------------------------------------------------


class _Builder:
    """Gathers the entities of every document of every file into one model."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.header: dict[str, tuple[str, str]] = {}  # name/description -> (value, where)
        self.entities: dict[str, dict[str, Any]] = {section: {} for section in _SPECS}
        self.nodes: dict[str, tuple[str, _Map]] = {}  # id -> (path, mapping)
        self.first: dict[str, tuple[str, str]] = {}  # id -> (kind, "file:line")
        self.skipped: set[str] = set()
        self.audit: dict[str, str] = {}
        self.audit_node: tuple[str, _Map] | None = None
        ctx.claim = self.claim

    def claim(self, key: str, node: Any, kind: str) -> bool:
        """Registers the id ``key`` of a ``kind``; reports it when some entity already has it."""
        ctx = self.ctx
        line, column = _where(node)
        if key in self.first:
            other_kind, where = self.first[key]
            ctx.at(
                node,
                f"duplicate id {key!r}: already used by the {other_kind} at {where}",
                "ids must be unique across the whole model",
            )
            return False
        self.first[key] = (kind, f"{ctx.path}:{line}:{column}")
        return True

    def document(self, root: Any, first_in_file: bool) -> None:
        """Reads one non-empty document; the first of each file must give the version."""
        ctx = self.ctx
        if type(root) is not _Map:
            ctx.at(
                root,
                f"a model must be a mapping of sections, not {_describe(root)}",
                "start it with 'servicekit: 1'",
            )
            return
        pairs = root.pairs
        if "servicekit" in pairs:
            self.version(pairs["servicekit"][1])
        elif first_in_file:
            ctx.at(
                root,
                "missing 'servicekit: 1' (the format version)",
                "add 'servicekit: 1' as the first line",
            )
        for name, (key, value) in pairs.items():
            if name == "servicekit":
                continue
            if name in ("name", "description"):
                self.header_field(name, value)
            elif name == "audit":
                self.audit_section(value)
            elif name in _SPECS:
                self.section(name, value)
            else:
                ctx.at(
                    key,
                    f"unknown section {name!r}",
                    did_you_mean(suggest(name, _TOP)) or "sections: " + ", ".join(_TOP),
                )

    def version(self, node: Any) -> None:
        if type(node) is ScalarEvent and not node.style and _INTEGER.fullmatch(node.value):
            # Compare digits, not int(): a hostile 10,000-digit version must not raise.
            digits = node.value.replace("_", "").lstrip("+").lstrip("0")
            if digits != str(FORMAT_VERSION):
                self.ctx.at(
                    node,
                    f"unsupported format version {node.value}",
                    f"this servicekit reads version {FORMAT_VERSION}",
                )
            return
        self.ctx.at(
            node,
            f"servicekit (the format version) must be the number "
            f"{FORMAT_VERSION}, not {'the string ' if _quoted(node) else ''}"
            f"{_describe(node)}",
            f"write 'servicekit: {FORMAT_VERSION}'",
        )

    def header_field(self, name: str, node: Any) -> None:
        value = _text(node, self.ctx, f"the model's {name}")
        if value is None:
            return
        here = f"{self.ctx.path}:{_where(node)[0]}"
        if name in self.header and self.header[name][0] != value:
            self.ctx.at(
                node,
                f"the model's {name} is given twice, differently (first at {self.header[name][1]})",
                "give it once",
            )
            return
        self.header.setdefault(name, (value, here))

    def audit_section(self, node: Any) -> None:
        found = _mapping(node, self.ctx, "the audit section")
        if found is None:
            return
        self.audit_node = (self.ctx.path, found)
        values = _fields(found, {"rules": _audit_rules}, self.ctx, "audit section")
        for rule, setting in values.get("rules", {}).items():
            self.audit[rule] = setting

    def section(self, section: str, node: Any) -> None:
        ctx = self.ctx
        kind = _KIND[section]
        if _is_null(node):
            return
        if type(node) is not _Seq:
            ctx.at(node, f"{section} must be a list of {kind}s, not {_describe(node)}")
            return
        cls, spec = _SPECS[section]
        table = self.entities[section]
        required = _REQUIRED.get(section, ())
        for item in node:
            entry = _mapping(item, ctx, f"each of {section}")
            if entry is None:
                if item is not None and _is_null(item):  # None: dropped, already reported
                    ctx.at(item, f"an empty entry in {section}")
                continue
            before = len(ctx.problems)
            values = _fields(entry, spec, ctx, kind)
            key = values.get("id")
            if key is None:
                if "id" not in entry.pairs:
                    ctx.at(entry, f"a {kind} needs an id")
                continue
            if not self.claim(key, entry.pairs["id"][1], kind):
                continue
            missing = [name for name in required if name not in values]
            for name in missing:
                if name not in entry.pairs:
                    ctx.at(entry, f"{kind} {key!r} needs {name!r}")
            if section == "roles":
                values["serves"] = _handoffs(key, values.get("serves"), ctx)
            self.nodes[key] = (ctx.path, entry)
            if missing:
                self.skipped.add(key)
                continue
            try:
                table[key] = cls(**values)
            except (TypeError, ValueError) as err:  # pragma: no cover - readers check first
                if len(ctx.problems) == before:
                    ctx.at(entry, f"{kind} {key!r}: {err}")
                self.skipped.add(key)

    def model(self) -> ServiceModel | None:
        ctx = self.ctx
        sources = {
            key: SourceLocation(path, entry.line, entry.column)
            for key, (path, entry) in self.nodes.items()
        }
        try:
            return ServiceModel(
                name=self.header.get("name", ("", ""))[0],
                description=self.header.get("description", ("", ""))[0],
                audit_settings=AuditSettings(rules=self.audit),
                sources=sources,
                **{section: list(table.values()) for section, table in self.entities.items()},
            )
        except InvalidModelError as err:
            for issue in err.issues:
                if issue.value is not None and issue.value in self.skipped:
                    continue  # already reported where that entity is written
                path, node = self._locate(issue.subject, issue.path)
                ctx.path = path
                line, column = _where(node)
                ctx.add(line, column, issue.message, issue.hint)
            return None

    def _locate(self, subject: str, path: tuple[str | int, ...]) -> tuple[str, Any]:
        found = self.nodes.get(subject) or self.audit_node
        if found is None:  # pragma: no cover - every issue names something written
            return self.ctx.path, _Seq(1, 1)
        file, node = found
        at: Any = node
        for step in path:
            if isinstance(step, str) and isinstance(at, _Map) and step in at.pairs:
                at = at.pairs[step][1]
            elif isinstance(step, int) and isinstance(at, _Seq) and step < len(at):
                at = at[step]
            else:
                break
        return file, at


def _too_big(size: int, max_bytes: int, ctx: _Context) -> None:
    ctx.fatal(
        1,
        1,
        f"the model is {size} bytes, over the limit of {max_bytes}",
        "split the model into a directory of files, or pass a larger max_bytes",
    )


def _read_file(path: Path, ctx: _Context, max_bytes: int) -> bytes | None:
    """The bytes of ``path``, reading at most ``max_bytes + 1`` whatever the file claims."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        ctx.fatal(1, 1, f"cannot read the file: {err.strerror or err}")
        return None
    if len(data) > max_bytes:
        try:
            size = max(path.stat().st_size, len(data))
        except OSError:  # pragma: no cover - it was there a moment ago
            size = len(data)
        _too_big(size, max_bytes, ctx)
        return None
    return data


def _files(path: Path, ctx: _Context) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            ctx.fatal(1, 1, "the directory holds no *.yaml files")
        return files
    if not path.exists():
        ctx.fatal(1, 1, "no such file or directory")
        return []
    return [path]


def _build(sources: list[tuple[str, bytes | str]], ctx: _Context) -> ServiceModel:
    builder = _Builder(ctx)
    collecting = gc.isenabled()
    gc.disable()  # millions of small objects: the cyclic collector would only slow us down
    try:
        try:
            for label, data in sources:
                ctx.path = label
                raw = (
                    data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
                )
                checked = _decode(raw, ctx)
                if checked is None:
                    continue
                documents = _parse(
                    checked if _LOADER is not yaml.SafeLoader else checked.decode("utf-8"), ctx
                )
                if ctx.broken:
                    continue
                # Empty documents (nothing, or only '---') are skipped.
                documents = [root for root in documents if not _is_null(root)]
                if not documents:
                    if any(problem.path == label for problem in ctx.problems):
                        ctx.broken = True  # e.g. a tagged root, reported already
                    else:
                        ctx.fatal(1, 1, "the model is empty", "start it with 'servicekit: 1'")
                    continue
                for number, root in enumerate(documents):
                    builder.document(root, first_in_file=number == 0)
            model = None if ctx.broken else builder.model()
        except _TooMany:
            model = None
            last = max(ctx.problems, key=Problem.sort_key)  # so it sorts last
            ctx.problems.append(
                Problem(
                    path=last.path,
                    line=last.line,
                    column=last.column,
                    message=f"stopped after {MAX_PROBLEMS} problems",
                    hint="fix these and load again",
                )
            )
    finally:
        if collecting:
            gc.enable()
    if ctx.problems or model is None:
        raise ModelError(ctx.problems)
    return model


def load(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> ServiceModel:
    """Load a model from a YAML file, a file of several documents, or a directory.

    A directory's ``*.yaml`` (and ``*.yml``) files are read in name order and
    merged into one model; so are the ``---`` documents of one file. Empty
    documents are skipped, but a file with nothing in it is an error. The first
    non-empty document of each file must give the format version
    (``servicekit: 1``); later ones may repeat it. ``name`` and ``description``
    may be repeated with the same text, not with another. Ids are unique across
    all files and documents. A directory with no yaml files, or a path that does
    not exist, is an error. Files over ``max_bytes`` (256 MiB by default) are
    refused without being read.

    Text must be UTF-8 (a BOM is allowed and ignored; CRLF line endings are
    fine). Anchors, aliases, merge keys and tags of any kind are errors, so no
    input can make the loader build an object or expand a value.

    Raises
    ------
    ModelError
        With every problem found, each at ``file:line:column``.
    """
    root = Path(path)
    ctx = _Context()
    ctx.path = str(root)
    sources: list[tuple[str, bytes | str]] = []
    for file in _files(root, ctx):
        ctx.path = str(file)
        data = _read_file(file, ctx, max_bytes)
        if data is not None:
            sources.append((str(file), data))
    if ctx.problems:
        raise ModelError(ctx.problems)
    return _build(sources, ctx)


def loads(text: str | bytes, *, path: str = "<string>", max_bytes: int = MAX_BYTES) -> ServiceModel:
    """Load a model from YAML text; ``path`` names it in error messages.

    Text over ``max_bytes`` (in UTF-8) is refused, as :func:`load` refuses big files.

    Raises
    ------
    ModelError
        With every problem found, each at ``path:line:column``.
    """
    ctx = _Context()
    ctx.path = path
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        _too_big(size, max_bytes, ctx)
        raise ModelError(ctx.problems)
    return _build([(path, text)], ctx)


def example_path() -> Path:
    """Where the bundled example model (a dry cleaner) lives."""
    return Path(str(resources.files("servicekit") / "data" / "dry-cleaner.yaml"))


def schema_path() -> Path:
    """Where the JSON Schema (draft 2020-12) of the YAML format ships with the package.

    The schema checks the shape of one document: keys, types and required fields.
    References between entities are checked by :func:`load` only.

    Examples
    --------
    >>> import json
    >>> json.loads(schema_path().read_text())["properties"]["servicekit"]
    {'const': 1, 'description': 'The format version.'}
    """
    return Path(str(resources.files("servicekit") / "data" / "servicekit.schema.json"))


def load_example() -> ServiceModel:
    """The bundled example model: the corner dry cleaner of the docs.

    Examples
    --------
    >>> load_example().name
    'Corner Dry Cleaner'
    """
    return load(example_path())


# --- writing ---------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9_\u00c0-\u024f][A-Za-z0-9 _.()/'&+\-\u00c0-\u024f]*")
_RESOLVER = yaml.resolver.Resolver()


def _plain_safe(text: str) -> bool:
    if not _PLAIN.fullmatch(text) or text.endswith(" ") or text in _NULLS:
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
    w = _Writer()
    w.field("", "servicekit", str(FORMAT_VERSION))
    w.text("", "name", model.name)
    w.text("", "description", model.description)
    sections: list[tuple[str, Any, Callable[[_Writer, Any], None]]] = [
        ("customers", model.customers, _write_customer),
        ("roles", model.roles, _write_role),
        ("touchpoints", model.touchpoints, _write_touchpoint),
        ("principles", model.principles, _write_principle),
        ("scripts", model.scripts, _write_script),
        ("scenarios", model.scenarios, _write_scenario),
        ("metrics", model.metrics, _write_metric),
        ("programs", model.programs, _write_program),
    ]
    for name, table, write in sections:
        if not table:
            continue
        w.lines.append(f"{name}:")
        for entity in table.values():
            w.lines.append(f"  - id: {_scalar(entity.id)}")
            write(w, entity)
    if model.audit_settings.rules:
        w.lines.append("audit:")
        w.lines.append("  rules:")
        for rule, setting in model.audit_settings.rules.items():
            w.field("    ", _scalar(rule), _scalar(setting))
    return "\n".join(w.lines) + "\n"


_IN = "    "


def _write_customer(w: _Writer, c: Customer) -> None:
    w.text(_IN, "name", c.name)
    w.text(_IN, "description", c.description)
    w.texts(_IN, "needs", c.needs)
    w.texts(_IN, "wants", c.wants)
    w.texts(_IN, "values", c.values)


def _write_role(w: _Writer, r: Role) -> None:
    w.text(_IN, "name", r.name)
    w.text(_IN, "description", r.description)
    w.text(_IN, "department", r.department)
    w.text(_IN, "reports_to", r.reports_to)
    w.texts(_IN, "principles", r.principles)
    if r.catches:
        w.lines.append(f"{_IN}catches:")
        for category, rate in r.catches.items():
            w.field(_IN + "  ", _scalar(category), _float(rate))
    if not r.serves:
        return
    w.lines.append(f"{_IN}serves:")
    for h in r.serves:
        if h.is_plain:
            w.lines.append(f"{_IN}  - {_scalar(h.target)}")
            continue
        w.lines.append(f"{_IN}  - to: {_scalar(h.target)}")
        inner = _IN + "    "
        w.text(inner, "item", h.item)
        w.texts(inner, "expectations", h.expectations)
        if h.fail_points:
            w.lines.append(f"{inner}fail_points:")
            for fp in h.fail_points:
                w.lines.append(f"{inner}  - id: {_scalar(fp.id)}")
                w.text(inner + "    ", "category", fp.category)
                if fp.rate:
                    w.field(inner + "    ", "rate", _float(fp.rate))


def _write_touchpoint(w: _Writer, t: Touchpoint) -> None:
    w.text(_IN, "name", t.name)
    w.text(_IN, "description", t.description)
    w.text(_IN, "role", t.role)
    w.texts(_IN, "customers", t.customers)
    w.texts(_IN, "feeds", t.feeds)


def _write_principle(w: _Writer, p: Principle) -> None:
    w.text(_IN, "name", p.name)
    w.text(_IN, "statement", p.statement)
    w.texts(_IN, "questions", p.questions)
    if p.applies_to is not None:
        scope = p.applies_to
        if not scope.roles and not scope.departments:
            w.field(_IN, "applies_to", "{}")
        else:
            w.lines.append(f"{_IN}applies_to:")
            w.texts(_IN + "  ", "roles", scope.roles)
            w.texts(_IN + "  ", "departments", scope.departments)


def _write_script(w: _Writer, s: Script) -> None:
    w.text(_IN, "name", s.name)
    w.text(_IN, "role", s.role)
    w.text(_IN, "touchpoint", s.touchpoint)
    w.texts(_IN, "situations", s.situations)
    w.texts(_IN, "steps", s.steps)


def _write_scenario(w: _Writer, s: Scenario) -> None:
    w.text(_IN, "title", s.title)
    w.text(_IN, "touchpoint", s.touchpoint)
    w.text(_IN, "customer", s.customer)
    w.text(_IN, "situation", s.situation)
    w.texts(_IN, "tags", s.tags)


def _write_metric(w: _Writer, m: Metric) -> None:
    w.text(_IN, "name", m.name)
    w.text(_IN, "owner", m.owner)
    w.texts(_IN, "tied_to", m.tied_to)
    w.texts(_IN, "serves", m.serves)


def _write_program(w: _Writer, p: Program) -> None:
    w.text(_IN, "name", p.name)
    if p.audience.roles or p.audience.departments:
        w.lines.append(f"{_IN}audience:")
        w.texts(_IN + "  ", "roles", p.audience.roles)
        w.texts(_IN + "  ", "departments", p.audience.departments)
    w.texts(_IN, "formats", p.formats)
    w.texts(_IN, "reinforcement", p.reinforcement)
    w.text(_IN, "content", p.content)
    w.texts(_IN, "scenarios", p.scenarios)


def save(model: ServiceModel, path: str | os.PathLike[str]) -> None:
    """Write the model to ``path`` as YAML, atomically.

    The text goes to a temporary file in the same directory, is flushed to disk,
    then replaces ``path`` in one step: a reader sees the old file or the new
    one, never half of one. An existing file keeps its permission bits.
    """
    target = Path(path)
    if target.is_symlink():  # write through the link, as an editor would
        target = target.resolve()
    text = dump(model).encode("utf-8")
    directory = target.parent if str(target.parent) else Path(".")
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    descriptor, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where we can
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
