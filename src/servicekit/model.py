"""The domain model: frozen, slotted attrs classes and the :class:`ServiceModel`.

Every entity is immutable and compared by value. Collections inside entities are
tuples, and mappings are :class:`FrozenDict`, so whole models are hashable and
``load(dump(m)) == m`` can be checked with ``==``. To change a model, build a
new one (``attrs.evolve``); the new model is validated again.

Examples
--------
>>> from servicekit import Customer, Role, Handoff, Touchpoint, ServiceModel
>>> model = ServiceModel(
...     name="Kiosk",
...     customers=[Customer(id="guest")],
...     roles=[Role(id="barista", serves=[Handoff(source="barista", target="runner")]),
...            Role(id="runner")],
...     touchpoints=[Touchpoint(id="counter", role="runner", customers=["guest"])],
... )
>>> model.roles["barista"].serves[0].target
'runner'
>>> sorted(model.chain.graph.nodes)
['barista', 'counter', 'guest', 'runner']
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from servicekit.errors import ModelError, Problem, UnknownIdError, did_you_mean, suggest

if TYPE_CHECKING:
    from servicekit.audit import Findings
    from servicekit.chain import ServiceChain
    from servicekit.guide import ScenarioGuide
    from servicekit.mapping import Applicability, Coverage

__all__ = [
    "Audience",
    "AuditSettings",
    "Customer",
    "FailPoint",
    "FrozenDict",
    "Handoff",
    "InternalCustomer",
    "Issue",
    "Metric",
    "Principle",
    "PrincipleScope",
    "Program",
    "Role",
    "Scenario",
    "Script",
    "ServiceModel",
    "SourceLocation",
    "Touchpoint",
]

K = TypeVar("K")
V = TypeVar("V")

#: The values ``content`` of a programme may take.
PROGRAM_CONTENT = ("generic", "own-scenarios")
#: The severities a finding can have, most severe first.
SEVERITIES = ("error", "warning", "info")
#: Validation reports at most this many issues.
MAX_ISSUES = 1000
#: Only the first this-many unknown references get a "did you mean" hint: each costs a
#: fuzzy search over every id of that kind.
MAX_HINTS = 50


class FrozenDict(Mapping[K, V], Generic[K, V]):
    """An immutable, hashable mapping that keeps insertion order.

    Examples
    --------
    >>> d = FrozenDict({"stain": 0.5})
    >>> d["stain"], len(d), hash(d) == hash(FrozenDict(stain=0.5))
    (0.5, 1, True)
    >>> d == {"stain": 0.5}
    True
    """

    __slots__ = ("_data", "_hash")

    _data: dict[K, V]
    _hash: int | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._data = dict(*args, **kwargs)
        self._hash = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenDict):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"


# --- validators and converters ---------------------------------------------------------


def _non_empty_string(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{attribute.name} must be a non-empty string, got {value!r}")


def _optional_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _non_empty_string(instance, attribute, value)


def _string(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a string, got {value!r}")


def _strings(instance: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
    for item in value:
        if not isinstance(item, str):
            raise TypeError(f"{attribute.name} must hold strings, got {item!r}")


def _is_probability(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0.0 <= value <= 1.0
    )


def _probability(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not _is_probability(value):
        raise ValueError(f"{attribute.name} must be a finite number in [0, 1], got {value!r}")


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    if isinstance(value, str):
        # A lone string is almost always a missing pair of brackets, not a tuple of letters.
        raise TypeError(f"expected a list of strings, got the string {value!r}")
    return tuple(value)


def _probabilities(value: Mapping[str, float]) -> FrozenDict[str, float]:
    frozen: FrozenDict[str, float] = FrozenDict(
        {k: float(v) if _is_probability(v) else v for k, v in value.items()}
    )
    for category, rate in frozen.items():
        if not isinstance(category, str) or not category:
            raise ValueError(f"catches keys must be non-empty strings, got {category!r}")
        if not _is_probability(rate):
            raise ValueError(
                f"catches[{category!r}] must be a finite number in [0, 1], got {rate!r}"
            )
    return frozen


def _rate(value: float) -> float:
    return float(value) if _is_probability(value) else value


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    """Lists (or any iterable) of strings become tuples; a lone string is refused."""
    return _tuple(value)


def _text() -> Any:
    return attrs.field(default="", validator=_string)


# --- entities ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Customer:
    """An external customer segment or persona: who the organisation serves."""

    id: str = attrs.field(validator=_non_empty_string)
    name: str = _text()
    description: str = _text()
    needs: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    wants: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    values: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)

    @property
    def label(self) -> str:
        """The name, or the id when there is no name."""
        return self.name or self.id


@attrs.frozen(kw_only=True)
class FailPoint:
    """A known way a hand-off goes wrong, with its rate per unit of work."""

    id: str = attrs.field(validator=_non_empty_string)
    category: str = _text()
    rate: float = attrs.field(default=0.0, converter=_rate, validator=_probability)


@attrs.frozen(kw_only=True)
class Handoff:
    """Work passed from one role (``source``) to the next (``target``).

    The receiving role is the source's internal customer: ``expectations`` say
    what it needs from the work, ``fail_points`` how the hand-off goes wrong.
    """

    source: str = attrs.field(validator=_non_empty_string)
    target: str = attrs.field(validator=_non_empty_string)
    item: str = _text()
    expectations: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    fail_points: tuple[FailPoint, ...] = attrs.field(factory=tuple, converter=_tuple)

    @property
    def is_plain(self) -> bool:
        """True when the hand-off says no more than its target."""
        return not (self.item or self.expectations or self.fail_points)


@attrs.frozen(kw_only=True)
class Role:
    """A job in the organisation, and the hand-offs it makes (``serves``)."""

    id: str = attrs.field(validator=_non_empty_string)
    name: str = _text()
    description: str = _text()
    department: str | None = attrs.field(default=None, validator=_optional_id)
    reports_to: str | None = attrs.field(default=None, validator=_optional_id)
    principles: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    serves: tuple[Handoff, ...] = attrs.field(factory=tuple, converter=_tuple)
    catches: FrozenDict[str, float] = attrs.field(factory=FrozenDict, converter=_probabilities)

    def __attrs_post_init__(self) -> None:
        for handoff in self.serves:
            if not isinstance(handoff, Handoff):
                raise TypeError(f"serves must hold Handoff objects, got {handoff!r}")
            if handoff.source != self.id:
                raise ValueError(
                    f"role {self.id!r} holds a hand-off from {handoff.source!r}; "
                    "a role's hand-offs start at the role"
                )

    @property
    def label(self) -> str:
        """The name, or the id when there is no name."""
        return self.name or self.id

    def catch_rate(self, category: str) -> float:
        """The share of defects of ``category`` this role stops (0 when it has none)."""
        return self.catches.get(category, 0.0)


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
class Touchpoint:
    """A moment where a front-line ``role`` serves external ``customers``.

    ``feeds`` lists the roles that what the customer brings flows into (a
    drop-off feeds the tagger).
    """

    id: str = attrs.field(validator=_non_empty_string)
    name: str = _text()
    description: str = _text()
    role: str = attrs.field(validator=_non_empty_string)
    customers: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    feeds: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)

    @property
    def label(self) -> str:
        """The name, or the id when there is no name."""
        return self.name or self.id


@attrs.frozen(kw_only=True)
class PrincipleScope:
    """Whom a principle applies to: listed roles and departments."""

    roles: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    departments: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)


@attrs.frozen(kw_only=True)
class Principle:
    """A general rule of good service that anyone can apply to unscripted situations.

    ``applies_to`` of ``None`` means everyone.
    """

    id: str = attrs.field(validator=_non_empty_string)
    name: str = _text()
    statement: str = _text()
    questions: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    applies_to: PrincipleScope | None = None

    @property
    def label(self) -> str:
        """The name, or the id when there is no name."""
        return self.name or self.id


@attrs.frozen(kw_only=True)
class Script:
    """A trained procedure for known ``situations`` (tags) at a role or touchpoint."""

    id: str = attrs.field(validator=_non_empty_string)
    name: str = _text()
    role: str | None = attrs.field(default=None, validator=_optional_id)
    touchpoint: str | None = attrs.field(default=None, validator=_optional_id)
    situations: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    steps: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)

    @property
    def label(self) -> str:
        """The name, or the id when there is no name."""
        return self.name or self.id


@attrs.frozen(kw_only=True)
class Scenario:
    """A concrete situation at a touchpoint, with a given customer."""

    id: str = attrs.field(validator=_non_empty_string)
    title: str = _text()
    touchpoint: str = attrs.field(validator=_non_empty_string)
    customer: str | None = attrs.field(default=None, validator=_optional_id)
    situation: str = _text()
    tags: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)

    @property
    def label(self) -> str:
        """The title, or the id when there is no title."""
        return self.title or self.id


@attrs.frozen(kw_only=True)
class Metric:
    """Something measured, who owns it, what it is tied to and whom it serves."""

    id: str = attrs.field(validator=_non_empty_string)
    name: str = _text()
    owner: str | None = attrs.field(default=None, validator=_optional_id)
    tied_to: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    serves: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)

    @property
    def label(self) -> str:
        """The name, or the id when there is no name."""
        return self.name or self.id


@attrs.frozen(kw_only=True)
class Audience:
    """Who a programme trains: roles and whole departments."""

    roles: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    departments: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)


def _content(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and value not in PROGRAM_CONTENT:
        raise ValueError(f"content must be one of {PROGRAM_CONTENT}, got {value!r}")


@attrs.frozen(kw_only=True)
class Program:
    """A training or education programme."""

    id: str = attrs.field(validator=_non_empty_string)
    name: str = _text()
    audience: Audience = attrs.field(factory=Audience)
    formats: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    reinforcement: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)
    content: str | None = attrs.field(default=None, validator=_content)
    scenarios: tuple[str, ...] = attrs.field(factory=tuple, converter=_strs, validator=_strings)

    @property
    def label(self) -> str:
        """The name, or the id when there is no name."""
        return self.name or self.id


def _severity_or_off(value: object) -> bool:
    return value == "off" or value in SEVERITIES


def _audit_rules(value: Mapping[str, str]) -> FrozenDict[str, str]:
    frozen: FrozenDict[str, str] = FrozenDict(value)
    for rule, setting in frozen.items():
        if not _severity_or_off(setting):
            raise ValueError(
                f"audit rule {rule!r} must be set to off, error, warning or info, not {setting!r}"
            )
    return frozen


@attrs.frozen(kw_only=True)
class AuditSettings:
    """Per-model audit settings: rule id -> ``off`` or a severity."""

    rules: FrozenDict[str, str] = attrs.field(factory=FrozenDict, converter=_audit_rules)


@attrs.frozen
class SourceLocation:
    """Where an entity is written: file, 1-based line and column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@attrs.frozen(kw_only=True)
