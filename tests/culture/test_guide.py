"""Tests for servicekit.guide: education cards for scenarios."""

from __future__ import annotations

import json

import pytest

import servicekit
from servicekit import Scenario, Script, ServiceModel
from servicekit.culture.guide import MAX_SUSPECTS, ScenarioGuide, covers, guide

#: Two counters at one desk: the clerk at check-in, the porter at luggage; a rework loop
#: (porter <-> packer) upstream, and check-in serving two kinds of guest.
HOTEL = """\
servicekit: 1
customers:
  - {id: family, name: Family, needs: [rooms side by side], wants: [a cot], values: [calm]}
  - {id: business, name: Business guest, needs: [fast check-in], values: [time]}
roles:
  - id: packer
    serves:
      - to: porter
        fail_points: [{id: torn-tag, category: lost-bag, rate: 0.1}]
  - id: porter
    serves:
      - to: packer
        fail_points: [{id: wet-bag, category: damage, rate: 0.2}]
      - to: clerk
        fail_points: [{id: late-bag, category: delay, rate: 0.3}]
  - {id: clerk, principles: [be-present]}
  - {id: night-manager}
touchpoints:
  - {id: check-in, name: Check-in desk, role: clerk, customers: [family, business]}
  - {id: lobby, role: night-manager}
principles:
  - id: be-present
    name: Be present
    statement: Give the guest your whole attention.
    questions: [What does this guest need first?]
    applies_to: {}
scripts:
  - {id: late-luggage, role: clerk, situations: [delay], steps: [apologise, offer a drink]}
  - {id: desk-damage, touchpoint: check-in, situations: [damage], steps: [log it]}
  - {id: lobby-noise, touchpoint: lobby, situations: [delay]}
  - {id: floating, situations: [delay]}
scenarios:
  - {id: family-late-bag, touchpoint: check-in, customer: family, tags: [delay]}
  - {id: business-late-bag, touchpoint: check-in, customer: business, tags: [delay, damage]}
  - {id: no-customer, touchpoint: check-in, tags: [noise], title: Noise at the desk}
  - {id: lobby-quiet, touchpoint: lobby, tags: [quiet]}
"""


@pytest.fixture(scope="module")
def hotel() -> ServiceModel:
    """The hotel model above."""
    return servicekit.loads(HOTEL)


@pytest.mark.parametrize(
    ("script", "scenario", "expected"),
    [
        ("late-luggage", "family-late-bag", True),
        ("desk-damage", "business-late-bag", True),
        ("desk-damage", "family-late-bag", False),
        ("lobby-noise", "family-late-bag", False),
        ("floating", "family-late-bag", False),
        ("late-luggage", "no-customer", False),
        ("lobby-noise", "lobby-quiet", False),
    ],
    ids=[
        "tag-and-role-on-duty",
        "tag-and-touchpoint",
        "touchpoint-but-no-shared-tag",
        "tag-but-other-touchpoint",
        "script-for-no-one",
        "role-but-no-shared-tag",
        "touchpoint-but-other-tag",
    ],
)
def test_covers(hotel: ServiceModel, script: str, scenario: str, expected: bool) -> None:
    """A script covers a scenario when a tag is shared and it is for its touchpoint or role."""
    assert covers(hotel, hotel.scripts[script], hotel.scenarios[scenario]) is expected


def test_covers_role_serving_elsewhere_counts() -> None:
    """A script for the role on duty covers the scenario even if it names another touchpoint."""
    model = servicekit.loads(
        """\
servicekit: 1
roles: [{id: clerk}]
touchpoints: [{id: front, role: clerk}, {id: back, role: clerk}]
scripts: [{id: s, role: clerk, touchpoint: back, situations: [x]}]
scenarios: [{id: sc, touchpoint: front, tags: [x]}]
"""
    )
    assert covers(model, model.scripts["s"], model.scenarios["sc"])
    other = Script(id="t", touchpoint="back", situations=["x"])
    assert not covers(model, other, Scenario(id="sc", touchpoint="front", tags=["x"]))


