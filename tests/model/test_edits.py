"""Looking entities up and editing a model: every kind by id, every edit a checked new model."""

from __future__ import annotations

import pickle

import pytest

import servicekit
from servicekit import (
    Customer,
    Metric,
    ModelError,
    Program,
    Role,
    Scenario,
    Script,
    ServiceModel,
    UnknownIdError,
    UsageError,
)

LOOKUPS = [
    ("customer", "customers", "walk-in"),
    ("role", "roles", "spotter"),
    ("touchpoint", "touchpoints", "pickup"),
    ("principle", "principles", "next-in-line"),
    ("script", "scripts", "stain-complaint"),
    ("scenario", "scenarios", "wedding-dress-stain"),
    ("metric", "metrics", "garments-per-hour"),
    ("program", "programs", "counter-smiles"),
]


@pytest.mark.parametrize(("kind", "section", "known"), LOOKUPS, ids=[c[0] for c in LOOKUPS])
def test_every_kind_has_a_lookup_with_did_you_mean(
    example: ServiceModel, kind: str, section: str, known: str
) -> None:
    """model.KIND(id) and model.SECTION[id] find an entity; a typo says what was meant."""
    found = getattr(example, kind)(known)
    assert found is getattr(example, section)[known]
    typo = known[:-1]
    for lookup in (getattr(example, kind), getattr(example, section).__getitem__):
        with pytest.raises(UnknownIdError, match=rf"unknown {kind} '{typo}'; did you mean") as info:
            lookup(typo)
        assert known in info.value.suggestions
    assert isinstance(UnknownIdError("x"), KeyError)


def test_with_entities_replaces_in_place_and_appends_new_ones(example: ServiceModel) -> None:
    """A replaced entity keeps its place; a new one goes last; the old model is unchanged."""
    spotter = Role(id="spotter", department="cleaning", serves=["cleaner"])
    runner = Role(id="runner", serves=["cashier"])
    edited = example.with_entities(spotter, runner)
    assert list(edited.roles) == [*example.roles, "runner"]
    assert edited.role("spotter") == spotter
    assert example.role("spotter") != spotter
    assert edited.chain.upstream("cashier", depth=1).ids == ("organizer", "runner")


EDITS = [
    ("customer", lambda m: m.with_customer({"id": "tourist", "needs": ["a map"]}), "customers"),
    ("role", lambda m: m.with_role({"id": "runner", "serves": ["cashier"]}), "roles"),
    (
        "touchpoint",
        lambda m: m.with_touchpoint({"id": "phone", "role": "cashier"}),
        "touchpoints",
    ),
    ("principle", lambda m: m.with_principle({"id": "smile"}), "principles"),
    ("script", lambda m: m.with_script(Script(id="hello", role="cashier")), "scripts"),
    (
        "scenario",
        lambda m: m.with_scenario(Scenario(id="rush", touchpoint="pickup")),
        "scenarios",
    ),
    ("metric", lambda m: m.with_metric(Metric(id="waits", serves=["pickup"])), "metrics"),
    ("program", lambda m: m.with_program(Program(id="induction")), "programs"),
]


@pytest.mark.parametrize(("edit", "section"), [c[1:] for c in EDITS], ids=[c[0] for c in EDITS])
def test_with_kind_adds_an_entity_from_its_mapping_or_itself(
    example: ServiceModel, edit: object, section: str
) -> None:
    """with_KIND takes an entity or its YAML mapping and returns a checked new model."""
    edited = edit(example)  # type: ignore[operator]
    assert len(getattr(edited, section)) == len(getattr(example, section)) + 1
    assert servicekit.loads(servicekit.dump(edited)) == edited


def test_edits_are_checked_as_a_whole(example: ServiceModel) -> None:
    """An edit that leaves a dangling reference raises, naming it; a wrong type is refused."""
    with pytest.raises(ModelError, match=r"role 'runner' names unknown role 'runer'"):
        example.with_role({"id": "runner", "serves": ["runer"]})
    with pytest.raises(ModelError, match=r"unknown key 'serve' in a role; did you mean 'serves'"):
        example.with_role({"id": "runner", "serve": ["cashier"]})
    with pytest.raises(UsageError, match=r"expected a Role or its mapping, not Customer"):
        example.with_role(Customer(id="x"))  # type: ignore[arg-type]


def test_without_removes_and_checks_what_referred_to_it(example: ServiceModel) -> None:
    """without(id) removes any kind; references left dangling are errors; unknown ids too."""
    assert "garments-per-hour" not in example.without("garments-per-hour").metrics
    with pytest.raises(ModelError, match=r"touchpoint 'pickup' names unknown role 'cashier'"):
        example.without("cashier")
    with pytest.raises(UnknownIdError, match=r"unknown id 'nobody'"):
        example.without("nobody")


def test_save_and_dump_refuse_a_wrong_argument_order(example: ServiceModel, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """save(path, model) and dump(path) say what they take instead of a generic TypeError."""
    with pytest.raises(UsageError, match=r"save\(model, path\) takes the model first"):
        servicekit.save(tmp_path / "m.yaml", example)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"dump\(model\) takes a ServiceModel, not str"):
        servicekit.dump("m.yaml")  # type: ignore[arg-type]


def test_models_and_their_tables_pickle(example: ServiceModel) -> None:
    """A model survives pickle with its id tables still raising UnknownIdError."""
    again = pickle.loads(pickle.dumps(example))
    assert again == example
    with pytest.raises(UnknownIdError, match="did you mean 'spotter'"):
        again.roles["spoter"]


@pytest.mark.parametrize("word", ["no", "false", "n"])
def test_a_rule_set_to_a_yaml_false_word_suggests_off(word: str) -> None:
    """``unscripted-scenario: no`` was meant as off, and the hint says so (not 'info')."""
    text = f"servicekit: 1\naudit: {{rules: {{unscripted-scenario: {word}}}}}\n"
    with pytest.raises(ModelError, match=r"not '.*'; did you mean 'off'\?"):
        servicekit.loads(text)
