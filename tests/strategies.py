"""Hypothesis strategies shared by the tests: adversarial text and valid random models."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from servicekit import (
    Audience,
    AuditSettings,
    Customer,
    FailPoint,
    Handoff,
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

__all__ = ["ADVERSARIAL", "RATE", "SETTINGS", "TEXT", "TEXTS", "WORD", "models"]

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Words and characters that mean something to YAML (1.1 or 1.2), or to a careless writer.
ADVERSARIAL = [
    "no",
    "on",
    "yes",
    "off",
    "y",
    "N",
    "~",
    "null",
    "Null",
    "true",
    "010",
    "0o17",
    "0x1F",
    "1e3",
    "1_000",
    ".inf",
    "-.inf",
    ".nan",
    "12:30",
    "190:20:30",
    "2024-01-05",
    "3.10",
    "=",
    "<<",
    "- ",
    "-",
    ": ",
    ":",
    " #",
    "#",
    "&",
    "&a",
    "*",
    "*a",
    "!",
    "!!str",
    "|",
    ">",
    "%",
    "@",
    "`",
    "?",
    ",",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "\\",
    "\t",
    "\n",
    "\r\n",
    "\r",
    " ",
    "  ",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\xa0",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x9f",
    "\ufffe",
    "😀",
    "é",
    "ǅ",
    "---",
    "...",
    "\U0010fffd",
]

CHUNK = st.one_of(
    st.sampled_from(ADVERSARIAL),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=3),
    st.sampled_from(["clerk", "a", "x y", "Walk-in customer"]),
)
TEXT = st.lists(CHUNK, max_size=4).map("".join)
WORD = TEXT.filter(bool)
RATE = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 1.0, 0.5, 1e-05, 5e-324]))
TEXTS = st.lists(TEXT, max_size=3).map(tuple)
#: Keys longer than YAML's 1024-character limit for keys written without '?', as they are
#: or once escaped (control characters take four characters each inside double quotes).
LONG_KEY = st.one_of(
    st.integers(1000, 1100).map(lambda n: "k" * n),
    st.integers(256, 400).map(lambda n: "\x01" * n),
    st.tuples(WORD, st.integers(300, 400)).map(lambda pair: (pair[0] + " ") * pair[1]),
)
#: The key of a ``catches`` mapping: a word, now and then a very long one.
CATEGORY = st.one_of(WORD, WORD, WORD, LONG_KEY)


@st.composite
def models(draw: st.DrawFn) -> ServiceModel:
    """A valid model: unique ids across kinds (fail points too), every reference resolving."""
    ids = draw(st.lists(WORD, unique=True, max_size=14))
    kinds = [
        "customer",
        "role",
        "touchpoint",
        "principle",
        "script",
        "scenario",
        "metric",
        "program",
        "fail point",
    ]
    by_kind: dict[str, list[str]] = {k: [] for k in kinds}
    for ident in ids:
        by_kind[draw(st.sampled_from(kinds))].append(ident)
    if not by_kind["role"]:
        by_kind["touchpoint"], by_kind["scenario"] = [], []
    if not by_kind["touchpoint"]:
        by_kind["scenario"] = []
    roles_ids, customer_ids = by_kind["role"], by_kind["customer"]
    departments = draw(st.lists(WORD, max_size=2))

    def some(pool: list[str], size: int = 3) -> tuple[str, ...]:
        return tuple(draw(st.lists(st.sampled_from(pool), max_size=size))) if pool else ()

    def maybe(pool: list[str]) -> str | None:
        return draw(st.none() | st.sampled_from(pool)) if pool else None

    def named(pool: list[str]) -> tuple[str, ...] | None:
        """A list that names things: left out (None) or not empty."""
        if not pool or draw(st.booleans()):
            return None
        return tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2)))

    fail_ids = list(by_kind["fail point"])

    def fail_points() -> list[FailPoint]:
        points = []
        while fail_ids and draw(st.booleans()):
            points.append(
                FailPoint(
                    id=fail_ids.pop(),
                    category=draw(TEXT),
                    rate=draw(st.none() | RATE),
                    shows_at=named(by_kind["touchpoint"]),
                )
            )
        return points

    # Systems are no one's audience and carry no principles: a few roles are systems.
    systems = {r for r in roles_ids if draw(st.integers(0, 3)) == 0}
    people = [r for r in roles_ids if r not in systems]
    roles = []
    for index, ident in enumerate(roles_ids):
        serves = []
        for target in some(roles_ids):
            serves.append(
                Handoff(
                    to=target,
                    item=draw(TEXT),
                    expectations=draw(TEXTS),
                    fail_points=fail_points(),
                    for_=named(customer_ids),
                    required=draw(st.booleans()),
                )
            )
        roles.append(
            Role(
                id=ident,
                name=draw(TEXT),
                description=draw(TEXT),
                kind="system" if ident in systems else draw(st.sampled_from([None, "person"])),
                department=maybe(departments),
                reports_to=maybe(roles_ids[:index]),
                headcount=draw(st.none() | st.integers(1, 10**20)),
                backup=named([r for r in roles_ids if r != ident]),
                starts=draw(st.booleans()),
                principles=() if ident in systems else some(by_kind["principle"]),
                serves=serves,
                catches=draw(st.dictionaries(CATEGORY, RATE, max_size=2)),
            )
        )
    touchpoints = [
        Touchpoint(
            id=ident,
            name=draw(TEXT),
            description=draw(TEXT),
            role=draw(st.sampled_from(roles_ids)),
            customers=some(customer_ids),
            feeds=some(roles_ids),
            fail_points=fail_points(),
        )
        for ident in by_kind["touchpoint"]
    ]
    scopes = st.none() | st.builds(
        PrincipleScope, roles=st.just(some(people)), departments=st.just(some(departments))
    )
    return ServiceModel(
        name=draw(TEXT),
        description=draw(TEXT),
        customers=[
            Customer(
                id=i,
                name=draw(TEXT),
                description=draw(TEXT),
                needs=draw(TEXTS),
                wants=draw(TEXTS),
                values=draw(TEXTS),
            )
            for i in customer_ids
        ],
        roles=roles,
        touchpoints=touchpoints,
        principles=[
            Principle(
                id=i,
                name=draw(TEXT),
                statement=draw(TEXT),
                questions=draw(TEXTS),
                applies_to=draw(scopes),
                for_=named(customer_ids),
            )
            for i in by_kind["principle"]
        ],
        scripts=[
            Script(
                id=i,
                name=draw(TEXT),
                role=maybe(roles_ids),
                touchpoint=maybe(by_kind["touchpoint"]),
                situations=draw(TEXTS),
                steps=draw(TEXTS),
                for_=named(customer_ids),
            )
            for i in by_kind["script"]
        ],
        scenarios=[
            Scenario(
                id=i,
                title=draw(TEXT),
                touchpoint=draw(st.sampled_from(by_kind["touchpoint"])),
                customer=maybe(customer_ids),
                situation=draw(TEXT),
                tags=draw(TEXTS),
            )
            for i in by_kind["scenario"]
        ],
        metrics=[
            Metric(
                id=i,
                name=draw(TEXT),
                owner=maybe(roles_ids + [r.department for r in roles if r.department]),
                tied_to=draw(TEXTS),
                serves=some(by_kind["touchpoint"] + customer_ids),
            )
            for i in by_kind["metric"]
        ],
        programs=[
            Program(
                id=i,
                name=draw(TEXT),
                audience=Audience(roles=some(people), departments=some(departments)),
                formats=draw(TEXTS),
                reinforcement=draw(TEXTS),
                content=draw(st.sampled_from([None, "generic", "own-scenarios"])),
                scenarios=some(by_kind["scenario"]),
            )
            for i in by_kind["program"]
        ],
        audit=AuditSettings(consequential=draw(st.none() | TEXTS)),
    )
