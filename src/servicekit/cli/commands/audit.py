"""``servicekit audit MODEL``: findings that work against a service culture."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from servicekit.cli.common import load_model, selection
from servicekit.cli.output import write, write_json
from servicekit.culture.selection import findings_about
from servicekit.errors import UsageError
from servicekit.render.csv import records_csv
from servicekit.render.json import findings_json
from servicekit.render.markdown import findings_markdown
from servicekit.render.rows import finding_records
from servicekit.render.sarif import to_sarif
from servicekit.render.text import findings_text


def rule_settings(pairs: Sequence[str]) -> dict[str, str]:
    """``--rule RULE=SETTING`` pairs as a mapping; the audit checks each rule and setting."""
    settings: dict[str, str] = {}
    for pair in pairs:
        rule, sep, setting = pair.partition("=")
        if not sep:
            raise UsageError(f"--rule takes RULE=off|error|warning|info, got {pair!r}")
        settings[rule] = setting
    return settings


def run(args: argparse.Namespace) -> int:
    rules = rule_settings(args.rule)
    model = load_model(args.model)
    findings = model.audit(rules=rules)
    selected = selection(model, args.select)
    if selected is not None:
        findings = findings_about(findings, model, selected)
    if args.format == "json":
        write_json(findings_json(findings))
    elif args.format == "sarif":
        write_json(to_sarif(findings, model, base=os.getcwd()))
    elif args.format == "csv":
        write(records_csv(finding_records(findings)))
    elif args.format == "markdown":
        write(findings_markdown(findings))
    else:
        write(findings_text(findings))
    return 1 if findings.fails(args.fail_on) else 0
