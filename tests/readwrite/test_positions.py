"""Every problem is placed at the line and column where its value is written.

Lines end where YAML says they do (LF, CRLF, a lone CR, NEL, U+2028 and U+2029), columns
count characters, and a problem found by the whole-model checks, after the entity's YAML
was dropped, is placed as exactly as one found while reading it.
"""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit import ModelError, loads
from servicekit.readwrite import events

#: The line breaks a YAML file may use.
BREAKS = {"lf": "\n", "crlf": "\r\n", "cr": "\r", "nel": "\x85", "ls": "\u2028", "ps": "\u2029"}


def expected_position(text: str, token: str) -> tuple[int, int]:
    """1-based line and column of the first ``token`` in ``text``, lines split as YAML does."""
    offset = text.index(token)
    before = text[:offset]
    lines = re.split("\r\n|[\n\r\x85\u2028\u2029]", before)
    return len(lines), len(lines[-1]) + 1


def problem_positions(text: str | bytes) -> list[tuple[int | None, int | None, str]]:
    """(line, column, message) of every problem of loading ``text``."""
    with pytest.raises(ModelError, match=r"error: ") as info:
        loads(text)
    return [(p.line, p.column, p.message) for p in info.value.problems]


@pytest.fixture(params=["libyaml", "pure"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with libyaml's parser and with PyYAML's pure-Python one."""
    if request.param == "pure":
        monkeypatch.setattr(events, "LOADER", yaml.SafeLoader)
    return str(request.param)


@pytest.mark.parametrize("name", list(BREAKS), ids=list(BREAKS))
def test_reference_problem_line_with_every_line_break(name: str, parser: str) -> None:
    """A dangling reference is placed on its line whatever ends the lines before it."""
    lines = ["servicekit: 1", "roles:", "  - id: ä", "    name: Ümit", "    serves: [ghost]"]
    text = BREAKS[name].join(lines) + BREAKS[name]
    assert problem_positions(text) == [(5, 14, "role 'ä' names unknown role 'ghost'")]


@pytest.mark.parametrize("name", list(BREAKS), ids=list(BREAKS))
@pytest.mark.parametrize(
    ("bad", "pattern"),
    [(b"\xff", "invalid UTF-8 byte 0xff"), (b"\x07", "'\\\\x07' is not allowed")],
    ids=["invalid-utf8", "control-character"],
)
def test_byte_problem_line_with_every_line_break(name: str, bad: bytes, pattern: str) -> None:
    """Bad bytes are placed on their line, counting lone CR, NEL and U+2028 as breaks."""
    sep = BREAKS[name].encode("utf-8")
    text = sep.join([b"servicekit: 1", b"name: x", "description: é".encode(), b"  x"]) + bad
    found = problem_positions(text)
    assert [(line, column) for line, column, _ in found] == [(4, 4)]
    assert re.search(pattern, found[0][2])


@pytest.mark.parametrize(
    ("escape", "column"),
    [("\\U00110000", 10), ("\\UFFFFFFFF", 10), ("\\U7FFFFFFF", 10)],
    ids=["past-unicode", "all-ones", "past-c-int"],
)
def test_escape_past_unicode_is_a_located_error(escape: str, column: int, parser: str) -> None:
    """A \\U escape past U+10FFFF is an error at its digits, with or without libyaml."""
    found = problem_positions(f'servicekit: 1\nname: "{escape}"\n')
    assert found == [(2, column, "invalid YAML: found invalid Unicode character escape code")]


def test_escaped_lone_surrogate_is_a_located_error(parser: str) -> None:
    """An escaped lone surrogate is refused at its digits by both parsers."""
    found = problem_positions('servicekit: 1\nname: "ab\\ud800"\n')
    assert found == [(2, 12, "invalid YAML: found invalid Unicode character escape code")]


# --- problems found after the entity's YAML was dropped ----------------------------------------

LAYOUTS = {
    "block": "  - id: {role}\n    serves:\n      - {target}\n",
    "block-mapping": "  - id: {role}\n    serves:\n      - to: {target}\n        item: x\n",
    "flow": "  - {{id: {role}, serves: [{target}]}}\n",
    "flow-multiline": "  - {{id: {role},\n     serves: [\n  {target}]}}\n",
    "indentless": "- id: {role}\n  serves: [ok, {target}]\n",
    "after-null": "  - id: {role}\n    serves: [~, {target}]\n",
    "after-alias": "  - id: {role}\n    serves: [*x, {target}]\n",
    "manager": "  - id: {role}\n    reports_to: {target}\n",
    "after-fail-point": (
        "  - id: {role}\n    serves:\n      - fail_points: [{{id: f-{role}, rate: 0.1}}]\n"
        "        to: {target}\n"
    ),
}


@pytest.mark.parametrize("layout", list(LAYOUTS), ids=list(LAYOUTS))
def test_dangling_reference_is_placed_in_every_layout(layout: str, parser: str) -> None:
    """The whole-model check places a dangling reference on its token in any layout."""
    text = (
        "servicekit: 1\nroles:\n"
        + LAYOUTS[layout].format(role="r1", target="ghost")
        + "  - id: ok\n"
    )
    if layout == "indentless":
        text = text.replace("  - id: ok\n", "- id: ok\n")
    where = expected_position(text, "ghost")
    found = [p for p in problem_positions(text) if "ghost" in p[2]]
    assert [(line, column) for line, column, _ in found] == [where], found


def test_duplicate_names_where_the_first_is_written() -> None:
    """A duplicate id says where the first is written, read again from its text."""
    text = "servicekit: 1\ncustomers:\n  - {name: A,\n     id: twin}\nroles: [{id: twin}]\n"
    found = problem_positions(text)
    assert found == [
        (5, 14, "duplicate id 'twin': already used by the customer at <string>:4:10"),
    ]


@st.composite
def placed_models(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A model of roles in mixed layouts and line breaks, some naming unknown roles."""
    count = draw(st.integers(1, 6))
    ghosts = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    layouts = draw(
        st.lists(
            st.sampled_from(
                ["block", "block-mapping", "flow", "flow-multiline", "after-fail-point"]
            ),
            min_size=count,
            max_size=count,
        )
    )
    prefix = draw(st.sampled_from(["", "é", "名前", "😀"]))
    parts = ["servicekit: 1\nroles:\n"]
    expected = []
    for number, (ghost, layout) in enumerate(zip(ghosts, layouts, strict=True)):
        target = f"ghost{number}" if ghost else f"{prefix}r{(number + 1) % count}"
        if ghost:
            expected.append(target)
        role = f"{prefix}r{number}"
        parts.append(LAYOUTS[layout].format(role=role, target=target))
    text = "".join(parts)
    text = text.replace("\n", draw(st.sampled_from(list(BREAKS.values()))))
    return text, expected


@settings(max_examples=60, deadline=None)
@given(placed_models())
def test_every_dangling_reference_is_placed_on_its_token(case: tuple[str, list[str]]) -> None:
    """Generated models: each unknown role is reported once, at its token's line and column."""
    text, ghosts = case
    if not ghosts:
        loads(text)
        return
    found = problem_positions(text)
    assert len(found) == len(ghosts), found
    for ghost, (line, column, message) in zip(ghosts, found, strict=True):
        assert ghost in message
        assert (line, column) == expected_position(text, ghost), (ghost, message)


def test_duplicate_fail_points_name_where_the_first_is_written(parser: str) -> None:
    """A fail point id taken twice, in its own role and in another, names the first's place."""
    text = (
        "servicekit: 1\nroles:\n  - id: a\n    serves:\n      - to: b\n"
        "        fail_points: [{id: f}, {id: f}]\n"
        "  - id: b\n    serves: [{to: a, fail_points: [{id: f}]}]\n"
        "customers: [{id: f}]\n"
    )
    first = expected_position(text, "f}")
    found = problem_positions(text)
    assert [message for _, _, message in found] == [
        f"duplicate id 'f': already used by the fail point at <string>:{first[0]}:{first[1]}"
    ] * 3
    assert [(line, column) for line, column, _ in found] == [(6, 37), (8, 41), (9, 18)]
