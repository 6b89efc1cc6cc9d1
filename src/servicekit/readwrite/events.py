"""YAML events with positions: bytes in, a compact tree that knows where everything is.

Reading goes through the libyaml event stream (PyYAML's pure-Python parser when
libyaml is missing) and never runs PyYAML's constructors, so no tag can build an
object and no scalar is coerced: a scalar stays the exact text it was read as.
Mappings become ``Map`` and sequences ``Seq``. A scalar is kept as its
text alone; where it is written, and whether it was plain (unquoted), is one
small integer (a *spot*: the character offset, doubled, plus one when plain) in
its parent's ``spots`` array, so a long flow list costs a few bytes an entry
rather than a Python object with two marks. ``Lines`` turns an offset
into a line and a column when a problem is reported.

Memory stays a small multiple of the input because entities do not wait for the
end of the file: each mapping in a section's list is handed to ``on_item`` as
soon as it ends, and dropped once the reader has built its entity. Structural
problems (bad bytes, invalid YAML, anchors, aliases, tags, duplicate keys, too
deep nesting) are collected in a ``Collector``.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Callable
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

from servicekit.errors import Problem, clipped, shown
from servicekit.model.references import MAX_PROBLEMS

__all__ = [
    "LOADER",
    "MAX_DEPTH",
    "MAX_PROBLEMS",
    "NULLS",
    "Collector",
    "Lines",
    "Map",
    "Seq",
    "TooMany",
    "decode",
    "describe_node",
    "is_null",
    "parse",
    "position",
    "spots_code",
]

#: The PyYAML loader whose parser reads the events: libyaml's when present.
LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Deeper nesting than this is never a servicekit model.
MAX_DEPTH = 32
_DEPTH_HINT = "a servicekit model is a few levels deep"

#: Plain scalars that YAML reads as null.
NULLS = frozenset({"", "~", "null", "Null", "NULL"})

#: libyaml's parser class, when libyaml is present.
_C_PARSERS: tuple[type, ...] = tuple(c for c in (getattr(yaml, "CParser", None),) if c)


class TooMany(Exception):
    """Raised inside a load once MAX_PROBLEMS have been collected."""


# --- positions --------------------------------------------------------------------------------

#: What YAML (1.1, as libyaml and PyYAML read it) counts as the end of a line: LF, CR, CRLF
#: (one break), NEL, and the line and paragraph separators.
_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_ASCII_BREAK = re.compile(b"\r\n|[\n\r]")


class Lines:
    """Where each line of a text starts, to turn character offsets into lines and columns.

    Lines end where YAML says they do (a lone CR, NEL, U+2028 and U+2029 included), so
    positions agree with the parser's; columns count characters. The table is built
    on first use, when a problem is reported.

    Examples
    --------
    >>> Lines("a\\rb\\u2028cd\\r\\ne").position(5), Lines(b"ab\\r\\ncd").position(5)
    ((3, 2), (2, 2))
    """

    __slots__ = ("_starts", "_text")

    def __init__(self, text: bytes | str) -> None:
        self._text: bytes | str | None = text
        self._starts: array[int] | None = None

    def _table(self) -> array[int]:
        if self._starts is None:
            text = self._text
            starts = array("q", [0])
            if isinstance(text, bytes) and text.isascii():
                starts.extend(found.end() for found in _ASCII_BREAK.finditer(text))
            else:
                chars = text if isinstance(text, str) else (text or b"").decode("utf-8", "replace")
                starts.extend(found.end() for found in _BREAK.finditer(chars))
            self._starts = starts
            self._text = None
        return self._starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        starts = self._table()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1


#: No line table: offsets are shown as they are, on line 1.
_NO_LINES = Lines("")


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character ``offset`` in ``text``, as YAML counts lines.

    Examples
    --------
    >>> position("a\\rb\\u2028cd", 5)
    (3, 2)
    """
    return Lines(text).position(offset)


# --- the compact tree -----------------------------------------------------------------------


def spots_code(size: int) -> str:
    """The array type code for the spots of a text of ``size`` characters: 4 bytes a spot
    below 2 GiB."""
    return "I" if 2 * size + 1 < 1 << 32 else "q"


