"""Saving models atomically: a reader sees the old file or the new one, never half of one.

A save writes a temporary file beside the target, named ``.NAME.servicekit-XXXXXXXX.tmp``
(so a directory load, which reads ``*.yaml`` files only, never takes it for a model),
flushes it to disk and renames it over the target in one step. While it writes, it holds
a lock on its temporary file; a save killed half-way leaves its temporary file behind,
unlocked, and the next save to the same path removes it. Saves from several threads or
processes at once each write their own temporary file: the last rename wins, whole.

No process-wide state is touched: the new file's permission bits come from the umask
the way any new file's do (the temporary file is created with mode 0o666 and the
system applies the umask), and an existing file keeps its own.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from servicekit.errors import UsageError
from servicekit.model.service_model import ServiceModel
from servicekit.readwrite.writer import dump

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: stale files are told by their age
    fcntl = None  # type: ignore[assignment]

__all__ = ["save", "temporary_files"]

#: What follows ``.NAME`` in the name of a temporary file of a save.
_MARK = ".servicekit-"
_SUFFIX = ".tmp"
#: Without file locks, a temporary file this many seconds old is taken for a dead save's.
_STALE_AFTER = 3600


def temporary_files(path: str | os.PathLike[str]) -> list[Path]:
    """The temporary files of saves to ``path`` that exist now (finished saves leave none).

    Examples
    --------
    >>> import servicekit, tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = pathlib.Path(folder) / "shop.yaml"
    ...     servicekit.save(servicekit.load_example(), target)
    ...     temporary_files(target)
    []
    """
    target = Path(os.fspath(path))
    prefix = f".{target.name}{_MARK}"
    folder = target.parent if str(target.parent) else Path(".")
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(
        folder / name for name in names if name.startswith(prefix) and name.endswith(_SUFFIX)
    )


def _remove_stale(target: Path) -> None:
    """Removes the temporary files that saves to ``target`` left behind when they died.

    A live save holds a lock on its file; only unlocked (or, without locks, old) files go.
    """
    for leftover in temporary_files(target):
        with contextlib.suppress(OSError):
            if fcntl is None:  # pragma: no cover - Windows
                import time

                if time.time() - leftover.stat().st_mtime > _STALE_AFTER:
                    leftover.unlink()
                continue
            descriptor = os.open(leftover, os.O_RDONLY)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # a save is writing it right now
                os.close(descriptor)
                continue
            try:
                # Still the same file (not a new save's under the same name): remove it.
                if os.stat(leftover).st_ino == os.fstat(descriptor).st_ino:
                    leftover.unlink()
            finally:
                os.close(descriptor)


def _create_temporary(target: Path) -> tuple[int, Path]:
    """A new, locked temporary file beside ``target``: its descriptor and its path."""
    while True:
        temporary = target.parent / f".{target.name}{_MARK}{secrets.token_hex(4)}{_SUFFIX}"
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits: vanishingly rare
            continue
        if fcntl is None:  # pragma: no cover - Windows
            return descriptor, temporary
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            # Another save's clean-up may have removed it before the lock was taken.
            if os.stat(temporary).st_ino == os.fstat(descriptor).st_ino:
                return descriptor, temporary
        except FileNotFoundError:
            pass
        os.close(descriptor)  # pragma: no cover - a race lost: try a new name


def save(model: ServiceModel, path: str | os.PathLike[str]) -> None:
    """Write the model to ``path`` as YAML, atomically.

    The text goes to a temporary file in the same directory, is flushed to disk,
    then replaces ``path`` in one step: a reader sees the old file or the new
    one, never half of one. An existing file keeps its permission bits; a new one
    gets the usual ones (0o666 less the umask). Temporary files that earlier saves
    to the same path left behind (killed half-way) are removed first.
    """
    if not isinstance(model, ServiceModel):
        raise UsageError(
            f"save(model, path) takes the model first, then the path; got "
            f"{type(model).__name__} {model!r:.60} as the model"
        )
    target = Path(os.fspath(path))
    if target.is_symlink():  # write through the link, as an editor would
        target = target.resolve()
    if not str(target.parent):  # pragma: no cover - Path("x").parent is "."
        target = Path(".") / target
    text = dump(model).encode("utf-8")
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    _remove_stale(target)
    descriptor, temporary = _create_temporary(target)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(handle.fileno(), mode)
            # Renamed while still locked, so no clean-up takes it for a dead save's.
            os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where we can
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
