"""A model built in Python refuses text that no file can hold, so save never writes one
that cannot be read back.

A Python str may hold a lone surrogate (``"\\udce9"``: what ``surrogateescape`` makes of a
byte that is not UTF-8); a UTF-8 file cannot. Every text field of every entity, and the
model's own name and description, refuse one when built, naming the entity, the field and
the value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servicekit
from servicekit import ModelError, ServiceModel
from servicekit.model.entities import field_specs
from servicekit.model.sections import NESTED, SECTIONS
from strategies import models

#: Every entity class with text fields, and how to make a valid one around a value.
ENTITIES: dict[str, tuple[type, dict[str, Any]]] = {
    **{s.kind: (s.entity, {"id": "x"}) for s in SECTIONS},
    "hand-off": (NESTED["handoffs"], {"to": "x"}),
    "fail point": (NESTED["fail_points"], {"id": "x"}),
}
for _kind, (_cls, _base) in list(ENTITIES.items()):
    if _kind in ("touchpoint", "scenario"):
        _base.update({"role": "r"} if _kind == "touchpoint" else {"touchpoint": "t"})

BAD = "caf\udce9"
TEXT_SHAPES = {"id", "ref", "text", "texts", "ids"}
CASES = [
    (kind, field.key or name, field.shape)
    for kind, (cls, _) in ENTITIES.items()
    for name, field in field_specs(cls)
    if field.shape in TEXT_SHAPES
]


@pytest.mark.parametrize(("kind", "key", "shape"), CASES, ids=[f"{k}.{f}" for k, f, _ in CASES])
def test_every_text_field_refuses_a_lone_surrogate(kind: str, key: str, shape: str) -> None:
    """Each text field of each entity refuses a lone surrogate, naming it and its field."""
    cls, base = ENTITIES[kind]
    value: Any = (BAD,) if shape in ("texts", "ids") else BAD
    with pytest.raises(
        ModelError, match=r"holds a lone surrogate \('\\udce9' at character 4"
    ) as info:
        cls(**{**base, key: value})
    (problem,) = info.value.problems
    assert problem.field[0] == key
    assert problem.hint is not None
    assert "UTF-8" in problem.hint


@pytest.mark.parametrize("key", ["name", "description"])
def test_the_model_refuses_a_lone_surrogate(key: str) -> None:
    """The model's name and description refuse a lone surrogate too."""
    with pytest.raises(ModelError, match=rf"the model's {key} holds a lone surrogate"):
        ServiceModel(**{key: BAD})


def test_a_category_refuses_a_lone_surrogate() -> None:
    """A catches category (a mapping key) refuses a lone surrogate."""
    with pytest.raises(ModelError, match=r"a category of the catches of role 'r' holds"):
        servicekit.Role(id="r", catches={BAD: 0.5})


def test_surrogates_in_pairs_are_fine() -> None:
    """Characters beyond the BMP (written as one code point) are ordinary text."""
    role = servicekit.Role(id="r", name="😀 \U0001f600 é")
    assert servicekit.loads(servicekit.dump(ServiceModel(roles=[role]))).roles["r"] == role


@settings(max_examples=60, deadline=None)
@given(models(), st.data())
def test_no_model_with_a_lone_surrogate_can_be_built_or_saved(
    model: ServiceModel, data: st.DataObject
) -> None:
    """Put a lone surrogate in any text of a valid model: building the changed entity
    fails, so no file that cannot be loaded is ever saved."""
    entities = [e for s in SECTIONS for e in getattr(model, s.name).values()]
    if not entities:
        return
    entity = data.draw(st.sampled_from(entities))
    texts = [
        (name, getattr(entity, name))
        for name, field in field_specs(type(entity))
        if field.shape in ("text", "id") and isinstance(getattr(entity, name), str)
    ]
    key, value = data.draw(st.sampled_from(texts))
    at = data.draw(st.integers(0, len(value)))
    bad = value[:at] + data.draw(st.sampled_from(["\ud800", "\udfff", "\udce9"])) + value[at:]
    arguments = {name: getattr(entity, name) for name, _ in field_specs(type(entity))}
    with pytest.raises(ModelError, match=r"holds a lone surrogate"):
        type(entity)(**{**arguments, key: bad})


def test_a_saved_model_always_loads_back(tmp_path: Path) -> None:
    """The bundled example saved and loaded is the same model (the other side of the rule)."""
    example = servicekit.load_example()
    servicekit.save(example, tmp_path / "m.yaml")
    assert servicekit.load(tmp_path / "m.yaml") == example
