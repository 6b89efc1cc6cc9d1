"""Audit the training programmes of a model, one programme at a time.

Usage: python examples/training_audit.py [MODEL]

With no model it audits the bundled example, a corner dry cleaner.

Runs servicekit's audit and keeps the findings about programmes: who each one
trains, how, and what works against it. Exits 1 when any programme has a finding,
so it can gate a change to the training plan in CI.
"""

from __future__ import annotations

import sys

import servicekit


def programme_findings(model: servicekit.ServiceModel) -> dict[str, list[str]]:
    """Each programme's id -> the rule ids of the findings about it, in audit order."""
    found: dict[str, list[str]] = {program: [] for program in model.programs}
    for finding in model.audit():
        if finding.subject in found:
            found[finding.subject].append(finding.rule)
    return found


def main(argv: list[str]) -> int:
    """Print one paragraph per programme; exit 1 when any has a finding."""
    if len(argv) > 1:
        print("usage: python examples/training_audit.py [MODEL]", file=sys.stderr)
        return 2
    if not argv:
        print("The bundled example, a corner dry cleaner (pass MODEL for yours):")
    model = servicekit.load(argv[0]) if argv else servicekit.load_example()
    findings = programme_findings(model)
    for program in model.programs.values():
        audience = [*program.audience.roles, *program.audience.departments]
        print(f"{program.label} ({program.id})")
        print(f"  trains: {', '.join(audience) or 'nobody'}")
        print(
            f"  formats: {', '.join(program.formats) or 'none'}; "
            f"reinforcement: {', '.join(program.reinforcement) or 'none'}"
        )
        rules = findings[program.id]
        print(f"  findings: {', '.join(rules) if rules else 'none'}")
    return 1 if any(findings.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
