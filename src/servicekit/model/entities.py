"""The entities of a model: frozen, slotted attrs classes that check themselves.

Every entity is immutable and compared by value. Collections inside entities
are tuples and mappings are ``FrozenDict``, so
whole models are hashable. Each field carries a
``FieldSpec`` in its metadata: its shape, its YAML
key, what its ids refer to, and its documentation. Building an entity checks
every field against its shape and raises one ``ModelError``
with every problem, each naming the entity, the field and the value.

Examples
--------
>>> from servicekit import FailPoint, ModelError
>>> try:
...     FailPoint(id="missed-stain", category="stain", rate=1.5)
... except ModelError as err:
...     print(err)
<model>: error: the rate of fail point 'missed-stain' must be between 0 and 1, got 1.5; a rate is a probability per unit of work
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from servicekit._runtime import later
from servicekit.errors import ModelError, Problem, nearest, shown
from servicekit.model.frozen import FrozenDict
from servicekit.model.values import SHAPES, FieldSpec, checker, is_probability, spec
from servicekit.model.vocabulary import PROGRAM_CONTENT, ROLE_KINDS

__all__ = [
    "Audience",
    "AuditSettings",
    "Customer",
    "Entity",
    "FailPoint",
    "Handoff",
    "InternalCustomer",
    "Metric",
    "Principle",
    "PrincipleScope",
    "Program",
    "Role",
    "Scenario",
    "Script",
    "SourceLocation",
    "Touchpoint",
    "field_specs",
]

T = TypeVar("T")
E = TypeVar("E")


# --- converters: shape only, never a judgement (the checks judge) --------------------------


def _tuple(value: Iterable[T]) -> tuple[T, ...]:
    """Lists and other iterables become tuples; anything else is left for the check to name."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]
    return tuple(value)


def _rate(value: float) -> float:
    return float(value) if is_probability(value) else value


def _optional_rate(value: float | None) -> float | None:
    return None if value is None else _rate(value)


def _names(value: Iterable[str] | None) -> tuple[str, ...] | None:
    """A list that names things, or ``None`` when the key is left out."""
    return None if value is None else _tuple(value)


def _person(value: str | None) -> str:
    """A role's kind; left out (``None``) it is a person."""
    return "person" if value is None else value


def _probabilities(value: Mapping[str, float]) -> FrozenDict[str, float]:
    if not isinstance(value, Mapping):
        return value
    return FrozenDict({k: _rate(v) for k, v in value.items()})


def _settings(value: Mapping[str, str]) -> FrozenDict[str, str]:
    """Rule settings; a rule set to ``None`` (YAML's null) is not set at all."""
    if not isinstance(value, Mapping):
        return value
    return FrozenDict({rule: setting for rule, setting in value.items() if setting is not None})


class _Broken:
    """A nested entity that could not be built: its problems, for the enclosing entity to report."""

    __slots__ = ("problems",)

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems

    def __repr__(self) -> str:
        return f"<{len(self.problems)} problem(s)>"


def _nested(cls: type[E], value: Any) -> E | Any:
    """``value`` as a ``cls``: built from a mapping, kept when it already is one.

    A mapping that cannot be built becomes a ``_Broken`` holding its problems, so
    the enclosing entity reports them with the rest of its own.
    """
    if isinstance(value, Mapping):
        try:
            return build(cls, value)
        except ModelError as err:
            return _Broken(err.problems)
    return value


def _handoffs(value: Iterable[Handoff | str | Mapping[str, Any]]) -> tuple[Handoff, ...]:
    """Hand-offs as YAML writes them: role ids, mappings with ``to``, or ``Handoff`` objects."""
    items = _tuple(value)
    if not isinstance(items, tuple):
        return items
    found: list[Any] = []
    for item in items:
        if type(item) is str:
            try:
                found.append(Handoff(to=item))
            except ModelError as err:
                found.append(_Broken(err.problems))
        else:
            found.append(_nested(Handoff, item))
    return tuple(found)


