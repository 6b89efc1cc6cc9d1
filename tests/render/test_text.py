"""Renderings of query answers: aligned text tables and the SPEC's JSON shapes."""

from __future__ import annotations

import pytest

from servicekit import Reach
from servicekit.render import json as render_json
from servicekit.render import text as render
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


@pytest.mark.parametrize(
    ("fn", "key", "list_key"),
    [
        (render_json.upstream_json, "target", "upstream"),
        (render_json.downstream_json, "source", "downstream"),
    ],
    ids=["upstream", "downstream"],
)
def test_reach_json_shapes(fn, key, list_key) -> None:  # type: ignore[no-untyped-def]
    """Reach lists become the SPEC's JSON objects, in order."""
    data = fn("t", [Reach("b", "role", 1), Reach("a", "touchpoint", 2)])
    assert data == {
        key: "t",
        list_key: [
            {"id": "b", "kind": "role", "distance": 1},
            {"id": "a", "kind": "touchpoint", "distance": 2},
        ],
    }


def test_critical_json_and_text() -> None:
    """Critical nodes keep their order; an empty answer reads as 'none'."""
    assert render_json.critical_json("t", ("a", "b")) == {"target": "t", "critical": ["a", "b"]}
    assert "none" in render.critical_text("t", ())
    text = render.critical_text("t", ("a",), {"a": "role"})
    assert "1 single point of failure" in text
    assert text.splitlines()[-1].split() == ["1", "role", "a"]
