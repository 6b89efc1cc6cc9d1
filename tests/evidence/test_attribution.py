"""Complaint attribution: shares of each group's complaints, roll-ups and training gaps.

The expected numbers are worked out by hand from SPEC's words on a small model:

- ``a`` hands ``b`` work with fail point ``fa`` (x, 0.1); ``b`` catches half the x defects
  reaching it, and hands ``c`` work with ``fb`` (x, 0.2) and ``fy`` (y, 0.05); ``s`` hands
  ``c`` work with ``fs`` (x, 0.3); ``c`` serves at touchpoint ``t``, ``a`` at ``u``.
- At ``t``, category x: ``fa`` escapes through ``b`` (0.5) and ``c`` (1): score 0.05;
  ``fb`` and ``fs`` are received by ``c`` (escape 1): 0.2 and 0.3. The scores add to 0.55,
  so 11 complaints split 1, 4 and 6.
- At ``t``, category y: only ``fy``: all 3 complaints. At ``u`` nothing is upstream but
  ``a``, which receives no hand-off: its 2 complaints are unexplained.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import servicekit
from servicekit import Attribution, EvidenceError, UnknownIdError

MODEL = servicekit.loads(
    """
servicekit: 1
name: Hand-worked
customers: [{id: k}, {id: m}]
roles:
  - id: a
    department: d1
    serves: [{to: b, fail_points: [{id: fa, category: x, rate: 0.1}]}]
  - id: b
    department: d2
    catches: {x: 0.5}
    serves:
      - to: c
        fail_points: [{id: fb, category: x, rate: 0.2}, {id: fy, category: y, rate: 0.05}]
  - id: c
    department: d2
  - id: s
    serves: [{to: c, fail_points: [{id: fs, category: x, rate: 0.3}]}]
touchpoints:
  - {id: t, role: c, customers: [k]}
  - {id: u, role: a}
programs:
  - {id: p1, audience: {departments: [d1]}}
  - {id: p2, audience: {roles: [c]}}
"""
)

COMPLAINTS = [
    {"touchpoint": "t", "category": "x", "count": "5"},
    {"touchpoint": "u", "category": "x", "count": "2"},
    {"touchpoint": "t", "category": "y", "count": "3"},
    {"touchpoint": "t", "category": "x", "count": "6"},
]


@pytest.fixture(scope="module")
def found() -> Attribution:
    """The hand-worked complaints, attributed."""
    return MODEL.attribute(COMPLAINTS)


def test_each_group_shares_its_complaints_by_score(found: Attribution) -> None:
    """11 complaints at t (x) split 6, 4, 1: count x score / the group's summed scores."""
    group = found.groups[0]
    assert (group.touchpoint, group.category, group.customer, group.count) == ("t", "x", None, 11)
    assigned = [(a.fail_point, a.role, a.receiver, round(a.complaints, 9)) for a in group.assigned]
    assert assigned == [("fs", "s", "c", 6.0), ("fb", "b", "c", 4.0), ("fa", "a", "b", 1.0)]
    assert [round(a.share, 9) for a in group.assigned] == [
        round(0.3 / 0.55, 9),
        round(0.2 / 0.55, 9),
        round(0.05 / 0.55, 9),
    ]


def test_groups_are_ordered_by_count_and_add_their_rows(found: Attribution) -> None:
    """Rows of one touchpoint and category are one group; the largest group comes first."""
    assert [(g.touchpoint, g.category, g.count) for g in found.groups] == [
        ("t", "x", 11),
        ("t", "y", 3),
        ("u", "x", 2),
    ]
    assert found.complaints == 16


def test_a_group_no_fail_point_explains_is_unexplained(found: Attribution) -> None:
    """Nothing upstream of u receives a hand-off: its complaints are unexplained."""
    last = found.groups[-1]
    assert last.unexplained
    assert not last.assigned
    assert not last.possible
    assert found.unexplained == 2
    assert not found.groups[0].unexplained


def test_complaints_roll_up_by_fail_point_role_and_department(found: Attribution) -> None:
    """The assigned complaints add up per fail point, role and department, most first."""
    assert [(f.fail_point, f.role, round(f.complaints, 9)) for f in found.by_fail_point] == [
        ("fs", "s", 6.0),
        ("fb", "b", 4.0),
        ("fy", "b", 3.0),
        ("fa", "a", 1.0),
    ]
    assert [(r.role, round(r.complaints, 9)) for r in found.by_role] == [
        ("b", 7.0),
        ("s", 6.0),
        ("a", 1.0),
    ]
    assert [(d.department, round(d.complaints, 9)) for d in found.by_department] == [
        ("d2", 7.0),
        (None, 6.0),
        ("d1", 1.0),
    ]
    assert round(found.assigned, 9) == 14.0


