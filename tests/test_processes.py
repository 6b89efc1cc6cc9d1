"""Models, results and errors cross process boundaries: pickle, copy and process pools.

servicekit runs inside process pools and distributed engines (Dask, Ray, Spark
executors) that ship work and answers between processes; every object they may ship
must pickle, copy and deep-copy to something equal that answers the same.
"""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import servicekit
from pool_work import analyse
from servicekit import (
    AuditSettingError,
    FrozenDict,
    MissingExtraError,
    ModelError,
    OutputError,
    Problem,
    ServicekitError,
    UnknownIdError,
    UsageError,
)
from servicekit.culture.report import build as build_report


def example() -> servicekit.ServiceModel:
    """The bundled example, loaded afresh (so its chain starts cold)."""
    return servicekit.load_example()


def warm(model: servicekit.ServiceModel) -> servicekit.ServiceModel:
    """The model with its chain's caches filled, as after real use."""
    chain = model.chain
    chain.critical("pickup")
    chain.trace("pickup")
    chain.upstream_of_all()["pickup"].__contains__("tagger")
    return model


def answers(model: servicekit.ServiceModel) -> tuple[Any, ...]:
    """What a model answers: enough to tell two models apart."""
    chain = model.chain
    return (
        model,
        tuple(chain.upstream("pickup")),
        chain.critical("pickup"),
        tuple(chain.trace("pickup")),
        frozenset(chain.upstream_of_all()["pickup"]),
        tuple(model.audit()),
    )


OBJECTS: dict[str, Callable[[], Any]] = {
    "model": example,
    "model-warm": lambda: warm(example()),
    "chain": lambda: example().chain,
    "chain-warm": lambda: warm(example()).chain,
    "entities": lambda: example().roles,
    "role": lambda: example().roles["spotter"],
    "handoff": lambda: example().roles["spotter"].serves[0],
    "fail-point": lambda: example().roles["spotter"].serves[0].fail_points[0],
    "touchpoint": lambda: example().touchpoints["pickup"],
    "principle": lambda: next(iter(example().principles.values())),
    "program": lambda: next(iter(example().programs.values())),
    "audit-settings": lambda: example().audit_settings,
    "source": lambda: example().sources["spotter"],
    "frozen-dict": lambda: FrozenDict({"stain": 0.5}),
    "reaches": lambda: example().chain.upstream("pickup"),
    "reach": lambda: example().chain.upstream("pickup")[0],
    "suspects": lambda: example().chain.trace("pickup"),
    "suspect": lambda: example().chain.trace("pickup")[0],
    "customers-of": lambda: example().chain.customers_of("tagger"),
    "internal-customer": lambda: example().chain.internal_customers("tagger")[0],
    "upstream-of-all": lambda: example().chain.upstream_of_all(),
    "upstream-set": lambda: example().chain.upstream_of_all()["pickup"],
    "findings": lambda: example().audit(),
    "finding": lambda: example().audit()[0],
    "coverage": lambda: example().coverage(),
    "applicability": lambda: example().principles_for("cashier")[0],
    "guide": lambda: example().guide("wedding-dress-stain"),
    "report": lambda: build_report(example(), path="dry-cleaner.yaml"),
    "problem": lambda: Problem(message="m", hint="h", path="a.yaml", line=3, column=4, value=[1]),
    "model-built-in-python": lambda: servicekit.ServiceModel(
        roles=[servicekit.Role(id="a", serves=["b"]), servicekit.Role(id="b")],
        touchpoints=[servicekit.Touchpoint(id="pickup", role="b")],
    ),
}


def sliced_sets(monkeypatch: pytest.MonkeyPatch) -> servicekit.UpstreamOfAll:
    """upstream_of_all in its sliced layout, with a few sets read (its cache filled)."""
    from servicekit.chain import results

    monkeypatch.setattr(results, "KEEP_BITS", 8)
    monkeypatch.setattr(results, "WINDOW", 2)
    everything = example().chain.upstream_of_all()
    assert "tagger" in everything["pickup"]
    return everything