def _fail_points(value: Iterable[FailPoint | Mapping[str, Any]]) -> tuple[FailPoint, ...]:
    """Fail points as YAML writes them (mappings) or ``FailPoint`` objects."""
    items = _tuple(value)
    if not isinstance(items, tuple):
        return items
    return tuple(_nested(FailPoint, item) for item in items)


def _scope(value: PrincipleScope | Mapping[str, Any] | None) -> PrincipleScope | None:
    found: PrincipleScope | None = _nested(PrincipleScope, value)
    return found


def _audience(value: Audience | Mapping[str, Any]) -> Audience:
    found: Audience = _nested(Audience, value)
    return found


# --- building from mappings, and the check every entity runs ------------------------------

#: Per class: (attribute, YAML key, fast check, spec) for every field, built on first use.
_CHECKS: dict[type, tuple[tuple[str, str, Any, FieldSpec], ...]] = {}
#: Per class: YAML key -> attribute name.
_KEYS: dict[type, dict[str, str]] = {}


def field_specs(cls: type) -> tuple[tuple[str, FieldSpec], ...]:
    """(attribute name, ``FieldSpec``) of every field of an entity class, in order.

    Examples
    --------
    >>> [(name, s.shape) for name, s in field_specs(FailPoint)]
    [('id', 'id'), ('category', 'text'), ('rate', 'optional_rate'), ('shows_at', 'names')]
    """
    found = []
    for attribute in attrs.fields(cls):
        field = attribute.metadata.get("servicekit")
        if field is not None:
            found.append((attribute.name, field))
    return tuple(found)


def keys_of(cls: type) -> dict[str, str]:
    """YAML key -> attribute name, for every field of an entity class, in order.

    Examples
    --------
    >>> keys_of(Handoff)["for"], list(keys_of(Handoff))
    ('for_', ['to', 'item', 'expectations', 'fail_points', 'for', 'required'])
    """
    keys = _KEYS.get(cls)
    if keys is None:
        keys = {field.key or name: name for name, field in field_specs(cls)}
        _KEYS[cls] = keys
    return keys


def build(cls: type[E], data: Mapping[str, Any]) -> E:
    """A ``cls`` from a mapping keyed as the YAML format writes it.

    Every problem is raised together as one ``ModelError``: keys the
    entity does not have (with the nearest known ones), and every value its check refuses.

    Examples
    --------
    >>> build(Handoff, {"to": "cleaner", "item": "tagged garment"}).to
    'cleaner'
    >>> try:
    ...     build(Role, {"id": "tagger", "depratment": "intake"})
    ... except ModelError as err:
    ...     print(err)
    <model>: error: unknown key 'depratment' in a role; did you mean 'department'?
    """
    keys = keys_of(cls)
    values: dict[str, Any] = {}
    unknown = []
    for key, value in data.items():
        name = keys.get(key) if isinstance(key, str) else None
        if name is None:
            unknown.append(key)
        else:
            values[name] = value
    problems: list[Problem] = []
    if unknown:
        kind: str = getattr(cls, "entity_kind", cls.__name__)
        called = _called(cls)
        subject = data.get("id") if isinstance(data.get("id"), str) else None
        for key in unknown:
            text = str(key)
            problems.append(
                Problem(
                    message=f"unknown key {shown(key)} in {called}",
                    hint=nearest(text, list(keys)) or "known keys: " + ", ".join(keys),
                    kind=kind,
                    subject=subject,
                    field=(text,),
                    value=key,
                    at_key=True,
                    noun=called if subject is None else None,
                )
            )
    try:
        entity = cls(**values)
    except ModelError as err:
        problems.extend(err.problems)
        raise ModelError(problems) from None
    if problems:
        raise ModelError(problems)
    return entity


