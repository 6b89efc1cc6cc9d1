"""Every query and result can be read from many threads at once, with the same answers.

Threads start together (a barrier) with a tiny switch interval so their steps interleave
as much as the interpreter allows; every answer is compared with the one-thread answer.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx
import pytest

import servicekit
from servicekit import ServiceModel
from servicekit.chain import results

THREADS = 8


@contextmanager
def interleaved() -> Iterator[None]:
    """Threads switch as often as the interpreter lets them."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def in_threads(work: Callable[[int], Any], count: int = THREADS) -> list[Any]:
    """``work(n)`` in ``count`` threads started together; every result, or the first error."""
    barrier = threading.Barrier(count)
    found: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(number: int) -> None:
        barrier.wait()
        try:
            found[number] = work(number)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    with interleaved():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    return found


def layered(layers: int = 6, width: int = 12) -> ServiceModel:
    """A layered organisation with rework loops and many touchpoints."""
    lines = ["servicekit: 1", "customers: [{id: c}]", "roles:"]
    for layer in range(layers):
        for n in range(width):
            targets = (
                [f"r{layer + 1}-{(n + k) % width}" for k in (0, 1)] if layer + 1 < layers else []
            )
            if layer and n % 5 == 0:
                targets.append(f"r{layer - 1}-{n}")  # a rework loop
            lines.append(f"  - {{id: r{layer}-{n}, serves: [{', '.join(targets)}]}}")
    lines.append("touchpoints:")
    for n in range(width):
        lines.append(f"  - {{id: t{n}, role: r{layers - 1}-{n}, customers: [c]}}")
    return servicekit.loads("\n".join(lines) + "\n")


def expected_upstream(model: ServiceModel) -> dict[str, frozenset[str]]:
    """Every touchpoint's upstream ids, from networkx."""
    graph = model.chain.graph
    return {t: frozenset(nx.ancestors(graph, t)) for t in model.touchpoints}


def test_sliced_upstream_sets_read_from_many_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """upstream_of_all in its sliced layout, with its shared cache evicting all the time,
    gives every thread the right sets."""
    model = layered()
    expected = expected_upstream(model)
    monkeypatch.setattr(results, "KEEP_BITS", 8)  # slice, and keep almost nothing
    monkeypatch.setattr(results, "WINDOW", 4)
    everything = model.chain.upstream_of_all()
    order = sorted(expected)

    def read(number: int) -> dict[str, frozenset[str]]:
        seen = {}
        for round_ in range(20):
            for touchpoint in order[number % 3 :] + order[: number % 3]:
                upstream = everything[touchpoint]
                seen[touchpoint] = frozenset(upstream)
                assert len(upstream) == len(expected[touchpoint])
                assert all(node in upstream for node in expected[touchpoint])
                assert (round_ % 2 == 0) or upstream == expected[touchpoint]
        return seen

    for found in in_threads(read):
        assert found == expected


QUERIES: dict[str, Callable[[servicekit.ServiceChain], Any]] = {
    "upstream": lambda chain: [tuple(chain.upstream(t)) for t in sorted(chain.model.touchpoints)],
    "downstream": lambda chain: [tuple(chain.downstream(r)) for r in sorted(chain.model.roles)],
    "critical": lambda chain: [chain.critical(t) for t in sorted(chain.model.touchpoints)],
    "trace": lambda chain: [tuple(chain.trace(t)) for t in sorted(chain.model.touchpoints)],
    "upstream_of_all": lambda chain: {t: frozenset(s) for t, s in chain.upstream_of_all().items()},
    "customers_of": lambda chain: [chain.customers_of(r) for r in sorted(chain.model.roles)],
    "mermaid": lambda chain: chain.to_mermaid(),
}


@pytest.mark.parametrize("query", list(QUERIES), ids=list(QUERIES))
def test_queries_on_a_cold_chain_from_many_threads(query: str) -> None:
    """Threads asking a fresh chain at once (its caches cold) all get the one-thread answer."""
    expected = QUERIES[query](layered().chain)
    model = layered()
    for found in in_threads(lambda _: QUERIES[query](model.chain)):
        assert found == expected


def test_chain_is_built_once_for_threads_asking_at_once() -> None:
    """model.chain asked by many threads at once is one object, built once."""
    model = layered()
    chains = in_threads(lambda _: model.chain)
    assert all(chain is chains[0] for chain in chains)
    assert model.chain is chains[0]


def test_cached_answers_are_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chain's component index is computed once however many threads need it."""
    from servicekit.chain import algorithms

    built = []
    real = algorithms.ComponentIndex.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(algorithms.ComponentIndex, "__init__", counting)
    model = layered()
    in_threads(lambda _: model.chain.critical("t0"))
    assert len(built) == 1
