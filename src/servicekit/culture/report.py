"""The service report: the whole model on one page.

For each touchpoint: its upstream chain, its critical roles and its top trace
suspects; then the roles no principle reaches and the audit findings. A
``Report`` holds the answers themselves; ``servicekit.render`` writes
it as text or JSON.

Examples
--------
>>> import servicekit
>>> report = build(servicekit.load_example(), path="dry-cleaner.yaml", top=1)
>>> [(t.touchpoint.id, t.critical[:2]) for t in report.touchpoints]
[('drop-off', ('counter-clerk',)), ('pickup', ('cashier', 'organizer'))]
>>> report.touchpoints[1].suspects[0].fail_point
'missed-crease'
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import attrs

from servicekit._runtime import later
from servicekit.chain.results import Reaches, Suspects
from servicekit.culture.audit import Findings
from servicekit.culture.selection import coverage_of, findings_about
from servicekit.model.entities import Touchpoint
from servicekit.model.service_model import ServiceModel

__all__ = ["Report", "TouchpointReport", "build"]


@attrs.frozen(kw_only=True)
class TouchpointReport:
    """One touchpoint's part of the report."""

    touchpoint: Touchpoint
    upstream: Reaches
    critical: tuple[str, ...]
    suspects: Suspects


@attrs.frozen(kw_only=True)
class Report:
    """The service report of a model, read from ``path`` (``bundled``: the bundled example)."""

    model: ServiceModel
    path: str
    bundled: bool
    touchpoints: tuple[TouchpointReport, ...]
    coverage_gaps: tuple[str, ...]
    findings: Findings

    def fails(self, threshold: str) -> bool:
        """True when a finding is at least as severe as ``threshold``."""
        return self.findings.fails(threshold)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-able data."""
        data: dict[str, Any] = later("servicekit.render.json").report_json(self)
        return data

    def to_text(self) -> str:
        """The report for people."""
        text: str = later("servicekit.render.text").report_text(self)
        return text


def build(
    model: ServiceModel,
    *,
    path: str,
    bundled: bool = False,
    top: int = 3,
    select: Collection[str] | None = None,
) -> Report:
    """The report of ``model``, with at most ``top`` suspects a touchpoint.

    With ``select`` (a selection of the chain), only the selected touchpoints, the
    coverage gaps among the selected roles and the findings about the selection
    (see ``servicekit.culture.selection``).
    """
    chain = model.chain
    chosen = None if select is None else set(select)
    touchpoints = tuple(
        TouchpointReport(
            touchpoint=model.touchpoints[tp_id],
            upstream=chain.upstream(tp_id),
            critical=chain.critical(tp_id),
            suspects=Suspects(chain.trace(tp_id)[:top]),
        )
        for tp_id in sorted(model.touchpoints)
        if chosen is None or tp_id in chosen
    )
    coverage, findings = model.coverage(), model.audit()
    if chosen is not None:
        coverage = coverage_of(coverage, chosen)
        findings = findings_about(findings, model, chosen)
    return Report(
        model=model,
        path=path,
        bundled=bundled,
        touchpoints=touchpoints,
        coverage_gaps=coverage.uncovered_roles,
        findings=findings,
    )
