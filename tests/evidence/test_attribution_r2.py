"""Attribution on SPEC revision 2's chain: unrated fail points, customers' chains, systems.

Each test is written to SPEC's words and needs the revision-2 chain; until the chain has
it, each is an expected failure (strict), and then an ordinary test.
"""

from __future__ import annotations

import pytest

import servicekit

#: True once the chain answers for one customer (SPEC revision 2's ``for``, unrated fail
#: points, system roles). Until then these tests are expected to fail, strictly: the day
#: the chain learns revision 2 they run as ordinary tests and must pass.


def _model(text: str) -> servicekit.ServiceModel:
    return servicekit.loads("servicekit: 1\n" + text)


UNRATED = """
customers: [{id: k}]
roles:
  - id: a
    serves: [{to: c, fail_points: [{id: fr, category: x, rate: 0.1}]}]
  - id: b
    serves:
      - to: c
        fail_points: [{id: fu, category: x}, {id: fz, category: z}]
  - id: c
touchpoints: [{id: t, role: c, customers: [k]}]
"""


def test_an_unrated_suspect_is_possible_and_assigned_nothing() -> None:
    """fu's rate is unknown: it is listed as possible; fr, the only scored one, takes all."""
    found = _model(UNRATED).attribute([{"touchpoint": "t", "category": "x", "count": "10"}])
    group = found.groups[0]
    assert [(a.fail_point, a.complaints, a.share) for a in group.assigned] == [("fr", 10.0, 1.0)]
    assert [(p.role, p.fail_point) for p in group.possible] == [("b", "fu")]
    assert not group.unexplained
    assert found.to_json()["groups"][0]["possible"] == [{"role": "b", "fail_point": "fu"}]


def test_a_group_with_only_unrated_suspects_assigns_nothing_and_is_not_unexplained() -> None:
    """Category z has one suspect, unrated: nothing is assigned, yet the model explains it."""
    found = _model(UNRATED).attribute([{"touchpoint": "t", "category": "z", "count": "4"}])
    group = found.groups[0]
    assert group.assigned == ()
    assert [p.fail_point for p in group.possible] == ["fz"]
    assert not group.unexplained
    assert found.unexplained == 0
    assert found.by_role == ()


SEGMENTED = """
customers: [{id: k}, {id: m}]
roles:
  - id: a
    serves: [{to: c, for: [k], fail_points: [{id: fa, category: x, rate: 0.1}]}]
  - id: b
    serves: [{to: c, fail_points: [{id: fb, category: x, rate: 0.1}]}]
  - id: c
touchpoints: [{id: t, role: c}]
"""


def test_a_customers_group_is_traced_on_that_customers_chain() -> None:
    """a's hand-off is for k only: m's complaints all go to b; k's are shared."""
    found = _model(SEGMENTED).attribute(
        [
            {"touchpoint": "t", "category": "x", "customer": "m", "count": "6"},
            {"touchpoint": "t", "category": "x", "customer": "k", "count": "4"},
        ]
    )
    by_customer = {
        g.customer: [(a.fail_point, a.complaints) for a in g.assigned] for g in found.groups
    }
    assert by_customer == {"m": [("fb", 6.0)], "k": [("fa", 2.0), ("fb", 2.0)]}
    assert [(r.role, r.complaints) for r in found.by_role] == [("b", 8.0), ("a", 2.0)]


SYSTEMS = """
customers: [{id: k}]
roles:
  - id: booking
    kind: system
    department: it
    serves: [{to: c, fail_points: [{id: double-booked, category: x, rate: 0.2}]}]
  - id: clerk
    department: desk
    serves: [{to: c, fail_points: [{id: wrong-slot, category: x, rate: 0.2}]}]
  - id: c
    department: desk
touchpoints:
  - id: t
    role: c
    customers: [k]
    fail_points: [{id: rude, category: x, rate: 0.1}]
programs:
  - {id: desk-training, audience: {departments: [it]}}
"""


def test_a_system_role_is_listed_never_a_gap() -> None:
    """The booking system has complaints and no programme: fix it, do not train it."""
    found = _model(SYSTEMS).attribute([{"touchpoint": "t", "category": "x", "count": "10"}])
    rows = {r.role: (r.kind, r.programs, r.gap) for r in found.by_role}
    assert rows["booking"] == ("system", (), False)
    assert rows["clerk"] == ("person", (), True)
    assert "fix the system, do not train it" in found.to_text()


def test_a_touchpoints_own_fail_point_has_no_receiver() -> None:
    """The touchpoint's own fail point is made by its serving role, received by nobody."""
    found = _model(SYSTEMS).attribute([{"touchpoint": "t", "category": "x", "count": "5"}])
    own = [a for a in found.groups[0].assigned if a.fail_point == "rude"]
    assert [(a.role, a.receiver, a.complaints) for a in own] == [("c", None, 1.0)]
    assert found.to_json()["groups"][0]["assigned"][-1]["receiver"] is None


def test_an_unknown_category_is_refused_like_trace_refuses_it() -> None:
    """A category no fail point of the model has is an error with the nearest ones."""
    with pytest.raises(servicekit.EvidenceError, match="did you mean 'x'"):
        _model(SYSTEMS).attribute([{"touchpoint": "t", "category": "xx"}])
    assert _model(SYSTEMS).chain.trace("t", "x", customer="k")
