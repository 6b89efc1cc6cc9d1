"""Tests for servicekit.audit: the rules table, settings, and the text, JSON and SARIF renders."""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import pytest

import servicekit
from servicekit import (
    RULES,
    Audience,
    AuditSettingError,
    Customer,
    Finding,
    Handoff,
    Metric,
    Program,
    Role,
    Rule,
    ServiceModel,
    Touchpoint,
)
from servicekit.culture import audit as audit_module
from servicekit.culture.audit import audit, severity_at_least
from servicekit.render.json import findings_json as findings_to_json
from servicekit.render.sarif import to_sarif
from servicekit.render.text import findings_text as findings_to_text

SCHEMA = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"

#: The rules of SPEC's audit table, with the default severity it gives each.
SPEC_RULES = {
    "no-customer": "warning",
    "no-line-of-sight": "warning",
    "uncovered-role": "warning",
    "orphan-principle": "info",
    "unaligned-metric": "error",
    "uncovered-scenario": "error",
    "unscripted-scenario": "info",
    "one-size-script": "warning",
    "front-line-only-program": "warning",
    "one-dimensional-program": "warning",
    "self-directed-only-program": "warning",
    "managers-not-included": "warning",
    "key-person": "warning",
    "undeclared-start": "info",
    "unknown-category": "warning",
}

#: A small shop every case below builds on: a back room feeding a counter; the baker's
#: work starts each morning without a hand-off.
SHOP = """\
servicekit: 1
customers: [{id: regular}, {id: tourist}]
roles:
  - {id: baker, starts: true, department: back, reports_to: owner, serves: [clerk]}
  - {id: clerk, department: front, reports_to: owner}
  - {id: owner, department: office}
touchpoints: [{id: counter, role: clerk, customers: [regular, tourist]}]
"""

#: The same shop with a principle for everyone, so that principle rules stay quiet.
SHOP_WITH_PRINCIPLE = SHOP + "principles: [{id: care}]\n"

#: The same shop, saying nothing of where its work starts.
UNDECLARED = SHOP.replace("starts: true, ", "")

#: A till (a system) the clerk rings sales up on.
WITH_TILL = SHOP.replace(
    "  - {id: owner", "  - {id: till, kind: system, serves: [clerk]}\n  - {id: owner"
)


def rule_subjects(text: str, rule: str) -> list[str]:
    """The subjects a rule finds in a model written as YAML."""
    model = servicekit.loads(text)
    return sorted(f.subject for f in model.audit() if f.rule == rule)


