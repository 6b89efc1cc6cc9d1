"""``servicekit attribute MODEL FILE``: complaints attributed to the upstream work behind them."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.evidence.attribution import attribute
from servicekit.evidence.columns import column_pairs
from servicekit.render.csv import attribution_csv
from servicekit.render.json import attribution_json
from servicekit.render.markdown import attribution_markdown
from servicekit.render.text import attribution_text


def run(args: argparse.Namespace) -> int:
    columns = column_pairs(args.column)
    found = attribute(load_model(args.model), args.file, columns=columns)
    if args.format == "json":
        write_json(attribution_json(found))
    elif args.format == "csv":
        write(attribution_csv(found))
    elif args.format == "markdown":
        write(attribution_markdown(found))
    else:
        write(attribution_text(found))
    return 0