def _called(cls: type) -> str:
    """How a message names an entity of ``cls`` it cannot name by id: ``a role``."""
    called: str | None = getattr(cls, "called", None)
    if called is not None:
        return called
    kind: str = getattr(cls, "entity_kind", cls.__name__)
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def _checks(cls: type) -> tuple[tuple[str, str, Any, FieldSpec], ...]:
    table = _CHECKS.get(cls)
    if table is None:
        table = tuple(
            (name, field.key or name, checker(field), field) for name, field in field_specs(cls)
        )
        _CHECKS[cls] = table
    return table


def _broken_within(value: Any) -> Iterator[tuple[tuple[int, ...], _Broken]]:
    """The nested entities of a field that could not be built, with where they are in it."""
    if isinstance(value, _Broken):
        yield (), value
    elif type(value) is tuple:
        for index, item in enumerate(value):
            if isinstance(item, _Broken):
                yield (index,), item


class Entity:
    """What every entity shares: it checks its fields when built, and has a label.

    ``entity_kind`` is how messages name this kind of entity (``role``, ``fail point``);
    it is not called ``kind`` because a role has a field of that name (person or system).
    A field marked required reports a missing value as ``... needs 'key'``.
    """

    __slots__ = ()
    entity_kind: ClassVar[str] = "entity"
    #: How messages name such an entity when it has no id (``a role``, ``the audience``).
    called: ClassVar[str | None] = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] | None = None
        for name, key, ok, field in _checks(type(self)):
            value = getattr(self, name)
            if ok(value):
                continue
            if problems is None:
                problems = []
            if value is None and field.required:
                problems.append(self._problem((key,), self._missing(key), None, None))
                continue
            broken = list(_broken_within(value))
            if broken:
                noun = self._noun()
                for where, nested in broken:
                    problems.extend(
                        p.within(self.entity_kind, self._subject, (key, *where), noun)
                        for p in nested.problems
                    )
                continue
            what = self._what(key)
            for below, message, hint in SHAPES[field.shape].explain(value, what, field):
                problems.append(self._problem((key, *below), message, hint, value))
        for below, message, hint, value in self._more_problems():
            if problems is None:
                problems = []
            problems.append(self._problem(below, message, hint, value))
        if problems:
            raise ModelError(problems)

    def _more_problems(self) -> Iterator[tuple[tuple[str | int, ...], str, str | None, Any]]:
        """Checks that span several fields (none unless a class says otherwise)."""
        return iter(())

    @property
    def _subject(self) -> str | None:
        value = getattr(self, "id", None)
        return value if type(value) is str and value else None

    def _noun(self) -> str:
        subject = self._subject
        return (
            f"{self.entity_kind} {shown(subject)}" if subject is not None else _called(type(self))
        )

    def _missing(self, key: str) -> str:
        if key == "id":
            return f"a {self.entity_kind} needs an id"
        if key == "to":
            return f"{self._noun()} needs 'to': the role receiving it"
        return f"{self._noun()} needs {shown(key)}"

    def _what(self, key: str) -> str:
        if key == "id":
            return f"a {self.entity_kind}'s 'id'"
        if key == "to":
            return f"the 'to' of {self._noun()}"
        return f"the {key} of {self._noun()}"

    def _problem(
        self, field: tuple[str | int, ...], message: str, hint: str | None, value: Any
    ) -> Problem:
        subject = self._subject
        return Problem(
            message=message,
            hint=hint,
            kind=self.entity_kind,
            subject=subject,
            field=field,
            value=value,
            noun=self._noun() if subject is None else None,
        )

    @property
    def label(self) -> str:
        """The name, or the id when there is no name."""
        name: str = getattr(self, "name", "") or getattr(self, "id", "")
        return name

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").entity_html(self)
        return text


# --- the entities --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Customer(Entity):
    """An external customer segment or persona: who the organisation serves."""

    entity_kind: ClassVar[str] = "customer"

    id: str = attrs.field(
        default=None, metadata=spec("id", "Unique across the whole model.", required=True)
    )
    name: str = attrs.field(
        default="", metadata=spec("text", "What the segment or persona is called.")
    )
    description: str = attrs.field(default="", metadata=spec("text", "Anything worth saying."))
    needs: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, metadata=spec("texts", "What the customer must get.")
    )
    wants: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, metadata=spec("texts", "What they would like.")
    )
    values: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, metadata=spec("texts", "What they judge the service by.")
    )


