"""HTML for notebooks and web pages: every object's ``_repr_html_``.

Every value taken from a model is escaped: a name such as ``<b>`` shows as
written and never becomes markup.

Examples
--------
>>> import servicekit
>>> reaches_html(servicekit.load_example().chain.upstream("pickup", depth=1)).startswith("<table")
True
"""

from __future__ import annotations

from collections.abc import Iterable

from servicekit.chain.results import Critical, Reach, Selection, Suspect
from servicekit.chain.service_chain import ServiceChain
from servicekit.culture.audit import Finding
from servicekit.culture.guide import ScenarioGuide
from servicekit.culture.mapping import Coverage
from servicekit.model.data import entity_data
from servicekit.model.entities import Entity
from servicekit.model.service_model import ServiceModel
from servicekit.render.rows import (
    caption,
    coverage_rows,
    critical_rows,
    handoff_rows,
    reach_rows,
    suspect_rows,
)
from servicekit.render.tables import escape_html as _e
from servicekit.render.tables import html_table

__all__ = [
    "chain_html",
    "coverage_html",
    "critical_html",
    "entity_html",
    "findings_html",
    "guide_html",
    "model_html",
    "reaches_html",
    "selection_html",
    "suspects_html",
]

#: Colours of the severity badges in HTML findings.
_SEVERITY_COLOURS = {"error": "#b91c1c", "warning": "#b45309", "info": "#1d4ed8"}


def _compact(value: object) -> str:
    """A field's YAML data on one line: lists joined by commas, mappings as ``key: value``."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_compact(v)}" for k, v in value.items())
    if isinstance(value, list):
        if any(isinstance(v, dict) for v in value):
            return " | ".join(f"{{{_compact(v)}}}" for v in value)
        return ", ".join(_compact(v) for v in value)
    return str(value)


def entity_html(entity: Entity) -> str:
    """An entity as a compact HTML table of the fields it sets, as its YAML says them.

    Examples
    --------
    >>> import servicekit
    >>> text = entity_html(servicekit.load_example().roles["spotter"])
    >>> text.startswith('<table class="servicekit"><caption>role spotter</caption>')
    True
    >>> "<th>department</th><td>cleaning</td>" in text
    True
    """
    rows = [(key, _compact(value)) for key, value in entity_data(entity).items() if key != "id"]
    subject = getattr(entity, "id", None)
    title = f"{entity.entity_kind} {subject}" if subject else entity.entity_kind
    parts = ['<table class="servicekit">', f"<caption>{_e(title)}</caption><tbody>"]
    parts.extend(f"<tr><th>{_e(key)}</th><td>{_e(value)}</td></tr>" for key, value in rows)
    parts.append("</tbody></table>")
    return "".join(parts)


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
    parts.append(html_table(("section", "entities"), list(model.counts().items())))
    parts.append(
        f"<p>Front line: {_e(', '.join(front) or 'none')}. "
        f"Behind the line of visibility: {_e(', '.join(back) or 'none')}.</p>"
    )
    parts.append("</div>")
    return "".join(parts)


def chain_html(chain: ServiceChain) -> str:
    """The chain's hand-offs as an HTML table: who hands what to whom, and its fail points.

    Examples
    --------
    >>> import servicekit
    >>> "<td>spotter</td><td>cleaner</td>" in chain_html(servicekit.load_example().chain)
    True
    """
    header, rows = handoff_rows(chain)
    return html_table(
        header, rows, caption=f"Hand-offs of {chain.model.name or 'the service chain'}"
    )


def reaches_html(reaches: Iterable[Reach], *, title: str | None = None) -> str:
    """An ``upstream`` / ``downstream`` answer as an HTML table, nearest first, captioned
    ``title`` (by default the question a ``Reaches`` answers)."""
    header, rows = reach_rows(reaches)
    return html_table(header, rows, caption=title or caption(reaches))


def selection_html(selection: Selection) -> str:
    """A ``select`` answer as an HTML table of ids and kinds, captioned by its selectors."""
    header, rows = ("kind", "id"), [(selection.kind(n), n) for n in selection]
    what = selection.selector + (f" (excluding {selection.exclude})" if selection.exclude else "")
    return html_table(header, rows, caption=f"Selected by {what}")


def critical_html(critical: Critical) -> str:
    """A ``critical`` answer as an HTML table, nearest first, then where work starts.

    Examples
    --------
    >>> import servicekit
    >>> text = critical_html(servicekit.load_example().chain.critical("cleaner"))
    >>> "<caption>Critical for cleaner</caption>" in text, "counter-clerk (feeds)" in text
    (True, True)
    """
    header, rows = critical_rows(critical)
    parts = ['<div class="servicekit">', html_table(header, rows, caption=caption(critical))]
    if critical.roots:
        starts = ", ".join(f"{_e(r.id)} ({_e(r.why)})" for r in critical.roots)
        parts.append(f"<p>Work reaching it starts at: {starts}.</p>")
    parts.append("</div>")
    return "".join(parts)


def suspects_html(suspects: Iterable[Suspect], *, title: str | None = None) -> str:
    """``trace`` suspects as an HTML table, most likely first.

    Examples
    --------
    >>> import servicekit
    >>> text = suspects_html(servicekit.load_example().chain.trace("pickup", "stain"))
    >>> "<td>0.0200</td><td>4%</td><td>50%</td><td>stain</td><td>missed-stain</td>" in text
    True
    """
    header, rows = suspect_rows(suspects)
    return html_table(header, rows, caption=title or caption(suspects))


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


def coverage_html(coverage: Coverage) -> str:
    """The role x principle matrix as an HTML table; each cell says why a principle applies.

    Examples
    --------
    >>> import servicekit
    >>> "<td>tagger</td><td>everyone</td><td>department</td>" in coverage_html(
    ...     servicekit.load_example().coverage())
    True
    """
    header, rows = coverage_rows(coverage)
    return html_table(header, rows, caption="Which principles apply to which roles, and why")


def findings_html(findings: Iterable[Finding]) -> str:
    """Audit findings as HTML: a coloured severity, the rule, the subject and why it matters.

    Examples
    --------
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
