"""From the compact YAML tree to entities and the model, with every problem placed.

The reader knows YAML, not the domain. For each mapping it turns the values
into plain Python (the exact text of each scalar; a plain number where the
field's shape reads numbers), builds the entity, and lets the entity check
itself. When an entity or the whole model refuses a value, each
``Problem`` names its entity and field; the reader adds the
file, line and column of that field. Which keys exist, and what each holds,
comes from the entities' field table (``servicekit.model.sections``);
nothing here lists them.

Entities are built one at a time, as the parser finishes each one
(``Reader.item``), and their YAML is dropped at once: the reader keeps
only where each entity is written (a few integers). A problem the whole-model
checks find later is placed by reading that entity's text again.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from typing import Any

import attrs

from servicekit.errors import ModelError, Nearest, Problem, clipped, nearest, shown
from servicekit.model.entities import (
    AuditSettings,
    Entity,
    Role,
    SourceLocation,
    Touchpoint,
    build,
    field_specs,
)
from servicekit.model.frozen import FrozenDict
from servicekit.model.references import (
    HINT_BUDGET,
    MAX_HINTS,
    data_references,
    unknown_reference,
)
from servicekit.model.sections import (
    FORMAT_VERSION,
    HEADER,
    NESTED,
    SECTIONS,
    TOP_LEVEL,
    version_problem,
)
from servicekit.model.service_model import ServiceModel
from servicekit.model.values import SHAPES, FieldSpec
from servicekit.readwrite.events import (
    NULLS,
    Collector,
    Lines,
    Map,
    Seq,
    TooMany,
    describe_node,
    is_null,
    parse,
    spots_code,
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

Path = tuple[str | int, ...]


def _keys(cls: type) -> dict[str, tuple[str, FieldSpec]]:
    keys = _KEYS.get(cls)
    if keys is None:
        keys = {field.key or name: (name, field) for name, field in field_specs(cls)}
        _KEYS[cls] = keys
    return keys


def _scalar(text: str, read: str) -> Any:
    """A plain scalar read as its field's shape reads: a boolean, a whole number or a
    number, when it is one; else the text itself, for the field's check to refuse."""
    if read == "boolean":
        found = _BOOLEANS.get(text)
        return text if found is None else found
    if read == "integer" and _INTEGER.fullmatch(text) and len(text) <= _MAX_DIGITS:
        return int(text.replace("_", ""))
    return _number(text)


def _number(text: str) -> float | str:
    """A plain scalar read as a number, when it is one; else the text itself."""
    if _NUMBER.fullmatch(text):
        return float(text.replace("_", ""))
    special = _SPECIAL_FLOAT.fullmatch(text)
    if special is not None:
        return float(f"{special.group(1)}{'inf' if special.group(2) else 'nan'}")
    return text


def python_value(value: Any, plain: int, read: str) -> Any:
    """A tree value as plain Python: text as written, tuples, dicts, and numbers where asked.

    ``plain`` says whether a scalar was written without quotes; ``read`` is the field
    shape's reading (``text``, ``number``, ``integer`` or ``boolean``). A plain null gives
    ``None``; a dropped node gives nothing at all (items of a list that were dropped are
    left out). Booleans are YAML 1.2's: ``true`` and ``false`` (also ``True``, ``TRUE``
    ...); ``yes``, ``no``, ``on`` and ``off`` stay text, for the field's check to refuse.
    """
    kind = type(value)
    if kind is str:
        if plain:
            if value in NULLS:
                return None
            if read != "text":
                return _scalar(value, read)
        return value
    if kind is Seq:
        if not value.mixed and read == "text":
            simple = tuple(value)  # texts only: usually nothing more to do
            if NULLS.isdisjoint(simple):
                return simple
        return tuple(_items(value, read))
    if kind is Map:
        out: dict[Any, Any] = {}
        spots = value.spots
        for number, (key, item) in enumerate(value.pairs.items()):
            if item is None:
                continue
            if spots[2 * number] & 1 and key in NULLS:
                key = None  # a null key: the check names it
            out[key] = python_value(item, spots[2 * number + 1] & 1, read)
        return out
    return _DROPPED


def _items(seq: Seq, read: str) -> Iterator[Any]:
    for item, at in zip(seq, seq.spots, strict=True):
        if type(item) is str:
            if at & 1 and (item in NULLS or read != "text"):
                yield None if item in NULLS else _scalar(item, read)
            else:
                yield item
        elif item is not None:
            yield python_value(item, 0, read)


