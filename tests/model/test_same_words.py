"""A mistake gets the same message whether the model is written in YAML or built in Python.

Each case is one mistake written both ways: as a YAML model, and as Python building the
same model from entities and plain mappings. Both must raise a ModelError with the same
messages and hints; only the YAML one is placed at ``file:line:column``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

import servicekit
from servicekit import (
    AuditSettings,
    Customer,
    FailPoint,
    ModelError,
    Principle,
    Program,
    Role,
    Scenario,
    ServiceModel,
    Touchpoint,
)

HEAD = "servicekit: 1\n"


def model(**parts: Any) -> Callable[[], ServiceModel]:
    """Building ``ServiceModel(**parts)``, called later so its error can be caught."""
    return lambda: ServiceModel(**parts)


def fail_point(**fields: Any) -> Callable[[], ServiceModel]:
    """A role handing off to another with one fail point of ``fields``, built when called."""
    return lambda: ServiceModel(
        roles=[
            Role(id="a", serves=[{"to": "b", "fail_points": [{"id": "f", **fields}]}]),
            Role(id="b"),
        ]
    )


def yaml_fail_point(text: str) -> str:
    """The YAML of :func:`fail_point`, the fail point's fields written as ``text``."""
    serves = f"[{{to: b, fail_points: [{{id: f, {text}}}]}}]"
    return HEAD + f"roles:\n  - id: a\n    serves: {serves}\n  - id: b\n"


