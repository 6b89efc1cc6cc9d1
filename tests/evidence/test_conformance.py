"""Conformance of hand-off logs: observed hand-offs against the design, checked independently.

The observed hand-offs are compared with a plain loop over cases written from SPEC's
words (sort each case's events by time, file order breaking ties; count each change of
role) on generated logs: grouped and interleaved, in and out of time order, short cases
and cases longer than a chunk, read from lists, iterators, CSV and XES files.
"""

from __future__ import annotations

import csv
import gc
import io
import tempfile
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import servicekit
from servicekit import Conformance, EvidenceError, UsageError
from servicekit.evidence.conformance import designed_handoffs

EXAMPLE = servicekit.load_example()
#: A small model with a rework loop (b <-> c), a drop-off feeding b, and two customers.
LOOPY = servicekit.loads(
    """
servicekit: 1
customers: [{id: k}, {id: m}]
roles:
  - {id: a, serves: [b]}
  - {id: b, serves: [c]}
  - {id: c, serves: [b, d]}
  - {id: d}
  - {id: e, serves: [e]}
touchpoints:
  - {id: in, role: a, feeds: [b], customers: [k]}
  - {id: out, role: d}
"""
)

Event = tuple[str, str, datetime, str]


def reference(events: list[Event], model: servicekit.ServiceModel) -> dict[str, Any]:
    """SPEC's words as a plain loop: per case, events by time (file order breaks ties)."""
    designed = designed_handoffs(model)
    cases: dict[str, list[tuple[datetime, int, str]]] = {}
    for number, (case, role, time, _) in enumerate(events):
        cases.setdefault(case, []).append((time, number, role))
    counts: Counter[tuple[str, str]] = Counter()
    in_cases: Counter[tuple[str, str]] = Counter()
    rework: Counter[tuple[str, str]] = Counter()
    rework_cases = 0
    examples: dict[tuple[str, str], list[str]] = {}
    for case, happened in cases.items():
        roles = [role for _, _, role in sorted(happened)]
        pairs = []
        came_back = False
        for at in range(1, len(roles)):
            giver, receiver = roles[at - 1], roles[at]
            if giver != receiver:
                pairs.append((giver, receiver))
                if receiver in roles[:at]:
                    rework[giver, receiver] += 1
                    came_back = True
        rework_cases += came_back
        counts.update(pairs)
        for pair in dict.fromkeys(pairs):
            in_cases[pair] += 1
            if pair not in designed:
                examples.setdefault(pair, [])
                if len(examples[pair]) < 3:
                    examples[pair].append(case)
    total = sum(counts.values())
    return {
        "cases": len(cases),
        "events": len(events),
        "observed": {pair: (n, in_cases[pair]) for pair, n in counts.items()},
        "undocumented": {pair: examples[pair] for pair in counts if pair not in designed},
        "unobserved": sorted(designed - set(counts)),
        "rework": dict(rework),
        "rework_cases": rework_cases,
        "fitness": sum(n for p, n in counts.items() if p in designed) / total if total else None,
    }


def answer_of(found: Conformance) -> dict[str, Any]:
    """The same facts, read from a conformance answer."""
    return {
        "cases": found.cases,
        "events": found.events,
        "observed": {
            (h.from_, h.to): (h.count, h.cases) for h in (*found.designed, *found.undocumented)
        },
        "undocumented": {(h.from_, h.to): list(h.examples) for h in found.undocumented},
        "unobserved": [(h.from_, h.to) for h in found.unobserved],
        "rework": {(h.from_, h.to): h.count for h in found.rework.pairs},
        "rework_cases": found.rework.cases,
        "fitness": found.fitness,
    }


def rows_of(events: list[Event], offset: str = "+01:00") -> list[dict[str, str]]:
    return [
        {
            "case:concept:name": case,
            "org:role": role,
            "time:timestamp": time.isoformat() + offset,
            "case:customer": customer,
        }
        for case, role, time, customer in events
    ]


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def xes_text(rows: list[dict[str, str]]) -> str:
    traces: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        traces.setdefault(row["case:concept:name"], []).append(row)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<log>"]
    for case, events in traces.items():
        parts.append(f'<trace><string key="concept:name" value={quoteattr(case)}/>')
        parts.append(f'<string key="customer" value={quoteattr(events[0]["case:customer"])}/>')
        for event in events:
            parts.append(
                f'<event><string key="org:role" value={quoteattr(event["org:role"])}/>'
                f'<date key="time:timestamp" value={quoteattr(event["time:timestamp"])}/></event>'
            )
        parts.append("</trace>")
    parts.append("</log>")
    return "\n".join(parts)


