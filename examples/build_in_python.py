"""Build a model in Python, change it the explicit way, and write it out as YAML.

Usage: python examples/build_in_python.py

Models are immutable: a change is a new model built with ``attrs.evolve``, and
building it validates it again.
"""

from __future__ import annotations

import attrs

import servicekit
from servicekit import Customer, FailPoint, Handoff, Role, ServiceModel, Touchpoint


def kiosk() -> ServiceModel:
    """A two-role ice-cream kiosk."""
    return ServiceModel(
        name="Ice-cream Kiosk",
        customers=[Customer(id="family", name="Family on a day out")],
        roles=[
            Role(
                id="scooper",
                name="Scooper",
                serves=[
                    Handoff(
                        to="server",
                        item="filled cone",
                        fail_points=[FailPoint(id="melted", category="quality", rate=0.03)],
                    )
                ],
            ),
            Role(id="server", name="Server"),
        ],
        touchpoints=[Touchpoint(id="hatch", role="server", customers=["family"])],
    )


def main() -> int:
    """Build, change, dump and reload the kiosk."""
    model = kiosk()
    print([s.fail_point for s in model.chain.trace("hatch")])

    # The server learns to catch half the melted cones: a new, revalidated model.
    server = attrs.evolve(model.roles["server"], catches={"quality": 0.5})
    better = attrs.evolve(model, roles={**model.roles, "server": server})
    print(round(better.chain.trace("hatch")[0].score, 3))

    text = servicekit.dump(better)
    assert servicekit.loads(text) == better  # a model survives the round trip
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
