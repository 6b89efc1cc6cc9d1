"""The JSON Schema of the YAML format that ships with the package."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from tests.readwrite.test_load import BASE, edited
from tests.readwrite.test_roundtrip import models

import servicekit
from servicekit import dump, loads
from servicekit.model.entities import keys_of
from servicekit.model.sections import NESTED, SECTIONS
from servicekit.readwrite.schema import field_table, json_schema, key_tables, schema_text


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """A validator for the bundled schema."""
    schema = json.loads(servicekit.schema_path().read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _data(text: str) -> Any:
    """The YAML text as data, read by libyaml (like the loader does)."""
    return yaml.load(text, Loader=yaml.CSafeLoader)


def test_schema_is_valid_draft_2020_12() -> None:
    """The bundled schema is itself a valid draft 2020-12 schema."""
    schema = json.loads(servicekit.schema_path().read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_ships_inside_the_package() -> None:
    """The schema lives in the package's data directory, next to the example."""
    assert servicekit.schema_path().parent == servicekit.example_path().parent


def test_example_validates(validator: jsonschema.Draft202012Validator) -> None:
    """The bundled example model validates against the schema."""
    validator.validate(_data(servicekit.example_path().read_text(encoding="utf-8")))


def test_dumped_example_validates(
    validator: jsonschema.Draft202012Validator, example: servicekit.ServiceModel
) -> None:
    """The dump of the bundled example validates against the schema."""
    validator.validate(_data(dump(example)))


def test_base_model_validates(validator: jsonschema.Draft202012Validator) -> None:
    """The test suite's base model validates against the schema."""
    validator.validate(_data(BASE))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_every_generated_model_validates(
    validator: jsonschema.Draft202012Validator, model: servicekit.ServiceModel
) -> None:
    """Every valid model, dumped, validates against the schema."""
    validator.validate(_data(dump(model)))


def _flatten(errors: Any) -> Any:
    """Errors with the errors of their alternatives (oneOf), depth first."""
    for error in errors:
        yield error
        yield from _flatten(error.context or ())


BAD = [
    ("unknown-section", BASE + "custmers: []\n", "custmers"),
    ("unknown-role-key", edited(7, "    departmnet: front"), "departmnet"),
    ("unknown-handoff-key", edited(10, "        iten: order"), "iten"),
    ("missing-touchpoint-role", edited(19, "    name: Desk"), "'role' is a required property"),
    ("missing-scenario-touchpoint", edited(30, "    title: x"), "'touchpoint' is a required"),
    ("missing-id", edited(4, "  - name: G"), "'id' is a required property"),
    ("missing-version", BASE.replace("servicekit: 1\n", ""), "'servicekit' is a required"),
    ("version-2", BASE.replace("servicekit: 1", "servicekit: 2"), "1 was expected"),
    ("rate-string", edited(14, '            rate: "0.1"'), "'0.1' is not of type 'number'"),
    ("rate-big", edited(14, "            rate: 1.5"), "1.5 is greater than the maximum of 1"),
    ("catch-negative", edited(16, "    catches: {stain: -1}"), "less than the minimum of 0"),
    ("handoff-no-to", edited(9, "      - item: x"), "is not valid under any of the given"),
    ("id-empty", edited(4, "  - id: ''"), "should be non-empty"),
    ("name-list", edited(2, "name: [a]"), "is not of type 'string', 'null'"),
    ("content-bad", edited(40, "    content: bespoke"), "is not one of"),
    ("audit-severity", BASE + "audit: {rules: {x: loud}}\n", "is not one of"),
    ("for-empty", edited(10, "        for: []"), "should be non-empty"),
    ("shows-at-empty", edited(14, "            shows_at: []"), "should be non-empty"),
    ("backup-empty", edited(16, "    backup: []"), "should be non-empty"),
    ("kind-robot", edited(16, "    kind: robot"), "is not one of ['person', 'system']"),
    ("headcount-zero", edited(7, "    headcount: 0"), "0 is less than the minimum of 1"),
    ("headcount-quoted", edited(7, "    headcount: '2'"), "'2' is not of type 'integer'"),
    ("required-quoted", edited(10, '        required: "true"'), "'true' is not of type 'boolean'"),
    ("starts-number", edited(7, "    starts: 1"), "1 is not of type 'boolean'"),
    ("consequential-string", BASE + "audit: {consequential: pay}\n", "is not of type 'array'"),
    ("touchpoint-fail-point-no-id", edited(20, "    fail_points: [{rate: 0.1}]"), "'id' is a"),
]


GOOD = [
    ("handoff-for-and-required", edited(10, "        for: [guest]\n        required: true")),
    ("unrated-fail-point", edited(14, "            shows_at: [desk]")),
    ("system", edited(16, "    kind: system\n    headcount: 2\n    backup: [clerk]")),
    ("starts", edited(7, "    starts: true")),
    ("touchpoint-fail-points", edited(20, "    fail_points: [{id: stale, category: info}]")),
    ("principle-for", edited(23, "    for: [guest]")),
    ("script-for", edited(27, "    for: [guest]")),
    ("consequential", BASE + "audit: {consequential: [tips]}\n"),
]