class Issue:
    """A problem found by validating a model, in the words of the YAML format.

    ``path`` walks from the entity to the bad value, e.g. ``("serves", 0, "to")``;
    the loader turns it into ``file:line:column``.
    """

    kind: str
    subject: str
    path: tuple[str | int, ...]
    message: str
    hint: str | None = None
    #: The bad value, for an unknown reference.
    value: str | None = None


class InvalidModelError(ModelError):
    """A :class:`ModelError` from validation, keeping the structured issues."""

    issues: tuple[Issue, ...]

    def __init__(self, issues: Iterable[Issue], sources: Mapping[str, SourceLocation]) -> None:
        self.issues = tuple(issues)
        problems = []
        for issue in self.issues:
            where = sources.get(issue.subject)
            problems.append(
                Problem(
                    path=where.path if where else "<model>",
                    line=where.line if where else None,
                    column=where.column if where else None,
                    message=issue.message,
                    hint=issue.hint,
                )
            )
        super().__init__(problems)


# --- the model -----------------------------------------------------------------------------

E = TypeVar("E")


def _keyed(value: Mapping[str, Any] | Iterable[Any]) -> FrozenDict[str, Any]:
    """Entities keyed by id, from a list of them or a mapping id -> entity."""
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, Mapping):
        for key, entity in value.items():
            if getattr(entity, "id", None) != key:
                raise ValueError(f"key {key!r} does not match the id of {entity!r}")
        return FrozenDict(value)
    keyed: dict[str, Any] = {}
    for item in value:
        key = getattr(item, "id", None)
        if not isinstance(key, str):
            raise TypeError(f"expected entities with an id, got {item!r}")
        if key in keyed:
            raise ValueError(f"duplicate id {key!r}")
        keyed[key] = item
    return FrozenDict(keyed)


