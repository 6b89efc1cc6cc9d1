"""Reading evidence strictly: CSV files, XES logs, pandas DataFrames, iterables of mappings.

Evidence is read as rows of cells, each row with the line it is written on, so that every
problem is reported at ``file:line`` (the header is line 1; rows of a DataFrame or of an
iterable of mappings count from 1). A ``Reading`` collects the problems of one
source; the readers of complaints and hand-off logs judge the cells and raise one
``EvidenceError`` with every problem at the end, so a source with a bad
row never gives a partial answer.

The rules, for every source:

- an empty file, a header with no row after it, and a header without a required column
  are errors at line 1; a row with more or fewer cells than the header is an error at its
  line; blank lines are skipped; extra columns are ignored;
- a CSV file is UTF-8 (a byte-order mark is allowed); a field longer than Python's ``csv``
  limit (131,072 characters) stops the reading with an error at its line;
- a file whose name ends with ``.gz`` is read through gzip, and one that ends early is an
  error, never a partial log; ``.xes`` and ``.xes.gz`` files are XES (see
  ``servicekit.evidence.xes``), anything else is CSV;
- pandas is imported only by pandas itself: a DataFrame is read through its own methods.

Examples
--------
>>> reading = Reading("<rows>")
>>> table = open_table([{"touchpoint": "pickup", "category": "stain"}], reading)
>>> rows = table.rows(reading, ("touchpoint", "count"), (True, False))
>>> rows.present, list(rows)
(('touchpoint', 'count'), [(1, ('pickup', None))])
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import re
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from itertools import chain, islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, cast

from servicekit._words import listed, plural
from servicekit.errors import (
    ROW,
    EvidenceError,
    Problem,
    UsageError,
    did_you_mean,
    nearest,
    suggest,
)
from servicekit.evidence.xes import XesError, xes_rows
from servicekit.model.references import MAX_HINTS, MAX_PROBLEMS

__all__ = ["Reading", "Rows", "Table", "open_table", "parse_time"]

#: Errors of a stream that make the rest of a file unreadable.
_STREAM_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error, OSError)


class Reading:
    """The problems found while reading one source of evidence, each at its row.

    Unknown ids are gathered by value: one problem for each distinct unknown id, at the
    first row holding it, saying how many rows do, with the nearest known ids. At most
    ``MAX_PROBLEMS`` problems are kept; the rest are
    counted.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        #: File column -> the short name it is read for, for hints.
        self.shorts: dict[str, str] = {}
        self._problems: list[Problem] = []
        self._dropped = 0
        #: (what, value) -> [first line, column, rows, candidates, advice]
        self._unknown: dict[tuple[str, str], list[Any]] = {}

    def __bool__(self) -> bool:
        """Whether any problem was found."""
        return bool(self._problems or self._unknown or self._dropped)

    def add(
        self,
        line: int | None,
        message: str,
        hint: str | None = None,
        *,
        column: str | None = None,
        value: object = None,
    ) -> None:
        """A problem at ``line`` (``None``: the source as a whole), about ``column``."""
        if len(self._problems) >= MAX_PROBLEMS:
            self._dropped += 1
            return
        self._problems.append(
            Problem(
                message=message,
                hint=hint,
                path=self.label,
                line=line,
                kind=ROW,
                field=(column,) if column is not None else (),
                value=value,
            )
        )

    def unknown(
        self,
        line: int,
        what: str,
        value: str,
        candidates: Callable[[], Sequence[str]],
        *,
        column: str,
        advice: str | None = None,
    ) -> None:
        """An id naming nothing the model has, in ``column`` at ``line``.

        ``candidates`` gives the known ids (asked once, for the did-you-mean).
        """
        key = (what, value)
        found = self._unknown.get(key)
        if found is None:
            self._unknown[key] = [line, column, 1, candidates, advice]
        else:
            found[2] += 1

    def problems(self) -> list[Problem]:
        """Every problem found, unknown ids included."""
        found = list(self._problems)
        for number, ((what, value), (line, column, rows, candidates, advice)) in enumerate(
            self._unknown.items()
        ):
            message = f"unknown {what} {value!r} in column {column!r}"
            if rows > 1:
                message += f" (on {plural(rows, 'row')}, the first here)"
            hints = []
            if "\x00" in value:
                hints.append("it holds a NUL byte: is the file UTF-16 or binary? save it as UTF-8")
            elif number < MAX_HINTS:
                pool = list(candidates())
                hint = nearest(value, pool, suggest(value, pool))
                if hint:
                    hints.append(hint)
            if advice:
                hints.append(advice)
            found.append(
                Problem(
                    message=message,
                    hint="; ".join(hints) or None,
                    path=self.label,
                    line=line,
                    kind=ROW,
                    field=(column,),
                    value=value,
                )
            )
        if self._dropped:
            last = max(found, key=Problem.sort_key)
            found.append(
                Problem(
                    message=f"stopped after {MAX_PROBLEMS} problems "
                    f"({plural(self._dropped, 'more problem')} not shown)",
                    hint="fix these and read it again",
                    path=self.label,
                    line=last.line,
                    kind=ROW,
                )
            )
        return found

    def check(self) -> None:
        """Raise ``EvidenceError`` with every problem, if there is one."""
        if self:
            raise EvidenceError(self.problems())


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 date and time (with or without an offset), or ``None`` when it is not one.

    Examples
    --------
    >>> parse_time("2024-03-01T09:30:00+01:00").hour, parse_time("2024-03-01 09:30").minute
    (9, 30)
    >>> parse_time("01/03/2024 09:30") is None
    True
    """
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _text(value: object, missing: str | None = None) -> str | None:
    """A cell of a DataFrame or a mapping as text; ``missing`` for no value (None, NaN, NaT).

    A mapping without a value has no such column in that row (``None``); a DataFrame's
    missing value is an empty cell (``""``).
    """
    if isinstance(value, str):
        return value
    if value is None:
        return missing
    try:
        if value != value:  # NaN, and pandas' NaT
            return missing
    except (TypeError, ValueError):  # pragma: no cover - arrays and other odd values
        pass
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


#: Rows handed over at a time, at most.
BATCH = 512

#: Characters of a CSV file read at a time by ``chunks()`` (then up to the end of a line):
#: a block without quotes or carriage returns is cut into cells by hand.
BLOCK = 1 << 16


class Rows:
    """The rows of a source: ``(line, cells)``, cells in the order of ``present``.

    ``present`` holds the asked-for columns the source has (a CSV file: those in its
    header); a cell is ``None`` where a row of mappings lacks an optional column. A row
    without a required cell is reported and left out.
    """

    def __init__(self, present: tuple[str, ...], rows: Iterator[tuple[int, tuple[Any, ...]]]):
        self.present = present
        self._rows = rows
        #: Where each present column is in a row ``chunks()`` gives.
        self.positions: tuple[int, ...] = tuple(range(len(present)))

    def __iter__(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        return self._rows

    def chunks(self, most: int = BATCH) -> Iterator[tuple[Sequence[int], list[tuple[Any, ...]]]]:
        """The rows ``most`` at a time, as (lines, cells)."""
        lines: list[int] = []
        cells: list[Any] = []
        for line, row in self._rows:
            lines.append(line)
            cells.append(row)
            if len(cells) >= most:
                yield lines, cells
                lines, cells = [], []
        if cells:
            yield lines, cells

    def column_chunks(self, most: int = BATCH) -> Iterator[tuple[Sequence[int], list[Any]]]:
        """The rows ``most`` at a time as (lines, columns): one sequence a present column,
        in the order of ``present`` (for readers that work a column at a time)."""
        for lines, rows in self.chunks(most):
            yield lines, _columns(rows, self.positions)

    def close(self) -> None:
        """Stop reading: close the file now rather than when the rows are collected."""
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()


def _columns(rows: list[Any], positions: Sequence[int]) -> list[Any]:
    """The cells of ``rows`` at ``positions``, a column each."""
    columns = list(zip(*rows, strict=True))
    return [columns[p] for p in positions]


def _cut_into_columns(
    block: str, width: int, positions: Sequence[int], limit: int
) -> tuple[list[list[str]], int] | None:
    """The columns at ``positions`` of a plain block (whole lines, no quote, no carriage
    return) and its number of lines, when every line has ``width`` cells; else ``None``.

    Each line break becomes a cell of its own: the block is then cut at every comma at
    once, and a line of ``width`` cells puts its break at every ``width + 1``-th cell.
    """
    if block[-1] != "\n":
        block += "\n"
    lines = block.count("\n")
    cells = block.replace("\n", ",\n,").split(",")
    cells.pop()  # after the last line break
    if len(cells) != lines * (width + 1) or cells[width :: width + 1].count("\n") != lines:
        return None
    if len(block) > limit and max(map(len, cells)) > limit:
        return None
    return [cells[p :: width + 1] for p in positions], lines


class _CsvRows(Rows):
    """The rows of a CSV file, read with Python's ``csv`` reader or, by ``chunks()``, cut by
    hand while the text is plain enough for both to give the same cells."""

    def __init__(
        self,
        present: tuple[str, ...],
        reading: Reading,
        text: IO[str],
        reader: Any,
        positions: Sequence[int],
        width: int,
        open_binary: Callable[[], IO[bytes]],
    ) -> None:
        self.present = present
        self.positions = tuple(positions)
        pick = _getter(positions)
        self._reading = reading
        self._text = text
        #: The ``csv`` reader, and the lines of the file read before its first line.
        self._reader = reader
        self._before = 0
        #: Whether the file is being read in blocks (where ``csv`` has no line number).
        self._in_blocks = False
        self._pick = pick
        self._width = width
        self._open_binary = open_binary
        self._count = 0
        self._rows = self._guarded(self._each())

    def _bad_width(self, line: int, row: list[str]) -> None:
        self._reading.add(
            line,
            f"the row has {plural(len(row), 'cell')} and the header "
            f"{plural(self._width, 'column')}",
            "quote cells holding commas; every row needs one cell a column",
        )

    def _each(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        reader, pick, width = self._reader, self._pick, self._width
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            if len(row) != width:
                if row:  # a blank line is skipped
                    self._bad_width(start, row)
                continue
            self._count += 1
            yield start, pick(row)

    def chunks(self, most: int = BATCH) -> Iterator[tuple[Sequence[int], list[tuple[Any, ...]]]]:
        return self._in_chunks(most, by_column=False)

    def column_chunks(self, most: int = BATCH) -> Iterator[tuple[Sequence[int], list[Any]]]:
        return self._in_chunks(most, by_column=True)

    def _in_chunks(
        self, most: int, *, by_column: bool
    ) -> Iterator[tuple[Sequence[int], list[Any]]]:
        super().close()  # the row-by-row reading, never started
        self._rows = iter(())
        return self._guarded(self._chunks(most, by_column=by_column))

    def _chunks(self, most: int, *, by_column: bool) -> Iterator[tuple[Sequence[int], list[Any]]]:
        """Blocks cut by hand while they are plain, the rest of the file through ``csv``;
        rows, or (``by_column``) columns.

        Once a block is not plain, ``csv`` reads on from its first line: a quoted cell may
        run over lines, and blocks.
        """
        rest = yield from self._plain_chunks(most, by_column)
        if rest is not None:
            self._reader = csv.reader(chain(io.StringIO(rest, newline=""), self._text))
        if by_column:
            for lines, rows in self._csv_chunks(most):
                yield lines, _columns(rows, self.positions)
        else:
            yield from self._csv_chunks(most)

    def _plain_chunks(
        self, most: int, by_column: bool
    ) -> Generator[tuple[Sequence[int], list[Any]], None, str | None]:
        """The rows of the blocks that hold no quote, no carriage return and no line longer
        than ``csv``'s field limit: there a line is a row and a comma ends a cell, as for
        ``csv``. Returns the first block that is not plain (``None`` at the end of the file).

        By column, a block whose every line has as many cells as the header has columns
        (no blank line either) is cut into its columns at once (``_cut_into_columns``); any
        other block is cut into rows first.
        """
        text, width, limit = self._text, self._width, csv.field_size_limit()
        positions = self.positions
        self._in_blocks = True  # till the end: a stream error is placed by _lines_read
        done = self._before + self._reader.line_num  # the header's lines
        rest: str | None = None
        while block := text.read(BLOCK):
            if block[-1] != "\n":
                block += text.readline()  # whole lines only
            if '"' in block or "\r" in block:
                rest = block
                break
            if by_column and width > 1:
                found = _cut_into_columns(block, width, positions, limit)
                if found is not None:
                    columns, count = found
                    self._count += count
                    for first in range(0, count, most):
                        yield (
                            range(done + 1 + first, done + 1 + min(first + most, count)),
                            [column[first : first + most] for column in columns],
                        )
                    done += count
                    continue
            lines = block.split("\n")
            if not lines[-1]:  # after the last line break
                lines.pop()
            if max(map(len, lines)) > limit:
                rest = block
                break
            rows = list(map(str.split, lines, repeat(",")))
            numbers: Sequence[int] = range(done + 1, done + 1 + len(rows))
            done += len(rows)
            # A blank line is one empty cell to str.split, no cells to csv: as wide as a
            # header of one column, it is looked for then.
            if (
                min(map(len, rows)) != width
                or max(map(len, rows)) != width
                or (width == 1 and "" in lines)
            ):
                rows = [row if line else [] for line, row in zip(lines, rows, strict=True)]
                numbers, rows = self._kept(numbers, rows)
            self._count += len(rows)
            for first in range(0, len(rows), most):
                some = rows[first : first + most]
                yield (
                    numbers[first : first + most],
                    _columns(some, positions) if by_column else some,
                )
        self._in_blocks = False
        self._before = done
        return rest

    def _csv_chunks(self, most: int) -> Iterator[tuple[Sequence[int], list[Any]]]:
        reader, width, before = self._reader, self._width, self._before
        while True:
            start = before + reader.line_num + 1
            rows = list(islice(reader, most))
            if not rows:
                return
            lines: Sequence[int] = range(start, before + reader.line_num + 1)
            if len(lines) != len(rows):  # a row over several lines
                lines = _row_lines(start, rows)
            if min(map(len, rows)) != width or max(map(len, rows)) != width:
                lines, rows = self._kept(lines, rows)
                if not rows:
                    continue
            self._count += len(rows)
            yield lines, rows

    def _kept(
        self, lines: Sequence[int], rows: list[list[str]]
    ) -> tuple[list[int], list[list[str]]]:
        """The rows as wide as the header, with their lines; the others are reported."""
        width = self._width
        kept_lines, kept = [], []
        for line, row in zip(lines, rows, strict=True):
            if len(row) == width:
                kept_lines.append(line)
                kept.append(row)
            elif row:  # a blank line is skipped
                self._bad_width(line, row)
        return kept_lines, kept

    def _lines_read(self) -> int:
        """The lines of the file read whole before its stream failed, as ``csv`` counts them.

        A block being read is lost with the error, and its lines with it: the file is read
        again to count them.
        """
        if self._in_blocks:
            return _whole_lines(self._open_binary)
        return self._before + int(self._reader.line_num)

    def _guarded(self, inner: Iterator[Any]) -> Iterator[Any]:
        """``inner``'s items; a file that cannot be read to its end is a problem, not an error."""
        reading = self._reading
        try:
            with self._text:
                yield from inner
                if not self._count:
                    reading.add(1, "the file has a header but no rows")
        except UnicodeDecodeError:
            bad, byte = _first_bad_line(self._open_binary)
            reading.add(
                bad,
                f"the file is not UTF-8 text (byte {byte})",
                "save it as UTF-8 (CSV UTF-8 in a spreadsheet)",
            )
        except csv.Error as err:
            line = self._before + self._reader.line_num
            reading.add(line or 1, f"the file cannot be read as CSV: {err}")
        except _STREAM_ERRORS as err:
            read = self._lines_read()
            reading.add(
                read + 1 if read else None,
                f"the file cannot be read to its end: {_stream_reason(err)}",
                "a log that ends early would give partial answers; get the whole file again",
            )

    def close(self) -> None:
        super().close()
        self._text.close()


