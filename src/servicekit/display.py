"""Rich display of models and answers: HTML and Markdown for notebooks and reports.

Each function takes a servicekit object and returns a plain string, so the same
text serves a Jupyter ``_repr_html_`` / ``_repr_markdown_``, a web page or an
email. Every value taken from a model is escaped: a name such as ``<b>`` shows
as written and never becomes markup.

=====================  =================================  =====================================
object                 HTML                               Markdown
=====================  =================================  =====================================
``ServiceModel``       :func:`model_html`                 :func:`model_markdown`
``ServiceChain``       :func:`chain_html` (hand-offs)     :func:`chain_markdown` (a diagram)
``Reaches``            :func:`reaches_html`               :func:`reaches_markdown`
suspects (``trace``)   :func:`suspects_html`              :func:`suspects_markdown`
``ScenarioGuide``      :func:`guide_html`                 :func:`guide_markdown`
``Coverage``           :func:`coverage_html`              :func:`coverage_markdown`
findings (``audit``)   :func:`findings_html`              :func:`findings_markdown`
=====================  =================================  =====================================

Examples
--------
>>> import servicekit
>>> model = servicekit.load_example()
>>> print(reaches_markdown(model.chain.upstream("pickup", depth=2)))
| distance | kind | id |
|---:|---|---|
| 1 | role | cashier |
| 2 | role | organizer |
>>> reaches_html(model.chain.upstream("pickup", depth=1)).startswith("<table")
True
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from servicekit.audit import Finding
    from servicekit.chain import Reach, ServiceChain, Suspect
    from servicekit.guide import ScenarioGuide
    from servicekit.mapping import Coverage
    from servicekit.model import ServiceModel

__all__ = [
    "chain_html",
    "chain_markdown",
    "coverage_html",
    "coverage_markdown",
    "findings_html",
    "findings_markdown",
    "guide_html",
    "guide_markdown",
    "model_html",
    "model_markdown",
    "reaches_html",
    "reaches_markdown",
    "suspects_html",
    "suspects_markdown",
]

#: Colours of the severity badges in HTML findings.
_SEVERITY_COLOURS = {"error": "#b91c1c", "warning": "#b45309", "info": "#1d4ed8"}
#: Letters of the coverage matrix, as in ``servicekit coverage``.
_SOURCE_MARKS = {"explicit": "E", "role": "R", "department": "D", "everyone": "*"}


def _e(value: object) -> str:
    """HTML-escaped text of ``value``."""
    return html.escape(str(value), quote=True)


def _cell(value: object) -> str:
    """Text safe in a Markdown table cell: no pipes, no line breaks."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _html_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, caption: str | None = None
) -> str:
    parts = ['<table class="servicekit">']
    if caption:
        parts.append(f"<caption>{_e(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr></thead>")
    parts.append("<tbody>")
    parts.extend("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    parts.append("</tbody></table>")
    return "".join(parts)


def _markdown_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, align: str | None = None
) -> str:
    """A Markdown table; ``align`` has one letter per column, ``r`` for right-aligned."""
    align = align or "l" * len(header)
    lines = [
        "| " + " | ".join(_cell(h) for h in header) + " |",
        "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|",
    ]
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def _titled_markdown(title: str | None, body: str) -> str:
    return f"**{_cell(title)}**\n\n{body}" if title else body


# --- the model ------------------------------------------------------------------------------


def model_html(model: ServiceModel) -> str:
    """The model at a glance: its name, description and what it holds.

    Examples
    --------
    >>> import servicekit
    >>> text = model_html(servicekit.load_example())
    >>> text.startswith("<div class=\\"servicekit\\"><h3>Corner Dry Cleaner</h3>")
    True
    """
    front = sorted(model.front_line)
    back = [r for r in model.roles if r not in model.front_line]
    parts = ['<div class="servicekit">', f"<h3>{_e(model.name or 'Service model')}</h3>"]
    if model.description:
        parts.append(f"<p>{_e(model.description)}</p>")
    parts.append(_html_table(("section", "entities"), list(model.counts().items())))
    parts.append(
        f"<p>Front line: {_e(', '.join(front) or 'none')}. "
        f"Behind the line of visibility: {_e(', '.join(back) or 'none')}.</p>"
    )
    parts.append("</div>")
    return "".join(parts)


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
    lines = [f"### {_cell(model.name or 'Service model')}", ""]
    if model.description:
        lines += [model.description, ""]
    lines.append(_markdown_table(("section", "entities"), list(model.counts().items()), align="lr"))
    lines += [
        "",
        f"Front line: {', '.join(front) or 'none'}. "
        f"Behind the line of visibility: {', '.join(back) or 'none'}.",
    ]
    return "\n".join(lines)


