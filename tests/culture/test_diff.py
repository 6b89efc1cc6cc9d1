"""The diff: each kind of edit is named exactly, with consequences checked on both chains."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import servicekit
from servicekit import (
    Customer,
    FailPoint,
    Handoff,
    Metric,
    ModelDiff,
    Role,
    ServiceModel,
    Touchpoint,
    UsageError,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CATEGORIES = ("stain", "lost")


@st.composite
def models(draw: Any) -> ServiceModel:
    """Cyclic models with fail points, catches, departments, feeds and customer segments."""
    roles = [f"r{i}" for i in range(draw(st.integers(2, 7)))]
    customers = [f"c{i}" for i in range(draw(st.integers(1, 2)))]
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(roles), st.sampled_from(roles)), max_size=2 * len(roles))
    )
    counter = itertools.count()
    n_touchpoints = draw(st.integers(1, 3))
    touchpoint_ids = [f"t{i}" for i in range(n_touchpoints)]

    def fail_points() -> list[FailPoint]:
        """Rated, unrated (None) and zero-rated fail points, some showing only at a few places."""
        return [
            FailPoint(
                id=f"f{next(counter)}",
                category=draw(st.sampled_from(CATEGORIES)),
                rate=draw(st.sampled_from([0.0, 0.1, 0.25, 0.5, None])),
                shows_at=draw(
                    st.none() | st.lists(st.sampled_from(touchpoint_ids), min_size=1, unique=True)
                ),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]

    serves: dict[str, list[Handoff]] = {r: [] for r in roles}
    for source, target in pairs:
        serves[source].append(Handoff(to=target, fail_points=fail_points()))
    catches = st.dictionaries(
        st.sampled_from(CATEGORIES), st.sampled_from([0.3, 0.5, 1.0]), max_size=2
    )
    touchpoints = [
        Touchpoint(
            id=touchpoint,
            role=draw(st.sampled_from(roles)),
            customers=draw(st.lists(st.sampled_from(customers), unique=True)),
            feeds=draw(st.lists(st.sampled_from(roles), unique=True, max_size=2)),
            fail_points=fail_points(),
        )
        for touchpoint in touchpoint_ids
    ]
    return ServiceModel(
        customers=[Customer(id=c) for c in customers],
        roles=[
            Role(
                id=r,
                serves=serves[r],
                catches=draw(catches),
                department=draw(st.sampled_from(["a", "b", None])),
            )
            for r in roles
        ],
        touchpoints=touchpoints,
    )


# --- the edits: each returns the new model and what the diff must name -----------------------

Edit = Callable[
    [Any, ServiceModel], tuple[ServiceModel, set[tuple[Any, ...]], set[tuple[Any, ...]]]
]


def _with_roles(model: ServiceModel, roles: dict[str, Role]) -> ServiceModel:
    return attrs.evolve(model, roles=roles)


def _handoffs(model: ServiceModel) -> list[tuple[str, int]]:
    return [(r.id, i) for r in model.roles.values() for i in range(len(r.serves))]


def add_role(draw: Any, model: ServiceModel) -> Any:
    target = draw(st.sampled_from(sorted(model.roles)))
    fail_points = draw(st.sampled_from([[], [FailPoint(id="fresh", category="stain", rate=0.2)]]))
    role = Role(id="newcomer", serves=[Handoff(to=target, fail_points=fail_points)])
    roles = {**model.roles, "newcomer": role}
    return (
        _with_roles(model, roles),
        {("added", "role", "newcomer", frozenset())},
        {("added", "newcomer", target, frozenset())},
    )


def remove_role(draw: Any, model: ServiceModel) -> Any:
    used = {h.to for r in model.roles.values() for h in r.serves}
    used |= {t.role for t in model.touchpoints.values()}
    used |= {f for t in model.touchpoints.values() for f in t.feeds}
    free = sorted(r for r in model.roles if r not in used)
    assume(free)
    gone = draw(st.sampled_from(free))
    roles = {k: v for k, v in model.roles.items() if k != gone}
    handoffs = {("removed", gone, h.to, frozenset()) for h in model.roles[gone].serves}
    return _with_roles(model, roles), {("removed", "role", gone, frozenset())}, handoffs


def change_role(draw: Any, model: ServiceModel) -> Any:
    role = model.roles[draw(st.sampled_from(sorted(model.roles)))]
    category = draw(st.sampled_from(CATEGORIES))
    caught = draw(st.sampled_from([0.2, 0.9]))
    assume(role.catches.get(category) != caught)
    changed = attrs.evolve(role, catches={**role.catches, category: caught})
    return (
        _with_roles(model, {**model.roles, role.id: changed}),
        {("changed", "role", role.id, frozenset({f"catches.{category}"}))},
        set(),
    )


def change_department(draw: Any, model: ServiceModel) -> Any:
    role = model.roles[draw(st.sampled_from(sorted(model.roles)))]
    changed = attrs.evolve(role, department="elsewhere")
    return (
        _with_roles(model, {**model.roles, role.id: changed}),
        {("changed", "role", role.id, frozenset({"department"}))},
        set(),
    )


def add_handoff(draw: Any, model: ServiceModel) -> Any:
    giver = model.roles[draw(st.sampled_from(sorted(model.roles)))]
    target = draw(st.sampled_from(sorted(model.roles)))
    added = Handoff(to=target, fail_points=[FailPoint(id="fresh", category="lost", rate=0.3)])
    changed = attrs.evolve(giver, serves=[*giver.serves, added])
    return (
        _with_roles(model, {**model.roles, giver.id: changed}),
        set(),
        {("added", giver.id, target, frozenset())},
    )


def remove_handoff(draw: Any, model: ServiceModel) -> Any:
    found = _handoffs(model)
    assume(found)
    giver_id, index = draw(st.sampled_from(found))
    giver = model.roles[giver_id]
    gone = giver.serves[index]
    changed = attrs.evolve(giver, serves=[h for i, h in enumerate(giver.serves) if i != index])
    return (
        _with_roles(model, {**model.roles, giver_id: changed}),
        set(),
        {("removed", giver_id, gone.to, frozenset())},
    )


def move_handoff(draw: Any, model: ServiceModel) -> Any:
    found = _handoffs(model)
    assume(found)
    giver_id, index = draw(st.sampled_from(found))
    giver = model.roles[giver_id]
    before = giver.serves[index]
    target = draw(st.sampled_from(sorted(model.roles)))
    assume(target != before.to)
    serves = list(giver.serves)
    serves[index] = attrs.evolve(before, to=target)
    return (
        _with_roles(model, {**model.roles, giver_id: attrs.evolve(giver, serves=serves)}),
        set(),
        {("removed", giver_id, before.to, frozenset()), ("added", giver_id, target, frozenset())},
    )


def change_rate(draw: Any, model: ServiceModel) -> Any:
    found = [(g, i) for g, i in _handoffs(model) if model.roles[g].serves[i].fail_points]
    assume(found)
    giver_id, index = draw(st.sampled_from(found))
    giver = model.roles[giver_id]
    handoff = giver.serves[index]
    first, *rest = handoff.fail_points
    rate = draw(st.sampled_from([0.05, 0.75]))
    assume(rate != first.rate)
    serves = list(giver.serves)
    serves[index] = attrs.evolve(handoff, fail_points=[attrs.evolve(first, rate=rate), *rest])
    return (
        _with_roles(model, {**model.roles, giver_id: attrs.evolve(giver, serves=serves)}),
        set(),
        {("changed", giver_id, handoff.to, frozenset({f"fail_points.{first.id}.rate"}))},
    )


def add_fail_point(draw: Any, model: ServiceModel) -> Any:
    found = _handoffs(model)
    assume(found)
    giver_id, index = draw(st.sampled_from(found))
    giver = model.roles[giver_id]
    handoff = giver.serves[index]
    assume(handoff not in giver.serves[:index])  # an identical twin would pair either way
    serves = list(giver.serves)
    fresh = FailPoint(id="fresh", category=draw(st.sampled_from(CATEGORIES)), rate=0.4)
    serves[index] = attrs.evolve(handoff, fail_points=[*handoff.fail_points, fresh])
    return (
        _with_roles(model, {**model.roles, giver_id: attrs.evolve(giver, serves=serves)}),
        set(),
        {("changed", giver_id, handoff.to, frozenset({"fail_points.fresh"}))},
    )


def change_feeds(draw: Any, model: ServiceModel) -> Any:
    touchpoint = model.touchpoints[draw(st.sampled_from(sorted(model.touchpoints)))]
    feeds = tuple(draw(st.lists(st.sampled_from(sorted(model.roles)), unique=True, max_size=2)))
    assume(feeds != touchpoint.feeds)
    changed = attrs.evolve(touchpoint, feeds=feeds)
    return (
        attrs.evolve(model, touchpoints={**model.touchpoints, touchpoint.id: changed}),
        {("changed", "touchpoint", touchpoint.id, frozenset({"feeds"}))},
        set(),
    )


def change_touchpoint_rate(draw: Any, model: ServiceModel) -> Any:
    found = [t for t in sorted(model.touchpoints) if model.touchpoints[t].fail_points]
    assume(found)
    touchpoint = model.touchpoints[draw(st.sampled_from(found))]
    first, *rest = touchpoint.fail_points
    rate = draw(st.sampled_from([0.05, 0.75, None]))
    assume(rate != first.rate)
    changed = attrs.evolve(touchpoint, fail_points=[attrs.evolve(first, rate=rate), *rest])
    return (
        attrs.evolve(model, touchpoints={**model.touchpoints, touchpoint.id: changed}),
        {("changed", "touchpoint", touchpoint.id, frozenset({f"fail_points.{first.id}.rate"}))},
        set(),
    )


def add_metric(draw: Any, model: ServiceModel) -> Any:
    owner = draw(st.sampled_from(sorted(model.roles)))
    metric = Metric(id="speed", owner=owner, tied_to=["pay"])
    return (
        attrs.evolve(model, metrics={**model.metrics, "speed": metric}),
        {("added", "metric", "speed", frozenset())},
        set(),
    )


EDITS: dict[str, Edit] = {
    "add-role": add_role,
    "remove-role": remove_role,
    "change-catches": change_role,
    "change-department": change_department,
    "add-handoff": add_handoff,
    "remove-handoff": remove_handoff,
    "move-handoff": move_handoff,
    "change-rate": change_rate,
    "add-fail-point": add_fail_point,
    "change-feeds": change_feeds,
    "change-touchpoint-rate": change_touchpoint_rate,
    "add-metric": add_metric,
}


# --- consequences, computed independently on both models ------------------------------------


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return f"{a:.12g}" == f"{b:.12g}"


def expected_consequences(old: ServiceModel, new: ServiceModel) -> dict[str, Any]:
    """Per touchpoint of both: upstream, critical and suspects that differ, from the queries."""
    found: dict[str, Any] = {}
    for t in sorted(set(old.touchpoints) & set(new.touchpoints)):
        up_old, up_new = set(old.chain.upstream(t).ids), set(new.chain.upstream(t).ids)
        crit_old, crit_new = old.chain.critical(t), new.chain.critical(t)
        s_old = {(s.role, s.receiver, s.fail_point): s.score for s in old.chain.trace(t)}
        s_new = {(s.role, s.receiver, s.fail_point): s.score for s in new.chain.trace(t)}
        suspects = {
            k: (s_old.get(k), s_new.get(k))
            for k in s_old.keys() | s_new.keys()
            if not _same(s_old.get(k), s_new.get(k))
        }
        answer = (
            up_new - up_old,
            up_old - up_new,
            tuple(n for n in crit_new if n not in crit_old),
            tuple(n for n in crit_old if n not in crit_new),
        )
        if any(answer) or suspects:
            found[t] = (*answer, suspects)
    return found


def reported_consequences(change: ModelDiff) -> dict[str, Any]:
    return {
        t.touchpoint: (
            set(t.entered),
            set(t.left),
            t.critical_entered,
            t.critical_left,
            {(s.role, s.receiver, s.fail_point): (s.old, s.new) for s in t.suspects},
        )
        for t in change.touchpoints
    }


def check(change: ModelDiff, old: ServiceModel, new: ServiceModel) -> None:
    """The consequences and findings of ``change`` are exactly the independent ones."""
    expected = expected_consequences(old, new)
    reported = reported_consequences(change)
    assert reported.keys() == expected.keys()
    for t, (entered, left, c_in, c_out, suspects) in expected.items():
        got = reported[t]
        assert (got[0], got[1], got[2], got[3]) == (entered, left, c_in, c_out), t
        assert got[4].keys() == suspects.keys(), t
        for key, (a, b) in suspects.items():
            assert _same(got[4][key][0], a), (t, key)
            assert _same(got[4][key][1], b), (t, key)
    key = lambda f: (f.rule, f.severity, f.subject)  # noqa: E731
    old_keys, new_keys = {key(f) for f in old.audit()}, {key(f) for f in new.audit()}
    assert {key(f) for f in change.new_findings} == new_keys - old_keys
    assert {key(f) for f in change.resolved_findings} == old_keys - new_keys


@pytest.mark.parametrize("kind", sorted(EDITS))
@SETTINGS
@given(data=st.data())
def test_one_edit_is_named_exactly_with_its_consequences(kind: str, data: Any) -> None:
    """The diff names exactly the edit made, and its consequences match the chain queries."""
    old = data.draw(models())
    new, entities, handoffs = EDITS[kind](data.draw, old)
    change = servicekit.diff(old, new)
    assert {
        (e.status, e.kind, e.id, frozenset(f.path for f in e.fields)) for e in change.entities
    } == entities
    assert {
        (h.status, h.giver, h.receiver, frozenset(f.path for f in h.fields))
        for h in change.handoffs
    } == handoffs
    assert change.model == ()
    check(change, old, new)


@SETTINGS
@given(models(), models())
def test_any_two_models_have_the_consequences_of_the_queries(
    old: ServiceModel, new: ServiceModel
) -> None:
    """Whatever the two versions, the touchpoint consequences are those the queries give."""
    check(servicekit.diff(old, new), old, new)


# --- on the example and from files -----------------------------------------------------------


MOVED = """
roles:
  - {id: a, serves: [b]}
  - id: b
    serves:
      - to: c
        fail_points: [{id: spill, category: stain, rate: 0.1}]
  - {id: c, catches: {stain: 0.5}, serves: [d]}
  - {id: d}
  - {id: lone}
