"""Shared fixtures: the bundled example, the sample corpus, and small models."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import servicekit

# In CI, property tests draw the same examples every run, so a red build always
# reproduces; locally they explore new examples each time.
settings.register_profile(
    "ci", derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
#: The sample corpus of bad and tricky models, kept with the tests.
CORPUS = ROOT / "tests" / "data" / "corpus"


@pytest.fixture(scope="session")
def example() -> servicekit.ServiceModel:
    """The bundled dry-cleaner example model."""
    return servicekit.load_example()


@pytest.fixture
def write_model(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write YAML text to a file in a temporary directory and return its path."""

    def write(text: str | bytes, name: str = "model.yaml") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write
