"""Published real-world processes, written as models: the headline answers are the ones an
expert would give (tests/data/real holds the models, each with where it comes from)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import servicekit
from servicekit import ServiceModel

REAL = Path(__file__).resolve().parent / "data" / "real"


@pytest.fixture(scope="module")
def incident() -> ServiceModel:
    """Incident response (PagerDuty's and Atlassian's published process)."""
    return servicekit.load(REAL / "incident-response.yaml")


@pytest.fixture(scope="module")
def clinic() -> ServiceModel:
    """An outpatient clinic's check-in, with a kiosk and a records system."""
    return servicekit.load(REAL / "clinic-check-in.yaml")


@pytest.fixture(scope="module")
def centre() -> ServiceModel:
    """An urgent treatment centre's patient flow."""
    return servicekit.load(REAL / "treatment-centre.yaml")


def without_support_desk(model: ServiceModel) -> ServiceModel:
    """The incident process with alerts as the only way in (no support desk)."""
    roles = [r for r in model.roles.values() if r.id != "support-agent"]
    touchpoints = [t for t in model.touchpoints.values() if t.id != "support-desk"]
    return attrs.evolve(model, roles=roles, touchpoints=touchpoints, sources={})


def undeclared(model: ServiceModel) -> ServiceModel:
    """The model as revision 1 read it: no feeds, no starts, nothing required."""
    roles = [
        attrs.evolve(r, starts=False, serves=[attrs.evolve(h, required=False) for h in r.serves])
        for r in model.roles.values()
    ]
    touchpoints = [attrs.evolve(t, feeds=()) for t in model.touchpoints.values()]
    return attrs.evolve(model, roles=roles, touchpoints=touchpoints, sources={})


# --- incident response ---------------------------------------------------------------------


def test_the_standby_deputy_is_critical_for_nothing(incident: ServiceModel) -> None:
    """Work starts with an alert or a customer's report, so the deputy, who receives nothing
    until needed, is no single point of failure; revision 1's guess made it one."""
    for model in (incident, without_support_desk(incident)):
        chain = model.chain
        for node in chain.graph:
            assert "deputy" not in chain.critical(node), node
    guessed = undeclared(without_support_desk(incident)).chain
    assert guessed.critical("incident-commander") == ("deputy",)
    assert guessed.critical("status-message") == ("status-page", "incident-commander", "deputy")


def test_the_status_message_needs_the_commanders_approval(incident: ServiceModel) -> None:
    """The public status message needs the liaison's draft and the commander's approval."""
    chain = incident.chain
    assert chain.critical("status-message") == ("status-page", "incident-commander", "liaison")
    assert "incident-commander" not in undeclared(incident).chain.critical("status-message")
    assert [(r.id, r.why) for r in chain.roots("status-message")] == [
        ("deputy", "source"),
        ("on-call", "starts"),
        ("support-agent", "feeds"),
        ("support-desk", "source"),
    ]


def test_an_optional_second_intake_changes_nothing_critical(incident: ServiceModel) -> None:
    """Reports coming in at the support desk as well as by alert add a way in: what the status
    message needs is the same with it or without it (revision 1's guess changed it)."""
    alerts_only = without_support_desk(incident)
    for node in ("status-message", "sme", "incident-commander"):
        assert incident.chain.critical(node) == alerts_only.chain.critical(node), node
    assert undeclared(incident).chain.critical("status-message") != undeclared(
        alerts_only
    ).chain.critical("status-message")
    assert incident.chain.never_served() == ()


def test_unrated_fail_points_are_suspects(incident: ServiceModel) -> None:
    """No published source gives rates: every fail point upstream is still a suspect, unrated."""
    suspects = incident.chain.trace("status-message")
    assert [s.fail_point for s in suspects] == [
        "stale-status",
        "stale-update",
        "jargon",
        "wrong-severity",
        "wrong-diagnosis",
        "report-lost",
    ]
    assert all(s.rate is None and s.score is None for s in suspects)
    assert (suspects[0].receiver, suspects[0].distance) == (None, 0)


