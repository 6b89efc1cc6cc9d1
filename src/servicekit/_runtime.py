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
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from types import ModuleType
from typing import Any, Generic, TypeVar, overload

__all__ = ["DISTRIBUTION", "LOCK", "computed_once", "gc_paused", "later", "version"]

T = TypeVar("T")

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


class _Pauses(threading.local):
    depth = 0  # how many pauses this thread is inside


_PAUSE_LOCK = threading.Lock()
_pauses = _Pauses()
#: Pauses in progress in every thread, and whether the collector was on before the first.
_PAUSED = [0, False]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small, acyclic objects.

    The collector is one switch for the whole process, so pauses are counted across
    threads: the first one to start turns the collector off, and the last one to end
    turns it back on (only if it was on before the first), however the threads'
    pauses overlap.

    Examples
    --------
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    with _PAUSE_LOCK:
        if _PAUSED[0] == 0:
            _PAUSED[1] = gc.isenabled()
            gc.disable()
        _PAUSED[0] += 1
        _pauses.depth += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pauses.depth -= 1
            _PAUSED[0] -= 1
            if _PAUSED[0] == 0 and _PAUSED[1]:
                gc.enable()


def _after_fork() -> None:  # pragma: no cover - runs in forked children only
    """In a forked child, only the forking thread goes on: count only its pauses."""
    global _PAUSE_LOCK
    _PAUSE_LOCK = threading.Lock()
    _PAUSED[0] = _pauses.depth
    if _PAUSED[0] == 0 and _PAUSED[1]:
        gc.enable()


if hasattr(os, "register_at_fork"):  # pragma: no branch - POSIX
    os.register_at_fork(after_in_child=_after_fork)


_MISSING: Any = object()
_LOCK_OF_LOCKS = threading.Lock()


class computed_once(Generic[T]):
    """Like ``functools.cached_property()``, but computed once even when several threads
    ask for it at the same moment: the others wait for the first, and all get the same
    object. Each instance has its own lock (kept in its ``__dict__``), so threads working
    on different objects never wait for each other.

    Examples
    --------
    >>> class Box:
    ...     @computed_once
    ...     def size(self) -> int:
    ...         print("computing")
    ...         return 3
    >>> box = Box()
    >>> box.size, box.size
    computing
    (3, 3)
    """

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> computed_once[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object, owner: type | None = None) -> T | computed_once[T]:
        if instance is None:
            return self
        values = instance.__dict__
        found = values.get(self.name, _MISSING)
        if found is _MISSING:
            lock = values.get(LOCK)
            if lock is None:
                with _LOCK_OF_LOCKS:
                    lock = values.setdefault(LOCK, threading.RLock())
            with lock:
                found = values.get(self.name, _MISSING)
                if found is _MISSING:
                    found = values[self.name] = self.func(instance)
        return found  # type: ignore[no-any-return]


#: The ``__dict__`` key of an object's lock for its ``computed_once`` values: leave it
#: out when the object is pickled or copied.
LOCK = "_computed_once_lock"