touchpoints:
  - {id: desk, role: d, customers: [guest]}
customers:
  - {id: guest}
"""


def test_the_retreat_loop_moved(example: ServiceModel) -> None:
    """Moving the dry cleaner's re-treat loop to the presser is two hand-offs and nothing else."""
    roles = dict(example.roles)
    roles["cleaner"] = attrs.evolve(roles["cleaner"], serves=["presser"])
    roles["presser"] = attrs.evolve(
        roles["presser"], serves=[*roles["presser"].serves, Handoff(to="spotter")]
    )
    change = servicekit.diff(example, attrs.evolve(example, roles=roles))
    assert [(h.status, h.giver, h.receiver) for h in change.handoffs] == [
        ("removed", "cleaner", "spotter"),
        ("added", "presser", "spotter"),
    ]
    assert change.entities == ()
    assert change.touchpoints == ()
    assert not change.new_findings
    assert not change.resolved_findings


def test_diff_reads_paths_and_labels_them(write_model: Any) -> None:
    """diff takes paths too, and labels the versions by them; models by their names."""
    old = write_model("servicekit: 1\nname: Shop\n" + MOVED, "old.yaml")
    new = write_model(
        "servicekit: 1\nname: Shop\n" + MOVED.replace("{id: c, catches: {stain: 0.5}", "{id: c"),
        "new.yaml",
    )
    change = servicekit.diff(old, str(new))
    assert (change.old_label, change.new_label) == (str(old), str(new))
    assert [(s.fail_point, s.old, s.new) for s in change.touchpoints[0].suspects] == [
        ("spill", 0.05, 0.1)
    ]
    loaded = servicekit.load(old)
    assert servicekit.diff(loaded, loaded).old_label == "Shop"
    with pytest.raises(TypeError, match="diff compares models or paths"):
        servicekit.diff(7, loaded)  # type: ignore[arg-type]


