"""Property tests: dump/load round trips and a loader that never crashes on any input."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from servicekit import Handoff, ModelError, Problem, Role, ServiceModel, Touchpoint, dump, loads
from servicekit.readwrite import events
from strategies import ADVERSARIAL, SETTINGS, models


@SETTINGS
@given(models())
def test_load_dump_round_trip(model: ServiceModel) -> None:
    """load(dump(m)) == m for every valid model, adversarial strings included."""
    assert loads(dump(model)) == model


def _same_strings(raw: Any, entity: Any) -> None:
    """Every string (or list of strings) PyYAML read for ``entity`` equals the model's."""
    for key, value in raw.items():
        if key in ("serves", "catches", "fail_points") and isinstance(
            entity, Role | Handoff | Touchpoint
        ):
            continue
        if key in ("required", "starts", "headcount"):
            assert value == getattr(entity, key), key
            continue
        if key == "for":
            assert tuple(value) == entity.for_
            continue
        if key == "to":
            assert value == entity.to
        elif isinstance(value, dict):
            _same_strings(value, getattr(entity, key))
        elif isinstance(value, list):
            assert tuple(value) == getattr(entity, key), key
        else:
            assert isinstance(value, str), key
            assert value == getattr(entity, key), key


@SETTINGS
@given(models())
def test_pyyaml_reads_the_same_strings(model: ServiceModel) -> None:
    """yaml.safe_load of the dump (YAML 1.1 rules) gives exactly the model's strings."""
    raw = yaml.safe_load(dump(model))
    assert raw.get("servicekit") == 1
    assert raw.get("name", "") == model.name
    assert raw.get("description", "") == model.description
    for section in (
        "customers",
        "roles",
        "touchpoints",
        "principles",
        "scripts",
        "scenarios",
        "metrics",
        "programs",
    ):
        table = getattr(model, section)
        entries = raw.get(section, [])
        assert [e["id"] for e in entries] == list(table)
        for entry in entries:
            _same_strings(entry, table[entry["id"]])
    for entry in raw.get("roles", []):
        role = model.roles[entry["id"]]
        assert entry.get("catches", {}) == dict(role.catches)
        for item, handoff in zip(entry.get("serves", []), role.serves, strict=True):
            if isinstance(item, str):
                assert handoff.is_plain
                assert item == handoff.to
                continue
            _same_strings(item, handoff)
            points = item.get("fail_points", [])
            assert [(p["id"], p.get("category", ""), p.get("rate")) for p in points] == [
                (f.id, f.category, f.rate) for f in handoff.fail_points
            ]


@SETTINGS
@given(models())
def test_pure_python_parser_reads_dumps_alike(model: ServiceModel) -> None:
    """The pure-Python parser loads every dump to the same model as libyaml."""
    text = dump(model)
    saved = events.LOADER
    events.LOADER = yaml.SafeLoader
    try:
        assert loads(text) == model
    finally:
        events.LOADER = saved


def _loads_or_model_error(data: str | bytes) -> None:
    """Loading either succeeds or raises ModelError whose problems are all located."""
    found: tuple[Problem, ...] = ()
    try:
        loads(data, path="f.yaml")
    except ModelError as err:
        found = err.problems
        assert found, "a ModelError without problems"
    for problem in found:
        assert problem.path == "f.yaml"
        assert str(problem).startswith("f.yaml")


@SETTINGS
@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_fuzz_text(text: str) -> None:
    """Arbitrary text loads or raises ModelError, never anything else."""
    _loads_or_model_error(text)


@SETTINGS
@given(
    st.lists(
        st.sampled_from(
            [*ADVERSARIAL, "servicekit: 1\n", "roles:\n", "  - id: a\n", "\n", "  ", "[", "{id: x}"]
        ),
        max_size=30,
    )
)
def test_fuzz_yaml_words(chunks: list[str]) -> None:
    """Text stitched from YAML-significant pieces loads or raises ModelError."""
    _loads_or_model_error("".join(chunks))


@SETTINGS
@given(st.binary())
def test_fuzz_bytes(data: bytes) -> None:
    """Arbitrary bytes load or raise ModelError, never anything else."""
    _loads_or_model_error(data)


@SETTINGS
@given(models(), st.data())
def test_fuzz_mutated_models(model: ServiceModel, data: st.DataObject) -> None:
    """A dumped model with random edits loads or raises ModelError, never anything else."""
    text = dump(model)
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 8)))
        insert = data.draw(st.sampled_from(["", *ADVERSARIAL, "\n  - ", "id: ", "serves: [x]"]))
        text = text[:start] + insert + text[end:]
    _loads_or_model_error(text)
    _loads_or_model_error(text.encode("utf-8", "surrogatepass"))
