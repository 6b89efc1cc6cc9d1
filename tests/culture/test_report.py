"""The service report: the answers of every touchpoint, its coverage gaps and findings."""

from __future__ import annotations

import pytest

import servicekit
from servicekit.culture import report
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
    assert f"and {20 - render_text.SHOWN_UPSTREAM + 1} more" in text
    assert "no fail points upstream" in text
