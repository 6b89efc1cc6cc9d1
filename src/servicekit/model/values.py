"""What each kind of value in a model may be: every value check, written once.

A field of an entity has a *shape* (``text``, ``ids``, ``rate`` ...). Its
``Shape`` says which Python values are good (``ok``), and for a bad one
which problems to report (``explain``), in words a person reads. Entities run
these checks when they are built, from Python or from YAML alike, so a mistake
gets the same message both ways; the YAML reader only turns YAML into Python
values (``read`` says how) and adds the position.

Each field's shape, YAML key, reference target and documentation is its
``FieldSpec``, kept in the attrs metadata of the entity class: the entity
classes themselves are the one table of fields that the reader, the writer,
the JSON Schema and the docs all read (see ``servicekit.model.sections``).

Examples
--------
>>> SHAPES["rate"].ok(0.5), SHAPES["rate"].ok(1.5)
(True, False)
>>> for found in SHAPES["rate"].explain(1.5, "the rate of fail point 'f'", None):
...     print(found[1])
the rate of fail point 'f' must be between 0 and 1, got 1.5
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from servicekit.errors import clipped, nearest, shown
from servicekit.model.vocabulary import AUDIT_RULES, RULE_SETTINGS

__all__ = [
    "SHAPES",
    "FieldSpec",
    "Shape",
    "checker",
    "describe",
    "is_probability",
    "is_text",
    "spec",
]

#: (path below the field, message, hint): one problem found in a value.
Found = tuple[tuple[str | int, ...], str, "str | None"]


def describe(value: object) -> str:
    """A value as a message names it: a short repr, or what kind of thing it is.

    Examples
    --------
    >>> describe("x"), describe(["a"]), describe({"a": 1}), describe(None)
    ("'x'", 'a list', 'a mapping', 'null')
    """
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return shown(value)


def is_probability(value: object) -> bool:
    """A finite number between 0 and 1 (booleans are not numbers here)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0.0 <= value <= 1.0
    )


@attrs.frozen(kw_only=True)
class FieldSpec:
    """How one field of an entity is written, checked and documented.

    ``shape`` names its ``SHAPES`` entry; ``key`` is the YAML key (the
    attribute name unless a Python keyword is in the way); ``refers_to`` the
    kinds of entity its ids must name; ``choices`` the words a ``choice`` may be.
    """

    shape: str
    key: str | None = None
    required: bool = False
    refers_to: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    doc: str = ""


def spec(
    shape: str,
    doc: str,
    *,
    key: str | None = None,
    required: bool = False,
    refers_to: tuple[str, ...] = (),
    choices: tuple[str, ...] = (),
) -> dict[str, FieldSpec]:
    """attrs ``metadata`` carrying a ``FieldSpec``."""
    if shape not in SHAPES:  # pragma: no cover - a mistake in this package, caught at import
        raise KeyError(shape)
    return {
        "servicekit": FieldSpec(
            shape=shape, key=key, required=required, refers_to=refers_to, choices=choices, doc=doc
        )
    }


Check = Callable[[Any], bool]
Explain = Callable[[Any, str, "FieldSpec | None"], Iterator[Found]]


@attrs.frozen(kw_only=True)
class Shape:
    """A kind of value: its check, how problems are worded, how YAML writes it.

    ``read`` tells the YAML reader how to turn scalars into Python values:
    ``text`` keeps every scalar as the exact string written, ``number`` reads a
    plain number as a float, ``boolean`` a plain ``true``/``false``, ``integer``
    plain digits as an int (and other plain numbers as floats, for the check to
    name); ``nested`` means a mapping the reader builds as an entity.
    """

    name: str
    ok: Check
    explain: Explain
    read: str
    doc: str
    schema: dict[str, Any]


# --- the checks ---------------------------------------------------------------------------


#: A lone surrogate: a str can hold one (``"\\udc80"``, from bytes decoded with
#: ``surrogateescape``), but no UTF-8 file can, so a model holding one could not be saved.
_SURROGATE = re.compile("[\\ud800-\\udfff]")


def is_text(value: object) -> bool:
    """A str that a UTF-8 file can hold: no lone surrogate (ASCII is checked at once).

    Examples
    --------
    >>> is_text("café"), is_text("caf\\udce9"), is_text(b"cafe")
    (True, False, False)
    """
    return type(value) is str and (value.isascii() or _SURROGATE.search(value) is None)


