"""Evidence is read strictly: every bad row reported at file:line, hostile input refused."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from pathlib import Path
from typing import Any

import pandas
import pytest

import servicekit
from servicekit import EvidenceError, UsageError
from servicekit.evidence.columns import column_pairs, complaint_columns, log_columns

MODEL = servicekit.load_example()
HEADER = "case:concept:name,org:role,time:timestamp\n"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    """A file under ``tmp_path`` holding ``text`` (bytes written as they are)."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def problems(err: pytest.ExceptionInfo[EvidenceError]) -> list[str]:
    """The error's lines, as the command line prints them."""
    return str(err.value).splitlines()


# --- CSV files: the shape of the file --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["log.csv:1: error: the file is empty: it needs a header row naming its columns"]),
        (HEADER, ["log.csv:1: error: the file has a header but no rows"]),
        (HEADER + "\n\n", ["log.csv:1: error: the file has a header but no rows"]),
        (
            "case,role,time\nc1,tagger,2024-01-01T09:00\n",
            [
                "log.csv:1: error: no column 'case:concept:name' in the header (it has 'case', "
                "'role', 'time'); did you mean 'case'? name it with --column case=case",
                "log.csv:1: error: no column 'org:role' in the header (it has 'case', 'role', "
                "'time'); did you mean 'role'? name it with --column role=role",
                "log.csv:1: error: no column 'time:timestamp' in the header (it has 'case', "
                "'role', 'time'); did you mean 'time'? name it with --column time=time",
            ],
        ),
        (
            HEADER + "c1,tagger,2024-01-01T09:00,extra\nc1,spotter\n",
            [
                "log.csv:2: error: the row has 4 cells and the header 3 columns; quote cells "
                "holding commas; every row needs one cell a column",
                "log.csv:3: error: the row has 2 cells and the header 3 columns; quote cells "
                "holding commas; every row needs one cell a column",
                "log.csv:1: error: the file has a header but no rows",
            ],
        ),
        (
            "case:concept:name,org:role,org:role,time:timestamp\nc,tagger,tagger,2024-01-01\n",
            [
                "log.csv:1: error: the column 'org:role' appears 2 times in the header "
                "(columns 2 and 3): which one is meant?; rename all but one"
            ],
        ),
    ],
    ids=["empty", "header-only", "header-and-blank-lines", "missing-columns", "cells", "twice"],
)
def test_the_shape_of_a_csv_file_is_checked(tmp_path: Path, text: str, expected: list[str]) -> None:
    """An empty file, a header alone, missing or doubled columns, rows of the wrong width."""
    path = write(tmp_path, "log.csv", text)
    with pytest.raises(EvidenceError, match="error") as caught:
        MODEL.conformance(path)
    assert [p.replace(str(tmp_path) + "/", "") for p in problems(caught)] == sorted(
        expected, key=lambda p: int(p.split(":")[1])
    )


def test_a_missing_column_suggests_the_nearest_header(tmp_path: Path) -> None:
    """A header cell close to the expected name is offered as a did-you-mean."""
    path = write(tmp_path, "c.csv", "Touchpoint,category\npickup,stain\n")
    with pytest.raises(EvidenceError, match="did you mean 'Touchpoint'") as caught:
        MODEL.attribute(path)
    assert caught.value.problems[0].line == 1


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    """A path that does not exist is an evidence error, not a traceback."""
    with pytest.raises(EvidenceError, match=r"nope\.csv: error: cannot read the file: .*check"):
        MODEL.attribute(tmp_path / "nope.csv")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    """Naming a directory says to name a file."""
    with pytest.raises(EvidenceError, match="name a file, not a directory"):
        MODEL.attribute(tmp_path)


def test_blank_lines_and_extra_columns_are_ignored(tmp_path: Path) -> None:
    """Blank lines are skipped and columns servicekit does not read are left alone."""
    path = write(
        tmp_path,
        "c.csv",
        "note,touchpoint,category,extra\n\nx,pickup,stain,1\n\ny,pickup,stain,2\n",
    )
    assert MODEL.attribute(path).complaints == 2