@attrs.frozen(kw_only=True)
class FailPoint(Entity):
    """A known way a hand-off or a touchpoint goes wrong, with its rate per unit of work.

    ``rate`` is ``None`` when it is not known (the YAML leaves it out): an unknown
    rate is never taken for 0. ``shows_at`` names the touchpoints where the defect
    can show; ``None`` (left out) means wherever the chain carries it.
    """

    entity_kind: ClassVar[str] = "fail point"

    id: str = attrs.field(
        default=None, metadata=spec("id", "Unique across the whole model.", required=True)
    )
    category: str = attrs.field(
        default="",
        metadata=spec("text", "What kind of defect it makes (`stain`, `lost-item` ...)."),
    )
    rate: float | None = attrs.field(
        default=None,
        converter=_optional_rate,
        metadata=spec("optional_rate", "How often it happens, per unit of work; absent: unknown."),
    )
    shows_at: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=_names,
        metadata=spec(
            "names",
            "Touchpoints where the defect can show; absent: wherever the chain carries it.",
            refers_to=("touchpoint",),
        ),
    )


@attrs.frozen(kw_only=True)
class Handoff(Entity):
    """Work a role passes ``to`` the next role: one entry of the giving role's ``serves``.

    The receiving role is the giver's internal customer: ``expectations`` say
    what it needs from the work, ``fail_points`` how the hand-off goes wrong.
    """

    entity_kind: ClassVar[str] = "hand-off"

    to: str = attrs.field(
        default=None,
        metadata=spec("id", "The role receiving the work.", required=True, refers_to=("role",)),
    )
    item: str = attrs.field(default="", metadata=spec("text", "What is handed over."))
    expectations: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("texts", "What the receiver expects of it."),
    )
    fail_points: tuple[FailPoint, ...] = attrs.field(
        factory=tuple,
        converter=_fail_points,
        metadata=spec("fail_points", "Known ways the hand-off goes wrong."),
    )
    #: The customers this hand-off is for; ``None`` (YAML: no ``for``) means every customer.
    #: Python spells it ``for_`` (``for`` is a keyword); YAML and JSON say ``for``.
    for_: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=_names,
        metadata=spec(
            "names",
            "The customers it is for; absent: every customer.",
            key="for",
            refers_to=("customer",),
        ),
    )
    required: bool = attrs.field(
        default=False,
        metadata=spec("boolean", "The receiver cannot do without it (an approval, a part)."),
    )

    @property
    def is_plain(self) -> bool:
        """True when the hand-off says no more than whom it goes to."""
        return not (
            self.item or self.expectations or self.fail_points or self.for_ or self.required
        )

    def admits(self, customer: str | None) -> bool:
        """Whether the hand-off is in ``customer``'s chain (``None``: the whole chain)."""
        return customer is None or self.for_ is None or customer in self.for_

    def _noun(self) -> str:
        return (
            f"the hand-off to {shown(self.to)}"
            if type(self.to) is str and self.to
            else "a hand-off"
        )

    @property
    def _subject(self) -> str | None:
        return None