def test_a_person_role_no_programme_reaches_is_a_training_gap(found: Attribution) -> None:
    """b and s have complaints and no programme; a is reached through its department."""
    rows = {r.role: (r.kind, r.department, r.programs, r.gap) for r in found.by_role}
    assert rows == {
        "b": ("person", "d2", (), True),
        "s": ("person", None, (), True),
        "a": ("person", "d1", ("p1",), False),
    }
    assert [r.role for r in found.gaps] == ["b", "s"]


def test_the_json_has_the_spec_shape(found: Attribution) -> None:
    """groups, by_fail_point, by_role, by_department and unexplained, numbers rounded."""
    data = found.to_json()
    assert set(data) >= {"groups", "by_fail_point", "by_role", "by_department", "unexplained"}
    assert data["groups"][0] == {
        "touchpoint": "t",
        "category": "x",
        "customer": None,
        "count": 11,
        "assigned": [
            {
                "role": "s",
                "receiver": "c",
                "fail_point": "fs",
                "share": 0.545454545455,
                "complaints": 6.0,
            },
            {
                "role": "b",
                "receiver": "c",
                "fail_point": "fb",
                "share": 0.363636363636,
                "complaints": 4.0,
            },
            {
                "role": "a",
                "receiver": "b",
                "fail_point": "fa",
                "share": 0.0909090909091,
                "complaints": 1.0,
            },
        ],
        "possible": [],
        "unexplained": False,
    }
    assert data["by_role"][0] == {
        "role": "b",
        "kind": "person",
        "department": "d2",
        "complaints": 7.0,
        "programs": [],
        "gap": True,
    }
    assert data["by_department"][1] == {"department": None, "complaints": 6.0}
    assert data["unexplained"] == 2
    json.dumps(data)


def test_the_text_says_whose_work_to_train(found: Attribution) -> None:
    """The report leads with the role most complaints come from, not the front line's."""
    text = found.to_text()
    assert text.splitlines()[:9] == [
        "Complaints: 16 in 3 groups (touchpoint, category, customer)",
        "  traced to upstream work: 14; unexplained: 2",
        "",
        "Train the b, not the c: 43.8% of the complaints come from the b's work, none from the",
        "c's.",
        "Training gaps: b and s have complaints from their work and no programme reaching them.",
        "",
        "Whose work the complaints come from, most first:",
        "  complaints  share  role  kind    department  programmes reaching it",
    ]
    assert "unexplained: no fail point of the model can cause them" in text


def test_markdown_and_csv_show_the_training_gap_table(found: Attribution) -> None:
    """Markdown marks gaps; CSV is the by_role table."""
    markdown = found.to_markdown()
    assert "| 7 | b | person | d2 | none | **yes** |" in markdown
    assert found._repr_markdown_() == markdown
    assert found.to_csv().splitlines() == [
        "role,kind,department,complaints,programs,gap",
        "b,person,d2,7.0,,true",
        "s,person,,6.0,,true",
        "a,person,d1,1.0,p1,false",
    ]


@pytest.mark.parametrize(
    ("table", "first"),
    [
        (
            "by_role",
            {
                "role": "b",
                "kind": "person",
                "department": "d2",
                "complaints": 7.0,
                "programs": [],
                "gap": True,
            },
        ),
        (
            "groups",
            {
                "touchpoint": "t",
                "category": "x",
                "customer": None,
                "count": 11,
                "assigned": 11.0,
                "possible": 0,
                "unexplained": False,
            },
        ),
        (
            "assigned",
            {
                "touchpoint": "t",
                "category": "x",
                "customer": None,
                "role": "s",
                "receiver": "c",
                "fail_point": "fs",
                "share": 0.545454545455,
                "complaints": 6.0,
            },
        ),
        ("by_fail_point", {"fail_point": "fs", "role": "s", "complaints": 6.0}),
        ("by_department", {"department": "d2", "complaints": 7.0}),
    ],
    ids=["by_role", "groups", "assigned", "by_fail_point", "by_department"],
)
def test_every_table_comes_as_records(found: Attribution, table: str, first: Any) -> None:
    """to_records(table) gives the rows of each table as plain dicts."""
    assert found.to_records(table)[0] == first


def test_an_unknown_table_is_named_with_the_known_ones(found: Attribution) -> None:
    """Asking for a table that does not exist says which do."""
    with pytest.raises(UnknownIdError, match="did you mean 'by_role'"):
        found.to_records("by_rol")
    assert found.to_records("possible") == []


def test_to_pandas_gives_the_by_role_table() -> None:
    """The training-gap table as a DataFrame, its columns in order."""
    frame = MODEL.attribute(COMPLAINTS).to_pandas()
    assert list(frame.columns) == ["role", "kind", "department", "complaints", "programs", "gap"]
    assert list(frame["role"]) == ["b", "s", "a"]
    assert list(MODEL.attribute(COMPLAINTS).to_pandas("groups")["count"]) == [11, 3, 2]


# --- reading complaints ----------------------------------------------------------------------


