"""The built API reference: clean prose, every public name, every entity's field table.

The page is built by mkdocstrings from the docstrings in ``src/``; a Sphinx role or an
RST literal block left in a docstring shows on it as raw text. The tables of fields come
from ``docs/hooks.py``, which replaces the page's ``<!-- servicekit: fields X -->``
markers; the hook is also tested here on its own.
"""

from __future__ import annotations

import html
import importlib.util
import inspect
import re
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

import servicekit
from servicekit.model import entities
from servicekit.model.entities import Entity

ROOT = Path(__file__).resolve().parents[2]
PAGE = "reference/api/index.html"
#: Every entity class of the model (attrs classes that check themselves).
ENTITIES = sorted(
    name
    for name in entities.__all__
    if isinstance(getattr(entities, name), type)
    and issubclass(getattr(entities, name), Entity)
    and name != "Entity"
)
#: Raw markup that must not reach a reader: Sphinx roles and RST literal-block colons.
RAW = [":class:", ":func:", ":meth:", ":attr:", ":data:", ":mod:", ":obj:", "::", "``"]


@pytest.fixture(scope="module")
def page(site: Path) -> str:
    """The built API reference page's HTML."""
    return (site / PAGE).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def text(page: str) -> str:
    """The API page as a reader sees it: tags stripped, entities unescaped."""
    body = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def _field_table(page: str, name: str) -> list[str]:
    """The first-column cells (parameter names) of ``name``'s field table on the page."""
    match = re.search(
        rf"<p><code>{name}</code> takes these keyword arguments:</p>\s*<table>(.*?)</table>",
        page,
        flags=re.S,
    )
    assert match is not None, f"no field table for {name}"
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", match.group(1), flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", row)) for row in rows]


@pytest.mark.parametrize("markup", RAW, ids=RAW)
def test_no_raw_markup_on_the_api_page(text: str, markup: str) -> None:
    """No Sphinx role, RST literal marker or doubled backtick shows on the built page."""
    found = [
        text[max(0, m.start() - 60) : m.end() + 60] for m in re.finditer(re.escape(markup), text)
    ]
    assert found == []


@pytest.mark.parametrize("name", servicekit.__all__)
def test_every_public_name_is_on_the_api_page(page: str, text: str, name: str) -> None:
    """Each public name has its own heading (``__version__``, an attribute, is named in text)."""
    if name == "__version__":
        assert "servicekit.__version__" in text
    else:
        assert re.search(rf'id="servicekit\.[\w.]+\.{re.escape(name)}"', page), name


@pytest.mark.parametrize("name", ENTITIES)
def test_every_entity_has_its_field_table(page: str, name: str) -> None:
    """Each entity's table lists its constructor's parameters, in the constructor's order."""
    parameters = list(inspect.signature(getattr(entities, name)).parameters)
    rows = _field_table(page, name)
    assert [row.split()[0] for row in rows] == parameters


def test_handoff_table_names_for_as_python_and_yaml_spell_it(page: str) -> None:
    """Python's ``for_`` is the YAML key ``for``, and the table says both."""
    assert "for_ (YAML for)" in _field_table(page, "Handoff")


# --- the hook on its own ----------------------------------------------------------------------

#: What the hook reads of a mkdocs page: its source path, for messages.
PAGE_SOURCE = SimpleNamespace(file=SimpleNamespace(src_path="reference/page.md"))


@pytest.fixture(scope="module")
def hooks() -> ModuleType:
    """docs/hooks.py, loaded as mkdocs loads it (a file, not a package module)."""
    spec = importlib.util.spec_from_file_location("servicekit_docs_hooks", ROOT / "docs/hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _render(hooks: Any, markdown: str) -> str:
    result: str = hooks.on_page_markdown(markdown, page=PAGE_SOURCE, config=None, files=None)
    return result


def test_the_hook_puts_the_field_table_in_place_of_its_marker(hooks: ModuleType) -> None:
    """A fields marker becomes a sentence and the class's table; other text is kept."""
    done = _render(hooks, "before\n\n<!-- servicekit: fields Audience -->\n\nafter\n")
    assert "<!--" not in done
    assert done.startswith("before\n\n`Audience` takes these keyword arguments:\n\n| parameter |")
    assert "| `roles` | role ids | Roles it trains. |" in done
    assert done.endswith("\nafter\n")


@pytest.mark.parametrize(
    ("markdown", "error", "match"),
    [
        (
            "<!-- servicekit: fields Handof -->",
            servicekit.UnknownIdError,
            "unknown entity class 'Handof'; did you mean 'Handoff'",
        ),
        (
            "<!-- servicekit: feilds Handoff -->",
            ValueError,
            r"reference/page.md: unknown servicekit marker .*feilds Handoff",
        ),
    ],
    ids=["unknown-class", "unknown-marker"],
)
def test_the_hook_stops_the_build_on_a_marker_it_cannot_fill(
    hooks: ModuleType, markdown: str, error: type[Exception], match: str
) -> None:
    """An unknown class or marker raises, so the strict build fails instead of losing a table."""
    with pytest.raises(error, match=match):
        _render(hooks, markdown)


def test_a_page_without_markers_is_left_as_it_is(hooks: ModuleType) -> None:
    """The hook returns a page with no marker unchanged."""
    assert _render(hooks, "# Title\n\ntext\n") == "# Title\n\ntext\n"
