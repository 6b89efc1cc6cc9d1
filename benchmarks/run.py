"""Benchmark servicekit against the raw libraries doing the same work, in the same run.

Prints, for each size, what servicekit takes, what the raw library (PyYAML,
networkx) takes for the same work on the same file or graph, their ratio and
the target SPEC sets; then a summary of the ratios and the machine.

    python benchmarks/run.py                  # 10k, 100k and 1M nodes
    python benchmarks/run.py --sizes 10k,100k # a quicker run

Revision 2 adds: a customer-scoped ``upstream`` against the unscoped one;
``critical`` for every touchpoint with declared roots, and on a 10k model with 1%
of hand-offs required; ``audit``, ``coverage`` and ``report`` against the time
loading the model took (the report is stopped after three times that, or a
minute, and said to be over).

Models come from ``benchmarks/generate.py`` (seeded) and are written to
``--workdir`` (a temporary directory by default). Where a raw-library loop over
every touchpoint would take too long, it runs on a random sample for a time
budget and is extrapolated; the table says so. This is a script, never a test.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import networkx as nx
import yaml

import servicekit
from servicekit.readwrite.load import MAX_BYTES

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
#: Seconds to spend on a sampled raw-library loop before extrapolating.
SAMPLE_BUDGET = {"10k": 15.0, "100k": 10.0, "1M": 10.0}


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``work`` takes, and what it returns."""
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