class Table:
    """A source of evidence opened for reading: ``rows()`` may be called again.

    ``one_shot`` is true for an iterator, which can be read only once.
    """

    def __init__(self, label: str, *, one_shot: bool = False) -> None:
        self.label = label
        self.one_shot = one_shot

    def rows(
        self, reading: Reading, names: Sequence[str], required: Sequence[bool]
    ) -> Rows:  # pragma: no cover - every source overrides it
        raise NotImplementedError


def _missing_hint(name: str, header: Sequence[str], short: str | None) -> str | None:
    """What to do about a column the header lacks: the nearest one, and how to name it."""
    if any("\x00" in h for h in header):
        return "the header holds NUL bytes: is the file UTF-16? save it as UTF-8"
    near = suggest(name, header, n=1)
    if short is not None and not near:
        near = tuple(h for h in header if h.lower() == short)[:1]
    if short is None:
        return did_you_mean(near)
    if near:
        return f"did you mean {near[0]!r}? name it with --column {short}={near[0]}"
    return f"name the column holding the {short} with --column {short}=COLUMN"


def _header_positions(
    header: Sequence[str],
    names: Sequence[str],
    required: Sequence[bool],
    reading: Reading,
    line: int | None,
) -> list[int | None] | None:
    """Where each asked-for column is in ``header``; ``None`` (and problems) when one is missing."""
    where: dict[str, list[int]] = {}
    for position, name in enumerate(header):
        where.setdefault(name, []).append(position)
    positions: list[int | None] = []
    broken = False
    for name, needed in zip(names, required, strict=True):
        found = where.get(name)
        if found is None:
            positions.append(None)
            if needed:
                broken = True
                reading.add(
                    line,
                    f"no column {name!r} in the header (it has "
                    f"{', '.join(repr(h) for h in header[:8])}"
                    f"{', ...' if len(header) > 8 else ''})",
                    _missing_hint(name, header, reading.shorts.get(name)),
                    column=name,
                )
        elif len(found) > 1:
            broken = True
            reading.add(
                line,
                f"the column {name!r} appears {len(found)} times in the header "
                f"(columns {listed(str(p + 1) for p in found)}): which one is meant?",
                "rename all but one",
                column=name,
            )
            positions.append(None)
        else:
            positions.append(found[0])
    return None if broken else positions


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _row_lines(start: int, rows: Sequence[Sequence[str]]) -> list[int]:
    """The line each row starts on, when some cells hold line breaks (quoted)."""
    lines = []
    for row in rows:
        lines.append(start)
        start += 1 + sum(len(_LINE_BREAK.findall(cell)) for cell in row)
    return lines


