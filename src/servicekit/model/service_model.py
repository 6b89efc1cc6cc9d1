"""The whole model: every entity keyed by id, checked as a whole when built.

A :class:`ServiceModel` is where users start, so it also carries the façade
methods they reach for (``model.chain``, ``model.audit()``, ``model.guide()``,
rich display in notebooks). Those are answered by later stages of the data flow,
reached through :func:`servicekit._runtime.later`: the model itself only holds and
checks data.

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

from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from servicekit._runtime import later
from servicekit.errors import ModelError, Problem, UnknownIdError
from servicekit.model.entities import (
    AuditSettings,
    Customer,
    Metric,
    Principle,
    Program,
    Role,
    Scenario,
    Script,
    SourceLocation,
    Touchpoint,
)
from servicekit.model.frozen import FrozenDict
from servicekit.model.references import model_problems
from servicekit.model.sections import SECTIONS
from servicekit.model.values import describe

if TYPE_CHECKING:
    from servicekit.chain.service_chain import ServiceChain
    from servicekit.culture.audit import Findings
    from servicekit.culture.guide import ScenarioGuide
    from servicekit.culture.mapping import Applicability, Coverage

__all__ = ["ServiceModel"]

E = TypeVar("E")


def _keyed(value: Mapping[str, E] | Iterable[E]) -> FrozenDict[str, E]:
    """Entities keyed by id, from a list of them or a mapping id -> entity."""
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, Mapping):
        return FrozenDict(value)
    keyed: dict[str, Any] = {}
    problems = []
    for item in value:
        key = getattr(item, "id", None)
        if key in keyed:
            problems.append(
                Problem(message=f"duplicate id {key!r}", subject=key, field=("id",), value=key)
            )
        keyed[key if isinstance(key, str) else repr(item)] = item
    if problems:
        raise ModelError(problems)
    return FrozenDict(keyed)


def _sections_problems(model: ServiceModel) -> Iterator[Problem]:
    """Each section must hold entities of its kind, each under its own id."""
    for section in SECTIONS:
        for key, entity in getattr(model, section.name).items():
            if not isinstance(entity, section.entity):
                yield Problem(
                    message=f"{section.name} must hold {section.entity.__name__} objects, "
                    f"not {entity!r}",
                    kind=section.kind,
                    subject=key if isinstance(key, str) else None,
                    field=(),
                    value=entity,
                )
            elif getattr(entity, "id", None) != key:
                yield Problem(
                    message=f"{section.name}: key {key!r} does not match the id of {entity!r}",
                    kind=section.kind,
                    subject=key if isinstance(key, str) else None,
                    field=("id",),
                    value=key,
                )
    if not isinstance(model.audit_settings, AuditSettings):
        yield Problem(
            message=f"audit_settings must be AuditSettings, not {model.audit_settings!r}",
            field=("audit",),
            value=model.audit_settings,
        )


@attrs.frozen(kw_only=True)
class ServiceModel:
    """The whole model: every entity keyed by id, plus its :attr:`chain`.

    Building one checks it: every reference must resolve and ids must be
    unique across the model. All problems are raised together as a
    :class:`~servicekit.ModelError`.
    """

    name: str = attrs.field(default="")
    description: str = attrs.field(default="")
    customers: FrozenDict[str, Customer] = attrs.field(factory=FrozenDict, converter=_keyed)
    roles: FrozenDict[str, Role] = attrs.field(factory=FrozenDict, converter=_keyed)
    touchpoints: FrozenDict[str, Touchpoint] = attrs.field(factory=FrozenDict, converter=_keyed)
    principles: FrozenDict[str, Principle] = attrs.field(factory=FrozenDict, converter=_keyed)
    scripts: FrozenDict[str, Script] = attrs.field(factory=FrozenDict, converter=_keyed)
    scenarios: FrozenDict[str, Scenario] = attrs.field(factory=FrozenDict, converter=_keyed)
    metrics: FrozenDict[str, Metric] = attrs.field(factory=FrozenDict, converter=_keyed)
    programs: FrozenDict[str, Program] = attrs.field(factory=FrozenDict, converter=_keyed)
    audit_settings: AuditSettings = attrs.field(factory=AuditSettings)
    #: Where each entity was written, when the model was loaded from YAML.
    sources: FrozenDict[str, SourceLocation] = attrs.field(
        factory=FrozenDict, converter=FrozenDict, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        problems = []
        for key in ("name", "description"):
            value = getattr(self, key)
            if type(value) is not str:
                problems.append(
                    Problem(
                        message=f"the model's {key} must be a string, not {describe(value)}",
                        field=(key,),
                        value=value,
                    )
                )
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

    # -- lookups ------------------------------------------------------------------------

    @cached_property
    def chain(self) -> ServiceChain:
        """The service chain: the graph of roles, touchpoints and customers."""
        chain: ServiceChain = later("servicekit.chain.service_chain").ServiceChain(self)
        return chain

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
        return {section.name: len(getattr(self, section.name)) for section in SECTIONS}

    def entity(self, id: str) -> Any:
        """Any entity by id, whatever its kind; raises :class:`~servicekit.UnknownIdError`."""
        for section in SECTIONS:
            found = getattr(self, section.name).get(id)
            if found is not None:
                return found
        raise UnknownIdError(id, kind="id", candidates=list(self._all_ids()))

    def kind_of(self, id: str) -> str | None:
        """The kind of entity ``id`` names (``role``, ``touchpoint`` ...), or ``None``."""
        for section in SECTIONS:
            if id in getattr(self, section.name):
                return section.kind
        return None

    def role(self, id: str) -> Role:
        """The role ``id``; raises :class:`~servicekit.UnknownIdError` with suggestions."""
        return _lookup(self.roles, id, "role")

    def touchpoint(self, id: str) -> Touchpoint:
        """The touchpoint ``id``; raises :class:`~servicekit.UnknownIdError` with suggestions."""
        return _lookup(self.touchpoints, id, "touchpoint")

    def scenario(self, id: str) -> Scenario:
        """The scenario ``id``; raises :class:`~servicekit.UnknownIdError` with suggestions."""
        return _lookup(self.scenarios, id, "scenario")

    def principle(self, id: str) -> Principle:
        """The principle ``id``; raises :class:`~servicekit.UnknownIdError` with suggestions."""
        return _lookup(self.principles, id, "principle")

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
        seen = {role}
        current = self.role(role).reports_to
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

    # -- notebooks (answered by servicekit.render) ----------------------------------------

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").model_html(self)
        return text

    def _repr_markdown_(self) -> str:
        text: str = later("servicekit.render.markdown").model_markdown(self)
        return text


def _lookup(table: Mapping[str, E], id: str, kind: str) -> E:
    try:
        return table[id]
    except KeyError:
        raise UnknownIdError(id, kind=kind, candidates=list(table)) from None
    except TypeError:  # an unhashable id
        raise UnknownIdError(id, kind=kind) from None
