"""Tests for servicekit.loading: strict YAML loading, dumping and atomic saving."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
import yaml

import servicekit
from servicekit import ModelError, dump, load, loads, save
from servicekit.model.references import MAX_PROBLEMS
from servicekit.readwrite import events
from servicekit.readwrite.load import MAX_BYTES

#: A small valid model, one entity per section; tests edit single lines of it.
BASE_LINES = [
    "servicekit: 1",  # 1
    "name: Shop",  # 2
    "customers:",  # 3
    "  - id: guest",  # 4
    "roles:",  # 5
    "  - id: clerk",  # 6
    "    department: front",  # 7
    "    serves:",  # 8
    "      - to: runner",  # 9
    "        item: order",  # 10
    "        fail_points:",  # 11
    "          - id: slip",  # 12
    "            category: delay",  # 13
    "            rate: 0.1",  # 14
    "  - id: runner",  # 15
    "    department: back",  # 16
    "touchpoints:",  # 17
    "  - id: desk",  # 18
    "    role: clerk",  # 19
    "    customers: [guest]",  # 20
    "principles:",  # 21
    "  - id: care",  # 22
    "    applies_to: {roles: [clerk]}",  # 23
    "scripts:",  # 24
    "  - id: greet",  # 25
    "    role: clerk",  # 26
    "    situations: [hello]",  # 27
    "scenarios:",  # 28
    "  - id: rush",  # 29
    "    touchpoint: desk",  # 30
    "    customer: guest",  # 31
    "    tags: [hello]",  # 32
    "metrics:",  # 33
    "  - id: speed",  # 34
    "    owner: clerk",  # 35
    "    serves: [desk]",  # 36
    "programs:",  # 37
    "  - id: train",  # 38
    "    audience: {roles: [clerk]}",  # 39
    "    scenarios: [rush]",  # 40
]
BASE = "\n".join(BASE_LINES) + "\n"

#: The line of each entity's id in BASE, and the id written there.
ID_LINES = {
    "customer": (4, "guest"),
    "role": (6, "clerk"),
    "touchpoint": (18, "desk"),
    "principle": (22, "care"),
    "script": (25, "greet"),
    "scenario": (29, "rush"),
    "metric": (34, "speed"),
    "program": (38, "train"),
}


def edited(line: int, text: str) -> str:
    """BASE with one line replaced."""
    lines = list(BASE_LINES)
    lines[line - 1] = text
    return "\n".join(lines) + "\n"


def problems(text: str | bytes, path: str = "m.yaml") -> list[str]:
    """The problems of loading ``text``, as printed."""
    with pytest.raises(ModelError, match=rf"^{re.escape(path)}") as info:
        loads(text, path=path)
    return [str(p) for p in info.value.problems]


def assert_problem(text: str | bytes, where: str, pattern: str) -> None:
    """Loading ``text`` fails with a problem at ``where`` matching ``pattern``."""
    found = problems(text)
    prefix = f"m.yaml:{where}: error: "
    assert any(p.startswith(prefix) and re.search(pattern, p) for p in found), found


def test_base_loads() -> None:
    """The base model used by these tests is valid."""
    model = loads(BASE)
    assert model.roles["clerk"].serves[0].fail_points[0].rate == 0.1
    assert set(model.touchpoints) == {"desk"}


# --- unknown keys in every section ------------------------------------------------------

UNKNOWN_KEYS = [
    ("top", 2, "nmae: Shop", "nmae", r"unknown section 'nmae'; did you mean 'name'\?"),
    ("customer", 4, "  - {id: guest, neds: [x]}", "neds", r"unknown key 'neds'.*'needs'"),
    ("role", 7, "    departmnet: front", "departmnet", r"unknown key 'departmnet'.*'department'"),
    ("handoff", 10, "        iten: order", "iten", r"unknown key 'iten'.*did you mean 'item'"),
    ("fail-point", 13, "            categry: delay", "categry", r"'categry'.*'category'"),
    ("touchpoint", 20, "    customer: [guest]", "customer", r"'customer'.*'customers'"),
    ("principle", 23, "    applies: {roles: [clerk]}", "applies", r"'applies'.*'applies_to'"),
    ("applies-to", 23, "    applies_to: {role: [clerk]}", "role", r"'role'.*'roles'"),
    ("script", 27, "    situation: [hello]", "situation", r"'situation'.*'situations'"),
    ("scenario", 32, "    tag: [hello]", "tag", r"unknown key 'tag'.*'tags'"),
    ("metric", 35, "    ownr: clerk", "ownr", r"unknown key 'ownr'.*'owner'"),
    ("program", 40, "    scenario: [rush]", "scenario", r"'scenario'.*'scenarios'"),
    ("audience", 39, "    audience: {role: [clerk]}", "role", r"unknown key 'role'.*'roles'"),
    ("audit", 40, "audit: {rule: {}}", "rule", r"unknown key 'rule'.*'rules'"),
    ("far-off", 7, "    zzzzzz: 1", "zzzzzz", r"unknown key 'zzzzzz' in a role; known keys: id"),
]


@pytest.mark.parametrize(
    ("line", "text", "token", "pattern"),
    [case[1:] for case in UNKNOWN_KEYS],
    ids=[case[0] for case in UNKNOWN_KEYS],
)
def test_unknown_key(line: int, text: str, token: str, pattern: str) -> None:
    """An unknown key is an error at the key, with the nearest known key as a hint."""
    assert_problem(edited(line, text), f"{line}:{text.index(token) + 1}", pattern)


# --- dangling references of every reference field -----------------------------------------

DANGLING = [
    ("handoff-to", 9, "      - to: runer", "runer", "role 'runner'"),
    ("plain-serves", 16, "    serves: [clerc]", "clerc", "role 'clerk'"),
    ("reports-to", 16, "    reports_to: clerc", "clerc", "role 'clerk'"),
    ("role-principles", 16, "    principles: [cares]", "cares", "principle 'care'"),
    ("touchpoint-role", 19, "    role: clerc", "clerc", "role 'clerk'"),
    ("touchpoint-customers", 20, "    customers: [gest]", "gest", "customer 'guest'"),
    ("touchpoint-feeds", 20, "    feeds: [runer]", "runer", "role 'runner'"),
    ("applies-to-roles", 23, "    applies_to: {roles: [clerc]}", "clerc", "role 'clerk'"),
    ("script-role", 26, "    role: clerc", "clerc", "role 'clerk'"),
    ("script-touchpoint", 26, "    touchpoint: dsk", "dsk", "touchpoint 'desk'"),
    ("scenario-touchpoint", 30, "    touchpoint: dsk", "dsk", "touchpoint 'desk'"),
    ("scenario-customer", 31, "    customer: gest", "gest", "customer 'guest'"),
    ("metric-owner", 35, "    owner: clerc", "clerc", "role or department 'clerk'"),
    ("metric-serves", 36, "    serves: [dsk]", "dsk", "touchpoint or customer 'desk'"),
    ("audience-roles", 39, "    audience: {roles: [clerc]}", "clerc", "role 'clerk'"),
    ("program-scenarios", 40, "    scenarios: [rsh]", "rsh", "scenario 'rush'"),
]


@pytest.mark.parametrize(
    ("line", "text", "token", "expected"),
    [case[1:] for case in DANGLING],
    ids=[case[0] for case in DANGLING],
)
def test_dangling_reference(line: int, text: str, token: str, expected: str) -> None:
    """A reference to an unknown id is an error at the value, with a did-you-mean hint."""
    kind, _, near = expected.rpartition(" ")
    pattern = rf"names unknown {kind} '{token}'; did you mean {near}\?"
    assert_problem(edited(line, text), f"{line}:{text.index(token) + 1}", pattern)


def test_metric_owner_may_be_a_department() -> None:
    """A metric's owner may name a department some role belongs to."""
    assert loads(edited(35, "    owner: back")).metrics["speed"].owner == "back"