def test_model_fields_and_audit_settings_are_compared(example: ServiceModel) -> None:
    """The model's name, description and audit settings are field changes of the model."""
    new = attrs.evolve(example, name="Dry Cleaner", audit={"rules": {"unaligned-metric": "off"}})
    change = servicekit.diff(example, new)
    assert [(f.path, f.old, f.new) for f in change.model] == [
        ("name", "Corner Dry Cleaner", "Dry Cleaner"),
        ("audit.rules.unaligned-metric", None, "off"),
    ]
    assert {f.rule for f in change.resolved_findings} == {"unaligned-metric"}


def test_fail_on_conditions(example: ServiceModel) -> None:
    """new-finding: a finding only the new version has; new-critical: a node newly critical."""
    pay = Metric(id="speed", owner="cashier", tied_to=["pay"])
    worse = attrs.evolve(example, metrics={**example.metrics, "speed": pay})
    change = servicekit.diff(example, worse)
    assert [f.rule for f in change.new_findings] == ["unaligned-metric"]
    assert change.fails("new-finding")
    assert not change.fails("new-critical")
    assert not change.fails("never")
    assert not servicekit.diff(worse, example).fails("new-finding")

    def shop(*sources: str) -> ServiceModel:
        return ServiceModel(
            roles=[
                Role(id="a", serves=["c"]),
                Role(id="b", serves=["c"] if "b" in sources else []),
                Role(id="c", serves=["d"]),
                Role(id="d"),
            ],
            touchpoints=[Touchpoint(id="t", role="d")],
        )

    narrower = servicekit.diff(shop("a", "b"), shop("a"))
    assert [t.critical_entered for t in narrower.touchpoints] == [("a",)]
    assert narrower.fails("new-critical")
    assert not servicekit.diff(shop("a"), shop("a", "b")).fails("new-critical")
    with pytest.raises(UsageError, match="--fail-on must be one of"):
        change.fails("sometimes")


