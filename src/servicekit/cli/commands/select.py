"""``servicekit select MODEL SELECTOR...``: the nodes a selector names."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.render.json import selection_json
from servicekit.render.text import selection_text


def run(args: argparse.Namespace) -> int:
    chain = load_model(args.model).chain
    selected = chain.select(*args.selector, exclude=args.exclude or None, customer=args.customer)
    if args.format == "json":
        write_json(selection_json(selected))
    else:
        kinds = {n: selected.kind(n) for n in selected}
        write(selection_text(selected.selector, selected, kinds, selected.exclude))
    return 0
