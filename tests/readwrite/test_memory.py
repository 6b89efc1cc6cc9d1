"""Loading holds at most ten times the file's size on top of the model it builds.

Each case loads a model in a fresh interpreter under ``tracemalloc`` (after a warm-up
load, so that imports are not counted) and compares the peak of the Python memory in use
with the bound: 10x the file's size plus what the returned model holds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import servicekit

#: Loads the model at argv[1] under tracemalloc; prints its size, the peak and the model.
MEASURE = r"""
import gc, json, os, sys, tracemalloc
import servicekit
servicekit.loads("servicekit: 1\nroles: [{id: a, serves: [b]}, {id: b}]\n")
gc.collect()
tracemalloc.start()
model = servicekit.load(sys.argv[1])
peak = tracemalloc.get_traced_memory()[1]
gc.collect()
held = tracemalloc.get_traced_memory()[0]
print(json.dumps({"size": os.path.getsize(sys.argv[1]), "peak": peak, "model": held}))
"""


def measured(path: Path) -> dict[str, int]:
    """Size, peak and model bytes of loading ``path`` in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], check=True, capture_output=True, text=True
    )
    found: dict[str, int] = json.loads(out.stdout)
    return found


def dense_list(items: int) -> str:
    """One customer whose needs are a flow list of one-letter entries: two bytes an entry."""
    return "servicekit: 1\ncustomers: [{id: c, needs: [" + ",".join("a" * items) + "]}]\n"


def reference_list(items: int) -> str:
    """One touchpoint serving the same customer, over and over, in one flow list."""
    return (
        "servicekit: 1\ncustomers: [{id: c}]\nroles: [{id: r}]\n"
        "touchpoints: [{id: t, role: r, customers: [" + ",".join("c" * items) + "]}]\n"
    )


def tiny_entities(count: int) -> str:
    """Many customers with nothing but an id, all in one flow list."""
    return "servicekit: 1\ncustomers: [" + ",".join(f"{{id: c{i}}}" for i in range(count)) + "]\n"


def flow_organisation(count: int) -> str:
    """Roles written as flow mappings in one flow list, each serving the next two."""
    roles = ", ".join(f"{{id: r{i}, serves: [r{i + 1}, r{i + 2}]}}" for i in range(count))
    tail = f"{{id: r{count}}}, {{id: r{count + 1}}}"
    customers = ", ".join(f"{{id: c{i}, needs: [{', '.join('n' * 20)}]}}" for i in range(count))
    return f"servicekit: 1\ncustomers: [{customers}]\nroles: [{roles}, {tail}]\n"


def block_organisation(count: int) -> str:
    """Roles in block style, each with a hand-off carrying a fail point."""
    lines = ["servicekit: 1", "roles:"]
    for i in range(count):
        lines += [
            f"  - id: r{i}",
            f"    department: d{i % 7}",
            "    serves:",
            f"      - to: r{i + 1}",
            f"        fail_points: [{{id: f{i}, category: stain, rate: 0.01}}]",
        ]
    lines.append(f"  - id: r{count}")
    return "\n".join(lines) + "\n"


SHAPES = {
    "dense-flow-list": lambda: dense_list(150_000),
    "flow-list-of-references": lambda: reference_list(150_000),
    "tiny-entities": lambda: tiny_entities(15_000),
    "flow-organisation": lambda: flow_organisation(2_500),
    "block-organisation": lambda: block_organisation(2_500),
}


@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_peak_memory_is_bounded_by_the_file_and_the_model(shape: str, tmp_path: Path) -> None:
    """Peak memory while loading stays under 10x the file size plus the model built."""
    path = tmp_path / "model.yaml"
    path.write_text(SHAPES[shape](), encoding="utf-8")
    servicekit.load(path)  # valid: the bound is about models that load
    found = measured(path)
    bound = 10 * found["size"] + found["model"]
    assert found["peak"] <= bound, found


def test_reading_a_file_holds_no_more_than_the_file(tmp_path: Path) -> None:
    """A small file is read without reserving room for the largest file allowed."""
    path = tmp_path / "model.yaml"
    path.write_text("servicekit: 1\nname: small\n", encoding="utf-8")
    found = measured(path)
    assert found["peak"] < 1_000_000, found