#: (rule, YAML, subjects expected). Each rule has cases that fire and cases that stay silent.
CASES: list[tuple[str, str, str, list[str]]] = [
    # no-customer: no hand-off, no touchpoint, nobody reporting to it.
    (
        "no-customer",
        "role-serving-no-one",
        SHOP.replace("  - {id: owner", "  - {id: hermit}\n  - {id: owner"),
        ["hermit"],
    ),
    ("no-customer", "shop-is-fine", SHOP, []),
    (
        "no-customer",
        "receives-but-passes-nothing-on",
        SHOP.replace("serves: [clerk]}", "serves: [clerk, sink]}\n  - {id: sink}"),
        ["sink"],
    ),
    (
        "no-customer",
        "fed-by-a-touchpoint-only",
        SHOP.replace("  - {id: owner", "  - {id: sorter}\n  - {id: owner").replace(
            "customers: [regular, tourist]}", "customers: [regular, tourist], feeds: [sorter]}"
        ),
        ["sorter"],
    ),
    (
        "no-customer",
        "manager-with-no-hand-off",
        SHOP.replace("reports_to: owner}", "reports_to: boss}\n  - {id: boss}"),
        [],
    ),
    (
        "no-customer",
        "front-line-without-hand-off",
        "servicekit: 1\nroles: [{id: guard}]\ntouchpoints: [{id: gate, role: guard}]\n",
        [],
    ),
    # no-line-of-sight: hand-offs none of whose downstream reaches a touchpoint.
    (
        "no-line-of-sight",
        "dead-end",
        SHOP.replace("  - {id: owner", "  - {id: a, serves: [b]}\n  - {id: b}\n  - {id: owner"),
        ["a"],
    ),
    (
        "no-line-of-sight",
        "closed-loop",
        SHOP.replace(
            "  - {id: owner", "  - {id: a, serves: [b]}\n  - {id: b, serves: [a]}\n  - {id: owner"
        ),
        ["a", "b"],
    ),
    ("no-line-of-sight", "reaches-the-counter", SHOP, []),
    (
        "no-line-of-sight",
        "loop-with-a-way-out",
        SHOP.replace(
            "  - {id: owner",
            "  - {id: a, serves: [b]}\n  - {id: b, serves: [a, baker]}\n  - {id: owner",
        ),
        [],
    ),
    (
        "no-line-of-sight",
        "front-line-handing-to-a-dead-end",
        SHOP.replace("department: front, reports_to: owner}", "serves: [filer]}\n  - {id: filer}"),
        [],
    ),
    (
        "no-line-of-sight",
        "into-a-touchpoint-that-feeds-on",
        SHOP.replace("  - {id: owner", "  - {id: pre, serves: [clerk]}\n  - {id: owner").replace(
            "customers: [regular, tourist]}", "customers: [regular, tourist], feeds: [baker]}"
        ),
        [],
    ),
    # uncovered-role: upstream of a touchpoint, no principle applies.
    ("uncovered-role", "no-principles-at-all", SHOP, ["baker", "clerk"]),
    ("uncovered-role", "principle-for-everyone", SHOP_WITH_PRINCIPLE, []),
    (
        "uncovered-role",
        "principle-for-the-front-only",
        SHOP + "principles: [{id: smile, applies_to: {departments: [front]}}]\n",
        ["baker"],
    ),
    (
        "uncovered-role",
        "role-names-a-principle",
        SHOP.replace("department: back,", "department: back, principles: [smile],")
        + "principles: [{id: smile, applies_to: {roles: [clerk]}}]\n",
        [],
    ),
    (
        "uncovered-role",
        "not-upstream-of-any-touchpoint",
        SHOP.replace("  - {id: owner", "  - {id: hermit}\n  - {id: owner")
        + "principles: [{id: smile, applies_to: {roles: [clerk, baker]}}]\n",
        [],
    ),
    # orphan-principle: applies to no role.
    (
        "orphan-principle",
        "department-nobody-is-in",
        SHOP + "principles: [{id: p, applies_to: {departments: [frnot]}}]\n",
        ["p"],
    ),
    ("orphan-principle", "empty-scope", SHOP + "principles: [{id: p, applies_to: {}}]\n", ["p"]),
    ("orphan-principle", "for-everyone", SHOP_WITH_PRINCIPLE, []),
    (
        "orphan-principle",
        "empty-scope-but-named-by-a-role",
        SHOP.replace("department: office}", "department: office, principles: [p]}")
        + "principles: [{id: p, applies_to: {}}]\n",
        [],
    ),
    (
        "orphan-principle",
        "listed-role",
        SHOP + "principles: [{id: p, applies_to: {roles: [owner]}}]\n",
        [],
    ),
    # unaligned-metric: tied to pay or promotion, serves nothing.
    ("unaligned-metric", "pay", SHOP + "metrics: [{id: m, tied_to: [pay]}]\n", ["m"]),
    (
        "unaligned-metric",
        "promotion-any-case",
        SHOP + "metrics: [{id: m, tied_to: [Promotion], owner: front}]\n",
        ["m"],
    ),
    ("unaligned-metric", "bonus", SHOP + "metrics: [{id: m, tied_to: [bonus]}]\n", ["m"]),
    (
        "unaligned-metric",
        "pay-but-serves-a-touchpoint",
        SHOP + "metrics: [{id: m, tied_to: [pay], serves: [counter]}]\n",
        [],
    ),
    (
        "unaligned-metric",
        "pay-but-serves-a-customer",
        SHOP + "metrics: [{id: m, tied_to: [pay], serves: [tourist]}]\n",
        [],
    ),
    (
        "unaligned-metric",
        "tied-to-recognition-only",
        SHOP + "metrics: [{id: m, tied_to: [recognition]}]\n",
        [],
    ),
    ("unaligned-metric", "untied", SHOP + "metrics: [{id: m, owner: baker}]\n", []),
    # uncovered-scenario: no covering script and no principle for the role on duty.
    (
        "uncovered-scenario",
        "nothing-at-all",
        SHOP + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        ["s"],
    ),
    (
        "uncovered-scenario",
        "script-with-the-tag-for-another-role",
        SHOP
        + "scripts: [{id: sc, role: baker, situations: [rush]}]\n"
        + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        ["s"],
    ),
    (
        "uncovered-scenario",
        "principle-for-someone-else",
        SHOP
        + "principles: [{id: p, applies_to: {roles: [baker]}}]\n"
        + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        ["s"],
    ),
    (
        "uncovered-scenario",
        "script-for-the-role",
        SHOP
        + "scripts: [{id: sc, role: clerk, situations: [rush]}]\n"
        + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        [],
    ),
    (
        "uncovered-scenario",
        "script-for-the-touchpoint",
        SHOP
        + "scripts: [{id: sc, touchpoint: counter, situations: [rush]}]\n"
        + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        [],
    ),
    (
        "uncovered-scenario",
        "principle-for-the-role-on-duty",
        SHOP_WITH_PRINCIPLE + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        [],
    ),
    # unscripted-scenario: no covering script, but a principle to go on.
    (
        "unscripted-scenario",
        "principle-only",
        SHOP_WITH_PRINCIPLE + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        ["s"],
    ),
    (
        "unscripted-scenario",
        "no-tags",
        SHOP_WITH_PRINCIPLE
        + "scripts: [{id: sc, role: clerk, situations: [rush]}]\n"
        + "scenarios: [{id: s, touchpoint: counter}]\n",
        ["s"],
    ),
    (
        "unscripted-scenario",
        "scripted",
        SHOP_WITH_PRINCIPLE
        + "scripts: [{id: sc, role: clerk, situations: [rush]}]\n"
        + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        [],
    ),
    (
        "unscripted-scenario",
        "no-principle-either-is-uncovered-instead",
        SHOP + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        [],
    ),
    # one-size-script: covers scenarios of two or more different customers.
    (
        "one-size-script",
        "two-customers-at-one-touchpoint",
        SHOP_WITH_PRINCIPLE
        + "scripts: [{id: sc, role: clerk, situations: [rush]}]\n"
        + "scenarios:\n"
        + "  - {id: s1, touchpoint: counter, customer: regular, tags: [rush]}\n"
        + "  - {id: s2, touchpoint: counter, customer: tourist, tags: [rush, lost]}\n",
        ["sc"],
    ),
    (
        "one-size-script",
        "same-customer-twice",
        SHOP_WITH_PRINCIPLE
        + "scripts: [{id: sc, role: clerk, situations: [rush]}]\n"
        + "scenarios:\n"
        + "  - {id: s1, touchpoint: counter, customer: regular, tags: [rush]}\n"
        + "  - {id: s2, touchpoint: counter, customer: regular, tags: [rush]}\n",
        [],
    ),
    (
        "one-size-script",
        "second-scenario-names-no-customer",
        SHOP_WITH_PRINCIPLE
        + "scripts: [{id: sc, role: clerk, situations: [rush]}]\n"
        + "scenarios:\n"
        + "  - {id: s1, touchpoint: counter, customer: regular, tags: [rush]}\n"
        + "  - {id: s2, touchpoint: counter, tags: [rush]}\n",
        [],
    ),
    (
        "one-size-script",
        "other-customer-not-covered",
        SHOP_WITH_PRINCIPLE
        + "scripts: [{id: sc, role: clerk, situations: [rush]}]\n"
        + "scenarios:\n"
        + "  - {id: s1, touchpoint: counter, customer: regular, tags: [rush]}\n"
        + "  - {id: s2, touchpoint: counter, customer: tourist, tags: [lost]}\n",
        [],
    ),
    # front-line-only-program: the whole audience serves at touchpoints.
    (
        "front-line-only-program",
        "front-line-role",
        SHOP + "programs: [{id: pr, audience: {roles: [clerk]}}]\n",
        ["pr"],
    ),
    (
        "front-line-only-program",
        "front-line-department",
        SHOP + "programs: [{id: pr, audience: {departments: [front]}}]\n",
        ["pr"],
    ),
    (
        "front-line-only-program",
        "with-the-back-room",
        SHOP + "programs: [{id: pr, audience: {roles: [clerk], departments: [back]}}]\n",
        [],
    ),
    ("front-line-only-program", "no-audience", SHOP + "programs: [{id: pr}]\n", []),
    (
        "front-line-only-program",
        "department-with-no-roles",
        SHOP + "programs: [{id: pr, audience: {departments: [nowhere]}}]\n",
        [],
    ),
    # one-dimensional-program: no reinforcement.
    ("one-dimensional-program", "no-reinforcement", SHOP + "programs: [{id: pr}]\n", ["pr"]),
    (
        "one-dimensional-program",
        "coaching-after",
        SHOP + "programs: [{id: pr, reinforcement: [coaching]}]\n",
        [],
    ),
    # self-directed-only-program: every format is one people do alone.
    (
        "self-directed-only-program",
        "e-learning",
        SHOP + "programs: [{id: pr, formats: [e-learning]}]\n",
        ["pr"],
    ),
    (
        "self-directed-only-program",
        "several-self-directed-any-case",
        SHOP + "programs: [{id: pr, formats: [Self-Directed, video, reading]}]\n",
        ["pr"],
    ),
    (
        "self-directed-only-program",
        "with-a-workshop",
        SHOP + "programs: [{id: pr, formats: [e-learning, workshop]}]\n",
        [],
    ),
    ("self-directed-only-program", "no-formats", SHOP + "programs: [{id: pr}]\n", []),
    (
        "self-directed-only-program",
        "classroom",
        SHOP + "programs: [{id: pr, formats: [classroom]}]\n",
        [],
    ),
    # managers-not-included: a manager of someone in the audience is not in it.
    (
        "managers-not-included",
        "owner-left-out",
        SHOP + "programs: [{id: pr, audience: {roles: [clerk]}}]\n",
        ["pr"],
    ),
    (
        "managers-not-included",
        "owner-included",
        SHOP + "programs: [{id: pr, audience: {roles: [clerk, owner]}}]\n",
        [],
    ),
    (
        "managers-not-included",
        "owner-included-by-department",
        SHOP + "programs: [{id: pr, audience: {roles: [baker], departments: [office]}}]\n",
        [],
    ),
    (
        "managers-not-included",
        "top-of-a-longer-chain-left-out",
        SHOP.replace(
            "department: office}", "department: office, reports_to: board}\n  - {id: board}"
        )
        + "programs: [{id: pr, audience: {roles: [clerk, owner]}}]\n",
        ["pr"],
    ),
    (
        "managers-not-included",
        "nobody-has-a-manager",
        SHOP + "programs: [{id: pr, audience: {roles: [owner]}}]\n",
        [],
    ),
    ("managers-not-included", "no-audience", SHOP + "programs: [{id: pr}]\n", []),
    # Systems are not people.
    (
        "no-customer",
        "a-system-serving-no-one",
        WITH_TILL.replace("serves: [clerk]}\n  - {id: owner", "}\n  - {id: owner"),
        [],
    ),
    (
        "uncovered-role",
        "systems-carry-no-principles",
        WITH_TILL + "principles: [{id: smile, applies_to: {departments: [front]}}]\n",
        ["baker"],
    ),
    (
        "uncovered-scenario",
        "a-system-on-duty",
        WITH_TILL.replace("touchpoints: [", "touchpoints: [{id: kiosk, role: till}, ")
        + "principles: [{id: care}]\n"
        + "scenarios: [{id: s, touchpoint: kiosk, tags: [jam]}]\n",
        ["s"],
    ),
    # for: scripts and principles for some customers only.
    (
        "uncovered-scenario",
        "principle-for-another-customer",
        SHOP
        + "principles: [{id: p, for: [tourist]}]\n"
        + "scenarios: [{id: s, touchpoint: counter, customer: regular, tags: [rush]}]\n",
        ["s"],
    ),
    (
        "uncovered-scenario",
        "principle-for-this-customer",
        SHOP
        + "principles: [{id: p, for: [regular]}]\n"
        + "scenarios: [{id: s, touchpoint: counter, customer: regular, tags: [rush]}]\n",
        [],
    ),
    (
        "uncovered-scenario",
        "script-for-another-customer",
        SHOP
        + "scripts: [{id: sc, role: clerk, situations: [rush], for: [tourist]}]\n"
        + "scenarios: [{id: s, touchpoint: counter, customer: regular, tags: [rush]}]\n",
        ["s"],
    ),
    (
        "uncovered-scenario",
        "script-for-some-customers-and-a-scenario-with-none",
        SHOP
        + "scripts: [{id: sc, role: clerk, situations: [rush], for: [regular]}]\n"
        + "scenarios: [{id: s, touchpoint: counter, tags: [rush]}]\n",
        ["s"],
    ),
    (
        "one-size-script",
        "a-version-for-each-customer",
        SHOP_WITH_PRINCIPLE
        + "scripts:\n"
        + "  - {id: sc1, role: clerk, situations: [rush], for: [regular]}\n"
        + "  - {id: sc2, role: clerk, situations: [rush], for: [tourist]}\n"
        + "scenarios:\n"
        + "  - {id: s1, touchpoint: counter, customer: regular, tags: [rush]}\n"
        + "  - {id: s2, touchpoint: counter, customer: tourist, tags: [rush]}\n",
        [],
    ),
    # consequential metrics: a word or phrase of the list.
    (
        "unaligned-metric",
        "performance-evaluation",
        SHOP + "metrics: [{id: m, tied_to: [annual performance evaluation]}]\n",
        ["m"],
    ),
    (
        "unaligned-metric",
        "performance-review-phrase",
        SHOP + "metrics: [{id: m, tied_to: [Performance  Review]}]\n",
        ["m"],
    ),
    (
        "unaligned-metric",
        "a-word-inside-another-is-not-it",
        SHOP + "metrics: [{id: m, tied_to: [payment terms, team dashboard]}]\n",
        [],
    ),
    (
        "unaligned-metric",
        "the-models-own-words",
        SHOP
        + "metrics: [{id: m, tied_to: [tips]}, {id: n, tied_to: [pay]}]\n"
        + "audit: {consequential: [tips, shift choice]}\n",
        ["m"],
    ),
    # key-person: one person, no backup, critical for a touchpoint.
    (
        "key-person",
        "one-baker",
        SHOP.replace("department: back,", "headcount: 1, department: back,"),
        ["baker"],
    ),
    (
        "key-person",
        "with-a-backup",
        SHOP.replace("department: back,", "headcount: 1, backup: [owner], department: back,"),
        [],
    ),
    (
        "key-person",
        "two-bakers",
        SHOP.replace("department: back,", "headcount: 2, department: back,"),
        [],
    ),
    ("key-person", "headcount-not-said", SHOP, []),
    (
        "key-person",
        "one-owner-off-the-path",
        SHOP.replace("department: office}", "department: office, headcount: 1}"),
        [],
    ),
    (
        "key-person",
        "a-system",
        WITH_TILL.replace("kind: system,", "kind: system, headcount: 1,").replace(
            "reports_to: owner, serves: [clerk]}", "reports_to: owner}"
        ),
        [],
    ),
    # undeclared-start: no root of the touchpoint is declared.
    ("undeclared-start", "nothing-declared", UNDECLARED, ["counter"]),
    ("undeclared-start", "the-baker-starts", SHOP, []),
    (
        "undeclared-start",
        "customers-bring-work-in",
        UNDECLARED.replace(
            "customers: [regular, tourist]}", "customers: [regular, tourist], feeds: [clerk]}"
        ),
        [],
    ),
    # unknown-category: a catch nothing can be caught by.
    (
        "unknown-category",
        "typo",
        SHOP.replace(
            "serves: [clerk]}", "serves: [{to: clerk, fail_points: [{id: burnt, category: bake}]}]}"
        ).replace("department: front,", "catches: {bkae: 0.5}, department: front,"),
        ["clerk"],
    ),
    (
        "unknown-category",
        "known",
        SHOP.replace(
            "serves: [clerk]}", "serves: [{to: clerk, fail_points: [{id: burnt, category: bake}]}]}"
        ).replace("department: front,", "catches: {bake: 0.5}, department: front,"),
        [],
    ),
]


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [(rule, text, expected) for rule, _, text, expected in CASES],
    ids=[f"{rule}:{name}" for rule, name, _, _ in CASES],
)
def test_rule_fires_or_stays_silent(rule: str, text: str, expected: list[str]) -> None:
    """Each rule finds exactly the subjects it should, and nothing on the quiet cases."""
    assert rule_subjects(text, rule) == expected


