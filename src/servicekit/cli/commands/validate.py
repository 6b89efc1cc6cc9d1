"""``servicekit validate MODEL...``: check models and report every problem of every one."""

from __future__ import annotations

import argparse
from typing import Any

from servicekit.cli.output import write, write_json
from servicekit.errors import ModelError, Problem
from servicekit.readwrite.load import load
from servicekit.render.json import problems_json, valid_json
from servicekit.render.text import valid_text


def run(args: argparse.Namespace) -> int:
    paths: list[str] = args.model
    answers: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            model = load(path)
        except ModelError as err:
            problems.extend(err.problems)
            answers.append(problems_json(err.problems, path))
            continue
        answers.append(valid_json(path, model))
        if args.format != "json":
            write(valid_text(path, model))
    if args.format == "json":
        if len(answers) == 1:
            write_json(answers[0])
        else:
            write_json({"valid": not problems, "models": answers})
    if problems:
        raise ModelError(problems)
    return 0