# --- the chain ------------------------------------------------------------------------------


def _handoff_rows(chain: ServiceChain) -> list[tuple[str, str, str, str]]:
    rows = []
    for role in chain.model.roles.values():
        for handoff in role.serves:
            fail_points = ", ".join(f"{fp.id} ({fp.rate:g})" for fp in handoff.fail_points)
            rows.append((handoff.source, handoff.target, handoff.item, fail_points))
    return rows


def chain_html(chain: ServiceChain) -> str:
    """The chain's hand-offs as an HTML table: who hands what to whom, and its fail points.

    Examples
    --------
    >>> import servicekit
    >>> "<td>spotter</td><td>cleaner</td>" in chain_html(servicekit.load_example().chain)
    True
    """
    return _html_table(
        ("from", "to", "item", "fail points (rate)"),
        _handoff_rows(chain),
        caption=f"Hand-offs of {chain.model.name or 'the service chain'}",
    )


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
    return _markdown_table(("from", "to", "item", "fail points (rate)"), _handoff_rows(chain))


# --- query answers --------------------------------------------------------------------------


def _reach_rows(reaches: Iterable[Reach]) -> list[tuple[int, str, str]]:
    return [(r.distance, r.kind, r.id) for r in reaches]


def reaches_html(reaches: Iterable[Reach], *, title: str | None = None) -> str:
    """An ``upstream`` / ``downstream`` answer as an HTML table, nearest first."""
    return _html_table(("distance", "kind", "id"), _reach_rows(reaches), caption=title)


def reaches_markdown(reaches: Iterable[Reach], *, title: str | None = None) -> str:
    """An ``upstream`` / ``downstream`` answer as a Markdown table, nearest first."""
    table = _markdown_table(("distance", "kind", "id"), _reach_rows(reaches), align="rll")
    return _titled_markdown(title, table)


def _suspect_rows(suspects: Iterable[Suspect]) -> list[tuple[str, str, str, str, int]]:
    return [
        (f"{s.score:.4f}", s.category, s.fail_point, f"{s.role} -> {s.receiver}", s.distance)
        for s in suspects
    ]


_SUSPECT_HEADER = ("score", "category", "fail point", "hand-off", "distance")


def suspects_html(suspects: Iterable[Suspect], *, title: str | None = None) -> str:
    """``trace`` suspects as an HTML table, most likely first.

    Examples
    --------
    >>> import servicekit
    >>> text = suspects_html(servicekit.load_example().chain.trace("pickup", "stain"))
    >>> "<td>0.0200</td><td>stain</td><td>missed-stain</td>" in text
    True
    """
    return _html_table(_SUSPECT_HEADER, _suspect_rows(suspects), caption=title)


def suspects_markdown(suspects: Iterable[Suspect], *, title: str | None = None) -> str:
    """``trace`` suspects as a Markdown table, most likely first."""
    table = _markdown_table(_SUSPECT_HEADER, _suspect_rows(suspects), align="rlllr")
    return _titled_markdown(title, table)


# --- culture --------------------------------------------------------------------------------


def guide_markdown(guide: ScenarioGuide) -> str:
    """A scenario's education card, in Markdown (the guide's own rendering)."""
    return guide.to_markdown()


