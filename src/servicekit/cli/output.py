"""Writing a command's answer: text or JSON on stdout, and a clear error when it cannot be.

Every write and the final flush go through here: a full disk (``/dev/full``), a closed
or missing stdout, or any other failure to write becomes an
``OutputError`` ("cannot write output"), which the command line
reports with exit code 2. A reader that goes away (``servicekit ... | head``) is a
``BrokenPipeError``, let through for the caller to end quietly.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["flush", "output_error", "write", "write_json", "write_json_chunks", "write_lines"]


def output_error(err: Exception) -> Exception:
    """The ``OutputError`` saying why output could not be written."""
    from servicekit.errors import OutputError

    if isinstance(err, AttributeError):  # sys.stdout is None: file descriptor 1 was closed
        reason = "the standard output is closed"
    else:
        reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return OutputError(f"cannot write output: {reason}")


@contextmanager
def _writing() -> Iterator[None]:
    """Turns a failure to write stdout into an OutputError (a broken pipe excepted)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except (OSError, ValueError, AttributeError) as err:  # a full disk, a closed stdout
        raise output_error(err) from None


def write(text: str) -> None:
    """``text`` on stdout, ending with a newline."""
    with _writing():
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def write_lines(lines: Iterable[str]) -> None:
    """Each of ``lines`` on stdout as it comes: a long answer is written while it is made."""
    with _writing():
        out = sys.stdout
        for line in lines:
            out.write(line + "\n")


def write_json(data: Any) -> None:
    """``data`` as indented JSON, non-ASCII text kept as it is."""
    import json

    write(json.dumps(data, indent=2, ensure_ascii=False))


def write_json_chunks(chunks: Iterable[str]) -> None:
    """JSON text made piece by piece, written as it comes, then a newline."""
    with _writing():
        out = sys.stdout
        for chunk in chunks:
            out.write(chunk)
        out.write("\n")


def flush() -> None:
    """Flush stdout; a failure is an ``OutputError``."""
    with _writing():
        sys.stdout.flush()
