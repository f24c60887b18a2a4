"""The model pages (issue 16): what the next model would learn, starting a
training, its progress, the comparison and activation, history and rollback,
and the admin-only and CSRF refusals. The portal runs on the aiohttp test
client; the rows are ModelHistory's own (training_fixtures.py)."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from bot.conversations.models import ReviewAudit
from bot.portal.admin import training
from bot.portal.security import CSP
from tests.portal.admin_fixtures import ADMIN, EDITOR, client, client2, csrf_of, fetch, login, users  # noqa: F401
from tests.portal.training_fixtures import (  # noqa: F401  (pytest fixtures)
    BETTER_REPORT, WORSE_REPORT, Correction, finish, history, live, portal, trained, trainer,
)

BASE = "/admin/model"


def text_of(html: str) -> str:
    """The page as a reader sees it: tags gone, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def concrete(path: str) -> str:
    return re.sub(r"\{id:[^}]*\}", "1", path)


async def post(client, path: str, data: dict[str, str], token_from: str = "/admin"):  # noqa: F811
    token = csrf_of(await fetch(client, token_from))
    return await client.post(path, data={"csrf_token": token, **data}, allow_redirects=False)


def audit_actions(sessions) -> list[str]:
    with sessions() as session:
        return list(session.execute(select(ReviewAudit.action).order_by(ReviewAudit.id)).scalars())


# ---------------------------------------------------------------- who may


ROUTES = [(method, concrete(path)) for method, path, _handler, _role in training.ROUTES]


