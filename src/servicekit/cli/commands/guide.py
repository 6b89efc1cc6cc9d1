"""``servicekit guide MODEL SCENARIO``: an education card for a scenario."""

from __future__ import annotations

import argparse

from servicekit.cli.common import load_model
from servicekit.cli.output import write, write_json
from servicekit.render.json import guide_json
from servicekit.render.markdown import guide_markdown
from servicekit.render.text import guide_text


def run(args: argparse.Namespace) -> int:
    card = load_model(args.model).guide(args.scenario)
    if args.format == "json":
        write_json(guide_json(card))
    elif args.format == "markdown":
        write(guide_markdown(card))
    else:
        write(guide_text(card))
    return 0
