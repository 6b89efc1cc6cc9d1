"""``servicekit schema``: print the JSON Schema of the YAML format."""

from __future__ import annotations

import argparse

from servicekit.cli.output import write
from servicekit.readwrite.load import schema_path


def run(args: argparse.Namespace) -> int:
    write(schema_path().read_text("utf-8"))
    return 0