@st.composite
def logs(draw: st.DrawFn, model: servicekit.ServiceModel) -> list[Event]:
    """Events of a few cases: short or long, times in order or not, grouped or interleaved."""
    roles = sorted(model.roles)
    start = datetime(2024, 3, 1, 8, 0)
    events: list[Event] = []
    for number in range(draw(st.integers(1, 6))):
        customer = draw(st.sampled_from(["k", "m"]))
        length = draw(st.one_of(st.integers(1, 8), st.integers(500, 700)))
        steps = draw(st.lists(st.sampled_from([1, 1, 1, 0, -2]), min_size=length, max_size=length))
        picks = draw(st.lists(st.integers(0, len(roles) - 1), min_size=length, max_size=length))
        time = start + timedelta(hours=number)
        for step, pick in zip(steps, picks, strict=True):
            time += timedelta(minutes=step)
            events.append((f"case-{number}", roles[pick], time, customer))
    if draw(st.booleans()):
        order = draw(st.permutations(range(len(events))))
        events = [events[i] for i in order]
    return events


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(events=logs(LOOPY), source=st.sampled_from(["list", "iterator", "csv", "xes"]))
def test_observed_hand_offs_match_a_plain_count(events: list[Event], source: str) -> None:
    """Counts, cases, examples, rework and fitness equal a plain loop's, from every source."""
    rows = rows_of(events)
    log: Any
    with tempfile.TemporaryDirectory() as folder:
        if source == "list":
            log = rows
        elif source == "iterator":
            log = iter(rows)
        elif source == "csv":
            log = Path(folder) / "log.csv"
            log.write_text(csv_text(rows), encoding="utf-8")
        else:
            log = Path(folder) / "log.xes"
            log.write_text(xes_text(rows), encoding="utf-8")
        found = LOOPY.conformance(log)
    expected = reference(events, LOOPY)
    if source == "xes":  # XES writes each case's events together, in file order
        by_case: dict[str, list[Event]] = {}
        for event in events:
            by_case.setdefault(event[0], []).append(event)
        expected = reference([e for case in by_case.values() for e in case], LOOPY)
    assert answer_of(found) == expected
    for customer in {e[3] for e in events}:
        mine = reference([e for e in events if e[3] == customer], LOOPY)
        assert answer_of(found.customers[customer])["observed"] == mine["observed"]


# --- the answer, on the dry cleaner -------------------------------------------------------------


def order_log() -> list[dict[str, str]]:
    """Three garment orders: one as designed, one with a re-treat loop and the presser
    sending a stain back, one handed from the cashier back to the organizer."""
    flows = {
        "o-1": ["counter-clerk", "tagger", "spotter", "cleaner", "presser", "organizer", "cashier"],
        "o-2": [
            "counter-clerk",
            "tagger",
            "spotter",
            "cleaner",
            "spotter",
            "cleaner",
            "presser",
            "spotter",
            "cleaner",
            "presser",
            "organizer",
            "cashier",
        ],
        "o-3": [
            "counter-clerk",
            "tagger",
            "spotter",
            "cleaner",
            "presser",
            "organizer",
            "cashier",
            "organizer",
            "cashier",
        ],
    }
    customers = {"o-1": "walk-in", "o-2": "bride", "o-3": "walk-in"}
    rows = []
    for case, roles in flows.items():
        for minute, role in enumerate(roles):
            rows.append(
                {
                    "case:concept:name": case,
                    "org:role": role,
                    "time:timestamp": f"2024-03-04T09:{minute:02d}:00",
                    "case:customer": customers[case],
                }
            )
    return rows


@pytest.fixture(scope="module")
def found() -> Conformance:
    """The three orders, set against the dry cleaner."""
    return EXAMPLE.conformance(order_log())


def test_designed_unobserved_and_undocumented(found: Conformance) -> None:
    """Each observed hand-off is designed or not; designed ones never seen are unobserved."""
    assert [(h.from_, h.to, h.count, h.cases) for h in found.designed] == [
        ("spotter", "cleaner", 5, 3),
        ("cleaner", "presser", 4, 3),
        ("organizer", "cashier", 4, 3),
        ("counter-clerk", "tagger", 3, 3),
        ("presser", "organizer", 3, 3),
        ("tagger", "spotter", 3, 3),
        ("cleaner", "spotter", 1, 1),
    ]
    assert [(h.from_, h.to, h.count, h.examples) for h in found.undocumented] == [
        ("cashier", "organizer", 1, ("o-3",)),
        ("presser", "spotter", 1, ("o-2",)),
    ]
    assert [(h.from_, h.to) for h in found.unobserved] == [("bookkeeper", "owner")]
    assert (found.cases, found.events) == (3, 28)
    assert found.fitness == pytest.approx(23 / 25)


def test_rework_counts_hand_offs_into_a_role_seen_before(found: Conformance) -> None:
    """Hand-offs back into a role the case has already met, and the cases with them."""
    assert (found.rework.count, found.rework.cases) == (7, 2)
    assert [(p.from_, p.to, p.count) for p in found.rework.pairs] == [
        ("spotter", "cleaner", 2),
        ("cashier", "organizer", 1),
        ("cleaner", "presser", 1),
        ("cleaner", "spotter", 1),
        ("organizer", "cashier", 1),
        ("presser", "spotter", 1),
    ]


