"""The whole model: every entity keyed by id, checked as a whole when built.

A ``ServiceModel`` is where users start, so it also carries the façade
methods they reach for (``model.chain``, ``model.audit()``, ``model.guide()``,
rich display in notebooks). Those are answered by later stages of the data flow,
reached through ``servicekit._runtime.later()``: the model itself only holds and
checks data.

Examples
--------
>>> from servicekit import Customer, Role, Handoff, Touchpoint, ServiceModel
>>> model = ServiceModel(
...     name="Kiosk",
...     customers=[Customer(id="guest")],
...     roles=[Role(id="barista", serves=["runner"]), Role(id="runner")],
...     touchpoints=[Touchpoint(id="counter", role="runner", customers=["guest"])],
... )
>>> model.roles["barista"].serves[0].to
'runner'
>>> sorted(model.chain.graph.nodes)
['barista', 'counter', 'guest', 'runner']
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self, TypeVar

import attrs

from servicekit._runtime import later
from servicekit._words import plural
from servicekit.errors import ModelError, Problem, UnknownIdError, UsageError, shown
from servicekit.model.data import model_data, model_from_data
from servicekit.model.entities import (
    AuditSettings,
    Customer,
    Entity,
    Metric,
    Principle,
    Program,
    Role,
    Scenario,
    Script,
    SourceLocation,
    Touchpoint,
    build,
)
from servicekit.model.frozen import FrozenDict
from servicekit.model.references import model_problems
from servicekit.model.sections import SECTIONS
from servicekit.model.values import SHAPES, describe, is_text

if TYPE_CHECKING:
    from servicekit.chain.service_chain import ServiceChain
    from servicekit.culture.audit import Findings
    from servicekit.culture.guide import ScenarioGuide
    from servicekit.culture.mapping import Applicability, Coverage
    from servicekit.evidence.attribution import Attribution
    from servicekit.evidence.conformance import Conformance

__all__ = ["ServiceModel"]

E = TypeVar("E")


class Entities(FrozenDict[str, E]):
    """The entities of one section, keyed by id; an unknown id raises
    ``UnknownIdError`` with the nearest known ids.

    Examples
    --------
    >>> import servicekit
    >>> try:
    ...     servicekit.load_example().roles["spoter"]
    ... except servicekit.UnknownIdError as err:
    ...     print(err)
    unknown role 'spoter'; did you mean 'spotter'?
    """

    __slots__ = ("kind",)

    def __init__(self, data: Mapping[str, E] | Iterable[tuple[str, E]] = (), *, kind: str = "id"):
        super().__init__(data)
        self.kind = kind

    def __getitem__(self, key: str) -> E:
        try:
            return self._data[key]
        except (KeyError, TypeError):  # TypeError: an unhashable id
            pool = list(self._data) if isinstance(key, str) else []
            raise UnknownIdError(key, kind=self.kind, candidates=pool) from None

    def __reduce__(self) -> tuple[Any, ...]:
        return (_entities, (self._data, self.kind))


def _entities(data: Mapping[str, E], kind: str) -> Entities[E]:
    return Entities(data, kind=kind)


def _keyed(value: Any, cls: type[E], kind: str) -> Entities[E]:
    """Entities keyed by id, from a list of entities or mappings, or a mapping id -> entity."""
    if isinstance(value, Entities) and value.kind == kind:
        return value
    if isinstance(value, Mapping):
        return Entities(value, kind=kind)
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ModelError(
            [
                Problem(
                    message=f"the {kind}s must be a list of {kind}s, not {describe(value)}",
                    field=(f"{kind}s",),
                    value=value,
                )
            ]
        )
    keyed: dict[str, Any] = {}
    problems: list[Problem] = []
    for item in value:
        if isinstance(item, Mapping):
            try:
                item = build(cls, item)
            except ModelError as err:
                problems.extend(err.problems)
                continue
        key = getattr(item, "id", None)
        if key in keyed:
            problems.append(
                Problem(
                    message=f"duplicate id {shown(key)}: already used by a {kind}",
                    kind=kind,
                    subject=key,
                    field=("id",),
                    value=key,
                )
            )
        keyed[key if isinstance(key, str) else repr(item)] = item
    if problems:
        raise ModelError(problems)
    found: Entities[E] = Entities.adopt(keyed, kind=kind)  # type: ignore[assignment]
    return found


def _customers(value: Iterable[Customer | Mapping[str, Any]]) -> Entities[Customer]:
    return _keyed(value, Customer, "customer")


def _roles(value: Iterable[Role | Mapping[str, Any]]) -> Entities[Role]:
    return _keyed(value, Role, "role")


def _touchpoints(value: Iterable[Touchpoint | Mapping[str, Any]]) -> Entities[Touchpoint]:
    return _keyed(value, Touchpoint, "touchpoint")


def _principles(value: Iterable[Principle | Mapping[str, Any]]) -> Entities[Principle]:
    return _keyed(value, Principle, "principle")


def _scripts(value: Iterable[Script | Mapping[str, Any]]) -> Entities[Script]:
    return _keyed(value, Script, "script")


def _scenarios(value: Iterable[Scenario | Mapping[str, Any]]) -> Entities[Scenario]:
    return _keyed(value, Scenario, "scenario")


def _metrics(value: Iterable[Metric | Mapping[str, Any]]) -> Entities[Metric]:
    return _keyed(value, Metric, "metric")


def _programs(value: Iterable[Program | Mapping[str, Any]]) -> Entities[Program]:
    return _keyed(value, Program, "program")


def _frozen(value: Mapping[str, SourceLocation]) -> FrozenDict[str, SourceLocation]:
    return value if type(value) is FrozenDict else FrozenDict(value)


def _audit(value: AuditSettings | Mapping[str, Any]) -> AuditSettings:
    if isinstance(value, Mapping):
        return build(AuditSettings, value)
    return value


def _sections_problems(model: ServiceModel) -> Iterator[Problem]:
    """Each section must hold entities of its kind, each under its own id."""
    for section in SECTIONS:
        for key, entity in getattr(model, section.name).items():
            if not isinstance(entity, section.entity):
                yield Problem(
                    message=f"{section.name} must hold {section.entity.__name__} objects, "
                    f"not {shown(entity)}",
                    kind=section.kind,
                    subject=key if isinstance(key, str) else None,
                    field=(),
                    value=entity,
                )
            elif getattr(entity, "id", None) != key:
                yield Problem(
                    message=f"{section.name}: key {shown(key)} does not match the id of "
                    f"{shown(entity)}",
                    kind=section.kind,
                    subject=key if isinstance(key, str) else None,
                    field=("id",),
                    value=key,
                )
    if not isinstance(model.audit_settings, AuditSettings):
        yield Problem(
            message=f"audit_settings must be AuditSettings, not {shown(model.audit_settings)}",
            field=("audit",),
            value=model.audit_settings,
        )


@attrs.frozen(kw_only=True, repr=False)
class ServiceModel:
    """The whole model: every entity keyed by id, plus its ``chain``.

    Building one checks it: every reference must resolve and ids must be
    unique across the model. All problems are raised together as a
    ``ModelError``.
    """

    name: str = attrs.field(default="")
    description: str = attrs.field(default="")
    customers: Entities[Customer] = attrs.field(factory=tuple, converter=_customers)
    roles: Entities[Role] = attrs.field(factory=tuple, converter=_roles)
    touchpoints: Entities[Touchpoint] = attrs.field(factory=tuple, converter=_touchpoints)
    principles: Entities[Principle] = attrs.field(factory=tuple, converter=_principles)
    scripts: Entities[Script] = attrs.field(factory=tuple, converter=_scripts)
    scenarios: Entities[Scenario] = attrs.field(factory=tuple, converter=_scenarios)
    metrics: Entities[Metric] = attrs.field(factory=tuple, converter=_metrics)
    programs: Entities[Program] = attrs.field(factory=tuple, converter=_programs)
    #: The model's ``audit:`` section; ``ServiceModel(audit=...)`` as the YAML says it.
    audit_settings: AuditSettings = attrs.field(
        factory=AuditSettings, converter=_audit, alias="audit"
    )
    #: Where each entity was written, when the model was loaded from YAML.
    sources: FrozenDict[str, SourceLocation] = attrs.field(
        factory=FrozenDict, converter=_frozen, eq=False, repr=False
    )
    #: The chain, once built (see ``chain``).
    _chain: ServiceChain | None = attrs.field(
        default=None, init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        problems = []
        for key in ("name", "description"):
            value = getattr(self, key)
            if not is_text(value):
                for _, message, hint in SHAPES["text"].explain(value, f"the model's {key}", None):
                    problems.append(Problem(message=message, hint=hint, field=(key,), value=value))
        problems.extend(_sections_problems(self))
        if not problems:
            problems.extend(model_problems(self))
        if problems:
            raise ModelError(self._placed(problem) for problem in problems)

    def _placed(self, problem: Problem) -> Problem:
        """``problem`` placed where its entity is written, when the model knows."""
        where = self.sources.get(problem.subject) if problem.subject is not None else None
        if where is None or problem.line is not None:
            return problem
        return problem.at(where.path, where.line, where.column)

    def __repr__(self) -> str:
        """``<ServiceModel 'Name': 2 customers, 11 roles, ...>``: what it holds, in words."""
        held = ", ".join(plural(n, s[:-1], s) for s, n in self.counts().items() if n)
        return f"<ServiceModel {self.name!r}: {held or 'empty'}>"

    # -- lookups ------------------------------------------------------------------------

    @property
    def chain(self) -> ServiceChain:
        """The service chain: the graph of roles, touchpoints and customers.

        Built on first use, once, even when several threads ask for it at the same moment.
        """
        chain = self._chain
        if chain is None:
            with _CHAIN_LOCKS[id(self) % len(_CHAIN_LOCKS)]:
                chain = self._chain
                if chain is None:
                    chain = later("servicekit.chain.service_chain").ServiceChain(self)
                    object.__setattr__(self, "_chain", chain)
        return chain

    def __getstate__(self) -> dict[str, Any]:
        """What pickle and copy keep: the fields, not the chain (it is built again)."""
        return {
            field.name: getattr(self, field.name)
            for field in attrs.fields(type(self))
            if field.name != "_chain"
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_chain", None)

    @cached_property
    def departments(self) -> tuple[str, ...]:
        """Every department some role belongs to, sorted."""
        return tuple(sorted({r.department for r in self.roles.values() if r.department}))

    @cached_property
    def front_line(self) -> frozenset[str]:
        """Ids of the front-line roles: those serving at a touchpoint."""
        return frozenset(t.role for t in self.touchpoints.values())

    def to_dict(self) -> dict[str, Any]:
        """The model as the data of its YAML file: plain dicts, lists, strings and numbers.

        Keys come in the format's order and defaults are left out, so
        ``ServiceModel.from_dict(model.to_dict()) == model`` and the data can be written
        as JSON or YAML as it is.

        Examples
        --------
        >>> from servicekit import load_example
        >>> spotter = load_example().to_dict()["roles"][2]
        >>> spotter["id"], spotter["serves"][0]["fail_points"]
        ('spotter', [{'id': 'missed-stain', 'category': 'stain', 'rate': 0.04}])
        """
        return model_data(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """A model from the data of a YAML file (``{"servicekit": 1, "roles": [...]}``).

        Checked as a file is: every problem is raised together as a
        ``ModelError``, in the same words as the loader's.
        """
        return model_from_data(data, cls)

    def counts(self) -> dict[str, int]:
        """How many entities each section holds, in the order of the YAML format.

        Examples
        --------
        >>> from servicekit import load_example
        >>> load_example().counts()["roles"]
        11
        """
        return {section.name: len(getattr(self, section.name)) for section in SECTIONS}

    def entity(self, id: str) -> Any:
        """Any entity by id, whatever its kind; raises ``UnknownIdError``."""
        for section in SECTIONS if isinstance(id, str) else ():
            found = getattr(self, section.name).get(id)
            if found is not None:
                return found
        raise UnknownIdError(id, kind="id", candidates=list(self._all_ids()))

    def kind_of(self, id: str) -> str | None:
        """The kind of entity ``id`` names (``role``, ``touchpoint`` ...), or ``None``."""
        if not isinstance(id, str):
            return None
        for section in SECTIONS:
            if id in getattr(self, section.name):
                return section.kind
        return None

    def customer(self, id: str) -> Customer:
        """The customer ``id``; raises ``UnknownIdError`` with suggestions."""
        return self.customers[id]

    def role(self, id: str) -> Role:
        """The role ``id``; raises ``UnknownIdError`` with suggestions."""
        return self.roles[id]

    def touchpoint(self, id: str) -> Touchpoint:
        """The touchpoint ``id``; raises ``UnknownIdError`` with suggestions."""
        return self.touchpoints[id]

    def principle(self, id: str) -> Principle:
        """The principle ``id``; raises ``UnknownIdError`` with suggestions."""
        return self.principles[id]

    def script(self, id: str) -> Script:
        """The script ``id``; raises ``UnknownIdError`` with suggestions."""
        return self.scripts[id]

    def scenario(self, id: str) -> Scenario:
        """The scenario ``id``; raises ``UnknownIdError`` with suggestions."""
        return self.scenarios[id]

    def metric(self, id: str) -> Metric:
        """The metric ``id``; raises ``UnknownIdError`` with suggestions."""
        return self.metrics[id]

    def program(self, id: str) -> Program:
        """The programme ``id``; raises ``UnknownIdError`` with suggestions."""
        return self.programs[id]

    # -- edits: each returns a new model, checked as a whole --------------------------------

    def with_entities(self, *entities: Entity) -> ServiceModel:
        """A new model with ``entities`` added, or replacing those with the same id.

        A replaced entity keeps its place in its section; a new one goes last. The new
        model is checked as a whole, so a dangling reference raises
        ``ModelError``.

        Examples
        --------
        >>> from servicekit import Role, load_example
        >>> model = load_example().with_entities(Role(id="runner", serves=["cashier"]))
        >>> model.role("runner").serves[0].to
        'cashier'
        """
        tables: dict[str, dict[str, Any]] = {}
        for entity in entities:
            section = _section_holding(entity)
            table = tables.setdefault(section, dict(getattr(self, section)))
            table[getattr(entity, "id")] = entity  # noqa: B009 - Entity has no id attribute
        changes: dict[str, Any] = {name: list(t.values()) for name, t in tables.items()}
        return attrs.evolve(self, **changes)

    def with_customer(self, customer: Customer | Mapping[str, Any]) -> ServiceModel:
        """A new model with ``customer`` (an entity or its YAML mapping) added or replaced."""
        return self.with_entities(_entity(Customer, customer))

    def with_role(self, role: Role | Mapping[str, Any]) -> ServiceModel:
        """A new model with ``role`` (an entity or its YAML mapping) added or replaced.

        Examples
        --------
        >>> from servicekit import load_example
        >>> model = load_example().with_role({"id": "runner", "serves": ["cashier"]})
        >>> [h.to for h in model.role("runner").serves]
        ['cashier']
        """
        return self.with_entities(_entity(Role, role))

    def with_touchpoint(self, touchpoint: Touchpoint | Mapping[str, Any]) -> ServiceModel:
        """A new model with ``touchpoint`` (an entity or its YAML mapping) added or replaced."""
        return self.with_entities(_entity(Touchpoint, touchpoint))

    def with_principle(self, principle: Principle | Mapping[str, Any]) -> ServiceModel:
        """A new model with ``principle`` (an entity or its YAML mapping) added or replaced."""
        return self.with_entities(_entity(Principle, principle))

    def with_script(self, script: Script | Mapping[str, Any]) -> ServiceModel:
        """A new model with ``script`` (an entity or its YAML mapping) added or replaced."""
        return self.with_entities(_entity(Script, script))

    def with_scenario(self, scenario: Scenario | Mapping[str, Any]) -> ServiceModel:
        """A new model with ``scenario`` (an entity or its YAML mapping) added or replaced."""
        return self.with_entities(_entity(Scenario, scenario))

    def with_metric(self, metric: Metric | Mapping[str, Any]) -> ServiceModel:
        """A new model with ``metric`` (an entity or its YAML mapping) added or replaced."""
        return self.with_entities(_entity(Metric, metric))

    def with_program(self, program: Program | Mapping[str, Any]) -> ServiceModel:
        """A new model with ``program`` (an entity or its YAML mapping) added or replaced."""
        return self.with_entities(_entity(Program, program))

    def without(self, *ids: str) -> ServiceModel:
        """A new model without the entities ``ids`` (of any kind).

        What still refers to them makes the new model invalid: a
        ``ModelError`` names each such reference. An unknown id raises
        ``UnknownIdError``.

        Examples
        --------
        >>> from servicekit import load_example
        >>> model = load_example().without("garments-per-hour")
        >>> "garments-per-hour" in model.metrics
        False
        """
        gone = set(ids)
        for id in ids:
            self.entity(id)  # an unknown id is an error, not a silent no-op
        changes: dict[str, Any] = {
            section.name: [e for key, e in getattr(self, section.name).items() if key not in gone]
            for section in SECTIONS
            if gone.intersection(getattr(self, section.name))
        }
        return attrs.evolve(self, **changes)

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
        current = self.role(role).reports_to
        chain: list[str] = []
        seen = {role}
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = self.roles[current].reports_to
        return tuple(chain)

    def _all_ids(self) -> Iterator[str]:
        for section in SECTIONS:
            yield from getattr(self, section.name)

    # -- service culture (answered by servicekit.culture) ---------------------------------

    def principles_for(self, role: str) -> tuple[Applicability, ...]:
        """The principles that apply to ``role``, each saying why it applies."""
        found: tuple[Applicability, ...] = later("servicekit.culture.mapping").principles_for(
            self, role
        )
        return found

    def roles_for(self, principle: str) -> tuple[Applicability, ...]:
        """The roles ``principle`` applies to, each saying why."""
        found: tuple[Applicability, ...] = later("servicekit.culture.mapping").roles_for(
            self, principle
        )
        return found

    def coverage(self) -> Coverage:
        """The role x principle matrix; each cell says where the mapping came from."""
        found: Coverage = later("servicekit.culture.mapping").coverage(self)
        return found

    def guide(self, scenario: str) -> ScenarioGuide:
        """An education card for ``scenario``: what the person on duty needs to think about."""
        found: ScenarioGuide = later("servicekit.culture.guide").guide(self, scenario)
        return found

    def audit(self, *, rules: Mapping[str, str] | None = None) -> Findings:
        """Findings of every audit rule; ``rules`` maps rule ids to ``off`` or a severity.

        ``rules`` is laid over the model's own ``audit:`` settings.
        """
        found: Findings = later("servicekit.culture.audit").audit(self, rules=rules)
        return found

    # -- evidence (answered by servicekit.evidence) ---------------------------------------

    def attribute(
        self, complaints: Any, *, columns: Mapping[str, str] | None = None
    ) -> Attribution:
        """Attribute real complaints to the upstream work that most likely caused them.

        ``complaints`` is a CSV path, a pandas DataFrame or an iterable of mappings with
        columns ``touchpoint``, ``category`` and optionally ``customer`` and ``count``
        (``columns`` renames them: ``{"category": "reason"}``). See
        ``servicekit.evidence.attribution.attribute()``.
        """
        found: Attribution = later("servicekit.evidence.attribution").attribute(
            self, complaints, columns=columns
        )
        return found

    def conformance(
        self,
        log: Any,
        *,
        columns: Mapping[str, str] | None = None,
        resource_roles: Any = None,
        unknown_roles: str = "error",
    ) -> Conformance:
        """Set the hand-offs a log shows against the hand-offs this model designs.

        ``log`` is a CSV or XES path, a pandas DataFrame or an iterable of mappings, with
        XES-named columns by default. See
        ``servicekit.evidence.conformance.conformance()``.
        """
        found: Conformance = later("servicekit.evidence.conformance").conformance(
            self,
            log,
            columns=columns,
            resource_roles=resource_roles,
            unknown_roles=unknown_roles,
        )
        return found

    # -- notebooks (answered by servicekit.render) ----------------------------------------

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").model_html(self)
        return text

    def _repr_markdown_(self) -> str:
        text: str = later("servicekit.render.markdown").model_markdown(self)
        return text


#: Locks for building chains; a model takes the one at its ``id`` modulo their number.
_CHAIN_LOCKS = tuple(threading.Lock() for _ in range(16))


def _entity(cls: type[E], value: E | Mapping[str, Any]) -> E:
    """``value`` as a ``cls``: built from its YAML mapping, or checked to be one."""
    if isinstance(value, Mapping):
        return build(cls, value)
    if not isinstance(value, cls):
        raise UsageError(f"expected a {cls.__name__} or its mapping, not {shown(value)}")
    return value


def _section_holding(entity: object) -> str:
    for section in SECTIONS:
        if type(entity) is section.entity:
            return section.name
    raise UsageError(f"{entity!r} is not an entity of a section (a Role, a Touchpoint ...)")
