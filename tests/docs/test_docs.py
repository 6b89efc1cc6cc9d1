"""Every code block of docs/ and README.md runs, and its shown output is checked.

A small harness of our own, rather than pytest-examples, mktestdocs or Sybil:
the pages need exactly four conventions, each a few lines here, and no plugin
brings all four (Sybil comes closest but has no CLI-transcript parser, and
would add a dependency and a second way to write examples):

``pycon``
    A Python console session (``>>>`` and ``...`` prompts), checked by
    :mod:`doctest` with ``ELLIPSIS``. All Python blocks of one page share one
    namespace, in page order, so a page reads as one session.
``python`` then ``text``
    A script, run in the page's namespace. When the next fenced block is a
    ``text`` block with nothing but blank lines between, it is the exact
    standard output; otherwise the block must print nothing.
``console``
    A shell transcript: ``$ servicekit ...`` or ``$ python ...`` lines, each
    followed by its exact output (standard output and error, interleaved as a
    terminal shows them). ``$ echo $?`` shows the exit status of the command
    before it. Nothing else may follow a ``$``.
``bash``
    Setup commands. ``pip install`` and ``pytest`` are not run (they need the
    network or would recurse); every ``servicekit`` command in them is run and
    must succeed.

A ``yaml`` block that is a whole model (it has a ``servicekit`` key) must load
and must validate against the JSON Schema shipped in the package. A
``servicekit-diagram`` block must draw. Blocks that include a file with
``--8<--`` are checked where the file is tested (``tests/test_examples.py``).
Everything runs from the project root, so ``examples/...`` paths resolve.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

import servicekit
from servicekit.cli.table import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
CHECKER = doctest.OutputChecker()
FLAGS = doctest.ELLIPSIS
_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


class Block(NamedTuple):
    """A fenced code block: its page, 1-based line of the opening fence, language and text."""

    page: Path
    line: int
    language: str
    text: str
    #: The text of a ``text`` block right after this one, if any: its shown output.
    output: str | None

    @property
    def where(self) -> str:
        """``page:line``, relative to the project root."""
        page = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page
        return f"{page}:{self.line}"


def parse(page: Path) -> list[Block]:
    """The fenced blocks of ``page``, in order; indented fences (in admonitions) included."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[tuple[int, int, str, str]] = []  # (line, end line, language, text)
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        indent, fence = len(match["indent"]), match["fence"]
        info = match["info"].strip().lstrip("{").strip()
        language = info.split()[0].lstrip(".") if info else ""
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            stripped = lines[end][indent:] if lines[end][:indent].strip() == "" else lines[end]
            if stripped.startswith(fence[0] * len(fence)) and stripped.strip() == fence[0] * len(
                stripped.strip()
            ):
                break
            body.append(stripped)
            end += 1
        found.append((index + 1, end + 1, language, "\n".join(body) + "\n"))
        index = end + 1
    blocks: list[Block] = []
    for i, (line, end, language, text) in enumerate(found):
        output = None
        if language in ("python", "py") and i + 1 < len(found):
            next_line, _, next_language, next_text = found[i + 1]
            between = lines[end : next_line - 1]
            if next_language == "text" and all(not s.strip() for s in between):
                output = next_text
        blocks.append(Block(page, line, language, text, output))
    return blocks


def _all_blocks() -> Iterator[Block]:
    for page in PAGES:
        yield from parse(page)


def _included(block: Block) -> bool:
    return "--8<--" in block.text


def _select(*languages: str) -> list[Any]:
    return [
        pytest.param(b, id=b.where)
        for b in _all_blocks()
        if b.language in languages and not _included(b)
    ]


def _pages_with_python() -> list[Any]:
    return [
        pytest.param(page, id=str(page.relative_to(ROOT)))
        for page in PAGES
        if any(b.language in ("python", "py", "pycon") for b in parse(page))
    ]


def _matches(want: str, got: str) -> bool:
    def tidy(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.rstrip().splitlines()) + "\n"

    return CHECKER.check_output(tidy(want), tidy(got), FLAGS)


def _difference(want: str, got: str) -> str:
    example = doctest.Example("", want)
    return CHECKER.output_difference(example, got, FLAGS | doctest.REPORT_UDIFF)


# --- Python ----------------------------------------------------------------------------------