@attrs.frozen(kw_only=True)
class Role(Entity):
    """A job in the organisation, or a system doing work in the chain, and its hand-offs.

    ``kind`` is ``person`` (the default) or ``system``: a check-in kiosk or a
    records system. Systems are not people: principles and programmes leave
    them out. ``headcount`` is how many people can do the job (``None``: not
    said), ``backup`` the roles that can stand in for it, and ``starts`` says
    that work originates here without a hand-off (monitoring, scheduling).
    """

    entity_kind: ClassVar[str] = "role"

    id: str = attrs.field(
        default=None, metadata=spec("id", "Unique across the whole model.", required=True)
    )
    name: str = attrs.field(default="", metadata=spec("text", "The job's title."))
    description: str = attrs.field(default="", metadata=spec("text", "Anything worth saying."))
    kind: str = attrs.field(
        default="person",
        converter=_person,
        metadata=spec(
            "choice", "person (the default) or system (a kiosk, a portal).", choices=ROLE_KINDS
        ),
    )
    department: str | None = attrs.field(
        default=None,
        metadata=spec(
            "ref", "Groups roles for principles, programmes and metrics (a department name)."
        ),
    )
    reports_to: str | None = attrs.field(
        default=None,
        metadata=spec("ref", "The role's manager; managers form a chain.", refers_to=("role",)),
    )
    headcount: int | None = attrs.field(
        default=None,
        metadata=spec("count", "How many people can do this job; absent: not said."),
    )
    backup: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=_names,
        metadata=spec(
            "names", "Roles that can stand in for this one; absent: none.", refers_to=("role",)
        ),
    )
    starts: bool = attrs.field(
        default=False,
        metadata=spec("boolean", "Work originates here without a hand-off (monitoring, rotas)."),
    )
    principles: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("ids", "Principles the role carries explicitly.", refers_to=("principle",)),
    )
    catches: FrozenDict[str, float] = attrs.field(
        factory=FrozenDict,
        converter=_probabilities,
        metadata=spec(
            "catches", "The share of the defects of each category reaching this role that it stops."
        ),
    )
    serves: tuple[Handoff, ...] = attrs.field(
        factory=tuple,
        converter=_handoffs,
        metadata=spec("handoffs", "The role's hand-offs: its internal customers."),
    )

    def catch_rate(self, category: str) -> float:
        """The share of defects of ``category`` this role stops (0 when it has none)."""
        return self.catches.get(category, 0.0)

    @property
    def is_system(self) -> bool:
        """True for a system (``kind: system``), which principles and programmes leave out."""
        return self.kind == "system"

    def _more_problems(self) -> Iterator[tuple[tuple[str | int, ...], str, str | None, Any]]:
        if type(self.backup) is tuple and self.id in self.backup:
            yield (
                ("backup", self.backup.index(self.id)),
                f"role {self.id!r} names itself as its own backup",
                "a backup is another role that can stand in for it",
                self.id,
            )
        if self.kind == "system" and type(self.principles) is tuple and self.principles:
            yield (
                ("principles",),
                f"role {self.id!r} is a system and carries no principles, "
                f"but lists {', '.join(map(repr, self.principles))}",
                "principles are for people: remove them, or make the role kind: person",
                self.principles,
            )


@attrs.frozen(kw_only=True)
class InternalCustomer:
    """A role seen as the receiver of another role's work.

    ``role`` receives, ``supplier`` hands over; ``handoffs`` are what it receives
    and what it expects of each.
    """

    role: str
    supplier: str
    handoffs: tuple[Handoff, ...] = attrs.field(converter=_tuple)

    @property
    def expectations(self) -> tuple[str, ...]:
        """Everything the receiving role expects, over all its hand-offs."""
        return tuple(e for h in self.handoffs for e in h.expectations)


@attrs.frozen(kw_only=True)
class Touchpoint(Entity):
    """A moment where a front-line ``role`` serves external ``customers``.

    ``feeds`` lists the roles that what the customer brings flows into (a
    drop-off feeds the tagger); work then starts with the serving role.
    ``customers`` left empty means every customer. ``fail_points`` are ways it
    goes wrong at the touchpoint itself (a wrong ticket written at drop-off).
    """

    entity_kind: ClassVar[str] = "touchpoint"

    id: str = attrs.field(
        default=None, metadata=spec("id", "Unique across the whole model.", required=True)
    )
    name: str = attrs.field(default="", metadata=spec("text", "What the moment is called."))
    description: str = attrs.field(default="", metadata=spec("text", "Anything worth saying."))
    role: str = attrs.field(
        default=None,
        metadata=spec(
            "id", "The front-line role serving here.", required=True, refers_to=("role",)
        ),
    )
    customers: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("ids", "Who is served there.", refers_to=("customer",)),
    )
    feeds: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec(
            "ids", "Where what the customer brings flows into the chain.", refers_to=("role",)
        ),
    )
    fail_points: tuple[FailPoint, ...] = attrs.field(
        factory=tuple,
        converter=_fail_points,
        metadata=spec("fail_points", "Known ways it goes wrong at the counter itself."),
    )

    def serves_customer(self, customer: str | None) -> bool:
        """Whether it is in ``customer``'s chain: it serves them, or names no customer at all."""
        return customer is None or not self.customers or customer in self.customers


