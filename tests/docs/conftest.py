"""The documentation site, built once for every test that reads it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _missing(what: str) -> None:
    """Fail in CI, skip elsewhere: a missing tool must not go unnoticed in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI must run the docs-site tests")
    pytest.skip(f"{what} is missing; install it to run the docs-site tests")


@pytest.fixture(scope="session")
def missing() -> Callable[[str], None]:
    """What a test calls when a tool it needs is not installed: skip, or fail in CI."""
    return _missing


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation, built strictly into a temporary directory."""
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        _missing("mkdocs (the docs extra)")
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out
