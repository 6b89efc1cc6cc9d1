"""JSON for programs: every answer's one shape, the same from Python and the command line.

Each function returns plain data (dicts, lists, strings, numbers, ``None``)
that ``json.dumps()`` writes as is. Numbers are the computed values rounded
to 12 significant digits, so no ``0.013999999999999999`` leaks out.

Examples
--------
>>> import servicekit
>>> chain = servicekit.load_example().chain
>>> trace_json(chain.trace("pickup", "stain"))["suspects"][0]["score"]
0.02
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from servicekit.chain.results import Critical, Reach, Reaches, Selection, Suspect, Suspects
from servicekit.culture.audit import Finding
from servicekit.culture.diff import FieldChange, ModelDiff
from servicekit.culture.guide import ScenarioGuide
from servicekit.culture.mapping import Coverage
from servicekit.culture.report import Report, TouchpointReport
from servicekit.errors import Problem
from servicekit.evidence.attribution import Attribution
from servicekit.evidence.conformance import Conformance, HandoffCount
from servicekit.model.data import entity_data
from servicekit.model.entities import Entity
from servicekit.model.service_model import ServiceModel

__all__ = [
    "attribution_json",
    "conformance_json",
    "coverage_json",
    "critical_json",
    "diff_json",
    "findings_json",
    "guide_json",
    "number",
    "plain",
    "problems_json",
    "reach_json",
    "reaches_json",
    "report_json",
    "report_json_chunks",
    "selection_json",
    "suspect_json",
    "touchpoint_report_json",
    "trace_json",
    "valid_json",
]


def number(value: float) -> float:
    """``value`` rounded to 12 significant digits.

    Examples
    --------
    >>> number(0.013999999999999999), number(0.02)
    (0.014, 0.02)
    """
    return float(f"{value:.12g}")


# --- the model ------------------------------------------------------------------------------


def valid_json(path: str, model: ServiceModel, warnings: Iterable[str] = ()) -> dict[str, Any]:
    """What ``servicekit validate --format json`` says of a good model (and its warnings)."""
    return {
        "valid": True,
        "model": path,
        "name": model.name,
        "counts": model.counts(),
        "warnings": list(warnings),
    }


def problems_json(problems: Iterable[Problem], path: str | None = None) -> dict[str, Any]:
    """What ``servicekit validate --format json`` says of a model with problems."""
    data: dict[str, Any] = {"valid": False}
    if path is not None:
        data["model"] = path
    data["problems"] = [
        {
            "path": p.path,
            "line": p.line,
            "column": p.column,
            "message": p.message,
            "hint": p.hint,
        }
        for p in problems
    ]
    return data


# --- chain answers --------------------------------------------------------------------------


def reach_json(reach: Reach) -> dict[str, Any]:
    """``{"id", "kind", "distance"}``."""
    return {"id": reach.id, "kind": reach.kind, "distance": reach.distance}


def reaches_json(reaches: Reaches) -> dict[str, Any]:
    """An ``upstream`` answer as ``{"target": ID, "upstream": [{"id", "kind", "distance"},
    ...]}``, a ``downstream`` one as ``{"source": ID, "downstream": [...]}``."""
    nodes = [reach_json(r) for r in reaches]
    if reaches.direction == "downstream":
        return {"source": reaches.node, "downstream": nodes}
    return {"target": reaches.node, "upstream": nodes}


def critical_json(critical: Critical) -> dict[str, Any]:
    """``{"target": ID, "critical": [ID, ...], "roots": [{"id", "why"}, ...]}``."""
    return {
        "target": critical.node,
        "critical": list(critical),
        "roots": [{"id": r.id, "why": r.why} for r in critical.roots],
    }


def _optional(value: float | None) -> float | None:
    return None if value is None else number(value)


def suspect_json(suspect: Suspect) -> dict[str, Any]:
    """``{"role", "receiver", "fail_point", "category", "rate", "escape", "score", "distance"}``.

    ``receiver`` is ``null`` for a touchpoint's own fail point; ``rate`` and
    ``score`` are ``null`` when the rate is unknown.
    """
    return {
        "role": suspect.role,
        "receiver": suspect.receiver,
        "fail_point": suspect.fail_point,
        "category": suspect.category,
        "rate": _optional(suspect.rate),
        "escape": number(suspect.escape),
        "score": _optional(suspect.score),
        "distance": suspect.distance,
    }


def trace_json(suspects: Suspects) -> dict[str, Any]:
    """``{"target": ID, "suspects": [...]}``, each suspect as ``suspect_json()``."""
    return {"target": suspects.touchpoint, "suspects": [suspect_json(s) for s in suspects]}


# --- culture --------------------------------------------------------------------------------


def coverage_json(coverage: Coverage) -> dict[str, Any]:
    """Roles, principles, the matrix (role -> principle -> source or ``null``), uncovered roles,
    and ``for``: principle -> the customers it is for, for principles limited to some."""
    return {
        "roles": list(coverage.roles),
        "principles": list(coverage.principles),
        "matrix": {
            role: dict(zip(coverage.principles, cells, strict=True))
            for role, cells in coverage.rows()
        },
        "uncovered_roles": list(coverage.uncovered_roles),
        "for": {p: list(customers) for p, customers in coverage.limited_to.items()},
    }


def guide_json(card: ScenarioGuide) -> dict[str, Any]:
    """Every part of an education card."""
    customer = card.customer
    return {
        "scenario": {
            "id": card.scenario.id,
            "title": card.scenario.title,
            "touchpoint": card.scenario.touchpoint,
            "situation": card.scenario.situation,
            "tags": list(card.scenario.tags),
        },
        "customer": None
        if customer is None
        else {
            "id": customer.id,
            "name": customer.name,
            "needs": list(customer.needs),
            "wants": list(customer.wants),
            "values": list(customer.values),
        },
        "touchpoint": {"id": card.touchpoint.id, "name": card.touchpoint.name},
        "role": {"id": card.role.id, "name": card.role.name},
        "novel": card.novel,
        "scripts": [
            {
                "id": s.id,
                "name": s.name,
                "situations": list(s.situations),
                "steps": list(s.steps),
                "for": None if s.for_ is None else list(s.for_),
            }
            for s in card.scripts
        ],
        "principles": [
            {
                "id": p.id,
                "name": p.name,
                "statement": p.statement,
                "questions": list(p.questions),
                "source": a.source,
                "for": None if p.for_ is None else list(p.for_),
            }
            for p, a in zip(card.principles, card.applicability, strict=True)
        ],
        "upstream": list(card.upstream),
        "suspects": [suspect_json(s) for s in card.suspects],
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    """``{"rule", "severity", "subject", "message", "hint"}``."""
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "subject": finding.subject,
        "message": finding.message,
        "hint": finding.hint,
    }


def findings_json(findings: Iterable[Finding]) -> dict[str, Any]:
    """``{"findings": [...]}``, each finding as ``finding_json()``."""
    return {"findings": [finding_json(f) for f in findings]}


def touchpoint_report_json(part: TouchpointReport) -> dict[str, Any]:
    """One touchpoint's part of the report (see ``report_json()``)."""
    touchpoint = part.touchpoint
    return {
        "id": touchpoint.id,
        "name": touchpoint.name,
        "role": touchpoint.role,
        "customers": list(touchpoint.customers),
        "upstream": [reach_json(r) for r in part.upstream],
        "upstream_count": part.upstream_count,
        "critical": list(part.critical),
        "critical_count": part.critical_count,
        "suspects": [] if part.suspects is None else [suspect_json(s) for s in part.suspects],
        "suspects_ranked": part.suspects is not None,
    }