@attrs.frozen(kw_only=True)
class PrincipleScope(Entity):
    """Whom a principle applies to: listed roles and departments."""

    entity_kind: ClassVar[str] = "applies_to"

    roles: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("ids", "Roles it applies to.", refers_to=("role",)),
    )
    departments: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, metadata=spec("ids", "Departments it applies to.")
    )

    called: ClassVar[str | None] = "the applies_to"

    def _noun(self) -> str:
        return "the applies_to"


@attrs.frozen(kw_only=True)
class Principle(Entity):
    """A general rule of good service that anyone can apply to unscripted situations.

    ``applies_to`` of ``None`` means everyone. ``for_`` (YAML ``for``) limits it
    to scenarios of some customers.
    """

    entity_kind: ClassVar[str] = "principle"

    id: str = attrs.field(
        default=None, metadata=spec("id", "Unique across the whole model.", required=True)
    )
    name: str = attrs.field(default="", metadata=spec("text", "A short name."))
    statement: str = attrs.field(default="", metadata=spec("text", "The rule, in one sentence."))
    questions: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("texts", "Guiding questions for applying it."),
    )
    applies_to: PrincipleScope | None = attrs.field(
        default=None,
        converter=_scope,
        metadata=spec("scope", "Whom it applies to; absent: everyone."),
    )
    #: The customers it is for (YAML ``for``); ``None`` means every customer.
    for_: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=_names,
        metadata=spec(
            "names",
            "Only in scenarios of these customers; absent: every customer.",
            key="for",
            refers_to=("customer",),
        ),
    )

    def admits(self, customer: str | None) -> bool:
        """Whether it applies in a scenario of ``customer`` (``None``: no customer named)."""
        return self.for_ is None or (customer is not None and customer in self.for_)


@attrs.frozen(kw_only=True)
class Script(Entity):
    """A trained procedure for known ``situations`` (tags) at a role or touchpoint.

    ``for_`` (YAML ``for``) names the customers it is written for.
    """

    entity_kind: ClassVar[str] = "script"

    id: str = attrs.field(
        default=None, metadata=spec("id", "Unique across the whole model.", required=True)
    )
    name: str = attrs.field(default="", metadata=spec("text", "A short name."))
    role: str | None = attrs.field(
        default=None, metadata=spec("ref", "The role using it.", refers_to=("role",))
    )
    touchpoint: str | None = attrs.field(
        default=None,
        metadata=spec("ref", "The touchpoint where it is used.", refers_to=("touchpoint",)),
    )
    situations: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("texts", "Tags of the situations it covers."),
    )
    steps: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, metadata=spec("texts", "What to do, in order.")
    )
    #: The customers it is for (YAML ``for``); ``None`` means every customer.
    for_: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=_names,
        metadata=spec(
            "names",
            "The customers it is written for; absent: every customer.",
            key="for",
            refers_to=("customer",),
        ),
    )

    def admits(self, customer: str | None) -> bool:
        """Whether it covers a scenario of ``customer`` (``None``: no customer named)."""
        return self.for_ is None or (customer is not None and customer in self.for_)