class Table:
    """Rows of (what, servicekit, raw library, ratio, target, met)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.notes: list[str] = []
        self.ratios: dict[str, str] = {}
        #: Seconds servicekit.load took on this size's model.
        self.loaded = 0.0

    def add(
        self,
        what: str,
        ours: float,
        theirs: float | None,
        target: str = "",
        met: bool | None = None,
        unit: str = "s",
        short: str | None = None,
    ) -> None:
        ratio = ""
        if theirs is not None:
            r = ours / theirs
            ratio = f"{r:.2f}x" if r >= 0.1 else f"{r:.2g}x ({1 / r:,.0f}x faster)"
        if short and ratio:
            self.ratios[short] = ratio
        self.rows.append(
            (
                what,
                _show(ours, unit),
                "" if theirs is None else _show(theirs, unit),
                ratio,
                target,
                "" if met is None else ("yes" if met else "NO"),
            )
        )
        print(f"  {what}: {self.rows[-1][1:]}", file=sys.stderr, flush=True)

    def markdown(self) -> str:
        head = ("measure", "servicekit", "raw library", "ratio", "target", "met")
        lines = [
            f"### {self.label}",
            "",
            "| " + " | ".join(head) + " |",
            "|" + "---|" * len(head),
        ]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        lines += [""] + [f"- {note}" for note in self.notes]
        return "\n".join(lines)


def _show(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value / 1e6:.1f} MB"
    if value < 0.001:
        return f"{value * 1e6:.1f} µs"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def model_file(
    label: str, nodes: int, seed: int, workdir: Path, required: float = generate.REQUIRED
) -> Path:
    path = workdir / f"org-{label}-seed{seed}-required{required:g}.yaml"
    if not path.exists():
        path.write_text(generate.model_text(nodes, seed, required), encoding="utf-8")
    return path


class TookTooLong(Exception):
    """Raised by the alarm when a measure runs past its budget."""


def within(seconds: float, work: Callable[[], Any]) -> tuple[float | None, Any]:
    """Seconds ``work`` takes, or ``None`` when it is still running after ``seconds``."""

    def stop(signum: int, frame: Any) -> None:
        raise TookTooLong

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return timed(work)
    except TookTooLong:
        return None, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the measures -----------------------------------------------------------------------


def load(path: Path) -> servicekit.ServiceModel:
    """``servicekit.load`` of a generated model, whatever its size (1M is over MAX_BYTES)."""
    return servicekit.load(path, max_bytes=max(MAX_BYTES, path.stat().st_size))


def bench_load(table: Table, path: Path) -> tuple[servicekit.ServiceModel, float]:
    """servicekit.load vs yaml.load with the C loader, on the same file; and the load time."""
    gc.collect()
    ours, model = timed(lambda: load(path))
    gc.collect()
    theirs, data = timed(lambda: yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader))
    del data
    gc.collect()
    table.add(
        "load (servicekit.load vs yaml.load, CSafeLoader)",
        ours,
        theirs,
        "<= 0.5x",
        ours <= 0.5 * theirs,
        short="load",
    )
    build, _ = timed(lambda: model.chain)
    table.add("building the chain (own time)", build, None)
    table.loaded = ours
    return model, ours


def bench_upstream(table: Table, model: servicekit.ServiceModel, picks: list[str]) -> None:
    """One upstream query vs BFS lengths on the reversed view plus the same order."""
    chain = model.chain
    reverse = chain.graph.reverse(copy=False)

    def raw(node: str) -> list[tuple[str, int]]:
        lengths = nx.single_source_shortest_path_length(reverse, node)
        del lengths[node]
        return sorted(lengths.items(), key=lambda item: (item[1], item[0]))

    ours, theirs = [], []
    for node in picks:
        t_ours, found = timed(lambda n=node: chain.upstream(n))
        t_theirs, expected = timed(lambda n=node: raw(n))
        assert [(r.id, r.distance) for r in found] == expected, node
        ours.append(t_ours)
        theirs.append(t_theirs)
    a, b = statistics.median(ours), statistics.median(theirs)
    table.add(
        f"upstream, one query (median of {len(picks)})",
        a,
        b,
        "<= 1.2x",
        a <= 1.2 * b,
        short="upstream",
    )


def bench_upstream_of_all(table: Table, model: servicekit.ServiceModel, label: str) -> None:
    """upstream_of_all (with len of every set) vs a loop of nx.ancestors over every touchpoint."""
    chain = model.chain
    # Cold: drop the chain's cached component index so the pass pays for it.
    cold(chain)
    touchpoints = sorted(model.touchpoints)
    gc.collect()
    ours, (everything, total) = timed(
        lambda: (e := chain.upstream_of_all(), sum(len(e[t]) for t in touchpoints))
    )
    order = touchpoints[:]
    random.Random(1).shuffle(order)
    graph = chain.graph
    spent, done = 0.0, 0
    for t in order:
        took, found = timed(lambda t=t: nx.ancestors(graph, t))
        found.discard(t)
        assert len(found) == len(everything[t]), t
        spent += took
        done += 1
        if spent > SAMPLE_BUDGET[label]:
            break
    theirs = spent / done * len(touchpoints)
    sampled = done < len(touchpoints)
    table.add(
        f"upstream_of_all, {len(touchpoints)} touchpoints (+ len of each)"
        + (" [raw: sampled, extrapolated]" if sampled else ""),
        ours,
        theirs,
        ">= 10x faster",
        ours * 10 <= theirs,
        short="upstream_of_all",
    )
    if sampled:
        table.notes.append(
            f"nx.ancestors ran on {done} of {len(touchpoints)} touchpoints "
            f"({spent:.1f} s, {spent / done * 1000:.1f} ms each); the full loop is "
            f"extrapolated to {theirs:.0f} s."
        )
    table.notes.append(
        f"upstream_of_all holds {total:,} upstream entries in all "
        f"({total / len(touchpoints):,.0f} per touchpoint on average)."
    )
    # Probing a set: membership and iteration.
    t = touchpoints[-1]
    probe, _ = timed(lambda: sum(1 for n in list(graph)[:1000] if n in everything[t]))
    table.notes.append(f"1000 `in` tests on one upstream set: {probe * 1000:.1f} ms.")


def without_required(model: servicekit.ServiceModel) -> servicekit.ServiceModel:
    """The same model with no hand-off required (declared roots kept)."""
    roles = [
        attrs.evolve(r, serves=[attrs.evolve(h, required=False) for h in r.serves])
        if any(h.required for h in r.serves)
        else r
        for r in model.roles.values()
    ]
    return attrs.evolve(model, roles=roles, sources={})


def cold(chain: servicekit.ServiceChain) -> None:
    """Forget every answer a chain has worked out about its customers' chains."""
    chain._scopes.clear()