def test_every_rule_has_firing_and_silent_cases() -> None:
    """The case table covers every rule both ways."""
    for rule in RULES:
        outcomes = {bool(expected) for r, _, _, expected in CASES if r == rule}
        assert outcomes == {True, False}, rule


def test_rules_table_matches_the_spec() -> None:
    """RULES holds SPEC's twelve rules at SPEC's default severities, each described."""
    assert {rule.id: rule.severity for rule in RULES.values()} == SPEC_RULES
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule.description.endswith(".")
        assert callable(rule.check)


def test_rules_table_is_read_only() -> None:
    """Nobody can change the rules table by accident."""
    with pytest.raises(TypeError, match="does not support item assignment"):
        RULES["new"] = RULES["no-customer"]  # type: ignore[index]


def test_adding_a_rule_takes_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new row in the table is run like the others, with its own severity."""

    def no_description(model: ServiceModel) -> list[tuple[str, str, str]]:
        return [(r.id, f"{r.id} has no description.", "Describe it.") for r in model.roles.values()]

    extra = Rule(id="no-description", severity="info", description="x.", check=no_description)
    monkeypatch.setattr(audit_module, "RULES", MappingProxyType({**RULES, "no-description": extra}))
    model = ServiceModel(roles=[Role(id="a")], touchpoints=[Touchpoint(id="t", role="a")])
    assert [(f.rule, f.severity) for f in model.audit()] == [
        ("uncovered-role", "warning"),
        ("no-description", "info"),
        ("undeclared-start", "info"),
    ]


def test_messages_name_the_subject_and_read_as_sentences() -> None:
    """Every message is one sentence naming its subject; hints say what to do."""
    model = servicekit.loads(
        SHOP
        + "principles: [{id: lonely, name: Lonely principle, applies_to: {}}]\n"
        + "metrics: [{id: speed, name: Speed, tied_to: [pay]}]\n"
        + "scripts: [{id: sc, name: Rush script, role: clerk, situations: [rush]}]\n"
        + "scenarios:\n"
        + "  - {id: s1, title: Rush hour, touchpoint: counter, customer: regular, tags: [rush]}\n"
        + "  - {id: s2, touchpoint: counter, customer: tourist, tags: [rush]}\n"
        + "  - {id: s3, title: Power cut, touchpoint: counter}\n"
        + "programs: [{id: pr, name: Smile course, audience: {roles: [clerk]}, formats: [video]}]\n"
    )
    findings = model.audit()
    assert {f.rule for f in findings} >= {
        "orphan-principle",
        "unaligned-metric",
        "uncovered-role",
        "uncovered-scenario",
        "one-size-script",
        "front-line-only-program",
        "one-dimensional-program",
        "self-directed-only-program",
        "managers-not-included",
    }
    labels = {"lonely": "Lonely principle", "speed": "Speed", "sc": "Rush script"}
    labels |= {"s3": "Power cut", "pr": "Smile course", "baker": "baker", "clerk": "clerk"}
    for finding in findings:
        assert labels[finding.subject] in finding.message, finding
        assert finding.message.endswith(".")
        assert finding.message.count(". ") == 0, finding.message
        assert finding.hint.endswith(".")


def test_orphan_principle_hint_points_at_the_unknown_department() -> None:
    """A principle aimed at a misspelt department says which name matches no role."""
    model = servicekit.loads(SHOP + "principles: [{id: p, applies_to: {departments: [frnot]}}]\n")
    (finding,) = [f for f in model.audit() if f.rule == "orphan-principle"]
    assert "frnot" in finding.hint


def test_front_line_only_hint_names_the_roles_behind() -> None:
    """The hint names the back-office roles whose work reaches the same touchpoints."""
    model = servicekit.loads(SHOP + "programs: [{id: pr, audience: {roles: [clerk]}}]\n")
    (finding,) = [f for f in model.audit() if f.rule == "front-line-only-program"]
    assert "baker" in finding.hint
    assert "owner" not in finding.hint


def test_front_line_only_hint_keeps_to_the_audience_touchpoints() -> None:
    """Roles behind other touchpoints are not suggested, only those behind the audience's."""
    extra_roles = "  - {id: caller}\n  - {id: helper, serves: [caller]}\n  - {id: owner"
    model = servicekit.loads(
        SHOP.replace("  - {id: owner", extra_roles).replace(
            "touchpoints: [", "touchpoints: [{id: phone, role: caller}, "
        )
        + "programs: [{id: pr, audience: {roles: [clerk]}}]\n"
    )
    (finding,) = [f for f in model.audit() if f.rule == "front-line-only-program"]
    assert finding.hint.endswith("such as role 'baker'.")
    assert "helper" not in finding.hint