def test_guide_fields_on_the_example(example: ServiceModel) -> None:
    """The wedding-dress card has the bride, the cashier, the stain script and principles."""
    card = example.guide("wedding-dress-stain")
    assert isinstance(card, ScenarioGuide)
    assert card.scenario is example.scenarios["wedding-dress-stain"]
    assert card.touchpoint.id == "pickup"
    assert card.customer is example.customers["bride"]
    assert card.role is example.roles["cashier"]
    assert [s.id for s in card.scripts] == ["stain-complaint"]
    assert not card.novel
    assert [p.id for p in card.principles] == ["see-it-their-way", "no-surprises"]
    assert [a.source for a in card.applicability] == ["everyone", "department"]
    assert card.principles[0].questions


def test_guide_upstream_on_the_example(example: ServiceModel) -> None:
    """Upstream roles are those reaching pickup, nearest first, the cashier left out."""
    card = example.guide("everyday-stain")
    expected = tuple(
        r.id for r in example.chain.upstream("pickup") if r.kind == "role" and r.id != "cashier"
    )
    assert card.upstream == expected
    assert card.upstream[0] == "organizer"
    assert "cashier" not in card.upstream
    assert set(card.upstream) == set(example.roles) - {
        "bookkeeper",
        "cashier",
        "owner",
        "plant-manager",
        "store-manager",
    }


def test_guide_suspects_on_the_example(example: ServiceModel) -> None:
    """The stain tag brings in the spotter's missed stain, halved by the presser's catch."""
    card = example.guide("wedding-dress-stain")
    assert [(s.role, s.fail_point, s.category) for s in card.suspects] == [
        ("spotter", "missed-stain", "stain")
    ]
    assert card.suspects[0].score == pytest.approx(0.04 * 0.5)


def test_guide_novel_scenario(example: ServiceModel) -> None:
    """A scenario no script covers is novel and its card says so."""
    card = guide(example, "missing-button")
    assert card.novel
    assert card.scripts == ()
    assert card.suspects == ()  # "damage" is no fail-point category in the example
    assert "no script covers this situation" in card.to_text()
    assert card.to_json()["novel"] is True


def test_guide_unknown_scenario(example: ServiceModel) -> None:
    """An unknown scenario raises UnknownIdError with a suggestion."""
    with pytest.raises(servicekit.UnknownIdError, match="did you mean 'missing-button'"):
        example.guide("missing-buton")


def test_guide_in_a_rework_loop(hotel: ServiceModel) -> None:
    """Upstream roles come through the porter <-> packer loop, each once, nearest first."""
    card = hotel.guide("business-late-bag")
    assert card.upstream == ("porter", "packer")
    assert card.role.id == "clerk"


def test_guide_touchpoint_with_several_customers(hotel: ServiceModel) -> None:
    """Scenarios at one touchpoint carry each their own customer."""
    family = hotel.guide("family-late-bag")
    business = hotel.guide("business-late-bag")
    assert family.customer is not None
    assert family.customer.id == "family"
    assert business.customer is not None
    assert business.customer.id == "business"
    assert "rooms side by side" in family.to_text()
    assert "fast check-in" in business.to_text()
    assert "rooms side by side" not in business.to_text()


def test_guide_scripts_keep_model_order(hotel: ServiceModel) -> None:
    """Both the role's script and the touchpoint's script cover, in the model's order."""
    card = hotel.guide("business-late-bag")
    assert [s.id for s in card.scripts] == ["late-luggage", "desk-damage"]


def test_guide_merges_suspects_over_tags(hotel: ServiceModel) -> None:
    """Suspects of every tag that is a category are merged, best first."""
    card = hotel.guide("business-late-bag")
    chain = hotel.chain
    expected = sorted(
        [*chain.trace("check-in", "delay"), *chain.trace("check-in", "damage")],
        key=lambda s: -s.score,
    )
    assert list(card.suspects) == expected
    assert [s.fail_point for s in card.suspects] == ["late-bag", "wet-bag"]


def test_guide_ignores_tags_that_are_no_category(hotel: ServiceModel) -> None:
    """A tag that no fail point uses brings no suspects."""
    assert hotel.guide("no-customer").suspects == ()


