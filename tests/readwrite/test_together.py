"""Every problem of a load comes together: none waits behind another to be fixed first.

Entities skipped for one problem (a duplicate id, a missing id or required key) still have
their other problems reported; every broken or unreadable file of a directory is named;
an audit rule set differently in two places is a conflict, not a silent last-wins.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicekit import ModelError, load, loads
from servicekit.cli.main import main

#: Independent mistakes: (YAML of entities by section, the problems each one makes).
#: ``{n}`` makes every id of one mistake its own.
MISTAKES: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "unknown-key": ({"customers": "{{id: c{n}, colour: red}}"}, (r"unknown key 'colour'",)),
    "dangling": ({"roles": "{{id: r{n}, serves: [ghost{n}]}}"}, (r"unknown role 'ghost\d+'",)),
    "duplicate-hiding-dangling": (
        {"customers": "{{id: twin{n}}}", "roles": "{{id: twin{n}, serves: [lost{n}]}}"},
        (r"duplicate id 'twin\d+'", r"role 'twin\d+' names unknown role 'lost\d+'"),
    ),
    "missing-role-hiding-dangling": (
        {"touchpoints": "{{id: t{n}, customers: [nobody{n}]}}"},
        (r"touchpoint 't\d+' needs 'role'", r"touchpoint 't\d+' names unknown customer"),
    ),
    "no-id-hiding-dangling": (
        {"roles": "{{name: Anon {n}, serves: [void{n}]}}"},
        (r"a role needs an id", r"a role names unknown role 'void\d+'"),
    ),
    "bad-rate-and-dangling-target": (
        {"roles": "{{id: g{n}, serves: [{{to: far{n}, fail_points: [{{id: f{n}, rate: 2}}]}}]}}"},
        (r"must be between 0 and 1, got 2\.0", r"role 'g\d+' names unknown role 'far\d+'"),
    ),
    "null-before-dangling": (
        {"roles": "{{id: h{n}, serves: [~, gone{n}]}}"},
        (r"must not be null", r"role 'h\d+' names unknown role 'gone\d+'"),
    ),
    "wrong-type": ({"customers": "{{id: w{n}, needs: plenty}}"}, (r"must be a list",)),
    "nested-list-entry": (
        {"roles": "{{id: k{n}, serves: [[x{n}]]}}"},
        (r"each entry of the serves of role 'k\d+' must be",),
    ),
    "duplicate-fail-point-hiding-dangling": (
        {
            "roles": "{{id: m{n}, serves: [{{to: m{n}, fail_points: [{{id: fp{n}}}]}}]}}, "
            "{{id: o{n}, serves: [{{to: nil{n}, fail_points: [{{id: fp{n}}}]}}]}}"
        },
        (r"duplicate id 'fp\d+'", r"role 'o\d+' names unknown role 'nil\d+'"),
    ),
}


def model_of(mistakes: list[str]) -> str:
    """A model holding each of ``mistakes``, one after the other."""
    sections: dict[str, list[str]] = {}
    for number, name in enumerate(mistakes):
        for section, entities in MISTAKES[name][0].items():
            sections.setdefault(section, []).append(entities.format(n=number))
    body = "".join(f"{section}: [{', '.join(items)}]\n" for section, items in sections.items())
    return "servicekit: 1\n" + body


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(sorted(MISTAKES)), min_size=1, max_size=6))
def test_k_independent_mistakes_give_every_one_of_their_problems(mistakes: list[str]) -> None:
    """A model with independent mistakes reports each mistake's problems, and nothing more."""
    with pytest.raises(ModelError, match=r"error: ") as info:
        loads(model_of(mistakes))
    found = [p.message for p in info.value.problems]
    expected = [pattern for name in mistakes for pattern in MISTAKES[name][1]]
    assert len(found) == len(expected), found
    for pattern in set(expected):
        wanted = expected.count(pattern)
        assert sum(1 for message in found if re.search(pattern, message)) == wanted, found


@pytest.mark.parametrize("name", sorted(MISTAKES), ids=sorted(MISTAKES))
def test_each_mistake_alone_gives_its_problems(name: str) -> None:
    """Each mistake of the catalogue gives exactly its own problems."""
    with pytest.raises(ModelError, match=r"error: ") as info:
        loads(model_of([name]))
    found = [p.message for p in info.value.problems]
    assert len(found) == len(MISTAKES[name][1]), found


