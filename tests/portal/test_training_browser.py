"""The model pages in a real browser (Debian's Chromium through Playwright):
axe-core on every page in every state, the live progress bar under the strict
CSP, and the admin's whole loop — train, activate, roll back — by keyboard.

The portal runs in this process, in a thread of its own; the test moves the
training row forward itself through ModelHistory, as the training process
does, and waits on what the page shows, never for a fixed time.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser_support import axe_violations, describe_violations, new_context, screenshot
from tests.portal.admin_fixtures import ADMIN, users  # noqa: F401  (pytest fixture)
from tests.portal.review_fixtures import ThreadedPortal
from tests.portal.test_review_browser import log_in
from tests.portal.training_fixtures import (  # noqa: F401  (pytest fixtures)
    BETTER_REPORT, WORSE_REPORT, finish, history, live, portal, trained, trainer,
)
from tests.waiting import wait_until

BASE = "/admin/model"
TABS = 60  # more than any of these pages has focusable elements


@pytest.fixture
def portal_url(portal) -> Iterator[str]:  # noqa: F811
    with ThreadedPortal(portal) as served:
        yield served.base


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def tab_to(page, target) -> None:
    """Press Tab until `target` has the focus: it is reachable by keyboard."""
    for _press in range(TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} never got the keyboard focus", pytrace=False)


def test_every_model_page_in_every_state_passes_axe(page, portal_url, history, live, tmp_path):  # noqa: F811
    log_in(page, portal_url)
    page.goto(portal_url + BASE)
    expect(page.get_by_role("button", name="Träna om")).to_be_visible()
    assert_accessible(page, "retrain page, idle")
    screenshot(page, "training-idle.png", full_page=True)

    running = history.start("root", "b" * 64)
    history.progress(running, "training", 40, "Epok 16 av 40")
    page.goto(portal_url + BASE)
    expect(page.locator("#running-training")).to_contain_text(f"modell {running}")
    assert_accessible(page, "retrain page, a training running")
    page.goto(f"{portal_url}{BASE}/{running}")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "40")
    assert_accessible(page, "model page, training")
    screenshot(page, "training-running.png", full_page=True)

    finish(history, running, BETTER_REPORT, tmp_path)
    page.goto(f"{portal_url}{BASE}/{running}")
    expect(page.get_by_role("button", name="Aktivera modellen")).to_be_visible()
    assert_accessible(page, "model page, ready")
    screenshot(page, "training-ready.png", full_page=True)

    refused = trained(history, WORSE_REPORT, tmp_path)
    page.goto(f"{portal_url}{BASE}/{refused.id}")
    expect(page.locator("#refused")).to_contain_text("Kvalitetskontrollen stoppade modellen")
    assert_accessible(page, "model page, refused")
    screenshot(page, "training-refused.png", full_page=True)

    failed = history.start("root", "b" * 64)
    history.fail(failed, "data/nlu/reviewed.yml: exemplet finns under två avsikter\nEn rad till")
    page.goto(f"{portal_url}{BASE}/{failed}")
    expect(page.locator("#training-error li")).to_have_count(2)
    assert_accessible(page, "model page, failed")

    history.activate(running, "root")
    page.goto(f"{portal_url}{BASE}/history")
    expect(page.get_by_role("link", name=f"Återställ till modell {live.id}")).to_be_visible()
    assert_accessible(page, "history")
    screenshot(page, "training-history.png", full_page=True)
    page.get_by_role("link", name=f"Återställ till modell {live.id}").click()
    expect(page.get_by_role("button", name="Ja, återställ")).to_be_visible()
    assert_accessible(page, "rollback confirmation")


def test_the_progress_bar_follows_the_row_without_a_reload_and_speaks_only_of_stages(
        browser, portal_url, history, live, tmp_path):  # noqa: F811
    context = new_context(browser, bypass_csp=False)  # the real Content-Security-Policy
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    try:
        log_in(page, portal_url)
        version_id = history.start("root", "b" * 64)
        history.progress(version_id, "training", 10, "Epok 4 av 40")
        page.goto(f"{portal_url}{BASE}/{version_id}")
        bar, sentence = page.get_by_role("progressbar"), page.locator("#progress-sentence")
        expect(bar).to_have_accessible_name("Steg 2 av 3: Träning")
        page.evaluate("""() => {
            window.sameDocument = true;
            window.announcements = [];
            new MutationObserver(() => window.announcements.push(
                document.getElementById('progress-sentence').textContent))
              .observe(document.getElementById('progress-sentence'),
                       {childList: true, characterData: true, subtree: true});
        }""")

        for percent in (20, 30, 60):
            history.progress(version_id, "training", percent, f"Epok {percent * 40 // 100} av 40")
            wait_until(lambda: bar.get_attribute("value") == str(percent), message=f"the bar never showed {percent} %")
        expect(page.locator("#progress-detail")).to_have_text("Epok 24 av 40")
        expect(page.locator("#progress-percent")).to_have_text("60\u00a0% av steget klart")
        assert page.evaluate("() => window.announcements") == []  # the percent alone is not announced

        history.progress(version_id, "evaluation", 5, "Fråga 3 av 300")
        expect(sentence).to_have_text("Steg 3 av 3: Utvärdering")
        expect(page.locator('[data-stage="training"] .stage__state')).to_have_text("(klart)")
        finish(history, version_id, BETTER_REPORT, tmp_path)
        expect(sentence).to_have_text("Träningen är klar. Modellen klarade kvalitetskontrollen.")
        assert page.evaluate("() => window.announcements") == [
            "Steg 3 av 3: Utvärdering", "Träningen är klar. Modellen klarade kvalitetskontrollen."]
        assert page.evaluate("() => window.sameDocument") is True  # never reloaded under the reader
        assert not problems, problems

        page.get_by_role("link", name="Visa resultatet").click()
        expect(page.get_by_role("heading", name="Jämförelse med den aktiva modellen")).to_be_visible()
    finally:
        context.close()


def test_an_admin_trains_activates_and_rolls_back_by_keyboard(page, portal_url, history, live, tmp_path):  # noqa: F811
    log_in(page, portal_url)
    page.goto(portal_url + BASE)
    train = page.get_by_role("button", name="Träna om")
    tab_to(page, train)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Modell {live.id + 1}")
    version_id = history.running().id
    assert version_id == live.id + 1

    finish(history, version_id, BETTER_REPORT, tmp_path)
    result = page.get_by_role("link", name="Visa resultatet")
    expect(result).to_be_visible()
    tab_to(page, result)
    page.keyboard.press("Enter")
    confirm = page.get_by_label(f"Jag har läst jämförelsen och vill att boten använder modell {version_id}")
    tab_to(page, confirm)
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Aktivera modellen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Modell {version_id} är aktiv.")
    assert history.live().id == version_id

    tab_to(page, page.get_by_role("link", name=f"Återställ till modell {live.id}"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Ja, återställ"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Modell {live.id} är aktiv igen.")
    assert history.live().id == live.id