class Map:
    """A YAML mapping: key -> value (text, ``Map``, ``Seq``, ``None`` if dropped).

    ``spots`` holds two spots a key, in the keys' order: the key's, then its value's.
    ``spot`` is where the mapping itself starts.
    """

    __slots__ = ("_order", "dropped", "key", "keyspot", "pairs", "spot", "spots")

    def __init__(self, at: int, code: str = "q") -> None:
        self.spot = at
        self.pairs: dict[str, Any] = {}
        self.spots = array(code)
        #: While parsing: the key waiting for its value, and its spot.
        self.key: Any = None
        self.keyspot = 0
        #: While parsing: True when the mapping carries a tag (it is then dropped).
        self.dropped = False
        self._order: dict[str, int] | None = None

    @property
    def start(self) -> int:
        """The character offset where the mapping starts."""
        return self.spot >> 1

    def _index(self, key: str) -> int:
        pairs = self.pairs
        if len(pairs) <= 8:  # a few keys, as most mappings have: no index to build
            for number, name in enumerate(pairs):
                if name == key:
                    return number
            raise KeyError(key)
        order = self._order
        if order is None or len(order) != len(pairs):
            order = self._order = {name: i for i, name in enumerate(pairs)}
        return order[key]

    def key_spot(self, key: str) -> int:
        """The spot of ``key`` itself."""
        return self.spots[2 * self._index(key)]

    def value_spot(self, key: str) -> int:
        """The spot of the value of ``key`` (a collection's own spot for a collection)."""
        if next(iter(self.pairs)) == key:
            return self.spots[1]
        return self.spots[2 * self._index(key) + 1]

    def plain(self, key: str) -> int:
        """1 when the value of ``key`` is a plain (unquoted) scalar, else 0."""
        return self.value_spot(key) & 1


class Seq(list[Any]):
    """A YAML sequence: its items, with ``spots`` holding one spot an item.

    ``mixed`` is true when some item is not a scalar (a collection, or dropped).
    """

    __slots__ = ("dropped", "mixed", "spot", "spots")

    def __init__(self, at: int, code: str = "q") -> None:
        super().__init__()
        self.spot = at
        self.spots = array(code)
        self.mixed = False
        #: While parsing: True when the sequence carries a tag (it is then dropped).
        self.dropped = False

    @property
    def start(self) -> int:
        """The character offset where the sequence starts."""
        return self.spot >> 1

    def index_of_kept(self, kept: int) -> int | None:
        """The item number of the ``kept``-th item that is not dropped (``None``)."""
        if not self.mixed or None not in self:
            return kept if 0 <= kept < len(self) else None
        for number, item in enumerate(self):
            if item is not None:
                if kept == 0:
                    return number
                kept -= 1
        return None


_BAD_KEY = object()


def describe_node(value: Any) -> str:
    """A node as a message names it: ``a mapping``, ``a list``, or its (cut) text."""
    if type(value) is Map:
        return "a mapping"
    if type(value) is Seq:
        return "a list"
    if value is None:
        return "nothing"
    return shown(value)


def is_null(value: Any, at: int) -> bool:
    """Whether ``value`` (with its spot) is YAML's null: nothing, or a plain ``~`` or empty."""
    return value is None or (type(value) is str and bool(at & 1) and value in NULLS)


