"""Tests for servicekit.display: HTML and Markdown renderings for notebooks and reports."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import servicekit
from servicekit import (
    Customer,
    FailPoint,
    Handoff,
    Principle,
    Role,
    Scenario,
    ServiceModel,
    Touchpoint,
)
from servicekit.render import html as d
from servicekit.render import markdown as dm
from servicekit.render.rows import coverage_rows
from servicekit.render.tables import markdown_cell
from servicekit.render.text import SOURCE_SYMBOLS


class _Balanced(HTMLParser):
    """Checks that every opened element is closed, in order."""

    VOID = frozenset({"br"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()


def _balanced(text: str) -> bool:
    parser = _Balanced()
    parser.feed(text)
    parser.close()
    return not parser.stack


def _tricky() -> ServiceModel:
    """A model whose names contain markup and pipes, with a scenario nothing covers."""
    return ServiceModel(
        name="<script>alert(1)</script>",
        customers=[Customer(id="guest", name="A | B")],
        roles=[
            Role(
                id="cook",
                name="<b>Cook</b>",
                serves=[
                    Handoff(
                        to="clerk",
                        item="soup & bread",
                        fail_points=[FailPoint(id="cold", category="temperature", rate=0.1)],
                    )
                ],
            ),
            Role(id="clerk"),
        ],
        touchpoints=[Touchpoint(id="counter", role="clerk", customers=["guest"])],
        principles=[Principle(id="bare")],
        scenarios=[Scenario(id="odd", touchpoint="counter", tags=["unheard-of"])],
    )


def test_every_public_function_is_listed() -> None:
    """__all__ names exactly the public functions, sorted."""
    public = sorted(n for n in vars(d) if not n.startswith("_") and callable(getattr(d, n)))
    public = [n for n in public if getattr(d, n).__module__ == d.__name__]
    assert d.__all__ == sorted(d.__all__)
    assert sorted(d.__all__) == public


@pytest.mark.parametrize(
    "render",
    [
        lambda m: d.model_html(m),
        lambda m: d.chain_html(m.chain),
        lambda m: d.reaches_html(m.chain.upstream("counter"), title="<up>"),
        lambda m: d.suspects_html(m.chain.trace("counter"), title="<why>"),
        lambda m: d.guide_html(m.guide("odd")),
        lambda m: d.coverage_html(m.coverage()),
        lambda m: d.findings_html(m.audit()),
    ],
    ids=["model", "chain", "reaches", "suspects", "guide", "coverage", "findings"],
)
def test_html_is_balanced_and_escapes_model_text(render: object) -> None:
    """HTML renderings are well nested and never pass a model's text through as markup."""
    text = render(_tricky())  # type: ignore[operator]
    assert _balanced(text)
    assert "<script>" not in text
    assert "<b>Cook</b>" not in text
    assert "<up>" not in text
    assert "<why>" not in text


def test_model_html_and_markdown_summarise_the_model(example: ServiceModel) -> None:
    """The model summary has its name, description, counts and its two sides of the line."""
    html = d.model_html(example)
    assert "<h3>Corner Dry Cleaner</h3>" in html
    assert f"<p>{example.description}</p>" in html
    assert "<td>roles</td><td>" in html
    assert "Front line: cashier, counter-clerk." in html
    md = dm.model_markdown(example)
    assert md.startswith("### Corner Dry Cleaner\n\n" + example.description)
    assert f"| roles | {len(example.roles)} |" in md
    assert "|---|---:|" in md


def test_an_empty_model_still_displays() -> None:
    """A model with no name, description or roles gets placeholders, not blanks."""
    empty = ServiceModel()
    assert "<h3>Service model</h3>" in d.model_html(empty)
    assert "<p>Front line: none. Behind the line of visibility: none.</p>" in d.model_html(empty)
    assert dm.model_markdown(empty).startswith("### Service model\n\n| section")
    assert "Hand-offs of the service chain" in d.chain_html(empty.chain)


