"""Tests for servicekit.mapping: principles <-> roles and the coverage matrix."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servicekit
from servicekit import (
    Customer,
    MissingExtraError,
    Principle,
    PrincipleScope,
    Role,
    ServiceModel,
    Touchpoint,
)
from servicekit.culture.mapping import (
    SOURCES,
    Applicability,
    Coverage,
    coverage,
    principles_for,
    roles_for,
    source_of,
)

#: A kitchen and a floor, with a principle of each kind of reach.
KITCHEN = """\
servicekit: 1
name: Bistro
customers: [{id: diner}]
roles:
  - {id: cook, department: kitchen, serves: [runner], principles: [plate-check]}
  - {id: runner, department: floor, serves: [waiter]}
  - {id: waiter, department: floor, reports_to: manager}
  - {id: manager, department: office}
  - {id: dishwasher, department: scullery}
touchpoints:
  - {id: table, role: waiter, customers: [diner]}
principles:
  - {id: welcome, name: Welcome everyone, questions: [Who is waiting?]}
  - {id: plate-check, applies_to: {roles: [runner]}}
  - {id: floor-eyes, applies_to: {departments: [floor, kitchen]}}
  - {id: runner-first, applies_to: {roles: [runner], departments: [floor]}}
  - {id: nobody, applies_to: {}}
"""


@pytest.fixture(scope="module")
def kitchen() -> ServiceModel:
    """The bistro model above."""
    return servicekit.loads(KITCHEN)


def cycle_model() -> ServiceModel:
    """A rework loop (a -> b -> a) feeding a front-line role; one department principle."""
    return ServiceModel(
        roles=[
            Role(id="a", department="back", serves=[servicekit.Handoff(to="b")]),
            Role(
                id="b",
                department="back",
                serves=[
                    servicekit.Handoff(to="a"),
                    servicekit.Handoff(to="c"),
                ],
            ),
            Role(id="c", department="front"),
        ],
        touchpoints=[Touchpoint(id="desk", role="c")],
        principles=[Principle(id="rework", applies_to=PrincipleScope(departments=["back"]))],
    )


def multi_customer_model() -> ServiceModel:
    """One touchpoint serving two customers; principles listed out of alphabetical order."""
    return servicekit.loads(
        """\
servicekit: 1
customers: [{id: family}, {id: tourist}]
roles: [{id: guide}, {id: driver, serves: [guide]}]
touchpoints: [{id: tour, role: guide, customers: [family, tourist]}]
principles:
  - {id: zeal, applies_to: {roles: [guide]}}
  - {id: aware}
"""
    )


@pytest.mark.parametrize(
    ("principle", "role", "expected"),
    [
        (Principle(id="p"), Role(id="r"), "everyone"),
        (Principle(id="p"), Role(id="r", principles=["p"]), "explicit"),
        (Principle(id="p", applies_to=PrincipleScope(roles=["r"])), Role(id="r"), "role"),
        (
            Principle(id="p", applies_to=PrincipleScope(departments=["d"])),
            Role(id="r", department="d"),
            "department",
        ),
        (
            Principle(id="p", applies_to=PrincipleScope(roles=["r"], departments=["d"])),
            Role(id="r", department="d"),
            "role",
        ),
        (
            Principle(id="p", applies_to=PrincipleScope(roles=["r"], departments=["d"])),
            Role(id="r", department="d", principles=["p"]),
            "explicit",
        ),
        (Principle(id="p", applies_to=PrincipleScope(roles=["x"])), Role(id="r"), None),
        (
            Principle(id="p", applies_to=PrincipleScope(departments=["d"])),
            Role(id="r", department="e"),
            None,
        ),
        (
            Principle(id="p", applies_to=PrincipleScope(departments=["d"])),
            Role(id="r"),
            None,
        ),
        (Principle(id="p", applies_to=PrincipleScope()), Role(id="r"), None),
        (
            Principle(id="p", applies_to=PrincipleScope()),
            Role(id="r", principles=["p"]),
            "explicit",
        ),
    ],
    ids=[
        "everyone-by-default",
        "explicit-beats-everyone",
        "listed-role",
        "listed-department",
        "role-beats-department",
        "explicit-beats-role-and-department",
        "other-role-listed",
        "other-department",
        "no-department",
        "empty-scope-is-nobody",
        "empty-scope-but-named-by-role",
    ],
)
def test_source_of(principle: Principle, role: Role, expected: str | None) -> None:
    """The most specific reason is given: explicit > role > department > everyone."""
    assert source_of(principle, role) == expected


def test_principles_for_lists_model_order_and_sources(kitchen: ServiceModel) -> None:
    """principles_for keeps the model's principle order and names why each applies."""
    found = principles_for(kitchen, "runner")
    assert [(a.principle, a.source) for a in found] == [
        ("welcome", "everyone"),
        ("plate-check", "role"),
        ("floor-eyes", "department"),
        ("runner-first", "role"),
    ]
    assert all(a.role == "runner" for a in found)


