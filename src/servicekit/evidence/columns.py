"""Which column of a complaints file or a hand-off log holds what: short names and defaults.

Columns are named by short names (``case``, ``role``, ``time`` ...). Each kind of evidence
has a default column for each short name: a hand-off log uses the XES / pm4py names
(``case:concept:name``, ``org:role``, ``time:timestamp`` ...), so a process-mining export
reads as it is; a complaints file uses the plain words. ``columns={"role": "org:resource"}``
in Python, or ``--column role=org:resource`` on the command line, names another column.

Examples
--------
>>> log_columns({"role": "Team"})["role"], log_columns(None)["case"]
('Team', 'case:concept:name')
>>> column_pairs(["role=org:resource", "time=When"])
{'role': 'org:resource', 'time': 'When'}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from servicekit.errors import UsageError, nearest

__all__ = [
    "COMPLAINT_COLUMNS",
    "LOG_COLUMNS",
    "ROLE_MAP_COLUMNS",
    "SHORT_NAMES",
    "column_pairs",
    "complaint_columns",
    "log_columns",
]

#: The columns of a complaints file: short name -> the column it is read from by default.
COMPLAINT_COLUMNS: Mapping[str, str] = {
    "touchpoint": "touchpoint",
    "category": "category",
    "customer": "customer",
    "count": "count",
}

#: The columns of a hand-off log: short name -> its XES / pm4py name, the default column.
LOG_COLUMNS: Mapping[str, str] = {
    "case": "case:concept:name",
    "role": "org:role",
    "resource": "org:resource",
    "time": "time:timestamp",
    "activity": "concept:name",
    "customer": "case:customer",
}

#: The columns of a file mapping the people of a log to roles (``--roles FILE``).
ROLE_MAP_COLUMNS: Mapping[str, str] = {"resource": "resource", "role": "role"}

#: Every short name, in the order the docs list them.
SHORT_NAMES = (
    "case",
    "role",
    "resource",
    "time",
    "activity",
    "customer",
    "touchpoint",
    "category",
    "count",
)


def _columns(
    defaults: Mapping[str, str], given: Mapping[str, str] | None, what: str
) -> dict[str, str]:
    """``defaults`` with ``given`` laid over them; an unknown short name is a usage error."""
    found = dict(defaults)
    if given is None:
        return found
    if not isinstance(given, Mapping):
        raise UsageError(
            f"columns must be a mapping of short name -> column, not {type(given).__name__}"
        )
    for short, column in given.items():
        if short not in defaults:
            other = " (a column of other evidence)" if short in SHORT_NAMES else ""
            hint = nearest(str(short), list(defaults))
            raise UsageError(
                f"{what} have no {short!r} column{other}; theirs are {', '.join(defaults)}"
                + (f"; {hint}" if hint else "")
            )
        if not isinstance(column, str) or not column:
            raise UsageError(
                f"the {short} column must be named by a non-empty text, not {column!r}"
            )
        found[short] = column
    return found


def complaint_columns(given: Mapping[str, str] | None) -> dict[str, str]:
    """Short name -> column of a complaints file: the defaults, with ``given`` laid over them.

    Examples
    --------
    >>> complaint_columns({"category": "reason"})
    {'touchpoint': 'touchpoint', 'category': 'reason', 'customer': 'customer', 'count': 'count'}
    >>> complaint_columns({"case": "id"})
    Traceback (most recent call last):
    ...
    servicekit.errors.UsageError: complaints have no 'case' column (a column of other evidence); theirs are touchpoint, category, customer, count
    """  # noqa: E501
    return _columns(COMPLAINT_COLUMNS, given, "complaints")


def log_columns(given: Mapping[str, str] | None) -> dict[str, str]:
    """Short name -> column of a hand-off log: the XES names, with ``given`` laid over them."""
    return _columns(LOG_COLUMNS, given, "hand-off logs")


def column_pairs(pairs: Sequence[str]) -> dict[str, str]:
    """``--column SHORT=COLUMN`` arguments as a mapping; a pair without ``=`` is a usage error.

    Examples
    --------
    >>> column_pairs(["case=ticket id"])
    {'case': 'ticket id'}
    >>> column_pairs(["role"])
    Traceback (most recent call last):
    ...
    servicekit.errors.UsageError: --column takes SHORT=COLUMN (role=org:resource), got 'role'
    """
    found: dict[str, str] = {}
    for pair in pairs:
        short, sep, column = pair.partition("=")
        if not sep or not short or not column:
            raise UsageError(f"--column takes SHORT=COLUMN (role=org:resource), got {pair!r}")
        found[short.strip()] = column
    return found
