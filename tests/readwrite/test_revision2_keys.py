"""Revision 2's keys: loaded strictly, built the same from Python, written back by dump."""

from __future__ import annotations

from typing import Any

import pytest
from tests.readwrite.test_load import BASE, assert_problem, edited

import servicekit
from servicekit import (
    AuditSettings,
    FailPoint,
    Handoff,
    ModelError,
    Principle,
    Role,
    Script,
    ServiceModel,
    Touchpoint,
    dump,
    loads,
)

GOOD: list[tuple[str, str, Any, Any]] = [
    (
        "handoff-for",
        edited(10, "        for: [guest]"),
        lambda m: m.roles["clerk"].serves[0].for_,
        ("guest",),
    ),
    (
        "required",
        edited(10, "        required: true"),
        lambda m: m.roles["clerk"].serves[0].required,
        True,
    ),
    (
        "required-capitalised",
        edited(10, "        required: False"),
        lambda m: m.roles["clerk"].serves[0].required,
        False,
    ),
    (
        "rate-unknown",
        edited(14, "            shows_at: [desk]"),
        lambda m: (m.roles["clerk"].serves[0].fail_points[0].rate, m.fail_point_shows()),
        (None, ("desk",)),
    ),
    ("rate-zero", edited(14, "            rate: 0"), lambda m: m.fail_point().rate, 0.0),
    ("system", edited(16, "    kind: system"), lambda m: m.roles["runner"].kind, "system"),
    ("person-by-default", BASE, lambda m: m.roles["runner"].kind, "person"),
    ("headcount", edited(7, "    headcount: 3"), lambda m: m.roles["clerk"].headcount, 3),
    ("starts", edited(7, "    starts: true"), lambda m: m.roles["clerk"].starts, True),
    ("backup", edited(16, "    backup: [clerk]"), lambda m: m.roles["runner"].backup, ("clerk",)),
    (
        "touchpoint-fail-points",
        edited(20, "    fail_points: [{id: stale, category: info}]"),
        lambda m: m.touchpoints["desk"].fail_points,
        (FailPoint(id="stale", category="info"),),
    ),
    (
        "principle-for",
        edited(23, "    for: [guest]"),
        lambda m: m.principles["care"].for_,
        ("guest",),
    ),
    ("script-for", edited(27, "    for: [guest]"), lambda m: m.scripts["greet"].for_, ("guest",)),
    (
        "consequential",
        BASE + "audit: {consequential: [tips, shift choice]}\n",
        lambda m: m.audit_settings.consequential,
        ("tips", "shift choice"),
    ),
    (
        "consequential-empty",
        BASE + "audit: {consequential: []}\n",
        lambda m: m.audit_settings.consequential,
        (),
    ),
]


class _Model:
    """A loaded model with two shortcuts for the fail point of BASE."""

    def __init__(self, model: ServiceModel) -> None:
        self._model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def fail_point(self) -> FailPoint:
        return self._model.roles["clerk"].serves[0].fail_points[0]

    def fail_point_shows(self) -> Any:
        return self.fail_point().shows_at


@pytest.mark.parametrize(
    ("text", "get", "expected"), [c[1:] for c in GOOD], ids=[c[0] for c in GOOD]
)
def test_new_keys_load(text: str, get: Any, expected: Any) -> None:
    """Each new key loads to its field, and the model dumps and loads back the same."""
    model = loads(text)
    assert get(_Model(model)) == expected
    assert loads(dump(model)) == model


