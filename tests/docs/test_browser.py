"""The built documentation works in a real browser, offline.

The site is built with ``mkdocs build --strict`` into a temporary directory
(the ``site`` fixture of ``conftest.py``, shared with the other tests of the built site),
served on 127.0.0.1, and a tutorial page is opened in headless Chromium (Debian's
``chromium``, driven by playwright; never a downloaded browser). The service
blueprint must render as SVG, the page must log no console errors, and no
request may leave the machine.

Chromium, playwright and mkdocs come from the ``test`` and ``docs`` extras and
``apt-get install chromium``. Without them the browser test is skipped with the
reason, except in CI (the ``CI`` environment variable set), where a missing
piece is a failure: the test must never silently stop running there.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TUTORIAL = "tutorials/restaurant/"


def _chromium(missing: Callable[[str], None]) -> str:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    missing("Debian's chromium (apt-get install chromium)")
    raise AssertionError("unreachable")  # pragma: no cover


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The built site, served on 127.0.0.1 from a thread; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_no_page_loads_anything_from_another_site(site: Path) -> None:
    """No built page references an external script, stylesheet, font or image."""
    external = re.compile(
        r"<(?:script|img|iframe)[^>]*\ssrc=\"(?:https?:)?//|"
        r"<link[^>]*\srel=\"(?:stylesheet|preconnect|preload|modulepreload)\"[^>]*\shref=\"(?:https?:)?//|"
        r"@import\s+url\((?:https?:)?//"
    )
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        match = external.search(text)
        assert match is None, f"{page.relative_to(site)} loads {match.group(0)!r}"
        assert "unpkg.com" not in text
        assert "fonts.googleapis.com" not in text


def test_every_diagram_fence_became_a_diagram(site: Path) -> None:
    """Diagram fences become <pre class="sk-mermaid"> blocks holding Mermaid source."""
    page = (site / TUTORIAL / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<pre class="sk-mermaid">(.*?)</pre>', page, flags=re.S)
    assert blocks
    assert all(b.lstrip().startswith("---\ntitle: Bistro on the Corner") for b in blocks)
    assert "servicekit-diagram" not in page
    assert (site / "javascripts" / "mermaid.min.js").is_file()


def test_tutorial_diagram_renders_as_svg_without_console_errors(
    server: str, tmp_path: Path, missing: Callable[[str], None]
) -> None:
    """In headless Chromium the tutorial's blueprint renders as SVG, with no console errors."""
    executable = _chromium(missing)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright (the python package, from the test extra)")
    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def local_only(route: Any) -> None:
                if route.request.url.startswith(server):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", local_only)
            page.goto(server + TUTORIAL, wait_until="load")
            page.wait_for_selector("pre.sk-mermaid svg", timeout=30_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('pre.sk-mermaid')]"
                ".every(p => p.querySelector('svg'))",
                timeout=30_000,
            )
            svg = page.locator("pre.sk-mermaid svg").first
            labels = svg.locator("g.node").all_text_contents()
            assert any("Expeditor" in label for label in labels)
            assert any("Service at the table" in label for label in labels)
            assert svg.locator("g.cluster").count() >= 4  # the blueprint's lanes
            red = page.locator("pre.sk-mermaid svg path[style*='stroke:#b91c1c']").count()
            assert red > 0  # fail-point hand-offs are marked
            svg.scroll_into_view_if_needed()
            shot = tmp_path / "restaurant-tutorial.png"
            svg.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
    assert errors == []
    assert outside == []
