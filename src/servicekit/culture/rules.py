"""The audit's rules: each a function that finds what works against a service culture.

A rule's check takes the model and yields ``(subject_id, message, hint)`` for
every problem it finds. :data:`RULES` joins each check to its id, default
severity and description, which the model's vocabulary
(:data:`servicekit.model.vocabulary.AUDIT_RULES`) holds, so that a model file can
name rules without loading this module. Adding a rule takes one function here
and one line in each table.

A role is *front-line* when it serves at a touchpoint; a role's *managers* are
the chain of its ``reports_to``. A programme's *audience* is the roles it lists
plus every role of the departments it lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from servicekit._words import listed as _listed
from servicekit.culture.guide import covers
from servicekit.culture.mapping import source_of
from servicekit.model.entities import Program, Scenario, Script
from servicekit.model.service_model import ServiceModel
from servicekit.model.vocabulary import AUDIT_RULES, SEVERITIES

__all__ = [
    "PAY_AND_PROMOTION",
    "RULES",
    "SELF_DIRECTED_FORMATS",
    "Check",
    "Rule",
]

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

Check = Callable[[ServiceModel], Iterable[tuple[str, str, str]]]


def _severity(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in SEVERITIES:
        raise ValueError(f"{attribute.name} must be one of {SEVERITIES}, got {value!r}")


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
            receivers = _roles(model, dict.fromkeys(h.to for h in role.serves))
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


#: Each rule's check, by rule id.
_CHECKS: dict[str, Check] = {
    "no-customer": _no_customer,
    "no-line-of-sight": _no_line_of_sight,
    "uncovered-role": _uncovered_role,
    "orphan-principle": _orphan_principle,
    "unaligned-metric": _unaligned_metric,
    "uncovered-scenario": _uncovered_scenario,
    "unscripted-scenario": _unscripted_scenario,
    "one-size-script": _one_size_script,
    "front-line-only-program": _front_line_only_program,
    "one-dimensional-program": _one_dimensional_program,
    "self-directed-only-program": _self_directed_only_program,
    "managers-not-included": _managers_not_included,
}

#: Every audit rule, keyed by id, in the order findings of equal severity are listed.
RULES: Mapping[str, Rule] = MappingProxyType(
    {
        rule_id: Rule(
            id=rule_id, severity=severity, description=description, check=_CHECKS[rule_id]
        )
        for rule_id, (severity, description) in AUDIT_RULES.items()
    }
)
