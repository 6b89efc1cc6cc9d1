"""Markdown for pull requests, wikis and notebooks: every object's ``_repr_markdown_``.

Examples
--------
>>> import servicekit
>>> model = servicekit.load_example()
>>> print(reaches_markdown(model.chain.upstream("pickup", depth=2)))
**Upstream of pickup**
<BLANKLINE>
| distance | kind | id |
|---:|---|---|
| 1 | role | cashier |
| 2 | role | organizer |
"""

from __future__ import annotations

from collections.abc import Iterable

from servicekit._words import plural
from servicekit.chain.results import Critical, Reach, Suspect
from servicekit.chain.service_chain import ServiceChain
from servicekit.culture.audit import Finding
from servicekit.culture.diff import FieldChange, ModelDiff
from servicekit.culture.guide import ScenarioGuide
from servicekit.culture.mapping import Coverage
from servicekit.evidence.attribution import Attribution
from servicekit.evidence.conformance import Conformance
from servicekit.model.service_model import ServiceModel
from servicekit.render.rows import (
    assigned_to,
    caption,
    complaint_count,
    conformance_table,
    coverage_rows,
    critical_rows,
    finding_rows,
    handoff_rows,
    percent,
    reach_rows,
    suspect_rows,
)
from servicekit.render.tables import Markdown, markdown_cell, markdown_table, markdown_text
from servicekit.render.text import guide_lines, shown_value

__all__ = [
    "DRAWN_NODES",
    "attribution_markdown",
    "chain_bundle",
    "chain_markdown",
    "conformance_markdown",
    "coverage_markdown",
    "critical_markdown",
    "diff_markdown",
    "findings_markdown",
    "guide_markdown",
    "model_markdown",
    "reaches_markdown",
    "suspects_markdown",
]


def _titled(title: str | None, body: str) -> str:
    return f"**{markdown_cell(title)}**\n\n{body}" if title else body


def model_markdown(model: ServiceModel) -> str:
    """The model at a glance, in Markdown.

    Examples
    --------
    >>> import servicekit
    >>> print(model_markdown(servicekit.load_example()).splitlines()[0])
    ### Corner Dry Cleaner
    """
    front = sorted(model.front_line)
    back = [r for r in model.roles if r not in model.front_line]
    lines = [f"### {markdown_cell(model.name or 'Service model')}", ""]
    if model.description:
        lines += [markdown_text(model.description), ""]
    lines.append(markdown_table(("section", "entities"), list(model.counts().items()), align="lr"))
    front_names = ", ".join(markdown_text(r) for r in front) or "none"
    back_names = ", ".join(markdown_text(r) for r in back) or "none"
    lines += ["", f"Front line: {front_names}. Behind the line of visibility: {back_names}."]
    return "\n".join(lines)


#: Past this many nodes a chain shown in a notebook is summarised, not drawn: Mermaid
#: refuses diagrams of more than 50,000 characters, and no one reads one that large.
DRAWN_NODES = 150


def chain_bundle(chain: ServiceChain) -> dict[str, str]:
    """What a notebook shows for a chain: its service-blueprint diagram.

    ``text/markdown`` holds the diagram in a ``mermaid`` fence (JupyterLab 4.1+ and
    Notebook 7.1+ draw it; GitHub and nbviewer do too) and ``text/vnd.mermaid`` the
    diagram alone, for front ends that render Mermaid as its own type. There is no
    ``text/html``: JupyterLab would prefer it to the diagram. A chain of more than
    ``DRAWN_NODES`` nodes is summarised in Markdown with how to draw a part of it.

    Examples
    --------
    >>> import servicekit
    >>> bundle = chain_bundle(servicekit.load_example().chain)
    >>> sorted(bundle), bundle["text/markdown"].splitlines()[0]
    (['text/markdown', 'text/plain', 'text/vnd.mermaid'], '```mermaid')
    """
    plain = repr(chain)
    nodes = chain.graph.number_of_nodes()
    if nodes > DRAWN_NODES:
        text = (
            f"**{markdown_cell(chain.model.name or 'Service chain')}**: "
            f"{plural(nodes, 'node')}, too many to draw at once. "
            "Draw the part around one node with "
            "`chain.to_mermaid(focus=NODE, depth=2)`, or one customer's chain with "
            "`chain.to_mermaid(customer=ID)`."
        )
        return {"text/plain": plain, "text/markdown": text}
    mermaid = chain.to_mermaid()
    return {
        "text/plain": plain,
        "text/markdown": f"```mermaid\n{mermaid}```",
        "text/vnd.mermaid": mermaid,
    }


