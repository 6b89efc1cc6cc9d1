"""Text from a model cannot act on a terminal or a document: every format quotes it.

A model's names, ids and prose are its author's; they may hold terminal escape sequences
(ESC, OSC), line breaks, bidirectional overrides, HTML, Markdown, Mermaid, DOT or YAML
syntax, or spreadsheet formulas. Each output format is given such a model and checked
with a reader of that format.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
from typing import Any

import pytest
import yaml

import servicekit
from servicekit import ServiceModel
from servicekit.cli.main import main
from servicekit.render import csv as render_csv
from servicekit.render import diagram, markdown
from servicekit.render import html as render_html

#: Hostile texts, each also the start of an id.
HOSTILE = {
    "osc-title": "Cashier\x1b]0;owned\x07",
    "clear-screen": "Presser\x1b[2J\x1b[H",
    "line-break": "Two\nLines\rand\u2028more",
    "bidi": "Spotter\u202eTXET",
    "html": "<script>alert(1)</script>",
    "markdown": "**bold** [x](javascript:alert(1)) `code` | pipe",
    "yaml": "Joe's Cleaners: Main Street # 1",
    "formula": '=HYPERLINK("http://x")',
    "dot": 'say "hi" \\ back',
    "mermaid": 'end"] --> x["y',
}
#: Raw characters no text output may hold, whatever the model says.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def hostile_model() -> ServiceModel:
    """A model whose every name, id and text is one of the hostile texts."""
    texts = list(HOSTILE.values())
    roles = [f"r{n} {text}" for n, text in enumerate(texts)]
    role_entities = [
        servicekit.Role(
            id=role,
            name=texts[n],
            department=texts[(n + 1) % len(texts)],
            serves=[
                servicekit.Handoff(
                    to=roles[(n + 1) % len(roles)],
                    item=texts[(n + 2) % len(texts)],
                    fail_points=[
                        servicekit.FailPoint(
                            id=f"f{n} {texts[n]}", category=texts[(n + 3) % len(texts)], rate=0.1
                        )
                    ],
                )
            ],
        )
        for n, role in enumerate(roles)
    ]
    return ServiceModel(
        name=HOSTILE["yaml"] + " " + HOSTILE["osc-title"],
        description=HOSTILE["markdown"] + "\n# heading",
        customers=[servicekit.Customer(id=f"c {HOSTILE['html']}", name=HOSTILE["bidi"])],
        roles=role_entities,
        touchpoints=[
            servicekit.Touchpoint(
                id=f"t {HOSTILE['line-break']}",
                name=HOSTILE["clear-screen"],
                role=roles[0],
                customers=[f"c {HOSTILE['html']}"],
            )
        ],
        principles=[
            servicekit.Principle(
                id=HOSTILE["formula"],
                name=HOSTILE["dot"],
                statement=HOSTILE["osc-title"],
                questions=[HOSTILE["line-break"]],
            )
        ],
        scripts=[
            servicekit.Script(
                id=f"s {HOSTILE['markdown']}",
                role=roles[0],
                situations=[HOSTILE["mermaid"]],
                steps=[HOSTILE["clear-screen"]],
            )
        ],
        scenarios=[
            servicekit.Scenario(
                id=f"sc {HOSTILE['osc-title']}",
                title=HOSTILE["line-break"],
                touchpoint=f"t {HOSTILE['line-break']}",
                customer=f"c {HOSTILE['html']}",
                situation=HOSTILE["bidi"],
                tags=[HOSTILE["mermaid"], texts[3]],
            )
        ],
        metrics=[servicekit.Metric(id=f"m {HOSTILE['dot']}", owner=roles[1], tied_to=["pay"])],
    )


@pytest.fixture(scope="module")
def model() -> ServiceModel:
    """The hostile model."""
    return hostile_model()


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory, model: ServiceModel) -> str:
    """The hostile model saved to a file (it loads back equal)."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    servicekit.save(model, path)
    assert servicekit.load(path) == model
    return str(path)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What the command line prints for ``argv``."""
    main(list(argv))
    return capsys.readouterr().out


def text_commands(model: ServiceModel) -> dict[str, list[str]]:
    """Every text-answering command, with arguments naming hostile entities."""
    touchpoint = next(iter(model.touchpoints))
    role = next(iter(model.roles))
    return {
        "validate": ["validate"],
        "report": ["report"],
        "upstream": ["upstream", "NODE"],
        "downstream": ["downstream", role],
        "critical": ["critical", touchpoint],
        "trace": ["trace", touchpoint],
        "coverage": ["coverage"],
        "guide": ["guide", next(iter(model.scenarios))],
        "audit": ["audit"],
    }


COMMANDS = ["validate", "report", "upstream", "downstream", "critical", "trace", "coverage"]


@pytest.mark.parametrize("command", [*COMMANDS, "guide", "audit"])
def test_text_output_holds_no_control_character(
    command: str, model: ServiceModel, model_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every text answer shows control characters escaped and keeps names on their line."""
    argv = text_commands(model)[command]
    argv = [
        argv[0],
        model_file,
        *[next(iter(model.touchpoints)) if a == "NODE" else a for a in argv[1:]],
    ]
    out = cli(capsys, *argv)
    assert out
    assert not RAW.search(out), repr(RAW.search(out))
    if command in ("report", "trace", "guide", "audit", "coverage"):
        assert "\\x1b" in out
    for line in out.splitlines():
        assert not line.startswith(("Lines", "and", "more")), line  # no broken-off name