def test_principles_for_explicit_role(kitchen: ServiceModel) -> None:
    """A role that names a principle itself gets it even when the principle lists others."""
    found = {a.principle: a.source for a in kitchen.principles_for("cook")}
    assert found == {"welcome": "everyone", "plate-check": "explicit", "floor-eyes": "department"}


def test_roles_for_is_sorted_by_role(kitchen: ServiceModel) -> None:
    """roles_for lists roles by id, each with its reason."""
    found = roles_for(kitchen, "floor-eyes")
    assert [(a.role, a.source) for a in found] == [
        ("cook", "department"),
        ("runner", "department"),
        ("waiter", "department"),
    ]
    assert [a.role for a in kitchen.roles_for("welcome")] == sorted(kitchen.roles)


def test_roles_for_empty_scope(kitchen: ServiceModel) -> None:
    """A principle with an empty applies_to reaches no role."""
    assert kitchen.roles_for("nobody") == ()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m: m.principles_for("runer"), r"unknown role 'runer'; did you mean 'runner'"),
        (lambda m: m.roles_for("welcom"), r"unknown principle 'welcom'; did you mean 'welcome'"),
        (
            lambda m: m.coverage().cell("cok", "welcome"),
            r"unknown role 'cok'; did you mean 'cook'",
        ),
        (
            lambda m: m.coverage().cell("cook", "nobdy"),
            r"unknown principle 'nobdy'; did you mean 'nobody'",
        ),
    ],
    ids=["principles_for", "roles_for", "cell-role", "cell-principle"],
)
def test_unknown_ids_raise_with_suggestions(kitchen: ServiceModel, call: Any, match: str) -> None:
    """Unknown ids raise UnknownIdError naming the id and the nearest valid ones."""
    with pytest.raises(servicekit.UnknownIdError, match=match):
        call(kitchen)


def test_applicability_rejects_unknown_source() -> None:
    """An Applicability's source must be one of the four reasons."""
    with pytest.raises(ValueError, match="source must be one of"):
        Applicability(role="r", principle="p", source="somebody")
    assert SOURCES == ("explicit", "role", "department", "everyone")


def test_coverage_axes_and_cells(kitchen: ServiceModel) -> None:
    """Roles are sorted, principles keep model order, and cells match principles_for."""
    table = coverage(kitchen)
    assert table.roles == ("cook", "dishwasher", "manager", "runner", "waiter")
    assert table.principles == ("welcome", "plate-check", "floor-eyes", "runner-first", "nobody")
    for role in table.roles:
        expected = {a.principle: a.source for a in kitchen.principles_for(role)}
        assert {p: table.cell(role, p) for p in table.principles if table.cell(role, p)} == (
            expected
        )
    assert table.cell("dishwasher", "floor-eyes") is None


def test_coverage_uncovered_roles() -> None:
    """uncovered_roles lists the roles no principle applies to, and only those."""
    table = cycle_model().coverage()
    assert table.uncovered_roles == ("c",)
    assert table.cell("a", "rework") == table.cell("b", "rework") == "department"


def test_coverage_without_principles() -> None:
    """With no principles every role is uncovered and renders still work."""
    model = ServiceModel(roles=[Role(id="solo")])
    table = model.coverage()
    assert table.principles == ()
    assert table.uncovered_roles == ("solo",)
    assert "solo" in table.to_text()
    assert table.to_csv() == "role\nsolo\n"


def test_coverage_of_several_customers_model() -> None:
    """Principles keep the order written, not alphabetical order."""
    table = multi_customer_model().coverage()
    assert table.principles == ("zeal", "aware")
    assert table.cell("guide", "zeal") == "role"
    assert table.cell("driver", "zeal") is None
    assert table.uncovered_roles == ()


