"""Tables in each format, built in one place, and every value made safe for its format.

A model's text is the model author's, and may hold anything: escape sequences that
retitle or clear a terminal, line breaks that break a table, Markdown or HTML markup.
``plain_text()`` keeps a value on one line and shows control characters escaped (as
error messages do); ``markdown_text()`` also escapes Markdown's markup; HTML is
escaped by ``escape_html()``; a CSV cell that a spreadsheet would run as a formula is
prefixed with ``'`` by ``servicekit.render.csv.spreadsheet_safe``.

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
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "Markdown",
    "escape_html",
    "html_table",
    "markdown_cell",
    "markdown_table",
    "markdown_text",
    "plain_text",
    "text_table",
]

#: Characters a terminal acts on rather than shows: C0 and C1 controls (ESC starts the
#: sequences that move the cursor, retitle or clear a terminal), DEL, the line and
#: paragraph separators, and the bidirectional overrides that reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Those that break a line or jump a column: shown as a space.
_SPACING = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029")
#: Characters Markdown reads as markup anywhere in a line (a value never starts a line,
#: and ``>`` is markup only there, or closing a tag that ``<``, escaped, cannot open).
_MARKDOWN = re.compile(r"([\\`*_\[\]<|~])")


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SPACING:
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain_text(value: object) -> str:
    """``value`` as text safe to print on a terminal, on one line.

    Line breaks and tabs become spaces; other control characters (ESC ...) and the
    bidirectional overrides are shown escaped, as error messages show them.

    Examples
    --------
    >>> plain_text("Cashier\\x1b]0;owned\\x07"), plain_text("two\\nlines")
    ('Cashier\\\\x1b]0;owned\\\\x07', 'two lines')
    """
    text = str(value)
    if text.isprintable():
        return text
    return _CONTROL.sub(_shown, text)


def markdown_text(value: object) -> str:
    """``value`` as text safe inside a line of Markdown: on one line, control characters
    escaped, and Markdown's markup characters escaped, so it shows as written and never
    becomes emphasis, a link, code, a table cell break or HTML.

    Examples
    --------
    >>> print(markdown_text("<b>Joe's</b> *best* | [x](y)"))
    \\<b>Joe's\\</b> \\*best\\* \\| \\[x\\](y)
    """
    return _MARKDOWN.sub(r"\\\1", plain_text(value))


def text_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    indent: str = "  ",
    right: Iterable[int] = (),
) -> str:
    """Rows as aligned columns under ``headers``; columns in ``right`` align right.

    Each cell is ``plain_text()``, its runs of spaces made one.
    """
    text_rows = [[" ".join(plain_text(cell).split()) for cell in row] for row in rows]
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


class Markdown(str):
    """Text that is Markdown already (the renderer's own emphasis, never a model's text):
    a table cell writes it as it is.

    Examples
    --------
    >>> markdown_cell(Markdown("**yes**")), markdown_cell("**yes**")
    ('**yes**', '\\\\*\\\\*yes\\\\*\\\\*')
    """

    __slots__ = ()


def markdown_cell(value: object) -> str:
    """Text safe in a Markdown table cell: ``markdown_text()``, spaces made one; text that
    is ``Markdown`` already is kept as it is."""
    if isinstance(value, Markdown):
        return " ".join(value.split())
    return " ".join(markdown_text(value).split())


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