def _getter(positions: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A fast function picking ``positions`` out of a row, always as a tuple."""
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return itemgetter(*positions)


# --- CSV files ---------------------------------------------------------------------------


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    """How to open ``path`` as bytes: through gzip when its name ends with ``.gz``."""
    if path.name.endswith(".gz"):
        return lambda: cast("IO[bytes]", gzip.open(path, "rb"))
    return lambda: open(path, "rb")


def _first_bad_line(open_binary: Callable[[], IO[bytes]]) -> tuple[int, str]:
    """The line of the first byte that is not UTF-8, and that byte (for a clear error)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open_binary() as stream:
        for raw in stream:
            try:
                decoder.decode(raw)
            except UnicodeDecodeError as err:
                return line, f"0x{raw[err.start]:02x}"
            line += 1
    return line, "?"  # pragma: no cover - the file changed under us


def _whole_lines(open_binary: Callable[[], IO[bytes]]) -> int:
    """How many lines of the file are read whole before its stream fails, as ``csv`` counts."""
    lines = 0
    try:
        with io.TextIOWrapper(open_binary(), encoding="utf-8", newline="") as text:
            for _ in text:
                lines += 1
    except (UnicodeDecodeError, *_STREAM_ERRORS):
        pass
    return lines


class CsvTable(Table):
    """A CSV file (``.csv``, or any name but ``.xes``), gzipped when it ends with ``.gz``."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path

    def _open_problem(self, reading: Reading, err: OSError) -> None:
        reason = err.strerror or str(err) or type(err).__name__
        hint = None
        if isinstance(err, FileNotFoundError):
            hint = "check the path"
        elif isinstance(err, IsADirectoryError):
            hint = "name a file, not a directory"
        reading.add(None, f"cannot read the file: {reason}", hint)

    def rows(self, reading: Reading, names: Sequence[str], required: Sequence[bool]) -> Rows:
        open_binary = _opener(self.path)
        try:
            binary = open_binary()
        except OSError as err:
            self._open_problem(reading, err)
            return Rows((), iter(()))
        # UTF-8, a byte-order mark allowed (taken off the first name of the header).
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader, None)
        except UnicodeDecodeError:
            text.close()
            bad, byte = _first_bad_line(open_binary)
            reading.add(
                bad,
                f"the file is not UTF-8 text (byte {byte})",
                "save it as UTF-8 (CSV UTF-8 in a spreadsheet)",
            )
            return Rows((), iter(()))
        except (csv.Error, *_STREAM_ERRORS) as err:
            text.close()
            reading.add(1, f"the file cannot be read: {_stream_reason(err)}")
            return Rows((), iter(()))
        if header is None:
            text.close()
            reading.add(1, "the file is empty: it needs a header row naming its columns")
            return Rows((), iter(()))
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        positions = _header_positions(header, names, required, reading, 1)
        if positions is None:
            text.close()
            return Rows((), iter(()))
        present = tuple(n for n, p in zip(names, positions, strict=True) if p is not None)
        found = [p for p in positions if p is not None]
        return _CsvRows(present, reading, text, reader, found, len(header), open_binary)


def _stream_reason(err: BaseException) -> str:
    if isinstance(err, EOFError):
        return "the compressed file ends early (it is truncated)"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__


# --- XES files ---------------------------------------------------------------------------


class XesTable(Table):
    """An XES log (``.xes``, ``.xes.gz``): one row an event, keyed as pm4py flattens it."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path

    def rows(self, reading: Reading, names: Sequence[str], required: Sequence[bool]) -> Rows:
        return Rows(tuple(names), self._read(reading, names, required))

    def _read(
        self, reading: Reading, names: Sequence[str], required: Sequence[bool]
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        try:
            stream = _opener(self.path)()
        except OSError as err:
            CsvTable._open_problem(self, reading, err)  # type: ignore[arg-type]
            return
        events = 0
        line = 0
        try:
            with stream:
                for line, event in xes_rows(stream):
                    events += 1
                    cells = _mapping_cells(event, names, required, reading, line)
                    if cells is not None:
                        yield line, cells
        except XesError as err:
            reading.add(err.line, err.message, err.hint)
            return
        except _STREAM_ERRORS as err:
            reading.add(
                line or None,
                f"the file cannot be read to its end: {_stream_reason(err)}",
                "a log that ends early would give partial answers; get the whole file again",
            )
            return
        if not events:
            reading.add(1, "the log has no events")


# --- rows held in Python ------------------------------------------------------------------


def _mapping_cells(
    row: Mapping[str, Any],
    names: Sequence[str],
    required: Sequence[bool],
    reading: Reading,
    line: int,
) -> tuple[str | None, ...] | None:
    """The cells of a row held as a mapping; ``None`` (and a problem) when it lacks a
    required one."""
    cells = tuple(map(row.get, names))
    if set(map(type, cells)) != {str}:
        cells = tuple(map(_text, cells))
    if None not in cells:
        return cells
    complete = True
    for name, needed, cell in zip(names, required, cells, strict=True):
        if needed and cell is None:
            complete = False
            reading.add(line, f"the row has no {name!r}", column=name)
    return cells if complete else None


class MappingsTable(Table):
    """An iterable of mappings (``[{"touchpoint": "pickup", ...}, ...]``): one row each."""

    def __init__(self, items: Iterable[Any], *, one_shot: bool) -> None:
        super().__init__("<rows>", one_shot=one_shot)
        self.items = items

    def rows(self, reading: Reading, names: Sequence[str], required: Sequence[bool]) -> Rows:
        return Rows(tuple(names), self._read(reading, names, required))

    def _read(
        self, reading: Reading, names: Sequence[str], required: Sequence[bool]
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        number = 0
        for number, item in enumerate(self.items, start=1):
            if not isinstance(item, Mapping):
                reading.add(
                    number,
                    f"row {number} is {type(item).__name__}, not a mapping of column -> value",
                )
                continue
            cells = _mapping_cells(item, names, required, reading, number)
            if cells is not None:
                yield number, cells
        if not number:
            reading.add(None, "there are no rows")


class FrameTable(Table):
    """A pandas DataFrame, read through its own methods: pandas is not imported here."""

    def __init__(self, frame: Any) -> None:
        super().__init__("<DataFrame>")
        self.frame = frame

    def rows(self, reading: Reading, names: Sequence[str], required: Sequence[bool]) -> Rows:
        header = [str(c) for c in self.frame.columns]
        positions = _header_positions(header, names, required, reading, None)
        if positions is None:
            return Rows((), iter(()))
        present = tuple(n for n, p in zip(names, positions, strict=True) if p is not None)
        return Rows(present, self._read(reading, [p for p in positions if p is not None]))

    def _read(
        self, reading: Reading, positions: list[int]
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        number = 0
        for number, values in enumerate(self.frame.itertuples(index=False, name=None), start=1):
            yield number, tuple(_text(values[p], "") for p in positions)
        if not number:
            reading.add(None, "the DataFrame has no rows")


def _is_frame(source: object) -> bool:
    kind = type(source)
    return kind.__module__.partition(".")[0] == "pandas" and kind.__name__ == "DataFrame"


def open_table(source: Any, reading: Reading) -> Table:
    """``source`` opened for reading: a path (CSV or XES), a DataFrame, or mappings.

    The label of ``reading`` becomes the source's (its path, ``<DataFrame>``, ``<rows>``).
    Anything else raises ``UsageError``.
    """
    table: Table
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        name = path.name.lower()
        table = XesTable(path) if name.endswith((".xes", ".xes.gz")) else CsvTable(path)
    elif _is_frame(source):
        table = FrameTable(source)
    elif isinstance(source, Mapping | bytes) or not isinstance(source, Iterable):
        raise UsageError(
            "evidence is a path (CSV or XES), a pandas DataFrame or an iterable of mappings, "
            f"not {type(source).__name__}"
        )
    else:
        table = MappingsTable(source, one_shot=iter(source) is source)
    reading.label = table.label
    return table
