"""Saving models atomically: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from servicekit.errors import UsageError
from servicekit.model.service_model import ServiceModel
from servicekit.readwrite.writer import dump

__all__ = ["save"]


def save(model: ServiceModel, path: str | os.PathLike[str]) -> None:
    """Write the model to ``path`` as YAML, atomically.

    The text goes to a temporary file in the same directory, is flushed to disk,
    then replaces ``path`` in one step: a reader sees the old file or the new
    one, never half of one. An existing file keeps its permission bits.
    """
    if not isinstance(model, ServiceModel):
        raise UsageError(
            f"save(model, path) takes the model first, then the path; got "
            f"{type(model).__name__} {model!r:.60} as the model"
        )
    target = Path(os.fspath(path))
    if target.is_symlink():  # write through the link, as an editor would
        target = target.resolve()
    text = dump(model).encode("utf-8")
    directory = target.parent if str(target.parent) else Path(".")
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    descriptor, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where we can
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
