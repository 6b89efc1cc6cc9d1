"""Simulate evidence for two example models: complaints and hand-off logs, seeded.

Usage: python examples/simulate_evidence.py [--out DIR] [--seed N]

With no arguments it writes, under examples/evidence/, for the corner dry cleaner
(examples/dry-cleaner.yaml) and the IT help desk (examples/help-desk.yaml):

- NAME-complaints.csv: a quarter of complaints, counted by week, touchpoint, category
  and customer;
- NAME-log.csv and NAME-log.xes: one week's hand-off log, the same events as CSV and as
  XES (IEEE 1849), the format process-mining tools export.

Each case (a garment order, a ticket) walks the designed chain: from the role where the
work starts to the role serving the touchpoint where it ends, one designed hand-off at
a time, now and then taking a designed rework loop back. Each hand-off's fail points
fire at their rate (times BOOST: a rate is per garment, an order holds several); a role
that catches a category stops some of those defects, and a defect that reaches the
customer becomes a complaint with the chance COMPLAINS gives its category. On top of
the design, the script injects what real services do and nobody designed: the presser
sends the stains it catches straight back to the spotter, the cashier walks back to the
organizer when an order is not on its hook; at the help desk, second-line engineers ask
the identity administrators directly, and desk-side technicians send laptops back to be
re-imaged. A few complaints no fail point of the model explains are added too.

The dry cleaner's log names roles and is grouped by case (the usual export); the help
desk's names people, with a file mapping them to roles, and is sorted by time, as a
ticket system's audit trail is. The same seed writes the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

import servicekit

HERE = Path(__file__).resolve().parent
#: Fail point rates are per garment or per ticket step; a case holds several units.
BOOST = 4.0
#: The chance that a defect reaching the customer becomes a complaint, by category.
COMPLAINS = {
    "stain": 0.5,
    "lost-item": 0.4,
    "pressing": 0.05,
    "access": 0.6,
    "software": 0.3,
    "hardware": 0.3,
    "rework": 0.2,
    "repeat-fault": 0.4,
}
START = datetime(2024, 3, 4, 8, 0)
OFFSET = "+01:00"


@dataclass
class Flow:
    """A kind of case: where its work starts and ends, and how often it happens."""

    touchpoint: str
    start: str
    end: str
    weight: float
    #: The chance the case ends where it starts, with no hand-off at all.
    done_at_start: float = 0.0


@dataclass
class Example:
    """One example model and what its simulation injects."""

    name: str
    model: Path
    flows: list[Flow]
    customers: dict[str, float]
    #: A role that catches a defect sends the work back to this role.
    send_back: dict[str, str] = field(default_factory=dict)
    #: (at role, hand to role, chance): a hand-off nobody designed, taken now and then.
    detours: list[tuple[str, str, float]] = field(default_factory=list)
    #: Complaints no fail point explains: (touchpoint, category, how many a week at most).
    unexplained: list[tuple[str, str, int]] = field(default_factory=list)
    #: People holding each role, when the log names people rather than roles.
    people: dict[str, list[str]] = field(default_factory=dict)
    #: What each role does, the log's activity.
    activities: dict[str, str] = field(default_factory=dict)
    rework: float = 0.08
    cases_logged: int = 120
    weeks: int = 13
    cases_a_week: int = 240
    grouped: bool = True


EXAMPLES = [
    Example(
        name="dry-cleaner",
        model=HERE / "dry-cleaner.yaml",
        flows=[Flow("pickup", "counter-clerk", "cashier", 1.0)],
        customers={"walk-in": 0.85, "bride": 0.15},
        send_back={"presser": "spotter"},
        detours=[("cashier", "organizer", 0.06)],
        unexplained=[("drop-off", "lost-item", 2)],
        activities={
            "counter-clerk": "take in order",
            "tagger": "tag garments",
            "spotter": "treat stains",
            "cleaner": "clean",
            "presser": "press",
            "organizer": "bag and hang",
            "cashier": "hand over",
        },
    ),
    Example(
        name="help-desk",
        model=HERE / "help-desk.yaml",
        flows=[
            Flow("phone-and-chat", "service-desk-agent", "service-desk-agent", 0.6, 0.5),
            Flow("desk-visit", "service-desk-agent", "desk-side-tech", 0.25),
            Flow("day-one-handover", "hr-onboarding", "desk-side-tech", 0.15),
        ],
        customers={"employee": 0.7, "new-starter": 0.2, "executive": 0.1},
        detours=[("second-line", "identity-admin", 0.15), ("desk-side-tech", "imaging-tech", 0.1)],
        people={
            "service-desk-agent": ["amara", "ben", "chen"],
            "second-line": ["dana", "eli"],
            "desk-side-tech": ["farah", "gus"],
            "identity-admin": ["hana"],
            "asset-manager": ["ivo"],
            "imaging-tech": ["jo"],
            "hr-onboarding": ["kim"],
        },
        activities={
            "service-desk-agent": "answer",
            "second-line": "investigate",
            "desk-side-tech": "fix at the desk",
            "identity-admin": "grant access",
            "asset-manager": "issue laptop",
            "imaging-tech": "image laptop",
            "hr-onboarding": "announce starter",
        },
        cases_logged=150,
        cases_a_week=300,
        grouped=False,
    ),
]


@dataclass
class Event:
    case: str
    role: str
    time: datetime
    customer: str


def _distances(model: servicekit.ServiceModel, end: str) -> dict[str, int]:
    """Each role's fewest designed hand-offs to ``end`` (roles that cannot reach it left out)."""
    before: dict[str, list[str]] = {}
    for role in model.roles.values():
        for handoff in role.serves:
            before.setdefault(handoff.to, []).append(role.id)
    distance = {end: 0}
    frontier = [end]
    while frontier:
        following = []
        for role in frontier:
            for giver in before.get(role, ()):
                if giver not in distance:
                    distance[giver] = distance[role] + 1
                    following.append(giver)
        frontier = following
    return distance


