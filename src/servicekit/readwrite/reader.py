"""From the located YAML tree to entities and the model, with every problem placed.

The reader knows YAML, not the domain. For each mapping it turns the values
into plain Python (the exact text of each scalar; a plain number where the
field's shape reads numbers), builds the entity, and lets the entity check
itself. When an entity or the whole model refuses a value, each
:class:`~servicekit.Problem` names its entity and field; the reader adds the
file, line and column of that field, found in the entity's own mapping. Which
keys exist, and what each holds, comes from the entities' field table
(:mod:`servicekit.model.sections`); nothing here lists them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from servicekit.errors import ModelError, did_you_mean, suggest
from servicekit.model.entities import (
    AuditSettings,
    Entity,
    FailPoint,
    Handoff,
    SourceLocation,
    field_specs,
)
from servicekit.model.sections import HEADER, NESTED, SECTIONS, TOP_LEVEL
from servicekit.model.service_model import ServiceModel
from servicekit.model.values import SHAPES, FieldSpec
from servicekit.readwrite.events import (
    NULLS,
    Collector,
    Map,
    ScalarEvent,
    Seq,
    describe_node,
    is_null,
    where,
)

__all__ = ["FORMAT_VERSION", "Reader", "locate", "python_value"]

#: The version of the YAML format this release reads and writes.
FORMAT_VERSION = 1

_NUMBER = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"([-+]?)\.(?:(inf|Inf|INF)|(nan|NaN|NAN))")
_INTEGER = re.compile(r"[-+]?[0-9][0-9_]*")

#: A node dropped while parsing (an alias, a tagged collection): reported already.
_DROPPED: Any = object()

#: Per entity class: YAML key -> (attribute, field spec).
_KEYS: dict[type, dict[str, tuple[str, FieldSpec]]] = {}


def _keys(cls: type) -> dict[str, tuple[str, FieldSpec]]:
    keys = _KEYS.get(cls)
    if keys is None:
        keys = {field.key or name: (name, field) for name, field in field_specs(cls)}
        _KEYS[cls] = keys
    return keys


def python_value(node: Any, read: str) -> Any:
    """A tree node as plain Python: text as written, tuples, dicts, and numbers where asked.

    ``read`` is the field shape's reading (``text`` or ``number``). A plain null
    gives ``None``; a dropped node gives nothing at all.
    """
    kind = type(node)
    if kind is ScalarEvent:
        text = node.value
        if not node.style:
            if text in NULLS:
                return None
            if read == "number":
                if _NUMBER.fullmatch(text):
                    return float(text.replace("_", ""))
                special = _SPECIAL_FLOAT.fullmatch(text)
                if special is not None:
                    return float(f"{special.group(1)}{'inf' if special.group(2) else 'nan'}")
        return text
    if kind is Seq:
        return tuple(
            value
            for value in (python_value(item, read) for item in node if item is not None)
            if value is not _DROPPED
        )
    if kind is Map:
        out = {}
        for key, (_, value) in node.pairs.items():
            if value is not None:
                converted = python_value(value, read)
                if converted is not _DROPPED:
                    out[key] = converted
        return out
    return _DROPPED


def locate(node: Any, field: tuple[str | int, ...]) -> Any:
    """The node of ``field`` inside an entity's mapping, or the nearest one above it."""
    at = node
    for step in field:
        if type(at) is Map and isinstance(step, str) and step in at.pairs:
            found = at.pairs[step][1]
            if found is None:
                break
            at = found
        elif type(at) is Seq and isinstance(step, int) and 0 <= step < len(at):
            if at[step] is None:
                break
            at = at[step]
        else:
            break
    return at


