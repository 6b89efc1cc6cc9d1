"""Tests for servicekit.model: frozen entities, FrozenDict and model validation."""

from __future__ import annotations

import math
import re
from typing import Any

import attrs
import pytest

from servicekit import (
    Audience,
    AuditSettings,
    Customer,
    FailPoint,
    FrozenDict,
    Handoff,
    InternalCustomer,
    Metric,
    ModelError,
    Principle,
    PrincipleScope,
    Program,
    Role,
    Scenario,
    Script,
    ServiceModel,
    SourceLocation,
    Touchpoint,
    UnknownIdError,
)
from servicekit.model.references import MAX_HINTS, MAX_PROBLEMS


def small(**changes: Any) -> ServiceModel:
    """A small valid model, with some sections replaced."""
    parts: dict[str, Any] = {
        "customers": [Customer(id="guest")],
        "roles": [
            Role(
                id="clerk",
                department="front",
                serves=[Handoff(to="runner")],
            ),
            Role(id="runner", department="back", reports_to="clerk"),
        ],
        "touchpoints": [Touchpoint(id="desk", role="clerk", customers=["guest"])],
        "principles": [Principle(id="care")],
        "scenarios": [Scenario(id="rush", touchpoint="desk", customer="guest")],
    }
    parts.update(changes)
    return ServiceModel(**parts)


def messages(**changes: Any) -> list[str]:
    """The problem messages of building ``small(**changes)``."""
    with pytest.raises(ModelError, match="<model>: error: ") as info:
        small(**changes)
    return [p.message for p in info.value.problems]


# --- FrozenDict -------------------------------------------------------------------------------


def test_frozen_dict_is_an_immutable_mapping() -> None:
    """FrozenDict reads like a dict, keeps order, and cannot be changed."""
    d = FrozenDict({"b": 1, "a": 2})
    assert list(d) == ["b", "a"]
    assert d["a"] == 2
    assert "b" in d
    assert len(d) == 2
    assert d == {"b": 1, "a": 2}
    assert d == FrozenDict(b=1, a=2)
    assert d != FrozenDict(b=1)
    assert d.__eq__(3) is NotImplemented
    assert hash(d) == hash(FrozenDict({"a": 2, "b": 1}))
    assert hash(d) == hash(d)  # cached after the first call
    assert repr(d) == "FrozenDict({'b': 1, 'a': 2})"
    with pytest.raises(TypeError, match="does not support item assignment"):
        d["c"] = 3  # type: ignore[index]
    with pytest.raises(AttributeError, match="'x'"):
        d.x = 1  # type: ignore[attr-defined]


# --- entities ---------------------------------------------------------------------------------

ENTITY_ERRORS = [
    ("empty-id", lambda: Customer(id=""), r"a customer's 'id' must not be empty"),
    ("int-id", lambda: Role(id=3), r"a role's 'id' must be a string, not 3"),  # type: ignore[arg-type]
    ("name-int", lambda: Role(id="a", name=3), r"the name of role 'a' must be a string, not 3"),  # type: ignore[arg-type]
    (
        "needs-str",
        lambda: Customer(id="a", needs="x"),  # type: ignore[arg-type]
        r"the needs of customer 'a' must be a list, not 'x'; write \[x\]",
    ),
    (
        "needs-int",
        lambda: Customer(id="a", needs=[1]),  # type: ignore[list-item]
        r"each entry of the needs of customer 'a' must be a string, not 1",
    ),
    ("dept-empty", lambda: Role(id="a", department=""), r"the department of role 'a' must not be"),
    ("rate-big", lambda: FailPoint(id="f", rate=1.5), r"rate of fail point 'f' must be between"),
    ("rate-nan", lambda: FailPoint(id="f", rate=math.nan), r"must be a finite number, got nan"),
    ("rate-bool", lambda: FailPoint(id="f", rate=True), r"must be a number, not True"),
    ("rate-str", lambda: FailPoint(id="f", rate="0.5"), r"not the string '0.5'; write it without"),  # type: ignore[arg-type]
    ("catch-big", lambda: Role(id="a", catches={"s": 2}), r"'s' defects in the catches of role"),
    (
        "catch-inf",
        lambda: Role(id="a", catches={"s": math.inf}),
        r"must be a finite number, got inf",
    ),
    ("catch-key", lambda: Role(id="a", catches={"": 0.5}), r"a category must not be empty"),
    (
        "serves-type",
        lambda: Role(id="a", serves=[3]),  # type: ignore[list-item]
        r"each entry of the serves of role 'a' must be a role id or a mapping with 'to', not 3",
    ),
    (
        "content",
        lambda: Program(id="p", content="bespoke"),
        r"content of program 'p' must be one of",
    ),
    (
        "audit-setting",
        lambda: AuditSettings(rules={"no-customer": "loud"}),
        r"audit rule 'no-customer' must be off, error, warning or info, not 'loud'",
    ),
    ("audit-rule", lambda: AuditSettings(rules={"x": "off"}), r"unknown audit rule 'x'"),
    ("tp-role", lambda: Touchpoint(id="t", role=""), r"the role of touchpoint 't' must not be"),
]


