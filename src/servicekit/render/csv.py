"""CSV for spreadsheets: every answer that is a table, one header row and plain cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from servicekit.culture.mapping import Coverage
from servicekit.render.rows import coverage_rows
from servicekit.render.tables import csv_cell

__all__ = ["coverage_csv", "csv_text"]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header row, then the rows; ``None`` cells are written empty.

    Cells are quoted as CSV needs (commas, quotes, line breaks), and a cell a spreadsheet
    would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return first)
    is prefixed with ``'``.

    Examples
    --------
    >>> print(csv_text(["role", "note"], [["=1+1", 'say "hi", twice']]), end="")
    role,note
    '=1+1,"say ""hi"", twice"
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows(["" if cell is None else csv_cell(cell) for cell in row] for row in rows)
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