def test_shares_are_each_givers_observed_split(found: Conformance) -> None:
    """Of everything the presser was seen handing on, 3 of 4 went to the organizer."""
    shares = {(s.from_, s.to): s.share for s in found.shares}
    assert shares["presser", "organizer"] == pytest.approx(0.75)
    assert shares["presser", "spotter"] == pytest.approx(0.25)
    assert shares["tagger", "spotter"] == 1.0
    assert [(s.from_, s.to) for s in found.shares][:2] == [
        ("spotter", "cleaner"),
        ("cleaner", "presser"),
    ]


def test_each_customer_gets_the_same_answer_for_their_cases(found: Conformance) -> None:
    """The bride's order alone, and the walk-in orders alone."""
    assert list(found.customers) == ["bride", "walk-in"]
    bride = found.customers["bride"]
    assert (bride.cases, bride.events) == (1, 12)
    assert [(h.from_, h.to) for h in bride.undocumented] == [("presser", "spotter")]
    assert found.customers["walk-in"].rework.cases == 1
    assert bride.customers == {}


def test_the_json_has_the_spec_shape(found: Conformance) -> None:
    """Every key SPEC names, customers nested with the same keys."""
    data = found.to_json()
    keys = {
        "cases",
        "events",
        "fitness",
        "designed",
        "unobserved",
        "undocumented",
        "unknown_roles",
        "left_out",
        "rework",
        "shares",
        "customers",
    }
    assert set(data) == keys
    assert set(data["customers"]["bride"]) == keys
    assert data["undocumented"][0] == {
        "from": "cashier",
        "to": "organizer",
        "count": 1,
        "cases": 1,
        "examples": ["o-3"],
    }
    assert data["designed"][0] == {"from": "spotter", "to": "cleaner", "count": 5, "cases": 3}
    assert data["unobserved"] == [{"from": "bookkeeper", "to": "owner"}]
    assert data["rework"]["pairs"][0] == {"from": "spotter", "to": "cleaner", "count": 2}
    assert data["shares"][0] == {"from": "spotter", "to": "cleaner", "share": 1.0}
    assert data["fitness"] == 0.92
    assert (data["left_out"], data["unknown_roles"]) == (0, [])


def test_text_markdown_and_csv(found: Conformance) -> None:
    """Undocumented hand-offs first, for people; every hand-off with its status in CSV."""
    text = found.to_text()
    assert text.splitlines()[:2] == [
        "Hand-off log: 3 cases, 28 events, 25 observed hand-offs",
        "Fitness: 0.92 (92% of the observed hand-offs are designed)",
    ]
    assert "cashier -> organizer  o-3" in text
    assert "Designed, never observed: bookkeeper -> owner" in text
    markdown = found.to_markdown()
    assert "| **undocumented** | presser -> spotter | 1 | 1 | 25% | o-2 |" in markdown
    assert found._repr_markdown_() == markdown
    rows = found.to_csv().splitlines()
    assert rows[0] == "status,from,to,count,cases,share,rework,examples"
    assert rows[1] == "undocumented,cashier,organizer,1,1,1.0,1,o-3"
    assert rows[-1] == "unobserved,bookkeeper,owner,0,0,,0,"


def test_records_and_frames(found: Conformance) -> None:
    """Each table as records; to_pandas gives the hand-off table."""
    assert found.to_records("unobserved") == [{"from": "bookkeeper", "to": "owner"}]
    assert found.to_records("customers")[0] == {
        "customer": "bride",
        "cases": 1,
        "events": 12,
        "fitness": 0.909090909091,
        "undocumented": 1,
        "unobserved": 1,
        "rework": 5,
    }
    for table in ("designed", "undocumented", "unknown_roles", "rework", "shares"):
        assert isinstance(found.to_records(table), list)
    frame = found.to_pandas()
    assert list(frame.columns) == [
        "status",
        "from",
        "to",
        "count",
        "cases",
        "share",
        "rework",
        "examples",
    ]
    assert list(frame["status"][:2]) == ["undocumented", "undocumented"]


def test_fails_on_undocumented_or_unobserved(found: Conformance) -> None:
    """The conditions CI fails on; an unknown one is a usage error."""
    assert found.fails(["undocumented"])
    assert found.fails(["unobserved"])
    assert not found.fails([])
    clean = EXAMPLE.conformance(
        [
            {"case:concept:name": "c", "org:role": "bookkeeper", "time:timestamp": "2024-01-01"},
            {"case:concept:name": "c", "org:role": "owner", "time:timestamp": "2024-01-02"},
        ]
    )
    assert not clean.fails(["undocumented"])
    with pytest.raises(UsageError, match="conform fails on undocumented or unobserved"):
        found.fails(["new-finding"])


def test_a_log_with_no_hand_off_has_no_fitness() -> None:
    """One role per case: no hand-off observed, fitness None, every designed one unobserved."""
    found = EXAMPLE.conformance(
        [
            {"case:concept:name": f"c{n}", "org:role": "tagger", "time:timestamp": "2024-01-01"}
            for n in range(3)
        ]
    )
    assert found.fitness is None
    assert found.to_json()["fitness"] is None
    assert "Fitness: none (the log shows no hand-off)" in found.to_text()
    assert len(found.unobserved) == len(designed_handoffs(EXAMPLE))


