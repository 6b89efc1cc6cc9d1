"""The service-culture audit: run the rules, collect the findings.

The rules themselves are in ``servicekit.culture.rules``. Severities can be
changed, or a rule turned ``off``, in the model file:

    audit:
      rules:
        unscripted-scenario: off
        one-size-script: error

and from Python with ``model.audit(rules={...})``, which is laid over the file's
settings.

Examples
--------
>>> import servicekit
>>> findings = servicekit.load_example().audit()
>>> [(f.severity, f.rule) for f in findings][:2]
[('error', 'unaligned-metric'), ('warning', 'front-line-only-program')]
>>> findings.to_json()["findings"][0]["rule"]
'unaligned-metric'
>>> quiet = servicekit.load_example().audit(rules={"unaligned-metric": "off"})
>>> "unaligned-metric" in {f.rule for f in quiet}
False
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, NamedTuple

from servicekit._runtime import later
from servicekit.culture.rules import RULES
from servicekit.errors import AuditSettingError, ModelError, UnknownIdError, shown
from servicekit.model.entities import AuditSettings
from servicekit.model.service_model import ServiceModel
from servicekit.model.vocabulary import FAIL_ON, SEVERITIES

__all__ = ["Finding", "Findings", "audit", "severity_at_least"]


class _FindingFields(NamedTuple):
    rule: str
    severity: str
    subject: str
    message: str
    hint: str


class Finding(_FindingFields):
    """One thing the audit found.

    ``rule`` is the stable rule id, ``severity`` one of ``error``, ``warning`` or
    ``info``, ``subject`` the id of the entity it is about, ``message`` one sentence
    on why it matters for service, ``hint`` what to do. A named tuple:
    ``pandas.DataFrame(model.audit())`` has one named column a field.
    """

    __slots__ = ()

    def __new__(cls, rule: str, severity: str, subject: str, message: str, hint: str) -> Finding:
        if severity not in SEVERITIES:
            raise AuditSettingError(f"severity must be one of {SEVERITIES}, got {shown(severity)}")
        return super().__new__(cls, rule, severity, subject, message, hint)

    def sort_key(self) -> tuple[int, str, str]:
        """Severity (errors first), then rule id, then subject."""
        return (SEVERITIES.index(self.severity), self.rule, self.subject)

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").findings_html((self,))
        return text


class Findings(tuple[Finding, ...]):
    """The findings of an audit: a plain tuple of ``Finding`` that also shows
    itself as a table in a notebook and renders as text, JSON or SARIF."""

    __slots__ = ()

    def to_text(self) -> str:
        """The findings for people: severity, subject, why it matters and what to do."""
        text: str = later("servicekit.render.text").findings_text(self)
        return text

    def to_json(self) -> dict[str, Any]:
        """``{"findings": [{"rule", "severity", "subject", "message", "hint"}, ...]}``."""
        data: dict[str, Any] = later("servicekit.render.json").findings_json(self)
        return data

    def to_sarif(
        self, model: ServiceModel, *, base: str | os.PathLike[str] | None = None
    ) -> dict[str, Any]:
        """The findings as a SARIF 2.1.0 log, located where ``model`` writes each subject."""
        data: dict[str, Any] = later("servicekit.render.sarif").to_sarif(self, model, base=base)
        return data

    def to_records(self) -> list[dict[str, Any]]:
        """One dict a finding: ``rule``, ``severity``, ``subject``, ``message``, ``hint``."""
        records: list[dict[str, Any]] = later("servicekit.render.rows").finding_records(self)[1]
        return records

    def to_pandas(self) -> Any:
        """The findings as a pandas ``DataFrame``, one row a finding, columns as
        ``to_records()`` (needs the ``pandas`` extra)."""
        table = later("servicekit.render.rows").finding_records(self)
        return later("servicekit.render.frames").table_frame(table)

    def fails(self, threshold: str) -> bool:
        """Whether a finding is at least as severe as ``threshold`` (a fail-on value)."""
        return any(severity_at_least(f.severity, threshold) for f in self)

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").findings_html(self)
        return text

    def _repr_markdown_(self) -> str:
        text: str = later("servicekit.render.markdown").findings_markdown(self)
        return text


def _settings(model: ServiceModel, rules: Mapping[str, str] | None) -> dict[str, str]:
    """Rule id -> ``off`` or severity: the defaults, the model's settings, then ``rules``."""
    settings = {rule.id: rule.severity for rule in RULES.values()}
    settings.update(model.audit_settings.rules)
    if rules:
        for rule_id in rules:
            if rule_id not in RULES:
                raise UnknownIdError(rule_id, kind="audit rule", candidates=list(RULES))
        try:
            settings.update(AuditSettings(rules=rules).rules)
        except ModelError as err:
            raise AuditSettingError(err.problems[0].message) from None
    return settings


def audit(model: ServiceModel, *, rules: Mapping[str, str] | None = None) -> Findings:
    """Every finding of every rule that is on, errors first, then by rule id and subject.

    ``rules`` maps rule ids to ``off`` or a severity and is laid over the
    model's own ``audit:`` settings. An unknown rule id raises
    ``UnknownIdError``; a bad setting
    ``AuditSettingError``.

    Examples
    --------
    >>> import servicekit
    >>> model = servicekit.load_example()
    >>> [f.rule for f in audit(model, rules={"unscripted-scenario": "error"})][:2]
    ['unaligned-metric', 'unscripted-scenario']
    """
    settings = _settings(model, rules)
    findings = []
    for rule in RULES.values():
        severity = settings[rule.id]
        if severity == "off":
            continue
        for subject, message, hint in rule.check(model):
            findings.append(
                Finding(
                    rule=rule.id, severity=severity, subject=subject, message=message, hint=hint
                )
            )
    findings.sort(key=Finding.sort_key)
    return Findings(findings)


def severity_at_least(severity: str, threshold: str) -> bool:
    """Whether a finding of ``severity`` meets a fail-on ``threshold``.

    ``threshold`` is ``error``, ``warning``, ``info`` or ``never`` (nothing fails).

    Examples
    --------
    >>> severity_at_least("warning", "error"), severity_at_least("error", "warning")
    (False, True)
    >>> severity_at_least("error", "never")
    False
    """
    if severity not in SEVERITIES:
        raise AuditSettingError(f"severity must be one of {SEVERITIES}, not {shown(severity)}")
    if threshold not in FAIL_ON:
        raise AuditSettingError(f"--fail-on must be one of {FAIL_ON}, not {shown(threshold)}")
    if threshold == "never":
        return False
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)
