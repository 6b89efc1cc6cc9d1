"""``servicekit coverage MODEL``: which principles apply to which roles, and why."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model, selection
from servicekit.cli.output import write, write_json
from servicekit.culture.selection import coverage_of
from servicekit.render.csv import coverage_csv
from servicekit.render.json import coverage_json
from servicekit.render.markdown import coverage_markdown
from servicekit.render.text import coverage_text


def run(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    matrix = model.coverage()
    selected = selection(model, args.select)
    if selected is not None:
        matrix = coverage_of(matrix, selected)
    if args.format == "json":
        write_json(coverage_json(matrix))
    elif args.format == "csv":
        write(coverage_csv(matrix))
    elif args.format == "markdown":
        write(coverage_markdown(matrix))
    else:
        write(coverage_text(matrix))
    return 0
