"""``servicekit diff OLD NEW``: what changed between two versions of a model."""

from __future__ import annotations

import argparse
import os

from servicekit.cli.output import write, write_json
from servicekit.culture.diff import diff


def run(args: argparse.Namespace) -> int:
    change = diff(args.old, args.new)
    if args.format == "json":
        write_json(change.to_json())
    elif args.format == "markdown":
        write(change.to_markdown())
    elif args.format == "sarif":
        write_json(change.to_sarif(base=os.getcwd()))
    else:
        write(change.to_text())
    return 1 if change.fails(args.fail_on) else 0
