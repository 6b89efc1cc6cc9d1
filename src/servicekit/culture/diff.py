"""What a change to a model does: the diff a reviewer reads before it is merged.

``diff()`` compares two versions of a model: the entities added, removed and
changed (field by field, through each entity's field table); the hand-offs added,
removed and changed; for each touchpoint, the nodes that entered or left its
upstream and its critical set, and the suspects whose score changed; and the
audit findings that are new or resolved.

Examples
--------
>>> import attrs, servicekit
>>> old = servicekit.load_example()
>>> roles = dict(old.roles)
>>> roles["presser"] = attrs.evolve(roles["presser"], catches={"stain": 0.8})
>>> change = diff(old, attrs.evolve(old, roles=roles))
>>> [(c.kind, c.id, [f.path for f in c.fields]) for c in change.entities]
[('role', 'presser', ['catches.stain'])]
>>> [(s.fail_point, s.old, round(s.new, 4)) for s in change.touchpoints[0].suspects]
[('missed-stain', 0.02, 0.008)]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from servicekit._runtime import later
from servicekit.chain.changes import SuspectChange, TouchpointChange, touchpoint_changes
from servicekit.culture.audit import Finding, Findings
from servicekit.errors import UsageError
from servicekit.model.entities import Entity, Handoff, Role, field_specs
from servicekit.model.sections import SECTIONS
from servicekit.model.service_model import ServiceModel
from servicekit.model.vocabulary import DIFF_FAIL_ON
from servicekit.readwrite.load import load

__all__ = [
    "DIFF_FAIL_ON",
    "EntityChange",
    "FieldChange",
    "HandoffChange",
    "ModelDiff",
    "SuspectChange",
    "TouchpointChange",
    "diff",
]

#: The sections whose entities are nodes of the chain.
_NODES = ("customers", "roles", "touchpoints")


@attrs.frozen(kw_only=True)
class FieldChange:
    """One field that differs: its ``field`` path (YAML keys, and ids inside lists),
    the ``old`` and the ``new`` value (``None`` where it is absent)."""

    field: tuple[str, ...]
    old: Any
    new: Any

    @property
    def path(self) -> str:
        """The field path joined with dots: ``fail_points.missed-stain.rate``."""
        return ".".join(self.field)


@attrs.frozen(kw_only=True)
class EntityChange:
    """An entity ``added``, ``removed`` or ``changed`` (then with its changed ``fields``).

    ``entity`` is the new version (the old one when removed). A role whose only
    change is in its hand-offs is not listed here: see ``HandoffChange``.
    """

    kind: str
    id: str
    status: str
    entity: Any
    fields: tuple[FieldChange, ...] = ()


@attrs.frozen(kw_only=True)
class HandoffChange:
    """A hand-off ``added``, ``removed`` or ``changed`` (then with its changed ``fields``).

    ``giver`` makes it, ``receiver`` receives it; ``handoff`` is the new version
    (the old one when removed).
    """

    giver: str
    receiver: str
    status: str
    handoff: Handoff
    fields: tuple[FieldChange, ...] = ()


@attrs.frozen(kw_only=True)
class ModelDiff:
    """The difference between two versions of a model, as ``diff()`` finds it.

    ``model`` holds changes to the model's own fields (``name``, ``description``,
    ``audit``); ``entities``, ``handoffs`` and ``touchpoints`` the changes in the
    order a reviewer reads them; ``new_findings`` and ``resolved_findings`` the
    audit findings of one version only. ``old_label`` and ``new_label`` say what
    was compared (the file paths, or the models' names).
    """

    old: ServiceModel = attrs.field(repr=False)
    new: ServiceModel = attrs.field(repr=False)
    old_label: str
    new_label: str
    model: tuple[FieldChange, ...]
    entities: tuple[EntityChange, ...]
    handoffs: tuple[HandoffChange, ...]
    touchpoints: tuple[TouchpointChange, ...]
    new_findings: Findings
    resolved_findings: Findings

    def __bool__(self) -> bool:
        """True when anything differs."""
        return bool(
            self.model
            or self.entities
            or self.handoffs
            or self.touchpoints
            or self.new_findings
            or self.resolved_findings
        )

    def fails(self, condition: str) -> bool:
        """Whether ``condition`` holds: ``new-finding`` (the new version has a finding the
        old did not), ``new-critical`` (a node joined some touchpoint's critical set) or
        ``never``."""
        if condition not in DIFF_FAIL_ON:
            raise UsageError(
                f"--fail-on must be one of {', '.join(DIFF_FAIL_ON)}, not {condition!r}"
            )
        if condition == "new-finding":
            return bool(self.new_findings)
        if condition == "new-critical":
            return any(t.critical_entered for t in self.touchpoints)
        return False

    # -- renders (answered by servicekit.render) -----------------------------------------

    def to_text(self) -> str:
        """The diff as a review comment."""
        text: str = later("servicekit.render.text").diff_text(self)
        return text

    def to_json(self) -> dict[str, Any]:
        """The diff as JSON-able data (the shape is on the command-line reference page)."""
        data: dict[str, Any] = later("servicekit.render.json").diff_json(self)
        return data

    def to_markdown(self) -> str:
        """The diff in Markdown, to paste in a pull request."""
        text: str = later("servicekit.render.markdown").diff_markdown(self)
        return text

    def to_sarif(self, *, base: str | os.PathLike[str] | None = None) -> dict[str, Any]:
        """The new findings only, as SARIF 2.1.0, located at the new version's lines."""
        data: dict[str, Any] = later("servicekit.render.sarif").to_sarif(
            self.new_findings, self.new, base=base
        )
        return data

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


# --- field by field ------------------------------------------------------------------------


def _keyed(items: tuple[Any, ...]) -> dict[str, Any] | None:
    """A tuple of entities with ids as id -> entity; ``None`` when it is not one."""
    if not items or not all(
        isinstance(i, Entity) and isinstance(getattr(i, "id", None), str) for i in items
    ):
        return None
    keyed = {i.id: i for i in items}
    return keyed if len(keyed) == len(items) else None


def _value_changes(path: tuple[str, ...], old: Any, new: Any) -> Iterator[FieldChange]:
    if old == new:
        return
    if isinstance(old, Entity) and type(old) is type(new):
        yield from field_changes(old, new, path)
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in [*old, *(k for k in new if k not in old)]:
            yield from _value_changes((*path, str(key)), old.get(key), new.get(key))
        return
    if isinstance(old, tuple) and isinstance(new, tuple):
        before, after = _keyed(old), _keyed(new)
        if (before is not None or not old) and (after is not None or not new) and (old or new):
            before, after = before or {}, after or {}
            for key in [*before, *(k for k in after if k not in before)]:
                a, b = before.get(key), after.get(key)
                if a is None or b is None:
                    yield FieldChange(field=(*path, key), old=a, new=b)
                else:
                    yield from _value_changes((*path, key), a, b)
            return
    yield FieldChange(field=path, old=old, new=new)


def field_changes(
    old: Entity, new: Entity, path: tuple[str, ...] = (), *, skip: Iterable[str] = ()
) -> Iterator[FieldChange]:
    """Each field of two versions of an entity that differs, by its field table.

    Nested entities and mappings are compared key by key, and lists of entities
    with ids (fail points) id by id; other values are compared whole.

    Examples
    --------
    >>> from servicekit import FailPoint, Handoff
    >>> a = Handoff(to="b", fail_points=[FailPoint(id="f", rate=0.1)])
    >>> b = Handoff(to="b", item="box", fail_points=[FailPoint(id="f", rate=0.2)])
    >>> [(c.path, c.old, c.new) for c in field_changes(a, b)]
    [('item', '', 'box'), ('fail_points.f.rate', 0.1, 0.2)]
    """
    left_out = set(skip)
    for name, spec in field_specs(type(old)):
        if name in left_out:
            continue
        yield from _value_changes((*path, spec.key or name), getattr(old, name), getattr(new, name))


# --- hand-offs -------------------------------------------------------------------------------


def _handoff_changes(
    giver: str, old: tuple[Handoff, ...], new: tuple[Handoff, ...]
) -> Iterator[HandoffChange]:
    """Hand-offs of one role: matched by receiver, equal ones first, then in order."""
    receivers = list(dict.fromkeys([*(h.to for h in old), *(h.to for h in new)]))
    for receiver in receivers:
        before = [h for h in old if h.to == receiver]
        after = [h for h in new if h.to == receiver]
        for handoff in list(before):
            if handoff in after:
                before.remove(handoff)
                after.remove(handoff)
        for a, b in zip(before, after, strict=False):
            yield HandoffChange(
                giver=giver,
                receiver=receiver,
                status="changed",
                handoff=b,
                fields=tuple(field_changes(a, b)),
            )
        paired = min(len(before), len(after))
        for a in before[paired:]:
            yield HandoffChange(giver=giver, receiver=receiver, status="removed", handoff=a)
        for b in after[paired:]:
            yield HandoffChange(giver=giver, receiver=receiver, status="added", handoff=b)


# --- the whole diff --------------------------------------------------------------------------


def _finding_key(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule, finding.severity, finding.subject)


def _model_of(value: ServiceModel | str | os.PathLike[str]) -> tuple[ServiceModel, str | None]:
    if isinstance(value, ServiceModel):
        return value, None
    if isinstance(value, str | os.PathLike):
        return load(value), os.fspath(value)
    raise TypeError(f"diff compares models or paths to them, not {type(value).__name__}")


def diff(
    old: ServiceModel | str | os.PathLike[str], new: ServiceModel | str | os.PathLike[str]
) -> ModelDiff:
    """What changed from ``old`` to ``new``, and what it does to the chain and the audit.

    Parameters
    ----------
    old, new : ServiceModel or path
        The two versions: models, or paths to load them from.

    Returns
    -------
    ModelDiff
        Entities added, removed and changed field by field (a role's hand-offs are
        compared in ``handoffs``, not as a field); hand-offs added, removed and
        changed; for each touchpoint of both versions whose chain changed, the nodes
        that entered or left its upstream and its critical set, and the suspects whose
        score changed; and the audit findings new in ``new`` or resolved. Touchpoints
        of one version only are listed as entities added or removed.

    Examples
    --------
    >>> import servicekit
    >>> same = diff(servicekit.load_example(), servicekit.example_path())
    >>> bool(same), same.new_label.endswith("dry-cleaner.yaml")
    (False, True)
    """
    old_model, old_path = _model_of(old)
    new_model, new_path = _model_of(new)

    model_changes = (
        *_value_changes(("name",), old_model.name, new_model.name),
        *_value_changes(("description",), old_model.description, new_model.description),
        *_value_changes(("audit",), old_model.audit_settings, new_model.audit_settings),
    )

    entities: list[EntityChange] = []
    handoffs: list[HandoffChange] = []
    changed_nodes: set[str] = set()
    givers: set[str] = set()
    for section in SECTIONS:
        before = getattr(old_model, section.name)
        after = getattr(new_model, section.name)
        node = section.name in _NODES
        for key, entity in after.items():
            if key not in before:
                entities.append(
                    EntityChange(kind=section.kind, id=key, status="added", entity=entity)
                )
                if node:
                    changed_nodes.add(key)
        for key, entity in before.items():
            if key not in after:
                entities.append(
                    EntityChange(kind=section.kind, id=key, status="removed", entity=entity)
                )
                if node:
                    changed_nodes.add(key)
        for key, entity in after.items():
            previous = before.get(key)
            if previous is None or previous is entity or previous == entity:
                continue
            skip = ("serves",) if isinstance(entity, Role) else ()
            fields = tuple(field_changes(previous, entity, skip=skip))
            if fields:
                entities.append(
                    EntityChange(
                        kind=section.kind, id=key, status="changed", entity=entity, fields=fields
                    )
                )
                if node:
                    changed_nodes.add(key)
            if isinstance(entity, Role) and previous.serves != entity.serves:
                givers.add(key)
    for role_id in [*new_model.roles, *(r for r in old_model.roles if r not in new_model.roles)]:
        before_serves = old_model.roles[role_id].serves if role_id in old_model.roles else ()
        after_serves = new_model.roles[role_id].serves if role_id in new_model.roles else ()
        if before_serves != after_serves:
            givers.add(role_id)
            handoffs.extend(_handoff_changes(role_id, before_serves, after_serves))

    touchpoints = touchpoint_changes(old_model.chain, new_model.chain, changed_nodes, givers)

    old_findings, new_findings = old_model.audit(), new_model.audit()
    old_keys = {_finding_key(f) for f in old_findings}
    new_keys = {_finding_key(f) for f in new_findings}
    return ModelDiff(
        old=old_model,
        new=new_model,
        old_label=old_path or old_model.name or "old",
        new_label=new_path or new_model.name or "new",
        model=model_changes,
        entities=tuple(entities),
        handoffs=tuple(handoffs),
        touchpoints=touchpoints,
        new_findings=Findings(f for f in new_findings if _finding_key(f) not in old_keys),
        resolved_findings=Findings(f for f in old_findings if _finding_key(f) not in new_keys),
    )
