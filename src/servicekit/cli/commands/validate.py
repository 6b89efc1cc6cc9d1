"""``servicekit validate MODEL``: check a model and report every problem.

A valid model may still get warnings on stderr (exit 0): a required hand-off that
can never be served, because its giver is never served.
"""

from __future__ import annotations

import argparse
import sys

from servicekit.cli.output import flush, write, write_json
from servicekit.errors import ModelError
from servicekit.readwrite.load import load
from servicekit.render.json import problems_json, valid_json
from servicekit.render.text import never_served_warnings, valid_text


def run(args: argparse.Namespace) -> int:
    try:
        model = load(args.model)
    except ModelError as err:
        if args.format == "json":
            write_json(problems_json(err.problems))
        raise
    warnings = never_served_warnings(model)
    if args.format == "json":
        write_json(valid_json(args.model, model, warnings))
    else:
        write(valid_text(args.model, model))
    flush()  # the answer first, then the warnings, as a terminal shows them
    for warning in warnings:
        sys.stderr.write(f"{warning}\n")
    return 0
