"""Restricting culture answers to a selection: which entities a finding is tied to."""

from __future__ import annotations

from pathlib import Path

import pytest

import servicekit
from servicekit import (
    Audience,
    Customer,
    Metric,
    Principle,
    PrincipleScope,
    Program,
    Role,
    Scenario,
    Script,
    ServiceModel,
    Touchpoint,
)
from servicekit.culture.selection import coverage_of, findings_about, ties

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

MODEL = ServiceModel(
    customers=[Customer(id="guest")],
    roles=[
        Role(id="cook", department="kitchen", serves=["waiter"]),
        Role(id="waiter", department="floor"),
        Role(id="owner"),
    ],
    touchpoints=[Touchpoint(id="table", role="waiter", customers=["guest"])],
    principles=[
        Principle(id="care", applies_to=PrincipleScope(roles=["owner"], departments=["kitchen"])),
        Principle(id="smile"),
    ],
    scripts=[Script(id="greet", touchpoint="table", situations=["arrival"])],
    scenarios=[Scenario(id="late", touchpoint="table")],
    metrics=[
        Metric(id="covers", owner="kitchen", tied_to=["pay"]),
        Metric(id="tips", owner="waiter", tied_to=["pay"]),
        Metric(id="orphan", tied_to=["pay"]),
    ],
    programs=[Program(id="course", audience=Audience(roles=["owner"], departments=["floor"]))],
)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("cook", ("cook",)),
        ("covers", ("covers", "cook")),
        ("tips", ("tips", "waiter")),
        ("orphan", ("orphan",)),
        ("late", ("late", "table")),
        ("greet", ("greet", "table")),
        ("course", ("course", "owner", "waiter")),
        ("care", ("care", "owner", "cook")),
        ("smile", ("smile",)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_ties_of_each_kind_of_entity(subject: str, expected: tuple[str, ...]) -> None:
    """A subject is tied to itself and to the chain nodes it is about."""
    assert ties(MODEL, subject) == expected


def test_findings_about_a_department() -> None:
    """Findings about the kitchen: its metric, and nothing about the floor."""
    findings = MODEL.audit()
    kitchen = MODEL.chain.select("department:kitchen")
    kept = findings_about(findings, MODEL, kitchen)
    assert {f.subject for f in kept} == {
        f.subject for f in findings if set(ties(MODEL, f.subject)) & set(kitchen)
    }
    assert "covers" in {f.subject for f in kept}
    assert "tips" not in {f.subject for f in kept}


def test_coverage_of_keeps_selected_rows_and_every_column() -> None:
    """Only the selected roles' rows; the principles all stay."""
    table = coverage_of(MODEL.coverage(), ["cook", "table"])
    assert table.roles == ("cook",)
    assert table.principles == ("care", "smile")
    assert table.cell("cook", "care") == "department"


def test_coverage_of_keeps_the_for_of_each_principle() -> None:
    """A principle for some customers only is still marked so in a selection's coverage."""
    model = servicekit.load(EXAMPLES / "key-handover.yaml")
    whole = model.coverage()
    assert whole.limited_to
    table = coverage_of(whole, list(whole.roles[:2]))
    assert table.limited_to == whole.limited_to