def test_audit_rule_dangling() -> None:
    """An unknown audit rule name is reported at the rule."""
    text = BASE + "audit:\n  rules:\n    no-such-rule-at-all: off\n"
    found = problems(text)
    assert any(p.startswith("m.yaml:43:") and "no-such-rule-at-all" in p for p in found), found


# --- duplicate ids, across every pair of kinds ---------------------------------------------

KINDS = list(ID_LINES)
PAIRS = [(a, b) for i, a in enumerate(KINDS) for b in KINDS[i + 1 :]]


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_duplicate_id_across_kinds(first: str, second: str) -> None:
    """An id used by two kinds is an error at the later one, naming the first."""
    line, _ = ID_LINES[second]
    first_line, taken = ID_LINES[first]
    pattern = rf"duplicate id '{taken}': already used by the {first} at m.yaml:{first_line}:9"
    assert_problem(edited(line, f"  - id: {taken}"), f"{line}:9", pattern)


@pytest.mark.parametrize("kind", KINDS, ids=KINDS)
def test_duplicate_id_against_fail_point(kind: str) -> None:
    """A fail point's id shares the model's id space with every entity; the later one errs."""
    line, taken = ID_LINES[kind]
    if line < 12:  # the entity comes first: the fail point is the duplicate
        text = edited(12, f"          - id: {taken}")
        assert_problem(text, "12:17", rf"duplicate id '{taken}': already used by the {kind} at")
    else:
        text = edited(line, "  - id: slip")
        assert_problem(text, f"{line}:9", r"already used by the fail point at m.yaml:12:17")


def test_duplicate_fail_points() -> None:
    """Two fail points with one id are an error at the second."""
    text = BASE.replace("          - id: slip\n", "          - id: slip\n          - id: slip\n")
    assert_problem(text, "13:17", r"duplicate id 'slip': already used by the fail point")


def test_duplicate_id_same_kind() -> None:
    """Two roles with one id are an error at the second."""
    assert_problem(edited(15, "  - id: clerk"), "15:9", r"already used by the role at m.yaml:6:9")


# --- duplicate keys --------------------------------------------------------------------------

DUPLICATE_KEYS = [
    ("top", BASE + "name: Other\n", "41:1", r"duplicate key 'name': already given at line 2"),
    ("section", BASE + "roles: []\n", "41:1", r"duplicate key 'roles': already given at line 5"),
    ("entity", edited(16, "    department: front"), None, None),
    ("flow", edited(20, "    customers: [guest]"), None, None),
    ("field", edited(7, "    id: clerk2"), "7:5", r"duplicate key 'id': already given at line 6"),
    (
        "in-flow",
        edited(23, "    applies_to: {roles: [], roles: []}"),
        "23:29",
        r"duplicate key 'roles'",
    ),
    (
        "catches",
        edited(16, "    catches: {a: 0.1, a: 0.2}"),
        "16:23",
        r"duplicate key 'a': already given at line 16",
    ),
]


@pytest.mark.parametrize(
    ("text", "where", "pattern"),
    [c[1:] for c in DUPLICATE_KEYS if c[2]],
    ids=[c[0] for c in DUPLICATE_KEYS if c[2]],
)
def test_duplicate_key(text: str, where: str, pattern: str) -> None:
    """A key given twice in one mapping is an error at the second."""
    assert_problem(text, where, pattern)


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    """A quoted '<<' is just an (unknown) key, while a plain one is a merge key."""
    assert_problem(edited(7, '    "<<": x'), "7:5", r"unknown key '<<'")
    assert_problem(edited(7, "    <<: {a: b}"), "7:5", r"merge keys \('<<'\) are not supported")


# --- wrong types -----------------------------------------------------------------------------

