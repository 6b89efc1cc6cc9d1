"""Every answer that is a table gives named columns to pandas, and the same rows as records.

``to_records()`` is the table as dicts (numbers as in JSON), ``to_pandas()`` the same
table as a DataFrame, and ``pandas.DataFrame(answer)`` names its columns too where the
answer is a sequence of named tuples (reaches, suspects, findings).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import pandas
import pytest

import servicekit
from servicekit import MissingExtraError, ServiceModel

# A bakery whose oven fail point has no known rate: an unrated suspect.
BAKERY = ServiceModel.from_dict(
    {
        "servicekit": 1,
        "name": "Bakery",
        "customers": [{"id": "regular"}],
        "roles": [
            {
                "id": "baker",
                "serves": [
                    {
                        "to": "counter-hand",
                        "item": "loaves",
                        "fail_points": [{"id": "underbaked", "category": "bake"}],
                    }
                ],
            },
            {
                "id": "counter-hand",
                "serves": [],
            },
        ],
        "touchpoints": [
            {
                "id": "till",
                "role": "counter-hand",
                "customers": ["regular"],
                "fail_points": [{"id": "wrong-change", "category": "money", "rate": 0.01}],
            }
        ],
        "principles": [
            {"id": "own-it", "applies_to": {"roles": ["baker"]}},
            {"id": "smile", "applies_to": {"roles": ["counter-hand"]}},
        ],
    }
)


def _answers(model: ServiceModel) -> dict[str, Any]:
    touchpoint = next(iter(model.touchpoints))
    return {
        "upstream": model.chain.upstream(touchpoint),
        "downstream": model.chain.downstream(next(iter(model.roles))),
        "trace": model.chain.trace(touchpoint),
        "audit": model.audit(),
        "coverage": model.coverage(),
        **({"guide": model.guide(next(iter(model.scenarios)))} if model.scenarios else {}),
    }


COLUMNS = {
    "upstream": ["id", "kind", "distance"],
    "downstream": ["id", "kind", "distance"],
    "trace": ["role", "receiver", "fail_point", "category", "rate", "escape", "score", "distance"],
    "audit": ["rule", "severity", "subject", "message", "hint"],
    "guide": ["part", "id", "name", "why", "text"],
}


@pytest.mark.parametrize("model", [servicekit.load_example(), BAKERY], ids=["example", "bakery"])
def test_to_pandas_has_the_records_columns_and_rows(model: ServiceModel) -> None:
    """Each frame holds exactly its records, in order, under the documented columns."""
    for name, answer in _answers(model).items():
        frame = answer.to_pandas()
        records = answer.to_records()
        if name == "coverage":
            assert frame.index.name == "role"
            assert list(frame.columns) == list(answer.principles)
            frame = frame.reset_index()
        else:
            assert list(frame.columns) == COLUMNS[name], name
        assert len(frame) == len(records), name
        assert list(frame.columns) == list(records[0]) if records else True
        for row, record in zip(frame.to_dict("records"), records, strict=True):
            for column, value in record.items():
                cell = row[column]
                if value is None:
                    assert cell is None or (isinstance(cell, float) and math.isnan(cell)), name
                else:
                    assert cell == value, (name, column)


def test_empty_text_cells_are_none_and_missing_numbers_nan() -> None:
    """A hand-off suspect's receiver, an unrated rate: None in text columns, NaN in numbers."""
    trace = BAKERY.chain.trace("till").to_pandas()
    own = trace[trace["fail_point"] == "wrong-change"].iloc[0]
    assert own["receiver"] is None
    unrated = trace[trace["fail_point"] == "underbaked"].iloc[0]
    assert math.isnan(unrated["rate"])
    assert math.isnan(unrated["score"])
    assert trace["rate"].dtype.kind == "f"
    assert trace["distance"].dtype.kind == "i"
    coverage = BAKERY.coverage().to_pandas()
    assert coverage.loc["baker", "smile"] is None
    assert coverage.loc["baker", "own-it"] == "role"


def test_records_are_the_json_rows(example: ServiceModel) -> None:
    """to_records gives the rows of the answer's JSON, so both speak the same shape."""
    chain = example.chain
    assert chain.upstream("pickup").to_records() == chain.upstream("pickup").to_json()["upstream"]
    assert chain.trace("pickup").to_records() == [s.to_json() for s in chain.trace("pickup")]
    assert example.audit().to_records() == example.audit().to_json()["findings"]
    coverage = example.coverage()
    assert {r.pop("role"): r for r in coverage.to_records()} == coverage.to_json()["matrix"]
    guide = example.guide("wedding-dress-stain")
    parts = [(r["part"], r["id"]) for r in guide.to_records()]
    data = guide.to_json()
    assert parts == [("script", s["id"]) for s in data["scripts"]] + [
        ("principle", p["id"]) for p in data["principles"]
    ]


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("upstream", lambda m: m.chain.upstream("pickup")),
        ("trace", lambda m: m.chain.trace("pickup")),
        ("audit", lambda m: m.audit()),
    ],
)
def test_plain_dataframe_names_its_columns(
    example: ServiceModel, name: str, answer: Callable[[ServiceModel], Any]
) -> None:
    """pandas.DataFrame(answer) gives one named column a field, not a column of reprs."""
    frame = pandas.DataFrame(answer(example))
    assert list(frame.columns)[: len(COLUMNS[name])] == COLUMNS[name]
    assert len(frame) == len(answer(example))


def test_an_empty_answer_is_an_empty_frame_with_its_columns(example: ServiceModel) -> None:
    """Nothing upstream of a node that nobody serves: no rows, the same columns."""
    frame = example.chain.upstream("walk-in", depth=0).to_pandas()
    assert frame.empty
    assert list(frame.columns) == COLUMNS["upstream"]


@pytest.mark.parametrize(
    "answer",
    [
        lambda m: m.chain.upstream("pickup"),
        lambda m: m.chain.trace("pickup"),
        lambda m: m.audit(),
        lambda m: m.coverage(),
        lambda m: m.guide("everyday-stain"),
    ],
    ids=["upstream", "trace", "audit", "coverage", "guide"],
)
def test_without_pandas_the_error_names_the_extra(
    example: ServiceModel, monkeypatch: pytest.MonkeyPatch, answer: Callable[[ServiceModel], Any]
) -> None:
    """Every to_pandas without pandas raises MissingExtraError saying how to install it."""
    result = answer(example)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"pip install pandas"):
        result.to_pandas()
