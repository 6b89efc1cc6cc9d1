"""A model as the YAML's data: to_dict and from_dict agree with the loader and the writer."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import servicekit
from servicekit import ModelError, ServiceModel

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_to_dict_is_what_the_dumped_yaml_holds(path: Path) -> None:
    """model.to_dict() equals the parsed YAML of dump(model), and builds the same model."""
    model = servicekit.load(path)
    data = model.to_dict()
    assert yaml.safe_load(servicekit.dump(model)) == data
    assert ServiceModel.from_dict(data) == model


def test_from_dict_accepts_the_yaml_shapes() -> None:
    """Plain ids, hand-off mappings and nested mappings build as they do from YAML."""
    model = ServiceModel.from_dict(
        {
            "servicekit": 1,
            "name": "Kiosk",
            "customers": [{"id": "guest"}],
            "roles": [
                {"id": "barista", "serves": ["runner", {"to": "runner", "item": "cup"}]},
                {"id": "runner"},
            ],
            "touchpoints": [{"id": "counter", "role": "runner", "customers": ["guest"]}],
            "principles": [{"id": "p", "applies_to": {"roles": ["runner"]}}],
            "audit": {"rules": {"no-customer": "off"}},
        }
    )
    text = (
        "servicekit: 1\nname: Kiosk\ncustomers: [{id: guest}]\nroles:\n"
        "  - {id: barista, serves: [runner, {to: runner, item: cup}]}\n  - {id: runner}\n"
        "touchpoints: [{id: counter, role: runner, customers: [guest]}]\n"
        "principles: [{id: p, applies_to: {roles: [runner]}}]\n"
        "audit: {rules: {no-customer: 'off'}}\n"
    )
    assert model == servicekit.loads(text)


BAD_DATA = [
    ("no-version", {"roles": []}, r"missing 'servicekit: 1' \(the format version\)"),
    ("string-version", {"servicekit": "1"}, r"must be the number 1, not the string '1'"),
    ("new-version", {"servicekit": 2}, r"unsupported format version 2"),
    ("unknown-section", {"servicekit": 1, "rolse": []}, r"unknown section 'rolse'; did you mean"),
    (
        "section-not-a-list",
        {"servicekit": 1, "roles": "clerk"},
        r"the roles must be a list of roles, not 'clerk'",
    ),
    (
        "bad-entity",
        {"servicekit": 1, "roles": [{"id": "a", "serves": ["b"]}]},
        r"role 'a' names unknown role 'b'",
    ),
]


@pytest.mark.parametrize(
    ("data", "pattern"), [c[1:] for c in BAD_DATA], ids=[c[0] for c in BAD_DATA]
)
def test_from_dict_refuses_what_the_loader_refuses(data: dict[str, object], pattern: str) -> None:
    """Bad data raises a ModelError in the loader's words, without a position."""
    with pytest.raises(ModelError, match=pattern) as info:
        ServiceModel.from_dict(data)
    assert all(p.line is None for p in info.value.problems)