WRONG_TYPES = [
    ("version-string", 1, 'servicekit: "1"', '"1"', r"must be the number 1, not the string '1'"),
    ("version-float", 1, "servicekit: 1.0", "1.0", r"must be the number 1, not 1.0"),
    ("version-list", 1, "servicekit: [1]", "[", r"must be the number 1, not a list"),
    ("version-2", 1, "servicekit: 2", "2", r"unsupported format version 2; this servicekit"),
    ("version-huge", 1, "servicekit: " + "9" * 5000, "9", r"unsupported format version"),
    ("name-list", 2, "name: [a]", "[", r"the model's name must be a string, not a list"),
    ("name-map", 2, "name: {a: b}", "{", r"name must be a string, not a mapping"),
    ("entry-scalar", 4, "  - guest", "guest", r"each of customers must be a mapping, not 'guest'"),
    ("entry-list", 4, "  - [guest]", "[", r"each of customers must be a mapping, not a list"),
    ("entry-empty", 4, "  - ~", "~", r"an empty entry in customers"),
    ("id-list", 4, "  - id: [a]", "[", r"a customer's 'id' must be a string, not a list"),
    ("id-empty", 4, '  - id: ""', '"', r"a customer's 'id' must not be empty"),
    ("id-null", 4, "  - id: ~", "~", r"a customer needs an id"),
    ("id-missing", 4, "  - name: G", "name", r"a customer needs an id"),
    (
        "text-list",
        7,
        "    department: [a]",
        "[",
        r"the department of role 'clerk' must be a string, not a list",
    ),
    ("list-scalar", 20, "    customers: guest", "guest", r"must be a list.*write \[guest\]"),
    ("list-nested", 20, "    customers: [[guest]]", "[guest]", r"each entry of .* not a list"),
    (
        "list-null-item",
        20,
        "    customers: [guest, ~]",
        "~",
        r"each entry of the customers of touchpoint 'desk' must not be null",
    ),
    (
        "serves-scalar",
        16,
        "    serves: clerk",
        "clerk",
        r"the serves of role 'runner' must be a list.*write \[clerk\]",
    ),
    (
        "serves-item-list",
        16,
        "    serves: [[clerk]]",
        "[c",
        r"each entry of the serves of role 'runner' must be a role id or a mapping with 'to'",
    ),
    (
        "serves-item-empty",
        16,
        "    serves: [~]",
        "~",
        r"each entry of the serves of role 'runner' must not be null",
    ),
    ("handoff-no-to", 9, "      - too: runner", "too", r"unknown key 'too'.*'to'"),
    (
        "fail-points-map",
        16,
        "    serves: [{to: clerk, fail_points: {}}]",
        "{}",
        r"the fail_points of the hand-off to 'clerk' of role 'runner' must be a list",
    ),
    ("fail-point-text", 16, "    serves: [{to: clerk, fail_points: [x]}]", "x", r"a fail point"),
    ("fail-point-no-id", 16, "    serves: [{to: clerk, fail_points: [{}]}]", "{}", r"needs an id"),
    ("handoff-to-missing", 16, "    serves: [{item: x}]", "{", r"needs 'to': the role receiving"),
    (
        "handoff-to-empty",
        16,
        "    serves: [{to: ''}]",
        "''",
        r"the 'to' of a hand-off of role 'runner' must not be empty",
    ),
    ("fail-point-no-id", 12, "          - idd: slip", "idd", r"unknown key 'idd'"),
    ("rate-string", 14, '            rate: "0.1"', '"', r"must be a number, not the string '0.1'"),
    ("rate-single", 14, "            rate: '0.1'", "'", r"not the string '0.1'.*without quotes"),
    (
        "rate-word",
        14,
        "            rate: high",
        "high",
        r"rate of fail point 'slip' must be a number, not the string 'high'",
    ),
    ("rate-bool", 14, "            rate: true", "true", r"must be a number, not the string 'true'"),
    ("rate-list", 14, "            rate: [0.1]", "[", r"must be a number, not a list"),
    ("rate-big", 14, "            rate: 1.5", "1.5", r"must be between 0 and 1, got 1.5"),
    ("rate-negative", 14, "            rate: -0.1", "-0", r"between 0 and 1, got -0.1"),
    ("rate-inf", 14, "            rate: .inf", ".", r"must be a finite number, got inf"),
    ("rate-neg-inf", 14, "            rate: -.inf", "-.", r"must be a finite number"),
    ("rate-nan", 14, "            rate: .nan", ".", r"must be a finite number, got nan"),
    ("rate-overflow", 14, "            rate: 1e999", "1", r"must be a finite number, got inf"),
    ("rate-hex", 14, "            rate: 0x1", "0", r"must be a number, not the string '0x1'"),
    (
        "catch-big",
        16,
        "    catches: {stain: 2}",
        "2",
        r"the share of 'stain' defects in the catches of role 'runner' must be between 0 and 1, "
        r"got 2.0; a catch is the share",
    ),
    ("catch-string", 16, "    catches: {stain: '0.5'}", "'", r"not the string '0.5'"),
    ("catch-nan", 16, "    catches: {stain: .NaN}", ".", r"must be a finite number"),
    (
        "catches-list",
        16,
        "    catches: [stain]",
        "[",
        r"the catches of role 'runner' must be a mapping",
    ),
    ("catch-empty", 16, "    catches: {'': 0.5}", "0.5", r"a category must not be empty"),
    (
        "catch-key-map",
        16,
        "    catches: {[a]: 0.5}",
        "[",
        r"a key must be a plain word, not a list",
    ),
    (
        "applies-list",
        23,
        "    applies_to: [clerk]",
        "[",
        r"the applies_to of principle 'care' must be a mapping",
    ),
    (
        "audience-text",
        39,
        "    audience: clerk",
        "clerk",
        r"the audience of program 'train' must be a mapping",
    ),
    ("content-bad", 40, "    content: generik", "generik", r"content.*did you mean 'generic'\?"),
    (
        "audit-severity",
        40,
        "audit: {rules: {no-customer: loud}}",
        "loud",
        r"must be off, error, warning",
    ),
    ("audit-list", 40, "audit: [x]", "[", r"the audit section must be a mapping"),
    ("tp-no-role", 19, "    name: Desk", "-", r"touchpoint 'desk' needs 'role'"),
    ("scenario-no-tp", 30, "    title: Rush", "-", r"scenario 'rush' needs 'touchpoint'"),
]


def _where_token(line: int, text: str, token: str) -> str:
    if token == "-":  # a missing key: reported at the entity's mapping
        return f"{line - 1}:5"
    return f"{line}:{text.index(token) + 1}"


@pytest.mark.parametrize(
    ("line", "text", "token", "pattern"),
    [c[1:] for c in WRONG_TYPES],
    ids=[c[0] for c in WRONG_TYPES],
)
def test_wrong_type(line: int, text: str, token: str, pattern: str) -> None:
    """A value of the wrong type is an error at the value, never a coercion."""
    assert_problem(edited(line, text), _where_token(line, text, token), pattern)


@pytest.mark.parametrize(
    ("text", "where", "pattern"),
    [
        ("- a\n", "1:1", r"a model must be a mapping of sections, not a list"),
        ("hello\n", "1:1", r"a model must be a mapping of sections, not 'hello'"),
        ("name: x\n", "1:1", r"missing 'servicekit: 1'"),
        ("", "1:1", r"the model is empty"),
        ("# only a comment\n", "1:1", r"the model is empty"),
        ("---\n...\n---\n", "1:1", r"the model is empty"),
        ("servicekit: 1\n? [a]\n: b\n", "2:3", r"a key must be a plain word, not a list"),
        ("servicekit: 1\nname: [unclosed\n", "3:1", r"invalid YAML: did not find expected"),
        ("servicekit: 1\n\tname: x\n", "2:1", r"invalid YAML: found .*tab"),
        ("servicekit: 1\ncustomers: {id: x}\n", "2:12", r"customers must be a list of customers"),
    ],
    ids=[
        "list",
        "scalar",
        "no-version",
        "empty",
        "comment",
        "empty-docs",
        "key-list",
        "syntax",
        "tab",
        "section-map",
    ],
)
def test_whole_file_errors(text: str, where: str, pattern: str) -> None:
    """A file that is not a mapping of sections, or not YAML, is one located error."""
    assert_problem(text, where, pattern)


