"""Work for the process-pool test, in a module of its own: spawned workers import it by
its name (``tests/`` is on their path, as on the parent's), whatever name pytest gives the
test module itself."""

from __future__ import annotations

from typing import Any

import servicekit
from servicekit.readwrite.load import MAX_BYTES

__all__ = ["analyse"]


def analyse(path: str) -> dict[str, Any]:
    """What a worker process answers for one model file (raising on an invalid one)."""
    model = servicekit.load(path, max_bytes=MAX_BYTES)
    touchpoint = sorted(model.touchpoints)[0]
    chain = model.chain
    return {
        "model": model,
        "upstream": chain.upstream(touchpoint),
        "critical": chain.critical(touchpoint),
        "suspects": chain.trace(touchpoint),
        "sets": chain.upstream_of_all(),
        "findings": model.audit(),
    }