def test_coverage_is_a_value(kitchen: ServiceModel) -> None:
    """Two coverages of the same model are equal and hash alike."""
    assert kitchen.coverage() == coverage(kitchen)
    assert hash(kitchen.coverage()) == hash(coverage(kitchen))
    assert kitchen.coverage() != cycle_model().coverage()


def test_to_text_aligns_columns_and_explains_symbols(kitchen: ServiceModel) -> None:
    """Text puts each symbol under its principle and ends with a legend."""
    text = kitchen.coverage().to_text()
    lines = text.splitlines()
    header = lines[0]
    assert header.split() == [
        "role",
        "welcome",
        "plate-check",
        "floor-eyes",
        "runner-first",
        "nobody",
    ]
    row = next(line for line in lines if line.startswith("runner "))
    for principle, symbol in [("welcome", "*"), ("plate-check", "R"), ("floor-eyes", "D")]:
        start = header.index(principle)
        assert row[start : start + len(principle)].strip() == symbol
    cook = next(line for line in lines if line.startswith("cook "))
    start = header.index("plate-check")
    assert cook[start : start + len("plate-check")].strip() == "E"
    start = header.index("nobody")
    assert cook[start : start + len("nobody")].strip() == "."
    for explained in ("E  explicit", "R  role", "D  department", "*  everyone"):
        assert explained in text
    assert "No principle applies to: " not in text


def test_to_text_names_uncovered_roles() -> None:
    """Text ends by naming the roles no principle reaches."""
    assert cycle_model().coverage().to_text().rstrip().endswith("No principle applies to: c")


def test_to_json_is_json_and_complete(kitchen: ServiceModel) -> None:
    """JSON holds both axes, every cell (null where none) and the uncovered roles."""
    data = json.loads(json.dumps(kitchen.coverage().to_json()))
    assert data["roles"] == list(kitchen.coverage().roles)
    assert data["principles"][0] == "welcome"
    assert data["matrix"]["cook"]["plate-check"] == "explicit"
    assert data["matrix"]["dishwasher"]["floor-eyes"] is None
    assert len(data["matrix"]["manager"]) == len(data["principles"])
    assert data["uncovered_roles"] == []


def test_to_csv_round_trips_through_csv_reader(kitchen: ServiceModel) -> None:
    """CSV has a role column and one column a principle; empty cells do not apply."""
    rows = list(csv.reader(io.StringIO(kitchen.coverage().to_csv())))
    assert rows[0] == ["role", "welcome", "plate-check", "floor-eyes", "runner-first", "nobody"]
    by_role = {row[0]: row[1:] for row in rows[1:]}
    assert by_role["runner"] == ["everyone", "role", "department", "role", ""]
    assert by_role["dishwasher"] == ["everyone", "", "", "", ""]


def test_to_markdown_is_a_table(kitchen: ServiceModel) -> None:
    """Markdown is a header, a rule line and one row a role, cells in words."""
    lines = kitchen.coverage().to_markdown().splitlines()
    assert lines[0] == "| role | welcome | plate-check | floor-eyes | runner-first | nobody |"
    assert lines[1] == "|---|---|---|---|---|---|"
    assert len(lines) == 2 + len(kitchen.roles)
    assert "| cook | everyone | explicit | department |  |  |" in lines
    assert all(line.count("|") == 7 for line in lines)


def test_to_markdown_escapes_pipes() -> None:
    """A pipe in an id cannot break the Markdown table."""
    model = ServiceModel(roles=[Role(id="a|b")], principles=[Principle(id="p|q")])
    lines = model.coverage().to_markdown().splitlines()
    assert lines[0] == "| role | p\\|q |"
    assert lines[2] == "| a\\|b | everyone |"


def test_to_pandas_without_pandas_names_the_extra(
    kitchen: ServiceModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pandas, to_pandas raises an ImportError naming the pip extra."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(
        MissingExtraError, match=r"pip install pandas.*pip install '\.\[pandas\]'"
    ) as caught:
        kitchen.coverage().to_pandas()
    assert isinstance(caught.value, ImportError)
    assert isinstance(caught.value, servicekit.ServicekitError)
    assert caught.value.name == "pandas"


def test_coverage_is_lazy_about_pandas(kitchen: ServiceModel) -> None:
    """Building and rendering a coverage never imports pandas."""
    had = "pandas" in sys.modules
    table = kitchen.coverage()
    table.to_text()
    table.to_json()
    assert ("pandas" in sys.modules) == had


