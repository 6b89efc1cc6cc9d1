"""``servicekit validate MODEL...``: check models and report every problem of every one.

A valid model may still get warnings on stderr (exit 0): a required hand-off that
can never be served, because its giver is never served.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from servicekit.cli.output import flush, write, write_json
from servicekit.errors import ModelError, Problem
from servicekit.readwrite.load import load
from servicekit.render.json import problems_json, valid_json
from servicekit.render.text import never_served_warnings, valid_text


def run(args: argparse.Namespace) -> int:
    paths: list[str] = args.model
    answers: list[dict[str, Any]] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    for path in paths:
        try:
            model = load(path)
        except ModelError as err:
            problems.extend(err.problems)
            answers.append(problems_json(err.problems, path))
            continue
        found = never_served_warnings(model)
        warnings.extend(found)
        answers.append(valid_json(path, model, found))
        if args.format != "json":
            write(valid_text(path, model))
    if args.format == "json":
        if len(answers) == 1:
            write_json(answers[0])
        else:
            write_json({"valid": not problems, "models": answers})
    flush()  # the answers first, then the warnings, as a terminal shows them
    for warning in warnings:
        sys.stderr.write(f"{warning}\n")
    if problems:
        raise ModelError(problems)
    return 0
