"""``servicekit validate MODEL``: check a model and report every problem."""

from __future__ import annotations

import argparse

from servicekit.cli.output import write, write_json
from servicekit.errors import ModelError
from servicekit.readwrite.load import load
from servicekit.render.json import problems_json, valid_json
from servicekit.render.text import valid_text


def run(args: argparse.Namespace) -> int:
    try:
        model = load(args.model)
    except ModelError as err:
        if args.format == "json":
            write_json(problems_json(err.problems))
        raise
    if args.format == "json":
        write_json(valid_json(args.model, model))
    else:
        write(valid_text(args.model, model))
    return 0