def test_tolerable_shapes() -> None:
    """Empty sections, null values and null optional fields load as defaults."""
    text = (
        "servicekit: 1\nname:\ndescription: ~\ncustomers:\nroles:\n  - id: a\n    name: null\n"
        "    serves:\n    catches:\n    needs_none: ~\n"
    ).replace("    needs_none: ~\n", "")
    model = loads(text)
    assert model.name == ""
    assert model.roles["a"].name == ""
    assert model.roles["a"].serves == ()


def test_all_errors_reported_together_and_ordered() -> None:
    """Every problem of a load is reported at once, ordered by line."""
    text = edited(7, "    departmnet: front")
    text = text.replace("  - id: runner\n", "  - id: runner\n    nmae: R\n")
    text = text.replace("    role: clerk\n    customers", "    role: clerc\n    customers")
    found = problems(text)
    assert [p.split(":")[1] for p in found] == ["7", "16", "20"], found


def test_problem_cap() -> None:
    """A load stops after MAX_PROBLEMS problems and says so."""
    text = "servicekit: 1\n" + "".join(f"k{i}: 1\n" for i in range(MAX_PROBLEMS + 50))
    found = problems(text)
    assert len(found) == MAX_PROBLEMS + 1
    last = MAX_PROBLEMS + 1  # the line of the last problem reported
    assert found[-1] == (
        f"m.yaml:{last}:1: error: stopped after {MAX_PROBLEMS} problems; fix these and load again"
    )


def test_many_dangling_references_are_capped() -> None:
    """Thousands of dangling references give at most MAX_PROBLEMS problems."""
    text = "servicekit: 1\nroles:\n" + "".join(
        f"  - id: r{i}\n    serves: [x{i}]\n" for i in range(1500)
    )
    found = problems(text)
    assert len(found) <= MAX_PROBLEMS + 1
    assert found[0] == "m.yaml:4:14: error: role 'r0' names unknown role 'x0'"


# --- strings stay strings ---------------------------------------------------------------------

LOOKALIKES = [
    "no",
    "on",
    "yes",
    "off",
    "y",
    "n",
    "010",
    "0o17",
    "0x1F",
    "12:30",
    "3.10",
    "1e3",
    "2024-01-05",
    "2024-01-05 10:00:00",
    "null",
    "~",
    ".inf",
    "-.5",
    "1_000",
    "true",
    "=",
    "<<",
    "0b101",
    "+1",
    "NaN",
]


@pytest.mark.parametrize("word", LOOKALIKES, ids=LOOKALIKES)
def test_strings_stay_strings(word: str) -> None:
    """A plain word that YAML 1.1 would coerce keeps its exact text where a string is wanted."""
    shown = word if word not in ("~", "null", "<<") else f"'{word}'"
    text = (
        f"servicekit: 1\nname: {shown}\ncustomers:\n  - id: {shown}\n    needs: [{shown}]\n"
        f"roles:\n  - id: r\n    department: {shown}\n"
    )
    model = loads(text)
    assert model.name == word
    assert list(model.customers) == [word]
    assert model.customers[word].needs == (word,)
    assert model.roles["r"].department == word
    assert loads(dump(model)) == model


def test_norway_ids_and_references() -> None:
    """Ids like no/on/yes are strings and references to them resolve."""
    text = (
        "servicekit: 1\ncustomers: [{id: n}]\nroles:\n  - id: no\n    serves: [on]\n"
        "  - id: on\ntouchpoints:\n  - {id: yes, role: on, customers: [n]}\n"
    )
    model = loads(text)
    assert set(model.roles) == {"no", "on"}
    assert model.touchpoints["yes"].role == "on"


def test_multiline_and_quoted_strings() -> None:
    """Block scalars, quoted strings and escapes load to their text."""
    text = (
        'servicekit: 1\nname: "a\\tb\\u2028c"\ndescription: |\n  line one\n  line two\n'
        "customers:\n  - id: 'it''s'\n    description: >\n      folded\n      text\n"
    )
    model = loads(text)
    assert model.name == "a\tb\u2028c"
    assert model.description == "line one\nline two\n"
    assert model.customers["it's"].description == "folded text\n"


# --- tags, anchors, aliases, merges --------------------------------------------------------

TAGS = [
    (
        "python",
        "name: !!python/object/apply:os.system ['true']",
        "2:7",
        r"tag:yaml.org,2002:python",
    ),
    ("str", "name: !!str 10", "2:7", r"YAML tags are not allowed, found 'tag:yaml.org,2002:str'"),
    ("local", "name: !shop x", "2:7", r"found '!shop'"),
    ("non-specific", "name: ! x", "2:7", r"found '!'"),
    ("quoted", 'name: ! "x"', "2:7", r"found '!'"),
    ("verbatim", "name: !<tag:x> y", "2:7", r"found 'tag:x'"),
    ("seq", "roles: !!seq []", "2:8", r"found 'tag:yaml.org,2002:seq'"),
    ("map", "roles: [!!map {id: a}]", "2:9", r"found 'tag:yaml.org,2002:map'"),
    ("binary", "name: !!binary aGk=", "2:7", r"binary"),
    ("set", "name: !!set {a}", "2:7", r"tag:yaml.org,2002:set"),
]


@pytest.mark.parametrize(
    ("line", "where", "pattern"), [c[1:] for c in TAGS], ids=[c[0] for c in TAGS]
)
def test_tags_are_rejected(line: str, where: str, pattern: str) -> None:
    """Any YAML tag is an error at the tagged node, and the node is dropped."""
    found = problems(f"servicekit: 1\n{line}\n")
    assert len(found) == 1, found
    assert found[0].startswith(f"m.yaml:{where}: error: ")
    assert re.search(pattern, found[0])


def test_tagged_root_is_one_error() -> None:
    """A tag on the whole document is reported once, without an 'empty model' echo."""
    assert problems("--- !!map\nservicekit: 1\n") == [
        "m.yaml:1:5: error: YAML tags are not allowed, found 'tag:yaml.org,2002:map'; "
        "remove the tag"
    ]


def test_tag_directive_is_rejected() -> None:
    """A %TAG directive's shorthand tags are rejected like any tag."""
    text = "%TAG !e! tag:evil.example,2000:\n---\nservicekit: 1\nname: !e!x y\n"
    assert_problem(text, "4:7", r"found 'tag:evil.example,2000:x'")