def test_front_line_only_hint_names_back_office_roles_only() -> None:
    """A front-line role upstream of the audience's touchpoint is not called back-office."""
    model = servicekit.loads(
        SHOP.replace(
            "  - {id: owner", "  - {id: greeter, serves: [baker]}\n  - {id: owner"
        ).replace("touchpoints: [", "touchpoints: [{id: door, role: greeter}, ")
        + "programs: [{id: pr, audience: {roles: [clerk]}}]\n"
    )
    (finding,) = [f for f in model.audit() if f.rule == "front-line-only-program"]
    assert finding.hint.endswith("such as role 'baker'.")
    assert "greeter" not in finding.hint


def test_key_person_names_the_touchpoints_it_stops() -> None:
    """The finding says who is alone and which touchpoints stop without them."""
    model = servicekit.loads(SHOP.replace("department: back,", "headcount: 1, department: back,"))
    (finding,) = [f for f in model.audit() if f.rule == "key-person"]
    assert finding.message.startswith("One person holds role 'baker', with no backup")
    assert "for counter needs this role" in finding.message
    assert "backup" in finding.hint


def test_unknown_category_suggests_the_nearest() -> None:
    """A catches key that no fail point has is named, with the nearest known category."""
    model = servicekit.loads(
        SHOP.replace(
            "serves: [clerk]}", "serves: [{to: clerk, fail_points: [{id: burnt, category: bake}]}]}"
        ).replace("department: front,", "catches: {bkae: 0.5}, department: front,")
    )
    (finding,) = [f for f in model.audit() if f.rule == "unknown-category"]
    assert "catches 'bkae'" in finding.message
    assert "did you mean 'bake'?" in finding.hint