BAD = [
    (
        "required-yes",
        edited(10, "        required: yes"),
        "10:19",
        r"the required of the hand-off to 'runner' of role 'clerk' must be true or false, "
        r"not 'yes'; YAML 1\.1's "
        r"yes, no, on and off are not booleans here: write true or false",
    ),
    (
        "starts-on",
        edited(7, "    starts: on"),
        "7:13",
        r"starts of role 'clerk' must be true or false",
    ),
    (
        "required-quoted",
        edited(10, '        required: "true"'),
        "10:19",
        r"not the string 'true'; write it without quotes",
    ),
    ("starts-number", edited(7, "    starts: 1"), "7:13", r"must be true or false, not '1'"),
    (
        "for-empty",
        edited(10, "        for: []"),
        "10:14",
        r"the for of the hand-off to 'runner' of role 'clerk' must not be empty; "
        r"name at least one, or leave the "
        r"key out",
    ),
    ("backup-empty", edited(16, "    backup: []"), "16:13", r"backup of role 'runner' must not be"),
    ("shows-at-empty", edited(14, "            shows_at: []"), "14:23", r"must not be empty"),
    (
        "for-unknown",
        edited(10, "        for: [gust]"),
        "10:15",
        r"role 'clerk' names unknown customer 'gust'; did you mean 'guest'\?",
    ),
    (
        "shows-at-unknown",
        edited(14, "            shows_at: [dsk]"),
        "14:24",
        r"'dsk'; did you mean",
    ),
    ("backup-unknown", edited(16, "    backup: [clerc]"), "16:14", r"unknown role 'clerc'"),
    (
        "backup-itself",
        edited(16, "    backup: [runner]"),
        "16:14",
        r"names itself as its own backup",
    ),
    (
        "headcount-zero",
        edited(7, "    headcount: 0"),
        "7:16",
        r"the headcount of role 'clerk' must be a whole number of at least 1, got 0",
    ),
    (
        "headcount-quoted",
        edited(7, "    headcount: '3'"),
        "7:16",
        r"not the string '3'; write it without quotes, e\.g\. 3",
    ),
    ("headcount-fraction", edited(7, "    headcount: 2.5"), "7:16", r"at least 1, got 2\.5"),
    ("headcount-true", edited(7, "    headcount: true"), "7:16", r"at least 1, not the string"),
    (
        "kind-unknown",
        edited(16, "    kind: robot"),
        "16:11",
        r"the kind of role 'runner' must be one of person, system, not 'robot'",
    ),
    ("kind-capitalised", edited(16, "    kind: System"), "16:11", r"did you mean 'system'\?"),
    (
        "system-in-audience",
        edited(16, "    kind: system").replace(
            "roles: [clerk]}\n    scenarios", "roles: [runner]}\n    scenarios"
        ),
        "39:24",
        r"program 'train' names the system 'runner' in its audience; systems are not people",
    ),
    (
        "system-in-applies-to",
        edited(16, "    kind: system").replace(
            "applies_to: {roles: [clerk]}", "applies_to: {roles: [runner]}"
        ),
        "23:26",
        r"principle 'care' applies to the system 'runner'",
    ),
    (
        "system-with-principles",
        edited(16, "    kind: system").replace(
            "  - id: runner\n", "  - id: runner\n    principles: [care]\n"
        ),
        "16:17",
        r"role 'runner' is a system and carries no principles, but lists 'care'",
    ),
    (
        "touchpoint-fail-point-id-taken",
        edited(20, "    fail_points: [{id: slip}]"),
        "20:24",
        r"duplicate id 'slip': already used by the fail point",
    ),
    (
        "consequential-not-a-list",
        BASE + "audit: {consequential: pay}\n",
        "41:24",
        r"consequential of the audit section must be a list",
    ),
]


@pytest.mark.parametrize(
    ("text", "where", "pattern"), [c[1:] for c in BAD], ids=[c[0] for c in BAD]
)
def test_new_keys_are_strict(text: str, where: str, pattern: str) -> None:
    """Bad values of the new keys fail the load at their line and column, with a hint."""
    assert_problem(text, where, pattern)


def test_consequential_words_twice_differently() -> None:
    """Two documents may not give the audit's consequential words differently."""
    text = (
        BASE + "audit: {consequential: [pay]}\n---\nservicekit: 1\naudit: {consequential: [tips]}\n"
    )
    assert_problem(text, "44:24", r"consequential words are given twice, differently")
    same = (
        BASE + "audit: {consequential: [pay]}\n---\nservicekit: 1\naudit: {consequential: [pay]}\n"
    )
    assert loads(same).audit_settings.consequential == ("pay",)