def locate(node: Any, field: Path, *, at_key: bool = False) -> int:
    """The spot of ``field`` inside an entity's mapping, or of the nearest value above it.

    ``field`` counts list entries as the built entity does, so entries dropped while
    parsing (aliases, tagged values) are skipped. With ``at_key``, the last step names a
    key, and the spot of that key (not its value) is given.
    """
    at: int = node.spot
    last = len(field) - 1
    for number, step in enumerate(field):
        if type(node) is Map and isinstance(step, str) and step in node.pairs:
            if at_key and number == last:
                return node.key_spot(step)
            at = node.value_spot(step)
            node = node.pairs[step]
        elif type(node) is Seq and isinstance(step, int):
            index = node.index_of_kept(step)
            if index is None:
                break
            at = node.spots[index]
            node = node[index]
        else:
            break
        if node is None:
            break
    return at


def entity_data(cls: type[Entity], node: Map) -> dict[str, Any]:
    """The mapping of an entity as plain Python, each value read as its field's shape reads.

    Keys the entity does not have are kept (read as text), for ``build()`` to name.
    """
    keys = _keys(cls)
    data: dict[Any, Any] = {}
    spots = node.spots
    for number, (name, value) in enumerate(node.pairs.items()):
        plain = spots[2 * number + 1] & 1
        entry = keys.get(name)
        if entry is None:
            result = python_value(value, plain, "text")
        else:
            shape = entry[1].shape
            if SHAPES[shape].read == "nested":
                result = _nested_data(shape, value, plain)
            else:
                result = python_value(value, plain, SHAPES[shape].read)
        if result is not None and result is not _DROPPED:
            data[name] = result
    return data


def _nested_data(shape: str, value: Any, plain: int) -> Any:
    """The value of a field of nested entities: mappings read as their entity, ids as text."""
    cls = NESTED[shape]
    if type(value) is Map:
        return entity_data(cls, value)
    if type(value) is Seq:
        return tuple(
            entity_data(cls, item) if type(item) is Map else python_value(item, at & 1, "text")
            for item, at in zip(value, value.spots, strict=True)
            if item is not None
        )
    return python_value(value, plain, "text")


def _without(data: Any, bad: list[Path]) -> Any:
    """``data`` without the values at each of the ``bad`` paths (a key, or a list's entry)."""
    if not bad:
        return data
    if () in bad:
        return _GONE
    below: dict[str | int, list[Path]] = {}
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


def _restored(field: Path, removed: list[list[Path]]) -> Path:
    """``field`` of an entity built without some values, as the YAML numbers its entries.

    ``removed`` lists, stage by stage, the paths ``_without()`` took away.
    """
    if not removed:
        return field
    for stage in reversed(removed):
        out: list[str | int] = []
        for number, step in enumerate(field):
            if isinstance(step, int):
                prefix = tuple(out)
                gone = sorted(
                    index
                    for path in stage
                    if len(path) == number + 1
                    and isinstance(index := path[number], int)
                    and tuple(path[:number]) == prefix
                )
                for index in gone:
                    if index <= step:
                        step += 1
            out.append(step)
        field = tuple(out)
    return field


#: The kinds of id a model holds, by code: each section's kind, then fail points.
_KINDS: tuple[str, ...] = (*(s.kind for s in SECTIONS), "fail point")
_KIND_CODE = {kind: code for code, kind in enumerate(_KINDS)}
_SECTIONS = {s.name: s for s in SECTIONS}
_HEADER_KEYS = frozenset(key for key, _ in HEADER if key != "servicekit")


