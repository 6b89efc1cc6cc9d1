"""Rendering diffs, selections and roll-ups: text for reviewers, JSON, Markdown, diagrams."""

from __future__ import annotations

import attrs
import pytest

import servicekit
from servicekit import FailPoint, Handoff, Metric, Role, ServiceModel
from servicekit.render.diagram import rollup_dot, rollup_mermaid
from servicekit.render.json import plain
from servicekit.render.text import shown_value


@pytest.fixture(scope="module")
def change() -> servicekit.ModelDiff:
    """The dry cleaner after a busy pull request: every section of a diff has something."""
    old = servicekit.load_example()
    roles = dict(old.roles)
    roles["presser"] = attrs.evolve(roles["presser"], catches={}, name="Finisher")
    handoff = roles["spotter"].serves[0]
    roles["spotter"] = attrs.evolve(
        roles["spotter"],
        serves=[
            attrs.evolve(handoff, fail_points=[attrs.evolve(handoff.fail_points[0], rate=0.05)])
        ],
    )
    roles["runner"] = Role(id="runner", serves=["cashier"])
    del roles["bookkeeper"]
    metrics = {**old.metrics, "bags": Metric(id="bags", owner="organizer", tied_to=["bonus"])}
    new = attrs.evolve(old, roles=roles, metrics=metrics, name="Dry Cleaner")
    return servicekit.diff(old, new)


def test_diff_text_reads_like_a_review_comment(change: servicekit.ModelDiff) -> None:
    """Each section in turn; field changes under their entity; findings with why and what."""
    assert change.to_text() == (
        "Changes from Corner Dry Cleaner to Dry Cleaner\n"
        "\n"
        "Model\n"
        '  name: "Corner Dry Cleaner" -> "Dry Cleaner"\n'
        "\n"
        "Entities (2 added, 1 removed, 1 changed)\n"
        "  + role runner\n"
        "  - role bookkeeper\n"
        "  ~ role presser\n"
        '      name: "Presser" -> "Finisher"\n'
        "      catches.stain: 0.5 -> (none)\n"
        "  + metric bags\n"
        "\n"
        "Hand-offs (1 added, 1 removed, 1 changed)\n"
        "  ~ spotter -> cleaner: pre-treated garment\n"
        "      fail_points.missed-stain.rate: 0.04 -> 0.05\n"
        "  + runner -> cashier\n"
        "  - bookkeeper -> owner: monthly figures\n"
        "\n"
        "Touchpoints (1 changed)\n"
        "  pickup\n"
        "    upstream: + runner\n"
        "    critical: - organizer; - presser; - cleaner; - spotter; - tagger; - counter-clerk\n"
        "    suspects whose score changed:\n"
        "         old     new  fail point    hand-off            category\n"
        "      0.0200  0.0500  missed-stain  spotter -> cleaner  stain\n"
        "\n"
        "Audit (1 new finding, 1 resolved)\n"
        "  new  ERROR  bags  (unaligned-metric)\n"
        '    Why it matters: The metric "bags" decides bonus for the Organizer but is linked to\n'
        "      no touchpoint or customer, so it rewards work that customers may not value and\n"
        "      pushes people to look after their own numbers instead of the customer.\n"
        "    What to do: Link the metric to the touchpoints or customers it should serve (its\n"
        "      serves list), or stop tying it to bonus until it measures something customers\n"
        "      value.\n"
        "  resolved  WARNING  bookkeeper  (no-line-of-sight)\n"
        "\n"
        "In all: 4 entities, 3 hand-offs, 1 touchpoint changed; 1 new finding, 1 resolved.\n"
    )


def test_diff_markdown_has_a_table_a_section(change: servicekit.ModelDiff) -> None:
    """Model, entities, hand-offs, touchpoints and findings, each a table."""
    text = change.to_markdown()
    assert text.splitlines()[0] == "### servicekit diff: `Corner Dry Cleaner` to `Dry Cleaner`"
    for heading in ("**Model**", "**Entities**", "**Hand-offs**", "**Touchpoints**"):
        assert heading in text
    assert (
        '| changed | role | presser | name: "Presser" -> "Finisher"; catches.stain: 0.5 -> (none) |'
        in text
    )
    assert (
        "| changed | spotter | cleaner | pre-treated garment | "
        "fail\\_points.missed-stain.rate: 0.04 -> 0.05 |" in text  # Markdown's _ escaped
    )
    assert (
        "| pickup | + runner | - organizer; - presser; - cleaner; - spotter; - tagger; "
        "- counter-clerk | missed-stain (spotter -> cleaner): 0.0200 -> 0.0500 |" in text
    )
    assert "| new | error | unaligned-metric | bags |" in text
    assert "| resolved | warning | no-line-of-sight | bookkeeper |" in text


