"""``servicekit critical MODEL NODE``: what NODE cannot be served without, and its roots."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.render.json import critical_json
from servicekit.render.text import critical_text


def run(args: argparse.Namespace) -> int:
    chain = load_model(args.model).chain
    customer = args.customer
    found = chain.critical(args.node, customer=customer)
    if args.format == "json":
        write_json(critical_json(found))
    else:
        write(
            critical_text(
                args.node,
                found,
                {c: found.kind(c) for c in found},
                found.roots,
                declared=chain.declared(args.node, customer=customer),
                served=chain.served(args.node, customer=customer),
            )
        )
    return 0
