"""``servicekit diagram MODEL``: the chain as a service-blueprint diagram, or by department."""

from __future__ import annotations

import argparse

from servicekit.chain.rollup import roll_up
from servicekit.cli.common import load_model, selection
from servicekit.cli.output import write
from servicekit.errors import UsageError
from servicekit.render.diagram import rollup_dot, rollup_mermaid, to_dot, to_mermaid


def run(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    chain = model.chain
    selected = selection(model, args.select)
    if args.by is not None:
        if args.focus is not None or args.depth is not None:
            raise UsageError("--by draws the whole roll-up: use --select, not --focus or --depth")
        graph = roll_up(chain, args.by, roles=selected)
        draw_rollup = rollup_dot if args.format == "dot" else rollup_mermaid
        write(draw_rollup(graph, model.name))
        return 0
    if args.depth is not None and args.focus is None:
        raise UsageError(
            f"--depth {args.depth} needs --focus NODE: the node to count hand-offs from"
        )
    observed = None
    if args.log is not None:
        from servicekit.cli.commands.conform import read_log

        observed = read_log(model, args, args.log)
    elif args.column or args.roles is not None or args.unknown_roles != "error":
        raise UsageError(
            "--column, --roles and --unknown-roles read a hand-off log: name it with --log FILE"
        )
    draw = to_dot if args.format == "dot" else to_mermaid
    write(
        draw(
            chain,
            focus=args.focus,
            depth=args.depth,
            select=selected,
            customer=args.customer,
            observed=observed,
        )
    )
    return 0