def test_diff_markdown_without_consequences_says_so(example: ServiceModel) -> None:
    """A rename changes no touchpoint and no finding: both are said in words."""
    roles = {**example.roles, "owner": attrs.evolve(example.roles["owner"], name="Proprietor")}
    text = servicekit.diff(example, attrs.evolve(example, roles=roles)).to_markdown()
    assert text.endswith(
        "No touchpoint's upstream, critical set or suspects changed.\n\n"
        "No new audit findings, none resolved."
    )


def test_diff_json_of_every_section(change: servicekit.ModelDiff) -> None:
    """The JSON shape the CLI page documents, values as plain JSON data."""
    data = change.to_json()
    assert list(data) == ["old", "new", "model", "entities", "handoffs", "touchpoints", "findings"]
    assert data["model"] == [{"field": "name", "old": "Corner Dry Cleaner", "new": "Dry Cleaner"}]
    assert data["handoffs"][0] == {
        "from": "spotter",
        "to": "cleaner",
        "item": "pre-treated garment",
        "status": "changed",
        "fields": [{"field": "fail_points.missed-stain.rate", "old": 0.04, "new": 0.05}],
    }
    assert data["touchpoints"][0]["critical"]["left"][0] == "organizer"
    assert [f["subject"] for f in data["findings"]["resolved"]] == ["bookkeeper"]


@pytest.mark.parametrize(
    ("value", "text", "data"),
    [
        (None, "(none)", None),
        (True, "true", True),
        (False, "false", False),
        (3, "3", 3),
        (0.1 + 0.2, "0.3", 0.3),
        ("a b", '"a b"', "a b"),
        (("x", "y"), '["x", "y"]', ["x", "y"]),
        ({"stain": 0.5}, "{stain: 0.5}", {"stain": 0.5}),
        (FailPoint(id="f", rate=0.0), "{id: f, rate: 0}", {"id": "f", "rate": 0.0}),
        (Handoff(to="b", item="box"), "{to: b, item: box}", {"to": "b", "item": "box"}),
        (object, "<class 'object'>", "<class 'object'>"),
    ],
    ids=[
        "none",
        "true",
        "false",
        "int",
        "float",
        "text",
        "list",
        "mapping",
        "fail-point",
        "handoff",
        "other",
    ],
)
def test_values_are_shown_and_given_as_data(value: object, text: str, data: object) -> None:
    """A field value in text (quoted, inline) and as JSON data (rounded, by YAML keys)."""
    assert shown_value(value) == text
    assert plain(value) == data


def test_rollup_diagrams_draw_roles_without_department() -> None:
    """A role with no department is a grey box of its own in both formats."""
    model = ServiceModel(
        name="Kiosk",
        roles=[
            Role(
                id="owner",
                serves=[Handoff(to="clerk", fail_points=[FailPoint(id="late", rate=0.1)])],
            ),
            Role(id="clerk", department="front", serves=["helper"]),
            Role(id="helper", department="front"),
        ],
    )
    graph = model.chain.rollup()
    mermaid = rollup_mermaid(graph, model.name)
    assert mermaid.splitlines() == [
        "---",
        "title: Kiosk, by department",
        "---",
        "flowchart LR",
        "    accTitle: The departments of Kiosk and the hand-offs between them",
        '    d_front["front<br/>2 roles: clerk and helper"]',
        '    d_owner["owner<br/>no department"]',
        '    d_front -->|"1 hand-off"| d_front',
        '    d_owner ==>|"1 hand-off<br/>fail point: late (10%)"| d_front',
        "    classDef department fill:#e0f2fe,stroke:#0369a1,color:#1f2937",
        "    classDef role fill:#f3f4f6,stroke:#4b5563,color:#1f2937",
        "    class d_front department",
        "    class d_owner role",
        "    linkStyle 1 stroke:#b91c1c,stroke-width:3px,color:#b91c1c",
    ]
    dot = rollup_dot(graph)
    assert '"owner" [label="owner\\nno department", fillcolor="#f3f4f6"];' in dot
    assert dot.splitlines()[0] == 'digraph "Service chain, by department" {'
    assert '"owner" -> "front" [label="1 hand-off\\nfail point: late (10%)", color="#b91c1c"' in dot


def test_rollup_mermaid_ids_never_collide() -> None:
    """Departments whose names clean up to the same Mermaid id get numbered ones."""
    model = ServiceModel(
        roles=[
            Role(id="a", department="front desk", serves=["b"]),
            Role(id="b", department="front-desk"),
        ]
    )
    text = rollup_mermaid(model.chain.rollup())
    assert '    d_front_desk["front desk<br/>1 role: a"]' in text
    assert '    d_front_desk_2["front-desk<br/>1 role: b"]' in text
    assert '    d_front_desk -->|"1 hand-off"| d_front_desk_2' in text
