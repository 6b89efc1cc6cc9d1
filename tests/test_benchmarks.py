"""The benchmark generator makes valid, layered models (no timing here: benchmarks are scripts)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import networkx as nx
import pytest

import servicekit

GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    """benchmarks/generate.py, imported from its path."""
    spec = importlib.util.spec_from_file_location("generate", GENERATE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("nodes", [10, 500, 3000], ids=["smallest", "500", "3000"])
def test_generated_model_loads_with_the_asked_size(generate: ModuleType, nodes: int) -> None:
    """servicekit.loads accepts the output, and the chain has exactly ``nodes`` nodes."""
    model = servicekit.loads(generate.model_text(nodes, seed=3))
    assert model.chain.graph.number_of_nodes() == nodes


def test_generated_model_is_layered_with_rework_loops(generate: ModuleType) -> None:
    """Rework cycles, fail points on about a third of hand-offs, catches and a front line."""
    model = servicekit.loads(generate.model_text(3000, seed=1))
    graph = model.chain.graph
    cycles = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles
    handoffs = [h for r in model.roles.values() for h in r.serves]
    with_fail_points = sum(1 for h in handoffs if h.fail_points)
    assert 0.25 < with_fail_points / len(handoffs) < 0.42
    assert any(r.catches for r in model.roles.values())
    front_line = {t.role for t in model.touchpoints.values()}
    assert 0.05 < len(front_line) / len(model.roles) < 0.15
    assert any(t.feeds for t in model.touchpoints.values())
    assert all(model.chain.upstream(t) for t in model.touchpoints)


def test_generator_is_seeded(generate: ModuleType) -> None:
    """The same seed gives the same text; another seed another model."""
    assert generate.model_text(800, seed=5) == generate.model_text(800, seed=5)
    assert generate.model_text(800, seed=5) != generate.model_text(800, seed=6)


def test_generator_refuses_tiny_sizes(generate: ModuleType) -> None:
    """Fewer than ten nodes cannot hold a layered organisation."""
    with pytest.raises(ValueError, match="nodes must be at least 10, got 9"):
        generate.model_text(9)


def test_generator_command_line_writes_the_file(generate: ModuleType, tmp_path: Path) -> None:
    """``python benchmarks/generate.py N OUT`` writes a model servicekit.load reads."""
    out = tmp_path / "org.yaml"
    assert generate.main(["200", str(out), "--seed", "2"]) == 0
    assert servicekit.load(out).chain.graph.number_of_nodes() == 200


def test_flow_list_model_is_valid_and_about_the_asked_size(generate: ModuleType) -> None:
    """The adversarial flow-list model loads, about as big as asked, all on a few lines."""
    text = generate.flow_text(200_000, seed=1)
    assert 200_000 <= len(text.encode()) < 210_000
    assert text.count("\n") == 4
    model = servicekit.loads(text)
    assert len(model.customers) > 100
    assert all(len(c.needs) == 40 for c in model.customers.values())
    assert model.chain.downstream("r0")


def test_generated_model_speaks_revision_2(generate: ModuleType) -> None:
    """Declared starts, required hand-offs, segments, systems, headcounts and unrated rates."""
    model = servicekit.loads(generate.model_text(3000, seed=1, required=0.01))
    roles = list(model.roles.values())
    handoffs = [h for r in roles for h in r.serves]
    assert any(r.starts for r in roles)
    assert 0.005 < sum(h.required for h in handoffs) / len(handoffs) < 0.02
    assert 0.03 < sum(h.for_ is not None for h in handoffs) / len(handoffs) < 0.08
    assert 0.01 < sum(r.kind == "system" for r in roles) / len(roles) < 0.04
    assert any(r.headcount == 1 for r in roles)
    assert any(r.backup for r in roles)
    rates = [fp.rate for h in handoffs for fp in h.fail_points]
    assert 0.1 < sum(rate is None for rate in rates) / len(rates) < 0.3
    default = servicekit.loads(generate.model_text(3000, seed=1))
    assert sum(h.required for r in default.roles.values() for h in r.serves) > 0
