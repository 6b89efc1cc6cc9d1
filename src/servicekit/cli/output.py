"""Writing a command's answer: text or JSON on stdout, and a clear error when it cannot be."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["flush", "write", "write_json"]


def _error(err: Exception) -> Exception:
    from servicekit.errors import OutputError

    reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return OutputError(f"cannot write output: {reason}")


def write(text: str) -> None:
    """``text`` on stdout, ending with a newline."""
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as err:  # a full disk, a closed stdout
        raise _error(err) from None


def write_json(data: Any) -> None:
    """``data`` as indented JSON, non-ASCII text kept as it is."""
    import json

    write(json.dumps(data, indent=2, ensure_ascii=False))


def flush() -> None:
    """Flush stdout; a failure is an ``OutputError``."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as err:
        raise _error(err) from None