def _walk(
    model: servicekit.ServiceModel, example: Example, flow: Flow, rng: random.Random
) -> tuple[list[str], list[str]]:
    """One case's roles, in order, and the categories of the defects that reach the customer."""
    distance = _distances(model, flow.end)
    roles = [flow.start]
    defects: list[str] = []
    if rng.random() < flow.done_at_start:
        return roles, defects
    current = flow.start
    first = True
    while first or current != flow.end:
        handoffs = [h for h in model.roles[current].serves if h.to in distance]
        forward = [h for h in handoffs if first or distance[h.to] < distance[current]]
        back = [h for h in handoffs if h not in forward]
        chosen = rng.choice(back if back and rng.random() < example.rework else forward)
        for fail_point in chosen.fail_points:
            if rng.random() < fail_point.rate * BOOST:
                defects.append(fail_point.category)
        first = False
        current = chosen.to
        roles.append(current)
        catches = model.roles[current].catches
        caught = [d for d in defects if rng.random() < catches.get(d, 0.0)]
        for defect in caught:
            defects.remove(defect)
        if caught and current in example.send_back:
            # The catcher sends the work back, and it comes through the chain again.
            current = example.send_back[current]
            roles.append(current)
        for at, to, chance in example.detours:
            if at == current and rng.random() < chance:
                # A hand-off nobody designed; the work then goes on from there.
                current = to
                roles.append(current)
                break
    return roles, defects


def simulate(example: Example, seed: int) -> tuple[list[Event], list[tuple[int, str, str, str]]]:
    """The logged week's events, and a quarter's complaints as (week, touchpoint, category,
    customer) one a complaint."""
    model = servicekit.load(example.model)
    rng = random.Random(f"{example.name}-{seed}")
    flows, weights = example.flows, [f.weight for f in example.flows]
    customers, shares = list(example.customers), list(example.customers.values())
    events: list[Event] = []
    complaints: list[tuple[int, str, str, str]] = []
    for week in range(1, example.weeks + 1):
        for number in range(example.cases_a_week):
            flow = rng.choices(flows, weights)[0]
            served = model.touchpoints[flow.touchpoint].customers
            customer = rng.choices(customers, shares)[0]
            while served and customer not in served:
                customer = rng.choices(customers, shares)[0]
            roles, defects = _walk(model, example, flow, rng)
            for category in defects:
                if rng.random() < COMPLAINS.get(category, 0.3):
                    complaints.append((week, flow.touchpoint, category, customer))
            if week == 1 and number < example.cases_logged:
                case = f"{'T' if example.people else 'O'}-{1001 + number}"
                time = START + timedelta(minutes=rng.randint(0, 600) + number * 40)
                for role in roles:
                    events.append(Event(case, role, time, customer))
                    time += timedelta(minutes=rng.randint(5, 90))
        for touchpoint, category, most in example.unexplained:
            for _ in range(rng.randint(0, most)):
                customer = rng.choices(customers, shares)[0]
                complaints.append((week, touchpoint, category, customer))
    if not example.grouped:
        events.sort(key=lambda e: e.time)
    return events, complaints