CASES: list[tuple[str, str, Callable[[], Any]]] = [
    ("rate-too-big", yaml_fail_point("rate: 1.5"), fail_point(rate=1.5)),
    ("rate-negative", yaml_fail_point("rate: -0.1"), fail_point(rate=-0.1)),
    ("rate-string", yaml_fail_point("rate: '0.1'"), fail_point(rate="0.1")),
    ("rate-word", yaml_fail_point("rate: often"), fail_point(rate="often")),
    ("rate-infinite", yaml_fail_point("rate: .inf"), fail_point(rate=math.inf)),
    ("rate-list", yaml_fail_point("rate: [0.1]"), fail_point(rate=[0.1])),
    ("category-list", yaml_fail_point("category: [a]"), fail_point(category=["a"])),
    ("fail-point-key", yaml_fail_point("rat: 0.1"), fail_point(rat=0.1)),
    (
        "needs-scalar",
        HEAD + "customers: [{id: c, needs: help}]\n",
        lambda: Customer(id="c", needs="help"),
    ),
    (
        "needs-nested",
        HEAD + "customers: [{id: c, needs: [[a]]}]\n",
        lambda: Customer(id="c", needs=[["a"]]),
    ),
    (
        "needs-null",
        HEAD + "customers: [{id: c, needs: [~]}]\n",
        lambda: Customer(id="c", needs=[None]),
    ),
    ("name-list", HEAD + "customers: [{id: c, name: [x]}]\n", lambda: Customer(id="c", name=["x"])),
    ("id-empty", HEAD + "customers: [{id: ''}]\n", lambda: Customer(id="")),
    ("id-missing", HEAD + "customers: [{name: c}]\n", lambda: Customer(name="c")),
    (
        "unknown-key",
        HEAD + "roles: [{id: a, departmnt: x}]\n",
        model(roles=[{"id": "a", "departmnt": "x"}]),
    ),
    (
        "handoff-key",
        HEAD + "roles: [{id: a, serves: [{to: a, itme: x}]}]\n",
        model(roles=[{"id": "a", "serves": [{"to": "a", "itme": "x"}]}]),
    ),
    (
        "handoff-no-to",
        HEAD + "roles: [{id: a, serves: [{item: x}]}]\n",
        lambda: Role(id="a", serves=[{"item": "x"}]),
    ),
    ("serves-scalar", HEAD + "roles: [{id: a, serves: b}]\n", lambda: Role(id="a", serves="b")),
    (
        "serves-entry-list",
        HEAD + "roles: [{id: a, serves: [[b]]}]\n",
        lambda: Role(id="a", serves=[["b"]]),
    ),
    (
        "fail-points-mapping",
        HEAD + "roles: [{id: a, serves: [{to: a, fail_points: {}}]}]\n",
        lambda: Role(id="a", serves=[{"to": "a", "fail_points": {}}]),
    ),
    (
        "catches-list",
        HEAD + "roles: [{id: a, catches: [stain]}]\n",
        lambda: Role(id="a", catches=["stain"]),
    ),
    (
        "catch-too-big",
        HEAD + "roles: [{id: a, catches: {stain: 2.5}}]\n",
        lambda: Role(id="a", catches={"stain": 2.5}),
    ),
    (
        "dangling-handoff",
        HEAD + "roles: [{id: a, serves: [runer]}, {id: runner}]\n",
        model(roles=[Role(id="a", serves=["runer"]), Role(id="runner")]),
    ),
    ("touchpoint-no-role", HEAD + "touchpoints: [{id: t}]\n", lambda: Touchpoint(id="t")),
    ("scenario-no-touchpoint", HEAD + "scenarios: [{id: s}]\n", lambda: Scenario(id="s")),
    (
        "content",
        HEAD + "programs: [{id: p, content: generik}]\n",
        lambda: Program(id="p", content="generik"),
    ),
    (
        "applies-to-list",
        HEAD + "principles: [{id: p, applies_to: [a]}]\n",
        lambda: Principle(id="p", applies_to=["a"]),
    ),
    (
        "applies-to-key",
        HEAD + "principles: [{id: p, applies_to: {role: [a]}}]\n",
        lambda: Principle(id="p", applies_to={"role": ["a"]}),
    ),
    (
        "audience-scalar",
        HEAD + "programs: [{id: p, audience: a}]\n",
        lambda: Program(id="p", audience="a"),
    ),
    (
        "audience-roles-scalar",
        HEAD + "programs: [{id: p, audience: {roles: a}}]\n",
        lambda: Program(id="p", audience={"roles": "a"}),
    ),
    (
        "audit-unknown-rule",
        HEAD + "audit: {rules: {no-custmer: 'off'}}\n",
        lambda: AuditSettings(rules={"no-custmer": "off"}),
    ),
    (
        "audit-bad-setting",
        HEAD + "audit: {rules: {no-customer: loud}}\n",
        lambda: AuditSettings(rules={"no-customer": "loud"}),
    ),
    (
        "audit-setting-no",
        HEAD + "audit: {rules: {unscripted-scenario: no}}\n",
        lambda: AuditSettings(rules={"unscripted-scenario": "no"}),
    ),
    (
        "duplicate-fail-point",
        HEAD + "roles:\n  - id: a\n    serves: [{to: a, fail_points: [{id: a}]}]\n",
        model(roles=[Role(id="a", serves=[{"to": "a", "fail_points": [FailPoint(id="a")]}])]),
    ),
    ("version-string", "servicekit: '1'\n", lambda: ServiceModel.from_dict({"servicekit": "1"})),
    (
        "unknown-section",
        HEAD + "rolse: []\n",
        lambda: ServiceModel.from_dict({"servicekit": 1, "rolse": []}),
    ),
]


def _said(error: ModelError) -> list[tuple[str, str | None]]:
    """What a ModelError says, without where: each problem's message and hint, in order."""
    return sorted((p.message.split(" at m.yaml:")[0], p.hint) for p in error.problems)


@pytest.mark.parametrize(("text", "build"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_mistake_says_the_same_in_yaml_and_in_python(text: str, build: Callable[[], Any]) -> None:
    """The loader and the constructors name the entity, field and value in the same words."""
    with pytest.raises(ModelError, match=r"^m\.yaml:\d+:\d+: error: ") as from_yaml:
        servicekit.loads(text, path="m.yaml")
    with pytest.raises(ModelError, match=r"^<model>: error: ") as from_python:
        build()
    assert _said(from_python.value) == _said(from_yaml.value)


def test_there_are_at_least_twenty_mistakes() -> None:
    """The table covers at least twenty kinds of mistake."""
    assert len(CASES) >= 20