def bench_critical(
    table: Table, model: servicekit.ServiceModel, picks: list[str], label: str
) -> None:
    """critical for every touchpoint (cold), with declared roots and no required hand-off, vs
    nx.immediate_dominators from a virtual root joined to the roots on the same subgraphs; then
    the same on the model as generated (with its few required hand-offs)."""
    plain = without_required(model)
    chain = plain.chain
    chain.whole_predecessors  # noqa: B018 - shared with upstream; built with the chain
    chain.whole_successors  # noqa: B018
    touchpoints = sorted(model.touchpoints)
    gc.collect()
    ours, answers = timed(lambda: {t: chain.critical(t) for t in touchpoints})
    graph = chain.graph
    starts = {t.role for t in model.touchpoints.values() if t.feeds}
    starts |= {r.id for r in model.roles.values() if r.starts}
    virtual = ("virtual",)
    spent, done = 0.0, 0
    for t in picks:
        # The upstream subgraph as a plain graph (views are slow at a million nodes), and a
        # virtual source joined to its roots: declared ones, and every node of each source
        # component, t itself left out.
        upstream = nx.ancestors(graph, t)
        upstream.add(t)
        flow = nx.DiGraph()
        flow.add_nodes_from(upstream)
        flow.add_edges_from((u, v) for u in upstream for v in graph._succ[u] if v in upstream)
        component = {}
        for number, members in enumerate(nx.strongly_connected_components(flow)):
            component.update(dict.fromkeys(members, number))
        entered = {component[v] for u, v in flow.edges if component[u] != component[v]}
        flow.add_edges_from(
            (virtual, m)
            for m in upstream
            if (component[m] not in entered or m in starts) and m != t
        )
        took, idom = timed(lambda f=flow: nx.immediate_dominators(f, virtual))
        found, current = [], idom.get(t, virtual)
        while current != virtual:
            found.append(current)
            current = idom[current]
        assert tuple(found) == answers[t], t
        spent += took
        done += 1
        if spent > SAMPLE_BUDGET[label] / 2:
            break
    theirs = spent / done * len(touchpoints)
    table.add(
        f"critical, all {len(touchpoints)} touchpoints, cold, declared roots"
        f" [raw: immediate_dominators per touchpoint, {done} sampled, extrapolated]",
        ours,
        theirs,
        "< 1 s at 100k",
        ours < 1.0 if label == "100k" else None,
        short="critical",
    )
    table.notes.append(
        f"nx.immediate_dominators on one touchpoint's upstream subgraph: "
        f"{spent / done * 1000:.1f} ms on average over {done}; "
        f"{len({t.role for t in model.touchpoints.values() if t.feeds})} roles are declared "
        f"roots by feeds, {sum(r.starts for r in model.roles.values())} by starts."
    )
    del plain, chain
    chain = model.chain
    cold(chain)
    gc.collect()
    required = sum(h.required for r in model.roles.values() for h in r.serves)
    took, _ = timed(lambda: {t: chain.critical(t) for t in touchpoints})
    table.add(
        f"critical, all touchpoints, cold, with the model's {required} required hand-offs",
        took,
        None,
    )


def bench_required(table: Table, workdir: Path, seed: int) -> None:
    """critical for every touchpoint of a 10k model with 1% of hand-offs required."""
    path = model_file("10k", SIZES["10k"], seed, workdir, required=0.01)
    model = servicekit.load(path)
    chain = model.chain
    touchpoints = sorted(model.touchpoints)
    gc.collect()
    took, _ = timed(lambda: {t: chain.critical(t) for t in touchpoints})
    handoffs = [h for r in model.roles.values() for h in r.serves]
    required = sum(h.required for h in handoffs)
    table.add(
        f"critical, all {len(touchpoints)} touchpoints of a 10k model with 1% of hand-offs "
        f"required ({required} of {len(handoffs)}), cold",
        took,
        None,
        "< 10 s",
        took < 10.0,
        short="critical-required-10k",
    )
    table.notes.append(
        f"{len(chain.never_served())} required hand-off(s) of the 1% model can never be "
        "served (validate warns about them)."
    )


def bench_scoped_upstream(
    table: Table, model: servicekit.ServiceModel, seed: int, count: int
) -> None:
    """A customer-scoped upstream vs the unscoped one, on the same touchpoints of one customer.

    As for the unscoped query (whose adjacency is built once, by the first query), the
    median leaves out the first query for the customer, which builds its chain; the
    notes give that first query's time.
    """
    chain = model.chain
    customer = sorted(model.customers)[0]
    serving = sorted(
        t.id for t in model.touchpoints.values() if not t.customers or customer in t.customers
    )
    picks = random.Random(seed).sample(serving, min(len(serving), count))
    pairs = [(t, customer) for t in picks]
    cold(chain)
    first_t, first_c = pairs[0]
    first, _ = timed(lambda: chain.upstream(first_t, customer=first_c))
    scoped, plain = [], []
    for t, c in pairs:
        took, found = timed(lambda t=t, c=c: chain.upstream(t, customer=c))
        scoped.append(took)
        took, everything = timed(lambda t=t: chain.upstream(t))
        plain.append(took)
        assert set(found.ids) <= set(everything.ids) | {c}, t
    a, b = statistics.median(scoped), statistics.median(plain)
    table.add(
        f"customer-scoped upstream vs unscoped, one query (median of {len(pairs)})",
        a,
        b,
        "<= 1.5x",
        a <= 1.5 * b,
        short="upstream-customer",
    )
    table.notes.append(
        f"the first query for customer {customer} also builds that customer's chain: "
        f"{first * 1000:.1f} ms in all (then every query on it costs the median above)."
    )


