"""Checks and hints do work that grows at most linearly with the model, whatever its shape.

The work is counted, not timed: characters difflib compares for did-you-mean hints, and
lines of Python run by the whole-model checks, on models of growing size.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from servicekit import ModelError, Role, ServiceModel, loads
from servicekit.errors import MAX_HINT_LENGTH, Nearest, suggest
from servicekit.model.references import HINT_BUDGET
from tracing import lines_run


@contextmanager
def compared_characters() -> Iterator[list[int]]:
    """Counts the characters of every candidate difflib compares a word with."""
    counted = [0]
    real = difflib.SequenceMatcher.set_seq1

    def counting(self: difflib.SequenceMatcher[str], a: str) -> None:
        counted[0] += len(a)
        real(self, a)

    difflib.SequenceMatcher.set_seq1 = counting  # type: ignore[method-assign]
    try:
        yield counted
    finally:
        difflib.SequenceMatcher.set_seq1 = real  # type: ignore[method-assign]


def similar_ids(count: int, length: int) -> list[str]:
    """``count`` ids of ``length`` characters that differ only in their last digits."""
    return [f"{'role-' * (length // 5)}"[: length - 6] + f"{i:06d}" for i in range(count)]


def dangling_model(count: int, length: int) -> str:
    """``count`` roles with long similar ids, each naming a long similar id that is unknown."""
    ids = similar_ids(count, length)
    roles = ", ".join(f"{{id: '{i}', serves: ['{i[:-6]}x{i[-5:]}']}}" for i in ids)
    return f"servicekit: 1\nroles: [{roles}]\n"


def hint_work(count: int, length: int = 90) -> int:
    """Characters compared for the hints of loading a model with ``count`` dangling ids."""
    with compared_characters() as counted, pytest.raises(ModelError, match=r"error: "):
        loads(dangling_model(count, length))
    return counted[0]


def test_hint_work_does_not_grow_with_the_model() -> None:
    """Did-you-mean over many long, similar ids costs the same for 1000 or 4000 of them."""
    small, large = hint_work(1000), hint_work(4000)
    assert large <= small * 1.1, (small, large)
    assert large <= HINT_BUDGET + MAX_HINT_LENGTH


def test_hints_are_still_given_in_a_large_model() -> None:
    """Capped searches still find the typo among thousands of similar ids."""
    ids = similar_ids(4000, 60)
    nearest = Nearest(ids)
    for target in (ids[5], ids[2345], ids[-5]):
        assert nearest(target + "x")[0] == target
    for target in (ids[5], ids[2345]):
        assert nearest(target[:20] + target[21:])[0] == target


@pytest.mark.parametrize("length", [MAX_HINT_LENGTH + 1, 10_000, 1_000_000], ids=str)
def test_no_hint_is_computed_for_a_huge_word(length: int) -> None:
    """A word longer than MAX_HINT_LENGTH gets no suggestion and costs no comparison."""
    word = "r" * length
    with compared_characters() as counted:
        assert suggest(word, ["r" * (length - 1), "runner"]) == ()
    assert counted[0] == 0


def test_huge_candidates_are_not_compared() -> None:
    """Candidates longer than MAX_HINT_LENGTH are left out of every search."""
    with compared_characters() as counted:
        assert suggest("runner", ["runner" + "x" * 10_000, "runer"]) == ("runer",)
    assert counted[0] == len("runer")


def reporting_line(count: int, loop: bool) -> list[Role]:
    """Roles each reporting to the next; the last reports to the first when ``loop``."""
    roles = [Role(id=f"r{i}", reports_to=f"r{i + 1}") for i in range(count - 1)]
    roles.append(Role(id=f"r{count - 1}", reports_to="r0" if loop else None))
    return roles


@pytest.mark.parametrize("loop", [False, True], ids=["chain", "loop"])
def test_reporting_checks_are_linear(loop: bool) -> None:
    """Checking a long reports_to chain (or loop) runs lines in proportion to its length."""

    def check(count: int) -> int:
        roles = reporting_line(count, loop)

        def build() -> None:
            try:
                ServiceModel(roles=roles)
            except ModelError:
                if not loop:
                    raise

        return lines_run(build, "servicekit.model.references")

    small, large = check(1000), check(8000)
    assert large <= 8 * small * 1.1, (small, large)


def test_reporting_loop_is_reported_once_whatever_its_length() -> None:
    """A loop of 5000 roles is one problem, naming where it closes."""
    with pytest.raises(ModelError, match=r"error: ") as info:
        ServiceModel(roles=reporting_line(5000, loop=True))
    (problem,) = info.value.problems
    assert problem.message.startswith("reports_to forms a loop: r0 -> r1 -> ")