def run_python(page: Path) -> None:
    """Run every Python block of ``page`` in one namespace; raise AssertionError on a mismatch."""
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    parser = doctest.DocTestParser()
    for block in parse(page):
        if _included(block):
            continue
        if block.language == "pycon":
            test = parser.get_doctest(block.text, namespace, block.where, str(page), block.line)
            report = io.StringIO()
            runner = doctest.DocTestRunner(optionflags=FLAGS)
            runner.run(test, out=report.write, clear_globs=False)
            namespace.update(test.globs)  # DocTest works on a copy; carry its names on
            assert not runner.failures, f"{block.where}: a pycon block differs\n{report.getvalue()}"
        elif block.language in ("python", "py"):
            stdout = io.StringIO()
            with contextlib.redirect_stdout(stdout):
                exec(compile(block.text, block.where, "exec"), namespace)
            want = block.output if block.output is not None else ""
            got = stdout.getvalue()
            assert _matches(want, got) if want else not got, (
                f"{block.where}: the python block's output is not the text shown after it\n"
                + _difference(want, got)
            )


@pytest.mark.parametrize("page", _pages_with_python())
def test_python_blocks_run_and_print_what_they_show(
    page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each page's Python blocks run in one namespace and print exactly what is shown."""
    monkeypatch.chdir(ROOT)
    run_python(page)


# --- the command line ------------------------------------------------------------------------


def command_line(command: str) -> list[str]:
    """The argv for a documented command: ``servicekit`` and ``python`` run this interpreter."""
    argv = shlex.split(command)
    if argv[0] == "servicekit":
        return [sys.executable, "-m", "servicekit", *argv[1:]]
    if argv[0] == "python":
        return [sys.executable, *argv[1:]]
    raise AssertionError(f"only servicekit and python commands are run, not {command!r}")


def run_command(command: str) -> tuple[str, int]:
    """Run a documented command from the project root; its combined output and exit status."""
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    done = subprocess.run(
        command_line(command),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    return done.stdout, done.returncode


def transcript(text: str) -> list[tuple[str, str]]:
    """The ``(command, shown output)`` pairs of a console block; ``\\`` continues a command."""
    steps: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and index + 1 < len(lines):
                index += 1
                command = command[:-1].rstrip() + " " + lines[index].strip()
            steps.append((command.strip(), []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"console text before the first $ prompt: {line!r}")
        index += 1
    return [(command, "\n".join(out).rstrip() + "\n" if out else "") for command, out in steps]


def run_console(block: Block) -> None:
    """Run each command of a console block; raise AssertionError when an output differs."""
    status = 0
    steps = transcript(block.text)
    assert steps, f"{block.where}: a console block with no $ command"
    for command, want in steps:
        if command == "echo $?":
            got = f"{status}\n"
        else:
            got, status = run_command(command)
        assert _matches(want, got) if want.strip() else not got.strip(), (
            f"{block.where}: `{command}` printed something else\n" + _difference(want, got)
        )


@pytest.mark.parametrize("block", _select("console"))
def test_console_blocks_print_what_they_show(block: Block) -> None:
    """Each CLI transcript runs and each command prints exactly its shown output."""
    run_console(block)


@pytest.mark.parametrize("block", _select("bash", "sh", "shell"))
def test_servicekit_commands_in_setup_blocks_succeed(block: Block) -> None:
    """servicekit commands in setup blocks run and exit 0; installs are not run."""
    for line in block.text.splitlines():
        for part in line.split("&&"):
            # A redirection only says where the output goes; the command still runs.
            command = re.sub(r"\s*>\s*\S+$", "", part.strip())
            if command.startswith("servicekit"):
                output, status = run_command(command)
                assert status == 0, f"{block.where}: `{command}` exited {status}\n{output}"


def test_the_cli_page_shows_every_command_s_formats_and_json() -> None:
    """The CLI reference lists each command's formats and shows each JSON answer on a run."""
    page = ROOT / "docs" / "reference" / "cli.md"
    text = page.read_text(encoding="utf-8")
    runs = [
        command
        for block in parse(page)
        if block.language == "console"
        for command, _ in transcript(block.text)
    ]
    for command in COMMANDS:
        row = f"| [`{command.name}`](#{command.name}) | {', '.join(command.formats)} |"
        assert row in text, row
        if "json" not in command.formats:
            continue
        shown = [
            run
            for run in runs
            if run.split()[:2] == ["servicekit", command.name]
            and ("--format json" in run or command.formats == ("json",))
            and "--help" not in run
        ]
        assert shown, f"no JSON example of {command.name} on {page.name}"


# --- YAML and diagrams -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> Any:
    """The JSON Schema of the YAML format, as shipped in the package."""
    text = (resources.files("servicekit") / "data" / "servicekit.schema.json").read_text("utf-8")
    return json.loads(text)


class _Yaml12Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML as editors' language servers read it (1.2): only true and false are booleans.

    PyYAML follows YAML 1.1, where ``off`` or ``no`` is a boolean; servicekit and the
    JSON Schema keep them as the strings written (``unscripted-scenario: off``).
    """


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _yaml(text: str) -> Any:
    """Parse as the YAML language server does, for checking against the JSON Schema."""
    return yaml.load(text, Loader=_Yaml12Loader)


def _whole_models() -> list[Any]:
    """YAML blocks that are whole models (fragments of one are shown for their keys)."""
    found = []
    for param in _select("yaml", "yml"):
        data = _yaml(param.values[0].text)
        if isinstance(data, dict) and "servicekit" in data:
            found.append(param)
    return found


@pytest.mark.parametrize("block", _whole_models())
def test_whole_models_shown_load_and_match_the_schema(block: Block, schema: Any) -> None:
    """A YAML block that is a whole model loads and validates against the JSON Schema."""
    import jsonschema

    servicekit.loads(block.text)
    jsonschema.validate(_yaml(block.text), schema)


@pytest.mark.parametrize("block", _select("servicekit-diagram"))
def test_diagram_blocks_draw(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    """A servicekit-diagram block names a model and options that draw a diagram."""
    monkeypatch.chdir(ROOT)
    argv = shlex.split(block.text)
    output, status = run_command("servicekit diagram " + shlex.join(argv))
    assert status == 0, output
    assert output.startswith("---\ntitle: ")


# --- the harness itself ----------------------------------------------------------------------


def test_parse_finds_indented_fences_and_shown_output(tmp_path: Path) -> None:
    """The parser finds fences in admonitions and pairs a python block with its text."""
    page = tmp_path / "page.md"
    page.write_text(
        '!!! note\n    ```python\n    print("hi")\n    ```\n\n    ```text\n    hi\n    ```\n'
        "````console\n$ servicekit --version\n````\n",
        encoding="utf-8",
    )
    blocks = parse(page)
    assert [(b.line, b.language) for b in blocks] == [(2, "python"), (6, "text"), (9, "console")]
    assert blocks[0].text == 'print("hi")\n'
    assert blocks[0].output == "hi\n"
    assert blocks[2].text == "$ servicekit --version\n"


def test_transcript_splits_commands_and_continuations() -> None:
    """A transcript pairs commands with output and joins backslash continuations."""
    steps = transcript("$ servicekit a \\\n    --b c\nout 1\nout 2\n$ echo $?\n0\n")
    assert steps == [("servicekit a --b c", "out 1\nout 2\n"), ("echo $?", "0\n")]
    with pytest.raises(AssertionError, match="before the first"):
        transcript("stray\n$ servicekit\n")


def test_only_servicekit_and_python_commands_run() -> None:
    """Any other command in a console block is refused, not silently skipped."""
    assert command_line("python examples/x.py a")[1:] == ["examples/x.py", "a"]
    with pytest.raises(AssertionError, match="only servicekit and python"):
        command_line("rm -rf /")


def test_a_wrong_output_is_caught(tmp_path: Path) -> None:
    """The harness fails a block whose shown output is not what it prints."""
    page = tmp_path / "page.md"
    page.write_text("```python\nprint(1 + 1)\n```\n\n```text\n3\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="not the text shown"):
        run_python(page)
    page.write_text("```pycon\n>>> 1 + 1\n3\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="pycon block differs"):
        run_python(page)
    block = Block(page, 1, "console", "$ servicekit --version\n0.0.0\n", None)
    with pytest.raises(AssertionError, match="printed something else"):
        run_console(block)


def test_every_page_is_in_the_nav() -> None:
    """Each page under docs/ is listed in mkdocs.yml's nav, so none is orphaned."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in (ROOT / "docs").rglob("*.md"):
        assert str(page.relative_to(ROOT / "docs")) in config, page