def test_chain_markdown_is_a_mermaid_block_or_a_table(example: ServiceModel) -> None:
    """chain_markdown wraps the blueprint in a mermaid fence, or lists the hand-offs."""
    block = dm.chain_markdown(example.chain)
    assert block == "```mermaid\n" + example.chain.to_mermaid() + "```"
    table = dm.chain_markdown(example.chain, diagram=False)
    assert "| spotter | cleaner | pre-treated garment | missed-stain (0.04) |" in table
    assert "| cleaner | presser |  |  |" in table


def test_reaches_tables_keep_the_query_order(example: ServiceModel) -> None:
    """Reaches show distance, kind and id in the order the query gave them."""
    reaches = example.chain.upstream("pickup")
    md = dm.reaches_markdown(reaches, title="Upstream of pickup")
    assert md.startswith("**Upstream of pickup**\n\n| distance | kind | id |\n|---:|---|---|")
    ids = re.findall(r"^\| \d+ \| \w+ \| ([\w-]+) \|$", md, flags=re.M)
    assert ids == list(reaches.ids)
    html = d.reaches_html(reaches, title="Before the counter")
    assert "<caption>Before the counter</caption>" in html
    assert "<caption>Upstream of pickup</caption>" in d.reaches_html(reaches)
    down = example.chain.downstream("spotter")
    assert "<caption>Downstream of spotter</caption>" in d.reaches_html(down)
    assert dm.reaches_markdown(down).startswith("**Downstream of spotter**\n\n| distance")
    assert "<caption>" not in d.reaches_html(list(reaches))


def test_suspects_tables(example: ServiceModel) -> None:
    """Suspects show score, rate, escape, category, fail point, the hand-off and the distance;
    an unrated suspect says so and a touchpoint's own fail point names where it is."""
    suspects = example.chain.trace("pickup", "stain")
    md = dm.suspects_markdown(suspects)
    assert md.splitlines()[0] == "**Suspects for stain defects at pickup**"
    assert md.splitlines()[3] == "|---:|---:|---:|---|---|---|---:|"
    assert md.splitlines()[4] == (
        "| 0.0200 | 4% | 50% | stain | missed-stain | spotter -> cleaner | 5 |"
    )
    assert dm.suspects_markdown((), title="At the till") == "**At the till**\n\nNo suspects."
    unrated = servicekit.ServiceModel(
        roles=[servicekit.Role(id="desk")],
        touchpoints=[
            servicekit.Touchpoint(
                id="t", role="desk", fail_points=[servicekit.FailPoint(id="typo", category="x")]
            )
        ],
    ).chain.trace("t")
    assert dm.suspects_markdown(unrated).splitlines()[4] == (
        "| unrated | unknown | 100% | x | typo | at t (desk) | 0 |"
    )


def test_markdown_cells_escape_pipes_and_newlines() -> None:
    """A pipe or a line break in a value cannot break a Markdown table."""
    model = _tricky()
    md = dm.model_markdown(attrs_evolve_description(model, "two\nlines | here"))
    assert "two lines \\| here" in md  # prose, on its line, its markup escaped
    table = dm.chain_markdown(model.chain, diagram=False)
    assert "| cook | clerk | soup & bread | cold (0.1) |" in table
    assert markdown_cell("a | b\nc") == "a \\| b c"


def attrs_evolve_description(model: ServiceModel, description: str) -> ServiceModel:
    """The model with another description."""
    import attrs

    return attrs.evolve(model, description=description)