def test_a_system_on_duty_gets_a_hint_for_systems() -> None:
    """A scenario at a kiosk asks for a script or a person, not a principle for the kiosk."""
    model = servicekit.loads(
        WITH_TILL.replace("touchpoints: [", "touchpoints: [{id: kiosk, role: till}, ")
        + "scenarios: [{id: s, touchpoint: kiosk, tags: [jam]}]\n"
    )
    (finding,) = [f for f in model.audit() if f.rule == "uncovered-scenario"]
    assert "is a system, which cannot reason from principles" in finding.message
    assert "principle" not in finding.hint.split(",")[0]


def test_managers_message_names_every_missing_manager() -> None:
    """Every manager up the chain who is left out is named, nearest first."""
    model = servicekit.loads(
        SHOP.replace(
            "department: office}", "department: office, reports_to: board}\n  - {id: board}"
        )
        + "programs: [{id: pr, audience: {roles: [clerk]}}]\n"
    )
    (finding,) = [f for f in model.audit() if f.rule == "managers-not-included"]
    assert "their managers, roles 'owner' and 'board'," in finding.message
    assert finding.subject == "pr"


def test_managers_message_with_one_manager() -> None:
    """One missing manager is named in the singular."""
    model = servicekit.loads(SHOP + "programs: [{id: pr, audience: {roles: [clerk]}}]\n")
    (finding,) = [f for f in model.audit() if f.rule == "managers-not-included"]
    assert "leaves out their manager, role 'owner'," in finding.message


