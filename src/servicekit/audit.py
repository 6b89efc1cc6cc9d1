"""The service-culture audit: rules that find what works against a service culture.

Rules are data. :data:`RULES` maps each rule id to a :class:`Rule`: its default
severity, a one-line description and a check function that takes the model and
yields ``(subject_id, message, hint)`` for every problem. Adding a rule takes one
function and one line in the table.

A role is *front-line* when it serves at a touchpoint; a role's *managers* are
the chain of its ``reports_to``. A programme's *audience* is the roles it lists
plus every role of the departments it lists.

Severities can be changed, or a rule turned ``off``, in the model file::

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
>>> findings_to_json(findings)["findings"][0]["rule"]
'unaligned-metric'
>>> quiet = servicekit.load_example().audit(rules={"unaligned-metric": "off"})
>>> "unaligned-metric" in {f.rule for f in quiet}
False
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import attrs

from servicekit.errors import ServicekitError, UnknownIdError
from servicekit.guide import covers
from servicekit.mapping import source_of
from servicekit.model import SECTIONS, SEVERITIES

if TYPE_CHECKING:
    from servicekit.model import Program, Scenario, Script, ServiceModel

__all__ = [
    "PAY_AND_PROMOTION",
    "RULES",
    "SELF_DIRECTED_FORMATS",
    "SEVERITIES",
    "AuditSettingError",
    "Finding",
    "Findings",
    "Rule",
    "audit",
    "findings_to_json",
    "findings_to_text",
    "severity_at_least",
    "to_sarif",
]

#: What a ``--fail-on`` threshold may be: a severity, or ``never``.
FAIL_ON = (*SEVERITIES, "never")

#: ``tied_to`` values that make a metric count toward pay or promotion (compared lower-cased).
PAY_AND_PROMOTION = frozenset(
    {"pay", "promotion", "bonus", "commission", "compensation", "salary", "incentive"}
)

#: Programme formats where people learn alone (compared lower-cased).
SELF_DIRECTED_FORMATS = frozenset(
    {
        "self-directed",
        "self-study",
        "self-paced",
        "e-learning",
        "elearning",
        "online",
        "reading",
        "video",
        "handbook",
        "manual",
    }
)

#: SARIF ``level`` for each severity.
SARIF_LEVELS: Mapping[str, str] = MappingProxyType(
    {"error": "error", "warning": "warning", "info": "note"}
)

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

#: How many names a message lists before it says "and N more".
_LISTED = 4

Check = Callable[["ServiceModel"], Iterable[tuple[str, str, str]]]


class AuditSettingError(ServicekitError, ValueError):
    """An audit setting that is neither ``off`` nor a severity, or a bad ``--fail-on``."""


def _severity(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in SEVERITIES:
        raise ValueError(f"{attribute.name} must be one of {SEVERITIES}, got {value!r}")


@attrs.frozen(kw_only=True)
class Finding:
    """One thing the audit found.

    ``rule`` is the stable rule id, ``subject`` the id of the entity it is about,
    ``message`` one sentence on why it matters for service, ``hint`` what to do.
    """

    rule: str
    severity: str = attrs.field(validator=_severity)
    subject: str
    message: str
    hint: str

    def sort_key(self) -> tuple[int, str, str]:
        """Severity (errors first), then rule id, then subject."""
        return (SEVERITIES.index(self.severity), self.rule, self.subject)


@attrs.frozen(kw_only=True)
class Rule:
    """An audit rule: its id, default severity, what it looks for and its check."""

    id: str
    severity: str = attrs.field(validator=_severity)
    description: str
    check: Check = attrs.field(eq=False, repr=False)


# --- helpers -------------------------------------------------------------------------------


def _quoted(entity: Any) -> str:
    """A named thing (programme, script, metric ...) as readers know it: its label, quoted."""
    return f'"{entity.label}"'


def _roles(model: ServiceModel, ids: Iterable[str]) -> str:
    """Role labels, listed: ``the Cashier and Counter clerk``."""
    labels = [model.roles[r].label for r in ids]
    return "the " + _listed(labels) if labels else ""


def _owner(model: ServiceModel, owner: str | None) -> str:
    if owner is None:
        return ""
    if owner in model.roles:
        return f" for {_roles(model, [owner])}"
    return f" for the {owner} department"


def _listed(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``, or the first few ``and N more``."""
    names = list(items)
    if len(names) > _LISTED + 1:
        names = [*names[:_LISTED], f"{len(names) - _LISTED} more"]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _reaching_touchpoints(model: ServiceModel) -> set[str]:
    """Every node with a directed path to some touchpoint: one reverse BFS from all of them."""
    pred = model.chain.graph.pred
    seen: set[str] = set()
    frontier = list(model.touchpoints)
    while frontier:
        following = []
        for node in frontier:
            for before in pred[node]:
                if before not in seen:
                    seen.add(before)
                    following.append(before)
        frontier = following
    return seen


