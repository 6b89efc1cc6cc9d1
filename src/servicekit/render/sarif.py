"""SARIF 2.1.0 for code review: audit findings located at the lines that cause them."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from servicekit._runtime import version
from servicekit.culture.audit import Finding
from servicekit.culture.rules import RULES
from servicekit.model.service_model import ServiceModel

__all__ = ["SARIF_LEVELS", "SARIF_SCHEMA", "to_sarif"]

#: SARIF ``level`` for each severity.
SARIF_LEVELS: Mapping[str, str] = MappingProxyType(
    {"error": "error", "warning": "warning", "info": "note"}
)

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def _uri(path: str, base: str | os.PathLike[str] | None) -> str:
    """A URI reference for ``path``: relative to ``base`` when it lies inside it."""
    pure = Path(path)
    if base is not None and pure.is_absolute():
        try:
            return quote(pure.relative_to(Path(base).resolve()).as_posix())
        except ValueError:
            pass
    if pure.is_absolute():
        return pure.as_uri()
    return quote(PurePath(path).as_posix())


def to_sarif(
    findings: Iterable[Finding],
    model: ServiceModel,
    *,
    base: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The findings as a SARIF 2.1.0 log.

    Each result points at the file, line and column where its subject is
    written (``model.sources``); a model built in Python has none, and then only
    a logical location names the subject. Paths inside ``base`` are written
    relative to it; other absolute paths as ``file://`` URIs.

    Examples
    --------
    >>> import servicekit
    >>> model = servicekit.load_example()
    >>> log = model.audit().to_sarif(model)
    >>> log["version"], log["runs"][0]["results"][0]["ruleId"]
    ('2.1.0', 'unaligned-metric')
    >>> region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    >>> region["startLine"] == model.sources["garments-per-hour"].line
    True
    """
    index = {rule_id: number for number, rule_id in enumerate(RULES)}
    results = []
    for finding in findings:
        location: dict[str, Any] = {}
        where = model.sources.get(finding.subject)
        if where is not None:
            location["physicalLocation"] = {
                "artifactLocation": {"uri": _uri(where.path, base)},
                "region": {"startLine": where.line, "startColumn": where.column},
            }
        logical: dict[str, Any] = {"name": finding.subject}
        kind = model.kind_of(finding.subject)
        if kind is not None:
            logical["kind"] = kind
        location["logicalLocations"] = [logical]
        result: dict[str, Any] = {"ruleId": finding.rule}
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        result["level"] = SARIF_LEVELS[finding.severity]
        result["message"] = {"text": f"{finding.message} {finding.hint}"}
        result["locations"] = [location]
        result["properties"] = {"subject": finding.subject, "hint": finding.hint}
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "servicekit",
                        "version": version(),
                        "rules": [
                            {
                                "id": rule.id,
                                "shortDescription": {"text": rule.description},
                                "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
                            }
                            for rule in RULES.values()
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
