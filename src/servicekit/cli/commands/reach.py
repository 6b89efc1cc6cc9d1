"""``servicekit upstream|downstream MODEL NODE``: the same walk, in opposite directions."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.render.json import downstream_json, upstream_json
from servicekit.render.text import reaches_text


def run(args: argparse.Namespace) -> int:
    chain = load_model(args.model).chain
    if args.command == "upstream":
        found = chain.upstream(args.node, depth=args.depth, customer=args.customer)
        data, title = upstream_json(args.node, found), "Upstream of"
    else:
        found = chain.downstream(args.node, depth=args.depth, customer=args.customer)
        data, title = downstream_json(args.node, found), "Downstream of"
    if args.format == "json":
        write_json(data)
    else:
        write(reaches_text(title, args.node, found))
    return 0
