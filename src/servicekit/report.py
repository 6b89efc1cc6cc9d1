"""The service report: the whole model on one page.

For each touchpoint: its upstream chain, its critical roles and its top trace
suspects; then the roles no principle reaches and the audit findings.

Examples
--------
>>> import servicekit
>>> data = build(servicekit.load_example(), path="dry-cleaner.yaml", top=1)
>>> [(t["id"], t["critical"][:2]) for t in data["touchpoints"]]
[('drop-off', ['counter-clerk']), ('pickup', ['cashier', 'organizer'])]
>>> data["touchpoints"][1]["suspects"][0]["fail_point"]
'missed-crease'
"""

from __future__ import annotations

import textwrap
from typing import Any

from servicekit.audit import Finding, findings_to_json, findings_to_text, severity_at_least
from servicekit.model import ServiceModel
from servicekit.render import table, trace_json

__all__ = ["build", "fails", "to_text"]

#: How many upstream nodes the text report names per touchpoint before summarising.
SHOWN_UPSTREAM = 12


def build(model: ServiceModel, *, path: str, bundled: bool = False, top: int = 3) -> dict[str, Any]:
    """The report as JSON-able data."""
    chain = model.chain
    touchpoints = []
    for tp_id in sorted(model.touchpoints):
        touchpoint = model.touchpoints[tp_id]
        upstream = chain.upstream(tp_id)
        touchpoints.append(
            {
                "id": tp_id,
                "name": touchpoint.name,
                "role": touchpoint.role,
                "customers": list(touchpoint.customers),
                "upstream": [
                    {"id": r.id, "kind": r.kind, "distance": r.distance} for r in upstream
                ],
                "critical": list(chain.critical(tp_id)),
                "suspects": trace_json(tp_id, chain.trace(tp_id)[:top])["suspects"],
            }
        )
    return {
        "model": path,
        "bundled": bundled,
        "name": model.name,
        "counts": model.counts(),
        "touchpoints": touchpoints,
        "coverage_gaps": list(model.coverage().uncovered_roles),
        "findings": findings_to_json(model.audit())["findings"],
    }


def fails(data: dict[str, Any], threshold: str) -> bool:
    """True when a finding is at least as severe as ``threshold``."""
    return any(severity_at_least(f["severity"], threshold) for f in data["findings"])


def _names(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def _wrapped(label: str, text: str) -> str:
    return textwrap.fill(
        f"{label}: {text}",
        width=88,
        initial_indent="  ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )


def to_text(data: dict[str, Any]) -> str:
    """The report for people."""
    lines = [f"Service report: {data['name'] or '(unnamed model)'}"]
    source = data["model"]
    if data["bundled"]:
        lines.append(f"Model: the bundled example, {source}")
        lines.append("       (run `servicekit report MODEL` to report on your own model)")
    else:
        lines.append(f"Model: {source}")
    counts = ", ".join(f"{n} {k}" for k, n in data["counts"].items() if n)
    lines.append(f"Holds: {counts or 'nothing'}")
    for tp in data["touchpoints"]:
        lines.append("")
        title = f"{tp['id']} ({tp['name']})" if tp["name"] else tp["id"]
        lines.append(f"Touchpoint {title}")
        lines.append(f"  served by {tp['role']} for {_names(tp['customers'])}")
        upstream = tp["upstream"]
        shown = [f"{u['id']} ({u['distance']})" for u in upstream[:SHOWN_UPSTREAM]]
        more = (
            f", and {len(upstream) - SHOWN_UPSTREAM} more" if len(upstream) > SHOWN_UPSTREAM else ""
        )
        lines.append(_wrapped("upstream, by distance", _names(shown) + more))
        lines.append(_wrapped("critical, nearest first", _names(tp["critical"])))
        if tp["suspects"]:
            lines.append("  likeliest origins of a complaint here:")
            rows = [
                [
                    f"{s['score']:.4f}",
                    s["category"] or "-",
                    s["fail_point"],
                    s["role"],
                    s["distance"],
                ]
                for s in tp["suspects"]
            ]
            lines.append(
                table(
                    ["score", "category", "fail point", "made by", "distance"],
                    rows,
                    indent="    ",
                    right=[0, 4],
                )
            )
        else:
            lines.append("  likeliest origins of a complaint here: no fail points upstream")
    lines.append("")
    lines.append(_wrapped("Roles no principle applies to", _names(data["coverage_gaps"])).strip())
    lines.append("")
    lines.append("Audit")
    lines.append(findings_to_text(Finding(**f) for f in data["findings"]).rstrip("\n"))
    return "\n".join(lines)
