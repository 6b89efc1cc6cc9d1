"""Loading models: files, documents and directories in, a checked model or every problem out.

Examples
--------
>>> import servicekit
>>> model = servicekit.loads('''
... servicekit: 1
... name: Kiosk
... roles:
...   - id: barista
...     serves: [runner]
...   - id: runner
... ''')
>>> model.roles["barista"].serves[0].to
'runner'
>>> try:
...     text = "servicekit: 1\\nroles:\\n  - id: a\\n    serves: [b]\\n"
...     servicekit.loads(text, path="kiosk.yaml")
... except servicekit.ModelError as err:
...     print(err)
kiosk.yaml:4:14: error: role 'a' names unknown role 'b'
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import yaml

from servicekit._runtime import gc_paused
from servicekit.errors import ModelError, Problem
from servicekit.model.references import MAX_PROBLEMS
from servicekit.model.service_model import ServiceModel
from servicekit.readwrite import events
from servicekit.readwrite.events import Collector, TooMany, decode, is_null, parse
from servicekit.readwrite.reader import Reader

__all__ = [
    "MAX_BYTES",
    "example_path",
    "load",
    "load_example",
    "loads",
    "schema_path",
]

#: The largest file ``load()`` reads unless told otherwise (256 MiB).
MAX_BYTES = 256 * 1024 * 1024


def _too_big(size: int, max_bytes: int, ctx: Collector) -> None:
    ctx.fatal(
        1,
        1,
        f"the model is {size} bytes, over the limit of {max_bytes}",
        "split the model into a directory of files, or pass a larger max_bytes",
    )


def _os_problem(err: OSError, ctx: Collector, what: str) -> None:
    """An operating-system error on a model path, as a located problem."""
    reason = err.strerror or type(err).__name__
    ctx.fatal(1, 1, f"cannot {what}: {reason}", _OS_HINTS.get(err.errno or 0))


_OS_HINTS = {
    36: "the path is longer than the system allows",  # ENAMETOOLONG
    13: "check the file's permissions",  # EACCES
    21: "give a YAML file, or a directory of them",  # EISDIR
}


def _read_file(path: Path, ctx: Collector, max_bytes: int) -> bytes | None:
    """The bytes of ``path``, reading at most ``max_bytes + 1`` whatever the file claims."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        _os_problem(err, ctx, "read the file")
        return None
    if len(data) > max_bytes:
        try:
            size = max(path.stat().st_size, len(data))
        except OSError:  # pragma: no cover - it was there a moment ago
            size = len(data)
        _too_big(size, max_bytes, ctx)
        return None
    return data


def _files(path: Path, ctx: Collector) -> list[Path]:
    try:
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
            )
            if not files:
                ctx.fatal(1, 1, "the directory holds no *.yaml files")
            return files
        if not path.exists():
            ctx.fatal(1, 1, "no such file or directory")
            return []
    except OSError as err:
        _os_problem(err, ctx, "read the path")
        return []
    return [path]


def _build(sources: list[tuple[str, bytes | str]], ctx: Collector) -> ServiceModel:
    reader = Reader(ctx)
    # Millions of small objects: the cyclic collector would only slow us down.
    with gc_paused():
        try:
            for label, data in sources:
                ctx.path = label
                raw = (
                    data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
                )
                checked = decode(raw, ctx)
                if checked is None:
                    continue
                pure = events.LOADER is yaml.SafeLoader
                documents = parse(checked.decode("utf-8") if pure else checked, ctx)
                if ctx.broken:
                    continue
                # Empty documents (nothing, or only '---') are skipped.
                documents = [root for root in documents if not is_null(root)]
                if not documents:
                    if any(problem.path == label for problem in ctx.problems):
                        ctx.broken = True  # e.g. a tagged root, reported already
                    else:
                        ctx.fatal(1, 1, "the model is empty", "start it with 'servicekit: 1'")
                    continue
                for number, root in enumerate(documents):
                    reader.document(root, first_in_file=number == 0)
            model = None if ctx.broken else reader.model()
        except TooMany:
            model = None
            last = max(ctx.problems, key=Problem.sort_key)  # so it sorts last
            ctx.problems.append(
                Problem(
                    path=last.path,
                    line=last.line,
                    column=last.column,
                    message=f"stopped after {MAX_PROBLEMS} problems",
                    hint="fix these and load again",
                )
            )
    if ctx.problems or model is None:
        raise ModelError(ctx.problems)
    return model


def load(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> ServiceModel:
    """Load a model from a YAML file, a file of several documents, or a directory.

    A directory's ``*.yaml`` (and ``*.yml``) files are read in name order and
    merged into one model; so are the ``---`` documents of one file. Empty
    documents are skipped, but a file with nothing in it is an error. The first
    non-empty document of each file must give the format version
    (``servicekit: 1``); later ones may repeat it. ``name`` and ``description``
    may be repeated with the same text, not with another. Ids are unique across
    all files and documents. A directory with no yaml files, or a path that does
    not exist, is an error. Files over ``max_bytes`` (256 MiB by default) are
    refused without being read.

    Text must be UTF-8 (a BOM is allowed and ignored; CRLF line endings are
    fine). Anchors, aliases, merge keys and tags of any kind are errors, so no
    input can make the loader build an object or expand a value.

    Raises
    ------
    ModelError
        With every problem found, each at ``file:line:column``.
    """
    ctx = Collector()
    text = os.fspath(path)
    ctx.path = str(text) or "''"
    if not text:
        ctx.fatal(1, 1, "the model path is empty", "give a YAML file, or a directory of them")
        raise ModelError(ctx.problems)
    root = Path(text)
    sources: list[tuple[str, bytes | str]] = []
    for file in _files(root, ctx):
        ctx.path = str(file)
        data = _read_file(file, ctx, max_bytes)
        if data is not None:
            sources.append((str(file), data))
    if ctx.problems:
        raise ModelError(ctx.problems)
    return _build(sources, ctx)


def loads(text: str | bytes, *, path: str = "<string>", max_bytes: int = MAX_BYTES) -> ServiceModel:
    """Load a model from YAML text; ``path`` names it in error messages.

    Text over ``max_bytes`` (in UTF-8) is refused, as ``load()`` refuses big files.

    Raises
    ------
    ModelError
        With every problem found, each at ``path:line:column``.
    """
    ctx = Collector()
    ctx.path = path
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        _too_big(size, max_bytes, ctx)
        raise ModelError(ctx.problems)
    return _build([(path, text)], ctx)


def example_path() -> Path:
    """Where the bundled example model (a dry cleaner) lives."""
    return Path(str(resources.files("servicekit") / "data" / "dry-cleaner.yaml"))


def schema_path() -> Path:
    """Where the JSON Schema (draft 2020-12) of the YAML format ships with the package.

    The schema checks the shape of one document: keys, types and required fields.
    References between entities are checked by ``load()`` only.

    Examples
    --------
    >>> import json
    >>> json.loads(schema_path().read_text())["properties"]["servicekit"]
    {'const': 1, 'description': 'The format version.'}
    """
    return Path(str(resources.files("servicekit") / "data" / "servicekit.schema.json"))


def load_example() -> ServiceModel:
    """The bundled example model: the corner dry cleaner of the docs.

    Examples
    --------
    >>> load_example().name
    'Corner Dry Cleaner'
    """
    return load(example_path())
