"""From the located YAML tree to entities and the model, with every problem placed.

The reader knows YAML, not the domain. For each mapping it turns the values
into plain Python (the exact text of each scalar; a plain number where the
field's shape reads numbers), builds the entity, and lets the entity check
itself. When an entity or the whole model refuses a value, each
``Problem`` names its entity and field; the reader adds the
file, line and column of that field, found in the entity's own mapping. Which
keys exist, and what each holds, comes from the entities' field table
(``servicekit.model.sections``); nothing here lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from servicekit.errors import ModelError, nearest
from servicekit.model.entities import (
    AuditSettings,
    Entity,
    Role,
    SourceLocation,
    Touchpoint,
    build,
    field_specs,
)
from servicekit.model.sections import HEADER, NESTED, SECTIONS, TOP_LEVEL, version_problem
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

__all__ = ["Reader", "entity_data", "locate", "python_value"]

_NUMBER = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"([-+]?)\.(?:(inf|Inf|INF)|(nan|NaN|NAN))")
_INTEGER = re.compile(r"[-+]?[0-9][0-9_]*")

#: YAML 1.2's booleans (core schema); YAML 1.1's yes/no/on/off are not among them.
_BOOLEANS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
#: Longer runs of digits are not read as a whole number (a hostile 10,000-digit count).
_MAX_DIGITS = 30

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

    ``read`` is the field shape's reading (``text``, ``number``, ``integer`` or
    ``boolean``). A plain null gives ``None``; a dropped node gives nothing at all.
    Booleans are YAML 1.2's: ``true`` and ``false`` (also ``True``, ``TRUE`` ...);
    ``yes``, ``no``, ``on`` and ``off`` stay text, for the field's check to refuse.
    """
    kind = type(node)
    if kind is ScalarEvent:
        text = node.value
        if not node.style:
            if text in NULLS:
                return None
            if read == "boolean":
                found = _BOOLEANS.get(text)
                return text if found is None else found
            if read == "integer" and _INTEGER.fullmatch(text) and len(text) <= _MAX_DIGITS:
                return int(text.replace("_", ""))
            if read in ("number", "integer"):
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


def locate(node: Any, field: tuple[str | int, ...], *, at_key: bool = False) -> Any:
    """The node of ``field`` inside an entity's mapping, or the nearest one above it.

    With ``at_key``, the last step names a key, and its key (not its value) is the node.
    """
    at = node
    last = len(field) - 1
    for number, step in enumerate(field):
        if type(at) is Map and isinstance(step, str) and step in at.pairs:
            key, found = at.pairs[step]
            if at_key and number == last:
                return key
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


def entity_data(cls: type[Entity], node: Map) -> dict[str, Any]:
    """The mapping of an entity as plain Python, each value read as its field's shape reads.

    Keys the entity does not have are kept (read as text), for ``build()`` to name.
    """
    keys = _keys(cls)
    data: dict[str, Any] = {}
    for name, (_, value) in node.pairs.items():
        entry = keys.get(name)
        if entry is None:
            result = python_value(value, "text")
        else:
            shape = entry[1].shape
            if SHAPES[shape].read == "nested":
                result = _nested_data(shape, value)
            else:
                result = python_value(value, SHAPES[shape].read)
        if result is not None and result is not _DROPPED:
            data[name] = result
    return data


def _nested_data(shape: str, node: Any) -> Any:
    """The value of a field of nested entities: mappings read as their entity, ids as text."""
    cls = NESTED[shape]
    if type(node) is Map:
        return entity_data(cls, node)
    if type(node) is Seq:
        return tuple(
            entity_data(cls, item) if type(item) is Map else python_value(item, "text")
            for item in node
            if item is not None
        )
    return python_value(node, "text")


def _without(data: Any, bad: list[tuple[str | int, ...]]) -> Any:
    """``data`` without the values at each of the ``bad`` paths (a key, or a list's entry)."""
    if not bad:
        return data
    if () in bad:
        return _GONE
    below: dict[str | int, list[tuple[str | int, ...]]] = {}
    for path in bad:
        below.setdefault(path[0], []).append(path[1:])
    if isinstance(data, dict):
        kept = {key: _without(value, below.get(key, [])) for key, value in data.items()}
        return {key: value for key, value in kept.items() if value is not _GONE}
    if isinstance(data, tuple):
        kept_items = (_without(value, below.get(index, [])) for index, value in enumerate(data))
        return tuple(value for value in kept_items if value is not _GONE)
    return data  # a path below a plain value: nothing more to take away


#: What ``_without()`` leaves where a value was taken away.
_GONE: Any = object()