def _report_head(report: Report) -> dict[str, Any]:
    model = report.model
    return {
        "model": report.path,
        "bundled": report.bundled,
        "name": model.name,
        "counts": model.counts(),
        "touchpoints": None,  # filled in by the caller
        "coverage_gaps": list(report.coverage_gaps),
        "findings": findings_json(report.findings)["findings"],
    }


def report_json(report: Report) -> dict[str, Any]:
    """The whole report: counts, each touchpoint's summary, the coverage gaps and findings.

    Each touchpoint has its ``id``, ``name``, ``role`` and ``customers``; ``upstream``,
    the nearest upstream nodes (at most 12) of the ``upstream_count`` there are;
    ``critical``, the nearest critical nodes (at most 12) of the ``critical_count``; and
    ``suspects``, the likeliest ones, when ``suspects_ranked`` (see
    ``servicekit.culture.report`` for which touchpoints a report ranks).
    """
    data = _report_head(report)
    data["touchpoints"] = [touchpoint_report_json(part) for part in report.touchpoints]
    return data


def report_json_chunks(report: Report) -> Iterator[str]:
    """The text of ``json.dumps(report_json(report), indent=2, ensure_ascii=False)``, in
    pieces, each touchpoint worked out as it is written: a large report streams."""

    def dumped(value: Any, depth: int) -> str:
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth)

    head = _report_head(report)
    yield "{"
    for number, (key, value) in enumerate(head.items()):
        yield ("," if number else "") + f"\n  {json.dumps(key)}: "
        if key != "touchpoints":
            yield dumped(value, 1)
            continue
        parts = report.touchpoints
        if not parts:
            yield "[]"
            continue
        yield "["
        for index, part in enumerate(parts):
            yield ("," if index else "") + "\n    " + dumped(touchpoint_report_json(part), 2)
        yield "\n  ]"
    yield "\n}"


