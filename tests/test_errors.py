"""Tests for servicekit.errors: problems, model errors and did-you-mean hints."""

from __future__ import annotations

import pytest

from servicekit import ModelError, Problem, ServicekitError, UnknownIdError, loads
from servicekit.errors import did_you_mean, look_alike, nearest, suggest


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (Problem(path="a.yaml", line=3, column=7, message="m"), "a.yaml:3:7: error: m"),
        (
            Problem(path="a.yaml", line=3, column=7, message="m", hint="h"),
            "a.yaml:3:7: error: m; h",
        ),
        (Problem(path="a.yaml", line=3, message="m"), "a.yaml:3:1: error: m"),
        (Problem(path="<model>", message="m"), "<model>: error: m"),
    ],
    ids=["plain", "hint", "no-column", "no-line"],
)
def test_problem_text(problem: Problem, text: str) -> None:
    """A problem prints as file:line:column: error: message; hint."""
    assert str(problem) == text


def test_problem_is_frozen_and_comparable() -> None:
    """Problems are immutable values."""
    problem = Problem(path="a", line=1, column=1, message="m")
    assert problem == Problem(path="a", line=1, column=1, message="m")
    with pytest.raises(AttributeError, match=r"can.t set attribute"):
        problem.line = 2  # type: ignore[misc]


def test_model_error_orders_by_file_line_column() -> None:
    """A ModelError sorts its problems by file, then line, then column; unlocated last."""
    err = ModelError(
        [
            Problem(path="b.yaml", line=1, column=1, message="4"),
            Problem(path="a.yaml", message="3"),
            Problem(path="a.yaml", line=9, column=2, message="2"),
            Problem(path="a.yaml", line=9, column=1, message="1"),
        ]
    )
    assert [p.message for p in err.problems] == ["1", "2", "3", "4"]
    assert str(err).splitlines()[0] == "a.yaml:9:1: error: 1"
    assert err.args[0] == str(err)


def test_model_error_is_a_value_error() -> None:
    """ModelError is a ServicekitError and a ValueError."""
    err = ModelError([])
    assert isinstance(err, ServicekitError)
    assert isinstance(err, ValueError)
    with pytest.raises(ValueError, match=r"^a:1:1: error: m$"):
        raise ModelError([Problem(path="a", line=1, column=1, message="m")])


@pytest.mark.parametrize(
    ("word", "candidates", "expected"),
    [
        ("runer", ["runner", "clerk"], ("runner",)),
        ("zzz", ["runner", "clerk"], ()),
        ("pickup", ["pickup", "pick-up", "pickups"], ("pickup", "pickups", "pick-up")),
        ("a", [], ()),
        ("runer", iter(["runner"]), ("runner",)),
    ],
    ids=["close", "nothing", "best-first", "empty", "iterator"],
)
def test_suggest(word: str, candidates: list[str], expected: tuple[str, ...]) -> None:
    """suggest gives the nearest candidates, best first."""
    assert suggest(word, candidates) == expected


def test_suggest_on_huge_pools_stays_useful() -> None:
    """On huge candidate pools, a one-letter typo is still found."""
    pool = [f"role-{i:06d}" for i in range(50_000)]
    assert suggest("role-012345x", pool)[0] == "role-012345"
    assert suggest("xole-012345", pool) == ()  # a different first letter is not compared


@pytest.mark.parametrize(
    ("suggestions", "hint"),
    [
        ([], None),
        (["a"], "did you mean 'a'?"),
        (["a", "b"], "did you mean 'a' or 'b'?"),
        (["a", "b", "c"], "did you mean 'a', 'b' or 'c'?"),
    ],
    ids=["none", "one", "two", "three"],
)
def test_did_you_mean(suggestions: list[str], hint: str | None) -> None:
    """did_you_mean phrases suggestions as a hint."""
    assert did_you_mean(suggestions) == hint


def test_unknown_id_error() -> None:
    """UnknownIdError keeps the id, the kind and the suggestions, and is a KeyError."""
    err = UnknownIdError("pikcup", kind="touchpoint", candidates=["pickup", "drop-off"])
    assert (err.id, err.kind, err.suggestions) == ("pikcup", "touchpoint", ("pickup",))
    assert str(err) == "unknown touchpoint 'pikcup'; did you mean 'pickup'?"
    assert isinstance(err, KeyError)
    assert isinstance(err, ServicekitError)
    assert str(UnknownIdError("zz")) == "unknown id 'zz'"


LOOK_ALIKES = [
    ("cyrillic", "c\u0430shier", "cashier", r"U\+0430 CYRILLIC SMALL LETTER A where 'cashier'"),
    ("greek", "\u03bfwner", "owner", r"U\+03BF GREEK SMALL LETTER OMICRON"),
    ("nfd", "cafe\u0301", "caf\u00e9", r"decomposed \(NFD\): 'cafe\\u0301' where the id is"),
    ("nfc", "caf\u00e9", "cafe\u0301", r"composed \(NFC\)"),
]


@pytest.mark.parametrize(
    ("word", "known", "pattern"), [c[1:] for c in LOOK_ALIKES], ids=[c[0] for c in LOOK_ALIKES]
)
def test_look_alike_ids_say_what_differs(word: str, known: str, pattern: str) -> None:
    """An id that reads the same as a known one, but is other text, is explained, not guessed."""
    with pytest.raises(UnknownIdError, match=pattern) as info:
        raise UnknownIdError(word, kind="role", candidates=[known, "clerk"])
    assert info.value.hint is not None
    assert info.value.hint.endswith("type it again")


def test_look_alike_references_in_a_file_are_explained() -> None:
    """A dangling reference that looks like an id names the differing characters."""
    text = "servicekit: 1\nroles:\n  - id: cashier\n  - id: clerk\n    serves: [c\u0430shier]\n"
    with pytest.raises(ModelError, match="CYRILLIC SMALL LETTER A") as info:
        loads(text, path="m.yaml")
    assert str(info.value).startswith("m.yaml:5:14: error: role 'clerk' names unknown role")


def test_ids_that_only_look_different_are_not_look_alikes() -> None:
    """Real typos still get a did-you-mean, not a look-alike explanation."""
    assert nearest("runer", ["runner"]) == "did you mean 'runner'?"
    assert look_alike("runer", ["runner"]) is None