class Reader:
    """Gathers the entities of every document of every file into one model."""

    def __init__(self, ctx: Collector) -> None:
        self.ctx = ctx
        self.header: dict[str, tuple[Any, str, str, Any]] = {}  # key -> (value, where, path, node)
        self.entities: dict[str, dict[str, Entity]] = {s.name: {} for s in SECTIONS}
        self.nodes: dict[str, tuple[str, Map]] = {}  # id -> (path, mapping)
        self.first: dict[str, tuple[str, str]] = {}  # id -> (kind, "file:line:column")
        self.skipped: set[str] = set()
        self.audit: dict[str, str] = {}
        self.consequential: tuple[tuple[str, ...], str] | None = None  # (words, where first)
        self.audit_node: tuple[str, Map] | None = None

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
                    nearest(name, TOP_LEVEL) or "sections: " + ", ".join(TOP_LEVEL),
                )

    def version(self, node: Any) -> None:
        if type(node) is ScalarEvent and not node.style and _INTEGER.fullmatch(node.value):
            digits = node.value.replace("_", "").lstrip("+").lstrip("0") or "0"
            # A hostile 10,000-digit version is named by its length, never turned into an int.
            value: Any = int(digits) if len(digits) <= 30 else -1
        else:
            value = python_value(node, "number")
            if value is _DROPPED:
                return  # an alias or a tag, reported where it is
        problem = version_problem(value)
        if problem is not None:
            if value == -1:
                problem = attrs.evolve(
                    problem, message=f"unsupported format version ({len(node.value)} digits)"
                )
            self.ctx.located(problem, node)

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
        if is_null(node):
            return
        if type(node) is not Map:
            if node is not None:
                self.ctx.at(node, f"the audit section must be a mapping, not {describe_node(node)}")
            return
        settings, _ = self.entity(AuditSettings, node)
        if settings is not None:
            self.audit_node = (self.ctx.path, node)
            self.audit.update(settings.rules)
            words = settings.consequential
            if words is None:
                return
            here = f"{self.ctx.path}:{where(node.pairs['consequential'][1])[0]}"
            if self.consequential is not None and self.consequential[0] != words:
                self.ctx.at(
                    node.pairs["consequential"][1],
                    "the audit's consequential words are given twice, differently "
                    f"(first at {self.consequential[1]})",
                    "give them once",
                )
            elif self.consequential is None:
                self.consequential = (words, here)

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
            id_node = item.pairs["id"][1] if "id" in item.pairs else None
            key = python_value(id_node, "text") if id_node is not None else None
            if type(key) is not str or not key:
                self.entity(info.entity, item)  # its check says what is wrong with the id
                continue
            if not self.claim(key, id_node, info.kind):
                continue
            self.nodes[key] = (ctx.path, item)
            built, rest = self.entity(info.entity, item)
            if built is not None:
                table[key] = built
            elif rest is not None:
                table[key] = rest  # the load fails; the model still checks the rest of it
            else:
                self.skipped.add(key)

    def entity(self, cls: type[Entity], node: Map) -> tuple[Any, Any]:
        """``cls`` built from ``node``, and ``None``; or, when it has problems (every one
        reported), ``None`` and the entity without its bad values, if that can be built, so
        that the model's own checks still see the rest of it.

        The ids of the fail points of a role are claimed here, in file order; a fail point
        whose id is taken is reported and left out.
        """
        data = entity_data(cls, node)
        bad: list[tuple[str | int, ...]] = []
        try:
            built = build(cls, data)
        except ModelError as err:
            for problem in err.problems:
                self.ctx.located(problem, locate(node, problem.field, at_key=problem.at_key))
            bad = [problem.field for problem in err.problems]
            try:
                built = build(cls, _without(data, bad))
            except ModelError:
                return None, None
        taken = list(self.fail_point_claims(built, node))
        if taken:
            bad += taken
            built = build(cls, _without(data, bad))
        return (None, built) if bad else (built, None)

    def fail_point_claims(self, entity: Any, node: Map) -> Iterator[tuple[str | int, ...]]:
        """Claims the ids of ``entity``'s fail points; yields where those already taken are."""
        if isinstance(entity, Role):
            found: Iterator[tuple[tuple[str | int, ...], Any]] = (
                (("serves", index, "fail_points", number), fail_point)
                for index, handoff in enumerate(entity.serves)
                for number, fail_point in enumerate(handoff.fail_points)
            )
        elif isinstance(entity, Touchpoint):
            found = (
                (("fail_points", number), fail_point)
                for number, fail_point in enumerate(entity.fail_points)
            )
        else:
            return
        for at, fail_point in found:
            if not self.claim(fail_point.id, locate(node, (*at, "id")), "fail point"):
                yield at

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
            audit = AuditSettings(
                rules=self.audit,
                consequential=None if self.consequential is None else self.consequential[0],
            )
            return ServiceModel(**parts, audit=audit, sources=sources)
        except ModelError as err:
            for problem in err.problems:
                if (
                    isinstance(problem.value, str)
                    and problem.value in self.skipped
                    and problem.field != ("id",)
                ):
                    continue  # a reference to an entity reported where it is written
                if problem.other is not None and problem.other[0] in self.nodes:
                    first, first_node = self.where_of(*problem.other)
                    line, column = where(first_node)
                    problem = attrs.evolve(
                        problem, message=f"{problem.message} at {first}:{line}:{column}"
                    )
                path, node = self.where_of(problem.subject, problem.field, problem.at_key)
                self.ctx.path = path
                self.ctx.located(problem, node)
            return None

    def where_of(
        self, subject: str | None, field: tuple[str | int, ...], at_key: bool = False
    ) -> tuple[str, Any]:
        """The file and node a model problem about ``subject``'s ``field`` points at."""
        if subject is None:
            if field and field[0] in self.header:
                _, _, path, node = self.header[str(field[0])]
                return path, node
            if self.audit_node is not None:
                return self.audit_node[0], locate(self.audit_node[1], field[1:])
            return self.ctx.path, Seq(1, 1)  # pragma: no cover - every problem names something
        path, node = self.nodes[subject]
        return path, locate(node, field, at_key=at_key)


_HEADER_KEYS = frozenset(key for key, _ in HEADER if key != "servicekit")
