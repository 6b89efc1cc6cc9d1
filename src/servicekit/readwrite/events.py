"""YAML events with positions: bytes in, a light tree that keeps every line and column out.

Reading goes through the libyaml event stream (PyYAML's pure-Python parser when
libyaml is missing) and never runs PyYAML's constructors, so no tag can build an
object and no scalar is coerced: a scalar stays the ``ScalarEvent`` it was read
as, with its text, its quoting style and its position. Mappings become
``Map`` and sequences ``Seq``, each knowing where it starts.
Structural problems (bad bytes, invalid YAML, anchors, aliases, tags, duplicate
keys, too deep nesting) are collected in a ``Collector``.
"""

from __future__ import annotations

import re
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

from servicekit.errors import Problem
from servicekit.model.references import MAX_PROBLEMS

__all__ = [
    "LOADER",
    "MAX_DEPTH",
    "MAX_PROBLEMS",
    "NULLS",
    "Collector",
    "Map",
    "ScalarEvent",
    "Seq",
    "TooMany",
    "decode",
    "describe_node",
    "is_null",
    "parse",
    "where",
]

#: The PyYAML loader whose parser reads the events: libyaml's when present.
LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Deeper nesting than this is never a servicekit model.
MAX_DEPTH = 32
_DEPTH_HINT = "a servicekit model is a few levels deep"

#: Plain scalars that YAML reads as null.
NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class TooMany(Exception):
    """Raised inside a load once MAX_PROBLEMS have been collected."""


# --- the light tree -------------------------------------------------------------------------


class Map:
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


class Seq(list[Any]):
    """A YAML sequence with its position."""

    __slots__ = ("column", "dropped", "line")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        #: While parsing: True when the sequence carries an anchor or a tag.
        self.dropped = False


_BAD_KEY = object()


def where(node: Any) -> tuple[int, int]:
    """1-based (line, column) of a tree node (a ScalarEvent, Map or Seq)."""
    if isinstance(node, ScalarEvent):
        mark: Any = node.start_mark
        return mark.line + 1, mark.column + 1
    return node.line, node.column


def describe_node(node: Any) -> str:
    """A node as a message names it: ``a mapping``, ``a list``, or its text."""
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    if node is None:
        return "nothing"
    return f"{node.value!r}"


class Collector:
    """Problems of one load, located in one file at a time."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.path = "<string>"
        #: True once some file could not be read or parsed: the model is then incomplete,
        #: and checking its references would only add noise.
        self.broken = False

    def at(self, node: Any, message: str, hint: str | None = None) -> None:
        if node is None:  # an alias or a too-deep node, reported where it was found
            return
        line, column = where(node)
        self.add(line, column, message, hint)

    def located(self, problem: Problem, node: Any) -> None:
        """A problem found by a check, placed at ``node`` of the file being read."""
        line, column = where(node)
        self.problems.append(problem.at(self.path, line, column))
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooMany

    def add(self, line: int, column: int, message: str, hint: str | None = None) -> None:
        self.problems.append(
            Problem(path=self.path, line=line, column=column, message=message, hint=hint)
        )
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooMany

    def fatal(self, line: int, column: int, message: str, hint: str | None = None) -> None:
        """A problem that stops the reading of the current file."""
        self.broken = True
        self.add(line, column, message, hint)


def _parser(data: bytes | str) -> Any:
    """A YAML parser over ``data``: libyaml's when present, else PyYAML's own."""
    return LOADER(data)


def parse(data: bytes | str, ctx: Collector) -> list[Any]:
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

    def key_node(mapping: Map, key: Any, node: Any) -> None:
        """Adds ``key: node`` to ``mapping``, reporting bad, duplicate and merge keys."""
        if key is _BAD_KEY:
            return
        name = key.value
        if name in mapping.pairs:
            first = where(mapping.pairs[name][0])[0]
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
                top = (Map if kind is MappingStartEvent else Seq)(mark.line + 1, mark.column + 1)
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
            elif type(top) is Seq:
                top.append(node)
            elif top.key is None:  # ``node`` is a key
                if type(node) is ScalarEvent:
                    top.key = node
                else:
                    if node is not None:
                        ctx.at(node, f"a key must be a plain word, not {describe_node(node)}")
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


def _surrogate_escape(data: bytes | str, event: Any, ctx: Collector) -> None:
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


def decode(data: bytes, ctx: Collector) -> bytes | None:
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


def is_null(node: Any) -> bool:
    """Whether ``node`` is YAML's null: nothing, or a plain ``~``, ``null`` or empty scalar."""
    return node is None or (type(node) is ScalarEvent and not node.style and node.value in NULLS)