def guide_html(guide: ScenarioGuide) -> str:
    """A scenario's education card as HTML: customer, scripts, principles, upstream.

    Examples
    --------
    >>> import servicekit
    >>> text = guide_html(servicekit.load_example().guide("missing-button"))
    >>> "novel" in text
    True
    """
    scenario, customer = guide.scenario, guide.customer
    parts = ['<div class="servicekit">', f"<h3>{_e(scenario.label)}</h3>"]
    parts.append(
        f"<p>At {_e(guide.touchpoint.label)}; on duty: {_e(guide.role.label)}."
        + (f" {_e(scenario.situation)}" if scenario.situation else "")
        + "</p>"
    )
    if customer is not None:
        traits = [
            f"<li>{label}: {_e('; '.join(values))}</li>"
            for label, values in (
                ("needs", customer.needs),
                ("wants", customer.wants),
                ("values", customer.values),
            )
            if values
        ]
        parts.append(f"<h4>Customer: {_e(customer.label)}</h4><ul>{''.join(traits)}</ul>")
    parts.append("<h4>Scripts (training)</h4>")
    if guide.scripts:
        items = (f"<li><b>{_e(s.label)}</b>: {_e('; '.join(s.steps))}</li>" for s in guide.scripts)
        parts.append(f"<ul>{''.join(items)}</ul>")
    else:
        parts.append("<p><em>No script covers this: it is novel, so principles guide.</em></p>")
    parts.append("<h4>Principles (education)</h4><ul>")
    for principle in guide.principles:
        questions = "".join(f"<li>{_e(q)}</li>" for q in principle.questions)
        parts.append(
            f"<li><b>{_e(principle.label)}</b>"
            + (f": {_e(principle.statement)}" if principle.statement else "")
            + (f"<ul>{questions}</ul>" if questions else "")
            + "</li>"
        )
    parts.append("</ul>")
    if guide.upstream:
        parts.append(f"<p>Upstream roles to involve: {_e(', '.join(guide.upstream))}.</p>")
    if guide.suspects:
        parts.append(suspects_html(guide.suspects, title="Most likely causes upstream"))
    parts.append("</div>")
    return "".join(parts)


def _coverage_rows(coverage: Coverage, marks: bool) -> list[list[str]]:
    rows = []
    for role in coverage.roles:
        cells = [coverage.cell(role, p) or "" for p in coverage.principles]
        rows.append([role, *(_SOURCE_MARKS.get(c, c) if marks else c for c in cells)])
    return rows


def coverage_html(coverage: Coverage) -> str:
    """The role x principle matrix as an HTML table; each cell says why a principle applies.

    Examples
    --------
    >>> import servicekit
    >>> "<td>tagger</td><td>everyone</td><td>department</td>" in coverage_html(
    ...     servicekit.load_example().coverage())
    True
    """
    return _html_table(
        ("role", *coverage.principles),
        _coverage_rows(coverage, marks=False),
        caption="Which principles apply to which roles, and why",
    )


def coverage_markdown(coverage: Coverage) -> str:
    """The role x principle matrix in Markdown (the coverage's own rendering)."""
    return coverage.to_markdown()


def _finding_rows(findings: Iterable[Finding]) -> list[tuple[str, str, str, str]]:
    return [(f.severity, f.rule, f.subject, f.message) for f in findings]


def findings_html(findings: Iterable[Finding]) -> str:
    """Audit findings as HTML: a coloured severity, the rule, the subject and why it matters.

    Examples
    --------
    >>> import servicekit
    >>> findings_html(()).endswith("No findings.</p>")
    True
    """
    rows = list(findings)
    if not rows:
        return '<p class="servicekit">No findings.</p>'
    parts = ['<table class="servicekit"><thead><tr>']
    parts.extend(f"<th>{h}</th>" for h in ("severity", "rule", "subject", "why it matters"))
    parts.append("</tr></thead><tbody>")
    for f in rows:
        colour = _SEVERITY_COLOURS.get(f.severity, "inherit")
        parts.append(
            f'<tr><td style="color:{colour};font-weight:bold">{_e(f.severity)}</td>'
            f"<td>{_e(f.rule)}</td><td>{_e(f.subject)}</td>"
            f"<td>{_e(f.message)}<br/><em>{_e(f.hint)}</em></td></tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def findings_markdown(findings: Iterable[Finding]) -> str:
    """Audit findings as a Markdown table, or a sentence when there are none.

    Examples
    --------
    >>> import servicekit
    >>> print(findings_markdown(servicekit.load_example().audit()).splitlines()[2][:46])
    | error | unaligned-metric | garments-per-hour
    """
    rows = _finding_rows(findings)
    if not rows:
        return "No findings."
    return _markdown_table(("severity", "rule", "subject", "why it matters"), rows)
