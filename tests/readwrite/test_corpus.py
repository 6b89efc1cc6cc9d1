"""The sample corpus of bad and tricky models (``tests/data/corpus/bad/EXPECT.tsv``)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from tests.conftest import CORPUS

from servicekit import ModelError, ServiceModel, dump, load, save
from servicekit.readwrite import events

BAD = CORPUS / "bad"


class Row(NamedTuple):
    """One row of EXPECT.tsv."""

    name: str
    expect: str
    detail: str


def _rows() -> list[Row]:
    """The rows of EXPECT.tsv, read at collection time."""
    with (BAD / "EXPECT.tsv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Row(*([*cells, "", ""])[:3]) for cells in reader if cells and cells[0].strip()]


ROWS = _rows()
ERRORS = [row for row in ROWS if row.expect.startswith("error:")]
OKS = [row for row in ROWS if row.expect == "ok"]


def test_every_row_is_understood() -> None:
    """Every row of EXPECT.tsv is an error row or an ok row naming an existing file."""
    assert ROWS
    assert len(ERRORS) + len(OKS) == len(ROWS)
    assert all((BAD / row.name).is_file() for row in ROWS)


@pytest.mark.parametrize("row", ERRORS, ids=[row.name for row in ERRORS])
def test_error_row(row: Row) -> None:
    """The file fails to load with a problem at an accepted line, naming the detail."""
    lines = {int(n) for n in row.expect.removeprefix("error:").split("|")}
    path = BAD / row.name
    with pytest.raises(ModelError, match=rf"^{re.escape(str(path))}:\d+:\d+: error: ") as info:
        load(path)
    located = [p for p in info.value.problems if p.line in lines]
    assert located, str(info.value)
    assert all(p.path == str(path) and p.column for p in located)
    if row.detail:
        assert any(row.detail in str(p) for p in located), str(info.value)


@pytest.mark.parametrize("row", ERRORS, ids=[row.name for row in ERRORS])
def test_error_row_pure_python(row: Row, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python parser reports the same problems as libyaml."""
    path = BAD / row.name
    with pytest.raises(ModelError, match=r":\d+:\d+: error: ") as with_c:
        load(path)
    monkeypatch.setattr(events, "LOADER", yaml.SafeLoader)
    with pytest.raises(ModelError, match=r":\d+:\d+: error: ") as pure:
        load(path)
    assert [(p.line, p.column) for p in pure.value.problems] == [
        (p.line, p.column) for p in with_c.value.problems
    ]


@pytest.mark.parametrize("row", OKS, ids=[row.name for row in OKS])
def test_ok_row(row: Row, tmp_path: Path) -> None:
    """The file loads, its detail expression holds, and save-then-load gives an equal model."""
    m = load(BAD / row.name)
    assert isinstance(m, ServiceModel)
    if row.detail:
        assert eval(row.detail, {}, {"m": m}) is True  # trusted expressions from the corpus
    out = tmp_path / row.name
    save(m, out)
    again = load(out)
    assert again == m
    if row.detail:
        assert eval(row.detail, {}, {"m": again}) is True
    assert dump(again) == dump(m)