def test_problems_of_a_duplicate_are_placed_in_the_duplicate() -> None:
    """A dangling reference inside a duplicate is placed in the duplicate, not the first."""
    text = "servicekit: 1\nroles:\n  - id: a\n  - id: a\n    serves: [nobody]\n"
    with pytest.raises(ModelError, match=r"error: ") as info:
        loads(text, path="m.yaml")
    assert [str(p) for p in info.value.problems] == [
        "m.yaml:4:9: error: duplicate id 'a': already used by the role at m.yaml:3:9; "
        "ids must be unique across the whole model",
        "m.yaml:5:14: error: role 'a' names unknown role 'nobody'",
    ]


def test_references_to_a_skipped_entity_are_not_noise() -> None:
    """An entity that could not be built is still known: naming it is no second error."""
    text = (
        "servicekit: 1\nroles: [{id: r}]\ntouchpoints: [{id: t}]\n"
        "scenarios: [{id: s, touchpoint: t}]\n"
    )
    with pytest.raises(ModelError, match=r"error: ") as info:
        loads(text)
    assert [p.message for p in info.value.problems] == ["touchpoint 't' needs 'role'"]


# --- audit settings: no silent last-wins ----------------------------------------------------

AUDIT_CONFLICTS = {
    "two-documents": (
        "servicekit: 1\naudit: {rules: {no-customer: off}}\n---\n"
        "audit: {rules: {no-customer: error}}\n",
        "m.yaml:4:30",
    ),
    "two-sections-one-document": (
        "servicekit: 1\naudit: {rules: {no-customer: off}}\naudit: {rules: {no-customer: info}}\n",
        "m.yaml:3:1",
    ),
}


def test_audit_rule_set_differently_in_two_documents_is_a_conflict() -> None:
    """A rule set to off in one document and to error in another is reported at the second."""
    text, where = AUDIT_CONFLICTS["two-documents"]
    with pytest.raises(ModelError, match=r"error: ") as info:
        loads(text, path="m.yaml")
    assert [str(p) for p in info.value.problems] == [
        f"{where}: error: audit rule 'no-customer' is set twice, differently: 'error' here, "
        "'off' at m.yaml:2; set each rule once"
    ]


def test_audit_rule_set_twice_in_one_document_is_a_duplicate_key() -> None:
    """Two audit sections in one document are a duplicate key, reported as such."""
    text, where = AUDIT_CONFLICTS["two-sections-one-document"]
    with pytest.raises(ModelError, match=rf"^{where}: error: duplicate key 'audit'"):
        loads(text, path="m.yaml")


def test_audit_rule_conflict_across_files(tmp_path: Path) -> None:
    """Two files of a directory setting one rule differently: the second is reported."""
    (tmp_path / "a.yaml").write_text("servicekit: 1\naudit: {rules: {one-size-script: off}}\n")
    (tmp_path / "b.yaml").write_text("servicekit: 1\naudit:\n  rules:\n    one-size-script: info\n")
    with pytest.raises(ModelError, match=r"b\.yaml:4:22: error: audit rule 'one-size-script' is"):
        load(tmp_path)


def test_audit_rule_repeated_the_same_is_fine() -> None:
    """Setting a rule the same way twice is no conflict."""
    rules = "audit: {rules: {no-customer: off}}\n"
    text = f"servicekit: 1\n{rules}---\n{rules}"
    assert loads(text).audit_settings.rules == {"no-customer": "off"}


# --- directories: every broken file is named --------------------------------------------------

EMPTY_FILES = {
    "empty": "",
    "comment": "# nothing here\n",
    "dashes": "---\n",
    "two-docs": "---\n---\n",
}


def test_every_empty_file_of_a_directory_is_reported(tmp_path: Path) -> None:
    """Each empty, comment-only or '---'-only file of a directory is named, not only the first."""
    for number in range(12):
        name = list(EMPTY_FILES)[number % len(EMPTY_FILES)]
        (tmp_path / f"{number:02d}-{name}.yaml").write_text(EMPTY_FILES[name])
    (tmp_path / "99-real.yaml").write_text("servicekit: 1\nroles: [{id: a, serves: [b]}]\n")
    with pytest.raises(ModelError, match=r"error: ") as info:
        load(tmp_path)
    named = sorted(Path(p.path).name for p in info.value.problems)
    assert named == sorted(p.name for p in tmp_path.iterdir() if p.name != "99-real.yaml")
    assert all(p.message == "the model is empty" for p in info.value.problems)


