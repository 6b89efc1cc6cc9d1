"""The columns of every answer that is a table, decided once for every format.

Text, Markdown, HTML and CSV all draw these rows; each format only decides how
a cell is written.

Examples
--------
>>> import servicekit
>>> header, rows = reach_rows(servicekit.load_example().chain.upstream("pickup", depth=1))
>>> header, rows
(('distance', 'kind', 'id'), [(1, 'role', 'cashier')])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from servicekit.chain.results import Critical, NodeIds, Reach, Reaches, Suspect, Suspects
from servicekit.chain.service_chain import ServiceChain
from servicekit.culture.audit import Finding
from servicekit.culture.guide import ScenarioGuide
from servicekit.culture.mapping import Coverage
from servicekit.errors import UnknownIdError
from servicekit.evidence.attribution import Attribution, ComplaintGroup
from servicekit.evidence.conformance import Conformance, HandoffCount
from servicekit.render.json import finding_json, guide_json, number, reach_json, suspect_json

__all__ = [
    "SUSPECT_COLUMNS",
    "Records",
    "assigned_to",
    "attribution_records",
    "attribution_table",
    "caption",
    "complaint_count",
    "conformance_records",
    "conformance_table",
    "coverage_records",
    "coverage_rows",
    "critical_rows",
    "finding_records",
    "finding_rows",
    "guide_records",
    "handoff_of",
    "handoff_rows",
    "id_records",
    "percent",
    "reach_records",
    "reach_rows",
    "suspect_records",
    "suspect_rows",
]

Rows = tuple[tuple[str, ...], list[tuple[object, ...]]]


def handoff_of(suspect: Suspect) -> str:
    """Where a suspect's defect is made: ``giver -> receiver`` for a hand-off,
    ``at drop-off (clerk)`` at a touchpoint, ``at drop-off -> tagger`` when it flows on."""
    if suspect.touchpoint is None:
        return f"{suspect.role} -> {suspect.receiver}"
    if suspect.receiver is None:
        return f"at {suspect.touchpoint} ({suspect.role})"
    return f"at {suspect.touchpoint} -> {suspect.receiver}"


def percent(rate: float) -> str:
    """A rate as a short percentage: 0.04 -> ``4%``, 0.005 -> ``0.5%``."""
    return f"{rate * 100:.3g}%"


def caption(answer: object) -> str | None:
    """The question an answer answers, as a table's caption: ``Upstream of pickup``,
    ``Suspects for stain defects at pickup``, ``Critical for cleaner``."""
    if isinstance(answer, Reaches):
        return None if answer.node is None else f"{answer.direction.capitalize()} of {answer.node}"
    if isinstance(answer, Suspects):
        if answer.touchpoint is None:
            return None
        what = f"{answer.category} defects" if answer.category else "defects"
        return f"Suspects for {what} at {answer.touchpoint}"
    if isinstance(answer, Critical) and answer.node is not None:
        return f"Critical for {answer.node}"
    return None


def critical_rows(critical: Critical) -> Rows:
    """#, kind, id: a ``critical`` answer, nearest first."""
    return ("#", "kind", "id"), [(i, critical.kind(c), c) for i, c in enumerate(critical, 1)]


def reach_rows(reaches: Iterable[Reach]) -> Rows:
    """distance, kind, id: an ``upstream`` or ``downstream`` answer."""
    return ("distance", "kind", "id"), [(r.distance, r.kind, r.id) for r in reaches]


def suspect_rows(suspects: Iterable[Suspect]) -> Rows:
    """score, rate, escape, category, fail point, hand-off, distance: a ``trace`` answer.

    An unrated suspect's score is ``unrated`` and its rate ``unknown``, never 0.
    """
    return (
        ("score", "rate", "escape", "category", "fail point", "hand-off", "distance"),
        [
            (
                "unrated" if s.score is None else f"{s.score:.4f}",
                "unknown" if s.rate is None else percent(s.rate),
                percent(s.escape),
                s.category or "-",
                s.fail_point,
                handoff_of(s),
                s.distance,
            )
            for s in suspects
        ],
    )


