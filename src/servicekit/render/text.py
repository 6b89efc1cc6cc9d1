"""Plain text for people: every answer as the command line prints it.

Aligned columns, sentences, no Python reprs. Every value taken from a model goes through
``plain_text()``: a name holding escape sequences or line
breaks prints as written, on its line, and never acts on the reader's terminal.

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

import json
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from servicekit._words import listed, plural
from servicekit.chain.results import Reach, Root, Suspect
from servicekit.culture.audit import Finding
from servicekit.culture.diff import FieldChange, HandoffChange, ModelDiff
from servicekit.culture.guide import ScenarioGuide
from servicekit.culture.mapping import Coverage
from servicekit.culture.report import NEAREST, Report, TouchpointReport
from servicekit.evidence.attribution import Attribution
from servicekit.evidence.conformance import Conformance, HandoffCount
from servicekit.model.data import entity_data
from servicekit.model.entities import Entity
from servicekit.model.service_model import ServiceModel
from servicekit.model.vocabulary import SEVERITIES
from servicekit.render.rows import assigned_to, complaint_count, handoff_of, percent
from servicekit.render.tables import markdown_text, plain_text, text_table

__all__ = [
    "SOURCE_SYMBOLS",
    "attribution_text",
    "conformance_text",
    "coverage_text",
    "critical_text",
    "diff_text",
    "findings_text",
    "guide_lines",
    "guide_text",
    "handoff_line",
    "never_served_warnings",
    "reaches_text",
    "report_lines",
    "report_text",
    "selection_text",
    "shown_value",
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
SHOWN_UPSTREAM = NEAREST


#: Joins the words of one item of a wrapped list (``cashier (1)``): never a line break.
_TOGETHER = "\xa0"


def _wrapped(label: str, text: str, width: int = 88) -> str:
    """``label: text`` wrapped at ``width``; an item written with ``_TOGETHER`` between its
    words stays on one line."""
    return textwrap.fill(
        f"{label}: {text}",
        width=width,
        initial_indent="  ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    ).replace(_TOGETHER, " ")


def _named(entity: Any, clean: Callable[[object], str] = plain_text) -> str:
    label: str = entity.label
    return clean(label) if label == entity.id else f"{clean(label)} ({clean(entity.id)})"


def _names(items: Iterable[str], most: int | None = None, total: int | None = None) -> str:
    """Names joined by commas, or ``none``; past ``most`` of them, ``and N more`` (of
    ``total``, when more were there than given)."""
    listed = [plain_text(item) for item in items]
    shown = listed if most is None else listed[:most]
    left = (len(listed) if total is None else total) - len(shown)
    text = ", ".join(shown) if shown else "none"
    return f"{text}, and {left} more" if left > 0 else text


# --- the model ------------------------------------------------------------------------------


def never_served_warnings(model: ServiceModel) -> list[str]:
    """``file:line:column: warning: ...`` for each required hand-off that can never be served.

    Placed where the giving role is written (``<model>`` for a model built in Python).

    Examples
    --------
    >>> from servicekit import Handoff, Role, ServiceModel
    >>> model = ServiceModel(roles=[
    ...     Role(id="desk", serves=["approver"]),
    ...     Role(id="approver", serves=[Handoff(to="desk", required=True)]),
    ...     Role(id="caller", serves=["desk"]),
    ... ])
    >>> print(never_served_warnings(model)[0])
    <model>: warning: the required hand-off from 'approver' to 'desk' can never be served: 'approver' is never served, so 'desk' waits for ever; if one role both asks for an approval and waits for it, those are two activities: model them as two roles, or make the hand-off not required
    """  # noqa: E501
    lines = []
    for giver, receiver in model.chain.never_served():
        where = model.sources.get(giver)
        location = str(where) if where is not None else "<model>"
        lines.append(
            f"{location}: warning: the required hand-off from {giver!r} to {receiver!r} can "
            f"never be served: {giver!r} is never served, so {receiver!r} waits for ever; "
            "if one role both asks for an approval and waits for it, those are two "
            "activities: model them as two roles, or make the hand-off not required"
        )
    return lines


def valid_text(path: str, model: ServiceModel) -> str:
    """``PATH: valid (N roles, ...)``, what ``servicekit validate`` says of a good model."""
    counts = model.counts()
    summary = ", ".join(plural(n, k[:-1], k) for k, n in counts.items() if n)
    return f"{plain_text(path)}: valid ({summary or 'empty'})"


# --- chain answers --------------------------------------------------------------------------


def reaches_text(title: str, node: str, reaches: Sequence[Reach]) -> str:
    """``title node: N nodes`` then a distance / kind / id table."""
    head = f"{title} {plain_text(node)}: {plural(len(reaches), 'node')}"
    if not reaches:
        return head
    rows = [[r.distance, r.kind, r.id] for r in reaches]
    return head + "\n" + text_table(["distance", "kind", "id"], rows, right=[0])


def critical_text(
    node: str,
    critical: Sequence[str],
    kinds: Mapping[str, str] | None = None,
    roots: Sequence[Root] = (),
    *,
    declared: str | None = None,
    served: bool = True,
) -> str:
    """The necessary nodes of ``node``, nearest first, then where its work starts.

    ``declared`` is why ``node`` is itself a declared root (``feeds``, ``starts``), if
    it is; ``served`` whether it is served at all.
    """
    node = plain_text(node)
    if critical:
        head = (
            f"Critical for {node}: {plural(len(critical), 'single point')} of failure, "
            "nearest first"
        )
        rows = [[i, (kinds or {}).get(c, ""), c] for i, c in enumerate(critical, start=1)]
        text = head + "\n" + text_table(["#", "kind", "id"], rows, right=[0])
    elif declared is not None:
        text = f"Critical for {node}: none (work starts here: it is declared by {declared})"
    elif not served:
        text = (
            f"Critical for {node}: none ({node} is never served: nothing starts its work, or "
            "a required hand-off it needs never comes; run servicekit validate)"
        )
    else:
        text = f"Critical for {node}: none (no single node lies on every path into it)"
    if roots:
        starts = ", ".join(f"{plain_text(r.id)} ({r.why})" for r in roots)
        text += "\n" + textwrap.fill(
            f"Work reaching it starts at: {starts}",
            width=88,
            subsequent_indent="  ",
            break_on_hyphens=False,
        )
    return text


def _score(suspect: Suspect) -> str:
    return "unrated" if suspect.score is None else f"{suspect.score:.4f}"


def _rate(suspect: Suspect) -> str:
    return "unknown" if suspect.rate is None else percent(suspect.rate)


def _suspect_rows(suspects: Iterable[Suspect]) -> list[list[object]]:
    return [
        [
            _score(s),
            _rate(s),
            percent(s.escape),
            s.category or "-",
            s.fail_point,
            handoff_of(s),
            s.distance,
        ]
        for s in suspects
    ]


_SUSPECT_HEADER = ["score", "rate", "escape", "category", "fail point", "hand-off", "distance"]


def suspects_text(node: str, suspects: Sequence[Suspect], category: str | None = None) -> str:
    """Suspects for a defect seen at ``node``, most likely first; unrated ones say so."""
    what = f"{plain_text(category)} defects" if category else "defects"
    node = plain_text(node)
    if not suspects:
        return f"Suspects for {what} at {node}: none (no fail point upstream can reach it)"
    head = (
        f"Suspects for {what} at {node}: {plural(len(suspects), 'fail point')}, most likely first"
    )
    unrated = sum(1 for s in suspects if s.score is None)
    if unrated == len(suspects):
        head += (
            "\n(unrated: no rate is known, so they are ranked by how likely each defect is to "
            "escape to here)"
        )
    elif unrated:
        head += (
            f"\n({unrated} unrated: {'its' if unrated == 1 else 'their'} rate is not known, so "
            f"{'it comes' if unrated == 1 else 'they come'} after the rated ones, ranked by how "
            "likely the defect is to escape to here)"
        )
    return head + "\n" + text_table(_SUSPECT_HEADER, _suspect_rows(suspects), right=[0, 1, 2, 6])


# --- culture --------------------------------------------------------------------------------


def coverage_text(coverage: Coverage) -> str:
    """Aligned columns with one symbol a cell, and a legend."""
    roles = [plain_text(role) for role in coverage.roles]
    principles = [plain_text(principle) for principle in coverage.principles]
    width = max((len(r) for r in roles), default=0)
    width = max(width, len("role"))
    header = ["role".ljust(width), *principles]
    lines = ["  ".join(header).rstrip()]
    for role, (_, cells) in zip(roles, coverage.rows(), strict=True):
        parts = [role.ljust(width)]
        for principle, source in zip(principles, cells, strict=True):
            symbol = SOURCE_SYMBOLS[source] if source else "."
            if source and principle in coverage.limited_to:
                symbol += "f"
            parts.append(symbol.center(len(principle)))
        lines.append("  ".join(parts).rstrip())
    lines.append("")
    lines.extend(_LEGEND)
    if coverage.limited_to:
        lines.append("  f  for some customers only:")
        for principle, customers in coverage.limited_to.items():
            lines.append(
                f"       {plain_text(principle)}: {', '.join(plain_text(c) for c in customers)}"
            )
    if coverage.uncovered_roles:
        lines.append("No principle applies to: " + _names(coverage.uncovered_roles))
    return "\n".join(lines) + "\n"


def guide_lines(card: ScenarioGuide, *, markdown: bool) -> list[str]:
    """The lines of an education card, as text or as Markdown (headings and bullets)."""
    scenario, role = card.scenario, card.role
    clean = markdown_text if markdown else plain_text

    def heading(text: str) -> list[str]:
        return ["", f"## {text}", ""] if markdown else ["", f"{text}:"]

    def named(entity: Any) -> str:
        return _named(entity, clean)

    def joined(items: Iterable[str], separator: str) -> str:
        return separator.join(clean(item) for item in items)

    bullet = "- " if markdown else "  - "
    title = named(scenario) if scenario.title else clean(scenario.id)
    lines = [f"# Scenario: {title}" if markdown else f"Scenario: {title}"]
    if markdown:
        lines.append("")
    lines.append(f"Touchpoint: {named(card.touchpoint)}; on duty: {named(role)}")
    if scenario.situation:
        lines.append(f"Situation: {clean(scenario.situation)}")
    if scenario.tags:
        lines.append("Tags: " + joined(scenario.tags, ", "))

    lines += heading("Customer")
    customer = card.customer
    if customer is None:
        lines.append(f"{bullet}not named: ask what this customer needs, wants and values")
    else:
        lines.append(named(customer))
        for what, items in (
            ("needs", customer.needs),
            ("wants", customer.wants),
            ("values", customer.values),
        ):
            if items:
                lines.append(f"{bullet}{what}: " + joined(items, "; "))

    lines += heading("Scripts (training)")
    if card.novel:
        lines.append(
            f"{bullet}no script covers this situation: it is novel, so the principles "
            "below are what the person on duty has to go on"
        )
    for script in card.scripts:
        steps = joined(script.steps, "; ") if script.steps else "no steps written"
        lines.append(f"{bullet}{named(script)}: {steps}")

    lines += heading("Principles (education)")
    if not card.principles:
        lines.append(f"{bullet}no principle applies to {named(role)}")
    for principle, why in zip(card.principles, card.applicability, strict=True):
        text = f"{bullet}{named(principle)}, {_WHY[why.source]}"
        if principle.for_ is not None:
            text += f", for {', '.join(clean(c) for c in principle.for_)}"
        if principle.statement:
            text += f": {clean(principle.statement)}"
        lines.append(text)
        indent = "  " if markdown else "      "
        for question in principle.questions:
            lines.append(f"{indent}- {clean(question)}")

    lines += heading("Upstream roles whose work reaches this touchpoint, nearest first")
    if card.upstream:
        lines.append(bullet + joined(card.upstream, ", "))
    else:
        lines.append(f"{bullet}none: the work starts with the role on duty")

    if card.suspects:
        lines += heading("Most likely causes upstream")
        for s in card.suspects:
            if s.touchpoint is None:
                where = f"in the hand-off from {clean(s.role)} to {clean(s.receiver)}"
            elif s.receiver is None:
                where = f"at this touchpoint, served by {clean(s.role)}"
            else:
                where = (
                    f"made at {clean(s.touchpoint)} (served by {clean(s.role)}), "
                    f"passed on to {clean(s.receiver)}"
                )
            if s.score is None:
                how = f"rate unknown, {percent(s.escape)} of such defects get this far"
            else:
                how = f"score {s.score:.4f}"
            steps = "here" if s.distance == 0 else f"{plural(s.distance, 'step')} upstream"
            lines.append(
                f"{bullet}{clean(s.fail_point)} ({clean(s.category)}) {where} ({how}, {steps})"
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
        lines.append(f"{finding.severity.upper()}  {plain_text(finding.subject)}  ({finding.rule})")
        lines.append(_wrapped("Why it matters", plain_text(finding.message), width))
        lines.append(_wrapped("What to do", plain_text(finding.hint), width))
        lines.append("")
    counts = {s: sum(1 for f in found if f.severity == s) for s in SEVERITIES}
    lines.append(
        f"{plural(len(found), 'finding')}: "
        + ", ".join(plural(counts[s], s) for s in SEVERITIES)
        + "."
    )
    return "\n".join(lines) + "\n"


def _touchpoint_lines(part: TouchpointReport, top: int) -> Iterator[str]:
    """One touchpoint's part of the report: who serves it, what is upstream, suspects (at
    most ``top``)."""
    tp = part.touchpoint
    yield ""
    title = f"{plain_text(tp.id)} ({plain_text(tp.name)})" if tp.name else plain_text(tp.id)
    yield f"Touchpoint {title}"
    yield f"  served by {plain_text(tp.role)} for {_names(tp.customers)}"
    shown = [
        f"{u.id}{_TOGETHER}({u.distance})".replace(" ", _TOGETHER)
        for u in part.upstream[:SHOWN_UPSTREAM]
    ]
    yield _wrapped("upstream, by distance", _names(shown, total=part.upstream_count))
    yield _wrapped("critical, nearest first", _names(part.critical, total=part.critical_count))
    suspects = part.suspects
    ranks = f"servicekit trace MODEL {plain_text(tp.id)} ranks them".replace(" ", _TOGETHER)
    if top == 0:
        yield _wrapped("likeliest origins of a complaint here", f"not shown (--top 0; {ranks})")
    elif suspects is None:
        yield _wrapped(
            "likeliest origins of a complaint here", f"not ranked in this report ({ranks})"
        )
    elif suspects:
        yield "  likeliest origins of a complaint here:"
        rows = [[_score(s), s.category or "-", s.fail_point, s.role, s.distance] for s in suspects]
        yield text_table(
            ["score", "category", "fail point", "made by", "distance"],
            rows,
            indent="    ",
            right=[0, 4],
        )
    else:
        yield "  likeliest origins of a complaint here: no fail points upstream"


def report_lines(report: Report) -> Iterator[str]:
    """The service report for people, a line (or a block of lines) at a time.

    Each touchpoint's part is worked out as it is written, so a report of a large model
    starts at once and holds one touchpoint at a time.
    """
    model = report.model
    yield f"Service report: {plain_text(model.name) or '(unnamed model)'}"
    if report.bundled:
        yield f"Model: the bundled example, {plain_text(report.path)}"
        yield "       (run `servicekit report MODEL` to report on your own model)"
    else:
        yield f"Model: {plain_text(report.path)}"
    counts = ", ".join(plural(n, k[:-1], k) for k, n in model.counts().items() if n)
    yield f"Holds: {counts or 'nothing'}"
    touchpoints = report.touchpoints
    for part in touchpoints:
        yield from _touchpoint_lines(part, report.top)
    if report.top > 0 and touchpoints.ranked < len(touchpoints):
        yield ""
        yield _wrapped(
            "Note",
            f"suspects are ranked for the first {plural(touchpoints.ranked, 'touchpoint')} of "
            f"{len(touchpoints)}, in id order, to keep the report as quick as loading the "
            "model; servicekit trace ranks any touchpoint's",
        ).strip()
    yield ""
    gaps = _names(report.coverage_gaps, most=SHOWN_UPSTREAM)
    yield _wrapped("Roles no principle applies to", gaps).strip()
    yield ""
    yield "Audit"
    yield findings_text(report.findings).rstrip("\n")


def report_text(report: Report) -> str:
    """The service report for people."""
    return "\n".join(report_lines(report))


# --- selections and diffs (working with models over time) -----------------------------------


def selection_text(
    selector: str, selected: Sequence[str], kinds: Mapping[str, str], exclude: str | None = None
) -> str:
    """``Selected by SELECTOR: N nodes`` then a kind / id table, in the selection's order.

    Examples
    --------
    >>> print(selection_text("2+pickup", ["cashier", "pickup"],
    ...                      {"cashier": "role", "pickup": "touchpoint"}))
    Selected by 2+pickup: 2 nodes
      kind        id
      role        cashier
      touchpoint  pickup
    """
    by = selector if exclude is None else f"{selector}, excluding {exclude}"
    head = f"Selected by {by}: {plural(len(selected), 'node')}"
    if not selected:
        return head
    return head + "\n" + text_table(["kind", "id"], [[kinds[n], n] for n in selected])


def shown_value(value: object) -> str:
    """A field's value as a reviewer reads it: strings quoted, lists and mappings inline.

    Examples
    --------
    >>> from servicekit import FailPoint
    >>> shown_value("pre-treated garment"), shown_value(0.04), shown_value(None)
    ('"pre-treated garment"', '0.04', '(none)')
    >>> shown_value(FailPoint(id="wrong-tag", category="lost-item", rate=0.01))
    '{id: wrong-tag, category: lost-item, rate: 0.01}'
    """
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:.12g}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {shown_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(shown_value(v) for v in value) + "]"
    if isinstance(value, Entity):
        parts = [
            f"{key}: {inner if isinstance(inner, str) else shown_value(inner)}"
            for key, inner in entity_data(value).items()
        ]
        return "{" + ", ".join(parts) + "}"
    return str(value)


def _indented(text: str, indent: str, width: int = 88) -> str:
    """``text`` wrapped at ``width``, its first line at ``indent``, the rest two further in."""
    return textwrap.fill(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _field_lines(fields: Iterable[FieldChange], indent: str) -> list[str]:
    return [
        _indented(f"{f.path}: {shown_value(f.old)} -> {shown_value(f.new)}", indent) for f in fields
    ]


_MARKS = {"added": "+", "removed": "-", "changed": "~"}


def _counted(items: Iterable[str]) -> str:
    """``1 added, 2 changed``: how many of each status, in the order added, removed, changed."""
    found = list(items)
    return ", ".join(f"{found.count(s)} {s}" for s in _MARKS if s in found)


def _score_value(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def handoff_line(change: HandoffChange) -> str:
    """``presser -> spotter: returned garment``: a hand-off as a diff names it."""
    item = f": {change.handoff.item}" if change.handoff.item else ""
    return f"{change.giver} -> {change.receiver}{item}"


def diff_text(change: ModelDiff) -> str:
    """The diff as a review comment: what changed, then what it does to the chain and audit."""
    lines = [f"Changes from {change.old_label} to {change.new_label}"]
    if change.model:
        lines += ["", "Model"]
        lines += _field_lines(change.model, "  ")
    if change.entities:
        lines += ["", f"Entities ({_counted(e.status for e in change.entities)})"]
        for entity in change.entities:
            lines.append(f"  {_MARKS[entity.status]} {entity.kind} {entity.id}")
            lines += _field_lines(entity.fields, "      ")
    if change.handoffs:
        lines += ["", f"Hand-offs ({_counted(h.status for h in change.handoffs)})"]
        for handoff in change.handoffs:
            lines.append(f"  {_MARKS[handoff.status]} {handoff_line(handoff)}")
            lines += _field_lines(handoff.fields, "      ")
    lines.append("")
    if not change.touchpoints:
        lines.append("Touchpoints: no touchpoint's upstream, critical set or suspects changed.")
    else:
        lines.append(f"Touchpoints ({plural(len(change.touchpoints), 'changed', 'changed')})")
    for part in change.touchpoints:
        lines.append(f"  {part.touchpoint}")
        for title, entered, left in (
            ("upstream", part.entered, part.left),
            ("critical", part.critical_entered, part.critical_left),
        ):
            if entered or left:
                moved = [f"+ {n}" for n in entered] + [f"- {n}" for n in left]
                lines.append(_indented(f"{title}: " + "; ".join(moved), "    "))
        if part.suspects:
            lines.append("    suspects whose score changed:")
            rows = [
                [
                    _score_value(s.old),
                    _score_value(s.new),
                    s.fail_point,
                    f"{s.role} -> {s.receiver}",
                    s.category,
                ]
                for s in part.suspects
            ]
            header = ["old", "new", "fail point", "hand-off", "category"]
            lines.append(text_table(header, rows, indent="      ", right=[0, 1]))
    lines.append("")
    new, resolved = change.new_findings, change.resolved_findings
    if not new and not resolved:
        lines.append("Audit: no new findings, none resolved.")
    else:
        lines.append(f"Audit ({plural(len(new), 'new finding')}, {len(resolved)} resolved)")
        for finding in new:
            lines.append(f"  new  {finding.severity.upper()}  {finding.subject}  ({finding.rule})")
            lines.append(_indented(f"Why it matters: {finding.message}", "    "))
            lines.append(_indented(f"What to do: {finding.hint}", "    "))
        for finding in resolved:
            lines.append(
                f"  resolved  {finding.severity.upper()}  {finding.subject}  ({finding.rule})"
            )
    lines.append("")
    if not change:
        lines.append("No differences.")
    else:
        parts = [
            plural(len(change.entities), "entity", "entities"),
            plural(len(change.handoffs), "hand-off"),
            plural(len(change.touchpoints), "touchpoint"),
        ]
        lines.append(
            f"In all: {', '.join(parts)} changed; "
            f"{plural(len(new), 'new finding')}, {len(resolved)} resolved."
        )
    return "\n".join(lines) + "\n"


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
