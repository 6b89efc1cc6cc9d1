"""Process-level helpers every stage may use: the version, the collector, later stages.

``later()`` is the one way code reaches *up* the data flow. The façade methods
users like (``model.chain``, ``model.audit()``, ``result.to_json()``,
``result._repr_html_()``) live on objects of an early stage but are answered by
a later one; they name that stage's module here and it is imported when the
method is first called, as pandas' ``DataFrame.plot`` hands off to its plotting
backend. No module imports a later stage in any other way, so the import graph
has no cycle.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from types import ModuleType

__all__ = ["DISTRIBUTION", "gc_paused", "later", "version"]

#: The name servicekit is installed under (``import servicekit`` all the same).
DISTRIBUTION = "servicekit-culture"


def version() -> str:
    """The installed version, from the package metadata (written once, in ``pyproject.toml``).

    Examples
    --------
    >>> version().count(".") >= 2
    True
    """
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare source tree
        return "0+unknown"


def later(module: str) -> ModuleType:
    """The module of a later stage of the data flow (``servicekit.render.html``, say).

    Examples
    --------
    >>> later("servicekit.render.json").__name__
    'servicekit.render.json'
    """
    return importlib.import_module(module)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small, acyclic objects.

    Examples
    --------
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