def _holds(cls: type) -> Any:
    def check(
        instance: object, attribute: attrs.Attribute[Any], value: FrozenDict[str, Any]
    ) -> None:
        for entity in value.values():
            if not isinstance(entity, cls):
                raise TypeError(
                    f"{attribute.name} must hold {cls.__name__} objects, got {entity!r}"
                )

    return check


#: Kinds of entity in the order sections appear in the YAML format.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("customers", "customer"),
    ("roles", "role"),
    ("touchpoints", "touchpoint"),
    ("principles", "principle"),
    ("scripts", "script"),
    ("scenarios", "scenario"),
    ("metrics", "metric"),
    ("programs", "program"),
)


@attrs.frozen(kw_only=True)
class ServiceModel:
    """The whole model: every entity keyed by id, plus its :attr:`chain`.

    Building one validates it: every reference must resolve and ids must be
    unique across the model. All problems are raised together as a
    :class:`~servicekit.ModelError`.
    """

    name: str = _text()
    description: str = _text()
    customers: FrozenDict[str, Customer] = attrs.field(
        factory=FrozenDict, converter=_keyed, validator=_holds(Customer)
    )
    roles: FrozenDict[str, Role] = attrs.field(
        factory=FrozenDict, converter=_keyed, validator=_holds(Role)
    )
    touchpoints: FrozenDict[str, Touchpoint] = attrs.field(
        factory=FrozenDict, converter=_keyed, validator=_holds(Touchpoint)
    )
    principles: FrozenDict[str, Principle] = attrs.field(
        factory=FrozenDict, converter=_keyed, validator=_holds(Principle)
    )
    scripts: FrozenDict[str, Script] = attrs.field(
        factory=FrozenDict, converter=_keyed, validator=_holds(Script)
    )
    scenarios: FrozenDict[str, Scenario] = attrs.field(
        factory=FrozenDict, converter=_keyed, validator=_holds(Scenario)
    )
    metrics: FrozenDict[str, Metric] = attrs.field(
        factory=FrozenDict, converter=_keyed, validator=_holds(Metric)
    )
    programs: FrozenDict[str, Program] = attrs.field(
        factory=FrozenDict, converter=_keyed, validator=_holds(Program)
    )
    audit_settings: AuditSettings = attrs.field(factory=AuditSettings)
    #: Where each entity was written, when the model was loaded from YAML.
    sources: FrozenDict[str, SourceLocation] = attrs.field(
        factory=FrozenDict, converter=FrozenDict, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        issues = list(itertools.islice(_check(self), MAX_ISSUES))
        if issues:
            raise InvalidModelError(issues, self.sources)

    # -- lookups ------------------------------------------------------------------------

    @cached_property
    def chain(self) -> ServiceChain:
        """The service chain: the graph of roles, touchpoints and customers."""
        from servicekit.chain import ServiceChain

        return ServiceChain(self)

    @cached_property
    def departments(self) -> tuple[str, ...]:
        """Every department some role belongs to, sorted."""
        return tuple(sorted({r.department for r in self.roles.values() if r.department}))

    @cached_property
    def front_line(self) -> frozenset[str]:
        """Ids of the front-line roles: those serving at a touchpoint."""
        return frozenset(t.role for t in self.touchpoints.values())

    def counts(self) -> dict[str, int]:
        """How many entities each section holds, in the order of the YAML format.

        Examples
        --------
        >>> from servicekit import load_example
        >>> load_example().counts()["roles"]
        11
        """
        return {section: len(getattr(self, section)) for section, _ in SECTIONS}

    def entity(self, id: str) -> Any:
        """Any entity by id, whatever its kind; raises :class:`UnknownIdError`."""
        for section, _ in SECTIONS:
            found = getattr(self, section).get(id)
            if found is not None:
                return found
        raise UnknownIdError(id, kind="id", candidates=list(self._all_ids()))

    def role(self, id: str) -> Role:
        """The role ``id``; raises :class:`UnknownIdError` with suggestions."""
        return _lookup(self.roles, id, "role")

    def touchpoint(self, id: str) -> Touchpoint:
        """The touchpoint ``id``; raises :class:`UnknownIdError` with suggestions."""
        return _lookup(self.touchpoints, id, "touchpoint")

    def scenario(self, id: str) -> Scenario:
        """The scenario ``id``; raises :class:`UnknownIdError` with suggestions."""
        return _lookup(self.scenarios, id, "scenario")

    def principle(self, id: str) -> Principle:
        """The principle ``id``; raises :class:`UnknownIdError` with suggestions."""
        return _lookup(self.principles, id, "principle")

    # -- notebooks (see display.py) --------------------------------------------------------

    def _repr_html_(self) -> str:
        from servicekit.display import model_html

        return model_html(self)

    def _repr_markdown_(self) -> str:
        from servicekit.display import model_markdown

        return model_markdown(self)

    # -- service culture (see mapping.py, guide.py and audit.py) --------------------------

    def principles_for(self, role: str) -> tuple[Applicability, ...]:
        """The principles that apply to ``role``, each saying why it applies."""
        from servicekit.mapping import principles_for

        return principles_for(self, role)

    def roles_for(self, principle: str) -> tuple[Applicability, ...]:
        """The roles ``principle`` applies to, each saying why."""
        from servicekit.mapping import roles_for

        return roles_for(self, principle)

    def coverage(self) -> Coverage:
        """The role x principle matrix; each cell says where the mapping came from."""
        from servicekit.mapping import coverage

        return coverage(self)

    def guide(self, scenario: str) -> ScenarioGuide:
        """An education card for ``scenario``: what the person on duty needs to think about."""
        from servicekit.guide import guide

        return guide(self, scenario)

    def audit(self, *, rules: Mapping[str, str] | None = None) -> Findings:
        """Findings of every audit rule; ``rules`` maps rule ids to ``off`` or a severity.

        ``rules`` is laid over the model's own ``audit:`` settings.
        """
        from servicekit.audit import audit

        return audit(self, rules=rules)

    def managers_of(self, role: str) -> tuple[str, ...]:
        """The chain of ``reports_to`` above ``role``, nearest first.

        Examples
        --------
        >>> from servicekit import Role, ServiceModel
        >>> m = ServiceModel(roles=[Role(id="a", reports_to="b"), Role(id="b", reports_to="c"),
        ...                         Role(id="c")])
        >>> m.managers_of("a")
        ('b', 'c')
        """
        chain: list[str] = []
        current = self.role(role).reports_to
        while current is not None and current not in chain and current != role:
            chain.append(current)
            current = self.roles[current].reports_to
        return tuple(chain)

    def _all_ids(self) -> Iterator[str]:
        for section, _ in SECTIONS:
            yield from getattr(self, section)


def _lookup(table: Mapping[str, E], id: str, kind: str) -> E:
    try:
        return table[id]
    except KeyError:
        raise UnknownIdError(id, kind=kind, candidates=list(table)) from None


# --- validation ----------------------------------------------------------------------------


def _check(model: ServiceModel) -> Iterator[Issue]:
    """Every reference must resolve; ids are unique across kinds (fail points included)."""
    yield from _check_unique_ids(model)
    hints = itertools.count()

    def refs(
        kind: str,
        subject: str,
        path: tuple[str | int, ...],
        value: str | None,
        table: Mapping[str, Any],
        what: str,
    ) -> Iterator[Issue]:
        if value is not None and value not in table:
            yield Issue(
                kind=kind,
                subject=subject,
                path=path,
                message=f"{kind} {subject!r} names unknown {what} {value!r}",
                hint=did_you_mean(suggest(value, list(table))) if next(hints) < MAX_HINTS else None,
                value=value,
            )

    def each(
        kind: str,
        subject: str,
        key: str | tuple[str, ...],
        values: tuple[str, ...],
        table: Mapping[str, Any],
        what: str,
    ) -> Iterator[Issue]:
        prefix = key if isinstance(key, tuple) else (key,)
        for index, value in enumerate(values):
            yield from refs(kind, subject, (*prefix, index), value, table, what)

    roles, touchpoints, customers = model.roles, model.touchpoints, model.customers
    for role in roles.values():
        yield from refs("role", role.id, ("reports_to",), role.reports_to, roles, "role")
        yield from each(
            "role", role.id, "principles", role.principles, model.principles, "principle"
        )
        for index, handoff in enumerate(role.serves):
            path: tuple[str | int, ...] = (
                ("serves", index, "to") if not handoff.is_plain else ("serves", index)
            )
            yield from refs("role", role.id, path, handoff.target, roles, "role")
    yield from _check_reporting_loops(model)
    for tp in touchpoints.values():
        yield from refs("touchpoint", tp.id, ("role",), tp.role, roles, "role")
        yield from each("touchpoint", tp.id, "customers", tp.customers, customers, "customer")
        yield from each("touchpoint", tp.id, "feeds", tp.feeds, roles, "role")
    for principle in model.principles.values():
        if principle.applies_to is not None:
            yield from each(
                "principle",
                principle.id,
                ("applies_to", "roles"),
                principle.applies_to.roles,
                roles,
                "role",
            )
    for script in model.scripts.values():
        yield from refs("script", script.id, ("role",), script.role, roles, "role")
        yield from refs(
            "script", script.id, ("touchpoint",), script.touchpoint, touchpoints, "touchpoint"
        )
    for scenario in model.scenarios.values():
        yield from refs(
            "scenario", scenario.id, ("touchpoint",), scenario.touchpoint, touchpoints, "touchpoint"
        )
        yield from refs(
            "scenario", scenario.id, ("customer",), scenario.customer, customers, "customer"
        )
    owners = {**dict.fromkeys(model.departments), **roles}
    for metric in model.metrics.values():
        yield from refs("metric", metric.id, ("owner",), metric.owner, owners, "role or department")
    served = {**touchpoints, **customers}
    for metric in model.metrics.values():
        yield from each(
            "metric", metric.id, "serves", metric.serves, served, "touchpoint or customer"
        )
    for program in model.programs.values():
        yield from each(
            "program", program.id, ("audience", "roles"), program.audience.roles, roles, "role"
        )
        yield from each(
            "program", program.id, "scenarios", program.scenarios, model.scenarios, "scenario"
        )
    known_rules = _known_audit_rules()
    for rule in model.audit_settings.rules:
        if known_rules is not None and rule not in known_rules:
            yield Issue(
                kind="audit",
                subject="",
                path=("rules", rule),
                message=f"unknown audit rule {rule!r}",
                hint=did_you_mean(suggest(rule, sorted(known_rules))),
            )


def _known_audit_rules() -> frozenset[str] | None:
    try:
        from servicekit.audit import RULES
    except ImportError:  # pragma: no cover - the audit module ships with the package
        return None
    return frozenset(RULES)


def _check_unique_ids(model: ServiceModel) -> Iterator[Issue]:
    seen: dict[str, str] = {}
    for section, kind in SECTIONS:
        for key in getattr(model, section):
            if key in seen:
                yield Issue(
                    kind=kind,
                    subject=key,
                    path=("id",),
                    message=f"duplicate id {key!r}: already used by a {seen[key]}",
                )
            else:
                seen[key] = kind
    for role in model.roles.values():
        for index, handoff in enumerate(role.serves):
            for fp_index, fail_point in enumerate(handoff.fail_points):
                if fail_point.id in seen:
                    yield Issue(
                        kind="role",
                        subject=role.id,
                        path=("serves", index, "fail_points", fp_index, "id"),
                        message=f"duplicate id {fail_point.id!r}: already used by a "
                        f"{seen[fail_point.id]}",
                    )
                else:
                    seen[fail_point.id] = "fail point"


def _check_reporting_loops(model: ServiceModel) -> Iterator[Issue]:
    done: set[str] = set()
    for start in model.roles:
        trail: list[str] = []
        current: str | None = start
        while current is not None and current not in done and current in model.roles:
            if current in trail:
                loop = [*trail[trail.index(current) :], current]
                yield Issue(
                    kind="role",
                    subject=current,
                    path=("reports_to",),
                    message="reports_to forms a loop: " + " -> ".join(loop),
                    hint="someone in the loop must report to no one or outside it",
                )
                break
            trail.append(current)
            current = model.roles[current].reports_to
        done.update(trail)
