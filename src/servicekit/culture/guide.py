"""Education cards for scenarios: what the person on duty needs to think about.

A ``ScenarioGuide`` puts side by side what training gives (the scripts
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

from typing import Any

import attrs

from servicekit._runtime import later
from servicekit.chain.results import Suspect, suspect_order
from servicekit.culture.mapping import Applicability, principles_for
from servicekit.model.entities import (
    Customer,
    Principle,
    Role,
    Scenario,
    Script,
    Touchpoint,
)
from servicekit.model.service_model import ServiceModel

__all__ = ["MAX_SUSPECTS", "ScenarioGuide", "covers", "guide"]

#: At most this many trace suspects are shown on a guide.
MAX_SUSPECTS = 5


def covers(model: ServiceModel, script: Script, scenario: Scenario) -> bool:
    """Whether ``script`` covers ``scenario``.

    It does when they share a tag (a script's ``situations`` are its tags), the
    script is written for the scenario's touchpoint or for the role serving
    there, and its ``for`` admits the scenario's customer (a scenario naming no
    customer is covered only by scripts without ``for``). A script for neither a
    role nor a touchpoint covers nothing.

    Examples
    --------
    >>> import servicekit
    >>> model = servicekit.load_example()
    >>> covers(model, model.scripts["stain-complaint"], model.scenarios["everyday-stain"])
    True
    >>> covers(model, model.scripts["lost-ticket"], model.scenarios["everyday-stain"])
    False
    """
    if not script.admits(scenario.customer):
        return False
    if not set(script.situations).intersection(scenario.tags):
        return False
    if script.touchpoint is not None and script.touchpoint == scenario.touchpoint:
        return True
    on_duty = model.touchpoints[scenario.touchpoint].role
    return script.role is not None and script.role == on_duty


@attrs.frozen(kw_only=True)
class ScenarioGuide:
    """An education card for one scenario.

    ``principles`` are the ``Principle`` objects that apply to
    the role on duty and are for the scenario's customer, in model order;
    ``applicability`` says, in the same order, why each applies. ``upstream``
    lists the roles whose work reaches the touchpoint in the customer's chain,
    nearest first (then by id), the role on duty left out. ``suspects`` are the
    top trace suspects (in the customer's chain) for the scenario's tags that are
    fail-point categories, most likely first, at most ``MAX_SUSPECTS``.
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

    # -- renders (answered by servicekit.render) -----------------------------------------

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict with every part of the card."""
        data: dict[str, Any] = later("servicekit.render.json").guide_json(self)
        return data

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
        text: str = later("servicekit.render.text").guide_text(self)
        return text

    def to_markdown(self) -> str:
        """The card as Markdown, with a section each for training and education."""
        text: str = later("servicekit.render.markdown").guide_markdown(self)
        return text

    def to_records(self) -> list[dict[str, Any]]:
        """The card as a table: one dict a script and a principle, with ``part``, ``id``,
        ``name``, ``why`` and ``text``."""
        records: list[dict[str, Any]] = later("servicekit.render.rows").guide_records(self)[1]
        return records

    def to_pandas(self) -> Any:
        """The card's scripts and principles as a pandas ``DataFrame``, columns as
        ``to_records()`` (needs the ``pandas`` extra)."""
        table = later("servicekit.render.rows").guide_records(self)
        return later("servicekit.render.frames").table_frame(table)

    def _repr_html_(self) -> str:
        text: str = later("servicekit.render.html").guide_html(self)
        return text

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def guide(model: ServiceModel, scenario: str) -> ScenarioGuide:
    """The education card for ``scenario``.

    Raises ``UnknownIdError`` for an unknown scenario.

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
    applicability = tuple(
        a
        for a in principles_for(model, role.id)
        if model.principles[a.principle].admits(found.customer)
    )
    chain = model.chain
    # The customer's chain, when the touchpoint serves them (else the whole chain).
    segment = found.customer if touchpoint.serves_customer(found.customer) else None
    upstream = tuple(
        r.id
        for r in chain.upstream(touchpoint.id, customer=segment).of_kind("role")
        if r.id != role.id
    )
    categories = set(chain.categories)
    merged: dict[str, Suspect] = {}
    for tag in found.tags:
        if tag in categories:
            for suspect in chain.trace(touchpoint.id, tag, customer=segment):
                merged.setdefault(suspect.fail_point, suspect)
    suspects = sorted(merged.values(), key=suspect_order)[:MAX_SUSPECTS]
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