def test_guide_caps_suspects() -> None:
    """At most MAX_SUSPECTS suspects are kept: the highest scores."""
    fail_points = ", ".join(
        f"{{id: fp{i}, category: spill, rate: 0.0{i}}}" for i in range(1, MAX_SUSPECTS + 3)
    )
    model = servicekit.loads(
        f"""\
servicekit: 1
roles:
  - {{id: cook, serves: [{{to: waiter, fail_points: [{fail_points}]}}]}}
  - {{id: waiter}}
touchpoints: [{{id: table, role: waiter}}]
scenarios: [{{id: soup, touchpoint: table, tags: [spill, spill]}}]
"""
    )
    card = model.guide("soup")
    assert len(card.suspects) == MAX_SUSPECTS
    assert [s.fail_point for s in card.suspects] == [
        f"fp{i}" for i in range(MAX_SUSPECTS + 2, 2, -1)
    ]


def test_guide_without_customer_or_principles(hotel: ServiceModel) -> None:
    """A card with no customer and no principle says what is missing instead."""
    card = hotel.guide("lobby-quiet")
    assert card.customer is None
    assert card.principles == ()
    assert card.upstream == ()
    text = card.to_text()
    assert "not named: ask what this customer needs" in text
    assert "no principle applies to night-manager" in text
    assert "none: the work starts with the role on duty" in text
    assert card.to_json()["customer"] is None


def test_guide_explicit_principle_only(hotel: ServiceModel) -> None:
    """A principle the role names itself is on its card, marked as named for it."""
    card = hotel.guide("family-late-bag")
    assert [p.id for p in card.principles] == ["be-present"]
    assert card.applicability[0].source == "explicit"
    assert "Be present (be-present), named for this role" in card.to_text()


def test_to_text_has_training_and_education(hotel: ServiceModel) -> None:
    """Text shows the customer, scripts with steps, principles with questions and suspects."""
    text = hotel.guide("business-late-bag").to_text()
    assert text.startswith("Scenario: business-late-bag\n")
    assert "Touchpoint: Check-in desk (check-in); on duty: clerk" in text
    assert "Business guest (business)" in text
    assert "values: time" in text
    assert "late-luggage: apologise; offer a drink" in text
    assert "Give the guest your whole attention." in text
    assert "- What does this guest need first?" in text
    assert "porter, packer" in text
    assert "late-bag (delay) in the hand-off from porter to clerk" in text
    assert "Scenario(" not in text
    assert "Principle(" not in text


def test_to_markdown_has_sections(hotel: ServiceModel) -> None:
    """Markdown has a title and a section each for customer, training and education."""
    markdown = hotel.guide("no-customer").to_markdown()
    lines = markdown.splitlines()
    assert lines[0] == "# Scenario: Noise at the desk (no-customer)"
    for section in (
        "## Customer",
        "## Scripts (training)",
        "## Principles (education)",
        "## Upstream roles whose work reaches this touchpoint, nearest first",
    ):
        assert section in lines
    assert "  - What does this guest need first?" in lines
    assert "## Most likely causes upstream" not in lines


def test_to_json_round_trips(example: ServiceModel) -> None:
    """JSON is serialisable and holds every part of the card."""
    data = json.loads(json.dumps(example.guide("wedding-dress-stain").to_json()))
    assert data["scenario"]["id"] == "wedding-dress-stain"
    assert data["scenario"]["tags"] == ["stain", "urgent"]
    assert data["customer"]["values"] == ["being taken seriously", "certainty"]
    assert data["role"] == {"id": "cashier", "name": "Cashier"}
    assert data["touchpoint"]["id"] == "pickup"
    assert data["scripts"][0]["steps"][0] == "apologise"
    assert data["principles"][0]["questions"][0] == "What does this person need from me right now?"
    assert data["principles"][1]["source"] == "department"
    assert data["upstream"][0] == "organizer"
    assert data["suspects"][0]["fail_point"] == "missed-stain"
    assert data["novel"] is False


def test_guide_for_a_bare_scenario() -> None:
    """A scenario with no title, situation or tags, and a principle with no statement, renders."""
    model = servicekit.loads(
        """\
servicekit: 1
roles: [{id: clerk}]
touchpoints: [{id: desk, role: clerk}]
principles: [{id: listen}]
scenarios: [{id: bare, touchpoint: desk}]
"""
    )
    card = model.guide("bare")
    assert card.novel
    text = card.to_text()
    assert "Tags:" not in text
    assert "Situation:" not in text
    assert "  - listen, applies to everyone\n" in text