@pytest.mark.parametrize(
    ("text", "where", "pattern"),
    [
        ("servicekit: 1\nname: &a x\ndescription: *a\n", "2:7", r"anchors \('&a'\)"),
        ("servicekit: 1\nname: &a x\ndescription: *a\n", "3:14", r"aliases \('\*a'\)"),
        ("servicekit: 1\nroles: &r [{id: a}]\n", "2:8", r"anchors \('&r'\)"),
        ("servicekit: 1\nroles:\n  - &x {id: a}\n  - *x\n", "4:5", r"aliases \('\*x'\)"),
        ("servicekit: 1\n*a : b\n", "2:1", r"aliases"),
        ("servicekit: 1\nroles:\n  - <<: {id: a}\n", "3:5", r"merge keys \('<<'\)"),
    ],
    ids=["anchor", "alias", "anchor-seq", "alias-item", "alias-key", "merge"],
)
def test_anchors_aliases_merges(text: str, where: str, pattern: str) -> None:
    """Anchors, aliases and merge keys are errors: a model is written out in full."""
    assert_problem(text, where, pattern)


# --- hostile input: fails fast, only ModelError ---------------------------------------------

HOSTILE: list[tuple[str, str | bytes, str]] = [
    ("recursive-alias", "servicekit: 1\nname: &a [*a]\n", r"2:7: error: anchors"),
    (
        "billion-laughs",
        "servicekit: 1\nl0: &l0 [lol, lol, lol]\n"
        + "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 12)),
        r"2:1: error: unknown section 'l0'",
    ),
    (
        "merge-chain",
        "servicekit: 1\nm0: &m0 {k: v}\n"
        + "".join(f"m{i}: &m{i}\n  <<: *m{i - 1}\n  k{i}: v\n" for i in range(1, 3000)),
        r"2:5: error: anchors \('&m0'\)",
    ),
    # PyYAML 6.0.4's libyaml stops flow nesting in its scanner (at depth 1000), before the
    # loader sees an event; older builds let the loader stop at depth 33. Same message.
    ("deep-flow-seq", "[" * 100_000, r"1:(33|1001): error: nesting deeper than 32 levels"),
    ("deep-flow-closed", "[" * 100_000 + "]" * 100_000, r"1:(33|1001): error: nesting deeper"),
    ("deep-flow-map", "{a: " * 100_000, r"1:(129|\d+): error: nesting deeper than 32 levels"),
    ("deep-block", "".join(" " * i + "-\n" for i in range(5000)), r"33:33: error: nesting"),
    ("nul", "servicekit: 1\nname: a\x00b\n", r"2:8: error: the character '\\x00' is not allowed"),
    ("nul-bytes", b"servicekit: 1\n\x00\x00\x00", r"2:1: error: the character '\\x00'"),
    ("invalid-utf8", b"servicekit: 1\nname: caf\xe9\n", r"2:10: error: invalid UTF-8 byte 0xe9"),
    (
        "invalid-utf8-after-text",
        "servicekit: 1\nname: é\n".encode() + b"\xff",
        r"3:1: error: invalid UTF-8 byte 0xff",
    ),
    ("utf8-wide-column", "servicekit: 1\nname: ééé".encode() + b"\xc3", r"2:10: error: invalid"),
    ("utf16-bom", "servicekit: 1\n".encode("utf-16"), r"1:1: error: the file is UTF-16"),
    ("utf16-be", b"\xfe\xff" + "servicekit: 1\n".encode("utf-16-be"), r"1:1: error: .*UTF-16"),
    ("utf16-no-bom", "servicekit: 1\n".encode("utf-16-le"), r"1:1: error: the file is UTF-16"),
    ("utf32", "servicekit: 1\n".encode("utf-32"), r"1:1: error: the file is UTF-16 or UTF-32"),
    ("bell", "servicekit: 1\nname: a\x07b\n", r"2:8: error: the character '\\x07'"),
    ("escape-char", "servicekit: 1\nname: '\x1b[31m'\n", r"2:8: error: the character '\\x1b'"),
    ("del", "servicekit: 1\nname: \x7f\n", r"2:7: error: the character '\\x7f'"),
    ("c1", "servicekit: 1\nname: x\x9b\n", r"2:8: error: the character '\\x9b'"),
    ("ufffe", "servicekit: 1\nname: x\ufffe\n", r"2:8: error: the character '\\ufffe'"),
    ("long-line", "servicekit: 1\n" + "x" * 2_000_000 + ": 1\n", r"2:\d+: error: invalid YAML"),
    ("bad-escape", 'servicekit: 1\nname: "\\ud800"\n', r"2:\d+: error: invalid YAML"),
    ("many-docs", "servicekit: 1\n" + "---\n[a]\n" * 3000, r"3:1: error: a model must be"),
]


