"""``servicekit diagram MODEL``: the chain as a service-blueprint diagram."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write
from servicekit.errors import UsageError
from servicekit.render.diagram import to_dot, to_mermaid


def run(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    observed = None
    if args.log is not None:
        from servicekit.cli.commands.conform import read_log

        observed = read_log(model, args, args.log)
    elif args.column or args.roles is not None or args.unknown_roles != "error":
        raise UsageError(
            "--column, --roles and --unknown-roles read a hand-off log: name it with --log FILE"
        )
    draw = to_dot if args.format == "dot" else to_mermaid
    write(draw(model.chain, focus=args.focus, depth=args.depth, observed=observed))
    return 0