# --- selections and diffs (working with models over time) -----------------------------------


def selection_json(selection: Selection) -> dict[str, Any]:
    """``{"selector": S, "selected": [{"id", "kind"}, ...]}``, with ``"exclude": S`` when given.

    Examples
    --------
    >>> import servicekit
    >>> selection_json(servicekit.load_example().chain.select("pickup"))
    {'selector': 'pickup', 'selected': [{'id': 'pickup', 'kind': 'touchpoint'}]}
    """
    data: dict[str, Any] = {"selector": selection.selector}
    if selection.exclude is not None:
        data["exclude"] = selection.exclude
    data["selected"] = [{"id": n, "kind": selection.kind(n)} for n in selection]
    return data


def plain(value: Any) -> Any:
    """A field's value as JSON data: lists, objects keyed by YAML keys, numbers rounded.

    Examples
    --------
    >>> from servicekit import FailPoint
    >>> plain(FailPoint(id="wrong-tag", category="lost-item", rate=0.01))
    {'id': 'wrong-tag', 'category': 'lost-item', 'rate': 0.01}
    >>> plain((0.1 + 0.2, "a"))
    [0.3, 'a']
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return number(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Entity):
        return plain(entity_data(value))
    return str(value)


def _fields_json(fields: Iterable[FieldChange]) -> list[dict[str, Any]]:
    return [{"field": f.path, "old": plain(f.old), "new": plain(f.new)} for f in fields]


def _score_json(value: float | None) -> float | None:
    return None if value is None else number(value)


def diff_json(change: ModelDiff) -> dict[str, Any]:
    """The whole diff: model fields, entities, hand-offs, touchpoints and findings.

    The shape is documented on the command-line reference page (``servicekit diff``).
    """
    return {
        "old": change.old_label,
        "new": change.new_label,
        "model": _fields_json(change.model),
        "entities": [
            {"kind": e.kind, "id": e.id, "status": e.status, "fields": _fields_json(e.fields)}
            for e in change.entities
        ],
        "handoffs": [
            {
                "from": h.giver,
                "to": h.receiver,
                "item": h.handoff.item,
                "status": h.status,
                "fields": _fields_json(h.fields),
            }
            for h in change.handoffs
        ],
        "touchpoints": [
            {
                "id": t.touchpoint,
                "upstream": {"entered": list(t.entered), "left": list(t.left)},
                "critical": {"entered": list(t.critical_entered), "left": list(t.critical_left)},
                "suspects": [
                    {
                        "role": s.role,
                        "receiver": s.receiver,
                        "fail_point": s.fail_point,
                        "category": s.category,
                        "old": _score_json(s.old),
                        "new": _score_json(s.new),
                    }
                    for s in t.suspects
                ],
            }
            for t in change.touchpoints
        ],
        "findings": {
            "new": findings_json(change.new_findings)["findings"],
            "resolved": findings_json(change.resolved_findings)["findings"],
        },
    }


# --- evidence -------------------------------------------------------------------------------


def attribution_json(found: Attribution) -> dict[str, Any]:
    """``{"groups", "by_fail_point", "by_role", "by_department", "unexplained"}``, and the
    total ``complaints``.

    Examples
    --------
    >>> import servicekit
    >>> found = servicekit.load_example().attribute(
    ...     [{"touchpoint": "pickup", "category": "lost-item", "count": "3"}])
    >>> attribution_json(found)["groups"][0]["assigned"][0]
    {'role': 'organizer', 'receiver': 'cashier', 'fail_point': 'wrong-hook', 'share': 0.666666666667, 'complaints': 2.0}
    """  # noqa: E501
    return {
        "groups": [
            {
                "touchpoint": g.touchpoint,
                "category": g.category,
                "customer": g.customer,
                "count": g.count,
                "assigned": [
                    {
                        "role": a.role,
                        "receiver": a.receiver,
                        "fail_point": a.fail_point,
                        "share": number(a.share),
                        "complaints": number(a.complaints),
                    }
                    for a in g.assigned
                ],
                "possible": [{"role": p.role, "fail_point": p.fail_point} for p in g.possible],
                "unexplained": g.unexplained,
            }
            for g in found.groups
        ],
        "by_fail_point": [
            {"fail_point": f.fail_point, "role": f.role, "complaints": number(f.complaints)}
            for f in found.by_fail_point
        ],
        "by_role": [
            {
                "role": r.role,
                "kind": r.kind,
                "department": r.department,
                "complaints": number(r.complaints),
                "programs": list(r.programs),
                "gap": r.gap,
            }
            for r in found.by_role
        ],
        "by_department": [
            {"department": d.department, "complaints": number(d.complaints)}
            for d in found.by_department
        ],
        "unexplained": found.unexplained,
        "complaints": found.complaints,
    }


def _counted(h: HandoffCount, *, cases: bool = True, examples: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"from": h.from_, "to": h.to, "count": h.count}
    if cases:
        data["cases"] = h.cases
    if examples:
        data["examples"] = list(h.examples)
    return data


def conformance_json(found: Conformance) -> dict[str, Any]:
    """``{"cases", "events", "fitness", "designed", "unobserved", "undocumented",
    "unknown_roles", "left_out", "rework", "shares", "customers"}``; each customer's
    answer has the same keys."""
    return {
        "cases": found.cases,
        "events": found.events,
        "fitness": None if found.fitness is None else number(found.fitness),
        "designed": [_counted(h) for h in found.designed],
        "unobserved": [{"from": h.from_, "to": h.to} for h in found.unobserved],
        "undocumented": [_counted(h, examples=True) for h in found.undocumented],
        "unknown_roles": [{"role": r.role, "events": r.events} for r in found.unknown_roles],
        "left_out": found.left_out,
        "rework": {
            "count": found.rework.count,
            "cases": found.rework.cases,
            "pairs": [_counted(p, cases=False) for p in found.rework.pairs],
        },
        "shares": [{"from": s.from_, "to": s.to, "share": number(s.share)} for s in found.shares],
        "customers": {
            customer: conformance_json(answer) for customer, answer in found.customers.items()
        },
    }
