"""What a change to a model does to each touchpoint's chain: upstream, critical set, suspects.

``touchpoint_changes()`` compares the chains of two versions of a model. It
answers as if ``upstream``, ``critical`` and ``trace`` were asked of every
touchpoint in both, but it only looks where a change can matter:

- an answer about touchpoint ``t`` depends only on ``t``'s upstream subgraph and
  the data on it, so only touchpoints downstream of a changed node or edge (in
  either version) can change at all;
- a node can enter or leave ``t``'s upstream, or see its escape to ``t`` change,
  only if it is upstream of a changed element: the set ``K`` of those nodes (in
  either version) is usually small, and one sweep of each chain computes, for
  every affected touchpoint at once, which nodes of ``K`` reach it and, per
  defect category, the best escape of each receiving role of ``K``
  (``best_reach()``).

So a diff costs about two passes over each chain, not a query per touchpoint.

Examples
--------
>>> import attrs, servicekit
>>> old = servicekit.load_example()
>>> roles = dict(old.roles)
>>> roles["presser"] = attrs.evolve(roles["presser"], catches={})
>>> new = attrs.evolve(old, roles=roles)
>>> [(c.touchpoint, [(s.fail_point, s.old, s.new) for s in c.suspects])
...  for c in touchpoint_changes(old.chain, new.chain, {"presser"}, set())]
[('pickup', [('missed-stain', 0.02, 0.04)])]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from servicekit.chain.algorithms import Label, best_reach, bfs_reach
from servicekit.chain.graph import CUSTOMER, ROLE, TOUCHPOINT

if TYPE_CHECKING:
    from servicekit.chain.service_chain import ServiceChain

__all__ = ["SuspectChange", "TouchpointChange", "touchpoint_changes"]

_RANK = {ROLE: 0, TOUCHPOINT: 1, CUSTOMER: 2}


@attrs.frozen(kw_only=True)
class SuspectChange:
    """A trace suspect whose score at a touchpoint changed.

    ``role`` makes the hand-off (or serves the touchpoint whose fail point it is),
    ``receiver`` receives it (``None`` for a touchpoint's own fail point); ``old`` and
    ``new`` are its scores (``None`` where it is not a scored suspect there: not a
    suspect at all, or one whose rate is unknown).
    """

    role: str
    receiver: str | None
    fail_point: str
    category: str
    old: float | None
    new: float | None


@attrs.frozen(kw_only=True)
class TouchpointChange:
    """What changed for one touchpoint present in both versions.

    ``entered`` / ``left``: nodes that joined or left its upstream (roles, then
    touchpoints, by id); ``critical_entered`` / ``critical_left``: nodes that
    joined its critical set (in the new order) or left it (in the old order);
    ``suspects``: trace suspects whose score changed, largest score first.
    """

    touchpoint: str
    entered: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    critical_entered: tuple[str, ...] = ()
    critical_left: tuple[str, ...] = ()
    suspects: tuple[SuspectChange, ...] = ()


def _same(a: float | None, b: float | None) -> bool:
    """Equal to 12 significant digits (how SPEC compares scores), or both absent."""
    if a is None or b is None:
        return a is b
    return f"{a:.12g}" == f"{b:.12g}"


def _bits_of(bits: int) -> Iterable[int]:
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


def _edge_data(chain: ServiceChain, u: str, v: str) -> Any:
    data = chain.graph.succ.get(u, {}).get(v)
    return None if data is None else (data.get("kind"), data.get("handoffs"))


def _changed_edges(
    old: ServiceChain, new: ServiceChain, owners: set[str]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Edges at ``owners`` that exist in one version only, and those whose data differ."""
    candidates: set[tuple[str, str]] = set()
    for chain in (old, new):
        graph = chain.graph
        for node in owners:
            if node in graph:
                candidates.update((node, v) for v in graph.succ[node])
                candidates.update((u, node) for u in graph.pred[node])
    moved: set[tuple[str, str]] = set()
    altered: set[tuple[str, str]] = set()
    for u, v in candidates:
        before, after = _edge_data(old, u, v), _edge_data(new, u, v)
        if (before is None) != (after is None):
            moved.add((u, v))
        elif before != after:
            altered.add((u, v))
    return moved, altered


def _reach(
    chain: ServiceChain,
    numbered: Mapping[str, int],
    targets: list[str],
    factor: Mapping[str, float] | None = None,
) -> dict[str, Label]:
    """``best_reach()`` over ``chain``, sources and targets given by id."""
    index = chain._scope(None).index  # the whole chain's cached component index
    position = index.position
    sources = {position[n]: 1 << bit for n, bit in numbered.items() if n in position}
    if not sources:
        return {t: {} for t in targets}
    factors = None
    if factor:
        factors = {position[n]: f for n, f in factor.items() if n in position}
    found = best_reach(index, sources, [position[t] for t in targets], factors)
    return {t: found[position[t]] for t in targets}


def _ordered(ids: Iterable[str], kinds: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(sorted(ids, key=lambda n: (_RANK.get(kinds.get(n, CUSTOMER), 3), n)))


#: A suspect's source: (category, rate, shows_at) of a fail point.
Source = tuple[str, "float | None", "tuple[str, ...] | None"]


def _suspect_sources(
    chain: ServiceChain, receivers: set[str]
) -> dict[str, dict[str, dict[tuple[str, str], Source]]]:
    """category -> receiver -> (giver, fail point) -> source, for hand-offs into ``receivers``."""
    found: dict[str, dict[str, dict[tuple[str, str], Source]]] = {}
    graph = chain.graph
    for receiver in receivers:
        if receiver not in graph:
            continue
        for giver, data in graph.pred[receiver].items():
            for handoff in data.get("handoffs", ()):
                for fp in handoff.fail_points:
                    into = found.setdefault(fp.category, {}).setdefault(receiver, {})
                    into[giver, fp.id] = (fp.category, fp.rate, fp.shows_at)
    return found


def _touchpoint_sources(chain: ServiceChain) -> dict[str, list[tuple[str, Any, tuple[str, ...]]]]:
    """category -> (serving role, fail point, roles fed) of every touchpoint fail point."""
    found: dict[str, list[tuple[str, Any, tuple[str, ...]]]] = {}
    for touchpoint in chain.model.touchpoints.values():
        for fp in touchpoint.fail_points:
            found.setdefault(fp.category, []).append((touchpoint.role, fp, touchpoint.feeds))
    return found


def touchpoint_changes(
    old: ServiceChain,
    new: ServiceChain,
    changed: Iterable[str],
    givers: Iterable[str],
) -> tuple[TouchpointChange, ...]:
    """For each touchpoint of both versions whose chain changed, what changed, by id.

    Parameters
    ----------
    old, new : ServiceChain
        The chains of the two versions.
    changed : iterable of str
        Ids of nodes (roles, touchpoints, customers) added, removed, or changed in
        anything but their hand-offs.
    givers : iterable of str
        Ids of roles whose hand-offs changed.
    """
    changed = set(changed)
    owners = changed | set(givers)
    moved, altered = _changed_edges(old, new, owners)
    kinds = {**old._kinds, **new._kinds}

    # Touchpoints downstream of a change, in either version.
    flagged: set[str] = set()
    starts: dict[int, set[str]] = {}  # per version: tails of moved edges, changed nodes
    for number, chain in enumerate((old, new)):
        graph = chain.graph
        seeds = {n for n in changed if n in graph}
        seeds.update(v for u, v in moved | altered if graph.has_edge(u, v))
        # A touchpoint's feeds declare its serving role a start: changing them moves the
        # roots, so the critical sets, of everything downstream of that role.
        touchpoints = chain.model.touchpoints
        seeds.update(touchpoints[n].role for n in changed if n in touchpoints)
        flagged |= bfs_reach(chain.whole_successors, seeds, None)
        starts[number] = {n for n in changed if n in graph}
        starts[number].update(u for u, v in moved if graph.has_edge(u, v))
    both = set(old.model.touchpoints) & set(new.model.touchpoints)
    flagged |= changed  # a changed touchpoint's own fail points are its suspects
    targets = sorted(flagged & both)
    if not targets:
        return ()

    # K: the nodes upstream of (or at) a change, in either version.
    upstream_of_change: set[str] = set()
    for number, chain in enumerate((old, new)):
        upstream_of_change |= bfs_reach(chain.whole_predecessors, starts[number], None)
    numbered = {n: bit for bit, n in enumerate(sorted(upstream_of_change))}
    names = sorted(upstream_of_change)
    reach_old = _reach(old, numbered, targets)
    reach_new = _reach(new, numbered, targets)

    # Suspects: hand-offs into a receiver upstream of a change, or into a changed hand-off.
    receivers = {n for n in upstream_of_change if kinds.get(n) == ROLE}
    touched = {v for u, v in moved | altered if kinds.get(v) == ROLE and kinds.get(u) == ROLE}
    receivers |= touched
    sources_old = _suspect_sources(old, receivers)
    sources_new = _suspect_sources(new, receivers)
    escapes: dict[str, tuple[list[str], set[int], dict[str, Label], dict[str, Label]]] = {}
    for category in sorted(set(sources_old) | set(sources_new)):
        into = sorted(set(sources_old.get(category, {})) | set(sources_new.get(category, {})))
        bits = {n: bit for bit, n in enumerate(into)}
        fresh = {bits[n] for n in into if n in touched}
        escapes[category] = (
            into,
            fresh,
            _reach(old, bits, targets, old._catchers.get(category)),
            _reach(new, bits, targets, new._catchers.get(category)),
        )

    # Touchpoints' fail points: their own, and those flowing on through feeds.
    tp_old, tp_new = _touchpoint_sources(old), _touchpoint_sources(new)
    fed: dict[str, tuple[list[str], dict[str, Label], dict[str, Label]]] = {}
    for category in sorted(set(tp_old) | set(tp_new)):
        roles = sorted(
            {r for held in (tp_old, tp_new) for *_, feeds in held.get(category, ()) for r in feeds}
        )
        bits = {n: bit for bit, n in enumerate(roles)}
        fed[category] = (
            roles,
            _reach(old, bits, targets, old._catchers.get(category)),
            _reach(new, bits, targets, new._catchers.get(category)),
        )

    found: list[TouchpointChange] = []
    for t in targets:
        before = reach_old[t].get(1.0, 0)
        after = reach_new[t].get(1.0, 0)
        entered = _ordered((names[b] for b in _bits_of(after & ~before)), kinds)
        left = _ordered((names[b] for b in _bits_of(before & ~after)), kinds)
        critical_before, critical_after = old.critical(t), new.critical(t)
        critical_entered = tuple(n for n in critical_after if n not in set(critical_before))
        critical_left = tuple(n for n in critical_before if n not in set(critical_after))
        # A fail point whose category changed is met under both: merge by suspect first.
        merged: dict[tuple[str, str | None, str], list[Any]] = {}
        for category, (into, fresh, label_old, label_new) in escapes.items():
            for change in _suspect_changes(
                t,
                category,
                into,
                fresh,
                label_old[t],
                label_new[t],
                sources_old.get(category, {}),
                sources_new.get(category, {}),
            ):
                key = (change.role, change.receiver, change.fail_point)
                held = merged.setdefault(key, [None, None, category])
                if change.old is not None:
                    held[0] = change.old
                if change.new is not None:
                    held[1], held[2] = change.new, category
        for side, (sources, chain) in enumerate(((tp_old, old), (tp_new, new))):
            chances = {
                category: _escapes(roles, labels[side][t])
                for category, (roles, *labels) in fed.items()
            }
            own = chain.model.touchpoints[t]
            for key, (category, score) in _touchpoint_suspects(t, sources, chances, own).items():
                held = merged.setdefault(key, [None, None, category])
                held[side], held[2] = score, category
        suspects = [
            SuspectChange(
                role=role, receiver=receiver, fail_point=fp, category=category, old=a, new=b
            )
            for (role, receiver, fp), (a, b, category) in merged.items()
            if not _same(a, b)
        ]
        if entered or left or critical_entered or critical_left or suspects:
            suspects.sort(key=lambda s: (-max(s.old or 0.0, s.new or 0.0), s.role, s.fail_point))
            found.append(
                TouchpointChange(
                    touchpoint=t,
                    entered=entered,
                    left=left,
                    critical_entered=critical_entered,
                    critical_left=critical_left,
                    suspects=tuple(suspects),
                )
            )
    return tuple(found)


def _values(label: Label, bits: int) -> dict[int, float]:
    """Source bit -> its best value, for the sources in ``bits``."""
    values: dict[int, float] = {}
    for value, held in label.items():
        for bit in _bits_of(held & bits):
            values[bit] = value
    return values


def _suspect_changes(
    target: str,
    category: str,
    into: list[str],
    fresh: set[int],
    before: Label,
    after: Label,
    old_sources: Mapping[str, Mapping[tuple[str, str], Source]],
    new_sources: Mapping[str, Mapping[tuple[str, str], Source]],
) -> list[SuspectChange]:
    """The suspects of one category whose score at one touchpoint changed."""
    differ = 0
    for value in before.keys() | after.keys():
        differ |= before.get(value, 0) ^ after.get(value, 0)
    if fresh:  # a receiver whose hand-offs changed: its fail points may differ, reach or not
        reached = _any(before) | _any(after)
        for bit in fresh:
            differ |= reached & (1 << bit)
    if not differ:
        return []
    old_values, new_values = _values(before, differ), _values(after, differ)
    changes: list[SuspectChange] = []
    for bit in _bits_of(differ):
        receiver = into[bit]
        was, now = old_values.get(bit), new_values.get(bit)
        olds = old_sources.get(receiver, {})
        news = new_sources.get(receiver, {})
        for giver, fail_point in sorted(olds.keys() | news.keys()):
            old_score = _score(olds.get((giver, fail_point)), was, target)
            new_score = _score(news.get((giver, fail_point)), now, target)
            if not _same(old_score, new_score):
                changes.append(
                    SuspectChange(
                        role=giver,
                        receiver=receiver,
                        fail_point=fail_point,
                        category=category,
                        old=old_score,
                        new=new_score,
                    )
                )
    return changes


def _any(label: Label) -> int:
    bits = 0
    for held in label.values():
        bits |= held
    return bits


def _score(source: Source | None, escape: float | None, target: str) -> float | None:
    """A suspect's score at ``target``, or ``None`` when it has none there: not a suspect
    (trace leaves out a score of 0, and a fail point showing elsewhere), or unrated."""
    if source is None or escape is None:
        return None
    _, rate, shows_at = source
    if rate is None or (shows_at is not None and target not in shows_at):
        return None
    score = rate * escape
    return score if score > 0.0 else None


def _escapes(roles: list[str], label: Label) -> dict[str, float]:
    """Role -> its best escape to the touchpoint a label is for (roles that reach it only)."""
    return {roles[bit]: value for bit, value in _values(label, (1 << len(roles)) - 1).items()}


def _touchpoint_suspects(
    target: str,
    sources: Mapping[str, list[tuple[str, Any, tuple[str, ...]]]],
    escapes: Mapping[str, Mapping[str, float]],
    own: Any,
) -> dict[tuple[str, str | None, str], tuple[str, float]]:
    """(role, receiver, fail point) -> (category, score) of the scored suspects at ``target``
    that are touchpoints' fail points: its own (escape 1) and those of touchpoints upstream,
    flowing on through their feeds (the best receiver counts, ties to the smallest id)."""
    found: dict[tuple[str, str | None, str], tuple[str, float]] = {}
    for fp in own.fail_points:
        score = _score((fp.category, fp.rate, fp.shows_at), 1.0, target)
        if score is not None:
            found[own.role, None, fp.id] = (fp.category, score)
    mine = {f.id for f in own.fail_points}
    for category, held in sources.items():
        chances = escapes.get(category, {})
        for role, fp, feeds in held:
            if fp.id in mine:
                continue
            best, escape = None, 0.0
            for receiver in sorted(feeds):
                value = chances.get(receiver, 0.0)
                if value > escape:
                    best, escape = receiver, value
            score = _score((category, fp.rate, fp.shows_at), escape, target)
            if best is not None and score is not None:
                found[role, best, fp.id] = (category, score)
    return found