class Reader:
    """Gathers the entities of every document of every file into one model."""

    def __init__(self, ctx: Collector) -> None:
        self.ctx = ctx
        self.header: dict[str, tuple[Any, str, str, Any]] = {}  # key -> (value, where, path, node)
        self.entities: dict[str, dict[str, Entity]] = {s.name: {} for s in SECTIONS}
        self.nodes: dict[str, tuple[str, Map]] = {}  # id -> (path, mapping)
        #: (id, list key) -> the YAML index of each built entry, where entries were dropped.
        self.indexes: dict[tuple[str, str], list[int]] = {}
        self.first: dict[str, tuple[str, str]] = {}  # id -> (kind, "file:line:column")
        self.skipped: set[str] = set()
        self.audit: dict[str, str] = {}
        self.audit_node: tuple[str, Map] | None = None
        ctx.claim = self.claim

    def claim(self, key: str, node: Any, kind: str) -> bool:
        """Registers the id ``key`` of a ``kind``; reports it when some entity already has it."""
        ctx = self.ctx
        line, column = where(node)
        if key in self.first:
            other_kind, at = self.first[key]
            ctx.at(
                node,
                f"duplicate id {key!r}: already used by the {other_kind} at {at}",
                "ids must be unique across the whole model",
            )
            return False
        self.first[key] = (kind, f"{ctx.path}:{line}:{column}")
        return True

    # -- documents ------------------------------------------------------------------------

    def document(self, root: Any, first_in_file: bool) -> None:
        """Reads one non-empty document; the first of each file must give the version."""
        ctx = self.ctx
        if type(root) is not Map:
            ctx.at(
                root,
                f"a model must be a mapping of sections, not {describe_node(root)}",
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
        sections = {s.name: s for s in SECTIONS}
        for name, (key, value) in pairs.items():
            if name == "servicekit":
                continue
            if name in _HEADER_KEYS:
                self.header_field(name, value)
            elif name == "audit":
                self.audit_section(value)
            elif name in sections:
                self.section(name, value)
            else:
                ctx.at(
                    key,
                    f"unknown section {name!r}",
                    did_you_mean(suggest(name, TOP_LEVEL)) or "sections: " + ", ".join(TOP_LEVEL),
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
        quoted = type(node) is ScalarEvent and bool(node.style)
        self.ctx.at(
            node,
            f"servicekit (the format version) must be the number "
            f"{FORMAT_VERSION}, not {'the string ' if quoted else ''}{describe_node(node)}",
            f"write 'servicekit: {FORMAT_VERSION}'",
        )

    def header_field(self, name: str, node: Any) -> None:
        value = python_value(node, "text")
        if value is None or value is _DROPPED:
            return
        here = f"{self.ctx.path}:{where(node)[0]}"
        if name in self.header and self.header[name][0] != value:
            self.ctx.at(
                node,
                f"the model's {name} is given twice, differently (first at {self.header[name][1]})",
                "give it once",
            )
            return
        self.header.setdefault(name, (value, here, self.ctx.path, node))

    def audit_section(self, node: Any) -> None:
        settings = self.nested("settings", node, None)
        if not isinstance(settings, AuditSettings):
            if settings is not None and settings is not _DROPPED:
                self.ctx.at(node, f"the audit section must be a mapping, not {describe_node(node)}")
            return
        self.audit_node = (self.ctx.path, node)
        self.audit.update(settings.rules)

    def section(self, section: str, node: Any) -> None:
        ctx = self.ctx
        info = next(s for s in SECTIONS if s.name == section)
        if is_null(node):
            return
        if type(node) is not Seq:
            ctx.at(node, f"{section} must be a list of {info.kind}s, not {describe_node(node)}")
            return
        table = self.entities[section]
        for item in node:
            if type(item) is not Map:
                if item is None:
                    continue  # dropped, already reported
                if is_null(item):
                    ctx.at(item, f"an empty entry in {section}")
                else:
                    ctx.at(item, f"each of {section} must be a mapping, not {describe_node(item)}")
                continue
            key = self.entity_id(item, info.kind)
            if key is None:
                if "id" in item.pairs and not is_null(item.pairs["id"][1]):
                    self.entity(info.entity, item, owner=None)  # its check names the bad id
                continue
            if not self.claim(key, item.pairs["id"][1], info.kind):
                continue
            self.nodes[key] = (ctx.path, item)
            built = self.entity(info.entity, item, owner=key)
            if built is None:
                self.skipped.add(key)
            else:
                table[key] = built

    def entity_id(self, node: Map, kind: str) -> str | None:
        """The id of an entity's mapping, when it has a usable one (problems reported)."""
        if "id" not in node.pairs:
            self.ctx.at(node, f"a {kind} needs an id")
            return None
        value = python_value(node.pairs["id"][1], "text")
        if type(value) is str and value:
            return value
        if value is None:
            self.ctx.at(node.pairs["id"][1] or node, f"a {kind}'s 'id' must not be empty")
        return None  # anything else is reported when the entity checks its id

    # -- entities -------------------------------------------------------------------------

    def entity(
        self, cls: type[Entity], node: Map, *, owner: str | None, extra: Mapping[str, Any] = {}
    ) -> Any:
        """``cls`` built from ``node``; ``None`` when it cannot be (every problem reported)."""
        ctx = self.ctx
        keys = _keys(cls)
        values: dict[str, Any] = dict(extra)
        for name, (key_event, value) in node.pairs.items():
            entry = keys.get(name)
            if entry is None:
                ctx.at(
                    key_event,
                    f"unknown key {name!r} in a {cls.kind}",
                    did_you_mean(suggest(name, list(keys))) or "known keys: " + ", ".join(keys),
                )
                continue
            attribute, field = entry
            shape = SHAPES[field.shape]
            if shape.read == "nested":
                result = self.nested(field.shape, value, owner)
            else:
                result = python_value(value, shape.read)
            if result is not None and result is not _DROPPED:
                values[attribute] = result
        missing = False
        for key, (attribute, field) in keys.items():
            if field.required and attribute not in values:
                missing = True
                if key == "id":
                    if key not in node.pairs:
                        ctx.at(node, f"a {cls.kind} needs an id")
                    else:
                        ctx.at(node.pairs[key][1] or node, f"a {cls.kind}'s 'id' must not be empty")
                elif key == "to":
                    ctx.at(node, f"a hand-off of role {owner!r} needs 'to': the role receiving it")
                else:
                    at = node.pairs[key][1] if key in node.pairs else node
                    ctx.at(at or node, f"{cls.kind} {owner!r} needs {key!r}")
        if missing:
            return None
        try:
            return cls(**values)
        except ModelError as err:
            for problem in err.problems:
                ctx.located(problem, locate(node, problem.field))
            return None

    def nested(self, shape: str, node: Any, owner: str | None) -> Any:
        """The value of a field whose shape is nested entities (hand-offs, fail points ...)."""
        if is_null(node):
            return None
        if node is None:
            return _DROPPED
        cls = NESTED[shape]
        if shape in ("handoffs", "fail_points"):
            if type(node) is not Seq:
                return python_value(node, "text")  # the owner's check names what is wrong
            built = []
            indexes = []
            for index, item in enumerate(node):
                found = self.list_entry(cls, item, owner)
                if found is not None:
                    built.append(found)
                    indexes.append(index)
            if owner is not None and len(indexes) != len(node):
                self.indexes[owner, "serves" if shape == "handoffs" else "fail_points"] = indexes
            return tuple(built)
        if type(node) is not Map:
            return python_value(node, "text")
        return self.entity(cls, node, owner=owner)

    def list_entry(self, cls: type[Entity], item: Any, owner: str | None) -> Any:
        ctx = self.ctx
        if item is None:
            return None  # dropped, already reported
        if cls is Handoff:
            if type(item) is ScalarEvent:
                target = python_value(item, "text")
                if target is None:
                    ctx.at(item, f"each entry of the serves of role {owner!r} must not be null")
                    return None
                try:
                    return Handoff(source=owner or "", target=target)
                except ModelError as err:
                    for problem in err.problems:
                        ctx.located(problem, item)
                    return None
            if type(item) is not Map:
                ctx.at(
                    item,
                    f"a hand-off of role {owner!r} must be a role id or a mapping, "
                    f"not {describe_node(item)}",
                )
                return None
            return self.entity(Handoff, item, owner=owner, extra={"source": owner or ""})
        if type(item) is not Map:
            ctx.at(item, f"a fail point must be a mapping, not {describe_node(item)}")
            return None
        found = self.entity(FailPoint, item, owner=owner)
        if found is not None and not self.claim(found.id, item.pairs["id"][1], "fail point"):
            return None
        return found

    # -- the model ------------------------------------------------------------------------

    def model(self) -> ServiceModel | None:
        """The model of everything read, or ``None`` when it has problems (all reported)."""
        sources = {
            key: SourceLocation(path, entry.line, entry.column)
            for key, (path, entry) in self.nodes.items()
        }
        parts: dict[str, Any] = {key: value for key, (value, *_rest) in self.header.items()}
        parts.update((section, list(table.values())) for section, table in self.entities.items())
        try:
            return ServiceModel(
                **parts, audit_settings=AuditSettings(rules=self.audit), sources=sources
            )
        except ModelError as err:
            for problem in err.problems:
                if (
                    isinstance(problem.value, str)
                    and problem.value in self.skipped
                    and problem.field != ("id",)
                ):
                    continue  # a reference to an entity reported where it is written
                path, node = self.where_of(problem.subject, problem.field)
                self.ctx.path = path
                self.ctx.located(problem, node)
            return None

    def where_of(self, subject: str | None, field: tuple[str | int, ...]) -> tuple[str, Any]:
        """The file and node a model problem about ``subject``'s ``field`` points at."""
        if subject is None:
            if field and field[0] in self.header:
                _, _, path, node = self.header[str(field[0])]
                return path, node
            if self.audit_node is not None:
                return self.audit_node[0], locate(self.audit_node[1], field[1:])
            return self.ctx.path, Seq(1, 1)  # pragma: no cover - every problem names something
        path, node = self.nodes[subject]
        if len(field) >= 2 and isinstance(field[1], int):
            indexes = self.indexes.get((subject, str(field[0])))
            if indexes is not None and field[1] < len(indexes):
                field = (field[0], indexes[field[1]], *field[2:])
        return path, locate(node, field)


_HEADER_KEYS = frozenset(key for key, _ in HEADER if key != "servicekit")
