"""What Jupyter shows for each object: IPython's own formatter asked as a notebook asks.

JupyterLab picks the richest MIME type it can render, preferring HTML to Markdown; the
chain offers no HTML so that its blueprint diagram (Markdown with a Mermaid fence, and
``text/vnd.mermaid``) is what shows.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from IPython.core.formatters import DisplayFormatter

from servicekit import ServiceModel
from servicekit.model.data import entity_data
from servicekit.render.markdown import DRAWN_NODES

FORMATTER = DisplayFormatter()


def shown(value: object) -> dict[str, Any]:
    """The MIME bundle a notebook gets for ``value``."""
    data, _ = FORMATTER.format(value)
    return data


def test_the_chain_shows_its_blueprint_not_a_table(example: ServiceModel) -> None:
    """Markdown with a mermaid fence and text/vnd.mermaid, and no HTML to outrank them."""
    data = shown(example.chain)
    assert "text/html" not in data
    assert data["text/vnd.mermaid"] == example.chain.to_mermaid()
    assert data["text/markdown"] == f"```mermaid\n{example.chain.to_mermaid()}```"
    assert data["text/plain"] == repr(example.chain)


def test_a_chain_too_large_to_draw_is_summarised() -> None:
    """Past DRAWN_NODES nodes: a sentence with the count and how to draw a part."""
    roles = [{"id": f"r{i}", "serves": [f"r{i + 1}"]} for i in range(DRAWN_NODES)]
    roles.append({"id": f"r{DRAWN_NODES}"})
    model = ServiceModel.from_dict({"servicekit": 1, "roles": roles})
    data = shown(model.chain)
    assert "text/vnd.mermaid" not in data
    assert "```mermaid" not in data["text/markdown"]
    assert f"{DRAWN_NODES + 1:,} nodes, too many to draw" in data["text/markdown"]
    assert "to_mermaid(focus=NODE, depth=2)" in data["text/markdown"]


def _entities(model: ServiceModel) -> list[Any]:
    return [
        *model.customers.values(),
        *model.roles.values(),
        *(h for r in model.roles.values() for h in r.serves),
        *model.touchpoints.values(),
        *model.principles.values(),
        *model.scripts.values(),
        *model.scenarios.values(),
        *model.metrics.values(),
        *model.programs.values(),
    ]


def test_every_entity_shows_a_compact_table(example: ServiceModel) -> None:
    """Each entity: an HTML table captioned by its kind and id, a row a field it sets."""
    for entity in _entities(example):
        html = shown(entity)["text/html"]
        caption = re.search(r"<caption>(.*?)</caption>", html)
        assert caption is not None
        assert caption.group(1).startswith(entity.entity_kind)
        if getattr(entity, "id", None):
            assert caption.group(1) == f"{entity.entity_kind} {entity.id}"
        keys = [k for k in entity_data(entity) if k != "id"]
        assert re.findall(r"<tr><th>(.*?)</th>", html) == keys


def test_entity_rows_are_the_fields_its_yaml_sets(example: ServiceModel) -> None:
    """A touchpoint's rows are the keys its YAML mapping holds, the id in the caption."""
    pickup = example.touchpoints["pickup"]
    html = shown(pickup)["text/html"]
    keys = re.findall(r"<th>(.*?)</th>", html)
    assert keys == [k for k in example.to_dict()["touchpoints"][1] if k != "id"]
    assert "<td>walk-in, bride</td>" in html


@pytest.mark.parametrize(
    ("name", "answer", "caption"),
    [
        ("upstream", lambda m: m.chain.upstream("pickup"), "Upstream of pickup"),
        ("downstream", lambda m: m.chain.downstream("spotter"), "Downstream of spotter"),
        (
            "trace",
            lambda m: m.chain.trace("pickup", "stain"),
            "Suspects for stain defects at pickup",
        ),
        ("critical", lambda m: m.chain.critical("cleaner"), "Critical for cleaner"),
        ("select", lambda m: m.chain.select("2+pickup"), "Selected by 2+pickup"),
        ("suspect", lambda m: m.chain.trace("pickup")[0], None),
        ("finding", lambda m: m.audit()[0], None),
        ("audit", lambda m: m.audit(), None),
        ("coverage", lambda m: m.coverage(), "Which principles apply"),
        ("guide", lambda m: m.guide("wedding-dress-stain"), None),
        ("model", lambda m: m, None),
    ],
)
def test_every_answer_has_html(
    example: ServiceModel, name: str, answer: Any, caption: str | None
) -> None:
    """Answers and their items show as HTML; a query's table names the question."""
    data = shown(answer(example))
    assert data["text/html"].startswith(("<table", "<div", "<p")), name
    if caption is not None:
        assert f"<caption>{caption}" in data["text/html"]


def test_a_suspect_and_a_finding_show_as_one_row(example: ServiceModel) -> None:
    """A single suspect or finding is a table of one row, with its hint for a finding."""
    suspect = example.chain.trace("pickup", "stain")[0]
    html = shown(suspect)["text/html"]
    assert html.count("<tr>") == 2  # the header and the suspect
    assert "<td>missed-stain</td>" in html
    finding = example.audit()[0]
    html = shown(finding)["text/html"]
    assert html.count("<tr>") == 2
    assert f"<em>{finding.hint}</em>" in html