def test_a_drop_off_feeding_a_role_is_a_designed_hand_off() -> None:
    """A touchpoint's feeds: its serving role hands the customer's work to the fed role."""
    assert ("a", "b") in designed_handoffs(LOOPY)
    assert ("e", "e") not in designed_handoffs(LOOPY)  # a role never hands work to itself
    assert designed_handoffs(LOOPY, "m") == designed_handoffs(LOOPY)


# --- unknown roles and people -----------------------------------------------------------------


def events_with_a_stranger() -> list[dict[str, str]]:
    roles = ["tagger", "supervisor", "spotter", "cleaner", "supervisor"]
    return [
        {"case:concept:name": "c", "org:role": r, "time:timestamp": f"2024-01-01T09:0{n}"}
        for n, r in enumerate(roles)
    ]


def test_an_unknown_role_is_an_error_with_advice() -> None:
    """A role the model lacks names the ways out."""
    with pytest.raises(
        EvidenceError,
        match=r"<rows>:2: error: unknown role 'supervisor' .*"
        r"on 2 rows.*--unknown-roles ignore",
    ):
        EXAMPLE.conformance(events_with_a_stranger())


def test_ignored_unknown_roles_leave_their_hand_offs_out() -> None:
    """Every pair with an unknown role is left out of every count, and counted as such."""
    found = EXAMPLE.conformance(events_with_a_stranger(), unknown_roles="ignore")
    assert [(h.from_, h.to) for h in found.designed] == [("spotter", "cleaner")]
    assert found.left_out == 3
    assert [(r.role, r.events) for r in found.unknown_roles] == [("supervisor", 2)]
    assert found.fitness == 1.0
    assert "supervisor (2 events)" in found.to_text()
    assert "left out" in found.to_markdown()
    assert found.to_json()["unknown_roles"] == [{"role": "supervisor", "events": 2}]


def test_unknown_roles_takes_error_or_ignore() -> None:
    """Any other value is a usage error."""
    with pytest.raises(UsageError, match="unknown_roles is 'error' or 'ignore'"):
        EXAMPLE.conformance([], unknown_roles="skip")


def people_log() -> list[dict[str, str]]:
    people = ["ann", "bo", "ann", "cy"]
    return [
        {"case:concept:name": "c", "org:resource": p, "time:timestamp": f"2024-01-01T09:0{n}"}
        for n, p in enumerate(people)
    ]


def test_people_are_mapped_to_roles() -> None:
    """With resource_roles the resource column is read, each person counted as their role."""
    found = EXAMPLE.conformance(
        people_log(), resource_roles={"ann": "tagger", "bo": "spotter", "cy": "cleaner"}
    )
    assert [(h.from_, h.to, h.count) for h in found.designed] == [("tagger", "spotter", 1)]
    assert [(h.from_, h.to) for h in found.undocumented] == [
        ("spotter", "tagger"),
        ("tagger", "cleaner"),
    ]


def test_a_roles_file_maps_people(tmp_path: Path) -> None:
    """--roles FILE: a CSV of resource,role; its bad rows are reported at their lines."""
    roles = tmp_path / "roles.csv"
    roles.write_text("resource,role\nann,tagger\nbo,spotter\ncy,cleaner\n", encoding="utf-8")
    assert EXAMPLE.conformance(people_log(), resource_roles=roles).cases == 1
    roles.write_text(
        "resource,role\nann,tagger\nann,spotter\nbo,spoter\n,cleaner\n", encoding="utf-8"
    )
    with pytest.raises(EvidenceError, match="spoter") as caught:
        EXAMPLE.conformance(people_log(), resource_roles=roles)
    assert [p.line for p in caught.value.problems] == [3, 4, 5]
    assert "did you mean 'spotter'" in str(caught.value)
    assert "mapped to 'tagger' on line 2 and to 'spotter' here" in str(caught.value)


def test_an_unmapped_person_is_an_error_or_an_unknown_role() -> None:
    """A person the mapping lacks is unknown; ignored, they count as a role of their own."""
    mapping = {"ann": "tagger", "bo": "spotter"}
    with pytest.raises(EvidenceError, match=r"unknown resource .cy..*add it to the roles file"):
        EXAMPLE.conformance(people_log(), resource_roles=mapping)
    found = EXAMPLE.conformance(people_log(), resource_roles=mapping, unknown_roles="ignore")
    assert [(r.role, r.events) for r in found.unknown_roles] == [("cy", 1)]
    with pytest.raises(EvidenceError, match="resource_roles maps 'x' to unknown role 'tager'"):
        EXAMPLE.conformance(people_log(), resource_roles={"x": "tager"})
    with pytest.raises(EvidenceError, match="resource_roles maps people to roles"):
        EXAMPLE.conformance(people_log(), resource_roles={"x": 3})


