"""pandas DataFrames, for notebook users: every table answer with named columns.

pandas is an optional extra; asking for a frame without it raises
:class:`~servicekit.MissingExtraError`, which says how to install it.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from servicekit.culture.mapping import Coverage
from servicekit.errors import MissingExtraError

__all__ = ["coverage_frame", "pandas", "table_frame"]


def pandas() -> Any:
    """The pandas module, or :class:`~servicekit.MissingExtraError` when it is missing."""
    try:
        return importlib.import_module("pandas")
    except ImportError as err:
        raise MissingExtraError("pandas", "pandas") from err


def coverage_frame(coverage: Coverage) -> Any:
    """Rows are roles, columns principles, cells sources or ``None``."""
    data = [list(cells) for _, cells in coverage.rows()]
    return pandas().DataFrame(data, index=list(coverage.roles), columns=list(coverage.principles))


def table_frame(columns: Sequence[str], records: Sequence[dict[str, Any]]) -> Any:
    """A table answer (its columns, and its rows as dicts) as a DataFrame, columns in order."""
    return pandas().DataFrame.from_records(list(records), columns=list(columns))
