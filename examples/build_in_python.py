"""Build a model in Python, change it, and write it out as YAML.

Usage: python examples/build_in_python.py

The constructors take what the YAML takes: plain ids where YAML has ids, mappings where
it has mappings. Models are immutable: a change (``with_role``, ``without``) is a new
model, checked again as a whole.
"""

from __future__ import annotations

import servicekit
from servicekit import Customer, Role, ServiceModel, Touchpoint


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
                    {
                        "to": "server",
                        "item": "filled cone",
                        "fail_points": [{"id": "melted", "category": "quality", "rate": 0.03}],
                    }
                ],
            ),
            Role(id="server", name="Server"),
        ],
        touchpoints=[Touchpoint(id="hatch", role="server", customers=["family"])],
    )


def main() -> int:
    """Build, change, dump and reload the kiosk."""
    model = kiosk()
    print("A model built in Python; its suspects at the hatch:")
    print([s.fail_point for s in model.chain.trace("hatch")])

    # The server learns to catch half the melted cones: a new, checked model.
    better = model.with_role({"id": "server", "name": "Server", "catches": {"quality": 0.5}})
    print("After the server learns to catch melted cones, the melted share:")
    print(round(better.chain.trace("hatch")[0].score, 3))

    text = servicekit.dump(better)
    assert servicekit.loads(text) == better  # a model survives the round trip
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