def test_one_liaison_is_a_key_person_and_the_commander_has_a_deputy(
    incident: ServiceModel,
) -> None:
    """The liaison alone stops status messages; the commander has the deputy as backup; the
    status page is a system, never told to carry principles."""
    findings = incident.audit()
    assert [(f.rule, f.subject) for f in findings] == [("key-person", "liaison")]


# --- clinic check-in -------------------------------------------------------------------------


def test_systems_get_no_principles_findings(clinic: ServiceModel) -> None:
    """The kiosk and the records system are not people: no principle, programme or
    customer findings, and no row in the coverage matrix."""
    table = clinic.coverage()
    assert "kiosk" not in table.roles
    assert "records" not in table.roles
    assert all(f.subject not in ("kiosk", "records") for f in clinic.audit())


def test_the_one_registration_clerk_is_a_key_person(clinic: ServiceModel) -> None:
    """Every visit passes the one registration clerk: the audit says so."""
    (finding,) = [f for f in clinic.audit() if f.rule == "key-person"]
    assert finding.subject == "registration"
    assert "Seeing the physician and The patient's statement" in finding.message
    assert clinic.chain.critical("consultation") == (
        "physician",
        "nurse",
        "records",
        "registration",
    )


def test_kiosk_and_desk_are_two_ways_in(clinic: ServiceModel) -> None:
    """Patients may check in at the kiosk or the desk: neither is critical for the visit."""
    critical = clinic.chain.critical("consultation")
    assert "kiosk" not in critical
    assert "receptionist" not in critical


def test_insurance_errors_show_on_the_statement_not_in_the_consulting_room(
    clinic: ServiceModel,
) -> None:
    """shows_at keeps a defect to where it can be seen."""
    at_consultation = {s.fail_point for s in clinic.chain.trace("consultation")}
    at_statement = {s.fail_point for s in clinic.chain.trace("statement")}
    assert "wrong-insurance" not in at_consultation
    assert "wrong-insurance" in at_statement


# --- treatment centre ------------------------------------------------------------------------


def test_a_wrong_name_at_reception_flows_on(centre: ServiceModel) -> None:
    """A fail point of the reception desk itself reaches treatment through what the desk
    feeds, halved by the nurse's and the clinician's identity checks."""
    (wrong_name,) = [s for s in centre.chain.trace("treatment") if s.fail_point == "wrong-name"]
    assert (wrong_name.role, wrong_name.touchpoint, wrong_name.receiver) == (
        "receptionist",
        "reception",
        "receptionist",
    )
    assert wrong_name.escape == pytest.approx(0.25)
    assert wrong_name.distance == centre.chain.upstream("treatment").distances()["reception"]


def test_gp_details_show_only_on_the_discharge_letter(centre: ServiceModel) -> None:
    """A wrong GP address is never a suspect in the treatment room."""
    assert "wrong-gp-details" not in {s.fail_point for s in centre.chain.trace("treatment")}
    assert "wrong-gp-details" in {s.fail_point for s in centre.chain.trace("discharge-letter")}


def test_the_optional_x_ray_is_not_critical(centre: ServiceModel) -> None:
    """Not every patient needs an X-ray: the one radiographer is no key person."""
    assert "radiographer" not in centre.chain.critical("treatment")
    assert not [f for f in centre.audit() if f.rule == "key-person"]


@pytest.mark.parametrize(
    ("model", "touchpoint"),
    [("incident-response", "status-message"), ("treatment-centre", "treatment")],
    ids=["incident", "treatment-centre"],
)
def test_trace_text_tells_the_truth_about_unrated_suspects(model: str, touchpoint: str) -> None:
    """The command line lists unrated suspects as unrated, never as none or 0%."""
    out = subprocess.run(
        [sys.executable, "-m", "servicekit", "trace", str(REAL / f"{model}.yaml"), touchpoint],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "none" not in out.splitlines()[0]
    assert "(unrated: no rate is known" in out
    assert " 0%" not in out
    assert all(line.lstrip().startswith("unrated") for line in out.splitlines()[3:])
