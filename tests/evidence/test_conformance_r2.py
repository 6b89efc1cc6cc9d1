"""Conformance on SPEC revision 2's models: a customer's chain decides what is designed.

Written to SPEC's words; expected failures (strict) until the model has ``for``.
"""

from __future__ import annotations

import servicekit

#: True once the chain answers for one customer (SPEC revision 2's ``for``, unrated fail
#: points, system roles). Until then these tests are expected to fail, strictly: the day
#: the chain learns revision 2 they run as ordinary tests and must pass.


MODEL = """
servicekit: 1
customers: [{id: first-home}, {id: investor}]
roles:
  - id: agent
    serves: [{to: decorator, for: [first-home]}, inspector]
  - id: decorator
  - id: inspector
touchpoints: [{id: keys, role: agent}]
"""


def _event(case: str, role: str, minute: int, customer: str) -> dict[str, str]:
    return {
        "case:concept:name": case,
        "org:role": role,
        "time:timestamp": f"2024-05-01T09:{minute:02d}",
        "case:customer": customer,
    }


def test_a_hand_off_for_other_customers_is_undocumented_in_this_customers_chain() -> None:
    """agent -> decorator is designed for first-home buyers only: an investor's is not."""
    model = servicekit.loads(MODEL)
    log = [
        _event("c1", "agent", 0, "first-home"),
        _event("c1", "decorator", 1, "first-home"),
        _event("c2", "agent", 2, "investor"),
        _event("c2", "decorator", 3, "investor"),
    ]
    found = model.conformance(log)
    assert [(h.from_, h.to) for h in found.designed] == [("agent", "decorator")]
    assert found.undocumented == ()
    investor = found.customers["investor"]
    assert [(h.from_, h.to, h.examples) for h in investor.undocumented] == [
        ("agent", "decorator", ("c2",))
    ]
    assert [(h.from_, h.to) for h in investor.unobserved] == [("agent", "inspector")]
    assert found.customers["first-home"].fitness == 1.0
    assert found.fails(["undocumented"])