@pytest.mark.parametrize("text", [c[1] for c in GOOD], ids=[c[0] for c in GOOD])
def test_revision_2_keys_validate(validator: jsonschema.Draft202012Validator, text: str) -> None:
    """Models using revision 2's keys pass the schema and the loader alike."""
    validator.validate(_data(text))
    loads(text)


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_models_fail_the_schema(
    validator: jsonschema.Draft202012Validator, text: str, expected: str
) -> None:
    """Typical bad models fail the schema too, as they fail the loader."""
    messages = [error.message for error in _flatten(validator.iter_errors(_data(text)))]
    assert any(expected in m for m in messages), messages
    with pytest.raises(servicekit.ModelError, match=r"<string>:\d+:\d+: error: "):
        loads(text)


def test_the_shipped_schema_is_generated_from_the_field_table() -> None:
    """The schema file in the package is exactly what the field table generates today."""
    assert servicekit.schema_path().read_text(encoding="utf-8") == schema_text()


def test_every_key_the_reader_accepts_is_in_the_schema_and_the_docs_tables() -> None:
    """Each entity's keys are the schema's properties and rows of the docs' key tables."""
    schema = json_schema()
    tables = key_tables()
    for section in SECTIONS:
        keys = list(keys_of(section.entity))
        assert list(schema["$defs"][section.kind]["properties"]) == keys
        table = tables.split(f"### {section.name}\n", 1)[1].split("\n### ", 1)[0]
        assert [row.split("`")[1] for row in table.splitlines() if row.startswith("| `")] == keys


def test_the_yaml_reference_page_asks_for_the_generated_tables() -> None:
    """The reference page holds the marker the docs hook replaces with the key tables."""
    page = Path(__file__).resolve().parents[2] / "docs" / "reference" / "yaml-format.md"
    assert "<!-- servicekit: key tables -->" in page.read_text(encoding="utf-8")


# --- the API reference's tables of constructor parameters ------------------------------------

#: Every entity class a model holds: the sections' and the nested mappings'.
ENTITY_CLASSES = [section.entity for section in SECTIONS] + list(NESTED.values())


def _rows(table: str) -> list[list[str]]:
    """The cells of a Markdown table's body rows."""
    lines = table.splitlines()
    assert lines[:2] == ["| parameter | type | meaning |", "|---|---|---|"]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


@pytest.mark.parametrize("cls", ENTITY_CLASSES, ids=[c.__name__ for c in ENTITY_CLASSES])
def test_field_table_lists_the_constructor_parameters_in_order(cls: type) -> None:
    """One row a constructor parameter, named as Python spells it, in the signature's order."""
    rows = _rows(field_table(cls.__name__))
    assert [row[0].split("`")[1] for row in rows] == list(inspect.signature(cls).parameters)


@pytest.mark.parametrize("cls", ENTITY_CLASSES, ids=[c.__name__ for c in ENTITY_CLASSES])
def test_field_table_means_what_the_yaml_key_table_means(cls: type) -> None:
    """Each parameter's meaning is its YAML key's meaning in the YAML reference's tables."""
    yaml_rows = key_tables().splitlines()
    for key, row in zip(keys_of(cls), _rows(field_table(cls.__name__)), strict=True):
        assert any(
            line.startswith(f"| `{key}` |") and line.endswith(f" | {row[2]} |")
            for line in yaml_rows
        ), (key, row)


@pytest.mark.parametrize(
    ("name", "parameter", "shown", "kind"),
    [
        ("Handoff", "for_", "`for_` (YAML `for`)", "non-empty list of customer ids"),
        ("Handoff", "required", "`required`", "`True` or `False`, default `False`"),
        ("Role", "kind", "`kind`", "`person` or `system`, default `'person'`"),
        ("Role", "serves", "`serves`", "list of role ids, hand-off mappings or `Handoff`s"),
        ("Touchpoint", "role", "`role`", "role id, **required**"),
        (
            "Program",
            "audience",
            "`audience`",
            "`{roles: [...], departments: [...]}` or an `Audience`",
        ),
        ("FailPoint", "rate", "`rate`", "probability, `0` to `1`; absent: unknown"),
    ],
    ids=[
        "for-is-yaml-for",
        "boolean-default",
        "choice-default",
        "handoffs",
        "required",
        "audience-no-default",
        "unrated",
    ],
)
def test_field_table_cells(name: str, parameter: str, shown: str, kind: str) -> None:
    """A parameter's row names the YAML key where it differs, its values and a telling default."""
    rows = {row[0].split("`")[1]: row for row in _rows(field_table(name))}
    assert rows[parameter][:2] == [shown, kind]


def test_field_table_of_an_unknown_class_suggests_the_nearest() -> None:
    """An unknown entity class is an UnknownIdError with did-you-mean, not an empty table."""
    with pytest.raises(servicekit.UnknownIdError, match=r"unknown entity class 'Role\(\)'"):
        field_table("Role()")
    with pytest.raises(servicekit.UnknownIdError, match="did you mean 'Principle'"):
        field_table("Principal")