def test_long_lists_are_shortened() -> None:
    """A message lists a few names and counts the rest."""
    roles = [Role(id=f"r{i}") for i in range(9)]
    touchpoints = [Touchpoint(id=f"t{i}", role=f"r{i}") for i in range(9)]
    program = Program(id="pr", audience=Audience(roles=[f"r{i}" for i in range(9)]))
    model = ServiceModel(roles=roles, touchpoints=touchpoints, programs=[program])
    (finding,) = [f for f in model.audit() if f.rule == "front-line-only-program"]
    assert "roles 'r0', 'r1', 'r2', 'r3' and 5 more" in finding.message


# --- settings --------------------------------------------------------------------------


def test_python_can_change_severity_and_turn_rules_off(example: ServiceModel) -> None:
    """rules= sets severities and turns rules off."""
    findings = example.audit(rules={"one-size-script": "error", "unaligned-metric": "off"})
    assert "unaligned-metric" not in {f.rule for f in findings}
    assert (findings[0].rule, findings[0].severity) == ("one-size-script", "error")


def test_yaml_audit_section_sets_severity_and_off() -> None:
    """An audit: section in the model file changes severities and turns rules off."""
    text = (
        SHOP
        + "programs: [{id: pr, audience: {roles: [clerk, owner, baker]}}]\n"
        + "audit:\n  rules:\n    one-dimensional-program: info\n    uncovered-role: off\n"
    )
    model = servicekit.loads(text)
    assert [(f.rule, f.severity) for f in model.audit()] == [("one-dimensional-program", "info")]


def test_python_settings_lie_over_the_file() -> None:
    """rules= wins over the file's audit: section, rule by rule."""
    text = SHOP + "programs: [{id: pr}]\naudit: {rules: {one-dimensional-program: off}}\n"
    model = servicekit.loads(text)
    assert "one-dimensional-program" not in {f.rule for f in model.audit()}
    again = model.audit(rules={"one-dimensional-program": "error"})
    assert (again[0].rule, again[0].severity) == ("one-dimensional-program", "error")


def test_unknown_rule_in_python_suggests_the_nearest() -> None:
    """An unknown rule id raises UnknownIdError with a did-you-mean."""
    model = servicekit.loads(SHOP)
    with pytest.raises(servicekit.UnknownIdError, match="did you mean 'no-customer'"):
        audit(model, rules={"no-custmer": "off"})


def test_unknown_rule_in_the_file_is_a_model_error() -> None:
    """An unknown rule id in the audit: section fails the load, naming it."""
    with pytest.raises(servicekit.ModelError, match="unknown audit rule 'one-size-scrip'"):
        servicekit.loads(SHOP + "audit: {rules: {one-size-scrip: off}}\n")


def test_bad_setting_in_python() -> None:
    """A setting that is neither off nor a severity raises AuditSettingError."""
    model = servicekit.loads(SHOP)
    with pytest.raises(
        AuditSettingError, match="'no-customer' must be off, error, warning or info"
    ):
        audit(model, rules={"no-customer": "loud"})


def test_findings_are_ordered_by_severity_rule_subject() -> None:
    """Errors come first, then warnings, then info; by rule id, then subject."""
    model = servicekit.loads(
        SHOP
        + "principles: [{id: care}, {id: zz, applies_to: {}}, {id: aa, applies_to: {}}]\n"
        + "metrics: [{id: m2, tied_to: [pay]}, {id: m1, tied_to: [pay]}]\n"
        + "programs: [{id: p2, reinforcement: [coaching]}, {id: p1}]\n"
    )
    assert [(f.severity, f.rule, f.subject) for f in model.audit()] == [
        ("error", "unaligned-metric", "m1"),
        ("error", "unaligned-metric", "m2"),
        ("warning", "one-dimensional-program", "p1"),
        ("info", "orphan-principle", "aa"),
        ("info", "orphan-principle", "zz"),
    ]