def handoff_rows(chain: ServiceChain) -> Rows:
    """from, to, item, fail points (rate): every hand-off of the chain."""
    rows: list[tuple[object, ...]] = []
    for role in chain.model.roles.values():
        for handoff in role.serves:
            fail_points = ", ".join(
                f"{fp.id} ({'rate unknown' if fp.rate is None else f'{fp.rate:g}'})"
                for fp in handoff.fail_points
            )
            rows.append((role.id, handoff.to, handoff.item, fail_points))
    return ("from", "to", "item", "fail points (rate)"), rows


def coverage_rows(coverage: Coverage, symbols: dict[str, str] | None = None) -> Rows:
    """role, then a column a principle: why it applies (or its symbol), empty where not.

    A principle for some customers only adds them: ``department (for bride)``.
    """
    rows: list[tuple[object, ...]] = []
    limited = coverage.limited_to
    for role, cells in coverage.rows():
        shown = []
        for principle, cell in zip(coverage.principles, cells, strict=True):
            text = (symbols or {}).get(cell, cell) if cell else ""
            if cell and principle in limited:
                text += f" (for {', '.join(limited[principle])})"
            shown.append(text)
        rows.append((role, *shown))
    return ("role", *coverage.principles), rows


def finding_rows(findings: Iterable[Finding]) -> Rows:
    """severity, rule, subject, why it matters, what to do: audit findings."""
    return (
        ("severity", "rule", "subject", "why it matters", "what to do"),
        [(f.severity, f.rule, f.subject, f.message, f.hint) for f in findings],
    )


# --- records: the tables of to_records() and to_pandas() ---------------------------------

Records = tuple[tuple[str, ...], list[dict[str, Any]]]
"""A table as its column names and its rows as dicts (numbers rounded as in JSON)."""

"""A table as its column names and its rows as dicts (numbers rounded as in JSON)."""

SUSPECT_COLUMNS = (
    "role",
    "receiver",
    "fail_point",
    "category",
    "rate",
    "escape",
    "score",
    "distance",
)
"""A suspect's columns, as in its JSON."""


def reach_records(reaches: Iterable[Reach]) -> Records:
    """``id``, ``kind``, ``distance``: one record a node reached, in order."""
    return ("id", "kind", "distance"), [reach_json(r) for r in reaches]


def id_records(ids: NodeIds) -> Records:
    """``id``, ``kind``: one record a node of a ``critical`` or ``select`` answer, in order."""
    return ("id", "kind"), [{"id": n, "kind": ids.kind(n)} for n in ids]


def suspect_records(suspects: Iterable[Suspect]) -> Records:
    """One record a suspect, most likely first, in the suspect's JSON shape."""
    return SUSPECT_COLUMNS, [suspect_json(s) for s in suspects]


def finding_records(findings: Iterable[Finding]) -> Records:
    """``rule``, ``severity``, ``subject``, ``message``, ``hint``: one record a finding."""
    return ("rule", "severity", "subject", "message", "hint"), [finding_json(f) for f in findings]


def coverage_records(coverage: Coverage) -> Records:
    """``role``, then a column a principle holding its source there (``None``: it does not
    apply), one record a role."""
    columns = ("role", *coverage.principles)
    return columns, [
        dict(zip(columns, (role, *cells), strict=True)) for role, cells in coverage.rows()
    ]


def guide_records(card: ScenarioGuide) -> Records:
    """A scenario's card as a table: one record a script, then one a principle.

    ``part`` is ``script`` (training: it covers the scenario) or ``principle``
    (education); ``why`` is ``covers`` for a script and the principle's source
    (``explicit``, ``role``, ``department``, ``everyone``) for a principle; ``text``
    is the script's steps, or the principle's statement and its questions.
    """
    data = guide_json(card)
    scripts = [
        {
            "part": "script",
            "id": s["id"],
            "name": s["name"],
            "why": "covers",
            "text": "; ".join(s["steps"]),
        }
        for s in data["scripts"]
    ]
    principles = [
        {
            "part": "principle",
            "id": p["id"],
            "name": p["name"],
            "why": p["source"],
            "text": " ".join([p["statement"], *p["questions"]]).strip(),
        }
        for p in data["principles"]
    ]
    return ("part", "id", "name", "why", "text"), [*scripts, *principles]


