"""``servicekit upstream|downstream MODEL NODE``: the same walk, in opposite directions."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.render.csv import records_csv
from servicekit.render.json import reaches_json
from servicekit.render.markdown import reaches_markdown
from servicekit.render.rows import reach_records
from servicekit.render.text import reaches_text


def run(args: argparse.Namespace) -> int:
    chain = load_model(args.model).chain
    walk = chain.upstream if args.command == "upstream" else chain.downstream
    found = walk(args.node, depth=args.depth, customer=args.customer)
    if args.format == "json":
        write_json(reaches_json(found))
    elif args.format == "csv":
        write(records_csv(reach_records(found)))
    elif args.format == "markdown":
        write(reaches_markdown(found))
    else:
        title = "Upstream of" if args.command == "upstream" else "Downstream of"
        write(reaches_text(title, args.node, found))
    return 0
