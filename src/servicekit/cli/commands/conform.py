"""``servicekit conform MODEL FILE``: a hand-off log set against the designed chain."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.evidence.columns import column_pairs
from servicekit.evidence.conformance import Conformance, conformance
from servicekit.model.service_model import ServiceModel
from servicekit.render.csv import conformance_csv
from servicekit.render.json import conformance_json
from servicekit.render.markdown import conformance_markdown
from servicekit.render.text import conformance_text


def read_log(model: ServiceModel, args: argparse.Namespace, log: str) -> Conformance:
    """The log named on the command line, read with its ``--column``, ``--roles`` and
    ``--unknown-roles`` options and set against ``model``."""
    return conformance(
        model,
        log,
        columns=column_pairs(args.column),
        resource_roles=args.roles,
        unknown_roles=args.unknown_roles,
    )


def run(args: argparse.Namespace) -> int:
    found = read_log(load_model(args.model), args, args.file)
    if args.format == "json":
        write_json(conformance_json(found))
    elif args.format == "csv":
        write(conformance_csv(found))
    elif args.format == "markdown":
        write(conformance_markdown(found))
    else:
        write(conformance_text(found))
    return 1 if found.fails(args.fail_on) else 0
