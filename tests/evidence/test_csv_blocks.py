"""A CSV file read by chunks, in blocks cut by hand while it is plain, gives what csv gives."""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicekit.evidence import reading as module
from servicekit.evidence.reading import Reading, open_table

#: What a reading gives: the (line, cells) of each row and the (line, message) of each problem.
Found = tuple[list[tuple[int, list[str]]], list[tuple[int | None, str]]]


@contextmanager
def settings_for_csv(block: int, limit: int) -> Iterator[None]:
    """Blocks of ``block`` characters and a csv field limit of ``limit``, for a while."""
    old_block, old_limit = module.BLOCK, csv.field_size_limit()
    module.BLOCK = block
    csv.field_size_limit(limit)
    try:
        yield
    finally:
        module.BLOCK = old_block
        csv.field_size_limit(old_limit)


def by_chunks(path: Path, most: int = module.BATCH) -> Found:
    """``path`` read by ``chunks()``, its rows' lines and cells checked as it goes."""
    reading = Reading(str(path))
    table = open_table(path, reading)
    rows = table.rows(reading, ("a",), (True,))
    found = []
    for lines, chunk in rows.chunks(most):
        assert 0 < len(chunk) <= most
        assert len(lines) == len(chunk)
        for line, row in zip(lines, chunk, strict=True):
            assert type(row) is list
            assert all(type(cell) is str for cell in row)
            found.append((line, row))
    return found, [(p.line, p.message) for p in reading.problems()]


def cells(count: int, what: str) -> str:
    return f"{count} {what}{'' if count == 1 else 's'}"


def by_csv(path: Path, opener: Callable[[Path, str], IO[bytes]] = open) -> Found:
    """The oracle: the file read row by row with ``csv.reader``, as servicekit always did."""
    found: list[tuple[int, list[str]]] = []
    problems: list[tuple[int | None, str]] = []
    reader: Any = None
    try:
        with (
            opener(path, "rb") as binary,
            io.TextIOWrapper(binary, encoding="utf-8", newline="") as text,
        ):
            reader = csv.reader(text)
            width = len(next(reader))
            line = reader.line_num
            for row in reader:
                start, line = line + 1, reader.line_num
                if len(row) == width:
                    found.append((start, row))
                elif row:
                    problems.append(
                        (
                            start,
                            f"the row has {cells(len(row), 'cell')} and the header "
                            f"{cells(width, 'column')}",
                        )
                    )
            if not found:
                problems.append((1, "the file has a header but no rows"))
    except csv.Error as err:
        problems.append((reader.line_num or 1, f"the file cannot be read as CSV: {err}"))
    except EOFError:
        problems.append(
            (
                reader.line_num + 1,
                "the file cannot be read to its end: the compressed file ends early "
                "(it is truncated)",
            )
        )
    return found, problems


# --- the property -----------------------------------------------------------------------------

PLAIN = "ab é€\x00\x85\u2028"
ANY = PLAIN + ',"\n\r'
HEADERS = ["a", "a,b", "a,b,c", "a,b,c,d"]


def quoted(cell: str) -> str:
    """A cell as csv writes it: quoted when it holds a comma, quote or line break."""
    if any(c in cell for c in ',"\r\n') or not cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    """A CSV file's text: mostly plain rows, and now and then anything csv can meet."""
    header = draw(st.sampled_from(HEADERS))
    width = header.count(",") + 1
    plain_cell = st.text(PLAIN, max_size=4) | st.text(PLAIN, max_size=14)  # past small limits
    plain = st.lists(plain_cell, min_size=width, max_size=width).map(",".join)
    line = st.one_of(
        plain,
        plain,
        plain,
        plain,
        st.lists(plain_cell, max_size=width + 2).map(",".join),  # any width, blank too
        st.lists(st.text(ANY, max_size=4), min_size=width, max_size=width).map(
            lambda row: ",".join(map(quoted, row))
        ),
        st.text(ANY, max_size=8),  # stray quotes, lone carriage returns
        st.just(""),
    )
    lines = draw(st.lists(line, max_size=60))
    ends = draw(st.lists(st.sampled_from(["\n", "\n", "\r\n"]), min_size=len(lines) + 1))
    text = header + ends[0] + "".join(map(str.__add__, lines, ends[1:]))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    csv_texts(),
    st.integers(1, 80),
    st.integers(1, 7),
    st.sampled_from([131_072, 131_072, 5, 12]),
)
def test_chunks_give_what_csv_gives(text: str, block: int, most: int, limit: int) -> None:
    """Every row at its line, and every problem, as csv.reader read row by row gives them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        path.write_text(text, encoding="utf-8", newline="")
        with settings_for_csv(block, limit):
            rows, problems = by_csv(path)
            found, found_problems = by_chunks(path, most)
    if problems and "cannot be read" in problems[-1][1]:
        # A file read up to an error is refused whole: the rows (and the bad widths) of the
        # batch the error is met in are not handed over, by chunks as before.
        assert found_problems[-1] == problems[-1]
        assert found_problems[:-1] == problems[: len(found_problems) - 1]
        rows = rows[: len(found)]
    else:
        assert found_problems == problems
    assert found == rows


def by_columns(path: Path, most: int) -> tuple[list[tuple[int, list[str]]], list[Any]]:
    """``path`` read by ``column_chunks()`` for columns c (when the header has it) and a,
    in that order: each row's line and those cells, and the problems."""
    reading = Reading(str(path))
    table = open_table(path, reading)
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].rstrip("\r").split(",")
    names = tuple(name for name in ("c", "a") if name in header)
    rows = table.rows(reading, names, (True,) * len(names))
    found = []
    for lines, columns in rows.column_chunks(most):
        assert len(columns) == len(names)
        assert all(0 < len(column) <= most and len(column) == len(lines) for column in columns)
        for line, *picked in zip(lines, *columns, strict=True):
            assert all(type(cell) is str for cell in picked)
            found.append((line, list(picked)))
    return found, [(p.line, p.message) for p in reading.problems()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_texts(), st.integers(1, 80), st.integers(1, 7))
