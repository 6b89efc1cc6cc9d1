"""The audit's rules: each a function that finds what works against a service culture.

A rule's check takes the model and yields ``(subject_id, message, hint)`` for
every problem it finds. ``RULES`` joins each check to its id, default
severity and description, which the model's vocabulary
(``servicekit.model.vocabulary.AUDIT_RULES``) holds, so that a model file can
name rules without loading this module. Adding a rule takes one function here
and one line in each table.

A role is *front-line* when it serves at a touchpoint; a role's *managers* are
the chain of its ``reports_to``. A programme's *audience* is the roles it lists
plus every person role of the departments it lists. Systems (``kind: system``)
are not people: principles, programmes, ``no-customer``, ``uncovered-role`` and
``managers-not-included`` leave them out.

Every rule runs in time near-linear in the size of the model (and of its
findings): facts about many roles are worked out in one pass over the chain, not
one query per role.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs

from servicekit._words import listed as _listed
from servicekit.culture.guide import covers
from servicekit.errors import did_you_mean, suggest
from servicekit.model.entities import Principle, Program, Role, Scenario, Script
from servicekit.model.service_model import ServiceModel
from servicekit.model.vocabulary import AUDIT_RULES, CONSEQUENTIAL, SEVERITIES

__all__ = [
    "RULES",
    "SELF_DIRECTED_FORMATS",
    "Check",
    "Rule",
    "consequential_words",
]

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


def _role(role: Role) -> str:
    """A role as a sentence names it: ``the Cashier``, or ``role 'a'`` when it has no name."""
    return f"the {role.name}" if role.name else f"role {role.id!r}"


def _upper_first(text: str) -> str:
    """``text`` starting a sentence: its first letter upper-case, the rest as it is."""
    return text[:1].upper() + text[1:]


def _roles(model: ServiceModel, ids: Iterable[str]) -> str:
    """Roles, listed: ``the Cashier and Counter clerk``; unnamed ones by id:
    ``roles 'runner' and 'clerk'``, or ``the Cashier and role 'runner'`` when mixed."""
    roles = [model.roles[r] for r in ids]
    if all(r.name for r in roles):
        return "the " + _listed([r.name for r in roles]) if roles else ""
    if not any(r.name for r in roles):
        quoted = [repr(r.id) for r in roles]
        return f"role {quoted[0]}" if len(quoted) == 1 else "roles " + _listed(quoted)
    return _listed([_role(r) for r in roles])


def _first_and_count(names: Sequence[str], total: int, most: int = 4) -> str:
    """What ``listed()`` says of ``total`` names of which the first
    ``most + 1`` (or all) are given."""
    if total > most + 1:
        return _listed([*names[:most], f"{total - most} more"], most=most + 1)
    return _listed(names[:total], most=most + 1)


def _owner(model: ServiceModel, owner: str | None) -> str:
    if owner is None:
        return ""
    if owner in model.roles:
        return f" for {_roles(model, [owner])}"
    return f" for the {owner} department"


def _people(model: ServiceModel) -> Iterator[Role]:
    """The roles people hold (every role that is not a system), in model order."""
    return (r for r in model.roles.values() if r.kind != "system")


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


def _departments(model: ServiceModel) -> dict[str, list[str]]:
    """Department -> the person roles in it, in model order."""
    found: dict[str, list[str]] = {}
    for role in _people(model):
        if role.department is not None:
            found.setdefault(role.department, []).append(role.id)
    return found


def _audience(program: Program, departments: Mapping[str, list[str]]) -> set[str]:
    roles = set(program.audience.roles)
    for department in program.audience.departments:
        roles.update(departments.get(department, ()))
    return roles


class _Principles:
    """Which principles apply to whom, for whom, answered in constant time a question.

    For the principles for everyone, for each listed role (``applies_to.roles`` or
    the role's own ``principles``) and for each department: whether one of them is
    for every customer, and the customers the others are for.
    """

    def __init__(self, model: ServiceModel) -> None:
        self.everyone = _Group()
        self.by_role: dict[str, _Group] = {}
        self.by_department: dict[str, _Group] = {}
        self.applied: set[str] = set()  # principles that apply to some person role
        people = {r.id: r for r in _people(model)}
        departments = {r.department for r in people.values() if r.department is not None}
        for principle in model.principles.values():
            scope = principle.applies_to
            if scope is None:
                self.everyone.add(principle)
                if people:
                    self.applied.add(principle.id)
                continue
            for role in scope.roles:
                self.by_role.setdefault(role, _Group()).add(principle)
                self.applied.add(principle.id)
            for department in scope.departments:
                self.by_department.setdefault(department, _Group()).add(principle)
                if department in departments:
                    self.applied.add(principle.id)
        for person in people.values():
            for named in person.principles:
                self.by_role.setdefault(person.id, _Group()).add(model.principles[named])
                self.applied.add(named)
        self.people = people

    def any_for(self, role: str) -> bool:
        """Whether some principle applies to ``role`` (whoever the customer)."""
        found = self.people.get(role)
        if found is None:
            return False
        return any(group.principles for group in self._groups(found))

    def for_customer(self, role: str, customer: str | None) -> bool:
        """Whether a principle applies to ``role`` in a scenario of ``customer``."""
        found = self.people.get(role)
        if found is None:
            return False
        return any(group.admits(customer) for group in self._groups(found))

    def _groups(self, role: Role) -> Iterator[_Group]:
        yield self.everyone
        group = self.by_role.get(role.id)
        if group is not None:
            yield group
        if role.department is not None:
            group = self.by_department.get(role.department)
            if group is not None:
                yield group


class _Group:
    """Principles of one kind of reach: any for every customer, and the customers of the rest."""

    __slots__ = ("customers", "principles", "unrestricted")

    def __init__(self) -> None:
        self.principles = 0
        self.unrestricted = False
        self.customers: set[str] = set()

    def add(self, principle: Principle) -> None:
        self.principles += 1
        if principle.for_ is None:
            self.unrestricted = True
        else:
            self.customers.update(principle.for_)

    def admits(self, customer: str | None) -> bool:
        return self.unrestricted or (customer is not None and customer in self.customers)


def _covering(model: ServiceModel) -> dict[str, list[Script]]:
    """Scenario id -> the scripts that cover it, in model order.

    Scripts are indexed by (tag, touchpoint) and (tag, role), so a scenario only
    meets the scripts written for its own place.
    """
    by_place: dict[tuple[str, str, str], list[Script]] = {}
    for script in model.scripts.values():
        for tag in dict.fromkeys(script.situations):
            if script.touchpoint is not None:
                by_place.setdefault((tag, "touchpoint", script.touchpoint), []).append(script)
            if script.role is not None:
                by_place.setdefault((tag, "role", script.role), []).append(script)
    order = {script_id: number for number, script_id in enumerate(model.scripts)}
    found: dict[str, list[Script]] = {}
    for scenario in model.scenarios.values():
        on_duty = _on_duty(model, scenario)
        candidates: dict[str, Script] = {}
        for tag in scenario.tags:
            for place in (("touchpoint", scenario.touchpoint), ("role", on_duty)):
                for script in by_place.get((tag, *place), ()):
                    candidates.setdefault(script.id, script)
        found[scenario.id] = sorted(
            (s for s in candidates.values() if covers(model, s, scenario)),
            key=lambda s: order[s.id],
        )
    return found


def _on_duty(model: ServiceModel, scenario: Scenario) -> str:
    return model.touchpoints[scenario.touchpoint].role


def consequential_words(model: ServiceModel) -> tuple[str, ...]:
    """The words that make a metric consequential: the model's ``audit: consequential:``, or
    ``CONSEQUENTIAL``."""
    words = model.audit_settings.consequential
    return CONSEQUENTIAL if words is None else words


def _consequential(words: Sequence[str]) -> re.Pattern[str] | None:
    """A pattern finding any of ``words`` as a word or phrase, ignoring case."""
    parts = [r"\s+".join(map(re.escape, w.split())) for w in words if w.strip()]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


# --- the rules -----------------------------------------------------------------------------


def _no_customer(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    managed = {r.reports_to for r in model.roles.values() if r.reports_to is not None}
    front_line = model.front_line
    for role in _people(model):
        if role.serves or role.id in front_line or role.id in managed:
            continue
        yield (
            role.id,
            f"{_upper_first(_role(role))} hands its work to no colleague, meets no customer at a "
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
                f"The work that {_role(role)} hands to {receivers} never reaches a customer "
                "touchpoint, so people in this job cannot see which customers they "
                "ultimately serve.",
                "Follow where this work goes after it is handed on and add the missing "
                "hand-off or touchpoint, then show the people in this job the customers "
                "at the end of the line.",
            )


def _uncovered_role(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    if any(p.applies_to is None for p in model.principles.values()):
        return  # a principle for everyone covers every role
    principles = _Principles(model)
    reaching = _reaching_touchpoints(model)  # one pass over the chain for every role
    uncovered = [r for r in _people(model) if r.id in reaching and not principles.any_for(r.id)]
    if not uncovered:
        return
    reached = model.chain.touchpoints_reached_of_all([r.id for r in uncovered], first=5)
    touchpoints = model.touchpoints
    for role in uncovered:
        total, first = reached[role.id]
        names = _first_and_count([touchpoints[t].label for t in first], total)
        yield (
            role.id,
            f"No service principle applies to {_role(role)}, although its work reaches "
            f"customers at {names}, so when something happens that no procedure "
            "foresaw, this role has nothing to guide it.",
            "Extend a principle to this role or to its department (applies_to), "
            "or list the principles it should carry under the role's own principles.",
        )


def _orphan_principle(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    departments = set(model.departments)
    applied = _Principles(model).applied
    for principle in model.principles.values():
        if principle.id in applied:
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
    pattern = _consequential(consequential_words(model))
    if pattern is None:
        return
    for metric in model.metrics.values():
        if metric.serves:
            continue
        tied = [t for t in metric.tied_to if pattern.search(t)]
        if not tied:
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
    principles = _Principles(model)
    for scenario in model.scenarios.values():
        role = _on_duty(model, scenario)
        if covering[scenario.id] or principles.for_customer(role, scenario.customer):
            continue
        where = model.touchpoints[scenario.touchpoint].label
        if model.roles[role].kind == "system":
            yield (
                scenario.id,
                f"When {_quoted(scenario)} happens at {where}, no script covers it and "
                f"{_roles(model, [role])} on duty is a system, which cannot reason from "
                "principles, so the customer has nothing and no one to turn to.",
                f"Script what {_roles(model, [role])} does in this situation, or hand it to "
                "a person who serves at the touchpoint and carries the service principles.",
            )
            continue
        for_them = (
            f" for {model.customers[scenario.customer].label}"
            if scenario.customer is not None and principles.any_for(role)
            else ""
        )
        yield (
            scenario.id,
            f"When {_quoted(scenario)} happens at {where}, "
            f"no script covers it and no service principle{for_them} applies to "
            f"{_roles(model, [role])} on duty, so the person serving the customer has nothing "
            "to go on.",
            f"Give {_roles(model, [role])} at least one service principle to reason from"
            f"{' that is for this customer' if for_them else ''}; "
            "if the situation comes up often, also write a script for it.",
        )


def _unscripted_scenario(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    covering = _covering(model)
    principles = _Principles(model)
    for scenario in model.scenarios.values():
        role = _on_duty(model, scenario)
        if covering[scenario.id] or not principles.for_customer(role, scenario.customer):
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
            "script for each kind of customer (each with its own for: [...]).",
        )


def _front_line_only_program(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    front_line = model.front_line
    departments = _departments(model)
    for program in model.programs.values():
        audience = _audience(program, departments)
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


def _behind(model: ServiceModel, audience: set[str], most: int = 5) -> list[str]:
    """The nearest back-office people upstream of the audience's touchpoints, at most ``most``.

    A reverse BFS from those touchpoints, stopped at the first level that brings
    the count to ``most``; ordered by distance, then id.
    """
    front_line = model.front_line
    roles = model.roles
    pred = model.chain.graph.pred
    level = [t.id for t in model.touchpoints.values() if t.role in audience]
    seen = set(level)
    found: list[str] = []
    while level and len(found) < most:
        following: list[str] = []
        for node in level:
            for before in pred[node]:
                if before not in seen:
                    seen.add(before)
                    following.append(before)
        found.extend(
            sorted(
                n
                for n in following
                if n in roles
                and n not in front_line
                and n not in audience
                and roles[n].kind != "system"
            )
        )
        level = following
    return found[:most]


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
    departments = _departments(model)
    roles = model.roles
    for program in model.programs.values():
        audience = _audience(program, departments)
        missing: dict[str, None] = {}
        walked: set[str] = set()
        for role in sorted(audience):
            # Walk up the reporting line; a manager already walked has had its line added.
            current = roles[role].reports_to
            while current is not None and current not in walked and current != role:
                walked.add(current)
                if current not in audience and roles[current].kind != "system":
                    missing[current] = None
                current = roles[current].reports_to
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


def _key_person(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    single = {r.id for r in _people(model) if r.headcount == 1 and r.backup is None}
    if not single:
        return
    critical_for: dict[str, list[str]] = {}
    for touchpoint, needed in model.chain.critical_of_all().items():
        for role_id in needed & single:
            critical_for.setdefault(role_id, []).append(touchpoint)
    touchpoints = model.touchpoints
    for role in model.roles.values():
        found = critical_for.get(role.id)
        if not found:
            continue
        names = _listed(touchpoints[t].label for t in found)
        yield (
            role.id,
            f"One person holds {_role(role)}, with no backup, and every piece of work "
            f"for {names} needs this role, so one absence stops the service there.",
            "Name a backup who can stand in (backup: [...]) and cross-train them, or add "
            "headcount; a written check-list lets someone else step in.",
        )


def _undeclared_start(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    chain = model.chain
    succ = chain.graph.succ
    starts = {t.role for t in model.touchpoints.values() if t.feeds}
    starts.update(r.id for r in model.roles.values() if r.starts)
    reached: set[str] = set()
    level = list(starts)
    while level:
        following = []
        for node in level:
            for after in succ[node]:
                if after not in reached:
                    reached.add(after)
                    following.append(after)
        level = following
    for touchpoint in model.touchpoints.values():
        if touchpoint.id in reached:
            continue
        yield (
            touchpoint.id,
            f"Nothing says where the work reaching {touchpoint.label} starts, so its critical "
            "roles rest on a guess: every role with no inputs is taken for a start, and one "
            "of them can look like everyone's single point of failure.",
            "Declare where work starts: list under the touchpoint's feeds the roles that take "
            "in what customers bring, or mark roles whose work starts without a hand-off "
            "(monitoring, rotas, outbound calls) with starts: true.",
        )


def _unknown_category(model: ServiceModel) -> Iterator[tuple[str, str, str]]:
    known = model.chain.categories
    used = set(known)
    for role in model.roles.values():
        unknown = [c for c in role.catches if c not in used]
        if not unknown:
            continue
        nearest = [n for c in unknown for n in suggest(c, known)]
        hint = "Use a category the fail points use"
        hint += f" ({did_you_mean(list(dict.fromkeys(nearest)))})" if nearest else ""
        hint += ", or write down the fail point whose defects this role stops."
        yield (
            role.id,
            f"{_upper_first(_role(role))} catches {_listed(repr(c) for c in unknown)}, a "
            f"categor{'ies' if len(unknown) > 1 else 'y'} no fail point has, so "
            f"{'they catch' if len(unknown) > 1 else 'it catches'} nothing: a typo, or a "
            "fail point not written down yet.",
            hint,
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
    "key-person": _key_person,
    "undeclared-start": _undeclared_start,
    "unknown-category": _unknown_category,
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