def bench_culture(table: Table, model: servicekit.ServiceModel, load: float) -> None:
    """audit, coverage and report vs the time loading the model took."""
    from servicekit.culture.report import build
    from servicekit.render.text import report_text

    chain = model.chain
    cold(chain)
    gc.collect()
    took, findings = timed(lambda: model.audit())
    table.add(
        f"audit ({len(findings)} findings) vs loading the model",
        took,
        load,
        "<= 1x",
        took <= load,
        short="audit",
    )
    gc.collect()
    took, _ = timed(lambda: model.coverage())
    table.add("coverage vs loading the model", took, load, "<= 1x", took <= load, short="coverage")
    gc.collect()
    budget = max(60.0, 3 * load)
    took, _ = within(budget, lambda: report_text(build(model, path="model.yaml")))
    if took is None:
        table.rows.append(
            (
                "report (build and text) vs loading the model",
                f"> {budget:.0f} s (stopped)",
                _show(load, "s"),
                f"> {budget / load:.1f}x",
                "<= 1x",
                "NO",
            )
        )
        table.ratios["report"] = f"> {budget / load:.1f}x"
        print(f"  report: stopped after {budget:.0f} s", file=sys.stderr, flush=True)
    else:
        table.add(
            "report (build and text) vs loading the model",
            took,
            load,
            "<= 1x",
            took <= load,
            short="report",
        )


def bench_trace(table: Table, model: servicekit.ServiceModel, picks: list[str]) -> None:
    """trace: own time per query (median)."""
    chain = model.chain
    times = []
    for t in picks:
        took, suspects = timed(lambda t=t: chain.trace(t))
        times.append(took)
    table.add(
        f"trace, one query (median of {len(picks)}; own time)", statistics.median(times), None
    )
    table.notes.append(f"the last trace named {len(suspects):,} suspects.")


#: How many edges up the depth-limited selectors reach (``N+touchpoint``): SPEC's own
#: example (2+pickup), and a deeper one whose walk, not the call, dominates.
SELECT_DEPTHS = (2, 6)


def bench_select(table: Table, model: servicekit.ServiceModel, picks: list[str]) -> None:
    """``chain.select("N+t")`` vs the ``upstream(t, depth=N)`` query it rests on."""
    chain = model.chain
    for depth in SELECT_DEPTHS:
        ours, theirs, sizes = [], [], []
        for t in picks:
            selector = f"{depth}+{t}"
            fastest_ours = fastest_theirs = float("inf")
            for _ in range(25):  # the fastest of 25, alternating: these take microseconds
                t_theirs, found = timed(lambda t=t, d=depth: chain.upstream(t, depth=d))
                t_ours, selected = timed(lambda s=selector: chain.select(s))
                fastest_ours = min(fastest_ours, t_ours)
                fastest_theirs = min(fastest_theirs, t_theirs)
            assert set(selected) == {t, *found.ids}, t
            ours.append(fastest_ours)
            theirs.append(fastest_theirs)
            sizes.append(len(selected))
        a, b = statistics.median(ours), statistics.median(theirs)
        table.add(
            f"select '{depth}+touchpoint' vs upstream(touchpoint, depth={depth}) "
            f"(median of {len(picks)}; {min(sizes):,}-{max(sizes):,} nodes)",
            a,
            b,
            "<= 1.2x",
            a <= 1.2 * b,
            short=f"select {depth}+",
        )


def edited(model: servicekit.ServiceModel, seed: int) -> tuple[servicekit.ServiceModel, str]:
    """``model`` after a pull request's worth of edits, and what they were.

    One fail point's rate changed, one hand-off moved to another receiver, and a new
    role added that hands off to an existing one: edits at seeded random places.
    """
    rng = random.Random(seed)
    roles = dict(model.roles)
    ids = sorted(roles)
    with_fail_points = [r for r in ids if any(h.fail_points for h in roles[r].serves)]
    rated = roles[rng.choice(with_fail_points)]
    serves = list(rated.serves)
    at = next(i for i, h in enumerate(serves) if h.fail_points)
    first, *rest = serves[at].fail_points
    serves[at] = attrs.evolve(
        serves[at], fail_points=[attrs.evolve(first, rate=min(1.0, first.rate * 1.5)), *rest]
    )
    roles[rated.id] = attrs.evolve(rated, serves=serves)
    giving = [r for r in ids if roles[r].serves and r != rated.id]
    mover = roles[rng.choice(giving)]
    moved = list(mover.serves)
    old_target = moved[0].to
    new_target = rng.choice([r for r in ids if r not in {old_target, mover.id}])
    moved[0] = attrs.evolve(moved[0], to=new_target)
    roles[mover.id] = attrs.evolve(mover, serves=moved)
    target = rng.choice(ids)
    roles["bench-new-role"] = servicekit.Role(
        id="bench-new-role", department=roles[target].department, serves=[target]
    )
    what = (
        f"rate of a fail point on {rated.id}'s hand-off changed; {mover.id}'s hand-off to "
        f"{old_target} moved to {new_target}; a new role handing off to {target}"
    )
    return attrs.evolve(model, roles=roles), what