def test_column_chunks_give_the_columns_of_what_csv_gives(text: str, block: int, most: int) -> None:
    """Read a column at a time (plain blocks cut into cells at once), a file gives the cells
    of the rows csv.reader gives, at their lines, with the same problems."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        path.write_text(text, encoding="utf-8", newline="")
        with settings_for_csv(block, csv.field_size_limit()):
            rows, problems = by_csv(path)
            found, found_problems = by_columns(path, most)
    header = text.split("\n", 1)[0].rstrip("\r").split(",")
    at = [header.index(name) for name in ("c", "a") if name in header]
    expected = [(line, [row[p] for p in at]) for line, row in rows]
    if problems and "cannot be read" in problems[-1][1]:
        assert found_problems[-1] == problems[-1]
        expected = expected[: len(found)]
    else:
        assert found_problems == problems
    assert found == expected


# --- the switch from blocks to csv -------------------------------------------------------------

PLAIN_ROWS = "".join(f"c{n},r{n % 7},2024-01-01\n" for n in range(30))


def test_a_quoted_line_break_in_the_third_block_keeps_the_lines_after_it(tmp_path: Path) -> None:
    """Blocks 1 and 2 are cut by hand, csv reads on from block 3: lines stay the file's own."""
    rows = PLAIN_ROWS + 'c30,"r\n1",2024-01-01\n' + PLAIN_ROWS + "c31,short\n" + PLAIN_ROWS
    path = tmp_path / "log.csv"
    path.write_text("a,b,c\n" + rows, encoding="utf-8", newline="")
    with settings_for_csv(200, csv.field_size_limit()):  # 30 rows are about 3 blocks
        found, problems = by_chunks(path, most=7)
    assert (32, ["c30", "r\n1", "2024-01-01"]) in found
    assert found[31] == (34, ["c0", "r0", "2024-01-01"])
    assert found[-1] == (94, ["c29", "r1", "2024-01-01"])
    assert problems == [(64, "the row has 2 cells and the header 3 columns")]
    assert (found, problems) == by_csv(path)


def test_a_field_over_the_limit_after_plain_blocks_is_placed(tmp_path: Path) -> None:
    """A field past csv's limit, deep in a file read in blocks until then, is at its line."""
    rows = PLAIN_ROWS * 200  # 6,000 rows, several blocks of 64 KiB
    path = tmp_path / "log.csv"
    text = "a,b,c\n" + rows + "c,r," + "9" * 200_000 + "\n" + PLAIN_ROWS
    path.write_text(text, encoding="utf-8", newline="")
    found, problems = by_chunks(path)
    assert problems == [
        (6002, "the file cannot be read as CSV: field larger than field limit (131072)")
    ]
    assert found == by_csv(path)[0][: len(found)]


def test_a_byte_that_is_not_utf8_deep_in_the_file_is_placed(tmp_path: Path) -> None:
    """A Latin-1 byte several blocks in is reported at its line, as before."""
    path = tmp_path / "log.csv"
    path.write_bytes(("a,b,c\n" + PLAIN_ROWS * 200).encode() + b"c\xe9,r,2024\n")
    _, problems = by_chunks(path)
    assert problems == [(6002, "the file is not UTF-8 text (byte 0xe9)")]


def test_a_gzipped_file_is_read_in_blocks(tmp_path: Path) -> None:
    """A .csv.gz gives the rows the plain file gives."""
    text = "a,b,c\n" + PLAIN_ROWS * 200 + "\nc,short\n" + PLAIN_ROWS
    plain = tmp_path / "log.csv"
    plain.write_text(text, encoding="utf-8", newline="")
    packed = tmp_path / "log.csv.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    found = by_chunks(packed)
    assert len(found[0]) == 6030
    assert found == by_chunks(plain)
    assert found == by_csv(packed, gzip.open)


@pytest.mark.parametrize("quote", ["", 'c,"r\n",x\n'])
def test_a_truncated_gzip_file_ends_where_csv_ends(tmp_path: Path, quote: str) -> None:
    """A .csv.gz cut short is an error at the line csv could not read, in blocks or not."""
    text = "a,b,c\n" + quote + PLAIN_ROWS * 2000
    data = gzip.compress(text.encode())
    path = tmp_path / "log.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    found, problems = by_chunks(path)
    assert found == by_csv(path, gzip.open)[0][: len(found)]
    assert problems == by_csv(path, gzip.open)[1]
    assert (problems[0][0] or 0) > 20_000  # far past the first block