@pytest.mark.parametrize(
    ("build", "pattern"), [c[1:] for c in ENTITY_ERRORS], ids=[c[0] for c in ENTITY_ERRORS]
)
def test_entity_validators(build: Any, pattern: str) -> None:
    """Entities refuse bad field values when built in Python, naming entity, field and value."""
    with pytest.raises(ModelError, match=pattern):
        build()


def test_entity_problems_are_data() -> None:
    """Each problem of an entity keeps its kind, subject, field and bad value; all come together."""
    with pytest.raises(ModelError, match="needs of customer") as info:
        Customer(id="a", name=3, needs=["ok", 2])  # type: ignore[arg-type, list-item]
    assert [(p.kind, p.subject, p.field, p.value) for p in info.value.problems] == [
        ("customer", "a", ("name",), 3),
        ("customer", "a", ("needs", 1), ("ok", 2)),
    ]


def test_entities_are_frozen_and_hashable() -> None:
    """Entities are immutable values; lists become tuples, mappings FrozenDicts."""
    role = Role(id="a", principles=["p"], catches={"stain": 1})
    assert role.principles == ("p",)
    assert isinstance(role.catches, FrozenDict)
    assert role.catches["stain"] == 1.0
    assert isinstance(role.catches["stain"], float)
    assert hash(role) == hash(Role(id="a", principles=("p",), catches={"stain": 1.0}))
    with pytest.raises(attrs.exceptions.FrozenInstanceError, match=r"can.t set attribute"):
        role.id = "b"  # type: ignore[misc]
    assert FailPoint(id="f", rate=1).rate == 1.0


@pytest.mark.parametrize(
    ("entity", "label"),
    [
        (Customer(id="c"), "c"),
        (Customer(id="c", name="C"), "C"),
        (Role(id="r", name="R"), "R"),
        (Touchpoint(id="t", role="r"), "t"),
        (Principle(id="p", name="P"), "P"),
        (Script(id="s"), "s"),
        (Scenario(id="s", touchpoint="t", title="T"), "T"),
        (Metric(id="m"), "m"),
        (Program(id="p", name="P"), "P"),
    ],
    ids=[
        "customer",
        "customer-name",
        "role",
        "touchpoint",
        "principle",
        "script",
        "scenario",
        "metric",
        "program",
    ],
)
def test_labels(entity: Any, label: str) -> None:
    """An entity's label is its name (or title), else its id."""
    assert entity.label == label


def test_handoff_plain_and_catch_rate() -> None:
    """A hand-off with only a target is plain; a role's catch rate defaults to 0."""
    assert Handoff(to="b").is_plain
    assert not Handoff(to="b", item="x").is_plain
    role = Role(id="a", catches={"stain": 0.5})
    assert (role.catch_rate("stain"), role.catch_rate("crease")) == (0.5, 0.0)


def test_internal_customer_expectations() -> None:
    """An internal customer gathers the expectations of every hand-off it receives."""
    handoffs = [
        Handoff(to="b", expectations=["x"]),
        Handoff(to="b", expectations=["y", "z"]),
    ]
    ic = InternalCustomer(role="b", supplier="a", handoffs=handoffs)
    assert ic.expectations == ("x", "y", "z")
    assert isinstance(ic.handoffs, tuple)


def test_source_location_text() -> None:
    """A source location prints as path:line:column."""
    assert str(SourceLocation("m.yaml", 3, 5)) == "m.yaml:3:5"


# --- the model ---------------------------------------------------------------------------------


def test_model_keys_entities_by_id() -> None:
    """Sections are FrozenDicts keyed by id, in the order given."""
    model = small()
    assert list(model.roles) == ["clerk", "runner"]
    assert model.roles["clerk"].department == "front"
    assert model == small()
    assert hash(model) == hash(small())


def test_model_accepts_mappings() -> None:
    """A section may be given as a mapping of id to entity."""
    model = small(customers={"guest": Customer(id="guest")})
    assert list(model.customers) == ["guest"]
    with pytest.raises(ValueError, match=r"key 'x' does not match the id"):
        small(customers={"x": Customer(id="guest")})