def bench_diff(table: Table, path: Path, workdir: Path, label: str, seed: int) -> None:
    """``servicekit.diff(old, new)`` vs loading both models, on two versions of the model."""
    new_path = workdir / f"{path.stem}-edited.yaml"
    if not new_path.exists():
        edit, what = edited(servicekit.load(path), seed)
        servicekit.save(edit, new_path)
        (workdir / f"{path.stem}-edited.txt").write_text(what, encoding="utf-8")
    what = (workdir / f"{path.stem}-edited.txt").read_text(encoding="utf-8")
    gc.collect()
    t_old, old = timed(lambda: servicekit.load(path))
    t_new, new = timed(lambda: servicekit.load(new_path))
    loading = t_old + t_new
    gc.collect()
    took, change = timed(lambda: servicekit.diff(old, new))
    table.add(
        "diff of two versions (chains and audits included) vs loading both",
        took,
        loading,
        "",
        None,
        short="diff",
    )
    table.add(
        "load both + diff (servicekit diff OLD NEW) vs loading both",
        loading + took,
        loading,
        "<= 2x",
        loading + took <= 2 * loading,
        short="load+diff",
    )
    entered = sum(len(t.entered) + len(t.left) for t in change.touchpoints)
    critical = sum(len(t.critical_entered) + len(t.critical_left) for t in change.touchpoints)
    suspects = sum(len(t.suspects) for t in change.touchpoints)
    table.notes.append(
        f"diff edits: {what}. It found {len(change.entities)} entity and "
        f"{len(change.handoffs)} hand-off changes; {len(change.touchpoints):,} touchpoints "
        f"changed ({entered:,} upstream, {critical:,} critical and {suspects:,} suspect "
        f"changes); {len(change.new_findings)} new findings, "
        f"{len(change.resolved_findings)} resolved."
    )


def plain_data(model: servicekit.ServiceModel) -> dict[str, Any]:
    """The model as plain dicts and lists: what both sides of the memory measure build from."""

    def fields(entity: Any) -> dict[str, Any]:
        return attrs.asdict(entity, recurse=True)

    roles = []
    for role in model.roles.values():
        data = fields(role)
        data["catches"] = dict(role.catches)
        roles.append(data)
    return {
        "name": model.name,
        "customers": [fields(c) for c in model.customers.values()],
        "roles": roles,
        "touchpoints": [fields(t) for t in model.touchpoints.values()],
        "principles": list(model.principles.values()),
    }


def build_model(plain: dict[str, Any]) -> servicekit.ServiceModel:
    """A ServiceModel (and its chain) built from plain data, as the loader would."""
    roles = [
        servicekit.Role(
            **{
                **r,
                "serves": [
                    servicekit.Handoff(
                        **{
                            **h,
                            "fail_points": [servicekit.FailPoint(**f) for f in h["fail_points"]],
                        }
                    )
                    for h in r["serves"]
                ],
            }
        )
        for r in plain["roles"]
    ]
    model = servicekit.ServiceModel(
        name=plain["name"],
        customers=[servicekit.Customer(**c) for c in plain["customers"]],
        roles=roles,
        touchpoints=[servicekit.Touchpoint(**t) for t in plain["touchpoints"]],
        principles=plain["principles"],
    )
    model.chain  # noqa: B018 - build the chain too
    return model