def chain_markdown(chain: ServiceChain, *, diagram: bool = True) -> str:
    """The chain as a Mermaid service blueprint in a fenced block, or as a table of hand-offs.

    JupyterLab 4 and GitHub render the ``mermaid`` block as a diagram.

    Examples
    --------
    >>> import servicekit
    >>> chain = servicekit.load_example().chain
    >>> chain_markdown(chain).splitlines()[0]
    '```mermaid'
    >>> chain_markdown(chain, diagram=False).splitlines()[0]
    '| from | to | item | fail points (rate) |'
    """
    if diagram:
        return f"```mermaid\n{chain.to_mermaid()}```"
    header, rows = handoff_rows(chain)
    return markdown_table(header, rows)


def reaches_markdown(reaches: Iterable[Reach], *, title: str | None = None) -> str:
    """An ``upstream`` / ``downstream`` answer as a Markdown table, nearest first, under
    ``title`` (by default the question a ``Reaches`` answers)."""
    header, rows = reach_rows(reaches)
    body = markdown_table(header, rows, align="rll") if rows else "No nodes."
    return _titled(title or caption(reaches), body)


def suspects_markdown(suspects: Iterable[Suspect], *, title: str | None = None) -> str:
    """``trace`` suspects as a Markdown table, most likely first, under ``title`` (by
    default the question a ``Suspects`` answers)."""
    header, rows = suspect_rows(suspects)
    body = markdown_table(header, rows, align="rrrlllr") if rows else "No suspects."
    return _titled(title or caption(suspects), body)


def critical_markdown(critical: Critical) -> str:
    """A ``critical`` answer as a Markdown table, nearest first, then where work starts.

    Examples
    --------
    >>> import servicekit
    >>> print(critical_markdown(servicekit.load_example().chain.critical("drop-off")))
    **Critical for drop-off**
    <BLANKLINE>
    | # | kind | id |
    |---:|---|---|
    | 1 | role | counter-clerk |
    <BLANKLINE>
    Work reaching it starts at: counter-clerk (feeds).
    """
    header, rows = critical_rows(critical)
    body = markdown_table(header, rows, align="rll") if rows else "None."
    if critical.roots:
        starts = ", ".join(f"{markdown_cell(r.id)} ({r.why})" for r in critical.roots)
        body += f"\n\nWork reaching it starts at: {starts}."
    return _titled(caption(critical), body)


def guide_markdown(guide: ScenarioGuide) -> str:
    """A scenario's education card in Markdown, a section each for training and education."""
    return "\n".join(guide_lines(guide, markdown=True)) + "\n"


def coverage_markdown(coverage: Coverage) -> str:
    """The role x principle matrix as a Markdown table, each cell naming why it applies."""
    header, rows = coverage_rows(coverage)
    return markdown_table(header, rows) + "\n"


def findings_markdown(findings: Iterable[Finding]) -> str:
    """Audit findings as a Markdown table, or a sentence when there are none.

    Examples
    --------
    >>> import servicekit
    >>> print(findings_markdown(servicekit.load_example().audit()).splitlines()[2][:46])
    | error | unaligned-metric | garments-per-hour
    """
    header, rows = finding_rows(findings)
    if not rows:
        return "No findings."
    return markdown_table(header, rows)


# --- diffs (working with models over time) ---------------------------------------------------


def _changes_cell(fields: Iterable[FieldChange]) -> str:
    return "; ".join(f"{f.path}: {shown_value(f.old)} -> {shown_value(f.new)}" for f in fields)


def _moved_cell(entered: Iterable[str], left: Iterable[str]) -> str:
    return "; ".join([*(f"+ {n}" for n in entered), *(f"- {n}" for n in left)])