def test_finding_rejects_unknown_severity() -> None:
    """A Finding's severity is error, warning or info."""
    with pytest.raises(ValueError, match="severity must be one of"):
        Finding(rule="r", severity="fatal", subject="s", message="m", hint="h")


@pytest.mark.parametrize(
    ("severity", "threshold", "expected"),
    [
        ("error", "error", True),
        ("warning", "error", False),
        ("info", "error", False),
        ("error", "warning", True),
        ("warning", "warning", True),
        ("info", "warning", False),
        ("info", "info", True),
        ("error", "info", True),
        ("error", "never", False),
        ("info", "never", False),
    ],
    ids=lambda value: str(value),
)
def test_severity_at_least(severity: str, threshold: str, expected: bool) -> None:
    """A finding fails a run when its severity is at or above --fail-on; never fails nothing."""
    assert severity_at_least(severity, threshold) is expected


@pytest.mark.parametrize(
    ("severity", "threshold", "match"),
    [("fatal", "error", "severity must be one of"), ("error", "always", "--fail-on must be")],
    ids=["bad-severity", "bad-threshold"],
)
def test_severity_at_least_rejects_unknown_values(
    severity: str, threshold: str, match: str
) -> None:
    """Unknown severities and thresholds are errors, not silent passes."""
    with pytest.raises(AuditSettingError, match=match):
        severity_at_least(severity, threshold)


# --- renders ---------------------------------------------------------------------------


def test_text_is_for_people(example: ServiceModel) -> None:
    """Text gives each finding's severity, subject, rule, why and what to do, then a count."""
    findings = example.audit()
    text = findings_to_text(findings)
    for finding in findings:
        assert f"{finding.severity.upper()}  {finding.subject}  ({finding.rule})" in text
        first_words = " ".join(finding.message.split()[:4])
        assert first_words in " ".join(text.split())
    assert text.count("Why it matters:") == len(findings)
    assert text.count("What to do:") == len(findings)
    assert "Finding(" not in text
    assert "FrozenDict" not in text
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    assert text.rstrip().endswith(
        f"{len(findings)} findings: {counts['error']} error{'s' * (counts['error'] != 1)}, "
        f"{counts['warning']} warnings, {counts['info']} info."
    )
    assert max(len(line) for line in text.splitlines()) <= 88


def test_text_when_nothing_is_found() -> None:
    """No findings says so in words."""
    assert findings_to_text([]) == "No findings: every audit rule that is on passed.\n"


def test_json_shape(example: ServiceModel) -> None:
    """JSON is {"findings": [...]} with rule, severity, subject, message and hint."""
    data = json.loads(json.dumps(findings_to_json(example.audit())))
    assert list(data) == ["findings"]
    assert len(data["findings"]) == len(example.audit())
    for item in data["findings"]:
        assert set(item) == {"rule", "severity", "subject", "message", "hint"}
    assert data["findings"][0]["rule"] == "unaligned-metric"


# --- SARIF -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    """A validator for the SARIF 2.1.0 JSON Schema bundled with the tests."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_sarif_of_the_example_is_valid(example: ServiceModel, sarif_validator: Any) -> None:
    """The example's SARIF log validates against the SARIF 2.1.0 schema."""
    log = to_sarif(example.audit(), example)
    sarif_validator.validate(log)
    assert log["version"] == "2.1.0"


def test_sarif_locates_each_finding_where_its_subject_is_written(
    example: ServiceModel,
) -> None:
    """Each result points at the file, line and column of its subject."""
    findings = example.audit()
    results = to_sarif(findings, example)["runs"][0]["results"]
    assert len(results) == len(findings)
    path = Path(servicekit.example_path())
    lines = path.read_text(encoding="utf-8").splitlines()
    for finding, result in zip(findings, results, strict=True):
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == path.resolve().as_uri()
        line = lines[physical["region"]["startLine"] - 1]
        column = physical["region"]["startColumn"]
        assert line[column - 1 :].startswith(f"id: {finding.subject}")
        assert result["locations"][0]["logicalLocations"][0]["name"] == finding.subject


def test_sarif_rules_and_levels(example: ServiceModel) -> None:
    """The driver lists every rule; results map severities to SARIF levels."""
    findings = example.audit(rules={"one-size-script": "info"})
    run = to_sarif(findings, example)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert {r["id"]: r["defaultConfiguration"]["level"] for r in rules}["orphan-principle"] == (
        "note"
    )
    levels = {(r["ruleId"], r["level"]) for r in run["results"]}
    assert ("unaligned-metric", "error") in levels
    assert ("managers-not-included", "warning") in levels
    assert ("one-size-script", "note") in levels
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_relative_to_a_base(example: ServiceModel, sarif_validator: Any) -> None:
    """Paths inside base are written relative to it."""
    base = Path(servicekit.example_path()).resolve().parent.parent
    log = to_sarif(example.audit(), example, base=base)
    sarif_validator.validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "data/dry-cleaner.yaml"


def test_sarif_base_outside_keeps_absolute_uri(example: ServiceModel, tmp_path: Path) -> None:
    """A path outside base stays an absolute file URI."""
    log = to_sarif(example.audit(), example, base=tmp_path)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"].startswith("file://")


