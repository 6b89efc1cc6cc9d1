"""Renderings of query answers: aligned text tables and the SPEC's JSON shapes."""

from __future__ import annotations

import pytest

from servicekit import Critical, Reach, Reaches, Root, Suspect
from servicekit.render import json as render_json
from servicekit.render import text as render
from servicekit.render.rows import handoff_of
from servicekit.render.tables import text_table


def test_table_aligns_columns() -> None:
    """Every cell of a column starts at the same offset; right-aligned columns end together."""
    text = text_table(["a", "bee"], [["long-value", 1], ["x", 123]], right=[1])
    lines = text.splitlines()
    assert lines == ["  a           bee", "  long-value    1", "  x           123"]


def test_table_strips_trailing_spaces() -> None:
    """No line ends in padding."""
    text = text_table(["name", "x"], [["a", ""]])
    assert all(line == line.rstrip() for line in text.splitlines())


def test_reaches_text_singular_and_plural() -> None:
    """The heading counts nodes in words that read right for one and for many."""
    one = render.reaches_text("Upstream of", "t", [Reach("a", "role", 1)])
    assert one.splitlines()[0] == "Upstream of t: 1 node"
    assert render.reaches_text("Upstream of", "t", []) == "Upstream of t: 0 nodes"


@pytest.mark.parametrize(("direction", "key"), [("upstream", "target"), ("downstream", "source")])
def test_reach_json_shapes(direction: str, key: str) -> None:
    """Reach lists become the SPEC's JSON objects, in order, keyed by their direction."""
    kinds = {"a": "touchpoint", "b": "role"}
    found = Reaches(["b", "a"], [1, 2], kinds, "t", direction)
    data = render_json.reaches_json(found)
    list_key = direction
    assert data == {
        key: "t",
        list_key: [
            {"id": "b", "kind": "role", "distance": 1},
            {"id": "a", "kind": "touchpoint", "distance": 2},
        ],
    }


def test_critical_json_and_text() -> None:
    """Critical nodes keep their order with the roots after them; an empty answer says why."""
    roots = [Root("a", "feeds", 1), Root("s", "source", 3)]
    found = Critical(("a", "b"), {"a": "role", "b": "role"}, "t", tuple(roots))
    assert render_json.critical_json(found) == {
        "target": "t",
        "critical": ["a", "b"],
        "roots": [{"id": "a", "why": "feeds"}, {"id": "s", "why": "source"}],
    }
    assert render.critical_text("t", ()) == (
        "Critical for t: none (no single node lies on every path into it)"
    )
    assert "work starts here: it is declared by starts" in render.critical_text(
        "t", (), declared="starts"
    )
    assert "t is never served" in render.critical_text("t", (), served=False)
    text = render.critical_text("t", ("a",), {"a": "role"}, roots)
    assert "1 single point of failure" in text
    assert text.splitlines()[-2].split() == ["1", "role", "a"]
    assert text.splitlines()[-1] == "Work reaching it starts at: a (feeds), s (source)"


def _suspect(**changes: object) -> Suspect:
    """A suspect of a hand-off, with changes."""
    fields: dict[str, object] = {
        "role": "a",
        "receiver": "b",
        "fail_point": "f",
        "category": "x",
        "rate": 0.5,
        "escape": 0.5,
        "score": 0.25,
        "distance": 2,
    }
    fields.update(changes)
    return Suspect(**fields)  # type: ignore[arg-type]


def test_suspects_text_says_which_are_unrated() -> None:
    """Some unrated: they come after the rated; all unrated: ranked by escape; never 0%."""
    rated, unrated = _suspect(), _suspect(fail_point="g", rate=None, score=None)
    some = render.suspects_text("t", [rated, unrated])
    assert some.splitlines()[1] == (
        "(1 unrated: its rate is not known, so it comes after the rated ones, ranked by how "
        "likely the defect is to escape to here)"
    )
    assert some.splitlines()[-1].split()[:4] == ["unrated", "unknown", "50%", "x"]
    everything = render.suspects_text("t", [unrated], "x")
    assert everything.splitlines()[0].startswith("Suspects for x defects at t: 1 fail point")
    assert everything.splitlines()[1].startswith("(unrated: no rate is known")
    assert "0%" not in everything.replace("50%", "")
    assert rated.rated is True
    assert unrated.rated is False


@pytest.mark.parametrize(
    ("suspect", "where"),
    [
        (_suspect(), "a -> b"),
        (_suspect(receiver=None, touchpoint="desk", distance=0), "at desk (a)"),
        (_suspect(touchpoint="drop-off"), "at drop-off -> b"),
    ],
    ids=["hand-off", "touchpoint", "flows-on"],
)
def test_where_a_defect_is_made(suspect: Suspect, where: str) -> None:
    """A hand-off, a touchpoint's own fail point, one that flows on through feeds."""
    assert handoff_of(suspect) == where
    assert where in render.suspects_text("t", [suspect])