def _score_cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def diff_markdown(change: ModelDiff) -> str:
    """The diff in Markdown, to paste in a pull request: a table for each kind of change.

    Examples
    --------
    >>> import servicekit
    >>> model = servicekit.load_example()
    >>> print(diff_markdown(servicekit.diff(model, model)))
    ### servicekit diff: `Corner Dry Cleaner` to `Corner Dry Cleaner`
    <BLANKLINE>
    No differences.
    """
    lines = [
        f"### servicekit diff: `{markdown_cell(change.old_label)}` to "
        f"`{markdown_cell(change.new_label)}`",
        "",
    ]
    if not change:
        lines.append("No differences.")
        return "\n".join(lines)
    rows: list[tuple[object, ...]]
    if change.model:
        rows = [(f.path, shown_value(f.old), shown_value(f.new)) for f in change.model]
        lines += ["**Model**", "", markdown_table(("field", "old", "new"), rows), ""]
    if change.entities:
        rows = [(e.status, e.kind, e.id, _changes_cell(e.fields)) for e in change.entities]
        lines += ["**Entities**", "", markdown_table(("change", "kind", "id", "fields"), rows), ""]
    if change.handoffs:
        rows = [
            (h.status, h.giver, h.receiver, h.handoff.item, _changes_cell(h.fields))
            for h in change.handoffs
        ]
        header: tuple[str, ...] = ("change", "from", "to", "item", "fields")
        lines += ["**Hand-offs**", "", markdown_table(header, rows), ""]
    if change.touchpoints:
        rows = [
            (
                t.touchpoint,
                _moved_cell(t.entered, t.left),
                _moved_cell(t.critical_entered, t.critical_left),
                "; ".join(
                    f"{s.fail_point} ({s.role} -> {s.receiver}): "
                    f"{_score_cell(s.old)} -> {_score_cell(s.new)}"
                    for s in t.suspects
                ),
            )
            for t in change.touchpoints
        ]
        header = ("touchpoint", "upstream", "critical", "suspects whose score changed")
        lines += ["**Touchpoints**", "", markdown_table(header, rows), ""]
    else:
        lines += ["No touchpoint's upstream, critical set or suspects changed.", ""]
    if change.new_findings or change.resolved_findings:
        rows = [
            (status, f.severity, f.rule, f.subject, f.message)
            for status, found in (
                ("new", change.new_findings),
                ("resolved", change.resolved_findings),
            )
            for f in found
        ]
        header = ("finding", "severity", "rule", "subject", "why it matters")
        lines += ["**Audit findings**", "", markdown_table(header, rows)]
    else:
        lines.append("No new audit findings, none resolved.")
    return "\n".join(lines).rstrip("\n")


# --- evidence -------------------------------------------------------------------------------


def attribution_markdown(found: Attribution) -> str:
    """Complaints attributed to upstream work: the training-gap table, then the details.

    Examples
    --------
    >>> import servicekit
    >>> found = servicekit.load_example().attribute(
    ...     [{"touchpoint": "pickup", "category": "lost-item", "count": "3"}])
    >>> print(attribution_markdown(found).splitlines()[4])
    | 2 | organizer | person | finishing | none | **yes** |
    """
    lines = [
        f"**Complaints: {found.complaints:,}**, in {plural(len(found.groups), 'group')}; "
        f"unexplained: {found.unexplained:,}.",
        "",
    ]
    lines.append(
        markdown_table(
            ("complaints", "role", "kind", "department", "programmes", "training gap"),
            [
                (
                    complaint_count(r.complaints),
                    r.role,
                    r.kind,
                    r.department or "-",
                    ", ".join(r.programs) or "none",
                    Markdown("**yes**") if r.gap else "no",
                )
                for r in found.by_role
            ],
            align="rlllll",
        )
    )
    lines += ["", "**By fail point**", ""]
    lines.append(
        markdown_table(
            ("complaints", "fail point", "made by"),
            [(complaint_count(f.complaints), f.fail_point, f.role) for f in found.by_fail_point],
            align="rll",
        )
    )
    lines += ["", "**Groups**", ""]
    lines.append(
        markdown_table(
            ("count", "touchpoint", "category", "customer", "assigned to"),
            [
                (g.count, g.touchpoint, g.category, g.customer or "-", assigned_to(g))
                for g in found.groups
            ],
            align="rllll",
        )
    )
    return "\n".join(lines) + "\n"


def conformance_markdown(found: Conformance) -> str:
    """A hand-off log against the design: fitness, then every hand-off with its status."""
    fitness = "none" if found.fitness is None else f"{found.fitness:.3g}"
    lines = [
        f"**Hand-off log: {plural(found.cases, 'case')}, {plural(found.events, 'event')}**; "
        f"fitness {fitness}; rework {plural(found.rework.count, 'hand-off')} in "
        f"{plural(found.rework.cases, 'case')}.",
        "",
    ]
    _, rows = conformance_table(found, "handoffs")
    lines.append(
        markdown_table(
            ("status", "hand-off", "count", "cases", "share", "examples"),
            [
                (
                    Markdown("**undocumented**") if r["status"] == "undocumented" else r["status"],
                    f"{r['from']} -> {r['to']}",
                    r["count"],
                    r["cases"],
                    "-" if r["share"] is None else percent(r["share"]),
                    ", ".join(r["examples"]),
                )
                for r in rows
            ],
            align="llrrrl",
        )
    )
    if found.unknown_roles:
        lines += [
            "",
            "Roles the model does not have: "
            + ", ".join(f"{r.role} ({plural(r.events, 'event')})" for r in found.unknown_roles)
            + f"; {plural(found.left_out, 'hand-off')} left out.",
        ]
    return "\n".join(lines) + "\n"
