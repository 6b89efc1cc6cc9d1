"""The service report: the answers of every touchpoint, its coverage gaps and findings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import servicekit
from servicekit.cli.main import main
from servicekit.culture import report
from servicekit.render import json as render_json
from servicekit.render import text as render_text


def test_build_covers_every_touchpoint(example) -> None:  # type: ignore[no-untyped-def]
    """Each touchpoint carries its upstream chain, critical nodes and top suspects."""
    built = report.build(example, path="x.yaml", top=2)
    assert [t.touchpoint.id for t in built.touchpoints] == sorted(example.touchpoints)
    chain = example.chain
    for part in built.touchpoints:
        node = part.touchpoint.id
        assert part.upstream == chain.upstream(node)
        assert part.critical == chain.critical(node)
        assert [s.fail_point for s in part.suspects] == [
            s.fail_point for s in chain.trace(node)[:2]
        ]


def test_build_counts_gaps_and_findings(example) -> None:  # type: ignore[no-untyped-def]
    """The report carries coverage gaps and audit findings; its JSON counts each section."""
    built = report.build(example, path="x.yaml")
    data = built.to_json()
    assert data["counts"]["roles"] == len(example.roles)
    assert built.coverage_gaps == example.coverage().uncovered_roles
    assert [f["rule"] for f in data["findings"]] == [f.rule for f in example.audit()]
    assert built.findings == example.audit()


def test_gaps_are_reported_when_a_role_has_no_principle() -> None:
    """A role upstream of a touchpoint with no principle shows up as a coverage gap."""
    model = servicekit.loads(
        "servicekit: 1\nroles: [{id: a, serves: [b]}, {id: b}]\n"
        "touchpoints: [{id: t, role: b}]\n"
        "principles: [{id: p, applies_to: {roles: [b]}}]\n"
    )
    built = report.build(model, path="m.yaml")
    assert built.coverage_gaps == ("a",)
    text = built.to_text()
    assert "Roles no principle applies to: a" in text
    assert "uncovered-role" in text


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [("error", True), ("warning", True), ("info", True), ("never", False)],
)
def test_fails(example, threshold, expected) -> None:  # type: ignore[no-untyped-def]
    """`fails` is true when a finding is at least as severe as the threshold."""
    assert report.build(example, path="x").fails(threshold) is expected


def test_fails_on_a_clean_model() -> None:
    """A model with no findings fails no threshold."""
    model = servicekit.loads("servicekit: 1\nname: Empty\n")
    built = report.build(model, path="m.yaml")
    assert built.findings == ()
    assert not built.fails("info")
    assert "No findings" in built.to_text()


def test_text_names_the_bundled_example(example) -> None:  # type: ignore[no-untyped-def]
    """The text says when it runs on the bundled example, and how to use your own."""
    text = render_text.report_text(report.build(example, path="ex.yaml", bundled=True))
    assert "the bundled example, ex.yaml" in text
    assert "servicekit report MODEL" in text
    plain = render_text.report_text(report.build(example, path="mine.yaml"))
    assert "Model: mine.yaml" in plain
    assert "bundled" not in plain


def test_text_summarises_long_upstream_chains() -> None:
    """Past a dozen upstream nodes the text names how many more there are."""
    roles = "".join(f"  - {{id: r{i}, serves: [r{i + 1}]}}\n" for i in range(20))
    model = servicekit.loads(
        f"servicekit: 1\nroles:\n{roles}  - {{id: r20}}\ntouchpoints: [{{id: t, role: r20}}]\n"
    )
    text = render_text.report_text(report.build(model, path="m.yaml"))
    assert f"and {21 - render_text.SHOWN_UPSTREAM} more" in text
    assert "no fail points upstream" in text


# --- a report that scales: summarised, budgeted and streamed ---------------------------


def organisation(layers: int, width: int, touchpoints: int) -> servicekit.ServiceModel:
    """Layers of ``width`` roles, each handing to two of the next; ``touchpoints`` at the end.

    Every touchpoint has every role of every layer upstream of it.
    """
    lines = ["servicekit: 1", "roles:"]
    for layer in range(layers):
        for n in range(width):
            targets = [f"r{layer + 1}-{(n + k) % width}" for k in (0, 1)]
            if layer + 1 == layers:
                targets = []
            fail = f"{{to: r{layer + 1}-{n}, fail_points: [{{id: f{layer}-{n}, rate: 0.01}}]}}"
            serves = [fail, *targets[1:]] if targets else []
            lines.append(f"  - {{id: r{layer}-{n}, serves: [{', '.join(serves)}]}}")
    lines.append("touchpoints:")
    for t in range(touchpoints):
        lines.append(f"  - {{id: t{t:03d}, role: r{layers - 1}-{t % width}}}")
    return servicekit.loads("\n".join(lines) + "\n")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_report_grows_as_touchpoints_plus_nodes_not_times(fmt: str) -> None:
    """Four times the touchpoints and four times the nodes upstream of each: the report is
    about four times as long (touchpoints plus nodes), not sixteen (touchpoints times nodes)."""

    def size(layers: int, touchpoints: int) -> int:
        built = report.build(organisation(layers, 10, touchpoints), path="m.yaml")
        if fmt == "json":
            return len("".join(render_json.report_json_chunks(built)))
        return len(render_text.report_text(built))

    small, large = size(4, 20), size(16, 80)
    assert large < 5 * small, (small, large)


def test_report_traces_within_a_budget_of_the_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    """Suspects are ranked (a full trace) for touchpoints in id order while the upstream
    nodes traced stay within the chain's nodes; the rest say they were not ranked."""
    model = organisation(10, 20, 40)
    traced: list[str] = []
    real = servicekit.ServiceChain.trace

    def counting(self: servicekit.ServiceChain, touchpoint: str, *args: object) -> object:
        traced.append(touchpoint)
        return real(self, touchpoint, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(servicekit.ServiceChain, "trace", counting)
    built = report.build(model, path="m.yaml", top=2)
    parts = list(built.touchpoints)
    upstream = model.chain.upstream_of_all()
    assert sum(len(upstream[t]) for t in traced) <= model.chain.graph.number_of_nodes()
    assert traced == sorted(model.touchpoints)[: built.touchpoints.ranked]
    assert 0 < built.touchpoints.ranked < len(parts)
    for number, part in enumerate(parts):
        assert (part.suspects is not None) == (number < built.touchpoints.ranked)
        assert part.upstream_count == len(upstream[part.touchpoint.id])
        assert len(part.upstream) == report.NEAREST
        assert part.critical_count == len(model.chain.critical(part.touchpoint.id))
    text = built.to_text()
    assert re.search(
        r"not ranked in this report\s+\(servicekit trace MODEL t039 ranks them\)", text
    )
    assert f"suspects are ranked for the first {built.touchpoints.ranked} touchpoints" in text
    data = built.to_json()
    assert [t["suspects_ranked"] for t in data["touchpoints"]] == [
        n < built.touchpoints.ranked for n in range(len(parts))
    ]


def test_nearest_nodes_are_the_nearest_by_distance() -> None:
    """The nodes a report names are at the smallest distances upstream."""
    model = organisation(6, 20, 5)
    for touchpoint in model.touchpoints:
        named = report.nearest(model.chain, touchpoint, 7)
        everything = model.chain.upstream(touchpoint)
        assert len(named) == 7
        cut = sorted(r.distance for r in everything)[6]
        assert all(r.distance <= cut for r in named)
        assert {r.id for r in named} <= set(everything.ids)


def test_json_chunks_are_the_json_of_the_report(example) -> None:  # type: ignore[no-untyped-def]
    """The streamed JSON is exactly json.dumps of report_json, indented by two."""
    for model in (example, organisation(4, 6, 8), servicekit.loads("servicekit: 1\n")):
        built = report.build(model, path="m.yaml")
        streamed = "".join(render_json.report_json_chunks(built))
        assert streamed == json.dumps(render_json.report_json(built), indent=2, ensure_ascii=False)


def test_report_is_written_while_it_is_worked_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The command writes each touchpoint's part before working out the next one."""
    path = tmp_path / "org.yaml"
    servicekit.save(organisation(4, 6, 8), path)
    written_before: list[int] = []
    real = report.TouchpointReports.__getitem__

    def watching(self: report.TouchpointReports, index: int) -> object:
        written_before.append(len(capsys.readouterr().out))
        return real(self, index)

    monkeypatch.setattr(report.TouchpointReports, "__getitem__", watching)
    assert main(["report", str(path)]) == 0
    assert len(written_before) == 8
    assert all(size > 0 for size in written_before)


def test_report_shows_unrated_suspects(monkeypatch: pytest.MonkeyPatch) -> None:
    """A suspect with no score (its rate unknown) is shown as such in text and JSON."""
    from servicekit import Suspect, Suspects

    unrated = Suspect(
        role="a",
        receiver="b",
        fail_point="f",
        category="c",
        rate=None,
        escape=1.0,
        score=None,
        distance=1,
    )
    monkeypatch.setattr(
        servicekit.ServiceChain, "trace", lambda self, t, c=None: Suspects([unrated])
    )
    built = report.build(organisation(2, 2, 1), path="m.yaml")
    assert re.search(r"\n +unrated +c +f +a +1\n", built.to_text())
    assert built.to_json()["touchpoints"][0]["suspects"][0]["score"] is None
    assert re.search(
        r"\n +unrated +unknown +100% +c +f +a -> b +1$", render_text.suspects_text("t", [unrated])
    )


def test_an_upstream_item_never_wraps_between_its_id_and_its_distance() -> None:
    """A long upstream list breaks between items, never inside ``id (distance)``."""
    roles = [
        servicekit.Role(id=f"role-number-{i}", serves=[f"role-number-{i + 1}"]) for i in range(30)
    ]
    roles.append(servicekit.Role(id="role-number-30"))
    model = servicekit.ServiceModel(
        roles=roles, touchpoints=[servicekit.Touchpoint(id="t", role="role-number-30")]
    )
    text = report.build(model, path="m.yaml").to_text()
    lines = text.split("upstream, by distance: ")[1].split("\n  critical")[0].splitlines()
    assert len(lines) > 2
    for line in lines:
        assert "\xa0" not in line
        assert not re.match(r"^\s*\(\d+\)", line), line  # a distance alone on a line
        assert not re.search(r"role-number-\d+$", line), line  # an id without its distance
        assert len(line) <= 88


def test_top_zero_says_the_suspects_are_not_shown(example) -> None:  # type: ignore[no-untyped-def]
    """``--top 0`` does not claim there are no fail points upstream: it says none are shown."""
    built = report.build(example, path="x.yaml", top=0)
    text = built.to_text()
    assert "no fail points upstream" not in text
    assert "not shown (--top 0;\n    servicekit trace MODEL pickup ranks them)" in text
    assert "Note: suspects are ranked" not in text
    assert all(p["suspects"] == [] for p in built.to_json()["touchpoints"])


def test_report_exits_0_with_an_error_finding_unless_asked_to_fail(tmp_path: Path) -> None:
    """report is for reading: it exits 0 whatever the audit finds; --fail-on makes it a gate,
    as audit is by default (exit 1 on an error finding)."""
    path = tmp_path / "m.yaml"
    path.write_text(
        "servicekit: 1\nroles: [{id: clerk}, {id: lonely}]\n"
        "touchpoints: [{id: desk, role: clerk}]\n"
        "audit: {rules: {no-customer: error}}\n",
        encoding="utf-8",
    )
    model = servicekit.load(path)
    assert any(f.severity == "error" for f in model.audit())
    assert main(["report", str(path)]) == 0
    assert main(["report", str(path), "--fail-on", "error"]) == 1
    assert main(["audit", str(path)]) == 1