@pytest.mark.parametrize(("data", "pattern"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_input_fails_with_model_error(data: str | bytes, pattern: str) -> None:
    """Hostile input raises only a ModelError, located at a line and column."""
    found = problems(data)
    assert any(re.match(rf"m\.yaml:{pattern}", p) for p in found), found[:5]


def test_hostile_huge_version_number() -> None:
    """A version of thousands of digits is reported, not crashed on."""
    assert_problem("servicekit: " + "1" * 10_000 + "\n", "1:13", r"unsupported format version")


# --- size cap -------------------------------------------------------------------------------


def test_max_bytes_file(write_model) -> None:  # type: ignore[no-untyped-def]
    """A file over max_bytes is refused at 1:1, saying its size and the limit."""
    path = write_model(BASE)
    size = len(BASE.encode())
    with pytest.raises(
        ModelError,
        match=rf"^{re.escape(str(path))}:1:1: error: the model is "
        rf"{size} bytes, over the limit of 100;",
    ):
        load(path, max_bytes=100)
    assert load(path, max_bytes=size) == loads(BASE)


def test_max_bytes_text() -> None:
    """Text over max_bytes is refused by loads too."""
    with pytest.raises(ModelError, match=r"^m\.yaml:1:1: error: the model is \d+ bytes, over"):
        loads(BASE, path="m.yaml", max_bytes=10)
    with pytest.raises(ModelError, match=r"over the limit of 10"):
        loads(BASE.encode(), max_bytes=10)


def test_default_cap_is_documented() -> None:
    """MAX_BYTES is the documented 64 MiB default of load and loads."""
    assert MAX_BYTES == 64 * 1024 * 1024


def test_cap_counts_every_file_of_a_directory(tmp_path: Path) -> None:
    """max_bytes counts a directory's files together: splitting a model does not pass it."""
    (tmp_path / "a.yaml").write_text("servicekit: 1\nroles: [{id: a}]\n")
    (tmp_path / "b.yaml").write_text("servicekit: 1\nroles: [{id: b}]\n")
    size = (tmp_path / "a.yaml").stat().st_size
    with pytest.raises(ModelError, match=rf"b\.yaml:1:1: error: the model is {2 * size} bytes"):
        load(tmp_path, max_bytes=size + 5)
    assert set(load(tmp_path, max_bytes=2 * size).roles) == {"a", "b"}


def test_unreadable_size_file_is_bounded(tmp_path: Path) -> None:
    """A file that grows past the cap while being read is still refused (bounded read)."""
    path = tmp_path / "m.yaml"
    path.write_text(BASE + "#" * 1000 + "\n")
    with pytest.raises(ModelError, match=r"over the limit of 500"):
        load(path, max_bytes=500)


# --- encodings and line endings --------------------------------------------------------------


def test_bom_and_crlf_load_like_the_plain_file() -> None:
    """A UTF-8 BOM and CRLF line endings give the same model as the plain file."""
    plain = loads(BASE)
    assert loads("\ufeff" + BASE) == plain
    assert loads(BASE.replace("\n", "\r\n")) == plain
    assert loads(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode()) == plain


@pytest.mark.parametrize(
    "transform",
    [
        lambda t: t.encode(),
        lambda t: b"\xef\xbb\xbf" + t.encode(),
        lambda t: t.replace("\n", "\r\n").encode(),
        lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode(),
    ],
    ids=["plain", "bom", "crlf", "bom-crlf"],
)
def test_bom_and_crlf_give_the_same_error_lines(transform) -> None:  # type: ignore[no-untyped-def]
    """Errors are located identically with a BOM and with CRLF line endings."""
    text = edited(7, "    departmnet: front").replace("    role: clerk", "    role: clerc", 1)
    text += "name: x\x07\n"
    expected = ["m.yaml:41:8: error: the character '\\x07' is not allowed in YAML"]
    assert [p.split(";")[0] for p in problems(transform(text))] == expected
    text = text.replace("name: x\x07\n", "")
    assert [p.split(";")[0] for p in problems(transform(text))] == [
        "m.yaml:7:5: error: unknown key 'departmnet' in a role",
        "m.yaml:19:11: error: touchpoint 'desk' names unknown role 'clerc'",
    ]


def test_non_ascii_columns_count_characters() -> None:
    """Columns count characters, not bytes, after non-ASCII text on a line."""
    text = "servicekit: 1\nname: é\ncustomers: [{id: ü, namé: x}]\n"
    assert_problem(text, "3:21", r"unknown key 'namé'")


# --- libyaml and pure-Python parsers agree ---------------------------------------------------

PARITY_CASES = {
    "base": BASE,
    "bom-crlf": "\ufeff" + BASE.replace("\n", "\r\n"),
    "unknown-key": edited(7, "    departmnet: front"),
    "dangling": edited(9, "      - to: runer"),
    "tag": edited(2, "name: !!str x"),
    "alias": "servicekit: 1\nname: &a x\ndescription: *a\n",
    "syntax": "servicekit: 1\nname: [unclosed\n",
    "deep": "[" * 1000,
    "utf8": "servicekit: 1\nname: ééé\ncustomers: [{id: ü, namé: x}]\n",
    "nonprint": "servicekit: 1\nname: a\x07\n",
    "lookalikes": "servicekit: 1\nname: 010\ncustomers: [{id: no}, {id: '12:30'}]\n",
    "multi-doc": "servicekit: 1\n---\nroles: [{id: a}]\n---\nroles: [{id: a}]\n",
    "surrogate-escape": 'servicekit: 1\nname: "\\ud800"\n',
    "surrogate-escape-long": 'servicekit: 1\nname: "\\U0000dfff"\n',
    "surrogate-escape-crlf": 'servicekit: 1\r\nname: "ab\r\n  c\\uDFFF"\n',
    "surrogate-pair-escape": 'servicekit: 1\nname: "\\ud83d\\ude00"\n',
    "astral-escape": 'servicekit: 1\nname: "\\U0001F600"\n',
}


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the pure-Python YAML parser."""
    monkeypatch.setattr(events, "LOADER", yaml.SafeLoader)


def _outcome(text: str) -> object:
    """The model, or the locations of the problems (parsers word syntax errors differently)."""
    try:
        return loads(text, path="m.yaml")
    except ModelError as err:
        return [
            (p.path, p.line, p.column, p.message.startswith("invalid YAML")) for p in err.problems
        ]


@pytest.mark.parametrize("text", list(PARITY_CASES.values()), ids=list(PARITY_CASES))
def test_pure_python_parser_agrees(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The libyaml and the pure-Python parser give the same model or the same errors."""
    with_c = _outcome(text)
    monkeypatch.setattr(events, "LOADER", yaml.SafeLoader)
    assert _outcome(text) == with_c


def test_pure_python_parser_loads_dumped_example(example: servicekit.ServiceModel) -> None:
    """The dump of the bundled example loads to the same model with the pure-Python parser."""
    text = dump(example)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(events, "LOADER", yaml.SafeLoader)
        assert loads(text) == example


def test_pure_python_parser_is_used(pure_python: None) -> None:
    """With the pure-Python parser forced, loading still gives located errors."""
    assert_problem(edited(7, "    departmnet: front"), "7:5", r"unknown key 'departmnet'")


def test_default_loader_is_libyaml_when_present() -> None:
    """libyaml's CSafeLoader is used whenever PyYAML was built with it."""
    assert events.LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- files, directories, documents -----------------------------------------------------------


def test_load_reports_the_file_path(write_model) -> None:  # type: ignore[no-untyped-def]
    """Errors name the file loaded."""
    path = write_model(edited(9, "      - to: runer"))
    with pytest.raises(ModelError, match=rf"^{re.escape(str(path))}:9:13: error: role 'clerk' "):
        load(path)


def test_load_accepts_str_and_path(write_model) -> None:  # type: ignore[no-untyped-def]
    """load takes a str or a Path."""
    path = write_model(BASE)
    assert load(str(path)) == load(path) == loads(BASE)


def test_sources_record_entity_locations(write_model) -> None:  # type: ignore[no-untyped-def]
    """A loaded model records where each entity is written."""
    path = write_model(BASE)
    model = load(path)
    assert str(model.sources["runner"]) == f"{path}:15:5"


def test_missing_path(tmp_path: Path) -> None:
    """A path that does not exist is one error naming it."""
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ModelError, match=rf"^{re.escape(str(missing))}:1:1: error: no such file"):
        load(missing)


def test_empty_directory(tmp_path: Path) -> None:
    """A directory with no yaml files is an error naming the directory."""
    (tmp_path / "notes.txt").write_text("servicekit: 1\n")
    with pytest.raises(ModelError, match=r":1:1: error: the directory holds no \*\.yaml files"):
        load(tmp_path)


def test_unreadable_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be read is a located error, not an OSError."""
    path = tmp_path / "model.yaml"
    path.write_text(BASE)

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ModelError, match=r"model\.yaml:1:1: error: cannot read the file: Perm"):
        load(path)


def test_directory_is_merged_in_name_order(tmp_path: Path) -> None:
    """A directory's yaml files are merged into one model; errors name each file."""
    (tmp_path / "1-people.yaml").write_text(
        "servicekit: 1\nname: Shop\ncustomers: [{id: guest}]\nroles:\n  - id: clerk\n"
    )
    (tmp_path / "2-places.yml").write_text(
        "servicekit: 1\nname: Shop\ntouchpoints: [{id: desk, role: clerk, customers: [guest]}]\n"
    )
    (tmp_path / "readme.md").write_text("not yaml")
    model = load(tmp_path)
    assert (model.name, set(model.roles), set(model.touchpoints)) == ("Shop", {"clerk"}, {"desk"})
    assert model.sources["desk"].path.endswith("2-places.yml")
    (tmp_path / "3-bad.yaml").write_text("servicekit: 1\nroles: [{id: clerk}]\n")
    with pytest.raises(
        ModelError,
        match=r"3-bad\.yaml:2:14: error: duplicate id 'clerk': "
        r"already used by the role at .*1-people\.yaml:5:9",
    ):
        load(tmp_path)


def test_directory_errors_ordered_by_file(tmp_path: Path) -> None:
    """Problems from several files come ordered by file, then line."""
    (tmp_path / "b.yaml").write_text("servicekit: 1\nroles: [{id: a, x: 1}]\n")
    (tmp_path / "a.yaml").write_text("servicekit: 1\n\nroles: [{id: b, y: 1}]\n")
    with pytest.raises(ModelError, match="unknown key 'y'") as info:
        load(tmp_path)
    assert [(Path(p.path).name, p.line) for p in info.value.problems] == [
        ("a.yaml", 3),
        ("b.yaml", 2),
    ]


def test_directory_file_needs_version(tmp_path: Path) -> None:
    """Each file of a directory starts with its own format version."""
    (tmp_path / "a.yaml").write_text("servicekit: 1\n")
    (tmp_path / "b.yaml").write_text("roles: [{id: a}]\n")
    with pytest.raises(ModelError, match=r"b\.yaml:1:1: error: missing 'servicekit: 1'"):
        load(tmp_path)


def test_directory_with_empty_file(tmp_path: Path) -> None:
    """An empty file in a directory is reported as empty."""
    (tmp_path / "a.yaml").write_text("servicekit: 1\n")
    (tmp_path / "b.yaml").write_text("")
    with pytest.raises(ModelError, match=r"b\.yaml:1:1: error: the model is empty"):
        load(tmp_path)


def test_documents_are_merged() -> None:
    """The documents of one file are merged; only the first needs the version."""
    text = (
        "servicekit: 1\nname: Shop\n---\ncustomers: [{id: g}]\n---\n# nothing\n---\n"
        "name: Shop\nroles: [{id: r}]\n"
    )
    model = loads(text)
    assert (model.name, list(model.customers), list(model.roles)) == ("Shop", ["g"], ["r"])


def test_leading_empty_document_is_skipped() -> None:
    """An empty first document is skipped; the first real one carries the version."""
    assert loads("---\n---\nservicekit: 1\nname: x\n").name == "x"


def test_later_document_may_repeat_version() -> None:
    """A later document may repeat the version, but not give another one."""
    assert loads("servicekit: 1\n---\nservicekit: 1\nname: x\n").name == "x"
    assert_problem("servicekit: 1\n---\nservicekit: 2\n", "3:13", r"unsupported format version")


def test_name_repeated_differently() -> None:
    """The model's name given twice differently is an error at the second; equal is fine."""
    assert_problem(
        "servicekit: 1\nname: A\n---\nname: B\n", "4:7", r"name is given twice, differently \("
    )
    assert_problem(
        "servicekit: 1\ndescription: A\n---\ndescription: B\n", "4:14", r"description is given"
    )


def test_parse_error_in_later_document_skips_reference_checks() -> None:
    """A syntax error is reported alone, without noise from references it hid."""
    text = "servicekit: 1\nroles: [{id: a, serves: [b]}]\n---\nroles: [{id: b\n"
    found = problems(text)
    assert len(found) == 1, found
    assert "invalid YAML" in found[0]


# --- dump ------------------------------------------------------------------------------------

AWKWARD = [
    "no",
    "on",
    "~",
    "null",
    "",
    " lead",
    "trail ",
    "010",
    "0x1F",
    "1e3",
    ".inf",
    "12:30",
    "2024-01-05",
    "- x",
    "a: b",
    "a #b",
    "&a",
    "*a",
    "!x",
    "|",
    ">",
    "'q'",
    '"q"',
    "back\\slash",
    "tab\there",
    "new\nline",
    "nel\x85",
    "ls\u2028",
    "ps\u2029",
    "bom\ufeff",
    "nul\x00",
    "😀",
    "é",
    "a, b",
    "[x]",
    "{x}",
    "%x",
    "@x",
    "`x",
    "?",
    "-",
    ":",
    "#",
    "=",
    "<<",
    "\x7f",
    "\xa0",
    "\r",
    "a  b",
    "ǅ",
    "\U0010fffd",
]


@pytest.mark.parametrize("text", AWKWARD, ids=[repr(t) for t in AWKWARD])
def test_dump_round_trips_awkward_strings(text: str) -> None:
    """Awkward strings survive dump then load, and read back identically with PyYAML."""
    from servicekit import Customer, Role, ServiceModel

    ident = text or "x"
    model = ServiceModel(
        name=text,
        customers=[Customer(id=ident, needs=(text, "plain"), description=text)],
        roles=[Role(id="r" + ident, department=ident, catches={ident: 0.5})],
    )
    out = dump(model)
    assert loads(out) == model
    raw = yaml.safe_load(out)
    assert raw["name" if text else "servicekit"] == (text or 1)
    assert raw["customers"][0]["id"] == ident
    assert raw["customers"][0]["needs"] == [text, "plain"]
    assert raw["roles"][0]["catches"] == {ident: 0.5}


def test_dump_example_round_trips(example: servicekit.ServiceModel) -> None:
    """The bundled example survives dump then load unchanged."""
    assert loads(dump(example)) == example


def test_dump_is_stable(example: servicekit.ServiceModel) -> None:
    """Dumping a dumped model gives the same text."""
    assert dump(loads(dump(example))) == dump(example)


def test_dump_numbers() -> None:
    """Rates are written as YAML floats that read back exactly."""
    from servicekit import FailPoint, Handoff, Role, ServiceModel

    rates = [0.0, 1.0, 1e-05, 5e-324, 0.1, 1 / 3, 1e-300]
    role = Role(
        id="a",
        serves=[
            Handoff(
                to="a",
                fail_points=[FailPoint(id=f"f{i}", rate=r) for i, r in enumerate(rates)],
            )
        ],
        catches={f"c{i}": r for i, r in enumerate(rates)},
    )
    model = ServiceModel(roles=[role])
    out = dump(model)
    assert loads(out) == model
    raw = yaml.safe_load(out)["roles"][0]
    assert list(raw["catches"].values()) == rates
    assert [fp.get("rate", 0.0) for fp in raw["serves"][0]["fail_points"]] == rates


def test_dump_writes_empty_scope_and_audit_rules() -> None:
    """An empty applies_to (nobody) and audit settings survive a round trip."""
    text = "servicekit: 1\nprinciples:\n  - id: p\n    applies_to: {}\naudit:\n  rules: {}\n"
    model = loads(text)
    assert model.principles["p"].applies_to is not None
    assert loads(dump(model)) == model


def test_dump_long_lists_are_block_lists() -> None:
    """A long or awkward list is written one item a line."""
    from servicekit import Customer, ServiceModel

    model = ServiceModel(customers=[Customer(id="c", needs=tuple("x" * 30 for _ in range(5)))])
    out = dump(model)
    assert "    needs:\n      - xxxx" in out
    assert loads(out) == model


# --- save ------------------------------------------------------------------------------------


def test_save_then_load(tmp_path: Path, example: servicekit.ServiceModel) -> None:
    """save writes the dump, and loading it gives an equal model."""
    path = tmp_path / "out.yaml"
    save(example, path)
    assert path.read_text(encoding="utf-8") == dump(example)
    assert load(path) == example
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_save_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """save accepts a bare file name in the current directory."""
    monkeypatch.chdir(tmp_path)
    save(loads(BASE), "m.yaml")
    assert load(tmp_path / "m.yaml") == loads(BASE)


def test_save_keeps_mode(tmp_path: Path) -> None:
    """Saving over an existing file keeps its permission bits."""
    path = tmp_path / "m.yaml"
    path.write_text("old")
    path.chmod(0o640)
    save(loads(BASE), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_save_new_file_uses_umask(tmp_path: Path) -> None:
    """A new file gets the usual mode for the umask, not the temp file's 0600."""
    path = tmp_path / "m.yaml"
    old = os.umask(0o022)
    try:
        save(loads(BASE), path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


@pytest.mark.parametrize("broken", ["replace", "fsync", "chmod"], ids=str)
def test_save_failure_keeps_original(
    broken: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while saving leaves the original bytes and no temporary file."""
    path = tmp_path / "m.yaml"
    path.write_bytes(b"original\n")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, broken, fail)
    with pytest.raises(OSError, match="No space left"):
        save(loads(BASE), path)
    monkeypatch.undo()
    assert path.read_bytes() == b"original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.yaml"]


def test_save_interrupted_keeps_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a KeyboardInterrupt mid-save leaves the original and cleans up."""
    path = tmp_path / "m.yaml"
    path.write_bytes(b"original\n")

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt("pressed mid-save")

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt, match="pressed mid-save"):
        save(loads(BASE), path)
    monkeypatch.undo()
    assert path.read_bytes() == b"original\n"
    assert len(list(tmp_path.iterdir())) == 1


# --- example ---------------------------------------------------------------------------------


def test_example_path_exists() -> None:
    """The bundled example ships with the package and loads."""
    path = servicekit.example_path()
    assert path.is_file()
    assert path.name == "dry-cleaner.yaml"
    assert servicekit.load_example() == load(path)


NULLS_AND_DROPS = [
    ("fail-points-null", edited(16, "    serves: [{to: clerk, fail_points: ~}]"), None),
    ("audit-null", BASE + "audit: ~\n", None),
    ("audit-rules-null", BASE + "audit: {rules: ~}\n", None),
    ("audit-setting-null", BASE + "audit: {rules: {no-customer: ~}}\n", None),
    ("list-null", edited(20, "    customers: ~"), None),
    ("list-alias-item", edited(20, "    customers: [guest, *g]"), "20:24"),
    ("fail-point-id-null", edited(12, "          - id: ~"), "12:17"),
    ("touchpoint-role-null", edited(19, "    role: ~"), "19:11"),
    ("version-alias", "servicekit: *v\n", "1:13"),
    ("rate-alias", edited(14, "            rate: *r"), "14:19"),
    ("id-tagged", edited(4, "  - id: !!str guest"), "4:9"),
]


@pytest.mark.parametrize(
    ("text", "where"), [c[1:] for c in NULLS_AND_DROPS], ids=[c[0] for c in NULLS_AND_DROPS]
)
def test_nulls_and_dropped_values(text: str, where: str | None) -> None:
    """Null optional values load as defaults; a null or dropped required value errs once."""
    if where is None:
        assert loads(text).roles["clerk"].id == "clerk"
        return
    found = problems(text)
    assert [p.split(": error")[0] for p in found] == [f"m.yaml:{where}"], found


def test_audit_settings_round_trip() -> None:
    """A model's audit settings load and survive dump then load."""
    model = loads(BASE + "audit:\n  rules:\n    no-customer: 'off'\n    orphan-principle: error\n")
    assert dict(model.audit_settings.rules) == {"no-customer": "off", "orphan-principle": "error"}
    assert loads(dump(model)) == model
    assert yaml.safe_load(dump(model))["audit"]["rules"]["no-customer"] == "off"


def test_load_with_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading leaves the garbage collector as it found it."""
    import gc

    gc.disable()
    try:
        loads(BASE)
        assert not gc.isenabled()
    finally:
        gc.enable()
    loads(BASE)
    assert gc.isenabled()


def test_issue_path_into_a_skipped_entry() -> None:
    """A problem whose path runs past what was written is located at the nearest node."""
    text = edited(9, "      - ~").replace("      - ~\n", "      - ~\n      - to: x\n", 1)
    found = problems(text)
    assert any(
        p.startswith("m.yaml:9:9: error: each entry of the serves of role 'clerk' must not be null")
        for p in found
    )


def test_save_writes_through_a_symlink(tmp_path: Path) -> None:
    """Saving to a symlink replaces the file it points to and keeps the link."""
    real = tmp_path / "real.yaml"
    real.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    save(loads(BASE), link)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == dump(loads(BASE))


def test_pure_python_parser_loads_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled example loads to the same model with the pure-Python parser."""
    with_c = servicekit.load_example()
    monkeypatch.setattr(events, "LOADER", yaml.SafeLoader)
    assert servicekit.load_example() == with_c