class Collector:
    """Problems of one load, located in one file at a time.

    ``lines`` is the line table of the file being read: every spot is placed with it.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.path = "<string>"
        self.lines = _NO_LINES
        #: True once some file could not be read or parsed: the model is then incomplete,
        #: and checking its references would only add noise.
        self.broken = False

    def at(self, at: int, message: str, hint: str | None = None) -> None:
        """A problem at spot ``at`` of the file being read."""
        line, column = self.lines.position(at >> 1)
        self.add(line, column, message, hint)

    def located(self, problem: Problem, at: int) -> None:
        """A problem found by a check, placed at spot ``at`` of the file being read."""
        line, column = self.lines.position(at >> 1)
        self.placed(problem.at(self.path, line, column))

    def placed(self, problem: Problem) -> None:
        """A problem placed already."""
        self.problems.append(problem)
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


#: Called with (section key, item mapping, end offset) as each entity of a section ends.
OnItem = Callable[[str, Map, int], None]


def parse(data: bytes | str, ctx: Collector, on_item: OnItem | None = None) -> list[Any]:
    """The documents of a YAML stream as compact trees: ``(root, spot)`` each.

    Structural problems go to ``ctx``. With ``on_item``, every mapping that is an
    item of a list under a key of a document's root mapping (an entity of a section)
    is handed to it as soon as it ends, with the character offset where it ends, and
    is not kept in the tree.

    This is the hot path of loading: one pass over the events, with the attaching of a
    node to its parent written inline.
    """
    documents: list[Any] = []
    stack: list[Any] = []  # open containers, innermost last
    top: Any = None  # stack[-1], or None at the document level
    # When ``top`` is a sequence, its two append methods (looked up once, not per item).
    top_items: Any = None
    top_spots: Any = None
    root: Any = None
    root_spot = 0
    code = spots_code(len(data))

    def check_node(event: Any, at: int) -> None:
        """Reports an anchor or a tag on ``event``."""
        if event.anchor is not None:
            ctx.at(
                at,
                f"anchors ('&{clipped(event.anchor)}') are not supported",
                "write the value out in full",
            )
        if event.tag is not None:
            ctx.at(at, f"YAML tags are not allowed, found {shown(event.tag)}", "remove the tag")

    def key_node(mapping: Map, key: Any, keyspot: int, node: Any, at: int) -> None:
        """Adds ``key: node`` to ``mapping``, reporting bad, duplicate and merge keys."""
        if key is _BAD_KEY:
            return
        if key in mapping.pairs:
            first = ctx.lines.position(mapping.key_spot(key) >> 1)[0]
            ctx.at(
                keyspot,
                f"duplicate key {shown(key)}: already given at line {first}",
                "give each key once",
            )
        elif key == "<<" and keyspot & 1:
            ctx.at(keyspot, "merge keys ('<<') are not supported", "write the keys out in full")
        else:
            mapping.pairs[key] = node
            mapping.spots.append(keyspot)
            mapping.spots.append(at)

    parser = _parser(data)
    # PyYAML's pure parser lets an escaped lone surrogate ("\ud800") through; libyaml
    # refuses it itself.
    pure = not isinstance(parser, _C_PARSERS)
    try:
        # Calling get_event until it returns None skips yaml.parse's generator and its
        # check_event call: a third of the time of reading a big file.
        for event in iter(parser.get_event, None):
            kind = type(event)
            if kind is ScalarEvent:
                node: Any = event.value
                style = event.style
                at = event.start_mark.index << 1 | (not style)
                if event.anchor is not None or event.tag is not None:
                    check_node(event, at)  # reported; the text itself is kept, to avoid noise
                if pure and style == '"' and _SURROGATE.search(node):
                    _surrogate_escape(data, event, ctx)
                    return documents
                # Attach the scalar to its parent (written out here: the hottest path).
                if top_items is not None:
                    top_items(node)
                    top_spots(at)
                    continue
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                at = event.start_mark.index << 1
                if len(stack) >= MAX_DEPTH:
                    # Stop reading at once: the parser's work grows with the depth.
                    line, column = ctx.lines.position(event.start_mark.index)
                    ctx.fatal(line, column, f"nesting deeper than {MAX_DEPTH} levels", _DEPTH_HINT)
                    return documents
                top = (Map if kind is MappingStartEvent else Seq)(at, code)
                if event.anchor is not None or event.tag is not None:
                    check_node(event, at)
                    # A tagged collection was meant as some object: drop it, not to report
                    # its shape too. An anchored one is plain data: keep it.
                    top.dropped = event.tag is not None
                stack.append(top)
                if kind is SequenceStartEvent:
                    top_items, top_spots = top.append, top.spots.append
                else:
                    top_items = top_spots = None
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                node = stack.pop()
                at = node.spot
                top = stack[-1] if stack else None
                if type(top) is Seq:
                    top_items, top_spots = top.append, top.spots.append
                else:
                    top_items = top_spots = None
                if node.dropped:
                    node = None
                elif (
                    len(stack) == 2
                    and on_item is not None
                    and kind is MappingEndEvent
                    and type(top) is Seq
                    and not top.dropped
                    and type(stack[0]) is Map
                    and not stack[0].dropped
                    and type(stack[0].key) is str
                    and stack[0].key not in stack[0].pairs
                ):
                    # An entity of a section: build it now, and keep nothing of it here.
                    on_item(stack[0].key, node, event.end_mark.index)
                    continue
                if type(top) is Seq:
                    top.mixed = True
            elif kind is AliasEvent:
                at = event.start_mark.index << 1
                ctx.at(
                    at,
                    f"aliases ('*{clipped(event.anchor)}') are not supported",
                    "write the value out in full",
                )
                node = None
                if type(top) is Seq:
                    top.mixed = True
            elif kind is DocumentStartEvent:
                root = None
                root_spot = event.start_mark.index << 1
                continue
            elif kind is DocumentEndEvent:
                documents.append((root, root_spot))
                continue
            else:  # stream start and end
                continue
            # Attach ``node`` (at spot ``at``) to its parent.
            if top is None:
                root, root_spot = node, at
            elif type(top) is Seq:
                top.append(node)
                top.spots.append(at)
            elif top.key is None:  # ``node`` is a key
                if type(node) is str:
                    top.key = node
                else:
                    if node is not None:
                        ctx.at(at, f"a key must be a plain word, not {describe_node(node)}")
                    top.key = _BAD_KEY
                top.keyspot = at
            else:
                key = top.key
                if key in top.pairs or key == "<<" or key is _BAD_KEY:
                    key_node(top, key, top.keyspot, node, at)
                else:
                    top.pairs[key] = node
                    spots = top.spots
                    spots.append(top.keyspot)
                    spots.append(at)
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
    except yaml.YAMLError as err:  # pragma: no cover - decode() rejects what the reader would
        ctx.fatal(1, 1, f"invalid YAML: {err}")
    except (ValueError, OverflowError) as err:
        # PyYAML's pure parser turns a "\U" escape past U+10FFFF into chr()'s own error.
        if not isinstance(err, OverflowError) and "chr()" not in str(err):
            raise
        mark = parser.get_mark()
        ctx.fatal(
            mark.line + 1,
            mark.column + 1,
            "invalid YAML: found invalid Unicode character escape code",
            "a \\U escape names a code point up to 0010FFFF",
        )
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
    line, column = position(text, found.start(1) if found else start.index)
    ctx.fatal(line, column, "invalid YAML: found invalid Unicode character escape code")


# --- reading bytes --------------------------------------------------------------------------


def decode(data: bytes, ctx: Collector) -> bytes | None:
    """Checks the bytes are UTF-8 text YAML can read; returns them without a BOM."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:2]:
        ctx.fatal(1, 1, "the file is UTF-16 or UTF-32, not UTF-8", "save it as UTF-8")
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as err:
            good = data[: err.start].decode("utf-8")
            line, column = position(good, len(good))
            ctx.fatal(
                line,
                column,
                f"invalid UTF-8 byte 0x{data[err.start]:02x}",
                "save the file as UTF-8",
            )
            return None
    bad = _NON_PRINTABLE.search(data)
    if bad is not None:
        before = data[: bad.start()].decode("utf-8")
        line, column = position(before, len(before))
        ctx.fatal(
            line,
            column,
            f"the character {bad.group().decode('utf-8')!r} is not allowed in YAML",
            "remove it, or write it as an escape inside double quotes",
        )
        return None
    return data


#: Characters YAML does not allow in a file, as UTF-8 bytes (the text is valid UTF-8, so no
#: surrogate can appear): C0 controls but tab, LF and CR; DEL; C1 controls but NEL; U+FFFE
#: and U+FFFF.
_NON_PRINTABLE = re.compile(
    b"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]"
)