# --- times ------------------------------------------------------------------------------------


def test_times_with_and_without_offsets_cannot_mix() -> None:
    """Every time of a log has an offset or none has."""
    rows = [
        {"case:concept:name": "c", "org:role": "tagger", "time:timestamp": "2024-01-01T09:00"},
        {
            "case:concept:name": "c",
            "org:role": "spotter",
            "time:timestamp": "2024-01-01T09:05+01:00",
        },
    ]
    with pytest.raises(
        EvidenceError,
        match=r"<rows>:2: error: the time '2024-01-01T09:05\+01:00' "
        r"has an offset but the log's first time \(line 1\) has none",
    ):
        EXAMPLE.conformance(rows)


@pytest.mark.parametrize(
    "stamp",
    [
        "01/03/2024 09:30",
        "2024-13-01T09:00",
        "2024-01-01T09:00+25:00",
        "2024-01-01-05:00+01:00",
        "2024-01-01X09:00+01:00",
        "2024-01-01T09:00+01:00+01:00",
        "",
    ],
    ids=["us-style", "month-13", "offset-25h", "dash-for-t", "x-for-t", "two-offsets", "empty"],
)
def test_a_time_that_is_not_iso_8601_is_an_error(stamp: str) -> None:
    """Each bad time is reported at its row."""
    rows = [
        {
            "case:concept:name": "c",
            "org:role": "tagger",
            "time:timestamp": "2024-01-01T09:00+01:00",
        },
        {"case:concept:name": "c", "org:role": "spotter", "time:timestamp": stamp},
    ]
    with pytest.raises(EvidenceError, match=r"<rows>:2: error: .* is not an ISO 8601 time"):
        EXAMPLE.conformance(rows)


def test_the_clocks_changing_during_a_case_keep_its_order() -> None:
    """Times in two offsets (summer time starts) are ordered by the instant they name."""
    rows = [
        ("tagger", "2024-03-31T01:50:00+01:00"),
        ("cleaner", "2024-03-31T03:10:00+02:00"),  # 02:10 in the first zone
        ("spotter", "2024-03-31T02:05:00+01:00"),
        ("presser", "2024-03-31T01:00:00Z"),  # 02:00 in the first zone
    ]
    log = [{"case:concept:name": "c", "org:role": r, "time:timestamp": t} for r, t in rows]
    found = EXAMPLE.conformance(log)
    observed = {(h.from_, h.to) for h in (*found.designed, *found.undocumented)}
    assert observed == {("tagger", "presser"), ("presser", "spotter"), ("spotter", "cleaner")}


@pytest.mark.parametrize(
    "stamps",
    [
        ["2024-01-01T09:00:00Z", "2024-01-01T09:01:00Z"],
        ["2024-01-01T09:00:00+0100", "2024-01-01T09:01:00+0100"],
        ["2024-01-01 09:00", "2024-01-01 09:01"],
    ],
    ids=["zulu", "offset-without-colon", "space"],
)
def test_iso_8601_times_in_their_usual_spellings(stamps: list[str]) -> None:
    """Z, offsets without a colon and a space for T are all ISO 8601 times."""
    log = [
        {"case:concept:name": "c", "org:role": r, "time:timestamp": t}
        for r, t in zip(["tagger", "spotter"], stamps, strict=True)
    ]
    assert EXAMPLE.conformance(log).designed[0].count == 1


def test_events_at_the_same_time_keep_their_file_order() -> None:
    """Ties in time are broken by the order of the file."""
    log = [
        {"case:concept:name": "c", "org:role": r, "time:timestamp": "2024-01-01T09:00"}
        for r in ["spotter", "tagger", "cleaner"]
    ]
    found = EXAMPLE.conformance(log)
    assert {(h.from_, h.to) for h in (*found.designed, *found.undocumented)} == {
        ("spotter", "tagger"),
        ("tagger", "cleaner"),
    }


def test_a_case_with_two_customers_is_an_error() -> None:
    """A case has one customer; empty customer cells are fine."""
    rows = [
        {
            "case:concept:name": "c",
            "org:role": "tagger",
            "time:timestamp": "2024-01-01T09:00",
            "case:customer": "walk-in",
        },
        {
            "case:concept:name": "c",
            "org:role": "spotter",
            "time:timestamp": "2024-01-01T09:01",
            "case:customer": "",
        },
        {
            "case:concept:name": "c",
            "org:role": "cleaner",
            "time:timestamp": "2024-01-01T09:02",
            "case:customer": "bride",
        },
        {
            "case:concept:name": "d",
            "org:role": "cleaner",
            "time:timestamp": "2024-01-01T09:02",
            "case:customer": "brid",
        },
    ]
    with pytest.raises(EvidenceError, match="customer") as caught:
        EXAMPLE.conformance(rows)
    assert str(caught.value).splitlines() == [
        "<rows>:3: error: case 'c' was for customer 'walk-in', and this row says 'bride'; a case "
        "has one customer",
        "<rows>:4: error: unknown customer 'brid' in column 'case:customer'; did you mean 'bride'?",
    ]