def test_a_diff_renders_itself(example: ServiceModel) -> None:
    """to_text, to_json, to_markdown and to_sarif go through the renderers."""
    roles = {**example.roles, "presser": attrs.evolve(example.roles["presser"], catches={})}
    change = servicekit.diff(example, attrs.evolve(example, roles=roles))
    assert "0.0200  0.0400  missed-stain" in change.to_text()
    assert change.to_json()["touchpoints"][0]["suspects"][0]["new"] == 0.04
    assert "| pickup |" in change.to_markdown()
    assert change._repr_markdown_() == change.to_markdown()
    assert change.to_sarif()["runs"][0]["results"] == []
    assert bool(change)
    assert not servicekit.diff(example, example)


def test_handoffs_to_the_same_receiver_pair_up(example: ServiceModel) -> None:
    """Two hand-offs to one receiver: an equal one is unchanged, the other is changed in place."""
    old = ServiceModel(
        roles=[
            Role(id="a", serves=[Handoff(to="b", item="x"), Handoff(to="b", item="y")]),
            Role(id="b"),
        ]
    )
    new = ServiceModel(
        roles=[
            Role(id="a", serves=[Handoff(to="b", item="y"), Handoff(to="b", item="z")]),
            Role(id="b"),
        ]
    )
    change = servicekit.diff(old, new)
    assert [(h.status, [(f.path, f.old, f.new) for f in h.fields]) for h in change.handoffs] == [
        ("changed", [("item", "x", "z")])
    ]


