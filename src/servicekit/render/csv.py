"""CSV for spreadsheets: every answer that is a table, one header row and plain cells.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) are written with a ``'`` in front, so an id such as
``=cmd|' /C calc'!A0`` shows as text and never runs (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from servicekit.culture.mapping import Coverage
from servicekit.evidence.attribution import Attribution
from servicekit.evidence.conformance import Conformance
from servicekit.render.rows import Records, attribution_table, conformance_table, coverage_rows

__all__ = [
    "attribution_csv",
    "conformance_csv",
    "coverage_csv",
    "csv_text",
    "records_csv",
    "spreadsheet_safe",
]

#: What a spreadsheet takes for the start of a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """``cell``, with a ``'`` in front when it is text a spreadsheet would run as a formula.

    Examples
    --------
    >>> spreadsheet_safe("=cmd|' /C calc'!A0"), spreadsheet_safe("-1"), spreadsheet_safe(-1)
    ("'=cmd|' /C calc'!A0", "'-1", -1)
    """
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


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
    writer.writerow([spreadsheet_safe(h) for h in header])
    writer.writerows(
        ["" if cell is None else spreadsheet_safe(cell) for cell in row] for row in rows
    )
    return out.getvalue()


def records_csv(table: Records) -> str:
    """A table's records (``to_records()``: raw values, numbers as in JSON) as CSV, its
    columns in order; ``None`` is an empty cell, a list its items joined by ``; ``.

    Examples
    --------
    >>> import servicekit
    >>> from servicekit.render.rows import suspect_records
    >>> trace = servicekit.load_example().chain.trace("pickup", "stain")
    >>> print(records_csv(suspect_records(trace)), end="")
    role,receiver,fail_point,category,rate,escape,score,distance
    spotter,cleaner,missed-stain,stain,0.04,0.5,0.02,5
    """
    columns, records = table
    return csv_text(
        columns,
        (
            ["; ".join(map(str, v)) if isinstance(v, list | tuple) else v for v in row.values()]
            for row in ({c: r.get(c) for c in columns} for r in records)
        ),
    )


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


def _cell(value: object) -> object:
    """A record's value as a CSV cell: lists joined by spaces, booleans as true/false."""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _records_csv(columns: Sequence[str], records: Iterable[dict[str, object]]) -> str:
    return csv_text(columns, ([_cell(r[c]) for c in columns] for r in records))


def attribution_csv(found: Attribution) -> str:
    """The ``by_role`` table: role, kind, department, complaints, programs, gap.

    Examples
    --------
    >>> import servicekit
    >>> found = servicekit.load_example().attribute(
    ...     [{"touchpoint": "pickup", "category": "stain"}])
    >>> print(attribution_csv(found), end="")
    role,kind,department,complaints,programs,gap
    spotter,person,cleaning,1.0,spotting-handbook stain-school,false
    """
    return _records_csv(*attribution_table(found, "by_role"))


def conformance_csv(found: Conformance) -> str:
    """One row a hand-off: status, from, to, count, cases, share, rework, examples."""
    return _records_csv(*conformance_table(found, "handoffs"))