def build_bare(plain: dict[str, Any]) -> nx.DiGraph:
    """A bare networkx graph with the same nodes, edges and attributes, as plain dicts."""

    def copy(data: dict[str, Any]) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, list) else v for k, v in data.items()}

    bare = nx.DiGraph(name=plain["name"])
    for kind in ("customers", "roles", "touchpoints"):
        for data in plain[kind]:
            attributes = copy(data)
            attributes.pop("serves", None)
            if kind == "roles":
                attributes["catches"] = dict(data["catches"])
                attributes["role_kind"] = attributes.pop("kind")  # person or system
            bare.add_node(data["id"], kind=kind[:-1], **attributes)
    succ = bare._succ
    for role in plain["roles"]:
        for h in role["serves"]:
            handoff = copy(h)
            handoff["fail_points"] = [dict(f) for f in h["fail_points"]]
            if h["to"] in succ[role["id"]]:
                succ[role["id"]][h["to"]]["handoffs"].append(handoff)
            else:
                bare.add_edge(role["id"], h["to"], kind="handoff", handoffs=[handoff])
    for t in plain["touchpoints"]:
        bare.add_edge(t["role"], t["id"], kind="serves")
        bare.add_edges_from((t["id"], c, {"kind": "customer"}) for c in t["customers"])
        bare.add_edges_from((t["id"], r, {"kind": "feeds"}) for r in t["feeds"])
    return bare


def traced(work: Callable[[], Any]) -> tuple[int, int]:
    """tracemalloc (peak, retained) bytes of ``work``, with what it returns still held."""
    gc.collect()
    tracemalloc.start()
    kept = work()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    gc.collect()
    return peak, current


def bench_memory(table: Table, model: servicekit.ServiceModel) -> None:
    """tracemalloc peak of building model + chain vs a bare networkx graph, from the same data."""
    plain = plain_data(model)
    n = len(model.chain.graph)
    del model
    peak, current = traced(lambda: build_model(plain))
    bare_peak, bare_current = traced(lambda: build_bare(plain))
    table.add(
        "memory: building model + chain vs a bare nx graph with the same attributes "
        "(tracemalloc peak)",
        peak,
        bare_peak,
        "<= 2x",
        peak <= 2 * bare_peak,
        unit="MB",
        short="memory",
    )
    table.notes.append(
        f"per node: model + chain {current / n:,.0f} B retained ({peak / n:,.0f} B peak); "
        f"bare networkx graph {bare_current / n:,.0f} B ({bare_peak / n:,.0f} B peak)."
    )


LOAD_RSS = r"""
import gc, json, os, sys, servicekit
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
servicekit.loads("servicekit: 1\nroles: [{id: a, serves: [b]}, {id: b}]\n")
gc.collect()
before = status("VmRSS")
model = servicekit.load(sys.argv[1], max_bytes=1 << 40)
peak = status("VmHWM") - before
gc.collect()
held = status("VmRSS") - before
print(json.dumps({"size": os.path.getsize(sys.argv[1]), "peak": peak, "model": held}))
"""


def load_memory(path: Path) -> dict[str, int]:
    """Peak resident memory of loading ``path`` in a fresh process (Linux's VmHWM, over
    what the process held before), the memory its model keeps, and the file's size."""
    out = subprocess.run(
        [sys.executable, "-c", LOAD_RSS, str(path)], check=True, capture_output=True, text=True
    ).stdout
    found: dict[str, int] = json.loads(out)
    return found


def bench_load_memory(table: Table, path: Path, what: str) -> None:
    """Peak memory while loading over the file's size, against the bound: 10x the file
    plus the model built."""
    found = load_memory(path)
    size, peak, model = found["size"], found["peak"], found["model"]
    bound = 10 * size + model
    table.add(
        f"peak memory loading {what} (resident, fresh process) vs 10x file + model",
        peak,
        bound,
        "<= 1x",
        peak <= bound,
        unit="MB",
        short="load memory",
    )
    table.notes.append(
        f"loading {what}: peak {peak / size:.1f}x the file's {size / 1e6:.1f} MB; the model "
        f"keeps {model / size:.1f}x; peak over and above the model: {(peak - model) / size:.1f}x."
    )


def bench_report(table: Table, model: servicekit.ServiceModel, path: Path) -> None:
    """servicekit report's JSON, written out, vs the time servicekit.load took (the text
    report is timed with audit and coverage)."""
    import io
    import json as json_module

    from servicekit.culture.report import build
    from servicekit.render.json import report_json

    gc.collect()
    took, _ = timed(
        lambda: json_module.dump(report_json(build(model, path=str(path))), io.StringIO())
    )
    table.add(
        "report (JSON, written out) vs loading the model",
        took,
        table.loaded,
        "<= 1x",
        took <= table.loaded,
        short="report JSON",
    )


# --- evidence: complaints and hand-off logs ---------------------------------------------

#: Busy touchpoints the generated complaints fall on (three categories each).
COMPLAINT_TOUCHPOINTS = 8


