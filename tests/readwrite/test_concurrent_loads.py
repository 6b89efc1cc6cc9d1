"""Loads in several threads at once: right answers, and the collector left as it was.

Loading pauses Python's cyclic garbage collector, a switch for the whole process; a load
that ends while another thread's load goes on must not turn it back on under that load,
and the last one to end must restore it.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import servicekit
from servicekit.readwrite.reader import Reader

MODEL = "servicekit: 1\nroles: [{id: a, serves: [b]}, {id: b}]\n"


@contextmanager
def collector_on() -> Iterator[None]:
    """The cyclic collector on for a test, as it was afterwards."""
    before = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not before:
            gc.disable()


@pytest.mark.parametrize("first_out", ["first-in", "last-in"])
def test_collector_stays_off_while_another_thread_loads(
    first_out: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two overlapping loads: whichever ends first leaves the collector off under the
    other, and the last to end turns it back on."""
    inside = {name: threading.Event() for name in ("a", "b")}
    release = {name: threading.Event() for name in ("a", "b")}
    real = Reader.item

    def held(self: Reader, *args: Any) -> None:
        name = threading.current_thread().name
        if not inside[name].is_set():
            inside[name].set()
            assert release[name].wait(10)
        real(self, *args)

    monkeypatch.setattr(Reader, "item", held)
    with collector_on():
        threads = {
            name: threading.Thread(target=servicekit.loads, args=(MODEL,), name=name)
            for name in ("a", "b")
        }
        for name in ("a", "b"):  # a starts reading first, then b
            threads[name].start()
            assert inside[name].wait(10)
        first, last = ("a", "b") if first_out == "first-in" else ("b", "a")
        release[first].set()
        threads[first].join()
        assert not gc.isenabled()
        release[last].set()
        threads[last].join()
        assert gc.isenabled()


def test_collector_left_off_when_it_was_off() -> None:
    """A load never turns on a collector the program had turned off."""
    before = gc.isenabled()
    gc.disable()
    try:
        servicekit.loads(MODEL)
        assert not gc.isenabled()
    finally:
        if before:
            gc.enable()


def test_many_threads_loading_get_their_models_and_restore_the_collector() -> None:
    """Eight threads loading sixty models between them: right models, collector back on."""
    barrier = threading.Barrier(8)
    texts = [
        f"servicekit: 1\nname: m{n}\nroles: [{{id: r{n}, serves: [s{n}]}}, {{id: s{n}}}]\n"
        for n in range(60)
    ]
    found: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(start: int) -> None:
        barrier.wait()
        try:
            for number in range(start, 60, 8):
                model = servicekit.loads(texts[number])
                found[number] = model.name
                assert list(model.roles) == [f"r{number}", f"s{number}"]
        except BaseException as err:
            errors.append(err)

    with collector_on():
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert gc.isenabled()
    assert errors == []
    assert found == {n: f"m{n}" for n in range(60)}


def test_a_child_forked_during_a_load_has_its_collector_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process forked while another thread loads (its collector paused) gets the collector
    back: the loading thread does not exist in the child to turn it on."""
    inside, release = threading.Event(), threading.Event()
    real = Reader.item

    def held(self: Reader, *args: Any) -> None:
        inside.set()
        assert release.wait(10)
        real(self, *args)

    monkeypatch.setattr(Reader, "item", held)
    with collector_on():
        loading = threading.Thread(target=servicekit.loads, args=(MODEL,))
        loading.start()
        assert inside.wait(10)
        assert not gc.isenabled()
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through the pipe
            answer = b"1" if gc.isenabled() else b"0"
            os.write(write, answer)
            os._exit(0)
        os.close(write)
        answer = os.read(read, 1)
        os.close(read)
        os.waitpid(child, 0)
        release.set()
        loading.join()
        assert gc.isenabled()
    assert answer == b"1"