# --- Python builds what YAML builds ---------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Handoff(to="x", required="yes"),
            "the required of the hand-off to 'x' must be true",
        ),
        (lambda: Handoff(to="x", for_=[]), "the for of the hand-off to 'x' must not be empty"),
        (lambda: Role(id="r", kind="robot"), "the kind of role 'r' must be one of person, system"),
        (lambda: Role(id="r", headcount=0), "the headcount of role 'r' must be a whole number"),
        (lambda: Role(id="r", headcount=True), "must be a whole number of at least 1, not True"),
        (lambda: Role(id="r", backup=["r"]), "role 'r' names itself as its own backup"),
        (lambda: FailPoint(id="f", rate="0.1"), "the rate of fail point 'f' must be a number"),
        (
            lambda: FailPoint(id="f", shows_at=()),
            "the shows_at of fail point 'f' must not be empty",
        ),
        (lambda: Script(id="s", for_="bride"), "the for of script 's' must be a list"),
        (lambda: AuditSettings(consequential="pay"), "consequential of the audit section must be"),
    ],
    ids=[
        "required",
        "for-empty",
        "kind",
        "headcount",
        "headcount-bool",
        "backup-itself",
        "rate-string",
        "shows-at-empty",
        "for-string",
        "consequential-string",
    ],
)
def test_constructors_check_as_the_loader_does(build: Any, message: str) -> None:
    """A bad value given in Python raises ModelError naming entity, field and value."""
    with pytest.raises(ModelError, match=message):
        build()


def test_constructors_take_what_yaml_takes() -> None:
    """for_ (YAML for), plain ids, mappings of fail points, and defaults as the YAML leaves."""
    handoff = Handoff(to="b", for_=["buyer"], required=True, fail_points=[{"id": "f"}])
    assert (handoff.for_, handoff.required, handoff.fail_points[0].rate) == (("buyer",), True, None)
    assert Role(id="r", kind=None).kind == "person"
    assert Touchpoint(id="t", role="r", fail_points=[{"id": "x", "shows_at": ["t"]}]).fail_points[
        0
    ].shows_at == ("t",)
    assert Principle(id="p", for_=("a", "b")).admits("a")
    assert not Principle(id="p", for_=["a"]).admits(None)
    assert Script(id="s").admits(None)
    assert servicekit.model.entities.keys_of(Principle)["for"] == "for_"


def test_dump_writes_the_new_keys() -> None:
    """dump writes for, required, kind, headcount, backup, starts, shows_at, touchpoint fail
    points and the consequential words; an unknown rate is left out, a rate of 0 is not."""
    model = ServiceModel(
        customers=[{"id": "buyer"}],
        roles=[
            Role(
                id="agent",
                kind="system",
                headcount=2,
                backup=["clerk"],
                starts=True,
                serves=[
                    Handoff(
                        to="clerk",
                        for_=["buyer"],
                        required=True,
                        fail_points=[FailPoint(id="f", rate=0.0), FailPoint(id="g")],
                    )
                ],
            ),
            Role(id="clerk"),
        ],
        touchpoints=[
            Touchpoint(id="desk", role="clerk", fail_points=[FailPoint(id="h", shows_at=["desk"])])
        ],
        audit=AuditSettings(consequential=()),
    )
    text = dump(model)
    for line in (
        "    kind: system",
        "    headcount: 2",
        "    backup: [clerk]",
        "    starts: true",
        "        for: [buyer]",
        "        required: true",
        "          - id: f\n            rate: 0.0\n          - id: g\n",
        "        shows_at: [desk]",
        "audit:\n  consequential: []",
    ):
        assert line in text, line
    assert "kind: person" not in text
    assert "required: false" not in text
    assert loads(text) == model
