"""examples/explore.ipynb runs top to bottom, and its stored outputs are the real ones.

The notebook is executed with nbclient in a fresh kernel, from examples/, as a
reader would run it. Every output stored in the file must come out again (for
each stored MIME type, the same text), so what a reader sees on GitHub is what
servicekit does. After a deliberate change, re-execute and save the notebook:
``jupyter nbconvert --to notebook --execute --inplace examples/explore.ipynb``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbclient
import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "explore.ipynb"


@pytest.fixture(scope="module")
def notebooks() -> tuple[Any, Any]:
    """The notebook as stored, and the same notebook freshly executed."""
    stored = nbformat.read(NOTEBOOK, as_version=4)
    fresh = nbformat.read(NOTEBOOK, as_version=4)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = nbclient.NotebookClient(
        fresh,
        timeout=120,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return stored, fresh


def _cells(notebook: Any) -> dict[str, Any]:
    return {cell.metadata["tags"][0]: cell for cell in notebook.cells if cell.cell_type == "code"}


def _text(cell: Any, mime: str = "text/plain") -> str:
    """Everything the cell printed, then its results of ``mime``, as one string."""
    parts = [o.text for o in cell.outputs if o.output_type == "stream"]
    parts += [o.data[mime] for o in cell.outputs if "data" in o and mime in o.data]
    return "".join(parts)


def test_every_code_cell_is_tagged_and_runs_without_error(notebooks: tuple[Any, Any]) -> None:
    """Each code cell has a tag naming it, and none raises."""
    stored, fresh = notebooks
    tags = [c.metadata.get("tags", [None])[0] for c in stored.cells if c.cell_type == "code"]
    assert None not in tags
    assert len(set(tags)) == len(tags)
    for cell in fresh.cells:
        assert not [o for o in cell.get("outputs", []) if o.output_type == "error"], cell.source


def test_stored_outputs_are_reproduced(notebooks: tuple[Any, Any]) -> None:
    """Every output stored in the notebook comes out again, MIME type by MIME type."""
    stored, fresh = notebooks
    for tag, old in _cells(stored).items():
        new = _cells(fresh)[tag]
        assert [o.output_type for o in old.outputs] == [o.output_type for o in new.outputs], tag
        for before, after in zip(old.outputs, new.outputs, strict=True):
            if before.output_type == "stream":
                assert before.text == after.text, tag
            else:
                for mime, value in before.data.items():
                    assert after.data.get(mime) == value, f"{tag}: {mime}"


def test_outputs_answer_the_questions(notebooks: tuple[Any, Any]) -> None:
    """The answers shown are the restaurant's: who is upstream, critical, suspects, audit."""
    cells = _cells(notebooks[1])
    assert _text(cells["model"], "text/markdown").startswith("### Bistro on the Corner")
    assert _text(cells["diagram"], "text/markdown").startswith("```mermaid\n---\ntitle: Bistro")
    assert _text(cells["diagram"], "text/vnd.mermaid").startswith("---\ntitle: Bistro")
    assert _text(cells["diagram"], "text/html") == ""  # nothing for JupyterLab to prefer
    assert "<caption>role expeditor</caption>" in _text(cells["entity"], "text/html")
    assert _text(cells["pandas"]).split()[:3] == ["role", "fail_point", "score"]
    assert _text(cells["upstream"]).splitlines()[:2] == ["1 server", "2 bartender"]
    assert _text(cells["critical"]) == "('server',)"
    assert "<caption>Critical for table-service</caption>" in _text(cells["critical"], "text/html")
    assert "<td>dish-dies-on-pass</td>" in _text(cells["trace"], "text/html")
    assert _text(cells["trace-temperature"]) == "[('dish-dies-on-pass', 0.042)]"
    assert _text(cells["guide"]).startswith("novel: True\n")
    assert "Read the table" in _text(cells["guide"], "text/markdown")
    assert "<th>safety-first</th>" in _text(cells["coverage"], "text/html")
    assert "'unaligned-metric'" in _text(cells["audit"])
    assert "unaligned-metric" in _text(cells["audit"], "text/html")
    assert _text(cells["networkx"]).split() == [
        "['purchaser',",
        "'prep-cook',",
        "'line-cook',",
        "'expeditor',",
        "'server',",
        "'table-service',",
        "'diner']",
    ]
