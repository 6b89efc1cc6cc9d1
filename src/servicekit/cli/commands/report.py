"""``servicekit report [MODEL]``: the whole model on one page (the bundled example by default)."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model, selection
from servicekit.cli.output import write_json_chunks, write_lines
from servicekit.culture.report import build
from servicekit.readwrite.load import example_path
from servicekit.render.json import report_json_chunks
from servicekit.render.text import report_lines


def run(args: argparse.Namespace) -> int:
    path = args.model
    bundled = path is None
    if bundled:
        path = str(example_path())
    model = load_model(path)
    selected = selection(model, args.select)
    report = build(model, path=path, bundled=bundled, top=args.top, select=selected)
    # Written a touchpoint at a time, as the report works it out.
    if args.format == "json":
        write_json_chunks(report_json_chunks(report))
    else:
        write_lines(report_lines(report))
    return 1 if report.fails(args.fail_on) else 0
