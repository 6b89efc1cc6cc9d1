"""Generate a seeded, layered organisation as servicekit YAML, for benchmarks.

The organisation is layered like a real one: suppliers feed the back office,
the back office (several layers deep, growing with the size) feeds the front
line, and the front line serves touchpoints, each serving a few customer
segments. Every role receives from 1-4 roles of the layer before it; about 1%
of hand-offs are rework loops sent back up the chain; about 10% of roles serve
at touchpoints (a few of them intake counters whose drop-off feeds the back
office); about a third of hand-offs carry fail points (ids unique across the
model), a fifth of those with no rate (unknown); some roles catch a category of
defect.

Revision 2's keys are there too, as real organisations would write them: a few
suppliers declare ``starts: true`` (their work starts without a hand-off) besides
the drop-offs' ``feeds``; about 5% of hand-offs are ``for`` one customer segment;
``required`` hand-offs (``required``, a share: 0.2% by default); about 2% of
roles are systems; about a third give a ``headcount``, and a few a ``backup``.

``nodes`` counts every node of the chain: roles, touchpoints and customers.

Usage::

    python benchmarks/generate.py 100000 org-100k.yaml [--seed 7] [--required 0.01]

or, from Python, ``generate.model_text(100_000, seed=7, required=0.01)``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
from pathlib import Path
from typing import Any

CATEGORIES = ("stain", "lost-item", "delay", "billing", "damage", "wrong-info")


def _sizes(nodes: int) -> tuple[int, int, int]:
    """Customers, roles and touchpoints adding up to ``nodes``."""
    if nodes < 10:
        raise ValueError(f"nodes must be at least 10, got {nodes}")
    customers = max(2, nodes // 2000)
    roles = round((nodes - customers) / 1.1)
    touchpoints = nodes - customers - roles
    return customers, roles, touchpoints


def _layers(roles: int, nodes: int) -> list[range]:
    """Role ids by layer: suppliers, the back-office layers, the front line."""
    suppliers = max(1, roles * 5 // 100)
    front = max(1, roles // 10)
    back = roles - suppliers - front
    depth = max(2, round(math.log2(nodes)) - 4)
    bounds = [0, suppliers]
    for k in range(1, depth + 1):
        bounds.append(suppliers + back * k // depth)
    bounds.append(roles)
    return [range(a, b) for a, b in itertools.pairwise(bounds) if b > a]


#: The share of hand-offs that are ``required`` unless told otherwise.
REQUIRED = 0.002


def model_text(nodes: int, seed: int = 0, required: float = REQUIRED) -> str:
    """A servicekit YAML document with ``nodes`` nodes, the same for the same seed.

    ``required`` is the share of hand-offs marked ``required: true``.
    """
    rng = random.Random(seed)
    extra = random.Random(seed + 1)  # revision 2's keys, drawn apart from the shape
    n_customers, n_roles, n_touchpoints = _sizes(nodes)
    layers = _layers(n_roles, nodes)
    layer_of = [0] * n_roles
    for number, layer in enumerate(layers):
        for r in layer:
            layer_of[r] = number

    # Hand-offs: every role past the suppliers receives from 1-4 roles of the layer before.
    targets: list[list[int]] = [[] for _ in range(n_roles)]
    sources_of: list[list[int]] = [[] for _ in range(n_roles)]
    for before, layer in itertools.pairwise(layers):
        start, width = before.start, len(before)
        for r in layer:
            for _ in range(rng.randint(1, 4)):
                s = start + rng.randrange(width)
                if r not in targets[s]:
                    targets[s].append(r)
                    sources_of[r].append(s)
        # Nobody in the layer before is left without an internal customer.
        stop, first = layer.stop, layer.start
        for s in before:
            if not targets[s]:
                r = rng.randrange(first, stop)
                targets[s].append(r)
                sources_of[r].append(s)
    # Rework loops: about 1% of hand-offs go back up to a supplier (or its supplier).
    handoffs = sum(len(t) for t in targets)
    for _ in range(max(1, handoffs // 100)):
        r = rng.randrange(layers[1].start if len(layers) > 1 else 0, n_roles)
        if not sources_of[r]:
            continue
        back = rng.choice(sources_of[r])
        if sources_of[back] and rng.random() < 0.3:
            back = rng.choice(sources_of[back])
        if back not in targets[r] and back != r:
            targets[r].append(back)

    catches: dict[int, tuple[str, float]] = {
        r: (rng.choice(CATEGORIES), round(rng.uniform(0.2, 0.9), 2))
        for r in rng.sample(range(n_roles), max(1, n_roles // 20))
    }

    out: list[str] = [
        "servicekit: 1\n",
        f"name: Generated organisation ({nodes} nodes, seed {seed})\n",
        "customers:\n",
    ]
    for c in range(n_customers):
        out.append(f"  - {{id: c{c}, name: Segment {c}, needs: [done right first time]}}\n")

    out.append("roles:\n")
    fail_point = 0
    suppliers_layer = layers[0]
    for r in range(n_roles):
        layer = layer_of[r]
        parts = []
        for t in targets[r]:
            keys = []
            if rng.random() < 1 / 3:
                fps = []
                for _ in range(rng.randint(1, 2)):
                    category = CATEGORIES[rng.randrange(len(CATEGORIES))]
                    rate = rng.uniform(0.001, 0.05)
                    shown = "" if extra.random() < 0.2 else f", rate: {rate:.4f}"
                    fps.append(f"{{id: f{fail_point}, category: {category}{shown}}}")
                    fail_point += 1
                keys.append(f"fail_points: [{', '.join(fps)}]")
            if extra.random() < 0.05:
                keys.append(f"for: [c{extra.randrange(n_customers)}]")
            if extra.random() < required:
                keys.append("required: true")
            parts.append(f"{{to: r{t}, {', '.join(keys)}}}" if keys else f"r{t}")
        line = f"  - {{id: r{r}, department: d{layer}-{r % 17}"
        if extra.random() < 0.02:
            line += ", kind: system"
        if extra.random() < 1 / 3:
            line += f", headcount: {extra.choice((1, 1, 2, 3, 5))}"
            if extra.random() < 0.1 and r > 0:
                line += f", backup: [r{extra.randrange(r)}]"
        if r in suppliers_layer and extra.random() < 0.1:
            line += ", starts: true"
        if parts:
            line += f", serves: [{', '.join(parts)}]"
        if r in catches:
            category, rate = catches[r]
            line += f", catches: {{{category}: {rate}}}"
        out.append(line + "}\n")

    # Touchpoints: most are served by the front line; a few drop-offs are served by
    # intake counters among the suppliers and feed the first back-office layer.
    out.append("touchpoints:\n")
    front, suppliers = layers[-1], layers[0]
    intake = layers[1] if len(layers) > 2 else layers[-1]
    drop_offs = max(1, n_touchpoints // 50)
    for t in range(n_touchpoints):
        customers = ", ".join(
            f"c{c}" for c in sorted({rng.randrange(n_customers) for _ in range(rng.randint(1, 2))})
        )
        if t < drop_offs:
            role = suppliers.start + t % len(suppliers)
            fed = intake.start + rng.randrange(len(intake))
            out.append(
                f"  - {{id: t{t}, role: r{role}, customers: [{customers}], feeds: [r{fed}]}}\n"
            )
        else:
            role = front.start + t % len(front)
            out.append(f"  - {{id: t{t}, role: r{role}, customers: [{customers}]}}\n")

    out.append(
        "principles:\n"
        "  - id: see-it-their-way\n"
        "    statement: Judge your work by what the person receiving it values.\n"
    )
    return "".join(out)


def flow_text(size: int, seed: int = 0) -> str:
    """A valid model of about ``size`` bytes written as flow lists: the adversarial shape.

    Every section is one flow list on one line: customers with a long flow list of
    one-word needs each, and roles as flow mappings, each serving the next two. Flow lists
    of short scalars are the densest YAML there is: two or three bytes an entry.
    """
    rng = random.Random(seed)
    customers: list[str] = []
    held = 0
    while held < size // 2:
        needs = ", ".join(rng.choice("abcdefgh") for _ in range(40))
        entry = f"{{id: c{len(customers)}, needs: [{needs}]}}"
        customers.append(entry)
        held += len(entry) + 2
    roles: list[str] = []
    while held < size:
        number = len(roles)
        entry = f"{{id: r{number}, serves: [r{number + 1}, r{number + 2}]}}"
        roles.append(entry)
        held += len(entry) + 2
    roles += [f"{{id: r{len(roles)}}}", f"{{id: r{len(roles) + 1}}}"]
    return (
        "servicekit: 1\nname: Flow lists\n"
        f"customers: [{', '.join(customers)}]\nroles: [{', '.join(roles)}]\n"
    )


# --- evidence: hand-off logs and complaints ------------------------------------------------


def service_line(model: Any, roles: int, seed: int = 0) -> list[str]:
    """The roles of one service line of ``model``: about ``roles`` roles upstream of a few
    touchpoints, nearest first (the roles a real process-mining export covers: a few
    hundred, as the BPI Challenge logs have)."""
    rng = random.Random(seed)
    touchpoints = sorted(model.touchpoints)
    rng.shuffle(touchpoints)
    line: dict[str, None] = {}
    for touchpoint in touchpoints:
        for node in model.chain.upstream(touchpoint).ids:
            if node in model.roles:
                line[node] = None
        if len(line) >= roles:
            break
    return sorted(list(line)[:roles])


def write_log(
    model: Any, events: int, path: Path, seed: int = 0, roles: list[str] | None = None
) -> int:
    """Write a CSV hand-off log of about ``events`` events for ``model``; return the count.

    Each case starts where work starts (a role nobody hands work to) and follows designed
    hand-offs towards the front line, for up to 20 events, ending at a role that hands
    nothing on; 2% of the time a role takes its own habitual shortcut instead, a hand-off
    nobody designed (one per role, as in real services). Cases are written grouped,
    events in time order, with the usual XES / pm4py columns (case, activity, role,
    resource, time with an offset, customer). ``roles`` keeps the log to those roles (a
    service line: see ``service_line``); by default cases may cross the whole model.
    """
    rng = random.Random(seed)
    roles = sorted(model.roles) if roles is None else roles
    kept = set(roles)
    serves = {r: [h.to for h in model.roles[r].serves if h.to in kept] for r in roles}
    shortcut = {r: rng.choice(roles) for r in roles}
    received = {t for following in serves.values() for t in following}
    starters = [r for r in roles if serves[r] and r not in received] or [
        r for r in roles if serves[r]
    ]
    customers = sorted(model.customers)
    written = 0
    case = 0
    minute = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "case:concept:name,concept:name,org:role,org:resource,time:timestamp,case:customer\n"
        )
        while written < events:
            case += 1
            role = rng.choice(starters)
            customer = rng.choice(customers)
            minute += rng.randint(1, 5)
            at = minute
            lines = []
            for _ in range(20):
                stamp = f"2024-{1 + at // 43200 % 12:02d}-{1 + at // 1440 % 28:02d}T"
                stamp += f"{at // 60 % 24:02d}:{at % 60:02d}:00+01:00"
                lines.append(f"case-{case},work,{role},p-{role},{stamp},{customer}\n")
                following = serves[role]
                if rng.random() < 0.02:
                    role = shortcut[role]
                elif following:
                    role = rng.choice(following)
                else:
                    break
                at += rng.randint(1, 30)
            out.write("".join(lines))
            written += len(lines)
    return written


def write_complaints(model: Any, rows: int, path: Path, touchpoints: int, seed: int = 0) -> int:
    """Write a CSV of ``rows`` complaints at ``touchpoints`` touchpoints of ``model``.

    Complaints concentrate where a real organisation's do: on a few busy touchpoints with
    work upstream of them, in three categories each; each row is one week's count of one
    (columns week, touchpoint, category, customer, count, the customer left empty).
    """
    rng = random.Random(seed)
    candidates = sorted(model.touchpoints)
    rng.shuffle(candidates)
    chosen: list[str] = []
    for touchpoint in candidates:
        if len(chosen) == touchpoints:
            break
        if len(model.chain.upstream(touchpoint, depth=3)) > 20:
            chosen.append(touchpoint)
    categories = {t: rng.sample(CATEGORIES, 3) for t in chosen}
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("week,touchpoint,category,customer,count\n")
        for n in range(rows):
            touchpoint = rng.choice(chosen)
            category = rng.choice(categories[touchpoint])
            out.write(f"2024-W{1 + n % 52:02d},{touchpoint},{category},,{rng.randint(1, 3)}\n")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("nodes", type=int, help="number of nodes (roles, touchpoints, customers)")
    parser.add_argument("out", type=Path, help="the YAML file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--required", type=float, default=REQUIRED, help="share of hand-offs that are required"
    )
    args = parser.parse_args(argv)
    args.out.write_text(model_text(args.nodes, args.seed, args.required), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
