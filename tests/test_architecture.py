"""The layout holds: data flows one way through the stages, and the tests keep their own rules.

The package's stages, in the order data flows through them, are ``model``,
``readwrite``, ``chain``, ``culture``, ``evidence``, ``render`` and ``cli``; the modules at the top
(``errors``, ``_runtime``, ``_words``) come before all of them. A module may import only
from its own stage or an earlier one, counting imports inside functions (imports under
``if TYPE_CHECKING:`` never run and are left out), so the import graph has no cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "servicekit"

#: The stages in the order data flows through them; the package's own face comes last.
STAGES = ("base", "model", "readwrite", "chain", "culture", "evidence", "render", "cli", "face")


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _stage(module: str) -> str:
    parts = module.split(".")
    if module == "servicekit" or parts[1] == "__main__":
        return "face"
    return parts[1] if parts[1] in STAGES else "base"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """The servicekit modules ``path`` imports at run time, wherever the import statement is."""
    found: set[str] = set()
    is_package = path.name == "__init__.py"

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(filter(None, (resolve(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            base = module if is_package else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = (f"{base}.{node.module}" if node.module else base) if node.level else ""
            source = source or (node.module or "")
            for alias in node.names:
                full = f"{source}.{alias.name}"
                target = full if full in known else resolve(source)
                if target:
                    found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(module)
    return found


@pytest.fixture(scope="module")
def imports() -> nx.DiGraph[str]:
    """The import graph of servicekit's modules: an edge from each importer to what it imports."""
    files = {_module(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(files)
    for module, path in files.items():
        graph.add_edges_from((module, target) for target in _imports(path, module, set(files)))
    return graph


def test_the_import_graph_has_no_cycle(imports: nx.DiGraph[str]) -> None:
    """No servicekit modules import each other in a loop, counting imports inside functions."""
    cycles = [sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1]
    assert cycles == []
    assert imports.number_of_nodes() > 40


def test_imports_point_one_way_through_the_stages(imports: nx.DiGraph[str]) -> None:
    """A module imports only its own stage or earlier ones: model -> ... -> render -> cli."""
    order = {stage: number for number, stage in enumerate(STAGES)}
    backwards = [
        (importer, imported)
        for importer, imported in imports.edges
        if order[_stage(imported)] > order[_stage(importer)]
    ]
    assert backwards == []


def _loaded_by(code: str) -> list[str]:
    """The servicekit modules a fresh interpreter has loaded after running ``code``."""
    probe = (
        f"import sys\n{code}\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('servicekit'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return done.stdout.split()


def test_the_package_face_imports_nothing_eagerly() -> None:
    """``import servicekit`` loads no stage: public names load on first use."""
    assert _loaded_by("import servicekit") == ["servicekit"]
    assert "servicekit.model.service_model" in _loaded_by("import servicekit\nservicekit.load")


@pytest.mark.parametrize("argv", [["--help"], ["validate", "--help"], ["trace", "--help"]])
def test_help_loads_only_the_command_table(argv: list[str]) -> None:
    """``servicekit --help`` and ``servicekit COMMAND --help`` load the command table only."""
    code = (
        "import contextlib, io\n"
        "from servicekit.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    main({argv!r})"
    )
    assert _loaded_by(code) == [
        "servicekit",
        "servicekit.cli",
        "servicekit.cli.main",
        "servicekit.cli.output",
        "servicekit.cli.table",
        "servicekit.model",
        "servicekit.model.vocabulary",
    ]


# --- the tests' own rules ------------------------------------------------------------------

TESTS = sorted((ROOT / "tests").rglob("*.py"))


def _test_trees() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in TESTS]


def test_no_test_imports_a_private_name() -> None:
    """Tests use servicekit's public names only: no ``from servicekit... import _x``."""
    private = []
    for path, tree in _test_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("servicekit"):
                names = [a.name for a in node.names if a.name.startswith("_")]
                modules = [p for p in (node.module or "").split(".") if p.startswith("_")]
                if names or modules:
                    private.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("servicekit") and "._" in alias.name:
                        private.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert private == []


def test_every_pytest_raises_names_what_it_expects() -> None:
    """``pytest.raises`` always comes with ``match=``, so a test cannot pass on the wrong error."""
    unmatched = []
    for path, tree in _test_trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "raises"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "pytest"
                and not any(k.arg == "match" for k in node.keywords)
            ):
                unmatched.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unmatched == []


def test_nothing_reads_outside_the_repository() -> None:
    """No file of the repository names the shared folder beside it (a fresh clone lacks it)."""
    outside = "/".join(("..", "shared"))
    named = [
        str(path.relative_to(ROOT))
        for path in [
            *TESTS,
            *PACKAGE.rglob("*.py"),
            *(ROOT / "docs").rglob("*.md"),
            ROOT / "README.md",
        ]
        if outside in path.read_text(encoding="utf-8")
    ]
    assert named == []
