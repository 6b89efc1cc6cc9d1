"""Messages a person reads, word for word: each says what went wrong in the words of
the tool it came from, and what was meant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from servicekit import ServiceModel, UnknownIdError, UsageError
from servicekit.cli.main import main

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "dry-cleaner.yaml")


def error_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one error line ``servicekit ARGV`` prints, after checking it exits 2."""
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err.rstrip("\n")


def test_depth_without_focus_speaks_cli_on_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    """The command line names its options; Python names its parameters."""
    assert error_of(capsys, "diagram", EXAMPLE, "--depth", "2") == (
        "servicekit diagram: error: --depth 2 needs --focus NODE: the node to count hand-offs from"
    )
    chain = ServiceModel.from_dict({"servicekit": 1, "roles": [{"id": "a"}]}).chain
    with pytest.raises(UsageError, match=r"^depth=2 needs focus=NODE: the node to count"):
        chain.to_mermaid(depth=2)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["trace", EXAMPLE, "cashier"],
            "unknown touchpoint 'cashier' (it is a role); did you mean 'pickup'?",
        ),
        (
            ["trace", EXAMPLE, "spotter"],
            "unknown touchpoint 'spotter' (it is a role); did you mean 'drop-off' or 'pickup'?",
        ),
        (["trace", EXAMPLE, "pikcup"], "unknown touchpoint 'pikcup'; did you mean 'pickup'?"),
        (
            ["upstream", EXAMPLE, "cashier", "--customer", "pickup"],
            "unknown customer 'pickup' (it is a touchpoint); did you mean 'walk-in' or 'bride'?",
        ),
    ],
    ids=["role-at-its-touchpoint", "role-serving-nowhere", "typo", "touchpoint-as-customer"],
)
def test_an_id_of_another_kind_says_what_it_is(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A role given for a touchpoint is called a role, and its touchpoint is offered."""
    assert error_of(capsys, *argv) == f"servicekit {argv[0]}: error: {message}"


@pytest.mark.parametrize(
    ("ask", "match"),
    [
        (
            lambda c: c.trace("cashier"),
            r"^unknown touchpoint 'cashier' \(it is a role\); did you mean 'pickup'\?$",
        ),
        (
            lambda c: c.customers_of("pickup"),
            r"^unknown role 'pickup' \(it is a touchpoint\); did you mean 'cashier'\?$",
        ),
    ],
    ids=["trace", "customers_of"],
)
def test_python_says_the_same(
    example: ServiceModel, ask: Callable[..., object], match: str
) -> None:
    """The same words from Python."""
    with pytest.raises(UnknownIdError, match=match):
        ask(example.chain)


def test_a_rule_set_to_no_suggests_off(
    write_model: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """YAML's ``no`` for a rule setting meant ``off``, not the nearest word (``info``)."""
    path = write_model(
        "servicekit: 1\nroles: [{id: a}]\naudit:\n  rules:\n    unscripted-scenario: no\n"
    )
    err = error_of(capsys, "validate", str(path))
    assert err.endswith(
        "audit rule 'unscripted-scenario' must be off, error, warning or info, not 'no'"
        "; did you mean 'off'? (write off to turn a rule off)"
    )


def test_roles_without_a_name_are_named_by_id() -> None:
    """Never "applies to the a": an unnamed role is "role 'a'"; a named one "the Cook"."""
    model = ServiceModel.from_dict(
        {
            "servicekit": 1,
            "customers": [{"id": "guest"}],
            "roles": [
                {"id": "a", "serves": ["b"]},
                {"id": "b", "name": "Cook", "serves": ["c"]},
                {"id": "c"},
            ],
            "touchpoints": [{"id": "t", "role": "c", "customers": ["guest"]}],
            "principles": [{"id": "p", "applies_to": {"roles": ["c"]}}],
        }
    )
    messages = {f.subject: f.message for f in model.audit() if f.rule == "uncovered-role"}
    assert messages["a"].startswith("No service principle applies to role 'a', although")
    assert messages["b"].startswith("No service principle applies to the Cook, although")