def test_a_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    """Spreadsheets write UTF-8 with a byte-order mark; the first column is still found."""
    path = write(tmp_path, "c.csv", "\ufefftouchpoint,category\npickup,stain\n".encode())
    assert MODEL.attribute(path).complaints == 1


def test_text_that_is_not_utf8_is_placed_at_its_line(tmp_path: Path) -> None:
    """A Latin-1 byte deep in the file is reported at the line it is on."""
    rows = "".join(f"c{n},tagger,2024-01-01T09:{n:02d}\n" for n in range(40))
    data = (HEADER + rows).encode() + b"c\xe9,tagger,2024-01-01T10:00\n"
    path = write(tmp_path, "log.csv", data)
    with pytest.raises(EvidenceError, match=r"log\.csv:42: error: the file is not UTF-8 text"):
        MODEL.conformance(path)


def test_a_row_over_several_lines_is_placed_where_it_starts(tmp_path: Path) -> None:
    """A quoted cell holding line breaks: the rows after it keep their true lines."""
    text = 'touchpoint,category,note\npickup,stain,"two\nlines"\npikcup,stain,x\n'
    path = write(tmp_path, "c.csv", text)
    with pytest.raises(EvidenceError, match=r"c\.csv:4: error: unknown touchpoint 'pikcup'"):
        MODEL.attribute(path)


# --- hostile input ----------------------------------------------------------------------------


def test_a_nul_byte_in_an_id_is_a_clear_error(tmp_path: Path) -> None:
    """A NUL in a case id (a binary or UTF-16 file) is named, at its line."""
    path = write(tmp_path, "log.csv", HEADER + "c\x001,tagger,2024-01-01T09:00\n")
    with pytest.raises(EvidenceError, match=r"log\.csv:2: error: the case 'c\\x001' holds a NUL"):
        MODEL.conformance(path)


def test_a_nul_byte_in_a_role_says_what_the_file_may_be(tmp_path: Path) -> None:
    """An unknown id holding a NUL gets a hint about the file, not a did-you-mean."""
    path = write(tmp_path, "log.csv", HEADER + "c1,tag\x00ger,2024-01-01T09:00\n")
    with pytest.raises(EvidenceError, match="NUL byte: is the file UTF-16 or binary"):
        MODEL.conformance(path)