def bench_attribute(
    table: Table, model: servicekit.ServiceModel, load: float, rows: int, workdir: Path, seed: int
) -> None:
    """model.attribute on a complaints CSV vs the time the model took to load."""
    path = workdir / f"complaints-{rows}-seed{seed}.csv"
    generate.write_complaints(model, rows, path, COMPLAINT_TOUCHPOINTS, seed)
    gc.collect()
    ours, found = timed(lambda: model.attribute(path))
    table.add(
        f"attribute, {rows:,} complaint rows (vs loading the model)",
        ours,
        load,
        "<= 1x",
        ours <= load,
        short="attribute",
    )
    table.notes.append(
        f"the complaints fall on {COMPLAINT_TOUCHPOINTS} touchpoints in 3 categories each: "
        f"{len(found.groups)} groups, one trace each; {len(found.by_role):,} roles get "
        "complaints. Attribution costs a trace per group, not per row."
    )


CONFORM_PEAK = r"""
import gc, resource, sys, servicekit

def status(key):
    with open("/proc/self/status") as lines:
        for line in lines:
            if line.startswith(key):
                return int(line.split()[1]) * 1024

model = servicekit.load(sys.argv[1])
model.chain
gc.collect()
before = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as refs:  # the peak so far is the load's: reset it
    refs.write("5")
found = model.conformance(sys.argv[2], unknown_roles="ignore")
answers = [c.designed for c in found.customers.values()]  # every customer's answer too
print(before, status("VmHWM:"))
"""


#: The roles a generated hand-off log covers: one service line, as a process-mining export
#: covers one process (the BPI Challenge logs name between 100 and 600 resources).
LOG_ROLES = 400


