"""Tables in each format, built in one place: aligned text, Markdown and HTML.

Every value is made safe for its format here: HTML is escaped, a Markdown cell
loses its pipes and line breaks, and text cells lose their line breaks.

Examples
--------
>>> print(text_table(["n", "name"], [[1, "cashier"], [12, "presser"]], right=[0]))
   n  name
   1  cashier
  12  presser
>>> print(markdown_table(["n", "name"], [[1, "a | b"]], align="rl"))
| n | name |
|---:|---|
| 1 | a \\| b |
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["escape_html", "html_table", "markdown_cell", "markdown_table", "text_table"]


def text_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    indent: str = "  ",
    right: Iterable[int] = (),
) -> str:
    """Rows as aligned columns under ``headers``; columns in ``right`` align right."""
    text_rows = [[" ".join(str(cell).split()) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in text_rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    right_set = set(right)

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right_set else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return (indent + "  ".join(parts)).rstrip()

    return "\n".join([line(list(headers)), *(line(r) for r in text_rows)])


def escape_html(value: object) -> str:
    """HTML-escaped text of ``value``."""
    return html.escape(str(value), quote=True)


def markdown_cell(value: object) -> str:
    """Text safe in a Markdown table cell: no pipes, no line breaks."""
    return " ".join(str(value).split()).replace("|", "\\|")


def html_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, caption: str | None = None
) -> str:
    """An HTML ``<table>`` with an escaped header, rows and optional caption."""
    parts = ['<table class="servicekit">']
    if caption:
        parts.append(f"<caption>{escape_html(caption)}</caption>")
    parts.append(
        "<thead><tr>" + "".join(f"<th>{escape_html(h)}</th>" for h in header) + "</tr></thead>"
    )
    parts.append("<tbody>")
    parts.extend(
        "<tr>" + "".join(f"<td>{escape_html(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    parts.append("</tbody></table>")
    return "".join(parts)


def markdown_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, align: str | None = None
) -> str:
    """A Markdown table; ``align`` has one letter per column, ``r`` for right-aligned."""
    align = align or "l" * len(header)
    lines = [
        "| " + " | ".join(markdown_cell(h) for h in header) + " |",
        "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|",
    ]
    lines.extend("| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)
