"""pandas DataFrames, for notebook users: every table answer with named columns.

Each frame is drawn from the answer's records (``servicekit.render.rows``), so
``to_pandas()`` and ``to_records()`` always hold the same columns. Text columns hold
``None`` where a record has nothing; number columns keep pandas' ``NaN`` for a missing
number (an unrated suspect's rate and score), so they stay numbers.

pandas is an optional extra; asking for a frame without it raises
``MissingExtraError``, which says how to install it.
"""

from __future__ import annotations

import importlib
from typing import Any

from servicekit.errors import MissingExtraError
from servicekit.render.rows import Records

__all__ = ["pandas", "table_frame"]


def pandas() -> Any:
    """The pandas module, or a ``MissingExtraError`` saying how to get it."""
    try:
        return importlib.import_module("pandas")
    except ImportError as error:
        raise MissingExtraError("pandas", "pandas") from error


def table_frame(table: Records, index: str | None = None) -> Any:
    """A table (its columns, and its rows as dicts) as a DataFrame, columns in order.

    With ``index``, that column becomes the frame's (named) index.
    """
    pd = pandas()
    columns, records = table
    frame = pd.DataFrame.from_records(records, columns=list(columns))
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            cells = frame[column].astype(object)
            frame[column] = cells.where(cells.notna(), None)
    return frame.set_index(index) if index is not None else frame