@attrs.frozen(kw_only=True)
class Scenario(Entity):
    """A concrete situation at a touchpoint, with a given customer."""

    entity_kind: ClassVar[str] = "scenario"

    id: str = attrs.field(
        default=None, metadata=spec("id", "Unique across the whole model.", required=True)
    )
    title: str = attrs.field(default="", metadata=spec("text", "A one-line title."))
    touchpoint: str = attrs.field(
        default=None,
        metadata=spec("id", "Where it happens.", required=True, refers_to=("touchpoint",)),
    )
    customer: str | None = attrs.field(
        default=None, metadata=spec("ref", "Who it happens to.", refers_to=("customer",))
    )
    situation: str = attrs.field(default="", metadata=spec("text", "What happens."))
    tags: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("texts", "Matched against scripts' `situations`."),
    )

    @property
    def label(self) -> str:
        """The title, or the id when there is no title."""
        return self.title or self.id


@attrs.frozen(kw_only=True)
class Metric(Entity):
    """Something measured, who owns it, what it is tied to and whom it serves."""

    entity_kind: ClassVar[str] = "metric"

    id: str = attrs.field(
        default=None, metadata=spec("id", "Unique across the whole model.", required=True)
    )
    name: str = attrs.field(default="", metadata=spec("text", "What is measured."))
    owner: str | None = attrs.field(
        default=None,
        metadata=spec("ref", "Whose number it is.", refers_to=("role", "department")),
    )
    tied_to: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("texts", "What it decides: `pay`, `promotion`, `bonus` ..."),
    )
    serves: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec(
            "ids",
            "What customers get from it.",
            refers_to=("touchpoint", "customer"),
        ),
    )


@attrs.frozen(kw_only=True)
class Audience(Entity):
    """Who a programme trains: roles and whole departments."""

    entity_kind: ClassVar[str] = "audience"

    roles: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("ids", "Roles it trains.", refers_to=("role",)),
    )
    departments: tuple[str, ...] = attrs.field(
        factory=tuple, converter=_tuple, metadata=spec("ids", "Departments it trains.")
    )

    called: ClassVar[str | None] = "the audience"

    def _noun(self) -> str:
        return "the audience"


@attrs.frozen(kw_only=True)
class Program(Entity):
    """A training or education programme."""

    entity_kind: ClassVar[str] = "program"

    id: str = attrs.field(
        default=None, metadata=spec("id", "Unique across the whole model.", required=True)
    )
    name: str = attrs.field(default="", metadata=spec("text", "A short name."))
    audience: Audience = attrs.field(
        factory=Audience,
        converter=_audience,
        metadata=spec("audience", "Who is trained."),
    )
    formats: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec(
            "texts", "`classroom`, `workshop`, `coaching`, `e-learning`, `self-directed` ..."
        ),
    )
    reinforcement: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec(
            "texts",
            "`coaching`, `follow-up`, `measurement`, `recognition`, `management-training`",
        ),
    )
    content: str | None = attrs.field(
        default=None,
        metadata=spec("choice", "Whose situations it teaches with.", choices=PROGRAM_CONTENT),
    )
    scenarios: tuple[str, ...] = attrs.field(
        factory=tuple,
        converter=_tuple,
        metadata=spec("ids", "Scenarios the programme practises.", refers_to=("scenario",)),
    )


@attrs.frozen(kw_only=True)
class AuditSettings(Entity):
    """Per-model audit settings: rule id -> ``off`` or a severity, and the consequential words.

    ``consequential`` replaces the words that make a metric consequential
    (``CONSEQUENTIAL``); ``None`` keeps them.
    """

    entity_kind: ClassVar[str] = "audit section"

    rules: FrozenDict[str, str] = attrs.field(
        factory=FrozenDict,
        converter=_settings,
        metadata=spec("rules", "Each rule's setting ([audit rules](audit-rules.md))."),
    )
    consequential: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=_names,
        metadata=spec(
            "optional_texts",
            "Words or phrases of tied_to that make a metric consequential; "
            "absent: pay, promotion, bonus ...",
        ),
    )

    called: ClassVar[str | None] = "the audit section"

    def _noun(self) -> str:
        return "the audit section"


@attrs.frozen
class SourceLocation:
    """Where an entity is written: file, 1-based line and column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"