def _is_text(value: object) -> bool:
    return type(value) is str and (value.isascii() or _SURROGATE.search(value) is None)


def _is_id(value: object) -> bool:
    return value != "" and _is_text(value)


def _is_optional_id(value: object) -> bool:
    return value is None or (value != "" and _is_text(value))


def _is_texts(value: object) -> bool:
    return type(value) is tuple and all(_is_text(item) for item in value)


def _is_ids(value: object) -> bool:
    return type(value) is tuple and all(item and _is_text(item) for item in value)


def _surrogate_problem(text: str, what: str) -> tuple[str, str]:
    """The message and hint for ``text`` holding a lone surrogate."""
    found = _SURROGATE.search(text)
    where = found.start() if found else 0
    return (
        f"{what} holds a lone surrogate ({text[where]!a} at character {where + 1} of "
        f"{shown(text)}), which no UTF-8 file can hold",
        "decode the text that became it as UTF-8 (bytes decoded with surrogateescape "
        "keep their bad bytes this way)",
    )


def _explain_text(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    if type(value) is str:
        message, hint = _surrogate_problem(value, what)
        yield (), message, hint
        return
    yield (), f"{what} must be a string, not {describe(value)}", None


def _explain_id(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    if value == "":
        yield (), f"{what} must not be empty", None
    else:
        yield from _explain_text(value, what, spec)


def _explain_list(
    value: object, what: str, entry_ok: Check, entry: str, *, empty_ok: bool
) -> Iterator[Found]:
    if not isinstance(value, tuple):
        hint = f"write [{clipped(value)}]" if isinstance(value, str) else None
        yield (), f"{what} must be a list, not {describe(value)}", hint
        return
    for index, item in enumerate(value):
        if entry_ok(item):
            continue
        if item is None:
            yield (index,), f"each entry of {what} must not be null", "remove the empty entry"
        elif item == "" and not empty_ok:
            yield (index,), f"each entry of {what} must not be empty", None
        elif type(item) is str:
            yield (index,), *_surrogate_problem(item, f"an entry of {what}")
        else:
            yield (index,), f"each entry of {what} must be {entry}, not {describe(item)}", None


def _explain_texts(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    yield from _explain_list(value, what, _is_text, "a string", empty_ok=True)


def _explain_ids(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    yield from _explain_list(value, what, _is_id, "an id (a string)", empty_ok=False)


def _explain_rate(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    yield from _explain_probability(value, what, "a rate is a probability per unit of work")


def _is_optional_rate(value: object) -> bool:
    return value is None or is_probability(value)


def _is_boolean(value: object) -> bool:
    return type(value) is bool


#: Words YAML 1.1 read as booleans that servicekit does not: only true and false are.
_OLD_BOOLEANS = frozenset(
    word
    for base in ("yes", "no", "on", "off", "y", "n")
    for word in (base, base.capitalize(), base.upper())
)


def _explain_boolean(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    if isinstance(value, str) and value in _OLD_BOOLEANS:
        yield (
            (),
            f"{what} must be true or false, not {shown(value)}",
            "YAML 1.1's yes, no, on and off are not booleans here: write true or false",
        )
    elif isinstance(value, str) and value.lower() in ("true", "false"):
        yield (
            (),
            f"{what} must be true or false, not the string {shown(value)}",
            ("write it without quotes"),
        )
    else:
        yield (), f"{what} must be true or false, not {describe(value)}", None


def _is_count(value: object) -> bool:
    return value is None or (type(value) is int and value >= 1)


def _explain_count(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    if isinstance(value, str):
        numeric = value.strip().isdigit()
        yield (
            (),
            f"{what} must be a whole number of at least 1, not the string {shown(value)}",
            "write it without quotes, e.g. 3" if numeric else None,
        )
    elif isinstance(value, bool) or not isinstance(value, int | float):
        yield (), f"{what} must be a whole number of at least 1, not {describe(value)}", None
    else:
        yield (
            (),
            f"{what} must be a whole number of at least 1, got {shown(value)}",
            ("it counts the people who can do the job" if isinstance(value, int) else None),
        )


def _is_names(value: object) -> bool:
    return value is None or (_is_ids(value) and len(value) > 0)  # type: ignore[arg-type]


def _explain_names(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    if value == ():
        yield (), f"{what} must not be empty", "name at least one, or leave the key out"
    else:
        yield from _explain_ids(value, what, spec)


def _is_optional_texts(value: object) -> bool:
    return value is None or _is_texts(value)


def _explain_probability(value: object, what: str, hint: str) -> Iterator[Found]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        numeric = isinstance(value, str) and _looks_numeric(value)
        yield (
            (),
            f"{what} must be a number, not {'the string ' if isinstance(value, str) else ''}"
            f"{describe(value)}",
            "write it without quotes, e.g. 0.05" if numeric else None,
        )
    elif not math.isfinite(value):
        yield (), f"{what} must be a finite number, got {shown(value)}", None
    else:
        yield (), f"{what} must be between 0 and 1, got {shown(value)}", hint


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_catches(value: object) -> bool:
    return isinstance(value, Mapping) and all(
        k and _is_text(k) and is_probability(v) for k, v in value.items()
    )


def _explain_catches(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    if not isinstance(value, Mapping):
        yield (), f"{what} must be a mapping of category -> share, not {describe(value)}", None
        return
    for category, share in value.items():
        if category == "":
            yield ("",), f"{what}: a category must not be empty", None
            continue
        if type(category) is not str:
            yield (), f"{what}: a category must be a string, not {describe(category)}", None
            continue
        if not _is_text(category):
            yield (category,), *_surrogate_problem(category, f"a category of {what}")
            continue
        if not is_probability(share):
            for _, message, hint in _explain_probability(
                share,
                f"the share of {shown(category)} defects in {what}",
                "a catch is the share of such defects the role stops",
            ):
                yield (category,), message, hint


def _is_choice_of(choices: tuple[str, ...], value: object) -> bool:
    return value is None or (type(value) is str and value in choices)


def _explain_choice(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    choices = spec.choices if spec is not None else ()
    if _is_choice_of(choices, value):
        return
    if not isinstance(value, str):
        yield from _explain_text(value, what, spec)
        return
    yield (
        (),
        f"{what} must be one of {', '.join(choices)}, not {shown(value)}",
        nearest(value, choices),
    )


def _is_rules(value: object) -> bool:
    return isinstance(value, Mapping) and all(
        k in AUDIT_RULES and v in RULE_SETTINGS for k, v in value.items()
    )


def _explain_rules(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
    if not isinstance(value, Mapping):
        yield (), f"{what} must be a mapping of rule -> setting, not {describe(value)}", None
        return
    for rule, setting in value.items():
        if not isinstance(rule, str):
            yield (), f"{what}: a rule must be named by its id, not {describe(rule)}", None
        elif rule not in AUDIT_RULES:
            yield (
                (rule,),
                f"unknown audit rule {shown(rule)}",
                nearest(str(rule), list(AUDIT_RULES)),
            )
        elif setting not in RULE_SETTINGS:
            yield (
                (rule,),
                f"audit rule {shown(rule)} must be off, error, warning or info, "
                f"not {describe(setting)}",
                _setting_hint(setting),
            )


#: Words YAML 1.1 reads as false: someone writing one of them for a rule meant ``off``.
_FALSE_WORDS = frozenset({"no", "No", "NO", "n", "N", "false", "False", "FALSE"})


def _setting_hint(setting: object) -> str | None:
    if setting is False or setting in _FALSE_WORDS:
        return "did you mean 'off'? (write off to turn a rule off)"
    return nearest(setting, RULE_SETTINGS) if isinstance(setting, str) else None


def _entities_of(name: str, entry: str) -> tuple[Check, Explain]:
    """Checks for a tuple of nested entities: ``name`` is the class, ``entry`` what YAML writes."""

    def ok(value: object) -> bool:
        return type(value) is tuple and all(type(item).__name__ == name for item in value)

    def explain(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
        if not isinstance(value, tuple):
            hint = f"write [{clipped(value)}]" if isinstance(value, str) else None
            yield (), f"{what} must be a list, not {describe(value)}", hint
            return
        for index, item in enumerate(value):
            if item is None:
                yield (index,), f"each entry of {what} must not be null", "remove the empty entry"
            elif type(item).__name__ != name:
                yield (index,), f"each entry of {what} must be {entry}, not {describe(item)}", None

    return ok, explain


def _entity_of(name: str, *, optional: bool) -> tuple[Check, Explain]:
    def ok(value: object) -> bool:
        return (optional and value is None) or type(value).__name__ == name

    def explain(value: object, what: str, spec: FieldSpec | None) -> Iterator[Found]:
        yield (), f"{what} must be a mapping ({name}), not {describe(value)}", None

    return ok, explain


_ID_SCHEMA: dict[str, Any] = {"type": "string", "minLength": 1}
_TEXTS_SCHEMA: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
_IDS_SCHEMA: dict[str, Any] = {"type": "array", "items": _ID_SCHEMA}
_RATE_SCHEMA: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 1}
_NAMES_SCHEMA: dict[str, Any] = {"type": "array", "items": _ID_SCHEMA, "minItems": 1}


def _shape(name: str, ok: Check, explain: Explain, read: str, doc: str, schema: Any) -> Shape:
    return Shape(name=name, ok=ok, explain=explain, read=read, doc=doc, schema=schema)


#: Every shape a field may have, by name.
SHAPES: Mapping[str, Shape] = {
    shape.name: shape
    for shape in (
        _shape("id", _is_id, _explain_id, "text", "an id", _ID_SCHEMA),
        _shape("ref", _is_optional_id, _explain_id, "text", "an id", _ID_SCHEMA),
        _shape("text", _is_text, _explain_text, "text", "text", {"type": "string"}),
        _shape("texts", _is_texts, _explain_texts, "text", "a list of text", _TEXTS_SCHEMA),
        _shape("ids", _is_ids, _explain_ids, "text", "a list of ids", _IDS_SCHEMA),
        _shape("rate", is_probability, _explain_rate, "number", "a number 0..1", _RATE_SCHEMA),
        _shape(
            "optional_rate",
            _is_optional_rate,
            _explain_rate,
            "number",
            "a number 0..1, or absent: unknown",
            _RATE_SCHEMA,
        ),
        _shape(
            "boolean",
            _is_boolean,
            _explain_boolean,
            "boolean",
            "true or false",
            {"type": "boolean"},
        ),
        _shape(
            "count",
            _is_count,
            _explain_count,
            "integer",
            "a whole number >= 1",
            {"type": "integer", "minimum": 1},
        ),
        _shape(
            "names",
            _is_names,
            _explain_names,
            "text",
            "a non-empty list of ids, or absent",
            _NAMES_SCHEMA,
        ),
        _shape(
            "optional_texts",
            _is_optional_texts,
            _explain_texts,
            "text",
            "a list of text, or absent",
            _TEXTS_SCHEMA,
        ),
        _shape(
            "catches",
            _is_catches,
            _explain_catches,
            "number",
            "category -> number 0..1",
            {"type": "object", "additionalProperties": _RATE_SCHEMA},
        ),
        _shape("choice", _is_optional_id, _explain_choice, "text", "one word of a list", {}),
        _shape(
            "rules",
            _is_rules,
            _explain_rules,
            "text",
            "rule id -> off, error, warning or info",
            {"type": "object"},
        ),
        _shape(
            "handoffs",
            *_entities_of("Handoff", "a role id or a mapping with 'to'"),
            "nested",
            "ids or hand-offs",
            {},
        ),
        _shape(
            "fail_points",
            *_entities_of("FailPoint", "a mapping with an id (a fail point)"),
            "nested",
            "a list of fail points",
            {},
        ),
        _shape("scope", *_entity_of("PrincipleScope", optional=True), "nested", "a mapping", {}),
        _shape("audience", *_entity_of("Audience", optional=False), "nested", "a mapping", {}),
        _shape("settings", *_entity_of("AuditSettings", optional=False), "nested", "a mapping", {}),
    )
}


def checker(field: FieldSpec) -> Check:
    """The fast check of one field: its shape's, narrowed by the field's ``choices``."""
    if field.shape == "choice":
        choices = frozenset(field.choices)
        return lambda value: value is None or (type(value) is str and value in choices)
    return SHAPES[field.shape].ok