def test_a_ten_megabyte_field_stops_with_a_clear_error(tmp_path: Path) -> None:
    """A field past the csv module's limit is an error at its line, read in bounded memory."""
    path = write(tmp_path, "log.csv", HEADER + "c1,tagger," + "9" * 10_000_000 + "\n")
    tracemalloc.start()
    try:
        with pytest.raises(EvidenceError, match=r"log\.csv:2: error: .*field larger than"):
            MODEL.conformance(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 120_000_000


def test_a_row_with_a_thousand_columns_is_an_error_at_its_line(tmp_path: Path) -> None:
    """A row far wider than the header is reported, and the rest of the file is still read."""
    wide = ",".join(["x"] * 1000)
    text = HEADER + "c1,tagger,2024-01-01T09:00\n" + wide + "\nc1,pikcup,2024-01-01T09:05\n"
    path = write(tmp_path, "log.csv", text)
    with pytest.raises(EvidenceError, match="the row has 1000 cells") as caught:
        MODEL.conformance(path)
    assert [p.line for p in caught.value.problems] == [3, 4]


def test_a_header_of_a_thousand_columns_reads_the_ones_named(tmp_path: Path) -> None:
    """Extra columns, however many, are ignored."""
    names = [f"x{n}" for n in range(997)]
    header = ",".join([*names, "case:concept:name", "org:role", "time:timestamp"])
    row = ",".join(["-"] * 997 + ["c1", "tagger", "2024-01-01T09:00"])
    row2 = ",".join(["-"] * 997 + ["c1", "spotter", "2024-01-01T09:05"])
    path = write(tmp_path, "log.csv", f"{header}\n{row}\n{row2}\n")
    found = MODEL.conformance(path)
    assert [(h.from_, h.to, h.count) for h in found.designed] == [("tagger", "spotter", 1)]


def test_a_formula_in_an_id_comes_out_of_csv_escaped(tmp_path: Path) -> None:
    """An id a spreadsheet would run stays text in every CSV servicekit writes."""
    hostile = "=cmd|' /C calc'!A0"
    model = servicekit.loads(
        "servicekit: 1\nroles:\n"
        f"  - {{id: \"{hostile}\", serves: [{{to: b, fail_points: [{{id: '+f', "
        "category: c, rate: 0.1}]}]}\n  - id: b\n"
        "touchpoints:\n  - {id: '@t', role: b}\n"
    )
    found = model.attribute([{"touchpoint": "@t", "category": "c"}])
    text = found.to_csv()
    assert f"'{hostile}" in text
    assert "\n=" not in text
    assert not text.startswith("=")
    log = [
        {"case:concept:name": "-1", "org:role": role, "time:timestamp": f"2024-01-01T0{n}"}
        for n, role in enumerate(["b", hostile])
    ]
    csv_text = model.conformance(log).to_csv()
    assert f"undocumented,b,'{hostile},1,1,1.0,0,'-1" in csv_text.splitlines()


def test_a_truncated_gzip_log_is_an_error_never_a_partial_log(tmp_path: Path) -> None:
    """A .csv.gz cut short raises, whatever it held before the cut."""
    rows = "".join(
        f"c{n},tagger,2024-01-01T09:00\nc{n},spotter,2024-01-01T09:05\n" for n in range(3000)
    )
    data = gzip.compress((HEADER + rows).encode())
    path = write(tmp_path, "log.csv.gz", data[: len(data) // 2])
    with pytest.raises(EvidenceError, match="ends early"):
        MODEL.conformance(path)
    whole = write(tmp_path, "whole.csv.gz", data)
    assert MODEL.conformance(whole).cases == 3000


# --- XES -----------------------------------------------------------------------------------

XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <global scope="event"><string key="org:role" value="cashier"/></global>
  <string key="concept:name" value="a log"/>
  <trace>
    <string key="concept:name" value="o-1"/>
    <string key="customer" value="bride"/>
    <event>
      <string key="concept:name" value="tag"/>
      <string key="org:role" value="tagger"/>
      <date key="time:timestamp" value="2024-03-04T10:00:00.000+01:00"/>
      <list key="meta"><string key="org:role" value="ignored"/></list>
    </event>
    <event>
      <string key="org:role" value="spotter"/>
      <date key="time:timestamp" value="2024-03-04T10:30:00.000+01:00"/>
    </event>
  </trace>
</log>
"""


def test_xes_events_are_read_with_their_trace_attributes(tmp_path: Path) -> None:
    """Trace attributes are case:-prefixed, as pm4py flattens a log; globals are not applied."""
    found = MODEL.conformance(write(tmp_path, "log.xes", XES))
    assert (found.cases, found.events) == (1, 2)
    assert [(h.from_, h.to) for h in found.designed] == [("tagger", "spotter")]
    assert list(found.customers) == ["bride"]


def test_gzipped_xes_is_read_and_a_truncated_one_refused(tmp_path: Path) -> None:
    """.xes.gz is XES through gzip; cut short, it is an error."""
    data = gzip.compress(XES.encode())
    assert MODEL.conformance(write(tmp_path, "log.xes.gz", data)).events == 2
    with pytest.raises(EvidenceError, match="ends early"):
        MODEL.conformance(write(tmp_path, "cut.xes.gz", data[:-30]))


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE log [\n<!ENTITY lol "lol">\n'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">\n]>\n<log>&lol2;</log>\n',
            2,
            "DOCTYPE log",
        ),
        (
            '<?xml version="1.0"?>\n\n<!DOCTYPE log SYSTEM "http://127.0.0.1:9/x.dtd">\n<log/>\n',
            3,
            "DOCTYPE log",
        ),
        ('<?xml version="1.0"?>\n<log>\n<trace>&nowhere;</trace>\n</log>\n', 3, "undefined entity"),
        ("<log>\n<trace>\n</log>\n", 3, "not well-formed XML: mismatched tag"),
        ("<feed/>\n", 1, "the root element is <feed>, not <log>"),
        ("", 1, "the file is empty: an XES log is a <log> element"),
        ("<log></log>", 1, "the log has no events"),
    ],
    ids=["entities", "external-dtd", "undefined-entity", "broken", "not-xes", "empty", "no-events"],
)
def test_xes_problems_are_refused_at_their_line(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    """A DOCTYPE (entities, an external DTD) is refused where it starts; nothing is expanded."""
    path = write(tmp_path, "log.xes", text)
    with pytest.raises(EvidenceError, match=needle) as caught:
        MODEL.conformance(path)
    assert caught.value.problems[0].line == line


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    """A DTD naming a local file is refused before the file is opened."""
    secret = write(tmp_path, "secret.dtd", '<!ENTITY leak "read">')
    text = f'<?xml version="1.0"?>\n<!DOCTYPE log SYSTEM "{secret.as_uri()}">\n<log>&leak;</log>\n'
    path = write(tmp_path, "log.xes", text)
    with pytest.raises(EvidenceError, match="nothing was fetched or expanded") as caught:
        MODEL.conformance(path)
    assert "read" not in str(caught.value)


def test_an_xes_event_without_a_column_is_an_error_at_its_line(tmp_path: Path) -> None:
    """A missing attribute is reported at the event's line."""
    text = XES.replace('<string key="org:role" value="spotter"/>', "")
    with pytest.raises(EvidenceError, match=r"log\.xes:15: error: the row has no 'org:role'"):
        MODEL.conformance(write(tmp_path, "log.xes", text))


# --- rows held in Python -------------------------------------------------------------------------


def test_mappings_are_rows_counted_from_one() -> None:
    """A row that is not a mapping, or lacks a column, is placed at its number."""
    rows: list[Any] = [
        {"touchpoint": "pickup", "category": "stain"},
        ["pickup", "stain"],
        {"touchpoint": "pickup"},
    ]
    with pytest.raises(EvidenceError, match="not a mapping") as caught:
        MODEL.attribute(rows)
    assert problems(caught) == [
        "<rows>:2: error: row 2 is list, not a mapping of column -> value",
        "<rows>:3: error: the row has no 'category'",
    ]


def test_no_rows_at_all_is_an_error() -> None:
    """An empty iterable is not an empty answer."""
    with pytest.raises(EvidenceError, match="<rows>: error: there are no rows"):
        MODEL.attribute([])


@pytest.mark.parametrize(
    "source",
    ["not-a-file-but-a-string.csv", b"bytes", {"touchpoint": "pickup"}, 42],
    ids=["missing-path", "bytes", "one-mapping", "number"],
)
def test_what_is_not_evidence_is_refused(source: Any) -> None:
    """Bytes, a single mapping or a number are usage errors; a missing path an evidence one."""
    with pytest.raises((UsageError, EvidenceError), match=r"evidence is|cannot read"):
        MODEL.attribute(source)


def test_a_dataframe_is_read_through_its_own_methods() -> None:
    """A DataFrame's missing cells are empty cells; its rows count from 1."""
    frame = pandas.DataFrame(
        {"touchpoint": ["pickup", "pickup", "pickup"], "category": ["stain", None, "lost-item"]}
    )
    with pytest.raises(EvidenceError, match=r"<DataFrame>:2: error: the category is empty"):
        MODEL.attribute(frame)
    good = frame.dropna()
    assert MODEL.attribute(good).complaints == 2
    missing = pandas.DataFrame({"where": ["pickup"]})
    with pytest.raises(EvidenceError, match=r"<DataFrame>: error: no column 'touchpoint'"):
        MODEL.attribute(missing)


def test_a_dataframe_log_with_timestamps() -> None:
    """pandas Timestamps are read as ISO 8601 times."""
    frame = pandas.DataFrame(
        {
            "case:concept:name": ["a", "a"],
            "org:role": ["tagger", "spotter"],
            "time:timestamp": pandas.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05"]),
        }
    )
    assert [(h.from_, h.to) for h in MODEL.conformance(frame).designed] == [("tagger", "spotter")]


# --- columns ---------------------------------------------------------------------------------


def test_columns_are_named_by_short_names() -> None:
    """``columns`` lays file columns over the defaults of each kind of evidence."""
    assert log_columns({"role": "org:group"})["role"] == "org:group"
    assert complaint_columns(None)["count"] == "count"
    assert column_pairs(["role=org:group", "time =when"]) == {"role": "org:group", "time": "when"}


@pytest.mark.parametrize(
    ("columns", "needle"),
    [
        ({"rol": "x"}, "hand-off logs have no 'rol' column; .*did you mean 'role'"),
        ({"touchpoint": "x"}, "'touchpoint' column \\(a column of other evidence\\)"),
        ({"role": ""}, "the role column must be named by a non-empty text"),
        (["role"], "columns must be a mapping"),
    ],
    ids=["typo", "other-evidence", "empty", "not-a-mapping"],
)
def test_bad_column_names_are_usage_errors(columns: Any, needle: str) -> None:
    """An unknown short name, or a column named by nothing, is refused with a hint."""
    with pytest.raises(UsageError, match=needle):
        MODEL.conformance([], columns=columns)


def test_a_column_pair_without_equals_is_refused() -> None:
    """``--column role`` says what it takes."""
    with pytest.raises(UsageError, match="--column takes SHORT=COLUMN"):
        column_pairs(["role"])


def test_renamed_columns_are_read(tmp_path: Path) -> None:
    """A log with its own column names is read once they are named."""
    path = write(
        tmp_path,
        "log.csv",
        "ticket,team,when\nt1,tagger,2024-01-01 09:00\nt1,spotter,2024-01-01 09:05\n",
    )
    found = MODEL.conformance(path, columns={"case": "ticket", "role": "team", "time": "when"})
    assert found.cases == 1


def test_every_problem_of_a_file_is_reported_together(tmp_path: Path) -> None:
    """Many bad rows: one error with each, in line order."""
    rows = "".join(
        [
            "c1,tagger,2024-01-01T09:00\n",
            "c1,spoter,2024-01-01T09:05\n",
            "c1,spotter,yesterday\n",
            ",cleaner,2024-01-01T09:15\n",
            "c1,spoter,2024-01-01T09:20\n",
        ]
    )
    path = write(tmp_path, "log.csv", HEADER + rows)
    with pytest.raises(EvidenceError, match="spoter") as caught:
        MODEL.conformance(path)
    lines = [p.line for p in caught.value.problems]
    assert lines == [3, 4, 5]
    assert "unknown role 'spoter' in column 'org:role' (on 2 rows, the first here)" in str(
        caught.value
    )
    assert "did you mean 'spotter'?" in str(caught.value)


def test_a_flood_of_bad_rows_is_capped(tmp_path: Path) -> None:
    """Past a thousand problems the rest are counted, not listed."""
    rows = "".join(f"c{n},tagger,not-a-time\n" for n in range(1500))
    with pytest.raises(EvidenceError, match=r"stopped after 1000 problems \(500 more"):
        MODEL.conformance(write(tmp_path, "log.csv", HEADER + rows))


def test_errors_survive_pickling() -> None:
    """An EvidenceError keeps its problems across processes."""
    import pickle

    with pytest.raises(EvidenceError, match="there are no rows") as caught:
        MODEL.attribute([])
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.problems == caught.value.problems


def test_reading_rows_one_at_a_time_and_by_chunks_agree(tmp_path: Path) -> None:
    """The same file read as a log (chunks) and as complaints (rows) sees the same rows."""
    text = "touchpoint,category\n" + "pickup,stain\n" * 1200
    path = write(tmp_path, "c.csv", text)
    assert MODEL.attribute(path).complaints == 1200
    assert io.StringIO(text).read().count("\n") == 1201


# --- more of the file's shape ----------------------------------------------------------------


def test_a_log_row_over_several_lines_keeps_the_lines_after_it_true(tmp_path: Path) -> None:
    """In a log read by chunks, a quoted cell with line breaks does not shift later lines."""
    text = (
        "case:concept:name,org:role,time:timestamp,note\n"
        'c1,tagger,2024-01-01T09:00,"a\nnote\r\nover lines"\n'
        "c1,spoter,2024-01-01T09:05,x\n"
    )
    with pytest.raises(EvidenceError, match=r"log\.csv:5: error: unknown role 'spoter'"):
        MODEL.conformance(write(tmp_path, "log.csv", text))


def test_a_complaint_row_of_the_wrong_width_is_placed(tmp_path: Path) -> None:
    """Read row by row, a short row is reported at its line too."""
    path = write(tmp_path, "c.csv", "touchpoint,category\npickup\npickup,stain\n")
    with pytest.raises(EvidenceError, match=r"c\.csv:2: error: the row has 1 cell and the header"):
        MODEL.attribute(path)


def test_a_utf16_file_is_named_as_such(tmp_path: Path) -> None:
    """UTF-16 with a byte-order mark is not UTF-8 at line 1; without one, its NULs are named."""
    text = "touchpoint,category\npickup,stain\n"
    with pytest.raises(EvidenceError, match=r"c\.csv:1: error: the file is not UTF-8 text"):
        MODEL.attribute(write(tmp_path, "c.csv", text.encode("utf-16")))
    with pytest.raises(EvidenceError, match="the header holds NUL bytes: is the file UTF-16"):
        MODEL.attribute(write(tmp_path, "d.csv", text.encode("utf-16-le")))


def test_a_gzip_file_that_is_not_gzip_or_ends_in_its_header(tmp_path: Path) -> None:
    """A .gz name on plain text, or a gzip file cut inside its header row, is an error."""
    with pytest.raises(EvidenceError, match=r"c\.csv\.gz:1: error: the file cannot be read"):
        MODEL.attribute(write(tmp_path, "c.csv.gz", "touchpoint,category\n"))
    data = gzip.compress(("touchpoint," + "x" * 5000 + "\n").encode())
    with pytest.raises(EvidenceError, match="ends early"):
        MODEL.attribute(write(tmp_path, "d.csv.gz", data[:40]))


def test_a_missing_xes_file_is_an_error(tmp_path: Path) -> None:
    """A .xes path that does not exist says so."""
    with pytest.raises(EvidenceError, match=r"log\.xes: error: cannot read the file"):
        MODEL.conformance(tmp_path / "log.xes")


def test_a_roles_file_without_its_columns_is_named(tmp_path: Path) -> None:
    """The roles file's own columns are resource and role."""
    roles = write(tmp_path, "roles.csv", "person,role\nann,tagger\n")
    with pytest.raises(EvidenceError, match="no column 'resource' in the header"):
        MODEL.conformance([], resource_roles=roles)


def test_one_column_can_be_read_on_its_own(tmp_path: Path) -> None:
    """A table read for a single column still gives each row's cells as a tuple."""
    from servicekit.evidence.reading import Reading, open_table

    reading = Reading("<rows>")
    table = open_table(write(tmp_path, "c.csv", "a,b\n1,2\n3,4\n"), reading)
    rows = table.rows(reading, ("b",), (True,))
    assert list(rows) == [(2, ("2",)), (3, ("4",))]
    reading.check()


def test_an_empty_dataframe_is_an_error() -> None:
    """A DataFrame with the columns and no rows is no evidence."""
    with pytest.raises(EvidenceError, match="<DataFrame>: error: the DataFrame has no rows"):
        MODEL.attribute(pandas.DataFrame({"touchpoint": [], "category": []}))
