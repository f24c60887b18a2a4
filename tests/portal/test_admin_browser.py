"""The editor in a real browser (Debian's Chromium through Playwright), with
axe-core scans of the login and editor pages.

The portal runs as its own process (`python -m bot portal`) on a test port
with its own seeded content store; no trained model is needed.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect

from bot.content.editor import ContentEditor
from bot.content.store import migrate, seed_if_empty
from bot.content.types import PARTNERS, TOPICS
from bot.db.engine import session_factory
from bot.paths import ROOT
from bot.portal.auth import UserStore
from tests.browser_support import axe_violations, describe_violations, new_context, screenshot

PORT = 18181
BASE = f"http://127.0.0.1:{PORT}"
USER = ("eva", "evas långa lösenord")
ADMIN = ("ulf", "ulfs långa lösenord")
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def portal_process(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("portal")
    url = f"sqlite:///{folder / 'content.db'}"
    migrate(url)
    seed_if_empty(url)
    UserStore(session_factory(url)).create(*USER, role="redaktör")
    UserStore(session_factory(url)).create(*ADMIN, role="admin")
    env = dict(os.environ, DATABASE_URL=url, PORTAL_PORT=str(PORT), PORTAL_SECRET_KEY=Fernet.generate_key().decode(),
               PYTHONPATH=str(ROOT), QA_WARMUP="0")
    log = open(folder / "portal.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "bot", "portal"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{BASE}/healthz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the portal did not start:\n" + Path(log.name).read_text(errors="replace"))
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page, impacts=SERIOUS)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def log_in(page, who=USER) -> None:
    page.goto(f"{BASE}/admin/login")
    page.get_by_label("Användarnamn").fill(who[0])
    page.get_by_label("Lösenord").fill(who[1])
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chattbotens innehåll")


def test_the_login_page_passes_axe_and_starts_with_a_skip_link(page, portal_process):
    page.goto(f"{BASE}/admin/login")
    expect(page).to_have_title("Logga in – Redaktörsportalen")
    assert_accessible(page, "login page")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "innehall"

    page.get_by_label("Användarnamn").fill(USER[0])
    page.get_by_label("Lösenord").fill("fel lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_contain_text("Fel användarnamn eller lösenord.")
    assert_accessible(page, "login page with an error")


def test_a_staff_member_edits_an_answer_sees_the_preview_and_saves(page, portal_process):
    log_in(page)
    assert_accessible(page, "start page")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ämnessvar").click()
    assert_accessible(page, "topic list")
    page.get_by_role("link", name="Varför kommunen arbetar internationellt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Varför kommunen arbetar internationellt")
    assert_accessible(page, "editor page")

    body = page.get_by_label("Svar (måste fyllas i)")  # the Swedish answer, beside "Svar på engelska"
    body.fill("Kommunen arbetar **internationellt** för att lära av andra.\n\n- bättre service\n- <script>x()</script>")
    page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.locator("#forhandsgranskning")
    expect(preview).to_be_visible()
    expect(preview.locator("strong")).to_have_text("internationellt")
    expect(preview.locator("li").nth(1)).to_have_text("<script>x()</script>")  # shown as text
    expect(body).to_have_value(
        "Kommunen arbetar **internationellt** för att lära av andra.\n\n- bättre service\n- <script>x()</script>")
    assert_accessible(page, "editor page with preview")
    screenshot(page, "admin-editor-preview.png", full_page=True)

    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status").first).to_contain_text("Ändringarna är sparade.")
    editor = ContentEditor(session_factory(portal_process))
    why = next(t for t in editor.list(TOPICS) if t.values["key"] == "why")
    assert why.values["body"].startswith("Kommunen arbetar **internationellt**")
    assert why.version == 2


def test_a_validation_error_is_announced_and_tied_to_its_field(page, portal_process):
    log_in(page)
    page.goto(f"{BASE}/admin/content/partners/new")
    page.locator("#f-name").fill("Herning")
    page.get_by_role("button", name="Spara").click()
    field = page.locator("#f-name")
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby")
    assert "f-name-error" in described.split()
    expect(page.locator("#f-name-error")).to_contain_text("används redan av samarbetsparten ”Herning”")
    expect(page.get_by_role("alert")).to_contain_text("Det gick inte att spara")
    assert_accessible(page, "form with errors")


def test_the_editor_reflows_at_320_pixels_and_the_csp_blocks_nothing(browser, portal_process):
    context = new_context(browser, viewport={"width": 320, "height": 640}, bypass_csp=False)
    tab = context.new_page()
    blocked = []
    tab.on("console", lambda message: blocked.append(message.text)
           if "Content Security Policy" in message.text else None)
    try:
        log_in(tab)
        tab.goto(f"{BASE}/admin/content/partners")
        for path in ("/admin/content/partners", "/admin/content/focus-areas/1", "/admin/content/qa/new"):
            tab.goto(f"{BASE}{path}")
            width = tab.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 320, f"{path} scrolls sideways at 320 px ({width} px wide)"
        screenshot(tab, "admin-editor-320px.png", full_page=True)
        assert not blocked, blocked
        focused_style = tab.evaluate("""() => {
            const link = document.querySelector('.admin-nav a');
            link.focus();
            return getComputedStyle(link).outlineStyle;
        }""")
        assert focused_style == "solid"
    finally:
        context.close()


def test_every_other_admin_page_passes_axe(page, portal_process):
    editor = ContentEditor(session_factory(portal_process))
    herning = next(p for p in editor.list(PARTNERS) if p.title == "Herning")
    editor.update(PARTNERS, herning.id, dict(herning.values, description="Ny text\nmed två rader", description_en=""),
                  herning.version, "eva")  # and no English: the list of what to translate has a row
    entry = editor.history(PARTNERS, herning.id)[0]
    log_in(page, ADMIN)
    for path in (
        "/admin/content/partners?continent=Europa", "/admin/search?q=herning",
        f"/admin/content/partners/{herning.id}/history",
        f"/admin/content/partners/{herning.id}/history/{entry.id}",
        f"/admin/content/partners/{herning.id}/delete", "/admin/content/site/1",
        "/admin/users", "/admin/users/new", "/admin/transfer", "/admin/account", "/admin/english",
        "/admin/content/texts/1",
    ):
        page.goto(f"{BASE}{path}")
        assert_accessible(page, path)
