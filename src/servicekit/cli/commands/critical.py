"""``servicekit critical MODEL NODE``: the nodes every path into NODE passes through."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.render.json import critical_json
from servicekit.render.text import critical_text


def run(args: argparse.Namespace) -> int:
    chain = load_model(args.model).chain
    found = chain.critical(args.node)
    if args.format == "json":
        write_json(critical_json(args.node, found))
    else:
        write(critical_text(args.node, found, {c: chain.kind(c) for c in found}))
    return 0
