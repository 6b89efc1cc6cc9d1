"""Counting the work a test's code does, deterministically (no timing in tests)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

__all__ = ["lines_run"]


def lines_run(work: Callable[[], Any], module: str) -> int:
    """Lines of Python run by ``work`` in functions of ``module`` (a deterministic count)."""
    counted = [0]

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_globals.get("__name__") != module:
            return None

        def local(frame: FrameType, event: str, arg: Any) -> Any:
            if event == "line":
                counted[0] += 1
            return local

        return local

    previous = sys.gettrace()  # coverage's, when measured: put back after
    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(previous)
    return counted[0]