class Reader:
    """Gathers the entities of every document of every file into one model.

    Call ``begin()`` for each file, ``parse()`` it with
    ``item()`` as its ``on_item``, then ``document()`` for each of its documents; and
    ``model()`` at the end.
    """

    def __init__(self, ctx: Collector, size: int = 0) -> None:
        """``size`` is the number of characters to be read, in all files together."""
        self.ctx = ctx
        code = spots_code(size)
        #: key -> (value, file number, spot)
        self.header: dict[str, tuple[Any, int, int]] = {}
        self.entities: dict[str, list[Entity]] = {s.name: [] for s in SECTIONS}
        #: Each file read: its label, its text and its line table (to place problems).
        self.files: list[str] = []
        self.texts: list[bytes | str] = []
        self.lines: list[Lines] = []
        self._decoded: tuple[int, str] | None = None
        self._region: tuple[tuple[int, int], tuple[Map, int] | None] | None = None
        # Where each id is written, in parallel arrays indexed by the id's number.
        self.ids: dict[str, int] = {}
        self._kind = bytearray()
        self._file = array("I")
        self._id_spot = array(code)  # the id's own value
        self._spot = array(code)  # the entity's mapping (the id's again for a fail point)
        self._end = array(code)  # where the mapping ends, to read it again (0: not kept)
        #: Fail points whose place is not worked out yet: id -> (owner, path to its id).
        self._owners: dict[str, tuple[str, Path]] = {}
        self.skipped: set[str] = set()
        #: Entities built without some of their values: id -> the paths taken away.
        self.removed: dict[str, list[list[Path]]] = {}
        #: Entities the model does not hold (no id, a duplicate, could not be built): their
        #: kind, id, references, (file number, spot, end) and the paths taken from them.
        self.unbuilt: list[tuple[str, str | None, list[Any], tuple[int, int, int], Any]] = []
        self.audit: dict[str, str] = {}
        self.audit_where: dict[str, tuple[int, int]] = {}
        #: The audit's consequential words, and the file number and spot they were given at.
        self.consequential: tuple[tuple[str, ...], int, int] | None = None
        self.audit_node: tuple[int, Map] | None = None

    def begin(self, label: str, text: bytes | str) -> None:
        """The next file to read: its label, and its text (kept to place later problems)."""
        self.files.append(label)
        self.texts.append(text)
        self.lines.append(Lines(text))
        self.ctx.lines = self.lines[-1]

    @property
    def _file_number(self) -> int:
        return len(self.files) - 1

    def _where(self, file_number: int, at: int) -> str:
        """``file:line:column`` of spot ``at`` of a file."""
        line, column = self.lines[file_number].position(at >> 1)
        return f"{self.files[file_number]}:{line}:{column}"

    def claim(self, key: str, at: int, kind: str, node: Map | None = None, end: int = -1) -> bool:
        """Registers the id ``key`` (written at spot ``at``) of a ``kind``; reports it when
        some entity already has it. ``node`` and ``end`` say where the entity is written."""
        number = self.ids.get(key)
        if number is not None:
            if key in self._owners:  # a fail point: read its role again to find where
                owner, path = self._owners.pop(key)
                self._file[number], self._id_spot[number] = self.where_of(owner, path)
            self.ctx.at(
                at,
                f"duplicate id {shown(key)}: already used by the {_KINDS[self._kind[number]]} at "
                f"{self._where(self._file[number], self._id_spot[number])}",
                "ids must be unique across the whole model",
            )
            return False
        self.ids[key] = len(self._kind)
        self._kind.append(_KIND_CODE[kind])
        self._file.append(self._file_number)
        self._id_spot.append(at)
        self._spot.append(node.spot if node is not None else at)
        self._end.append(max(end, 0))
        return True

    # -- documents ------------------------------------------------------------------------

    def document(self, root: Any, at: int, first_in_file: bool) -> None:
        """Reads one non-empty document; the first of each file must give the version.

        Its entities have been read already, as the parser found them (``item()``).
        """
        ctx = self.ctx
        if type(root) is not Map:
            ctx.at(
                at,
                f"a model must be a mapping of sections, not {describe_node(root)}",
                "start it with 'servicekit: 1'",
            )
            return
        pairs = root.pairs
        if "servicekit" in pairs:
            self.version(pairs["servicekit"], root.value_spot("servicekit"))
        elif first_in_file:
            ctx.at(
                root.spot,
                "missing 'servicekit: 1' (the format version)",
                "add 'servicekit: 1' as the first line",
            )
        for number, (name, value) in enumerate(pairs.items()):
            spot = root.spots[2 * number + 1]
            if name == "servicekit":
                continue
            if name in _HEADER_KEYS:
                self.header_field(name, value, spot)
            elif name == "audit":
                self.audit_section(value, spot)
            elif name in _SECTIONS:
                self.section(name, value, spot)
            else:
                ctx.at(
                    root.spots[2 * number],
                    f"unknown section {shown(name)}",
                    nearest(name, TOP_LEVEL) or "sections: " + ", ".join(TOP_LEVEL),
                )

    def version(self, value: Any, at: int) -> None:
        if value is None:
            return  # dropped (an alias), reported already
        if type(value) is str and at & 1 and _INTEGER.fullmatch(value):
            digits = value.replace("_", "").lstrip("+").lstrip("0") or "0"
            if len(digits) > _MAX_DIGITS:
                # A hostile 10,000-digit version is cut in the message, never made an int.
                message = f"unsupported format version {clipped(value)}"
                self.ctx.at(at, message, f"this servicekit reads version {FORMAT_VERSION}")
                return
            number: Any = int(digits)
        else:
            number = python_value(value, at & 1, "number")
            if number is _DROPPED:
                return  # a tagged or aliased collection, reported where it is
        problem = version_problem(number)
        if problem is not None:
            self.ctx.at(at, problem.message, problem.hint)

    def header_field(self, name: str, value: Any, at: int) -> None:
        found = python_value(value, at & 1, "text")
        if found is None or found is _DROPPED:
            return
        if name in self.header and self.header[name][0] != found:
            _, file_number, first = self.header[name]
            line = self.lines[file_number].position(first >> 1)[0]
            self.ctx.at(
                at,
                f"the model's {name} is given twice, differently "
                f"(first at {self.files[file_number]}:{line})",
                "give it once",
            )
            return
        self.header.setdefault(name, (found, self._file_number, at))

    def audit_section(self, value: Any, at: int) -> None:
        if is_null(value, at):
            return
        if type(value) is not Map:
            self.ctx.at(at, f"the audit section must be a mapping, not {describe_node(value)}")
            return
        settings, rest, _, _ = self.entity(AuditSettings, value)
        settings = settings if settings is not None else rest
        if settings is None:  # pragma: no cover - the bad rules are left out, the rest builds
            return
        self.audit_node = (self._file_number, value)
        rules = value.pairs.get("rules")
        for rule, setting in settings.rules.items():
            spot = (
                rules.value_spot(rule) if type(rules) is Map and rule in rules.pairs else value.spot
            )
            if rule in self.audit and self.audit[rule] != setting:
                file_number, first = self.audit_where[rule]
                line = self.lines[file_number].position(first >> 1)[0]
                self.ctx.at(
                    spot,
                    f"audit rule {shown(rule)} is set twice, differently: {shown(setting)} here, "
                    f"{shown(self.audit[rule])} at {self.files[file_number]}:{line}",
                    "set each rule once",
                )
                continue
            if rule not in self.audit:
                self.audit[rule] = setting
                self.audit_where[rule] = (self._file_number, spot)
        words = settings.consequential
        if words is None:
            return
        spot = value.value_spot("consequential") if "consequential" in value.pairs else value.spot
        if self.consequential is None:
            self.consequential = (words, self._file_number, spot)
        elif self.consequential[0] != words:
            _, file_number, first = self.consequential
            line = self.lines[file_number].position(first >> 1)[0]
            self.ctx.at(
                spot,
                "the audit's consequential words are given twice, differently "
                f"(first at {self.files[file_number]}:{line})",
                "give them once",
            )

    def section(self, section: str, value: Any, at: int) -> None:
        """What is left of a section once its entities are read: entries that are not
        entities, or a section that is not a list."""
        ctx = self.ctx
        info = _SECTIONS[section]
        if is_null(value, at):
            return
        if type(value) is not Seq:
            ctx.at(at, f"{section} must be a list of {info.kind}s, not {describe_node(value)}")
            return
        for item, spot in zip(value, value.spots, strict=True):
            if type(item) is Map:  # pragma: no cover - the parser hands entities over as they end
                self.item(section, item, -1)
            elif item is None:
                continue  # dropped, already reported
            elif is_null(item, spot):
                ctx.at(spot, f"an empty entry in {section}")
            else:
                ctx.at(spot, f"each of {section} must be a mapping, not {describe_node(item)}")

    def item(self, section: str, node: Map, end: int) -> None:
        """An entity of ``section``, as soon as the parser has read it (``end`` is the
        character offset where its mapping ends)."""
        info = _SECTIONS.get(section)
        if info is None:
            return  # an unknown section, reported once at the end of its document
        key = None
        if "id" in node.pairs:
            key = python_value(node.pairs["id"], node.plain("id"), "text")
        if type(key) is not str or not key:
            # Its check says what is wrong with the id; its other problems are reported too.
            _, _, data, removed = self.entity(info.entity, node)
            self._unbuilt(info.entity, info.kind, None, data, removed, node, end)
            return
        if not self.claim(key, node.value_spot("id"), info.kind, node, end):
            _, _, data, removed = self.entity(info.entity, node)
            self._unbuilt(info.entity, info.kind, key, data, removed, node, end)
            return
        built, rest, data, removed = self.entity(info.entity, node, key)
        if removed:
            self.removed[key] = removed
        if built is not None:
            self.entities[section].append(built)
        elif rest is not None:
            self.entities[section].append(rest)  # the load fails; the model still checks it
        else:
            self.skipped.add(key)
            self._unbuilt(info.entity, info.kind, key, data, removed, node, end)

    def _unbuilt(
        self,
        cls: type[Entity],
        kind: str,
        key: str | None,
        data: Any,
        removed: list[list[Path]],
        node: Map,
        end: int,
    ) -> None:
        """Keeps the references of an entity the model will not hold (no id, a duplicate, or
        one that could not be built), to check them against the model's ids at the end."""
        refs = list(data_references(cls, data)) if isinstance(data, dict) else []
        if refs:
            self.unbuilt.append((kind, key, refs, (self._file_number, node.spot, end), removed))

    def entity(
        self, cls: type[Entity], node: Map, owner: str | None = None
    ) -> tuple[Any, Any, Any, list[list[Path]]]:
        """``cls`` built from ``node``; or, when it has problems (every one reported), ``None``
        and the entity without its bad values, if that can be built, so that the model's own
        checks still see the rest of it. Then the data it was built from, and the paths
        taken away from it, stage by stage.

        The ids of the fail points of a role are claimed here, in file order; a fail point
        whose id is taken is reported and left out.
        """
        data: Any = entity_data(cls, node)
        removed: list[list[Path]] = []
        built: Any = None
        try:
            built = build(cls, data)
        except ModelError as err:
            for problem in err.problems:
                self.ctx.located(problem, locate(node, problem.field, at_key=problem.at_key))
            bad = [problem.field for problem in err.problems]
            data = _without(data, bad)
            removed.append(bad)
            try:
                built = build(cls, data)
            except ModelError:
                built = None
        if built is not None:
            taken = list(self.fail_point_claims(built, node, removed, owner))
            if taken:
                data = _without(data, taken)
                removed.append(taken)
                built = build(cls, data)
        if removed:
            return None, built, data, removed
        return built, None, data, removed

    def fail_point_claims(
        self, entity: Any, node: Map, removed: list[list[Path]], owner: str | None
    ) -> Iterator[Path]:
        """Claims the ids of ``entity``'s fail points; yields where those already taken are.

        Where a fail point is written is worked out only when another one takes its id:
        the role or touchpoint ``owner`` (the id ``entity`` was claimed under, if it was) is
        read again then. Without an owner (no id, or a duplicate), it is worked out now.
        """
        if isinstance(entity, Role):
            found: Iterator[tuple[Path, Any]] = (
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
            key = fail_point.id
            if owner is not None and key not in self.ids:
                self.claim(key, 0, "fail point")
                self._owners[key] = (owner, (*at, "id"))
                continue
            spot = locate(node, _restored((*at, "id"), removed))
            first = self._owners.get(key)
            if first is not None and first[0] == owner:  # a fail point of this very entity
                self._id_spot[self.ids[key]] = locate(node, _restored(first[1], removed))
                del self._owners[key]
            if not self.claim(key, spot, "fail point"):
                yield at

    # -- the model ------------------------------------------------------------------------

    def model(self) -> ServiceModel | None:
        """The model of everything read, or ``None`` when it has problems (all reported)."""
        sources = {}
        fail_point = _KIND_CODE["fail point"]
        for key, number in self.ids.items():
            if self._kind[number] != fail_point:
                file_number = self._file[number]
                line, column = self.lines[file_number].position(self._spot[number] >> 1)
                sources[key] = SourceLocation(self.files[file_number], line, column)
        parts: dict[str, Any] = {key: value for key, (value, *_rest) in self.header.items()}
        parts.update(self.entities)
        model: ServiceModel | None = None
        try:
            audit = AuditSettings(
                rules=self.audit,
                consequential=None if self.consequential is None else self.consequential[0],
            )
            model = ServiceModel(**parts, audit=audit, sources=FrozenDict.adopt(sources))
        except ModelError as err:
            for problem in err.problems:
                if (
                    isinstance(problem.value, str)
                    and problem.value in self.skipped
                    and problem.field != ("id",)
                ):
                    continue  # a reference to an entity reported where it is written
                if problem.other is not None and problem.other[0] in self.ids:
                    first = self._where(*self.where_of(*problem.other))
                    problem = attrs.evolve(problem, message=f"{problem.message} at {first}")
                self._place(problem, *self.where_of(problem.subject, problem.field, problem.at_key))
        self._check_unbuilt()
        return model if model is not None and not self.ctx.problems else None

    def _place(self, problem: Problem, file_number: int, at: int) -> None:
        """Adds ``problem``, placed at spot ``at`` of a file."""
        line, column = self.lines[file_number].position(at >> 1)
        self.ctx.placed(problem.at(self.files[file_number], line, column))

    def _check_unbuilt(self) -> None:
        """The references of entities the model does not hold, checked against its ids."""
        if not self.unbuilt:
            return
        known: dict[str, set[str]] = {kind: set() for kind in _KINDS}
        for key, number in self.ids.items():
            known[_KINDS[self._kind[number]]].add(key)
        known["department"] = {
            department
            for role in self.entities["roles"]
            if isinstance(department := getattr(role, "department", None), str)
        }
        hints = 0
        budget = [HINT_BUDGET]
        pools: dict[tuple[str, ...], Nearest] = {}
        for kind, subject, refs, (file_number, at, end), removed in self.unbuilt:
            for path, value, kinds in refs:
                if any(value in known.get(k, ()) for k in kinds):
                    continue
                hint = None
                if hints < MAX_HINTS:
                    hints += 1
                    if kinds not in pools:
                        pools[kinds] = Nearest((i for k in kinds for i in known[k]), budget)
                    hint = pools[kinds].hint(value)
                problem = unknown_reference(kind, subject, path, value, kinds, hint)
                spot = self._spot_in(file_number, at, end, _restored(path, removed))
                self._place(problem, file_number, spot)

    def where_of(self, subject: str | None, field: Path, at_key: bool = False) -> tuple[int, int]:
        """The file number and spot a model problem about ``subject``'s ``field`` points at."""
        if subject is None:
            if field and field[0] in self.header:
                _, file_number, at = self.header[str(field[0])]
                return file_number, at
            if self.audit_node is not None:
                file_number, node = self.audit_node
                return file_number, locate(node, field[1:])
            return 0, 0  # pragma: no cover - every problem names something
        number = self.ids[subject]
        field = _restored(field, self.removed.get(subject, []))
        file_number = self._file[number]
        at = self._spot_in(file_number, self._spot[number], self._end[number], field, at_key)
        return file_number, at

    def _spot_in(
        self, file_number: int, at: int, end: int, field: Path, at_key: bool = False
    ) -> int:
        """The spot of ``field`` in the entity whose mapping is at spot ``at`` (until ``end``)."""
        found = self._read_again(file_number, at, end)
        if found is None:
            return at
        node, shift = found
        return locate(node, field, at_key=at_key) + 2 * shift

    def _read_again(self, file_number: int, at: int, end: int) -> tuple[Map, int] | None:
        """The mapping of one entity, parsed again from its text, and how far to move its
        spots to place them in the file.

        The text before it on its first line becomes spaces, so that it reads as it did in
        the file; the last one read is kept for the next problem.
        """
        start = at >> 1
        if end <= start:
            return None
        if self._region is not None and self._region[0] == (file_number, start):
            return self._region[1]
        if self._decoded is None or self._decoded[0] != file_number:
            raw = self.texts[file_number]
            self._decoded = (file_number, raw if isinstance(raw, str) else raw.decode("utf-8"))
        indent = self.lines[file_number].position(start)[1] - 1
        try:
            documents = parse(" " * indent + self._decoded[1][start:end], Collector())
        except TooMany:  # pragma: no cover - it was read once with fewer problems than this
            documents = []
        root = documents[0][0] if documents else None
        found = (root, start - indent) if type(root) is Map and root.start == indent else None
        self._region = ((file_number, start), found)
        return found
