"""``servicekit trace MODEL TOUCHPOINT``: the likely upstream origins of a defect seen there."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.render.csv import records_csv
from servicekit.render.json import trace_json
from servicekit.render.markdown import suspects_markdown
from servicekit.render.rows import suspect_records
from servicekit.render.text import suspects_text


def run(args: argparse.Namespace) -> int:
    chain = load_model(args.model).chain
    found = chain.trace(args.touchpoint, category=args.category, customer=args.customer)
    if args.format == "json":
        write_json(trace_json(found))
    elif args.format == "csv":
        write(records_csv(suspect_records(found)))
    elif args.format == "markdown":
        write(suspects_markdown(found))
    else:
        write(suspects_text(args.touchpoint, found, args.category))
    return 0