@pytest.mark.parametrize(
    "make",
    [servicekit.load_example, cycle_model, multi_customer_model],
    ids=["example", "cycle", "several-customers"],
)
def test_coverage_agrees_with_roles_for(make: Any) -> None:
    """Every cell of coverage agrees with roles_for, on several models."""
    model = make()
    table = model.coverage()
    for principle in table.principles:
        expected = {a.role: a.source for a in model.roles_for(principle)}
        assert {r: table.cell(r, principle) for r in table.roles if table.cell(r, principle)} == (
            expected
        )


def test_example_coverage(example: ServiceModel) -> None:
    """In the example, the plant's departments carry next-in-line and the counter no-surprises."""
    table = example.coverage()
    assert table.cell("spotter", "next-in-line") == "department"
    assert table.cell("cashier", "no-surprises") == "department"
    assert table.cell("owner", "see-it-their-way") == "everyone"
    assert table.uncovered_roles == ()
    assert isinstance(table, Coverage)


def test_coverage_shows_itself_in_notebooks(example: ServiceModel) -> None:
    """The coverage matrix displays as the tables of servicekit.display."""
    from servicekit.render import html as display
    from servicekit.render import markdown as display_md

    matrix = example.coverage()
    assert matrix._repr_html_() == display.coverage_html(matrix)
    assert matrix._repr_markdown_() == display_md.coverage_markdown(matrix)


# --- revision 2: systems and principles for some customers --------------------------------


@st.composite
def people_and_systems(draw: Any) -> ServiceModel:
    """Roles (some systems) in departments, principles for everyone, roles, departments."""
    ids = [f"r{i}" for i in range(draw(st.integers(1, 8)))]
    systems = {r for r in ids if draw(st.booleans())}
    people = [r for r in ids if r not in systems]
    departments = ["a", "b", "c"]
    principles = [f"p{i}" for i in range(draw(st.integers(0, 4)))]
    roles = [
        Role(
            id=r,
            kind="system" if r in systems else "person",
            department=draw(st.none() | st.sampled_from(departments)),
            principles=()
            if r in systems
            else draw(st.lists(st.sampled_from(principles), unique=True))
            if principles
            else (),
        )
        for r in ids
    ]
    scopes = st.none() | st.builds(
        PrincipleScope,
        roles=st.lists(st.sampled_from(people), unique=True) if people else st.just([]),
        departments=st.lists(st.sampled_from(departments), unique=True),
    )
    return ServiceModel(
        customers=[Customer(id="x"), Customer(id="y")],
        roles=roles,
        principles=[
            Principle(
                id=p,
                applies_to=draw(scopes),
                for_=draw(
                    st.none() | st.lists(st.sampled_from(["x", "y"]), min_size=1, unique=True)
                ),
            )
            for p in principles
        ],
    )


@settings(max_examples=150, deadline=None)
@given(model=people_and_systems())
def test_coverage_is_source_of_for_every_person(model: ServiceModel) -> None:
    """The one-pass matrix gives source_of for every person and principle; systems are not in
    it, and principles with for keep their customers."""
    table = model.coverage()
    people = sorted(r.id for r in model.roles.values() if r.kind == "person")
    assert list(table.roles) == people
    for role in people:
        for principle in model.principles.values():
            assert table.cell(role, principle.id) == source_of(principle, model.roles[role])
    assert dict(table.limited_to) == {
        p.id: p.for_ for p in model.principles.values() if p.for_ is not None
    }
    for role in model.roles.values():
        if role.kind == "system":
            assert model.principles_for(role.id) == ()


def test_principles_for_some_customers_show_it() -> None:
    """Text marks such a cell with f and names the customers; JSON and CSV give them too."""
    model = ServiceModel(
        customers=[Customer(id="buyer"), Customer(id="investor")],
        roles=[Role(id="agent"), Role(id="portal", kind="system")],
        principles=[Principle(id="occasion", for_=["buyer"]), Principle(id="care")],
    )
    table = model.coverage()
    text = table.to_text()
    assert text.splitlines()[1].split() == ["agent", "*f", "*"]
    assert "  f  for some customers only:" in text
    assert "       occasion: buyer" in text
    assert table.to_json()["for"] == {"occasion": ["buyer"]}
    assert table.to_csv().splitlines()[1] == "agent,everyone (for buyer),everyone"
    assert table.roles == ("agent",)