def test_guide_shows_itself_in_notebooks(example: ServiceModel) -> None:
    """A guide displays as the HTML and Markdown cards of servicekit.display."""
    from servicekit.render import html as display
    from servicekit.render import markdown as display_md

    card = example.guide("wedding-dress-stain")
    assert card._repr_html_() == display.guide_html(card)
    assert card._repr_markdown_() == display_md.guide_markdown(card)
    assert "A stain on a dress needed tomorrow" in card._repr_html_()


# --- revision 2: a guide for one customer -----------------------------------------------------

#: A key handover: a first-home buyer gets an occasion, an investor a short email.
HANDOVER = """\
servicekit: 1
customers: [{id: buyer}, {id: investor}]
roles:
  - id: conveyancer
    serves:
      - {to: agent, item: cleared title, required: true}
  - id: stylist
    serves:
      - to: agent
        for: [buyer]
        fail_points: [{id: flat-balloons, category: occasion}]
  - id: admin
    serves:
      - to: agent
        for: [investor]
        fail_points: [{id: missing-pdf, category: paperwork, rate: 0.05}]
  - {id: agent}
touchpoints:
  - id: handover
    role: agent
    customers: [buyer, investor]
    fail_points: [{id: wrong-keys, category: paperwork}]
principles:
  - {id: occasion, statement: Make it a day to remember., for: [buyer]}
  - {id: brevity, statement: Two lines and the documents., for: [investor]}
scripts:
  - {id: ceremony, role: agent, situations: [handover], for: [buyer]}
  - {id: two-line-email, role: agent, situations: [handover], for: [investor]}
scenarios:
  - {id: buyer-keys, touchpoint: handover, customer: buyer, tags: [handover, occasion]}
  - {id: investor-keys, touchpoint: handover, customer: investor, tags: [handover, paperwork]}
  - {id: anyone-keys, touchpoint: handover, tags: [handover]}
"""


@pytest.mark.parametrize(
    ("scenario", "scripts", "principles", "upstream", "suspects"),
    [
        ("buyer-keys", ["ceremony"], ["occasion"], ["conveyancer", "stylist"], ["flat-balloons"]),
        (
            "investor-keys",
            ["two-line-email"],
            ["brevity"],
            ["admin", "conveyancer"],
            ["missing-pdf", "wrong-keys"],
        ),
        ("anyone-keys", [], [], ["admin", "conveyancer", "stylist"], []),
    ],
    ids=["buyer", "investor", "no-customer"],
)
def test_a_guide_is_for_the_scenarios_customer(
    scenario: str,
    scripts: list[str],
    principles: list[str],
    upstream: list[str],
    suspects: list[str],
) -> None:
    """Scripts, principles, upstream roles and suspects come from the customer's chain."""
    card = servicekit.loads(HANDOVER).guide(scenario)
    assert [s.id for s in card.scripts] == scripts
    assert [p.id for p in card.principles] == principles
    assert list(card.upstream) == upstream
    assert [s.fail_point for s in card.suspects] == suspects
    assert card.novel is not bool(scripts)


def test_covers_needs_the_scripts_customer() -> None:
    """A script for some customers covers only their scenarios."""
    model = servicekit.loads(HANDOVER)
    ceremony = model.scripts["ceremony"]
    assert covers(model, ceremony, model.scenarios["buyer-keys"])
    assert not covers(model, ceremony, model.scenarios["investor-keys"])
    assert not covers(model, ceremony, model.scenarios["anyone-keys"])


def test_guide_text_says_the_truth_about_unrated_and_touchpoint_fail_points() -> None:
    """An unrated cause says its rate is unknown; a touchpoint's own fail point says where."""
    text = servicekit.loads(HANDOVER).guide("investor-keys").to_text()
    assert (
        "  - missing-pdf (paperwork) in the hand-off from admin to agent "
        "(score 0.0500, 2 steps upstream)"
    ) in text
    assert "  - brevity, applies to everyone, for investor: Two lines and the documents." in text
    assert (
        "  - wrong-keys (paperwork) at this touchpoint, served by agent "
        "(rate unknown, 100% of such defects get this far, here)"
    ) in text
    buyer = servicekit.loads(HANDOVER).guide("buyer-keys").to_json()
    assert buyer["scripts"][0]["for"] == ["buyer"]
    assert buyer["principles"][0]["for"] == ["buyer"]
    assert buyer["suspects"][0]["rate"] is None
    assert buyer["suspects"][0]["score"] is None
