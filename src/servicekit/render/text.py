"""Plain text for people: every answer as the command line prints it.

Aligned columns, sentences, no Python reprs.

Examples
--------
>>> import servicekit
>>> chain = servicekit.load_example().chain
>>> print(reaches_text("Upstream of", "pickup", chain.upstream("pickup", depth=2)))
Upstream of pickup: 2 nodes
  distance  kind  id
         1  role  cashier
         2  role  organizer
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from servicekit._words import listed, plural
from servicekit.chain.results import Reach, Suspect
from servicekit.culture.audit import Finding
from servicekit.culture.guide import ScenarioGuide
from servicekit.culture.mapping import Coverage
from servicekit.culture.report import Report
from servicekit.evidence.attribution import Attribution
from servicekit.evidence.conformance import Conformance, HandoffCount
from servicekit.model.service_model import ServiceModel
from servicekit.model.vocabulary import SEVERITIES
from servicekit.render.rows import assigned_to, complaint_count, percent
from servicekit.render.tables import text_table

__all__ = [
    "SOURCE_SYMBOLS",
    "attribution_text",
    "conformance_text",
    "coverage_text",
    "critical_text",
    "findings_text",
    "guide_lines",
    "guide_text",
    "reaches_text",
    "report_text",
    "suspects_text",
    "valid_text",
]

#: The short symbol each source of a principle has in the coverage matrix.
SOURCE_SYMBOLS: Mapping[str, str] = {
    "explicit": "E",
    "role": "R",
    "department": "D",
    "everyone": "*",
}

_LEGEND = (
    "Legend:",
    "  E  explicit: the role names the principle itself",
    "  R  role: the principle lists the role",
    "  D  department: the principle lists the role's department",
    "  *  everyone: the principle applies to everyone",
    "  .  the principle does not apply",
)

_WHY = {
    "explicit": "named for this role",
    "role": "applies to this role",
    "department": "applies to this role's department",
    "everyone": "applies to everyone",
}

#: How many upstream nodes the text report names per touchpoint before summarising.
SHOWN_UPSTREAM = 12


def _wrapped(label: str, text: str, width: int = 88) -> str:
    return textwrap.fill(
        f"{label}: {text}",
        width=width,
        initial_indent="  ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )


def _named(entity: Any) -> str:
    label: str = entity.label
    return label if label == entity.id else f"{label} ({entity.id})"


def _names(items: Iterable[str]) -> str:
    listed = list(items)
    return ", ".join(listed) if listed else "none"


# --- the model ------------------------------------------------------------------------------


def valid_text(path: str, model: ServiceModel) -> str:
    """``PATH: valid (N roles, ...)``, what ``servicekit validate`` says of a good model."""
    counts = model.counts()
    summary = ", ".join(plural(n, k[:-1], k) for k, n in counts.items() if n)
    return f"{path}: valid ({summary or 'empty'})"


# --- chain answers --------------------------------------------------------------------------


def reaches_text(title: str, node: str, reaches: Sequence[Reach]) -> str:
    """``title node: N nodes`` then a distance / kind / id table."""
    head = f"{title} {node}: {plural(len(reaches), 'node')}"
    if not reaches:
        return head
    rows = [[r.distance, r.kind, r.id] for r in reaches]
    return head + "\n" + text_table(["distance", "kind", "id"], rows, right=[0])


def critical_text(
    node: str, critical: Sequence[str], kinds: Mapping[str, str] | None = None
) -> str:
    """The single points of failure of ``node``, nearest first."""
    if not critical:
        return f"Critical for {node}: none (no single node lies on every path into it)"
    head = f"Critical for {node}: {plural(len(critical), 'single point')} of failure, nearest first"
    rows = [[i, (kinds or {}).get(c, ""), c] for i, c in enumerate(critical, start=1)]
    return head + "\n" + text_table(["#", "kind", "id"], rows, right=[0])


def _suspect_rows(suspects: Iterable[Suspect]) -> list[list[object]]:
    return [
        [f"{s.score:.4f}", s.category or "-", s.fail_point, f"{s.role} -> {s.receiver}", s.distance]
        for s in suspects
    ]


_SUSPECT_HEADER = ["score", "category", "fail point", "hand-off", "distance"]


def suspects_text(node: str, suspects: Sequence[Suspect], category: str | None = None) -> str:
    """Suspects for a defect seen at ``node``, most likely first."""
    what = f"{category} defects" if category else "defects"
    if not suspects:
        return f"Suspects for {what} at {node}: none (no fail point upstream can reach it)"
    head = (
        f"Suspects for {what} at {node}: {plural(len(suspects), 'fail point')}, most likely first"
    )
    return head + "\n" + text_table(_SUSPECT_HEADER, _suspect_rows(suspects), right=[0, 4])


# --- culture --------------------------------------------------------------------------------


def coverage_text(coverage: Coverage) -> str:
    """Aligned columns with one symbol a cell, and a legend."""
    width = max((len(r) for r in coverage.roles), default=0)
    width = max(width, len("role"))
    header = ["role".ljust(width), *coverage.principles]
    lines = ["  ".join(header).rstrip()]
    for role, cells in coverage.rows():
        parts = [role.ljust(width)]
        for principle, source in zip(coverage.principles, cells, strict=True):
            symbol = SOURCE_SYMBOLS[source] if source else "."
            parts.append(symbol.center(len(principle)))
        lines.append("  ".join(parts).rstrip())
    lines.append("")
    lines.extend(_LEGEND)
    if coverage.uncovered_roles:
        lines.append("No principle applies to: " + ", ".join(coverage.uncovered_roles))
    return "\n".join(lines) + "\n"


def guide_lines(card: ScenarioGuide, *, markdown: bool) -> list[str]:
    """The lines of an education card, as text or as Markdown (headings and bullets)."""
    scenario, role = card.scenario, card.role

    def heading(text: str) -> list[str]:
        return ["", f"## {text}", ""] if markdown else ["", f"{text}:"]

    bullet = "- " if markdown else "  - "
    title = f"{scenario.label} ({scenario.id})" if scenario.title else scenario.id
    lines = [f"# Scenario: {title}" if markdown else f"Scenario: {title}"]
    if markdown:
        lines.append("")
    lines.append(f"Touchpoint: {_named(card.touchpoint)}; on duty: {_named(role)}")
    if scenario.situation:
        lines.append(f"Situation: {scenario.situation}")
    if scenario.tags:
        lines.append("Tags: " + ", ".join(scenario.tags))

    lines += heading("Customer")
    customer = card.customer
    if customer is None:
        lines.append(f"{bullet}not named: ask what this customer needs, wants and values")
    else:
        lines.append(_named(customer))
        for what, items in (
            ("needs", customer.needs),
            ("wants", customer.wants),
            ("values", customer.values),
        ):
            if items:
                lines.append(f"{bullet}{what}: " + "; ".join(items))

    lines += heading("Scripts (training)")
    if card.novel:
        lines.append(
            f"{bullet}no script covers this situation: it is novel, so the principles "
            "below are what the person on duty has to go on"
        )
    for script in card.scripts:
        steps = "; ".join(script.steps) if script.steps else "no steps written"
        lines.append(f"{bullet}{_named(script)}: {steps}")

    lines += heading("Principles (education)")
    if not card.principles:
        lines.append(f"{bullet}no principle applies to {_named(role)}")
    for principle, why in zip(card.principles, card.applicability, strict=True):
        text = f"{bullet}{_named(principle)}, {_WHY[why.source]}"
        if principle.statement:
            text += f": {principle.statement}"
        lines.append(text)
        indent = "  " if markdown else "      "
        for question in principle.questions:
            lines.append(f"{indent}- {question}")

    lines += heading("Upstream roles whose work reaches this touchpoint, nearest first")
    if card.upstream:
        lines.append(bullet + ", ".join(card.upstream))
    else:
        lines.append(f"{bullet}none: the work starts with the role on duty")

    if card.suspects:
        lines += heading("Most likely causes upstream")
        for s in card.suspects:
            lines.append(
                f"{bullet}{s.fail_point} ({s.category}) in the hand-off from {s.role} "
                f"to {s.receiver} (score {s.score:.4f}, {plural(s.distance, 'step')} upstream)"
            )
    return lines


def guide_text(card: ScenarioGuide) -> str:
    """The card as plain text, for a person on duty or their coach."""
    return "\n".join(guide_lines(card, markdown=False)) + "\n"


def findings_text(findings: Iterable[Finding], *, width: int = 88) -> str:
    """The findings for people: each with its severity, subject, why it matters and what to do.

    Examples
    --------
    >>> from servicekit import Finding
    >>> f = Finding(rule="one-dimensional-program", severity="warning", subject="induction",
    ...             message="Induction has no follow-up.", hint="Plan coaching.")
    >>> print(findings_text([f]))
    WARNING  induction  (one-dimensional-program)
      Why it matters: Induction has no follow-up.
      What to do: Plan coaching.
    <BLANKLINE>
    1 finding: 0 errors, 1 warning, 0 info.
    <BLANKLINE>
    >>> print(findings_text([]))
    No findings: every audit rule that is on passed.
    <BLANKLINE>
    """
    found = list(findings)
    if not found:
        return "No findings: every audit rule that is on passed.\n"
    lines: list[str] = []
    for finding in found:
        lines.append(f"{finding.severity.upper()}  {finding.subject}  ({finding.rule})")
        lines.append(_wrapped("Why it matters", finding.message, width))
        lines.append(_wrapped("What to do", finding.hint, width))
        lines.append("")
    counts = {s: sum(1 for f in found if f.severity == s) for s in SEVERITIES}
    lines.append(
        f"{plural(len(found), 'finding')}: "
        + ", ".join(plural(counts[s], s) for s in SEVERITIES)
        + "."
    )
    return "\n".join(lines) + "\n"


def report_text(report: Report) -> str:
    """The service report for people."""
    model = report.model
    lines = [f"Service report: {model.name or '(unnamed model)'}"]
    if report.bundled:
        lines.append(f"Model: the bundled example, {report.path}")
        lines.append("       (run `servicekit report MODEL` to report on your own model)")
    else:
        lines.append(f"Model: {report.path}")
    counts = ", ".join(f"{n} {k}" for k, n in model.counts().items() if n)
    lines.append(f"Holds: {counts or 'nothing'}")
    for part in report.touchpoints:
        tp = part.touchpoint
        lines.append("")
        title = f"{tp.id} ({tp.name})" if tp.name else tp.id
        lines.append(f"Touchpoint {title}")
        lines.append(f"  served by {tp.role} for {_names(tp.customers)}")
        upstream = part.upstream
        shown = [f"{u.id} ({u.distance})" for u in upstream[:SHOWN_UPSTREAM]]
        more = (
            f", and {len(upstream) - SHOWN_UPSTREAM} more" if len(upstream) > SHOWN_UPSTREAM else ""
        )
        lines.append(_wrapped("upstream, by distance", _names(shown) + more))
        lines.append(_wrapped("critical, nearest first", _names(part.critical)))
        if part.suspects:
            lines.append("  likeliest origins of a complaint here:")
            rows = [
                [f"{s.score:.4f}", s.category or "-", s.fail_point, s.role, s.distance]
                for s in part.suspects
            ]
            lines.append(
                text_table(
                    ["score", "category", "fail point", "made by", "distance"],
                    rows,
                    indent="    ",
                    right=[0, 4],
                )
            )
        else:
            lines.append("  likeliest origins of a complaint here: no fail points upstream")
    lines.append("")
    lines.append(_wrapped("Roles no principle applies to", _names(report.coverage_gaps)).strip())
    lines.append("")
    lines.append("Audit")
    lines.append(findings_text(report.findings).rstrip("\n"))
    return "\n".join(lines)


# --- evidence -------------------------------------------------------------------------------


def _share(part: float, whole: float) -> str:
    return percent(part / whole) if whole else "-"


def _front_line(found: Attribution) -> dict[str, int]:
    """The front-line roles serving where the complaints were heard, and how many each heard."""
    heard: dict[str, int] = {}
    if found.model is None:
        return heard
    for group in found.groups:
        role = found.model.touchpoints[group.touchpoint].role
        heard[role] = heard.get(role, 0) + group.count
    return dict(sorted(heard.items(), key=lambda item: (-item[1], item[0])))


def _sentence(text: str, width: int = 88) -> list[str]:
    return textwrap.wrap(text, width=width, break_on_hyphens=False)


def _conclusion(found: Attribution) -> list[str]:
    """Whose work to train, in a sentence or two: the top role, the gaps, the systems."""
    lines: list[str] = []
    total = found.complaints
    heard = _front_line(found)
    if found.by_role and heard:
        top = found.by_role[0]
        front = next(iter(heard))
        made = {r.role: r.complaints for r in found.by_role}
        theirs = made.get(front, 0.0)
        if top.role not in heard and theirs < top.complaints:
            lines += _sentence(
                f"Train the {top.role}, not the {front}: {_share(top.complaints, total)} of the "
                f"complaints come from the {top.role}'s work, "
                + (_share(theirs, total) if theirs else "none")
                + f" from the {front}'s."
            )
    gaps = found.gaps
    if gaps:
        names = listed(r.role for r in gaps)
        lines += _sentence(
            f"Training gaps: {names} "
            + ("has" if len(gaps) == 1 else "have")
            + " complaints from their work and no programme reaching them."
        )
    systems = [r for r in found.by_role if r.kind == "system"]
    if systems:
        lines += _sentence(
            f"Systems: {listed(r.role for r in systems)}: complaints come from their work; "
            "fix the system, do not train it."
        )
    return lines


def attribution_text(found: Attribution) -> str:
    """Complaints attributed to upstream work, for a service manager: whose work to train.

    Examples
    --------
    >>> import servicekit
    >>> found = servicekit.load_example().attribute(
    ...     [{"touchpoint": "pickup", "category": "stain", "count": "8"}])
    >>> print(attribution_text(found).splitlines()[3])
    Train the spotter, not the cashier: 100% of the complaints come from the spotter's work,
    """
    total = found.complaints
    assigned = found.assigned
    lines = [
        f"Complaints: {total:,} in {plural(len(found.groups), 'group')} "
        "(touchpoint, category, customer)"
    ]
    possible_only = sum(g.count for g in found.groups if not g.assigned and g.possible)
    summary = f"  traced to upstream work: {complaint_count(assigned)}"
    if possible_only:
        summary += f"; with possible causes only (rates unknown): {possible_only:,}"
    summary += f"; unexplained: {found.unexplained:,}"
    lines.append(summary)
    conclusion = _conclusion(found)
    if conclusion:
        lines += ["", *conclusion]
    if found.by_role:
        lines += ["", "Whose work the complaints come from, most first:"]
        rows = [
            [
                complaint_count(r.complaints),
                _share(r.complaints, total),
                r.role,
                r.kind,
                r.department or "-",
                ", ".join(r.programs) or ("none (training gap)" if r.gap else "none"),
            ]
            for r in found.by_role
        ]
        lines.append(
            text_table(
                ["complaints", "share", "role", "kind", "department", "programmes reaching it"],
                rows,
                right=[0, 1],
            )
        )
        lines += ["", "By fail point:"]
        lines.append(
            text_table(
                ["complaints", "fail point", "made by"],
                [
                    [complaint_count(f.complaints), f.fail_point, f.role]
                    for f in found.by_fail_point
                ],
                right=[0],
            )
        )
        lines += ["", "By department:"]
        lines.append(
            text_table(
                ["complaints", "department"],
                [
                    [complaint_count(d.complaints), d.department or "(none)"]
                    for d in found.by_department
                ],
                right=[0],
            )
        )
    lines += ["", "Groups, most complaints first:"]
    lines.append(
        text_table(
            ["count", "touchpoint", "category", "customer", "assigned to"],
            [
                [g.count, g.touchpoint, g.category, g.customer or "-", assigned_to(g)]
                for g in found.groups
            ],
            right=[0],
        )
    )
    return "\n".join(lines) + "\n"


def conformance_text(found: Conformance) -> str:
    """What a hand-off log shows of the designed chain, the undocumented hand-offs first.

    Examples
    --------
    >>> import servicekit
    >>> log = [{"case:concept:name": "c", "org:role": r, "time:timestamp": f"2024-01-01T0{n}"}
    ...        for n, r in enumerate(["presser", "spotter", "cleaner"])]
    >>> print(conformance_text(servicekit.load_example().conformance(log)).splitlines()[0])
    Hand-off log: 1 case, 3 events, 2 observed hand-offs
    """
    observed = sum(h.count for h in found.designed) + sum(h.count for h in found.undocumented)
    lines = [
        f"Hand-off log: {plural(found.cases, 'case')}, {plural(found.events, 'event')}, "
        f"{plural(observed, 'observed hand-off')}"
    ]
    if found.fitness is None:
        lines.append("Fitness: none (the log shows no hand-off)")
    else:
        lines.append(
            f"Fitness: {found.fitness:.3g} ({percent(found.fitness)} of the observed hand-offs "
            "are designed)"
        )
    shares = {(s.from_, s.to): s.share for s in found.shares}

    def counted(items: Sequence[HandoffCount], examples: bool) -> str:
        header = ["count", "cases", "share", "hand-off"]
        rows: list[list[object]] = [
            [h.count, h.cases, percent(shares[h.from_, h.to]), f"{h.from_} -> {h.to}"]
            for h in items
        ]
        if examples:
            header.append("examples")
            for row, h in zip(rows, items, strict=True):
                row.append(", ".join(h.examples))
        return text_table(header, rows, right=[0, 1, 2])

    lines.append("")
    if found.undocumented:
        lines.append("Undocumented: observed hand-offs the model does not have, most first")
        lines.append(counted(found.undocumented, examples=True))
    else:
        lines.append("Undocumented: none (every observed hand-off is designed)")
    lines += [""]
    if found.designed:
        lines.append("Designed and observed, most first:")
        lines.append(counted(found.designed, examples=False))
    else:
        lines.append("Designed and observed: none")
    if found.unobserved:
        lines.append("")
        lines.append(
            _wrapped(
                "Designed, never observed",
                ", ".join(f"{h.from_} -> {h.to}" for h in found.unobserved),
            ).strip()
        )
    lines.append("")
    rework = found.rework
    if rework.count:
        lines.append(
            f"Rework (hand-offs into a role seen earlier in the case): "
            f"{plural(rework.count, 'hand-off')} in {plural(rework.cases, 'case')}"
        )
        lines.append(
            text_table(
                ["count", "hand-off"],
                [[p.count, f"{p.from_} -> {p.to}"] for p in rework.pairs],
                right=[0],
            )
        )
    else:
        lines.append("Rework: none")
    if found.unknown_roles:
        lines.append("")
        lines.append(
            _wrapped(
                f"Roles the model does not have (left out: {plural(found.left_out, 'hand-off')})",
                ", ".join(f"{r.role} ({plural(r.events, 'event')})" for r in found.unknown_roles),
            ).strip()
        )
    if found.customers:
        lines += ["", "By customer:"]
        rows: list[list[object]] = []
        for customer, answer in found.customers.items():
            undocumented = ", ".join(
                f"{h.from_} -> {h.to} ({h.count})" for h in answer.undocumented[:2]
            )
            if len(answer.undocumented) > 2:
                undocumented += f" and {len(answer.undocumented) - 2} more"
            rows.append(
                [
                    customer,
                    answer.cases,
                    "-" if answer.fitness is None else f"{answer.fitness:.3g}",
                    undocumented or "none",
                ]
            )
        lines.append(
            text_table(["customer", "cases", "fitness", "undocumented"], rows, right=[1, 2])
        )
    return "\n".join(lines) + "\n"
