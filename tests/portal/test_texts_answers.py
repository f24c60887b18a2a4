"""Staff wording reaches residents: an edit in the portal shows in the very next
answer, and no default sentence is written again in Python."""
from __future__ import annotations

from actions.base import use_repository
from actions.focus_areas import ActionFocusAreas
from bot.content import texts
from bot.content.repository import ContentRepository
from bot.paths import ROOT
from tests.actions.conftest import Turn, make_tracker
from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    client, editor, fetch, hidden_fields, login, portal, post_form, users,
)
from tests.portal.test_texts_editor import _path, _post


async def test_staff_edit_the_focus_area_intro_and_the_next_answer_uses_it(client, editor, content_url):
    await login(client)
    listing = await fetch(client, "/admin/content/texts")
    assert "Inledning till listan över fokusområden" in listing
    path = _path(editor, "focus_areas_intro")
    response = await _post(client, path, "Kommunen har valt ut {antal} fokusområden:", "focus_areas_intro")
    assert response.status == 303

    use_repository(ContentRepository(editor.sessions))
    try:
        turn = Turn(ActionFocusAreas(), make_tracker("Vilka är fokusområdena?", "ask_focus_areas"))
    finally:
        use_repository(None)
    assert turn.text.startswith("Kommunen har valt ut 6 fokusområden:\n1. ")


def test_the_swedish_wording_is_written_once_in_the_seed_file_not_in_python():
    python = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))
    python += "".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))
    for key in ("focus_areas_intro", "partner_unknown", "technical_error", "greet", "rate_limited"):
        sentence = texts.defaults()[key].split("{")[0].strip()
        assert sentence and sentence not in python, key


