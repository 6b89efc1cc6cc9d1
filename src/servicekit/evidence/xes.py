"""XES event logs (IEEE 1849), read incrementally and refusing every DTD and entity.

An XES log is ``<log>`` holding ``<trace>`` elements, each with its own attributes
(``<string key="concept:name" value="case-1"/>``) and its ``<event>`` elements, each
with theirs. Each event becomes one row, keyed as process-mining tools flatten a log
(pm4py's convention): an event attribute by its key (``org:role``,
``time:timestamp``), a trace attribute by ``case:`` and its key
(``case:concept:name``). Attributes nested in attributes, ``list`` and ``container``
values and the log's own attributes and globals are left out. A trace's attributes
come before its events (the standard's order); an event sees those written before it.

The file is parsed with the standard library's SAX parser, fed in chunks, so a log of
any size is read holding one event at a time. A ``DOCTYPE`` (and so any entity or
external DTD) is refused where it starts: nothing is fetched or expanded. A gzip file
(``.xes.gz``) that ends early is an error, never a partial log.

Examples
--------
>>> import io
>>> text = b'''<log xes.version="1.0"><trace><string key="concept:name" value="c1"/>
... <event><string key="org:role" value="tagger"/></event></trace></log>'''
>>> list(xes_rows(io.BytesIO(text)))
[(2, {'case:concept:name': 'c1', 'org:role': 'tagger'})]
"""

from __future__ import annotations

import xml.sax
import xml.sax.handler
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["XesError", "xes_rows"]

#: Elements that carry one value in their ``value`` attribute.
_SCALARS = frozenset({"string", "date", "int", "float", "boolean", "id"})
#: Bytes fed to the parser at a time.
_CHUNK = 1 << 16


class XesError(Exception):
    """A file that is not a readable XES log: the line and what is wrong there."""

    def __init__(self, line: int, message: str, hint: str | None = None) -> None:
        self.line = line
        self.message = message
        self.hint = hint
        super().__init__(f"{line}: {message}")


class _Refused(xml.sax.SAXException):
    """A DTD met while parsing: raised from the handler to stop the parser at once."""


class _Handler(xml.sax.handler.ContentHandler, xml.sax.handler.LexicalHandler):
    """Turns SAX events into rows: one mapping an event, with the line its tag starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[int, dict[str, str]]] = []
        self._stack: list[str] = []
        self._trace: dict[str, str] = {}
        self._event: dict[str, str] | None = None
        self._event_line = 0
        self._locator: Any = None
        self.root: str | None = None

    def setDocumentLocator(self, locator: Any) -> None:
        self._locator = locator

    def _line(self) -> int:
        return int(self._locator.getLineNumber()) if self._locator is not None else 1

    def startDTD(self, name: str, public_id: str | None, system_id: str | None) -> None:
        raise _Refused(f"<!DOCTYPE {name}>")

    def startElement(self, name: str, attrs: Any) -> None:
        stack = self._stack
        parent = stack[-1] if stack else None
        if parent is None:
            self.root = name
        elif name == "trace" and parent == "log":
            self._trace = {}
        elif name == "event" and parent == "trace":
            self._event = {}
            self._event_line = self._line()
        elif name in _SCALARS:
            key, value = attrs.get("key"), attrs.get("value")
            if key is not None and value is not None:
                if parent == "event" and self._event is not None:
                    self._event[key] = value
                elif parent == "trace":
                    self._trace["case:" + key] = value
        stack.append(name)

    def endElement(self, name: str) -> None:
        self._stack.pop()
        if name == "event" and self._event is not None and self._stack[-1:] == ["trace"]:
            self.rows.append((self._event_line, {**self._trace, **self._event}))
            self._event = None


def xes_rows(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each event of the XES log read from ``stream``: its line, and its attributes by key.

    Raises ``XesError`` at the line of the first thing that makes the file unreadable:
    a ``DOCTYPE``, XML that is not well formed, a root that is not ``<log>``. Errors of the
    stream itself (a truncated gzip file) propagate as they are.
    """
    handler = _Handler()
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, False)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setProperty(xml.sax.handler.property_lexical_handler, handler)
    parser.setContentHandler(handler)
    # Fed in chunks, the parser never calls setDocumentLocator; it is its own locator.
    handler.setDocumentLocator(parser)
    parser.setEntityResolver(_NoEntities())
    parser.setDTDHandler(xml.sax.handler.DTDHandler())
    feed = parser.feed  # type: ignore[attr-defined]
    checked_root = False
    try:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            feed(chunk)
            if not checked_root and handler.root is not None:
                checked_root = True
                if handler.root != "log":
                    raise XesError(
                        1, f"the root element is <{handler.root}>, not <log>: this is not XES"
                    )
            if handler.rows:
                yield from handler.rows
                handler.rows.clear()
        parser.close()  # type: ignore[attr-defined]
    except _Refused as err:
        raise XesError(
            handler._line(),
            f"the log has a {err.getMessage()} declaration: XES needs none, and a DTD can "
            "declare entities or fetch files, so it is refused (nothing was fetched or "
            "expanded)",
            "remove the <!DOCTYPE ...> declaration",
        ) from None
    except xml.sax.SAXParseException as err:
        raise XesError(
            err.getLineNumber() or 1, f"not well-formed XML: {err.getMessage()}"
        ) from None
    if handler.root is None:
        raise XesError(1, "the file is empty: an XES log is a <log> element")
    if handler.root != "log":
        raise XesError(1, f"the root element is <{handler.root}>, not <log>: this is not XES")
    yield from handler.rows


class _NoEntities(xml.sax.handler.EntityResolver):
    """Resolves no external entity: asking for one is refused, never fetched."""

    def resolveEntity(self, public_id: str | None, system_id: str) -> Any:
        raise _Refused(f"<!DOCTYPE> naming {system_id!r}")