def test_lists_of_plain_values_and_fail_points_removed() -> None:
    """A changed list of ids is shown whole; a removed fail point by its id."""
    handoff = Handoff(to="b", fail_points=[FailPoint(id="f", rate=0.1)])
    old = ServiceModel(
        customers=[Customer(id="c"), Customer(id="d")],
        roles=[Role(id="a", serves=[handoff]), Role(id="b")],
        touchpoints=[Touchpoint(id="t", role="b", customers=["c"])],
    )
    new = ServiceModel(
        customers=[Customer(id="c"), Customer(id="d")],
        roles=[Role(id="a", serves=[Handoff(to="b")]), Role(id="b")],
        touchpoints=[Touchpoint(id="t", role="b", customers=["c", "d"])],
    )
    change = servicekit.diff(old, new)
    assert [(f.path, f.old, f.new) for f in change.entities[0].fields] == [
        ("customers", ("c",), ("c", "d"))
    ]
    assert [(f.path, f.old, f.new) for f in change.handoffs[0].fields] == [
        ("fail_points.f", handoff.fail_points[0], None)
    ]


def test_entities_other_than_nodes_change_nothing_in_the_chain(example: ServiceModel) -> None:
    """A changed metric is an entity change; no touchpoint changes, its finding follows."""
    metrics = {**example.metrics}
    metrics["re-clean-rate"] = attrs.evolve(metrics["re-clean-rate"], tied_to=["bonus"], serves=())
    change = servicekit.diff(example, attrs.evolve(example, metrics=metrics))
    assert [(e.id, [f.path for f in e.fields]) for e in change.entities] == [
        ("re-clean-rate", ["tied_to", "serves"])
    ]
    assert change.touchpoints == ()
    assert [(f.rule, f.subject) for f in change.new_findings] == [
        ("unaligned-metric", "re-clean-rate")
    ]
    assert change.to_text().endswith(
        "In all: 1 entity, 0 hand-offs, 0 touchpoints changed; 1 new finding, 0 resolved.\n"
    )
    assert servicekit.diff(example, example).to_text().endswith("\nNo differences.\n")


def test_feeds_changed_at_one_touchpoint_move_the_critical_set_of_another() -> None:
    """Feeds declare the serving role a start for every touchpoint it serves: taking them
    off one touchpoint changes the critical set of its sibling, which the diff names."""
    text = """
servicekit: 1
customers: [{id: c}]
roles:
  - {id: planner, serves: [agent]}
  - {id: agent}
  - {id: runner}
touchpoints:
  - {id: drop-off, role: agent, feeds: [runner]}
  - {id: pickup, role: runner}
  - {id: counter, role: agent}
"""
    old = servicekit.loads(text)
    new = servicekit.loads(text.replace(", feeds: [runner]", ""))
    assert old.chain.critical("counter") != new.chain.critical("counter")
    change = servicekit.diff(old, new)
    assert "counter" in {t.touchpoint for t in change.touchpoints}
    check(change, old, new)