@pytest.mark.parametrize("trip", ["pickle", "copy", "deepcopy"])
def test_sliced_upstream_sets_survive_pickle_and_copy(
    trip: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sliced layout of upstream_of_all (with its shared cache) pickles and copies."""
    original = sliced_sets(monkeypatch)
    if trip == "pickle":
        back = pickle.loads(pickle.dumps(original))
    elif trip == "copy":
        back = copy.copy(original)
    else:
        back = copy.deepcopy(original)
    assert comparable(back) == comparable(original)


def test_a_pickled_answer_does_not_carry_the_whole_chain() -> None:
    """An upstream answer pickles with its own nodes, not every node of the chain."""
    roles = [servicekit.Role(id=f"r{i}", serves=[f"r{i + 1}"]) for i in range(3000)]
    model = servicekit.ServiceModel(roles=[*roles, servicekit.Role(id="r3000")])
    answer = model.chain.upstream("r3000", depth=2)
    assert len(answer) == 2
    assert len(pickle.dumps(answer)) < 1000


def comparable(value: Any) -> Any:
    """What should survive a trip: the value itself, or its answers for chains and sets."""
    if isinstance(value, servicekit.ServiceModel):
        return answers(value)
    if isinstance(value, servicekit.ServiceChain):
        return answers(value.model)
    if isinstance(value, servicekit.UpstreamOfAll):
        return {t: frozenset(s) for t, s in value.items()}
    if isinstance(value, servicekit.UpstreamSet):
        return frozenset(value)
    return value


@pytest.mark.parametrize("name", list(OBJECTS), ids=list(OBJECTS))
@pytest.mark.parametrize("trip", ["pickle", "copy", "deepcopy"])
def test_every_object_survives_pickle_and_copy(name: str, trip: str) -> None:
    """Each kind of object comes back equal (or answering the same) after the trip."""
    original = OBJECTS[name]()
    if trip == "pickle":
        back = pickle.loads(pickle.dumps(original, protocol=pickle.HIGHEST_PROTOCOL))
    elif trip == "copy":
        back = copy.copy(original)
    else:
        back = copy.deepcopy(original)
    assert type(back) is type(original)
    assert comparable(back) == comparable(original)


ERRORS: dict[str, Callable[[], BaseException]] = {
    "model-error": lambda: ModelError([Problem(message="x", path="a.yaml", line=1, column=2)]),
    "unknown-id": lambda: UnknownIdError("pikcup", kind="node", candidates=["pickup"]),
    "unknown-id-note": lambda: UnknownIdError(["x"], kind="node", note="an id is a string"),
    "usage": lambda: UsageError("depth must be a whole number"),
    "output": lambda: OutputError("cannot write output: No space left on device"),
    "audit-setting": lambda: AuditSettingError("severity must be one of ..."),
    "missing-extra": lambda: MissingExtraError("pandas", "pandas"),
    "servicekit": lambda: ServicekitError("anything"),
}


@pytest.mark.parametrize("name", list(ERRORS), ids=list(ERRORS))
@pytest.mark.parametrize("trip", ["pickle", "copy", "deepcopy"])
def test_every_error_survives_pickle_and_copy(name: str, trip: str) -> None:
    """Each error comes back as the same class, with the same message and data."""
    original = ERRORS[name]()
    if trip == "pickle":
        back = pickle.loads(pickle.dumps(original))
    elif trip == "copy":
        back = copy.copy(original)
    else:
        back = copy.deepcopy(original)
    assert type(back) is type(original)
    assert str(back) == str(original)
    assert vars(back) == vars(original)


def test_a_real_load_error_survives_pickle() -> None:
    """The ModelError of a real load comes back with every located problem."""
    with pytest.raises(ModelError, match="unknown role 'ghost'") as info:
        servicekit.loads("servicekit: 1\nroles: [{id: a, serves: [ghost]}]\n", path="m.yaml")
    back = pickle.loads(pickle.dumps(info.value))
    assert back.problems == info.value.problems
    assert [p.hint for p in back.problems] == [p.hint for p in info.value.problems]


# --- a process pool ------------------------------------------------------------------------


def write_models(folder: Path, count: int) -> list[tuple[Path, bool]]:
    """``count`` model files, every third one invalid in its own way."""
    made = []
    for number in range(count):
        lines = [
            "servicekit: 1",
            f"name: Shop {number}",
            "customers: [{id: walk-in}]",
            "roles:",
            f"  - {{id: clerk, serves: [{{to: runner, fail_points: [{{id: f{number}, "
            "rate: 0.1}]}]}",
            "  - {id: runner, serves: [clerk]}",
            "touchpoints:",
            "  - {id: desk, role: runner, customers: [walk-in]}",
        ]
        valid = number % 3 != 0
        if not valid:
            lines.append(f"  - {{id: desk{number}, role: nobody{number}}}")
        path = folder / f"m{number}.yaml"
        path.write_text("\n".join(lines) + "\n")
        made.append((path, valid))
    return made


def test_a_spawned_process_pool_returns_every_answer_and_every_error(tmp_path: Path) -> None:
    """Many models analysed in a pool of spawned processes, invalid ones included: every
    answer comes back whole and every invalid model's ModelError comes back located."""
    made = write_models(tmp_path, 24)
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        pending = [(pool.apply_async(analyse, (str(path),)), path, valid) for path, valid in made]
        for result, path, valid in pending:
            if valid:
                found = result.get(timeout=120)
                expected = analyse(str(path))
                assert found["model"] == expected["model"]
                assert found["upstream"] == expected["upstream"]
                assert found["critical"] == expected["critical"]
                assert found["suspects"] == expected["suspects"]
                assert dict(found["sets"].items()) == dict(expected["sets"].items())
                assert found["findings"] == expected["findings"]
            else:
                with pytest.raises(ModelError, match=r"names unknown role 'nobody\d+'") as info:
                    result.get(timeout=120)
                assert info.value.problems[0].path == str(path)
                assert info.value.problems[0].line == 9
