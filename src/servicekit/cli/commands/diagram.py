"""``servicekit diagram MODEL``: the chain as a service-blueprint diagram."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write
from servicekit.render.diagram import to_dot, to_mermaid


def run(args: argparse.Namespace) -> int:
    chain = load_model(args.model).chain
    draw = to_dot if args.format == "dot" else to_mermaid
    write(draw(chain, focus=args.focus, depth=args.depth, customer=args.customer))
    return 0