def test_text_tables_keep_their_columns(
    model: ServiceModel, model_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A suspects table has one line per suspect, however their names are written."""
    out = cli(capsys, "trace", model_file, next(iter(model.touchpoints)))
    lines = out.strip().splitlines()
    assert len(lines) == 2 + len(model.chain.trace(next(iter(model.touchpoints))))


class _Tags(html.parser.HTMLParser):
    """The tags and the text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


HTML = {
    "model": lambda m: render_html.model_html(m),
    "chain": lambda m: render_html.chain_html(m.chain),
    "reaches": lambda m: render_html.reaches_html(m.chain.upstream(next(iter(m.touchpoints)))),
    "suspects": lambda m: render_html.suspects_html(m.chain.trace(next(iter(m.touchpoints)))),
    "guide": lambda m: render_html.guide_html(m.guide(next(iter(m.scenarios)))),
    "coverage": lambda m: render_html.coverage_html(m.coverage()),
    "findings": lambda m: render_html.findings_html(m.audit()),
}


@pytest.mark.parametrize("part", list(HTML), ids=list(HTML))
def test_html_never_carries_markup_from_the_model(part: str, model: ServiceModel) -> None:
    """No tag of the model's reaches the HTML; its text shows as written."""
    parser = _Tags()
    parser.feed(HTML[part](model))
    assert "script" not in parser.tags
    assert all(
        tag
        in {
            "table",
            "caption",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "div",
            "h3",
            "h4",
            "p",
            "ul",
            "li",
            "b",
            "em",
            "br",
        }
        for tag in parser.tags
    )


MARKDOWN = {
    "model": lambda m: markdown.model_markdown(m),
    "chain-table": lambda m: markdown.chain_markdown(m.chain, diagram=False),
    "reaches": lambda m: markdown.reaches_markdown(m.chain.upstream(next(iter(m.touchpoints)))),
    "suspects": lambda m: markdown.suspects_markdown(m.chain.trace(next(iter(m.touchpoints)))),
    "guide": lambda m: markdown.guide_markdown(m.guide(next(iter(m.scenarios)))),
    "coverage": lambda m: markdown.coverage_markdown(m.coverage()),
    "findings": lambda m: markdown.findings_markdown(m.audit()),
}


def unescaped(text: str, char: str) -> int:
    """How many times ``char`` appears in Markdown ``text`` without a backslash before it."""
    return len(re.findall(rf"(?<!\\){re.escape(char)}", text))


@pytest.mark.parametrize("part", list(MARKDOWN), ids=list(MARKDOWN))
def test_markdown_escapes_the_models_markup(part: str, model: ServiceModel) -> None:
    """No link, emphasis, code, HTML or heading from the model; tables keep their columns."""
    text = MARKDOWN[part](model)
    assert not RAW.search(text)
    assert "<script" not in text.replace("\\<script", "")
    assert "](javascript" not in text.replace("\\](javascript", "")
    assert "**bold**" not in text
    for line in text.splitlines():
        assert not line.startswith("# heading")
        if line.startswith("|"):
            header = next(row for row in text.splitlines() if row.startswith("|"))
            assert unescaped(line, "|") == unescaped(header, "|"), line


def test_mermaid_front_matter_and_labels_read_back(model: ServiceModel) -> None:
    """The Mermaid front matter is YAML that reads back the model's name; labels stay quoted."""
    text = diagram.to_mermaid(model.chain)
    front = text.split("---\n")[1]
    assert yaml.safe_load(front)["title"] == " ".join(
        model.name.replace("\x1b", "\\x1b").replace("\x07", "\\x07").split()
    )
    assert not RAW.search(text)
    for line in text.splitlines()[3:]:
        # Every quoted label closes on its line: an even number of double quotes.
        assert line.count('"') % 2 == 0, line
        assert "<script>" not in line


def test_mermaid_title_with_yaml_syntax_is_quoted() -> None:
    """`Joe's Cleaners: Main Street` is a valid front matter title, read back as written."""
    plain = ServiceModel(name="Joe's Cleaners: Main Street", roles=[servicekit.Role(id="r")])
    front = diagram.to_mermaid(plain.chain).split("---\n")[1]
    assert yaml.safe_load(front) == {"title": "Joe's Cleaners: Main Street"}


_DOT_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def test_dot_strings_are_closed_and_escaped(model: ServiceModel) -> None:
    """Every DOT string opens and closes on its line, with quotes and backslashes escaped."""
    text = diagram.to_dot(model.chain)
    assert not RAW.search(text)
    for line in text.splitlines():
        outside = _DOT_STRING.sub("", line)
        assert '"' not in outside, line
    assert '\\"hi\\" \\\\ back' in text


def test_csv_cells_read_back_and_never_run(model: ServiceModel) -> None:
    """CSV reads back cell for cell; no cell starts a formula."""
    text = render_csv.coverage_csv(model.coverage())
    rows = list(csv.reader(io.StringIO(text)))
    header, *body = rows
    assert all(len(row) == len(header) for row in body)
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )
    assert f"'{HOSTILE['formula']}" in header


def test_json_answers_keep_the_exact_text(
    model: ServiceModel, model_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON carries every string exactly (it is quoted by JSON itself)."""
    touchpoint = next(iter(model.touchpoints))
    data = json.loads(cli(capsys, "upstream", model_file, touchpoint, "--format", "json"))
    assert data["target"] == touchpoint
    assert {u["id"] for u in data["upstream"]} == set(model.chain.upstream(touchpoint).ids)