def _stamp(time: datetime) -> str:
    return time.isoformat() + OFFSET


def _resource(example: Example, event: Event) -> str:
    people = example.people.get(event.role)
    if not people:
        return event.role
    return people[sum(map(ord, event.case)) % len(people)]


def complaints_csv(complaints: Sequence[tuple[int, str, str, str]]) -> str:
    counted: dict[tuple[int, str, str, str], int] = {}
    for key in complaints:
        counted[key] = counted.get(key, 0) + 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["week", "touchpoint", "category", "customer", "count"])
    for (week, touchpoint, category, customer), count in sorted(counted.items()):
        writer.writerow([f"2024-W{9 + week:02d}", touchpoint, category, customer, count])
    return out.getvalue()


def log_csv(example: Example, events: Sequence[Event]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    who = "org:resource" if example.people else "org:role"
    writer.writerow(["case:concept:name", "concept:name", who, "time:timestamp", "case:customer"])
    for e in events:
        name = _resource(example, e) if example.people else e.role
        writer.writerow(
            [e.case, example.activities.get(e.role, e.role), name, _stamp(e.time), e.customer]
        )
    return out.getvalue()


def log_xes(example: Example, events: Sequence[Event]) -> str:
    """The events as XES: one trace a case, in the order its first event comes."""
    traces: dict[str, list[Event]] = {}
    for e in events:
        traces.setdefault(e.case, []).append(e)
    who = "org:resource" if example.people else "org:role"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<log xes.version="1849-2016" xes.features="">',
        '  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
        '  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>',
        '  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
        f'  <string key="concept:name" value={quoteattr(example.name + " hand-offs")}/>',
    ]
    for case, case_events in traces.items():
        lines.append("  <trace>")
        lines.append(f'    <string key="concept:name" value={quoteattr(case)}/>')
        lines.append(f'    <string key="customer" value={quoteattr(case_events[0].customer)}/>')
        for e in case_events:
            name = _resource(example, e) if example.people else e.role
            activity = example.activities.get(e.role, e.role)
            lines.append(
                "    <event>"
                f'<string key="concept:name" value={quoteattr(activity)}/>'
                f'<string key="{who}" value={quoteattr(name)}/>'
                f'<date key="time:timestamp" value={quoteattr(_stamp(e.time))}/>'
                "</event>"
            )
        lines.append("  </trace>")
    lines.append("</log>")
    return "\n".join(lines) + "\n"


def roles_csv(example: Example) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["resource", "role"])
    for role, people in example.people.items():
        for person in people:
            writer.writerow([person, role])
    return out.getvalue()


def write(out: Path, seed: int) -> list[Path]:
    """Every file of every example, written under ``out``; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for example in EXAMPLES:
        events, complaints = simulate(example, seed)
        files = {
            f"{example.name}-complaints.csv": complaints_csv(complaints),
            f"{example.name}-log.csv": log_csv(example, events),
            f"{example.name}-log.xes": log_xes(example, events),
        }
        if example.people:
            files[f"{example.name}-roles.csv"] = roles_csv(example)
        for name, text in files.items():
            path = out / name
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "evidence", help="where to write")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    print(
        "Simulating a quarter of complaints and a week of hand-offs through the designed "
        "chains of the dry cleaner and the help desk, with undocumented hand-offs and "
        "rework injected:"
    )
    for path in write(args.out, args.seed):
        shown = path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path
        print(f"  wrote {shown}")
    print(
        "Then: servicekit attribute examples/dry-cleaner.yaml "
        + str(Path("examples", "evidence", "dry-cleaner-complaints.csv"))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
