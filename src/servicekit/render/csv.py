"""CSV for spreadsheets: every answer that is a table, one header row and plain cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from servicekit.culture.mapping import Coverage
from servicekit.render.rows import coverage_rows

__all__ = ["coverage_csv", "csv_text"]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header row, then the rows; ``None`` cells are written empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return out.getvalue()


def coverage_csv(coverage: Coverage) -> str:
    """A ``role`` column, then one column a principle; empty cells do not apply.

    Examples
    --------
    >>> import servicekit
    >>> print(coverage_csv(servicekit.load_example().coverage()).splitlines()[0])
    role,see-it-their-way,next-in-line,no-surprises
    """
    header, rows = coverage_rows(coverage)
    return csv_text(header, rows)