def test_sarif_for_a_model_built_in_python(sarif_validator: Any) -> None:
    """Without sources, results carry only a logical location naming the subject."""
    model = ServiceModel(
        customers=[Customer(id="c")],
        roles=[Role(id="a", serves=[Handoff(to="b")]), Role(id="b")],
        touchpoints=[Touchpoint(id="t", role="b", customers=["c"])],
        metrics=[Metric(id="m", tied_to=["pay"])],
    )
    log = to_sarif(model.audit(), model)
    sarif_validator.validate(log)
    results = log["runs"][0]["results"]
    assert results
    for result in results:
        (location,) = result["locations"]
        assert "physicalLocation" not in location
    kinds = {r["locations"][0]["logicalLocations"][0]["kind"] for r in results}
    assert kinds == {"metric", "role", "touchpoint"}


def test_sarif_relative_source_path(sarif_validator: Any, tmp_path: Path) -> None:
    """A model loaded from a relative path gets a relative, escaped URI."""
    model = servicekit.loads(SHOP + "programs: [{id: pr}]\n")
    sources = {"pr": servicekit.SourceLocation("my models/shop.yaml", 9, 5)}
    located = servicekit.ServiceModel(
        **{
            name: getattr(model, name) for name in ("customers", "roles", "touchpoints", "programs")
        },
        sources=sources,
    )
    log = to_sarif(located.audit(), located)
    sarif_validator.validate(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
        if "physicalLocation" in r["locations"][0]
    }
    assert uris == {"my%20models/shop.yaml"}


def test_sarif_of_a_finding_from_an_unknown_rule(sarif_validator: Any) -> None:
    """A finding whose rule is not in the table still makes a valid result."""
    model = ServiceModel()
    finding = Finding(rule="custom", severity="info", subject="x", message="m.", hint="h.")
    log = to_sarif([finding], model)
    sarif_validator.validate(log)
    (result,) = log["runs"][0]["results"]
    assert "ruleIndex" not in result
    assert result["level"] == "note"
    assert "kind" not in result["locations"][0]["logicalLocations"][0]


# --- the bundled example -----------------------------------------------------------------


def test_example_findings(example: ServiceModel) -> None:
    """The example shows what a service manager should act on, and nothing else.

    garments-per-hour is tied to pay with nothing in serves; counter-smiles trains
    only the counter, in a classroom with no follow-up, without the store manager
    or owner; stain-school leaves out the plant manager and owner; the spotting
    handbook is e-learning only and leaves out the owner; the bookkeeper's figures
    reach no touchpoint; the stain script covers both the walk-in and the bride; no
    script covers the missing button.
    """
    assert [(f.rule, f.subject) for f in example.audit()] == [
        ("unaligned-metric", "garments-per-hour"),
        ("front-line-only-program", "counter-smiles"),
        ("managers-not-included", "counter-smiles"),
        ("managers-not-included", "spotting-handbook"),
        ("managers-not-included", "stain-school"),
        ("no-line-of-sight", "bookkeeper"),
        ("one-dimensional-program", "counter-smiles"),
        ("one-size-script", "stain-complaint"),
        ("self-directed-only-program", "spotting-handbook"),
        ("unscripted-scenario", "missing-button"),
    ]


def test_findings_render_and_show_in_notebooks(example: ServiceModel) -> None:
    """An audit's findings are a tuple that renders as text, JSON and notebook tables."""
    from servicekit.render import html as display
    from servicekit.render import markdown as display_md

    findings = example.audit()
    assert isinstance(findings, tuple)
    assert findings == tuple(findings)
    assert findings.to_text() == findings_to_text(findings)
    assert findings.to_json() == findings_to_json(findings)
    assert findings._repr_html_() == display.findings_html(findings)
    assert findings._repr_markdown_() == display_md.findings_markdown(findings)


def test_uncovered_role_counts_the_touchpoints_it_reaches() -> None:
    """A role reaching many touchpoints names the first few by id and counts the rest."""
    model = ServiceModel(
        roles=[Role(id="cook", serves=[f"w{i}" for i in range(7)])]
        + [Role(id=f"w{i}") for i in range(7)],
        touchpoints=[Touchpoint(id=f"t{i}", role=f"w{i}") for i in range(7)],
        principles=[servicekit.Principle(id="p", applies_to={"roles": ["w0"]})],
    )
    (cook,) = [f for f in model.audit() if f.rule == "uncovered-role" and f.subject == "cook"]
    assert "reaches customers at t0, t1, t2, t3 and 3 more," in cook.message


def test_no_consequential_words_make_no_metric_consequential() -> None:
    """An empty audit: consequential: list means no metric decides anything that matters."""
    model = servicekit.loads(
        SHOP + "metrics: [{id: m, tied_to: [pay]}]\naudit: {consequential: []}\n"
    )
    assert "unaligned-metric" not in {f.rule for f in model.audit()}


def test_guide_names_a_defect_made_at_an_upstream_touchpoint() -> None:
    """A fail point of a touchpoint upstream is said to be made there and passed on."""
    model = servicekit.loads(
        """\
servicekit: 1
customers: [{id: guest}]
roles: [{id: clerk, serves: [cook]}, {id: cook}]
touchpoints:
  - {id: desk, role: clerk, customers: [guest], feeds: [cook],
     fail_points: [{id: wrong-order, category: order, rate: 0.1}]}
  - {id: table, role: cook, customers: [guest]}
principles: [{id: care}]
scenarios: [{id: s, touchpoint: table, customer: guest, tags: [order]}]
"""
    )
    text = model.guide("s").to_text()
    assert (
        "wrong-order (order) made at desk (served by clerk), passed on to cook "
        "(score 0.1000, 2 steps upstream)"
    ) in text
