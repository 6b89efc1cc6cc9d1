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

import errno
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

#: The most YAML ``load()`` and ``loads()`` read unless told otherwise (64 MiB, in all
#: the files of a directory together). Loading holds at most 10x the text on top of the
#: model it builds, and a model takes 8x (a realistic organisation) to 40x (a flow list of
#: one-letter hand-offs) its text: at this size, about 1.2 GB and at worst 3.3 GB, which a
#: 4 GB machine has.
MAX_BYTES = 64 * 1024 * 1024


def _too_big(size: int, max_bytes: int, ctx: Collector) -> None:
    ctx.fatal(
        1,
        1,
        f"the model is {size:,} bytes, over the limit of {max_bytes:,}",
        "pass a larger max_bytes if the machine has the memory: loading takes about 20 "
        "times the model's size",
    )


def _os_problem(err: OSError, ctx: Collector, what: str) -> None:
    """An operating-system error on a model path, as a located problem."""
    reason = err.strerror or type(err).__name__
    ctx.fatal(1, 1, f"cannot {what}: {reason}", _OS_HINTS.get(err.errno or 0))


_OS_HINTS = {
    errno.ENAMETOOLONG: "the path is longer than the system allows",
    errno.EACCES: "check the permissions of the file and of its directories",
    errno.EPERM: "check the permissions of the file and of its directories",
    errno.EISDIR: "give a YAML file, or a directory of them",
    errno.ENOTDIR: "a part of the path is a file, not a directory",
    errno.ELOOP: "the path goes round a loop of symbolic links",
}

#: Bytes read at a time when a file is longer than it said it was.
_CHUNK = 1 << 16


def _read_file(path: Path, ctx: Collector, max_bytes: int, held: int = 0) -> bytes | None:
    """The bytes of ``path``, never reading (or holding) more than ``max_bytes + 1``.

    ``held`` bytes of other files were read already: ``max_bytes`` is what is left.
    """
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                _too_big(held + size, held + max_bytes, ctx)
                return None
            # The size the file claims; a special or growing file is read on in chunks.
            chunks = [handle.read(size + 1)] if size else []
            read = len(chunks[0]) if chunks else 0
            while (not size or read > size) and read <= max_bytes:
                chunk = handle.read(min(_CHUNK, max_bytes + 1 - read))
                if not chunk:
                    break
                chunks.append(chunk)
                read += len(chunk)
    except OSError as err:
        _os_problem(err, ctx, "read the file")
        return None
    if read > max_bytes:
        _too_big(held + read, held + max_bytes, ctx)
        return None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _is_model_file(path: Path, ctx: Collector) -> bool:
    """Whether a directory entry is a model file (``*.yaml``, ``*.yml``); reports why not
    when it cannot be told."""
    if path.suffix not in (".yaml", ".yml"):
        return False
    ctx.path = str(path)
    try:
        return path.is_file()
    except OSError as err:
        _os_problem(err, ctx, "read the file")
        return False


def _files(path: Path, ctx: Collector) -> list[Path]:
    """The model files at ``path``: the file itself, or a directory's yaml files in name order."""
    try:
        if path.is_dir():
            entries = sorted(path.iterdir())
        elif not path.exists():
            ctx.fatal(1, 1, "no such file or directory")
            return []
        else:
            return [path]
    except OSError as err:
        _os_problem(err, ctx, "read the path")
        return []
    files = [entry for entry in entries if _is_model_file(entry, ctx)]
    ctx.path = str(path)
    if not files and not ctx.problems:
        ctx.fatal(1, 1, "the directory holds no *.yaml files")
    return files


def _build(sources: list[tuple[str, bytes | str]], ctx: Collector) -> ServiceModel:
    reader = Reader(ctx, sum(len(data) for _, data in sources))
    broken = ctx.broken  # a file could not be read: report the others, build nothing
    # Millions of small objects: the cyclic collector would only slow us down.
    with gc_paused():
        try:
            for label, data in sources:
                ctx.path = label
                ctx.broken = False
                _read_source(reader, label, data, ctx)
                broken = broken or ctx.broken
            ctx.broken = broken
            model = None if broken else reader.model()
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


def _read_source(reader: Reader, label: str, data: bytes | str, ctx: Collector) -> None:
    """Reads one file (or text) into ``reader``; ``ctx.broken`` says when it could not be."""
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    checked = decode(raw, ctx)
    if checked is None:
        return
    text: bytes | str = checked.decode("utf-8") if events.LOADER is yaml.SafeLoader else checked
    reader.begin(label, text)
    documents = parse(text, ctx, reader.item)
    if ctx.broken:
        return
    # Empty documents (nothing, or only '---') are skipped.
    documents = [(root, at) for root, at in documents if not is_null(root, at)]
    if not documents:
        if any(problem.path == label for problem in ctx.problems):
            ctx.broken = True  # e.g. a tagged root, reported already
        else:
            ctx.fatal(1, 1, "the model is empty", "start it with 'servicekit: 1'")
        return
    for number, (root, at) in enumerate(documents):
        reader.document(root, at, first_in_file=number == 0)


def load(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> ServiceModel:
    """Load a model from a YAML file, a file of several documents, or a directory.

    A directory's ``*.yaml`` (and ``*.yml``) files are read in name order and
    merged into one model; so are the ``---`` documents of one file. Empty
    documents are skipped, but a file with nothing in it is an error. The first
    non-empty document of each file must give the format version
    (``servicekit: 1``); later ones may repeat it. ``name`` and ``description``
    may be repeated with the same text, not with another. Ids are unique across
    all files and documents. A directory with no yaml files, or a path that does
    not exist, is an error. More than ``max_bytes`` of YAML in all (64 MiB by
    default, ``MAX_BYTES``) is refused without being read: loading holds at most
    10 times the text on top of the model it builds.

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
    held = 0
    for file in _files(root, ctx):
        ctx.path = str(file)
        data = _read_file(file, ctx, max_bytes - held, held)
        if data is not None:
            sources.append((str(file), data))
            held += len(data)
    if not sources:
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