# --- evidence: complaint attribution and hand-off conformance ------------------------------


def complaint_count(value: float) -> str:
    """A number of complaints: whole numbers as they are, shares of them to one decimal.

    Examples
    --------
    >>> complaint_count(12.0), complaint_count(2 / 3), complaint_count(1234.04)
    ('12', '0.7', '1,234')
    """
    rounded = round(value, 1)
    return f"{rounded:,.0f}" if rounded == int(rounded) else f"{rounded:,.1f}"


def assigned_to(group: ComplaintGroup, most: int = 3) -> str:
    """Where a group's complaints went, in words: fail points with their shares."""
    if group.unexplained:
        return "unexplained: no fail point of the model can cause them"
    if not group.assigned:
        causes = ", ".join(f"{p.fail_point} ({p.role})" for p in group.possible[:most])
        return f"possible only, rates unknown: {causes}"
    parts = [f"{a.fail_point} ({a.role}) {percent(a.share)}" for a in group.assigned[:most]]
    if len(group.assigned) > most:
        parts.append(f"{len(group.assigned) - most} more")
    return ", ".join(parts)


def _attribution_tables(found: Attribution) -> dict[str, Callable[[], Records]]:
    def by_role() -> Records:
        return (
            ("role", "kind", "department", "complaints", "programs", "gap"),
            [
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
        )

    def groups() -> Records:
        return (
            ("touchpoint", "category", "customer", "count", "assigned", "possible", "unexplained"),
            [
                {
                    "touchpoint": g.touchpoint,
                    "category": g.category,
                    "customer": g.customer,
                    "count": g.count,
                    "assigned": number(sum(a.complaints for a in g.assigned)),
                    "possible": len(g.possible),
                    "unexplained": g.unexplained,
                }
                for g in found.groups
            ],
        )

    def assigned() -> Records:
        return (
            (
                "touchpoint",
                "category",
                "customer",
                "role",
                "receiver",
                "fail_point",
                "share",
                "complaints",
            ),
            [
                {
                    "touchpoint": g.touchpoint,
                    "category": g.category,
                    "customer": g.customer,
                    "role": a.role,
                    "receiver": a.receiver,
                    "fail_point": a.fail_point,
                    "share": number(a.share),
                    "complaints": number(a.complaints),
                }
                for g in found.groups
                for a in g.assigned
            ],
        )

    def possible() -> Records:
        return (
            ("touchpoint", "category", "customer", "role", "fail_point"),
            [
                {
                    "touchpoint": g.touchpoint,
                    "category": g.category,
                    "customer": g.customer,
                    "role": p.role,
                    "fail_point": p.fail_point,
                }
                for g in found.groups
                for p in g.possible
            ],
        )

    def by_fail_point() -> Records:
        return (
            ("fail_point", "role", "complaints"),
            [
                {"fail_point": f.fail_point, "role": f.role, "complaints": number(f.complaints)}
                for f in found.by_fail_point
            ],
        )

    def by_department() -> Records:
        return (
            ("department", "complaints"),
            [
                {"department": d.department, "complaints": number(d.complaints)}
                for d in found.by_department
            ],
        )

    return {
        "by_role": by_role,
        "groups": groups,
        "assigned": assigned,
        "possible": possible,
        "by_fail_point": by_fail_point,
        "by_department": by_department,
    }


def _table(tables: dict[str, Callable[[], Records]], name: str, what: str) -> Records:
    maker = tables.get(name)
    if maker is None:
        raise UnknownIdError(name, kind=f"table of {what}", candidates=list(tables))
    return maker()


def attribution_table(found: Attribution, name: str = "by_role") -> Records:
    """The columns and rows (as dicts) of one table of an attribution.

    Tables: ``by_role`` (the training-gap table), ``groups``, ``assigned``, ``possible``,
    ``by_fail_point``, ``by_department``. Numbers are rounded as in JSON.

    Examples
    --------
    >>> import servicekit
    >>> found = servicekit.load_example().attribute(
    ...     [{"touchpoint": "pickup", "category": "stain"}])
    >>> attribution_table(found)[1]
    [{'role': 'spotter', 'kind': 'person', 'department': 'cleaning', 'complaints': 1.0, 'programs': ['spotting-handbook', 'stain-school'], 'gap': False}]
    """  # noqa: E501
    return _table(_attribution_tables(found), name, "an attribution")


def attribution_records(found: Attribution, name: str = "by_role") -> list[dict[str, Any]]:
    """The rows of ``attribution_table()`` ``name``."""
    return attribution_table(found, name)[1]


def _handoff(h: HandoffCount) -> dict[str, Any]:
    return {"from": h.from_, "to": h.to, "count": h.count, "cases": h.cases}


def _conformance_tables(found: Conformance) -> dict[str, Callable[[], Records]]:
    def handoffs() -> Records:
        shares = {(s.from_, s.to): number(s.share) for s in found.shares}
        rework = {(p.from_, p.to): p.count for p in found.rework.pairs}
        rows: list[dict[str, Any]] = []
        for status, items in (
            ("undocumented", found.undocumented),
            ("designed", found.designed),
            ("unobserved", found.unobserved),
        ):
            for h in items:
                pair = (h.from_, h.to)
                rows.append(
                    {
                        "status": status,
                        **_handoff(h),
                        "share": shares.get(pair),
                        "rework": rework.get(pair, 0),
                        "examples": list(h.examples) if status == "undocumented" else [],
                    }
                )
        return (
            ("status", "from", "to", "count", "cases", "share", "rework", "examples"),
            rows,
        )

    def designed() -> Records:
        return ("from", "to", "count", "cases"), [_handoff(h) for h in found.designed]

    def unobserved() -> Records:
        return ("from", "to"), [{"from": h.from_, "to": h.to} for h in found.unobserved]

    def undocumented() -> Records:
        return (
            ("from", "to", "count", "cases", "examples"),
            [{**_handoff(h), "examples": list(h.examples)} for h in found.undocumented],
        )

    def unknown_roles() -> Records:
        return ("role", "events"), [
            {"role": r.role, "events": r.events} for r in found.unknown_roles
        ]

    def rework() -> Records:
        return (
            ("from", "to", "count"),
            [{"from": p.from_, "to": p.to, "count": p.count} for p in found.rework.pairs],
        )

    def shares() -> Records:
        return (
            ("from", "to", "share"),
            [{"from": s.from_, "to": s.to, "share": number(s.share)} for s in found.shares],
        )

    def customers() -> Records:
        return (
            ("customer", "cases", "events", "fitness", "undocumented", "unobserved", "rework"),
            [
                {
                    "customer": customer,
                    "cases": c.cases,
                    "events": c.events,
                    "fitness": None if c.fitness is None else number(c.fitness),
                    "undocumented": sum(h.count for h in c.undocumented),
                    "unobserved": len(c.unobserved),
                    "rework": c.rework.count,
                }
                for customer, c in found.customers.items()
            ],
        )

    return {
        "handoffs": handoffs,
        "designed": designed,
        "unobserved": unobserved,
        "undocumented": undocumented,
        "unknown_roles": unknown_roles,
        "rework": rework,
        "shares": shares,
        "customers": customers,
    }


def conformance_table(found: Conformance, name: str = "handoffs") -> Records:
    """The columns and rows (as dicts) of one table of a conformance answer.

    Tables: ``handoffs`` (every hand-off the model designs or the log shows, with its
    ``status``: undocumented, designed or unobserved), ``designed``, ``unobserved``,
    ``undocumented``, ``unknown_roles``, ``rework``, ``shares``, ``customers`` (one row a
    customer: cases, events, fitness, undocumented hand-offs, unobserved ones, rework).
    """
    return _table(_conformance_tables(found), name, "a conformance answer")


def conformance_records(found: Conformance, name: str = "handoffs") -> list[dict[str, Any]]:
    """The rows of ``conformance_table()`` ``name``."""
    return conformance_table(found, name)[1]
