"""``servicekit select MODEL SELECTOR...``: the nodes a selector names."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.render.json import selection_json
from servicekit.render.text import selection_text


def run(args: argparse.Namespace) -> int:
    chain = load_model(args.model).chain
    selected = chain.select(*args.selector, exclude=args.exclude, customer=args.customer)
    kinds = {n: chain.kind(n) for n in selected}
    selector = " ".join(args.selector)
    exclude = " ".join(args.exclude) if args.exclude else None
    if args.format == "json":
        write_json(selection_json(selector, selected, kinds, exclude))
    else:
        write(selection_text(selector, selected, kinds, exclude))
    return 0