def test_an_empty_case_is_an_error() -> None:
    """Every event belongs to a case."""
    rows = [{"case:concept:name": "", "org:role": "tagger", "time:timestamp": "2024-01-01"}]
    with pytest.raises(EvidenceError, match="the case is empty"):
        EXAMPLE.conformance(rows)


def test_an_empty_role_is_an_error() -> None:
    """An event with no role cannot be placed in the chain."""
    rows = [{"case:concept:name": "c", "org:role": "", "time:timestamp": "2024-01-01"}]
    with pytest.raises(EvidenceError, match="the role is empty"):
        EXAMPLE.conformance(rows)


# --- streaming --------------------------------------------------------------------------------


def one_long_case(events: int) -> Iterator[dict[str, str]]:
    """One case, tagger and spotter taking turns a minute apart, made as it is read."""
    days = [(datetime(2024, 1, 1) + timedelta(days=d)).date().isoformat() for d in range(800)]
    minutes = [f"T{m // 60:02d}:{m % 60:02d}" for m in range(1440)]
    roles = ("tagger", "spotter")
    for n in range(events):
        yield {
            "case:concept:name": "one",
            "org:role": roles[n % 2],
            "time:timestamp": days[n // 1440] + minutes[n % 1440],
        }


def test_a_million_events_in_one_case() -> None:
    """A million events of one case give the right counts."""
    found = EXAMPLE.conformance(one_long_case(1_000_000))
    assert (found.cases, found.events) == (1, 1_000_000)
    counts = {(h.from_, h.to): h.count for h in (*found.designed, *found.undocumented)}
    assert counts == {("tagger", "spotter"): 500_000, ("spotter", "tagger"): 499_999}
    assert found.rework.count == 999_998


def test_a_long_case_costs_a_few_dozen_bytes_an_event() -> None:
    """Holding a case keeps a time and a role number an event, not the rows read."""
    gc.collect()
    tracemalloc.start()
    try:
        EXAMPLE.conformance(one_long_case(100_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 100_000


def test_an_interleaved_file_is_read_again_holding_its_cases(tmp_path: Path) -> None:
    """Cases that come back after others: the file is read a second time, correctly."""
    rows = [
        ("a", "tagger", 0),
        ("b", "tagger", 1),
        ("a", "spotter", 2),
        ("b", "spotter", 3),
        ("a", "cleaner", 4),
    ]
    path = tmp_path / "log.csv"
    path.write_text(
        "case:concept:name,org:role,time:timestamp\n"
        + "".join(f"{c},{r},2024-01-01T09:0{m}\n" for c, r, m in rows),
        encoding="utf-8",
    )
    found = EXAMPLE.conformance(path)
    assert [(h.from_, h.to, h.count, h.cases) for h in found.designed] == [
        ("tagger", "spotter", 2, 2),
        ("spotter", "cleaner", 1, 1),
    ]


def test_problems_of_an_interleaved_file_are_reported_once(tmp_path: Path) -> None:
    """Read twice, a bad row is still one problem."""
    path = tmp_path / "log.csv"
    path.write_text(
        "case:concept:name,org:role,time:timestamp\n"
        "a,tagger,2024-01-01T09:00\nb,tagger,2024-01-01T09:01\na,spoter,2024-01-01T09:02\n",
        encoding="utf-8",
    )
    with pytest.raises(EvidenceError, match="spoter") as caught:
        EXAMPLE.conformance(path)
    assert len(caught.value.problems) == 1


def test_the_bundled_evidence_conforms_as_the_tutorial_says() -> None:
    """The dry cleaner's simulated week: the presser's stains go back to the spotter."""
    root = Path(__file__).resolve().parents[2] / "examples"
    model = servicekit.load(root / "dry-cleaner.yaml")
    from_csv = model.conformance(root / "evidence" / "dry-cleaner-log.csv")
    from_xes = model.conformance(root / "evidence" / "dry-cleaner-log.xes")
    assert from_csv.to_json() == from_xes.to_json()
    assert ("presser", "spotter") in {(h.from_, h.to) for h in from_csv.undocumented}


# --- long logs: every way of reading a chunk gives the same answer -----------------------------


def long_log(
    stamp: str = "2024-01-01T{h:02d}:{m:02d}:00Z", cases: int = 1200
) -> list[dict[str, str]]:
    """Many short cases, enough rows (4,800) for several chunks."""
    rows = []
    for case in range(cases):
        for step, role in enumerate(["tagger", "spotter", "cleaner", "presser"]):
            minute = case + step
            rows.append(
                {
                    "case:concept:name": f"c{case}",
                    "org:role": role,
                    "time:timestamp": stamp.format(h=minute // 60 % 24, m=minute % 60),
                    "case:customer": "walk-in" if case % 3 else "bride",
                }
            )
    return rows


@pytest.mark.parametrize(
    "stamp",
    [
        "2024-01-01T{h:02d}:{m:02d}:00Z",
        "2024-01-01 {h:02d}:{m:02d}",
        "2024-01-01T{h:02d}:{m:02d}+02:00",
    ],
    ids=["zulu", "naive", "offset"],
)
def test_long_logs_in_every_spelling_of_time(stamp: str) -> None:
    """Hundreds of cases give exact counts whatever the times look like."""
    found = EXAMPLE.conformance(long_log(stamp))
    assert [(h.from_, h.to, h.count, h.cases) for h in found.designed] == [
        ("cleaner", "presser", 1200, 1200),
        ("spotter", "cleaner", 1200, 1200),
        ("tagger", "spotter", 1200, 1200),
    ]
    assert (found.customers["bride"].cases, found.customers["walk-in"].cases) == (400, 800)


def test_a_long_log_with_an_odd_separator_is_refused_at_its_row() -> None:
    """One bad time in the middle of hundreds is found, at its row."""
    rows = long_log("2024-01-01T{h:02d}:{m:02d}")
    rows[700]["time:timestamp"] = rows[700]["time:timestamp"].replace("T", "X")
    with pytest.raises(EvidenceError, match=r"<rows>:701: error: .* is not an ISO 8601 time"):
        EXAMPLE.conformance(rows)


def test_a_long_log_with_unknown_roles_left_out() -> None:
    """Unknown roles among hundreds of cases: left out the same way in every chunk."""
    rows = long_log()
    for row in rows[1::8]:
        row["org:role"] = "supervisor"
    found = EXAMPLE.conformance(rows, unknown_roles="ignore")
    plain = EXAMPLE.conformance(iter(rows), unknown_roles="ignore")
    assert found.to_json() == plain.to_json()
    assert found.unknown_roles[0].role == "supervisor"
    assert found.left_out == 2 * len(rows[1::8])


def test_a_long_log_whose_cases_change_customer_or_lose_it() -> None:
    """A case with one empty customer cell keeps its customer; two customers are an error."""
    rows = long_log()
    rows[1]["case:customer"] = ""
    assert EXAMPLE.conformance(rows).customers["bride"].cases == 400
    rows[2]["case:customer"] = "walk-in"
    with pytest.raises(EvidenceError, match=r"<rows>:3: error: case 'c0' was for customer 'bride'"):
        EXAMPLE.conformance(rows)


def test_a_roles_file_may_repeat_a_person_with_the_same_role(tmp_path: Path) -> None:
    """The same mapping twice is no contradiction."""
    roles = tmp_path / "roles.csv"
    roles.write_text(
        "resource,role\nann,tagger\nann,tagger\nbo,spotter\ncy,cleaner\n", encoding="utf-8"
    )
    assert EXAMPLE.conformance(people_log(), resource_roles=roles).cases == 1


# --- times written alike are compared as text: the same answer as parsing them -------------

#: One moment (UTC), spelled in ways ISO 8601 and Python both read.
SPELLINGS = [
    "{d}T{t}Z",
    "{d}T{t}+00:00",
    "{d} {t}+00:00",
    "{d}t{t}Z",
    "{d}T{t}.000000+00:00",
    "{d}T{t}.5+00:00",
    "{d}T{t}+01:00",
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(events=logs(LOOPY), data=st.data())
def test_times_spelled_alike_or_not_give_a_plain_counts_answer(
    events: list[Event], data: st.DataObject
) -> None:
    """Chunks whose times are written alike are ordered as text; a chunk mixing spellings
    (a ``T`` or a space, fractions, ``Z`` or ``+00:00``, another zone) is parsed: both
    give the plain loop's answer."""
    mixed = data.draw(st.booleans())
    spelling = data.draw(st.sampled_from(SPELLINGS))
    rows = rows_of(events)
    for row, (_, _, time, _) in zip(rows, events, strict=True):
        if mixed:
            spelling = data.draw(st.sampled_from(SPELLINGS))
        moment = time + timedelta(hours=1) if spelling.endswith("+01:00") else time
        row["time:timestamp"] = spelling.format(
            d=moment.date().isoformat(), t=moment.time().isoformat()
        )
    found = LOOPY.conformance(rows)
    # A half second later is later: the reference sees it as the spelling says.
    expected = reference(
        [
            (
                case,
                role,
                datetime.fromisoformat(row["time:timestamp"]).replace(tzinfo=None)
                - timedelta(hours=1) * row["time:timestamp"].endswith("+01:00"),
                customer,
            )
            for row, (case, role, _, customer) in zip(rows, events, strict=True)
        ],
        LOOPY,
    )
    assert answer_of(found) == expected


def test_a_time_written_alike_but_impossible_is_refused_at_its_row() -> None:
    """Times written alike are still each read: 31 April is no date, even among hundreds."""
    rows = long_log("2024-04-01T{h:02d}:{m:02d}:00+02:00")
    rows[900]["time:timestamp"] = "2024-04-31T10:00:00+02:00"
    with pytest.raises(EvidenceError, match=r"<rows>:901: error: '2024-04-31T10:00:00\+02:00'"):
        EXAMPLE.conformance(rows)


@pytest.mark.parametrize(
    "bad",
    [
        "2024-04-31T10:00:00+02:00",  # no 31 April
        "2023-02-29T10:00:00+02:00",  # not a leap year
        "2024-04-01T24:00:00+02:00",
        "2024-04-01T10:60:00+02:00",
        "2024-04-01T10:00:60+02:00",
        "2024-04-01T1a:00:00+02:00",
        "2024-04-01T10:00:0\u0663+02:00",  # an Arabic-Indic digit
    ],
)
def test_each_time_written_alike_is_read_whatever_chunk_it_is_in(bad: str) -> None:
    """Impossible dates, hours, minutes and seconds among hundreds of good times are each
    refused at their row, whether the chunk spans one day or several."""
    for days in (False, True):
        rows = long_log("2024-04-DDT{h:02d}:{m:02d}:00+02:00")
        for n, row in enumerate(rows):  # a new day every 30 rows: a chunk spans several
            day = f"{1 + n // 30 % 28:02d}" if days else "01"
            row["time:timestamp"] = row["time:timestamp"].replace("DD", day)
        rows[900]["time:timestamp"] = bad
        with pytest.raises(EvidenceError, match=r"<rows>:901: error: .* is not an ISO 8601 time"):
            EXAMPLE.conformance(rows)


def _alike(draw: st.DrawFn) -> tuple[str, int, int]:
    """Times written alike, ``-``, ``:`` and the separator in place, their other characters
    mostly what a good time has: (their text, how many, the width of one)."""
    body = draw(st.sampled_from([16, 19, 21, 23, 26]))
    separator = draw(st.sampled_from("Tt "))
    fraction = draw(st.sampled_from(".,"))
    n = draw(st.integers(1, 6))
    fixed = {4: "-", 7: "-", 10: separator, 13: ":", 16: ":", 19: fraction}
    times = []
    base = draw(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
    for _ in range(n):
        moment = base + timedelta(seconds=draw(st.integers(0, 200_000)))
        good = moment.isoformat(sep=separator, timespec="microseconds").replace(".", fraction)
        chars = list(good[:body])
        for at in draw(st.lists(st.integers(0, body - 1), max_size=2)):
            if at not in fixed:
                chars[at] = draw(st.sampled_from("0123456789" * 3 + "aZ+-:9\u0661"))
        times.append("".join(chars))
    return "".join(times), n, body


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_times_written_alike_are_read_as_fromisoformat_reads_them(data: st.DataObject) -> None:
    """A chunk of times written alike is refused exactly when ``fromisoformat`` does not
    read one of them as a time with no offset: the times come after a first chunk of good
    times of the same shape, so that they are checked together, a position at a time."""
    text, n, body = data.draw(st.composite(_alike)())
    times = [text[at : at + body] for at in range(0, n * body, body)]
    good = "2024-05-01T09:30:00.123456"[:body].replace("T", text[10]).replace(".", text[19:20])
    rows = [
        {"case:concept:name": f"c{case}", "org:role": "tagger", "time:timestamp": time}
        for case, time in enumerate([good] * 2100 + times)
    ]

    def reads(time: str) -> bool:
        try:
            return datetime.fromisoformat(time).tzinfo is None
        except ValueError:
            return False

    if all(map(reads, times)):
        assert EXAMPLE.conformance(rows).events == len(rows)
    else:
        with pytest.raises(EvidenceError, match=r"<rows>:21\d\d: error: "):
            EXAMPLE.conformance(rows)


# --- each customer's answer is worked out when first asked for ------------------------------


def test_customers_answers_are_worked_out_when_asked_and_stay() -> None:
    """``customers`` is a mapping in customer order; an answer is built once, on first use,
    and equals the answer of that customer's cases alone."""
    rows = long_log()
    found = EXAMPLE.conformance(rows)
    assert list(found.customers) == ["bride", "walk-in"]
    assert len(found.customers) == 2
    assert not found.customers._done  # type: ignore[attr-defined]  # nothing built yet
    bride = found.customers["bride"]
    assert found.customers["bride"] is bride
    alone = EXAMPLE.conformance([r for r in rows if r["case:customer"] == "bride"])
    assert bride.to_json()["designed"] == alone.to_json()["designed"]
    assert (bride.customer, found.customer) == ("bride", None)
    with pytest.raises(KeyError, match="nobody"):
        found.customers["nobody"]
    assert "nobody" not in found.customers


def test_an_answer_pickles_copies_and_compares_with_its_customers() -> None:
    """A conformance answer crosses process boundaries: its customers' answers go along,
    worked out, and the copy equals the original."""
    import copy
    import pickle

    found = EXAMPLE.conformance(order_log())
    back = pickle.loads(pickle.dumps(found))
    assert back == found
    assert hash(back.customers) == hash(found.customers)
    assert back.customers["bride"].to_json() == found.customers["bride"].to_json()
    assert copy.deepcopy(found) == found
    assert EXAMPLE.conformance(order_log()) == found
    assert "bride" in repr(found.customers)
