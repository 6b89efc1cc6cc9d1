"""Where do complaints at a touchpoint come from? A short report for a service manager.

Usage: python examples/complaint_report.py [MODEL TOUCHPOINT [CATEGORY]]

With no arguments it reports on pickup at the bundled example, a corner dry cleaner.

For each suspect fail point, most likely first, print its share of units that reach
the customer defective, the hand-off where it happens, and the shortest path the
defect travels to the touchpoint, so the reader sees who could catch it on the way.
"""

from __future__ import annotations

import sys

import networkx as nx

import servicekit


def report(model: servicekit.ServiceModel, touchpoint: str, category: str | None) -> str:
    """The report text for complaints at ``touchpoint`` (of ``category``, when given)."""
    chain = model.chain
    suspects = chain.trace(touchpoint, category)
    about = f"{category} complaints" if category else "complaints"
    lines = [
        f"{about.capitalize()} at {model.touchpoint(touchpoint).label}: {len(suspects)} suspect(s)"
    ]
    for rank, suspect in enumerate(suspects, start=1):
        path = nx.shortest_path(chain.graph, suspect.receiver, touchpoint)
        lines.append(
            f"{rank}. {suspect.fail_point} ({suspect.category}): {suspect.score:.1%} of units, "
            f"made in the hand-off {suspect.role} -> {suspect.receiver}"
        )
        lines.append("   travels: " + " -> ".join(path))
    critical = chain.critical(touchpoint)
    if critical:
        lines.append("Single points of failure: " + ", ".join(critical))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print the report; exit 2 on bad usage or an unknown id."""
    if not argv:
        print("The bundled example, a corner dry cleaner (pass MODEL TOUCHPOINT for yours):")
        argv = [str(servicekit.example_path()), "pickup"]
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    model = servicekit.load(argv[0])
    try:
        print(report(model, argv[1], argv[2] if len(argv) == 3 else None))
    except servicekit.UnknownIdError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