def test_a_count_column_is_optional(tmp_path: Path) -> None:
    """Without a count column every row is one complaint."""
    path = tmp_path / "c.csv"
    path.write_text("touchpoint,category\nt,x\nt,x\nt,y\n", encoding="utf-8")
    assert [(g.category, g.count) for g in MODEL.attribute(path).groups] == [("x", 2), ("y", 1)]


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("-1", "the count '-1' is not a whole number >= 0 written in digits"),
        ("1.5", "the count '1.5' is not a whole number >= 0 written in digits"),
        ("", "the count is empty"),
        ("\u0663", "the count '\u0663' is not a whole number"),
        ("two", "the count 'two' is not a whole number"),
    ],
    ids=["negative", "decimal", "empty", "arabic-digit", "word"],
)
def test_a_count_is_digits(tmp_path: Path, count: str, message: str) -> None:
    """Counts are non-negative integers written as digits; anything else is an error."""
    path = tmp_path / "c.csv"
    path.write_text(f"touchpoint,category,count\nt,x,{count}\n", encoding="utf-8")
    with pytest.raises(EvidenceError, match=r"c\.csv:2: error: " + message):
        MODEL.attribute(path)


def test_counts_with_leading_zeros_and_zero_are_counts() -> None:
    """007 is 7, and a group of 0 complaints assigns 0."""
    found = MODEL.attribute(
        [
            {"touchpoint": "t", "category": "y", "count": "007"},
            {"touchpoint": "t", "category": "x", "count": "0"},
        ]
    )
    assert [(g.category, g.count) for g in found.groups] == [("y", 7), ("x", 0)]
    assert [a.complaints for a in found.groups[1].assigned] == [0.0, 0.0, 0.0]
    assert [r.role for r in found.gaps] == ["b"]


def test_unknown_ids_have_did_you_mean() -> None:
    """An unknown touchpoint, category or customer is named with the nearest known ones."""
    rows = [
        {"touchpoint": "tt", "category": "x"},
        {"touchpoint": "t", "category": "xx"},
        {"touchpoint": "t", "category": "x", "customer": "kk"},
        {"touchpoint": "", "category": ""},
    ]
    with pytest.raises(EvidenceError, match="unknown touchpoint") as caught:
        MODEL.attribute(rows)
    assert str(caught.value).splitlines() == [
        "<rows>:1: error: unknown touchpoint 'tt' in column 'touchpoint'; did you mean 't'?",
        "<rows>:2: error: unknown category 'xx' in column 'category'; did you mean 'x'?; a "
        "category is one a fail point of the model has",
        "<rows>:3: error: unknown customer 'kk' in column 'customer'; did you mean 'k'?",
        "<rows>:4: error: the touchpoint is empty",
        "<rows>:4: error: the category is empty",
    ]


def test_a_customer_the_touchpoint_does_not_serve_is_an_error() -> None:
    """t serves k only; a complaint of m there is refused. u serves everyone."""
    with pytest.raises(EvidenceError, match="touchpoint 't' does not serve customer 'm'"):
        MODEL.attribute([{"touchpoint": "t", "category": "x", "customer": "m"}])
    found = MODEL.attribute([{"touchpoint": "u", "category": "x", "customer": "m"}])
    assert found.groups[0].customer == "m"


def test_customers_make_their_own_groups() -> None:
    """Rows of the same touchpoint and category but different customers are two groups."""
    found = MODEL.attribute(
        [
            {"touchpoint": "t", "category": "x", "customer": "k", "count": "4"},
            {"touchpoint": "t", "category": "x", "customer": "", "count": "7"},
        ]
    )
    assert [(g.customer, g.count) for g in found.groups] == [(None, 7), ("k", 4)]
    assert round(sum(r.complaints for r in found.by_role), 9) == 11.0


def test_renamed_complaint_columns(tmp_path: Path) -> None:
    """columns= names the file's own columns; a missing one says how to name it."""
    path = tmp_path / "c.csv"
    path.write_text("where,reason,n\nt,x,2\n", encoding="utf-8")
    found = MODEL.attribute(
        path, columns={"touchpoint": "where", "category": "reason", "count": "n"}
    )
    assert found.complaints == 2
    with pytest.raises(EvidenceError, match="name the column holding the touchpoint with"):
        MODEL.attribute(path)


def test_the_dry_cleaner_trains_the_spotter_not_the_cashier() -> None:
    """Stains seen at pickup trace to the spotter, whom programmes reach; the cashier hears."""
    found = servicekit.load_example().attribute(
        [
            {"touchpoint": "pickup", "category": "stain", "count": "40"},
            {"touchpoint": "pickup", "category": "lost-item", "count": "9"},
        ]
    )
    assert [(r.role, round(r.complaints, 6), r.gap) for r in found.by_role] == [
        ("spotter", 40.0, False),
        ("organizer", 6.0, True),
        ("tagger", 3.0, False),
    ]
    assert "Train the spotter, not the cashier" in found.to_text()