def test_model_rejects_wrong_entity_kinds() -> None:
    """A section holding the wrong kind of entity is a ModelError naming it."""
    with pytest.raises(ModelError, match=r"customers must hold Customer objects"):
        small(customers=[Role(id="guest")])


def test_model_rejects_duplicate_ids_in_a_list() -> None:
    """Two entities of one section with one id are refused."""
    with pytest.raises(ValueError, match=r"duplicate id 'guest'"):
        small(customers=[Customer(id="guest"), Customer(id="guest")])


MODEL_ERRORS = [
    (
        "dup-across",
        {"principles": [Principle(id="clerk")]},
        "duplicate id 'clerk': already used by the role",
    ),
    (
        "dup-fail-point",
        {
            "roles": [
                Role(
                    id="clerk",
                    serves=[Handoff(to="clerk", fail_points=[FailPoint(id="guest")])],
                )
            ]
        },
        "duplicate id 'guest': already used by the customer",
    ),
    (
        "dup-fail-points",
        {
            "roles": [
                Role(
                    id="clerk",
                    serves=[
                        Handoff(
                            to="clerk",
                            fail_points=[FailPoint(id="f"), FailPoint(id="f")],
                        )
                    ],
                )
            ]
        },
        "duplicate id 'f': already used by the fail point",
    ),
    (
        "handoff",
        {"roles": [Role(id="clerk", serves=[Handoff(to="runer")])]},
        "role 'clerk' names unknown role 'runer'",
    ),
    (
        "reports-to",
        {"roles": [Role(id="clerk", reports_to="boss")]},
        "role 'clerk' names unknown role 'boss'",
    ),
    (
        "principles",
        {"roles": [Role(id="clerk", principles=["cares"])]},
        "role 'clerk' names unknown principle 'cares'",
    ),
    (
        "tp-role",
        {"touchpoints": [Touchpoint(id="desk", role="clerc")]},
        "touchpoint 'desk' names unknown role 'clerc'",
    ),
    (
        "tp-customers",
        {"touchpoints": [Touchpoint(id="desk", role="clerk", customers=["x"])]},
        "touchpoint 'desk' names unknown customer 'x'",
    ),
    (
        "tp-feeds",
        {"touchpoints": [Touchpoint(id="desk", role="clerk", feeds=["x"])]},
        "touchpoint 'desk' names unknown role 'x'",
    ),
    (
        "applies-to",
        {"principles": [Principle(id="p", applies_to=PrincipleScope(roles=["x"]))]},
        "principle 'p' names unknown role 'x'",
    ),
    ("script-role", {"scripts": [Script(id="s", role="x")]}, "script 's' names unknown role 'x'"),
    (
        "script-tp",
        {"scripts": [Script(id="s", touchpoint="x")]},
        "script 's' names unknown touchpoint 'x'",
    ),
    (
        "scenario-tp",
        {"scenarios": [Scenario(id="s", touchpoint="x")]},
        "scenario 's' names unknown touchpoint 'x'",
    ),
    (
        "scenario-customer",
        {"scenarios": [Scenario(id="s", touchpoint="desk", customer="x")]},
        "scenario 's' names unknown customer 'x'",
    ),
    (
        "metric-owner",
        {"metrics": [Metric(id="m", owner="x")]},
        "metric 'm' names unknown role or department 'x'",
    ),
    (
        "metric-serves",
        {"metrics": [Metric(id="m", serves=["x"])]},
        "metric 'm' names unknown touchpoint or customer 'x'",
    ),
    (
        "audience",
        {"programs": [Program(id="p", audience=Audience(roles=["x"]))]},
        "program 'p' names unknown role 'x'",
    ),
    (
        "program-scenarios",
        {"programs": [Program(id="p", scenarios=["x"])]},
        "program 'p' names unknown scenario 'x'",
    ),
    (
        "reporting-loop",
        {"roles": [Role(id="clerk", reports_to="runner"), Role(id="runner", reports_to="clerk")]},
        "reports_to forms a loop: clerk -> runner -> clerk",
    ),
    (
        "self-report",
        {"roles": [Role(id="clerk", reports_to="clerk")]},
        "reports_to forms a loop: clerk -> clerk",
    ),
]


@pytest.mark.parametrize(
    ("changes", "message"), [c[1:] for c in MODEL_ERRORS], ids=[c[0] for c in MODEL_ERRORS]
)
def test_model_validation(changes: dict[str, Any], message: str) -> None:
    """Building a model checks ids and references, raising every problem together."""
    assert message in messages(**changes)