def bench_conform(
    table: Table,
    model: servicekit.ServiceModel,
    model_path: Path,
    events: int,
    workdir: Path,
    seed: int,
) -> None:
    """model.conformance on generated CSV logs vs csv.reader merely reading them (the best
    of three runs each, taken in turn); and the peak memory of a fresh process doing it.

    SPEC's target is measured on the log of one service line (``LOG_ROLES`` roles upstream
    of a few touchpoints, as a real export). A log whose cases wander the whole model is
    measured beside it without a target: its hundreds of thousands of distinct hand-offs
    make an answer nearly as big as the log.
    """
    line = generate.service_line(model, LOG_ROLES, seed)
    logs = (
        (f"one service line, {len(line)} roles", "line", line, True),
        (f"cases across all {len(model.roles):,} roles", "whole", None, False),
    )
    for what, name, roles, targeted in logs:
        path = workdir / f"log-{name}-{events}-seed{seed}.csv"
        if not path.exists():
            generate.write_log(model, events, path, seed, roles=roles)

        def read(path: Path = path) -> None:
            with path.open(newline="", encoding="utf-8") as stream:
                for _ in csv.reader(stream):
                    pass

        raw = ours = float("inf")
        found: Any = None
        for _ in range(3):
            gc.collect()
            raw = min(raw, timed(read)[0])
            gc.collect()
            took, found = timed(lambda path=path: model.conformance(path, unknown_roles="ignore"))
            ours = min(ours, took)
        short = "conform" if targeted else "conform (whole model)"
        table.add(
            f"conform, {events:,}-event CSV log of {what} (vs csv.reader merely reading it)",
            ours,
            raw,
            "<= 3x" if targeted else "none: see note",
            ours <= 3 * raw if targeted else None,
            short=short,
        )
        observed = len(found.designed) + len(found.undocumented)
        gc.collect()
        every, _ = timed(lambda found=found: [c.designed for c in found.customers.values()])
        table.notes.append(
            f"{short}: the log ({path.stat().st_size / 1e6:.0f} MB) has {found.cases:,} cases "
            f"and {observed:,} distinct hand-offs ({len(found.undocumented):,} undocumented), "
            f"{len(found.customers)} customers, fitness {found.fitness:.3f}; working out every "
            f"customer's answer afterwards took {every:.2f} s more."
        )
        out = subprocess.run(
            [sys.executable, "-c", CONFORM_PEAK, str(model_path), str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        before, peak = (int(x) for x in out.split())
        table.add(
            f"{short}: peak memory over the loaded model (a fresh process, Linux VmHWM)",
            peak - before,
            None,
            "< 300 MB",
            peak - before < 300e6,
            unit="MB",
            short=f"{short} memory",
        )
        table.notes.append(
            f"{short}'s process: {before / 1e6:.0f} MB resident with the model loaded, "
            f"{peak / 1e6:.0f} MB at its peak while reading the log."
        )


def bench_startup() -> list[tuple[str, float, bool]]:
    """Median wall time of ``servicekit --help`` and ``servicekit validate --help``.

    Help must not import the library (SPEC: under 0.3 s each).
    """
    exe = shutil.which("servicekit")
    found = []
    for argv in (["--help"], ["validate", "--help"]):
        command = [exe, *argv] if exe else [sys.executable, "-m", "servicekit", *argv]
        subprocess.run(command, capture_output=True, check=True)
        times = []
        for _ in range(7):
            took, _ = timed(lambda c=command: subprocess.run(c, capture_output=True, check=True))
            times.append(took)
        median = statistics.median(times)
        found.append((" ".join(["servicekit", *argv]), median, median < 0.3))
    return found


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # pragma: no cover - not Linux
        pass
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not Unix
        load = "?"
    return [
        f"CPU: {cpu}, {os.cpu_count()} logical cores (load average at the end: {load})",
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}",
        f"networkx {nx.__version__}, PyYAML {yaml.__version__}, "
        f"libyaml {'present' if yaml.__with_libyaml__ else 'MISSING'}, "
        f"servicekit {servicekit.__version__}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated: 10k,100k,1M")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None, help="where models are written")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measure")
    parser.add_argument("--no-evidence", action="store_true", help="skip attribute and conform")
    args = parser.parse_args(argv)
    labels = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; choose from {list(SIZES)}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="servicekit-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args.workdir_path = workdir
    started = time.perf_counter()
    tables = []
    for label in labels:
        size_started = time.perf_counter()
        print(f"{label}: generating", file=sys.stderr, flush=True)
        path = model_file(label, SIZES[label], args.seed, workdir)
        table = Table(f"{label} nodes ({path.stat().st_size / 1e6:.1f} MB of YAML)")
        model, load = bench_load(table, path)
        rng = random.Random(args.seed)
        touchpoints = sorted(model.touchpoints)
        picks = rng.sample(touchpoints, min(len(touchpoints), 7 if label != "1M" else 5))
        bench_upstream(table, model, picks)
        bench_scoped_upstream(table, model, args.seed, len(picks))
        bench_upstream_of_all(table, model, label)
        bench_critical(table, model, picks[: 7 if label == "10k" else 3], label)
        if label == "10k":
            bench_required(table, workdir, args.seed)
        bench_trace(table, model, picks[: 5 if label != "1M" else 1])
        bench_select(table, model, picks)
        if label != "1M":
            bench_diff(table, path, workdir, label, args.seed)
            bench_culture(table, model, load)
            bench_report(table, model, path)
        if not args.no_evidence and label != "1M":
            bench_attribute(table, model, load, SIZES[label], args.workdir_path, args.seed)
            bench_conform(table, model, path, SIZES[label] * 10, args.workdir_path, args.seed)
        if args.no_memory:
            pass
        elif label != "1M":
            bench_memory(table, model)
            bench_load_memory(table, path, f"the {label} model")
        else:
            bench_load_memory(table, path, f"the {label} model")
            table.notes.append(
                "memory is not traced at 1M: tracemalloc over building a million entities "
                "takes minutes (the per-node figures at 10k and 100k are flat)."
            )
        del model
        gc.collect()
        table.notes.append(f"this size took {time.perf_counter() - size_started:.0f} s in all.")
        tables.append(table)
        print(table.markdown() + "\n", flush=True)
    if not args.no_memory:
        flow = workdir / "flow-lists-10MB.yaml"
        if not flow.exists():
            flow.write_text(generate.flow_text(10_000_000, args.seed), encoding="utf-8")
        size = flow.stat().st_size / 1e6
        table = Table(f"flow-lists: the adversarial model, written as flow lists ({size:.1f} MB)")
        bench_load_memory(table, flow, "the flow-list model")
        tables.append(table)
        print(table.markdown() + "\n", flush=True)
    for what, startup, ok in bench_startup():
        shown = f"{startup * 1000:.0f} ms (target < 300 ms: {'yes' if ok else 'NO'})"
        print(f"Start-up: {what}: {shown}")
    print()
    print("### Summary (servicekit / raw library; lower is better)")
    print()
    keys = list(dict.fromkeys(k for t in tables for k in t.ratios))
    print("| measure | " + " | ".join(t.label.split(" ")[0] for t in tables) + " |")
    print("|---|" + "---|" * len(tables))
    for key in keys:
        print(f"| {key} | " + " | ".join(t.ratios.get(key, "") for t in tables) + " |")
    print()
    print("Machine:")
    for line in machine():
        print(f"- {line}")
    print(f"- whole run: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