@pytest.mark.parametrize("method, path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_strangers_are_sent_to_the_login_page(client, live, method, path):  # noqa: F811
    response = await client.request(method, path, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("method, path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_a_redaktor_gets_the_portals_403(client, live, history, method, path):  # noqa: F811
    await login(client, EDITOR)
    response = await post(client, path, {"confirm": "1"}) if method == "POST" \
        else await client.get(path, allow_redirects=False)
    assert response.status == 403
    assert "Sidan är bara för administratörer" in await response.text()
    assert history.live().id == live.id and history.running() is None


async def test_only_an_admin_sees_the_model_link_in_the_menu(client, client2):  # noqa: F811
    await login(client, EDITOR)
    assert f'href="{BASE}"' not in await fetch(client, "/admin")
    await login(client2, ADMIN)
    assert re.search(rf'<a href="{BASE}"[^>]*>Modell</a>', await fetch(client2, "/admin"))


async def test_every_post_without_the_csrf_token_is_refused_and_changes_nothing(client, history, live, tmp_path):  # noqa: F811
    ready = trained(history, BETTER_REPORT, tmp_path)
    await login(client, ADMIN)
    for path, data in ((f"{BASE}/train", {"fingerprint": "a1b2c3d4e5f6" + "0" * 52}),
                       (f"{BASE}/{ready.id}/activate", {"confirm": "1"}),
                       (f"{BASE}/{live.id}/rollback", {})):
        response = await client.post(path, data=data, allow_redirects=False)
        assert response.status == 403, path
        assert "Formuläret saknade en giltig säkerhetskod" in await response.text()
    assert history.running() is None
    assert history.live().id == live.id and history.get(ready.id).status == "ready"


async def test_every_model_page_is_swedish_with_no_inline_code_under_the_staff_policy(
        client, history, live, tmp_path):  # noqa: F811
    ready = trained(history, BETTER_REPORT, tmp_path)
    running = history.start("root", "b" * 64)
    await login(client, ADMIN)
    for path in (BASE, f"{BASE}/history", f"{BASE}/{ready.id}", f"{BASE}/{running}", f"{BASE}/{live.id}/rollback"):
        response = await client.get(path)
        html = await response.text()
        assert response.status == 200 and response.headers["Content-Security-Policy"] == CSP, path
        assert '<html lang="sv">' in html and "style=" not in html and "<style" not in html, path
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [], path


# ---------------------------------------------------------------- what the next model would learn


async def test_the_page_shows_the_live_model_and_what_the_next_one_would_learn(client, live):  # noqa: F811
    await login(client, ADMIN)
    html = await fetch(client, BASE)
    text = text_of(html)
    assert "<h1>Träna om modellen</h1>" in html
    assert f"Modell {live.id}" in text and "Tränad av utvecklare (med make train)" in text
    assert "Aktiverad av utvecklare" in text and "999999999999" in text  # the fingerprint, shortened
    assert "Svenska (1) Meddelande Tolkas som vilka vänorter har ni Fråga om samarbetsparterna ask_partners" in text
    assert '<td lang="en">which towns are you twinned with</td>' in html
    assert "Bidrag till utbyten Kan jag söka bidrag för ett utbyte?" in text
    assert "data/nlu/reviewed.yml ändrad" in text
    assert "Inget nytt sedan den aktiva modellen" not in text
    assert '<button type="submit" class="button">Träna om</button>' in html
    assert 'name="fingerprint" value="a1b2c3d4e5f6' in html


async def test_nothing_new_is_said_so(client, trainer, live):  # noqa: F811
    trainer.next.corrections, trainer.next.changed_files, trainer.next.nothing_new = [], [], True
    await login(client, ADMIN)
    text = text_of(await fetch(client, BASE))
    assert "Inget nytt sedan den aktiva modellen." in text and "Inga nya rättelser." in text
    assert "Inga träningsfiler har ändrats." in text


async def test_unknown_changes_and_untrained_staff_answers_are_said_so(client, trainer, live):  # noqa: F811
    trainer.next.live_known = False
    await login(client, ADMIN)
    text = text_of(await fetch(client, BASE))
    assert "Vilka filer som ändrats är okänt: den aktiva modellen har ingen uppgift om" in text
    assert "Inga träningsfiler har ändrats." not in text
    assert "De här tränas inte in i modellen" in text


async def test_the_real_pipeline_says_what_the_next_model_would_learn(aiohttp_client, portal, sessions,  # noqa: F811
                                                                       history):
    """The portal's own trainer, on the project's data: no live model yet, so no record of its data."""
    portal[training.TRAINER_KEY] = training.PipelineTrainer(sessions, history)
    pipeline_client = await aiohttp_client(portal)
    await login(pipeline_client, ADMIN)
    text = text_of(await fetch(pipeline_client, BASE))
    assert "Modellarkivet har ingen aktiv modell ännu." in text
    assert "Vilka filer som ändrats är okänt: det finns ingen aktiv modell att jämföra med." in text
    assert '<button type="submit" class="button">Träna om</button>' in await fetch(pipeline_client, BASE)


async def test_a_correction_is_shown_as_text_never_as_markup(client, trainer):  # noqa: F811
    trainer.next.corrections = [Correction("sv", "ask_partners", "<script>alert(1)</script>")]
    await login(client, ADMIN)
    html = await fetch(client, BASE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


# ---------------------------------------------------------------- starting


async def test_train_starts_a_training_and_opens_its_page(client, history, live, sessions):  # noqa: F811
    await login(client, ADMIN)
    response = await post(client, f"{BASE}/train", {"fingerprint": "a1b2c3d4e5f6" + "0" * 52}, BASE)
    assert response.status == 303
    running = history.running()
    assert response.headers["Location"] == f"{BASE}/{running.id}"
    assert running.trained_by == "root" and running.data_fingerprint.startswith("a1b2c3d4e5f6")
    assert audit_actions(sessions)[-1] == "träning"
    text = text_of(await fetch(client, response.headers["Location"]))
    assert "Steg 1 av 3: Kontroll av träningsdata" in text
    page = text_of(await fetch(client, BASE))  # the running training instead of the button
    assert f"En träning pågår: modell {running.id}" in page and "Träna om</button>" not in page


async def test_a_second_click_says_a_training_is_running_and_links_to_it(client, history, live):  # noqa: F811
    await login(client, ADMIN)
    token = csrf_of(await fetch(client, BASE))
    form = {"csrf_token": token, "fingerprint": "a1b2c3d4e5f6" + "0" * 52}
    first = await client.post(f"{BASE}/train", data=form, allow_redirects=False)
    second = await client.post(f"{BASE}/train", data=form, allow_redirects=False)
    assert first.status == 303 and second.status == 409
    html = await second.text()
    running = history.running()
    assert "En träning pågår redan" in html and f'href="{BASE}/{running.id}"' in html
    assert [v.status for v in history.all()].count("training") == 1


async def test_the_launchers_refusal_is_said_the_same_way(client, history, trainer, live, monkeypatch):  # noqa: F811
    """Another admin's training starts between the page's check and the launcher."""
    shown = trainer.snapshot

    def snapshot_while_another_admin_clicks():
        if history.running() is None:
            history.start("annan", "c" * 64)
        return shown()

    monkeypatch.setattr(trainer, "snapshot", snapshot_while_another_admin_clicks)
    await login(client, ADMIN)
    response = await post(client, f"{BASE}/train", {"fingerprint": "a1b2c3d4e5f6" + "0" * 52}, BASE)
    assert response.status == 409 and "En träning pågår redan" in await response.text()
    assert history.running().trained_by == "annan"
    assert [v.status for v in history.all()].count("training") == 1


async def test_data_changed_since_the_page_was_shown_starts_nothing(client, history, trainer):  # noqa: F811
    await login(client, ADMIN)
    token = csrf_of(await fetch(client, BASE))
    trainer.next.fingerprint = "d" * 64  # an admin corrected one more message meanwhile
    response = await client.post(f"{BASE}/train", data={"csrf_token": token, "fingerprint": "a1b2c3d4e5f6" + "0" * 52},
                                 allow_redirects=False)
    assert response.status == 409 and "Träningsdata har ändrats" in await response.text()
    assert history.running() is None


# ---------------------------------------------------------------- progress


async def test_the_progress_page_reads_the_row_so_it_survives_a_reload(client, history, live):  # noqa: F811
    version_id = history.start("root", "b" * 64)
    history.progress(version_id, "training", 40, "Epok 16 av 40")
    await login(client, ADMIN)
    for _reload in range(2):
        html = await fetch(client, f"{BASE}/{version_id}")
        text = text_of(html)
        assert "Steg 2 av 3: Träning" in text and "40 % av steget klart" in text and "Epok 16 av 40" in text
        assert "Kontroll av träningsdata (klart) Träning (pågår) Utvärdering (väntar)" in text
        assert re.search(r'<progress id="progress-bar" max="100" value="40"', html)
        assert 'aria-live="polite"' in html and '<script src="/static/training.js" defer></script>' in html
        assert f'<a href="{BASE}/{version_id}" id="progress-refresh">Uppdatera</a>' in html
    history.progress(version_id, "evaluation", 10, "Fråga 12 av 300")
    assert "Steg 3 av 3: Utvärdering" in text_of(await fetch(client, f"{BASE}/{version_id}"))


async def test_the_status_json_follows_the_row(client, history, live, tmp_path):  # noqa: F811
    version_id = history.start("root", "b" * 64)
    history.progress(version_id, "training", 55, "Epok 22 av 40")
    await login(client, ADMIN)
    status = await (await client.get(f"{BASE}/{version_id}/status")).json()
    assert status["finished"] is False and status["percent"] == 55 and status["detail"] == "Epok 22 av 40"
    assert status["sentence"] == "Steg 2 av 3: Träning"
    assert [s["state"] for s in status["steps"]] == ["done", "current", "waiting"]
    finish(history, version_id, BETTER_REPORT, tmp_path)
    status = await (await client.get(f"{BASE}/{version_id}/status")).json()
    assert status["finished"] is True and status["status_label"] == "Klar att aktivera"
    assert [s["state"] for s in status["steps"]] == ["done", "done", "done"]
    assert (await client.get(f"{BASE}/999/status")).status == 404


# ---------------------------------------------------------------- the comparison and activation


async def test_a_ready_model_is_shown_beside_the_live_one_and_can_be_activated(
        client, history, live, tmp_path, sessions):  # noqa: F811
    ready = trained(history, BETTER_REPORT, tmp_path)
    await login(client, ADMIN)
    text = text_of(await fetch(client, f"{BASE}/{ready.id}"))
    assert "Jämförelse med den aktiva modellen" in text
    assert (f"Språk Modell {live.id} (aktiv) Modell {ready.id} (ny) Förändring "
            "Engelska 0,900 0,900 ±0 Svenska 0,930 0,950 +0,020") in text
    assert "sv/partners 90,0 % 96,7 % +6,7 procentenheter" in text
    assert "Utanför ämnet (andra myndigheters frågor) 99,7 % 99,7 % ±0" in text
    assert "Frågor som blev bättre (1) vilka samarbetspartners har kommunen" in text
    assert "Frågor som blev sämre (1) vilka samarbetar ni med" in text
    assert "Godkänd: Frågor utanför ämnet avböjs som förut" in text and "Stoppad:" not in text

    response = await post(client, f"{BASE}/{ready.id}/activate", {}, f"{BASE}/{ready.id}")
    assert response.status == 422 and "Kryssa i att du har läst jämförelsen" in await response.text()
    assert history.live().id == live.id

    response = await post(client, f"{BASE}/{ready.id}/activate", {"confirm": "1"}, f"{BASE}/{ready.id}")
    assert response.status == 303 and response.headers["Location"] == f"{BASE}/history"
    assert history.live().id == ready.id and history.live().activated_by == "root"
    assert audit_actions(sessions)[-1] == "aktivering"
    assert f"Modell {ready.id} är aktiv. Boten börjar använda den inom 25 sekunder, utan omstart." \
        in text_of(await fetch(client, f"{BASE}/history"))


async def test_a_refused_model_shows_why_and_cannot_be_activated_even_by_a_crafted_post(
        client, history, live, tmp_path):  # noqa: F811
    refused = trained(history, WORSE_REPORT, tmp_path)
    assert refused.status == "refused"
    await login(client, ADMIN)
    html = await fetch(client, f"{BASE}/{refused.id}")
    text = text_of(html)
    assert "Kvalitetskontrollen stoppade modellen" in text and "Kvalitetskontrollen när träningen var klar" in text
    assert "Stoppad: Träffsäkerhet (F1) på testfrågor, svenska – 0,800 mot 0,930" in text
    assert "Frågor som blev sämre (1) vilka samarbetar ni med" in text
    assert f'action="{BASE}/{refused.id}/activate"' not in html and "Aktivera modellen" not in text
    response = await post(client, f"{BASE}/{refused.id}/activate", {"confirm": "1"})
    assert response.status == 409 and "Modellen kan inte aktiveras" in await response.text()
    assert history.live().id == live.id and history.get(refused.id).status == "refused"


async def test_a_ready_model_that_steps_back_from_the_model_live_now_cannot_be_activated(
        client, history, live, tmp_path):  # noqa: F811
    """Trained against one model, ready; then a better one went live."""
    weaker = trained(history, BETTER_REPORT, tmp_path)
    stronger = trained(history, {**BETTER_REPORT, "heldout": {"sv": {"macro_f1": 0.99, "examples": 310},
                                                             "en": {"macro_f1": 0.9, "examples": 120}}}, tmp_path)
    history.activate(stronger.id, "root")
    await login(client, ADMIN)
    text = text_of(await fetch(client, f"{BASE}/{weaker.id}"))
    assert "inte jämförd med den modell som är aktiv nu" in text and "Aktivera modellen" not in text
    response = await post(client, f"{BASE}/{weaker.id}/activate", {"confirm": "1"})
    assert response.status == 409 and history.live().id == stronger.id


async def test_a_failed_training_shows_each_line_of_its_error_escaped(client, history, live):  # noqa: F811
    version_id = history.start("root", "b" * 64)
    history.progress(version_id, "data_check", 30)
    history.fail(version_id, "data/nlu/reviewed.yml: exemplet ”<b>hej</b>” finns under två avsikter\n"
                             "data/nlu/en/reviewed.yml: avsikten ask_foo finns inte i domain.yml")
    await login(client, ADMIN)
    html = await fetch(client, f"{BASE}/{version_id}")
    assert "<li>data/nlu/reviewed.yml: exemplet ”&lt;b&gt;hej&lt;/b&gt;” finns under två avsikter</li>" in html
    assert "<li>data/nlu/en/reviewed.yml: avsikten ask_foo finns inte i domain.yml</li>" in html
    text = text_of(html)
    assert "Träningen misslyckades. Den aktiva modellen är orörd." in text
    assert "Kontroll av träningsdata (avbröts) Träning (väntar)" in text
    assert "training.js" not in html and "Aktivera modellen" not in text


async def test_a_missing_model_is_a_404(client):  # noqa: F811
    await login(client, ADMIN)
    assert "Modellen finns inte" in await fetch(client, f"{BASE}/999", 404)


# ---------------------------------------------------------------- history and rollback


async def test_the_history_lists_every_model_and_rolls_back(client, history, live, tmp_path, sessions):  # noqa: F811
    new = trained(history, BETTER_REPORT, tmp_path)
    refused = trained(history, WORSE_REPORT, tmp_path)
    history.activate(new.id, "root")
    await login(client, ADMIN)
    html = await fetch(client, f"{BASE}/history")
    rows = {int(i): text_of(row) for i, row in re.findall(r'<tr id="model-(\d+)">(.*?)</tr>', html, re.S)}
    assert list(rows) == [refused.id, new.id, live.id]
    assert rows[new.id].startswith(f"Modell {new.id} Aktiv root (i portalen)") and "bbbbbbbbbbbb" in rows[new.id]
    assert rows[refused.id].startswith(f"Modell {refused.id} Stoppad av kvalitetskontrollen")
    assert rows[refused.id].endswith("Rapport för modell %d" % refused.id)
    assert rows[live.id].startswith(f"Modell {live.id} Tidigare aktiv utvecklare (med make train)")
    assert rows[live.id].endswith(f"Återställ till modell {live.id}")
    assert f"{BASE}/{new.id}/rollback" not in html and f"{BASE}/{refused.id}/rollback" not in html

    confirm = await fetch(client, f"{BASE}/{live.id}/rollback")
    assert "Återställ till modell %d?" % live.id in confirm and "inom 25 sekunder" in text_of(confirm)
    response = await post(client, f"{BASE}/{live.id}/rollback", {}, f"{BASE}/{live.id}/rollback")
    assert response.status == 303 and history.live().id == live.id
    assert audit_actions(sessions)[-1] == "återställning"
    assert f"Modell {live.id} är aktiv igen" in text_of(await fetch(client, f"{BASE}/history"))


async def test_a_model_that_was_never_live_cannot_be_rolled_back_to(client, history, live, tmp_path):  # noqa: F811
    refused = trained(history, WORSE_REPORT, tmp_path)
    await login(client, ADMIN)
    assert "Bara en modell som varit aktiv tidigare kan återställas." in text_of(
        await fetch(client, f"{BASE}/{refused.id}/rollback"))
    response = await post(client, f"{BASE}/{refused.id}/rollback", {})
    assert response.status == 409 and history.live().id == live.id
