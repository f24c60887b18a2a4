"""Shared helpers for every browser test: Debian's Chromium through Playwright, and axe-core.

Use the fixtures from a conftest.py:

    from tests.browser_support import browser, page  # noqa: F401  (pytest fixtures)

and scan a page with `axe_violations(page)`. Nothing is downloaded: the browser is
Debian's /usr/bin/chromium and axe-core comes from node_modules (`npm ci`). Both are
installed by `make test`; when one is missing, the tests fail and say so.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RESULTS_DIR = ROOT / "results"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")

DESKTOP = {"width": 1280, "height": 800}


def require_browser_tools() -> None:
    """Fails (never skips) with a clear message when Chromium or axe-core is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Chromium at {CHROMIUM} (Debian package `chromium`)")
    if not AXE_JS.exists():
        missing.append(f"axe-core at {AXE_JS} (npm devDependency in package.json)")
    if missing:
        pytest.fail(
            "browser tests need " + " and ".join(missing)
            + "; run the tests through `make test`, which installs both",
            pytrace=False,
        )


def launch_chromium(playwright: Any, extra_args: Iterable[str] = (), **options: Any) -> Any:
    """Debian's Chromium, headless, with no background traffic of its own.

    `playwright` is the object from `sync_playwright()` (or a BrowserType, such as
    `browser.browser_type` of a running browser); `extra_args` adds Chromium switches.
    """
    require_browser_tools()
    browser_type = getattr(playwright, "chromium", playwright)
    return browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args], headless=True, **options
    )


def new_context(browser: Any, **options: Any) -> Any:
    """A fresh browser context (own cookies and sessionStorage), Swedish, desktop-sized.

    `bypass_csp` is on by default so that axe-core can be injected into pages that
    send a strict Content-Security-Policy; pass `bypass_csp=False` to test the CSP.
    """
    settings: dict[str, Any] = {"viewport": dict(DESKTOP), "locale": "sv-SE", "bypass_csp": True}
    settings.update(options)
    return browser.new_context(**settings)


def axe_violations(
    page: Any,
    impacts: Iterable[str] = ALL_IMPACTS,
    tags: Iterable[str] = WCAG_TAGS,
    context: Any | None = None,
) -> list[dict[str, Any]]:
    """Runs axe-core (from the local node_modules) on the page; the WCAG 2.1 A/AA violations.

    `impacts` keeps only violations of those impact levels (all of them by default);
    `context` is an axe context (a selector, or {"include": ..., "exclude": ...}).
    """
    require_browser_tools()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """([context, tags]) => axe.run(context || document, {
               runOnly: {type: 'tag', values: tags},
               resultTypes: ['violations'],
           })""",
        [context, list(tags)],
    )
    wanted = set(impacts)
    return [v for v in result["violations"] if v.get("impact") in wanted]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """A readable summary for assertion messages."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} — {v.get('helpUrl', '')}")
        for node in v.get("nodes", [])[:5]:
            lines.append(f"    {' '.join(map(str, node.get('target', [])))}: "
                         f"{node.get('failureSummary', '').strip()}")
    return "\n".join(lines) or "no violations"


def screenshot(page: Any, name: str, **options: Any) -> Path:
    """Saves a PNG under results/ and returns its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / name
    page.screenshot(path=str(path), **options)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module: the sync Playwright loop must stop before
    the asyncio tests of the next module run in the same thread."""
    require_browser_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A new page in its own context (fresh sessionStorage) for each test.

    JavaScript errors on the page are collected in `page.js_errors`.
    """
    context = new_context(browser)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.js_errors = []
    tab.on("pageerror", lambda error: tab.js_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()