def test_model_validation_collects_everything() -> None:
    """All problems of a model built in Python are raised together, unlocated."""
    with pytest.raises(ModelError, match="names unknown") as info:
        small(metrics=[Metric(id="m", owner="x", serves=["y", "z"])])
    assert len(info.value.problems) == 3
    assert all(p.path == "<model>" and p.line is None for p in info.value.problems)
    assert [p.field for p in info.value.problems] == [("owner",), ("serves", 0), ("serves", 1)]
    assert str(info.value).startswith("<model>: error: metric 'm' names unknown")


def test_model_validation_uses_sources() -> None:
    """Problems of a model with recorded sources are located there."""
    with pytest.raises(ModelError, match=r"^m\.yaml:7:3: error: metric 'm' names unknown"):
        small(
            metrics=[Metric(id="m", owner="x")],
            sources={"m": SourceLocation("m.yaml", 7, 3)},
        )


def test_model_hint_budget() -> None:
    """Only the first unknown references get a did-you-mean hint; problems are capped."""
    roles = [Role(id=f"r{i}", reports_to=f"r{i}x") for i in range(MAX_PROBLEMS + 10)]
    with pytest.raises(ModelError, match="names unknown role") as info:
        ServiceModel(roles=roles)
    issues = info.value.problems
    assert len(issues) == MAX_PROBLEMS
    assert sum(1 for i in issues if i.hint) == MAX_HINTS
    assert issues[0].hint is not None
    assert issues[0].hint.startswith("did you mean 'r0'")


def test_evolve_revalidates() -> None:
    """attrs.evolve builds a new model, validated again."""
    model = small()
    renamed = attrs.evolve(model, name="Shop")
    assert renamed.name == "Shop"
    assert model.name == ""
    with pytest.raises(ModelError, match=r"names unknown customer 'guest'"):
        attrs.evolve(model, customers=[])


def test_lookups() -> None:
    """Lookups by id return entities or raise UnknownIdError with suggestions."""
    model = small(scripts=[Script(id="hello", role="clerk")])
    assert model.role("clerk").id == "clerk"
    assert model.touchpoint("desk").role == "clerk"
    assert model.scenario("rush").touchpoint == "desk"
    assert model.principle("care").id == "care"
    assert model.entity("hello") == model.scripts["hello"]
    assert model.entity("guest") == model.customers["guest"]
    for lookup, bad, kind in [
        (model.role, "clerc", "role"),
        (model.touchpoint, "dsk", "touchpoint"),
        (model.scenario, "rsh", "scenario"),
        (model.principle, "cares", "principle"),
        (model.entity, "runer", "id"),
    ]:
        with pytest.raises(
            UnknownIdError, match=re.escape(f"unknown {kind} {bad!r}; did you mean")
        ):
            lookup(bad)


def test_departments_and_front_line() -> None:
    """departments lists every role's department; front_line the roles at touchpoints."""
    model = small()
    assert model.departments == ("back", "front")
    assert model.front_line == frozenset({"clerk"})


def test_managers_of() -> None:
    """managers_of walks reports_to, nearest first."""
    model = small(
        roles=[
            Role(id="clerk", reports_to="lead"),
            Role(id="lead", reports_to="boss"),
            Role(id="boss"),
        ]
    )
    assert model.managers_of("clerk") == ("lead", "boss")
    assert model.managers_of("boss") == ()
    with pytest.raises(UnknownIdError, match="unknown role 'nobody'"):
        model.managers_of("nobody")


def test_chain_is_built_lazily_and_cached() -> None:
    """The chain is built from the model on first use, once."""
    model = small()
    assert model.chain is model.chain
    assert set(model.chain.graph.nodes) == {"guest", "clerk", "runner", "desk"}


def test_entities_without_ids_are_refused() -> None:
    """A section given things that are not entities is a ModelError naming the value."""
    with pytest.raises(ModelError, match="roles must hold Role objects, not 'cashier'"):
        ServiceModel(roles=["cashier"])  # type: ignore[list-item]


def test_model_shows_itself_in_notebooks() -> None:
    """A model displays as the summary of servicekit.render in HTML and Markdown."""
    from servicekit import load_example
    from servicekit.render import html as display
    from servicekit.render import markdown as display_md

    model = load_example()
    assert model._repr_html_() == display.model_html(model)
    assert model._repr_markdown_() == display_md.model_markdown(model)
    assert "Corner Dry Cleaner" in model._repr_html_()
