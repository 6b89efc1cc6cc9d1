"""Messages read as sentences, name whose value is wrong, and stay short whatever the value.

Covers the wording of nested problems (whose hand-off, whose applies_to), null entries,
articles, lookups given ids that are not strings, and huge values cut in every message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

import servicekit
from servicekit import (
    Customer,
    FailPoint,
    Handoff,
    ModelError,
    Principle,
    Program,
    Role,
    ServiceModel,
    UnknownIdError,
    loads,
)
from servicekit.culture.report import build
from servicekit.errors import shown


def load_messages(text: str) -> list[str]:
    """The messages (with hints) of loading ``text``."""
    with pytest.raises(ModelError, match=r"error: ") as info:
        loads(text)
    return [f"{p.message}; {p.hint}" if p.hint else p.message for p in info.value.problems]


NESTED = {
    "applies-to-null-role": (
        "principles: [{id: p, applies_to: {roles: [~]}}]",
        "each entry of the roles of the applies_to of principle 'p' must not be null",
    ),
    "applies-to-not-a-list": (
        "principles: [{id: p, applies_to: {roles: x}}]",
        "the roles of the applies_to of principle 'p' must be a list, not 'x'",
    ),
    "applies-to-unknown-key": (
        "principles: [{id: p, applies_to: {rols: [x]}}]",
        "unknown key 'rols' in the applies_to of principle 'p'; did you mean 'roles'?",
    ),
    "audience-null-role": (
        "programs: [{id: p, audience: {roles: [~]}}]",
        "each entry of the roles of the audience of program 'p' must not be null",
    ),
    "audit-unknown-key": (
        "audit: {rulez: {}}",
        "unknown key 'rulez' in the audit section; did you mean 'rules'?",
    ),
    "handoff-without-to": (
        "roles: [{id: a, serves: [{item: x}]}]",
        "a hand-off of role 'a' needs 'to': the role receiving it",
    ),
    "fail-point-without-id": (
        "roles: [{id: a, serves: [{to: a, fail_points: [{rate: 0.1}]}]}]",
        "a fail point of the hand-off to 'a' of role 'a' needs an id",
    ),
    "null-fail-point": (
        "roles: [{id: a, serves: [{to: a, fail_points: [~]}]}]",
        "each entry of the fail_points of the hand-off to 'a' of role 'a' must not be null",
    ),
    "handoff-unknown-key": (
        "roles: [{id: a, serves: [{to: a, iten: x}]}]",
        "unknown key 'iten' in a hand-off of role 'a'; did you mean 'item'?",
    ),
    "null-need": (
        "customers: [{id: c, needs: [~]}]",
        "each entry of the needs of customer 'c' must not be null",
    ),
    "null-principle": (
        "roles: [{id: a, principles: [~]}]",
        "each entry of the principles of role 'a' must not be null",
    ),
    "null-category-key": (
        "roles: [{id: a, catches: {~: 0.5}}]",
        "the catches of role 'a': a category must be a string, not null",
    ),
    "null-rule-key": (
        "audit: {rules: {~: off}}",
        "the rules of the audit section: a rule must be named by its id, not null",
    ),
}


@pytest.mark.parametrize("case", list(NESTED), ids=list(NESTED))
def test_nested_problems_say_whose_value_it_is(case: str) -> None:
    """A problem inside a nested entity names the entity holding it, in plain words."""
    text, expected = NESTED[case]
    (found,) = load_messages(f"servicekit: 1\n{text}\n")
    assert found.startswith(expected), found


PYTHON_BUILT: dict[str, tuple[Callable[[], Any], str]] = {
    "handoff-without-to": (
        lambda: Role(id="a", serves=[{"item": "x"}]),
        "a hand-off of role 'a' needs 'to': the role receiving it",
    ),
    "applies-to-string": (
        lambda: Principle(id="p", applies_to={"roles": "x"}),
        "the roles of the applies_to of principle 'p' must be a list, not 'x'",
    ),
    "audience-text": (
        lambda: Program(id="p", audience="everyone"),
        "the audience of program 'p' must be a mapping (Audience), not 'everyone'",
    ),
    "fail-point-text": (
        lambda: Handoff(to="b", fail_points=["f"]),
        "each entry of the fail_points of the hand-off to 'b' must be a mapping with an id",
    ),
    "fail-point-rate-text": (
        lambda: Handoff(to="b", fail_points=[{"id": "f", "rate": "0.1"}]),
        "the rate of fail point 'f' must be a number, not the string '0.1'",
    ),
}


@pytest.mark.parametrize("case", list(PYTHON_BUILT), ids=list(PYTHON_BUILT))
def test_constructors_refuse_wrong_types_at_once(case: str) -> None:
    """Built in Python, a wrong type is refused by the constructor, naming the field."""
    make, expected = PYTHON_BUILT[case]
    with pytest.raises(ModelError, match=r"error: ") as info:
        make()
    assert info.value.problems[0].message.startswith(expected), info.value.problems


# --- lookups with ids that are not strings ------------------------------------------------

LOOKUPS: dict[str, Callable[[servicekit.ServiceModel, Any], Any]] = {
    "upstream": lambda m, x: m.chain.upstream(x),
    "downstream": lambda m, x: m.chain.downstream(x),
    "critical": lambda m, x: m.chain.critical(x),
    "trace": lambda m, x: m.chain.trace(x),
    "internal_customers": lambda m, x: m.chain.internal_customers(x),
    "customers_of": lambda m, x: m.chain.customers_of(x),
    "touchpoints_reached": lambda m, x: m.chain.touchpoints_reached(x),
    "kind": lambda m, x: m.chain.kind(x),
    "upstream_of_all": lambda m, x: m.chain.upstream_of_all()[x],
    "to_mermaid": lambda m, x: m.chain.to_mermaid(focus=x),
    "to_dot": lambda m, x: m.chain.to_dot(focus=x),
    "role": lambda m, x: m.role(x),
    "touchpoint": lambda m, x: m.touchpoint(x),
    "scenario": lambda m, x: m.scenario(x),
    "principle": lambda m, x: m.principle(x),
    "entity": lambda m, x: m.entity(x),
    "managers_of": lambda m, x: m.managers_of(x),
    "principles_for": lambda m, x: m.principles_for(x),
    "roles_for": lambda m, x: m.roles_for(x),
    "guide": lambda m, x: m.guide(x),
    "roles-table": lambda m, x: m.roles[x],
}
BAD_IDS = {"int": 7, "list": ["pickup"], "set": {"pickup"}, "bytes": b"pickup", "dict": {}}


@pytest.mark.parametrize("bad", list(BAD_IDS), ids=list(BAD_IDS))
@pytest.mark.parametrize("lookup", list(LOOKUPS), ids=list(LOOKUPS))
def test_lookups_given_a_non_string_raise_unknown_id(lookup: str, bad: str) -> None:
    """Every lookup given an id that is no string raises UnknownIdError naming it."""
    with pytest.raises(UnknownIdError, match=r"^unknown "):
        LOOKUPS[lookup](servicekit.load_example(), BAD_IDS[bad])


@pytest.mark.parametrize("bad", list(BAD_IDS), ids=list(BAD_IDS))
def test_kind_of_a_non_string_is_none(bad: str) -> None:
    """kind_of answers None for anything that is not an id, never a TypeError."""
    assert servicekit.load_example().kind_of(BAD_IDS[bad]) is None


def test_unhashable_id_says_what_an_id_is() -> None:
    """The message of a non-string id says that ids are strings."""
    expected = r"unknown node \['x'\] \(an id is a string, not list\)"
    with pytest.raises(UnknownIdError, match=expected):
        servicekit.load_example().chain.upstream(["x"])


# --- huge values are cut, never echoed ----------------------------------------------------------

HUGE = "x" * 1_000_000


def assert_short(messages: list[str]) -> None:
    """Every message is short and says how long the cut value was."""
    assert messages
    for message in messages:
        assert len(message) < 400, message[:200]
    assert any(re.search(r"\(1,000,00\d characters\)", message) for message in messages)


HUGE_IN_FILES = {
    "dangling-id": f"roles: [{{id: a, serves: [{HUGE}]}}]",
    "unknown-key": f"roles: [{{id: a, ? {HUGE} : 1}}]",
    "unknown-section": f"? {HUGE}\n: 1",
    "rate": f"roles: [{{id: a, serves: [{{to: a, fail_points: [{{id: f, rate: '{HUGE}'}}]}}]}}]",
    "choice": f"programs: [{{id: p, content: {HUGE}}}]",
    "rule": f"audit: {{rules: {{no-customer: {HUGE}}}}}",
    "duplicate-id": f"roles: [{{id: {HUGE}}}, {{id: {HUGE}}}]",
    "anchor": f"name: &{HUGE} x",
    "tag": f"name: !{HUGE} x",
    "version": "",
}


@pytest.mark.parametrize("case", list(HUGE_IN_FILES), ids=list(HUGE_IN_FILES))
def test_huge_values_are_cut_in_load_messages(case: str) -> None:
    """A million-character value is shown by its start and its length, never whole."""
    if case == "version":
        text = f"servicekit: 1{'0' * 999_999}\n"
    else:
        text = f"servicekit: 1\n{HUGE_IN_FILES[case]}\n"
    with pytest.raises(ModelError, match=r"error: ") as info:
        loads(text)
    assert_short([str(p) for p in info.value.problems])


def test_huge_values_are_cut_in_python_built_models() -> None:
    """Built in Python, huge values are cut too: in checks, references and lookups."""
    with pytest.raises(ModelError, match=r"error: ") as info:
        ServiceModel(roles=[Role(id="a", serves=[HUGE])])
    assert_short([str(p) for p in info.value.problems])
    with pytest.raises(ModelError, match=r"error: ") as info:
        FailPoint(id="f", rate=HUGE)
    assert_short([str(p) for p in info.value.problems])
    with pytest.raises(UnknownIdError, match=r"^unknown ") as lookup:
        servicekit.load_example().chain.upstream(HUGE)
    assert_short([str(lookup.value)])
    with pytest.raises(ModelError, match=r"error: ") as info:
        Customer(id="c", needs=HUGE)
    assert_short([str(p) for p in info.value.problems])


def test_shown_cuts_text_and_long_reprs() -> None:
    """shown() quotes short values as repr does and cuts long ones with their length."""
    assert shown("spotter") == "'spotter'"
    assert re.fullmatch(r"'x{80}\.\.\.' \(1,000,000 characters\)", shown(HUGE))
    assert shown(list(range(100_000))).endswith("characters)")


def test_report_counts_in_words() -> None:
    """The service report says '1 customer', not '1 customers'."""
    model = loads("servicekit: 1\ncustomers: [{id: c}]\nroles: [{id: a}, {id: b}]\n")
    text = build(model, path="m.yaml").to_text()
    assert "Holds: 1 customer, 2 roles\n" in text