def test_guide_html_for_a_scripted_scenario(example: ServiceModel) -> None:
    """A scripted scenario shows its customer, scripts, principles, upstream and suspects."""
    html = d.guide_html(example.guide("wedding-dress-stain"))
    assert "<h3>A stain on a dress needed tomorrow</h3>" in html
    assert "<h4>Customer: Customer with an occasion</h4>" in html
    assert "<li>values: being taken seriously; certainty</li>" in html
    assert "<b>Stain complaint at pickup</b>: apologise;" in html
    assert "<li>What would make this a good day for them?</li>" in html
    assert "Upstream roles to involve: organizer, presser" in html
    assert "<caption>Most likely causes upstream</caption>" in html
    assert "novel" not in html


def test_guide_html_for_a_novel_scenario_without_customer() -> None:
    """A scenario nobody scripted says so; a bare principle and no customer still render."""
    html = d.guide_html(_tricky().guide("odd"))
    assert "No script covers this: it is novel" in html
    assert "<h4>Customer" not in html
    assert "<li><b>bare</b></li>" in html
    assert "Upstream roles to involve: cook." in html
    assert "Most likely causes" not in html


def test_guide_html_with_no_principle_at_all() -> None:
    """A guide with no principle to offer has an empty principles list, still well formed."""
    model = ServiceModel(
        roles=[Role(id="clerk")],
        touchpoints=[Touchpoint(id="counter", role="clerk")],
        scenarios=[Scenario(id="odd", touchpoint="counter")],
    )
    html = d.guide_html(model.guide("odd"))
    assert "<h4>Principles (education)</h4><ul></ul>" in html
    assert "Upstream roles" not in html
    assert _balanced(html)


def test_guide_markdown_is_the_guides_own(example: ServiceModel) -> None:
    """guide_markdown gives the guide's own Markdown."""
    card = example.guide("missing-button")
    assert dm.guide_markdown(card) == card.to_markdown()


def test_coverage_html_names_the_source_of_each_cell(example: ServiceModel) -> None:
    """Each coverage cell says why the principle applies, blank where it does not."""
    coverage = example.coverage()
    html = d.coverage_html(coverage)
    header = "".join(f"<th>{p}</th>" for p in ("role", *coverage.principles))
    assert f"<thead><tr>{header}</tr></thead>" in html
    assert "<tr><td>cashier</td><td>everyone</td><td></td><td>department</td></tr>" in html
    assert dm.coverage_markdown(coverage) == coverage.to_markdown()


def test_coverage_rows_can_use_the_cli_letters(example: ServiceModel) -> None:
    """The matrix rows can carry the CLI's one-letter marks."""
    _, rows = coverage_rows(example.coverage(), SOURCE_SYMBOLS)
    assert ("tagger", "*", "D", "") in rows


def test_findings_html_colours_severities(example: ServiceModel) -> None:
    """Each finding shows its severity in colour, the rule, subject, message and hint."""
    findings = example.audit()
    html = d.findings_html(findings)
    assert '<td style="color:#b91c1c;font-weight:bold">error</td>' in html
    assert '<td style="color:#b45309;font-weight:bold">warning</td>' in html
    assert html.count("<tr>") == len(findings) + 1
    assert f"<em>{findings[0].hint}</em>" in html


def test_findings_markdown(example: ServiceModel) -> None:
    """Findings are a table, one row each; none at all is a sentence."""
    findings = example.audit()
    md = dm.findings_markdown(findings)
    assert len(md.splitlines()) == len(findings) + 2
    assert dm.findings_markdown(()) == "No findings."
    assert d.findings_html(()) == '<p class="servicekit">No findings.</p>'


def test_works_on_every_example_model() -> None:
    """Every renderer runs on every model under examples/."""
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml")):
        model = servicekit.load(path)
        touchpoint = next(iter(model.touchpoints))
        for text in (
            d.model_html(model),
            dm.model_markdown(model),
            d.chain_html(model.chain),
            dm.chain_markdown(model.chain),
            d.suspects_html(model.chain.trace(touchpoint)),
            d.coverage_html(model.coverage()),
            dm.findings_markdown(model.audit()),
            *(d.guide_html(model.guide(s)) for s in model.scenarios),
        ):
            assert text
