"""Education cards for scenarios: what the person on duty needs to think about.

A :class:`ScenarioGuide` puts side by side what training gives (the scripts
that cover the scenario) and what education gives (the principles that apply
to the role on duty, with their guiding questions). A scenario no script covers
is *novel*: there, only the principles help. The guide also names the roles
upstream whose work reaches the touchpoint, and, for tags that are fail-point
categories, the hand-offs most likely to have caused the problem.

Examples
--------
>>> import servicekit
>>> card = servicekit.load_example().guide("wedding-dress-stain")
>>> card.role.id, [s.id for s in card.scripts], card.novel
('cashier', ['stain-complaint'], False)
>>> [(s.role, s.fail_point) for s in card.suspects]
[('spotter', 'missed-stain')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from servicekit.mapping import Applicability, principles_for

if TYPE_CHECKING:
    from servicekit.chain import Suspect
    from servicekit.model import (
        Customer,
        Principle,
        Role,
        Scenario,
        Script,
        ServiceModel,
        Touchpoint,
    )

__all__ = ["MAX_SUSPECTS", "ScenarioGuide", "covers", "guide"]

#: At most this many trace suspects are shown on a guide.
MAX_SUSPECTS = 5

_WHY = {
    "explicit": "named for this role",
    "role": "applies to this role",
    "department": "applies to this role's department",
    "everyone": "applies to everyone",
}


def covers(model: ServiceModel, script: Script, scenario: Scenario) -> bool:
    """Whether ``script`` covers ``scenario``.

    It does when they share a tag (a script's ``situations`` are its tags) and
    the script is written for the scenario's touchpoint or for the role serving
    there. A script for neither a role nor a touchpoint covers nothing.

    Examples
    --------
    >>> import servicekit
    >>> model = servicekit.load_example()
    >>> covers(model, model.scripts["stain-complaint"], model.scenarios["everyday-stain"])
    True
    >>> covers(model, model.scripts["lost-ticket"], model.scenarios["everyday-stain"])
    False
    """
    if not set(script.situations).intersection(scenario.tags):
        return False
    if script.touchpoint is not None and script.touchpoint == scenario.touchpoint:
        return True
    on_duty = model.touchpoints[scenario.touchpoint].role
    return script.role is not None and script.role == on_duty


@attrs.frozen(kw_only=True)
class ScenarioGuide:
    """An education card for one scenario.

    ``principles`` are the :class:`~servicekit.Principle` objects that apply to
    the role on duty, in model order; ``applicability`` says, in the same order,
    why each applies. ``upstream`` lists the roles whose work reaches the
    touchpoint, nearest first (then by id), the role on duty left out.
    ``suspects`` are the top trace suspects for the scenario's tags that are
    fail-point categories, most likely first, at most :data:`MAX_SUSPECTS`.
    """

    scenario: Scenario
    touchpoint: Touchpoint
    customer: Customer | None
    role: Role
    scripts: tuple[Script, ...]
    principles: tuple[Principle, ...]
    applicability: tuple[Applicability, ...]
    novel: bool
    upstream: tuple[str, ...]
    suspects: tuple[Suspect, ...]

    # -- renders ------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict with every part of the card."""
        customer = self.customer
        return {
            "scenario": {
                "id": self.scenario.id,
                "title": self.scenario.title,
                "touchpoint": self.scenario.touchpoint,
                "situation": self.scenario.situation,
                "tags": list(self.scenario.tags),
            },
            "customer": None
            if customer is None
            else {
                "id": customer.id,
                "name": customer.name,
                "needs": list(customer.needs),
                "wants": list(customer.wants),
                "values": list(customer.values),
            },
            "touchpoint": {"id": self.touchpoint.id, "name": self.touchpoint.name},
            "role": {"id": self.role.id, "name": self.role.name},
            "novel": self.novel,
            "scripts": [
                {
                    "id": s.id,
                    "name": s.name,
                    "situations": list(s.situations),
                    "steps": list(s.steps),
                }
                for s in self.scripts
            ],
            "principles": [
                {
                    "id": p.id,
                    "name": p.name,
                    "statement": p.statement,
                    "questions": list(p.questions),
                    "source": a.source,
                }
                for p, a in zip(self.principles, self.applicability, strict=True)
            ],
            "upstream": list(self.upstream),
            "suspects": [s.to_json() for s in self.suspects],
        }

    def to_text(self) -> str:
        """The card as plain text, for a person on duty or their coach.

        Examples
        --------
        >>> import servicekit
        >>> text = servicekit.load_example().guide("missing-button").to_text()
        >>> print(text.splitlines()[0])
        Scenario: A button is missing at pickup (missing-button)
        >>> "no script covers this situation" in text
        True
        """
        return "\n".join(self._lines(markdown=False)) + "\n"

    def to_markdown(self) -> str:
        """The card as Markdown, with a section each for training and education."""
        return "\n".join(self._lines(markdown=True)) + "\n"

    def _repr_html_(self) -> str:
        from servicekit.display import guide_html

        return guide_html(self)

    def _repr_markdown_(self) -> str:
        from servicekit.display import guide_markdown

        return guide_markdown(self)

    def _lines(self, *, markdown: bool) -> list[str]:
        scenario, role = self.scenario, self.role

        def heading(text: str) -> list[str]:
            return ["", f"## {text}", ""] if markdown else ["", f"{text}:"]

        bullet = "- " if markdown else "  - "
        title = f"{scenario.label} ({scenario.id})" if scenario.title else scenario.id
        lines = [f"# Scenario: {title}" if markdown else f"Scenario: {title}"]
        if markdown:
            lines.append("")
        lines.append(f"Touchpoint: {_named(self.touchpoint)}; on duty: {_named(role)}")
        if scenario.situation:
            lines.append(f"Situation: {scenario.situation}")
        if scenario.tags:
            lines.append("Tags: " + ", ".join(scenario.tags))

        lines += heading("Customer")
        customer = self.customer
        if customer is None:
            lines.append(f"{bullet}not named: ask what this customer needs, wants and values")
        else:
            lines.append(_named(customer))
            for what, items in (
                ("needs", customer.needs),
                ("wants", customer.wants),
                ("values", customer.values),
            ):
                if items:
                    lines.append(f"{bullet}{what}: " + "; ".join(items))

        lines += heading("Scripts (training)")
        if self.novel:
            lines.append(
                f"{bullet}no script covers this situation: it is novel, so the principles "
                "below are what the person on duty has to go on"
            )
        for script in self.scripts:
            steps = "; ".join(script.steps) if script.steps else "no steps written"
            lines.append(f"{bullet}{_named(script)}: {steps}")

        lines += heading("Principles (education)")
        if not self.principles:
            lines.append(f"{bullet}no principle applies to {_named(role)}")
        for principle, why in zip(self.principles, self.applicability, strict=True):
            text = f"{bullet}{_named(principle)}, {_WHY[why.source]}"
            if principle.statement:
                text += f": {principle.statement}"
            lines.append(text)
            indent = "  " if markdown else "      "
            for question in principle.questions:
                lines.append(f"{indent}- {question}")

        lines += heading("Upstream roles whose work reaches this touchpoint, nearest first")
        if self.upstream:
            lines.append(bullet + ", ".join(self.upstream))
        else:
            lines.append(f"{bullet}none: the work starts with the role on duty")

        if self.suspects:
            lines += heading("Most likely causes upstream")
            for s in self.suspects:
                lines.append(
                    f"{bullet}{s.fail_point} ({s.category}) in the hand-off from {s.role} "
                    f"to {s.receiver} (score {s.score:.4f}, {s.distance} "
                    f"step{'s' if s.distance != 1 else ''} upstream)"
                )
        return lines


def _named(entity: Any) -> str:
    label: str = entity.label
    return label if label == entity.id else f"{label} ({entity.id})"


def guide(model: ServiceModel, scenario: str) -> ScenarioGuide:
    """The education card for ``scenario``.

    Raises :class:`~servicekit.UnknownIdError` for an unknown scenario.

    Examples
    --------
    >>> import servicekit
    >>> card = guide(servicekit.load_example(), "missing-button")
    >>> card.novel, card.upstream[:3]
    (True, ('organizer', 'presser', 'cleaner'))
    """
    found = model.scenario(scenario)
    touchpoint = model.touchpoints[found.touchpoint]
    role = model.roles[touchpoint.role]
    customer = model.customers[found.customer] if found.customer is not None else None
    scripts = tuple(s for s in model.scripts.values() if covers(model, s, found))
    applicability = principles_for(model, role.id)
    chain = model.chain
    upstream = tuple(r.id for r in chain.upstream(touchpoint.id).of_kind("role") if r.id != role.id)
    categories = {
        fail_point.category
        for r in model.roles.values()
        for handoff in r.serves
        for fail_point in handoff.fail_points
    }
    merged: dict[str, Suspect] = {}
    for tag in found.tags:
        if tag in categories:
            for suspect in chain.trace(touchpoint.id, tag):
                merged.setdefault(suspect.fail_point, suspect)
    suspects = sorted(merged.values(), key=lambda s: (-s.score, s.distance, s.role, s.fail_point))[
        :MAX_SUSPECTS
    ]
    return ScenarioGuide(
        scenario=found,
        touchpoint=touchpoint,
        customer=customer,
        role=role,
        scripts=scripts,
        principles=tuple(model.principles[a.principle] for a in applicability),
        applicability=applicability,
        novel=not scripts,
        upstream=upstream,
        suspects=tuple(suspects),
    )