def test_broken_files_and_bad_entities_of_a_directory_all_reported(tmp_path: Path) -> None:
    """A syntax error in one file does not hide another file's problems."""
    (tmp_path / "a.yaml").write_text("servicekit: 1\nroles: [{id: a\n")
    (tmp_path / "b.yaml").write_text("servicekit: 1\nroles: [{id: b, colour: red}]\n")
    (tmp_path / "c.yaml").write_text("")
    with pytest.raises(ModelError, match=r"error: ") as info:
        load(tmp_path)
    assert [(Path(p.path).name, p.line) for p in info.value.problems] == [
        ("a.yaml", 3),
        ("b.yaml", 2),
        ("c.yaml", 1),
    ]


def test_many_unreadable_files_are_each_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file that cannot be read is a located problem; the readable ones are checked."""
    for number in range(6):
        (tmp_path / f"{number}.yaml").write_text(f"servicekit: 1\nroles: [{{id: r{number}}}]\n")
    (tmp_path / "9.yaml").write_text("servicekit: 1\nroles: [{id: r9, colour: red}]\n")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name[0] in "024":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ModelError, match=r"error: ") as info:
        load(tmp_path)
    assert [(Path(p.path).name, p.line, p.column, p.message) for p in info.value.problems] == [
        ("0.yaml", 1, 1, "cannot read the file: Permission denied"),
        ("2.yaml", 1, 1, "cannot read the file: Permission denied"),
        ("4.yaml", 1, 1, "cannot read the file: Permission denied"),
        ("9.yaml", 2, 18, "unknown key 'colour' in a role"),
    ]


def test_unreadable_directory_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory that cannot be listed is one located error, with a hint."""

    def refuse(self: Path) -> object:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", refuse)
    with pytest.raises(ModelError, match=r"error: ") as info:
        load(tmp_path)
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path}:1:1: error: cannot read the path: Permission denied; "
        "check the permissions of the file and of its directories"
    ]


def test_entry_that_cannot_be_examined_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory entry whose type cannot be read is named; the others still load."""
    (tmp_path / "a.yaml").write_text("servicekit: 1\n")
    (tmp_path / "b.yaml").write_text("servicekit: 1\n")
    real = Path.is_file

    def refuse(self: Path) -> bool:
        if self.name == "b.yaml":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "is_file", refuse)
    with pytest.raises(ModelError, match=r"b\.yaml:1:1: error: cannot read the file: Perm"):
        load(tmp_path)


def test_name_too_long_is_a_located_error(tmp_path: Path) -> None:
    """A path whose name is longer than the system allows is a located error with a hint."""
    path = tmp_path / ("x" * 300 + ".yaml")
    with pytest.raises(ModelError, match=r"error: ") as info:
        load(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "cannot read the path: File name too long"
    assert problem.hint == "the path is longer than the system allows"


def test_path_through_a_file_is_a_located_error(tmp_path: Path) -> None:
    """A path that goes through a file as if it were a directory is a located error."""
    (tmp_path / "model.yaml").write_text("servicekit: 1\n")
    with pytest.raises(ModelError, match=r"error: (no such file|cannot read the path)"):
        load(tmp_path / "model.yaml" / "inner.yaml")


@pytest.mark.parametrize(
    "make",
    ["too-long", "unreadable-files", "empty-files"],
    ids=["too-long", "unreadable-files", "empty-files"],
)
def test_operating_system_errors_exit_2_from_the_command_line(
    make: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every operating-system error on a model path is a clean message and exit 2."""
    target = tmp_path
    if make == "too-long":
        target = tmp_path / ("y" * 400)
    elif make == "unreadable-files":
        for number in range(3):
            (tmp_path / f"{number}.yaml").write_text("servicekit: 1\n")

        def refuse(self: Path, *args: object, **kwargs: object) -> object:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(Path, "open", refuse)
    else:
        for number in range(3):
            (tmp_path / f"{number}.yaml").write_text("---\n")
    assert main(["validate", str(target)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == (1 if make == "too-long" else 3), lines
    assert all(re.match(r".+:1:1: error: ", line) for line in lines), lines