def _audience(model: ServiceModel, program: Program) -> set[str]:
    roles = set(program.audience.roles)
    departments = set(program.audience.departments)
    if departments:
        roles.update(r.id for r in model.roles.values() if r.department in departments)
    return roles


def _covering(model: ServiceModel) -> dict[str, list[Script]]:
    """Scenario id -> the scripts that cover it, in model order."""
    by_tag: dict[str, list[Script]] = {}
    for script in model.scripts.values():
        for tag in dict.fromkeys(script.situations):
            by_tag.setdefault(tag, []).append(script)
    found: dict[str, list[Script]] = {}
    for scenario in model.scenarios.values():
        candidates: dict[str, Script] = {}
        for tag in scenario.tags:
            for script in by_tag.get(tag, ()):
                candidates.setdefault(script.id, script)
        found[scenario.id] = [s for s in candidates.values() if covers(model, s, scenario)]
    return found


def _has_principle(model: ServiceModel, role: str) -> bool:
    found = model.roles[role]
    return any(source_of(p, found) is not None for p in model.principles.values())


def _on_duty(model: ServiceModel, scenario: Scenario) -> str:
    return model.touchpoints[scenario.touchpoint].role


# --- the rules -----------------------------------------------------------------------------


def _no_customer(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    managed = {r.reports_to for r in model.roles.values() if r.reports_to is not None}
    front_line = model.front_line
    for role in model.roles.values():
        if role.serves or role.id in front_line or role.id in managed:
            continue
        yield (
            role.id,
            f"The {role.label} hands its work to no colleague, meets no customer at a "
            "touchpoint and has no one reporting to it, so nobody is served by what this "
            "job does.",
            "Write down whom this role serves: the colleague who receives its work (serves) "
            "or the touchpoint where it meets customers; if it truly serves no one, "
            "ask whether the job is still needed.",
        )


def _no_line_of_sight(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    reaching = _reaching_touchpoints(model)
    for role in model.roles.values():
        if role.serves and role.id not in reaching:
            receivers = _roles(model, dict.fromkeys(h.target for h in role.serves))
            yield (
                role.id,
                f"The work the {role.label} hands to {receivers} never reaches a customer "
                "touchpoint, so people in this job cannot see which customers they "
                "ultimately serve.",
                "Follow where this work goes after it is handed on and add the missing "
                "hand-off or touchpoint, then show the people in this job the customers "
                "at the end of the line.",
            )


def _uncovered_role(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    if any(p.applies_to is None for p in model.principles.values()):
        return  # a principle for everyone covers every role
    reaching = _reaching_touchpoints(model)  # one pass over the chain for every role
    for role in model.roles.values():
        if role.id not in reaching or _has_principle(model, role.id):
            continue
        touchpoints = _listed(
            model.touchpoints[t].label for t in sorted(model.chain.touchpoints_reached(role.id).ids)
        )
        yield (
            role.id,
            f"No service principle applies to the {role.label}, although its work reaches "
            f"customers at {touchpoints}, so when something happens that no procedure "
            "foresaw, this role has nothing to guide it.",
            "Extend a principle to this role or to its department (applies_to), "
            "or list the principles it should carry under the role's own principles.",
        )


def _orphan_principle(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    departments = set(model.departments)
    for principle in model.principles.values():
        if any(source_of(principle, r) is not None for r in model.roles.values()):
            continue
        scope = principle.applies_to
        unknown = [d for d in scope.departments if d not in departments] if scope else []
        hint = (
            "Point it at the roles or departments that should carry it (applies_to), or remove it."
        )
        if unknown:
            hint += (
                f" No role belongs to the department{'s' if len(unknown) > 1 else ''} "
                f"{_listed(unknown)}: check the spelling against the roles' departments."
            )
        yield (
            principle.id,
            f"The principle {_quoted(principle)} applies to no role, so nobody is taught "
            "to use it and it shapes no one's service.",
            hint,
        )


def _unaligned_metric(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    for metric in model.metrics.values():
        tied = [t for t in metric.tied_to if t.lower() in PAY_AND_PROMOTION]
        if not tied or metric.serves:
            continue
        owner = _owner(model, metric.owner)
        yield (
            metric.id,
            f"The metric {_quoted(metric)} decides {_listed(tied)}{owner} but is linked to "
            "no touchpoint or customer, so it rewards work that customers may not value and pushes "
            "people to look after their own numbers instead of the customer.",
            "Link the metric to the touchpoints or customers it should serve (its serves list), "
            f"or stop tying it to {_listed(tied)} until it measures something customers value.",
        )


def _uncovered_scenario(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    covering = _covering(model)
    for scenario in model.scenarios.values():
        role = _on_duty(model, scenario)
        if covering[scenario.id] or _has_principle(model, role):
            continue
        yield (
            scenario.id,
            f"When {_quoted(scenario)} happens at {model.touchpoints[scenario.touchpoint].label}, "
            f"no script covers it and no service principle applies to {_roles(model, [role])} "
            "on duty, so the person serving the customer has nothing to go on.",
            f"Give {_roles(model, [role])} at least one service principle to reason from; "
            "if the situation comes up often, also write a script for it.",
        )


def _unscripted_scenario(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    covering = _covering(model)
    for scenario in model.scenarios.values():
        role = _on_duty(model, scenario)
        if covering[scenario.id] or not _has_principle(model, role):
            continue  # a role with no principle at all is uncovered-scenario's finding
        yield (
            scenario.id,
            f"No script covers {_quoted(scenario)} at "
            f"{model.touchpoints[scenario.touchpoint].label}, so {_roles(model, [role])} on "
            "duty must rely on service principles alone when it happens.",
            "Use it as a practice case in principle-based education; write a script "
            "only if it comes up often.",
        )


def _one_size_script(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    customers: dict[str, set[str]] = {}
    for scenario_id, scripts in _covering(model).items():
        customer = model.scenarios[scenario_id].customer
        if customer is None:
            continue
        for script in scripts:
            customers.setdefault(script.id, set()).add(customer)
    for script in model.scripts.values():
        served = sorted(customers.get(script.id, ()))
        if len(served) < 2:
            continue
        labels = _listed(model.customers[c].label for c in served)
        yield (
            script.id,
            f"The script {_quoted(script)} is the one procedure for {labels}, who value "
            "different things, so a single standard way of handling it will fit some "
            "of them poorly.",
            "Add a step that asks what this customer values, or write a version of the "
            "script for each kind of customer.",
        )


def _front_line_only_program(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    front_line = model.front_line
    for program in model.programs.values():
        audience = _audience(model, program)
        if not audience or not audience <= front_line:
            continue
        hint = "Bring in the back-office roles whose work reaches the same customers"
        behind = _behind(model, audience)
        hint += f", such as {_roles(model, behind)}." if behind else "."
        yield (
            program.id,
            f"{_quoted(program)} trains only front-line roles "
            f"({_roles(model, sorted(audience))}), "
            "but many problems customers meet are made upstream and cannot be fixed "
            "where the customer is served.",
            hint,
        )


def _behind(model: ServiceModel, audience: set[str]) -> list[str]:
    """Roles outside ``audience`` upstream of its touchpoints, nearest first."""
    chain = model.chain
    nearest: dict[str, int] = {}
    for touchpoint in model.touchpoints.values():
        if touchpoint.role not in audience:
            continue
        for reach in chain.upstream(touchpoint.id).of_kind("role"):
            if reach.id not in audience and reach.distance < nearest.get(reach.id, 1 << 30):
                nearest[reach.id] = reach.distance
    return sorted(nearest, key=lambda r: (nearest[r], r))


def _one_dimensional_program(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    for program in model.programs.values():
        if program.reinforcement:
            continue
        yield (
            program.id,
            f"{_quoted(program)} has no coaching, follow-up, measurement or recognition "
            "after it, so what people learn is likely to fade once it ends.",
            "Plan at least one kind of reinforcement: coaching on the job, "
            "follow-up sessions, measuring the change, or recognising people who apply it.",
        )


def _self_directed_only_program(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    for program in model.programs.values():
        formats = program.formats
        if not formats or any(f.lower() not in SELF_DIRECTED_FORMATS for f in formats):
            continue
        yield (
            program.id,
            f"{_quoted(program)} is only {_listed(formats)}, so people learn alone, with no "
            "one to practise with, ask or learn from.",
            "Add a format with other people in it, such as a workshop, a classroom "
            "session or coaching.",
        )


def _managers_not_included(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    for program in model.programs.values():
        audience = _audience(model, program)
        missing: dict[str, None] = {}
        for role in sorted(audience):
            for manager in model.managers_of(role):
                if manager not in audience:
                    missing[manager] = None
        if not missing:
            continue
        managers = _roles(model, missing)
        yield (
            program.id,
            f"{_quoted(program)} trains {_roles(model, sorted(audience))} but leaves out "
            f"their manager{'s' if len(missing) > 1 else ''}, {managers}, so people go back "
            "to managers who have not learnt what they were taught and cannot model, coach "
            "or reward it.",
            f"Add {managers} to the audience, so managers learn the same service and "
            "can back it up on the job.",
        )


#: Every audit rule, keyed by id. Add a rule by writing its check and one line here.
RULES: Mapping[str, Rule] = MappingProxyType(
    {
        rule.id: rule
        for rule in (
            Rule(
                id="no-customer",
                severity="warning",
                description="A role with no hand-off, no touchpoint and nobody reporting "
                "to it: it serves no one.",
                check=_no_customer,
            ),
            Rule(
                id="no-line-of-sight",
                severity="warning",
                description="A role with hand-offs none of whose downstream reaches a touchpoint.",
                check=_no_line_of_sight,
            ),
            Rule(
                id="uncovered-role",
                severity="warning",
                description="A role upstream of some touchpoint that no principle applies to.",
                check=_uncovered_role,
            ),
            Rule(
                id="orphan-principle",
                severity="info",
                description="A principle that applies to no role.",
                check=_orphan_principle,
            ),
            Rule(
                id="unaligned-metric",
                severity="error",
                description="A metric tied to pay or promotion with nothing in serves.",
                check=_unaligned_metric,
            ),
            Rule(
                id="uncovered-scenario",
                severity="error",
                description="A scenario with no script for its tags and no principle for "
                "its role on duty.",
                check=_uncovered_scenario,
            ),
            Rule(
                id="unscripted-scenario",
                severity="info",
                description="A scenario no script covers: only education helps there.",
                check=_unscripted_scenario,
            ),
            Rule(
                id="one-size-script",
                severity="warning",
                description="A script covering scenarios of two or more different customers.",
                check=_one_size_script,
            ),
            Rule(
                id="front-line-only-program",
                severity="warning",
                description="A programme whose whole audience is front-line roles.",
                check=_front_line_only_program,
            ),
            Rule(
                id="one-dimensional-program",
                severity="warning",
                description="A programme with no reinforcement.",
                check=_one_dimensional_program,
            ),
            Rule(
                id="self-directed-only-program",
                severity="warning",
                description="A programme whose only formats are self-directed ones.",
                check=_self_directed_only_program,
            ),
            Rule(
                id="managers-not-included",
                severity="warning",
                description="A programme whose audience leaves out a manager of someone in it.",
                check=_managers_not_included,
            ),
        )
    }
)


# --- running the audit ---------------------------------------------------------------------


def _settings(model: ServiceModel, rules: Mapping[str, str] | None) -> dict[str, str]:
    """Rule id -> ``off`` or severity: the defaults, the model's settings, then ``rules``."""
    settings = {rule.id: rule.severity for rule in RULES.values()}
    for layer in (model.audit_settings.rules, rules or {}):
        for rule_id, setting in layer.items():
            if rule_id not in RULES:
                raise UnknownIdError(rule_id, kind="audit rule", candidates=list(RULES))
            if setting != "off" and setting not in SEVERITIES:
                raise AuditSettingError(
                    f"audit rule {rule_id!r} must be set to off, error, warning or info, "
                    f"not {setting!r}"
                )
            settings[rule_id] = setting
    return settings


class Findings(tuple[Finding, ...]):
    """The findings of an audit: a plain tuple of :class:`Finding` that also shows
    itself as a table in a notebook and renders as text, JSON or SARIF."""

    __slots__ = ()

    def to_text(self) -> str:
        """The findings for people (see :func:`findings_to_text`)."""
        return findings_to_text(self)

    def to_json(self) -> dict[str, Any]:
        """``{"findings": [...]}`` (see :func:`findings_to_json`)."""
        return findings_to_json(self)

    def _repr_html_(self) -> str:
        from servicekit.display import findings_html

        return findings_html(self)

    def _repr_markdown_(self) -> str:
        from servicekit.display import findings_markdown

        return findings_markdown(self)


def audit(model: ServiceModel, *, rules: Mapping[str, str] | None = None) -> Findings:
    """Every finding of every rule that is on, errors first, then by rule id and subject.

    ``rules`` maps rule ids to ``off`` or a severity and is laid over the
    model's own ``audit:`` settings. An unknown rule id raises
    :class:`~servicekit.UnknownIdError`; a bad setting :class:`AuditSettingError`.

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
    """Whether a finding of ``severity`` meets a ``--fail-on`` ``threshold``.

    ``threshold`` is ``error``, ``warning``, ``info`` or ``never`` (nothing fails).

    Examples
    --------
    >>> severity_at_least("warning", "error"), severity_at_least("error", "warning")
    (False, True)
    >>> severity_at_least("error", "never")
    False
    """
    if severity not in SEVERITIES:
        raise AuditSettingError(f"severity must be one of {SEVERITIES}, not {severity!r}")
    if threshold not in FAIL_ON:
        raise AuditSettingError(f"--fail-on must be one of {FAIL_ON}, not {threshold!r}")
    if threshold == "never":
        return False
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


# --- renders -------------------------------------------------------------------------------


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 or word == 'info' else 's'}"


def findings_to_text(findings: Iterable[Finding], *, width: int = 88) -> str:
    """The findings for people: each with its severity, subject, why it matters and what to do.

    Examples
    --------
    >>> f = Finding(rule="one-dimensional-program", severity="warning", subject="induction",
    ...             message="Induction has no follow-up.", hint="Plan coaching.")
    >>> print(findings_to_text([f]))
    WARNING  induction  (one-dimensional-program)
      Why it matters: Induction has no follow-up.
      What to do: Plan coaching.
    <BLANKLINE>
    1 finding: 0 errors, 1 warning, 0 info.
    <BLANKLINE>
    >>> print(findings_to_text([]))
    No findings: every audit rule that is on passed.
    <BLANKLINE>
    """
    found = list(findings)
    if not found:
        return "No findings: every audit rule that is on passed.\n"
    lines: list[str] = []
    for finding in found:
        lines.append(f"{finding.severity.upper()}  {finding.subject}  ({finding.rule})")
        for label, text in (("Why it matters", finding.message), ("What to do", finding.hint)):
            lines.append(
                textwrap.fill(
                    f"{label}: {text}",
                    width=width,
                    initial_indent="  ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                )
            )
        lines.append("")
    counts = {s: sum(1 for f in found if f.severity == s) for s in SEVERITIES}
    lines.append(
        f"{_count(len(found), 'finding')}: "
        + ", ".join(_count(counts[s], s) for s in SEVERITIES)
        + "."
    )
    return "\n".join(lines) + "\n"


def findings_to_json(findings: Iterable[Finding]) -> dict[str, Any]:
    """``{"findings": [{"rule", "severity", "subject", "message", "hint"}, ...]}``."""
    return {
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "subject": f.subject,
                "message": f.message,
                "hint": f.hint,
            }
            for f in findings
        ]
    }


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


def _kind_of(model: ServiceModel, subject: str) -> str | None:
    for section, kind in SECTIONS:
        if subject in getattr(model, section):
            return kind
    return None


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
    >>> log = to_sarif(model.audit(), model)
    >>> log["version"], log["runs"][0]["results"][0]["ruleId"]
    ('2.1.0', 'unaligned-metric')
    >>> region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    >>> region["startLine"] == model.sources["garments-per-hour"].line
    True
    """
    from servicekit import __version__

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
        kind = _kind_of(model, finding.subject)
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
                        "version": __version__,
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
