"""Bot texts: the bot's own wording as validated templates in the content store,
with history, locking, import/export and a default when the store is down."""
from __future__ import annotations

import pytest
import yaml
from sqlalchemy import delete, select

from bot.content import system_messages, texts
from bot.content.bundle import BundleError, dump_bundle, export_content, parse_bundle
from bot.content.editor import ContentEditor, EditConflict, ValidationFailed
from bot.content.repository import ContentRepository
from bot.content.store import add_missing_texts, seed_if_empty
from bot.content.types import TEXTS
from bot.content.types.text import BotText
from bot.db.engine import session_factory


@pytest.fixture
def editor(sessions) -> ContentEditor:
    return ContentEditor(sessions)


def text_item(editor, key):
    return next(i for i in editor.list(TEXTS) if i.values["key"] == key)


def save(editor, key, text, who="anna"):
    item = text_item(editor, key)
    return editor.update(TEXTS, item.id, {"key": key, "text": text}, item.version, who)


def errors_of(call) -> dict:
    with pytest.raises(ValidationFailed) as failed:
        call()
    return failed.value.errors


def test_every_known_text_has_a_valid_default_and_every_default_a_spec():
    defaults = texts.defaults()
    assert set(defaults) == set(texts.SPECS)
    assert {key: texts.problem(texts.SPECS[key], text) for key, text in defaults.items()} == dict.fromkeys(defaults, "")


def test_a_staff_edit_is_used_on_the_next_call(editor, repo):
    save(editor, "focus_areas_intro", "Policyn pekar ut {antal} områden:")
    assert repo.text("focus_areas_intro", antal=6) == "Policyn pekar ut 6 områden:"


def test_an_unknown_placeholder_is_refused_with_the_ones_that_may_be_used(editor):
    item = text_item(editor, "partner_country")
    assert errors_of(lambda: editor.update(
        TEXTS, item.id, {"key": "partner_country", "text": "{namn} ligger i {land} ({adress})."},
        item.version, "anna")) == {
        "text": "Platshållaren {adress} finns inte för den här texten. Du kan använda {namn}, {land}.",
    }


def test_a_missing_required_placeholder_is_refused(editor):
    item = text_item(editor, "partner_unknown")
    assert errors_of(lambda: editor.update(
        TEXTS, item.id, {"key": "partner_unknown", "text": "Det samarbetet känner jag inte till."},
        item.version, "anna")) == {"text": "Texten måste innehålla platshållaren {namn}."}


def test_a_text_without_placeholders_says_so_and_a_lone_brace_is_explained(editor):
    item = text_item(editor, "goodbye")
    assert errors_of(lambda: editor.update(TEXTS, item.id, {"key": "goodbye", "text": "Hej då {namn}!"},
                                           item.version, "anna")) == {
        "text": "Platshållaren {namn} finns inte för den här texten. Den här texten har inga platshållare.",
    }
    assert "klammerparentes" in errors_of(lambda: editor.update(
        TEXTS, item.id, {"key": "goodbye", "text": "Hej då {"}, item.version, "anna"))["text"]


def test_literal_braces_are_written_doubled(editor, repo):
    save(editor, "goodbye", "Hej då {{och välkommen tillbaka}}!")
    assert repo.text("goodbye") == "Hej då {och välkommen tillbaka}!"


def test_the_key_cannot_be_changed_and_texts_cannot_be_created_or_deleted(editor):
    item = text_item(editor, "goodbye")
    assert errors_of(lambda: editor.update(TEXTS, item.id, {"key": "thank", "text": "Hej då!"},
                                           item.version, "anna")) == {"key": "Nyckeln ”goodbye” kan inte ändras."}
    with pytest.raises(ValidationFailed):
        editor.create(TEXTS, {"key": "goodbye", "text": "x"}, "anna")
    with pytest.raises(ValidationFailed):
        editor.delete(TEXTS, item.id, item.version, "anna")


def test_staff_see_the_swedish_label_and_search_finds_the_wording(editor):
    item = text_item(editor, "focus_areas_intro")
    assert item.title == "Inledning till listan över fokusområden"
    hits = [h.item.values.get("key") for h in editor.repository.search("fokusområden") if h.kind is TEXTS]
    assert "focus_areas_intro" in hits


def test_history_and_restore_cover_texts(editor, repo):
    original = text_item(editor, "thank")
    save(editor, "thank", "Tack själv!")
    entries = editor.history(TEXTS, original.id)
    assert [e.action for e in entries] == ["ändrad", "importerad"]
    current = text_item(editor, "thank")
    editor.restore(TEXTS, original.id, entries[-1].id, current.version, "bertil")
    assert repo.text("thank") == texts.defaults()["thank"]
    assert editor.history(TEXTS, original.id)[0].action == "återställd"


def test_two_editors_saving_one_text_conflict(editor):
    item = text_item(editor, "thank")
    editor.update(TEXTS, item.id, {"key": "thank", "text": "Tack!"}, item.version, "anna")
    with pytest.raises(EditConflict) as conflict:
        editor.update(TEXTS, item.id, {"key": "thank", "text": "Tusen tack!"}, item.version, "bertil")
    assert [c.field for c in conflict.value.changes] == ["text"]


def test_an_older_store_gets_the_defaults_it_lacks_and_a_missing_row_reads_the_default(content_url, sessions):
    with sessions() as session, session.begin():
        session.execute(delete(BotText).where(BotText.key == "greet"))
    assert ContentRepository(sessions).text("greet") == texts.defaults()["greet"]
    assert seed_if_empty(content_url) is False
    with sessions() as session:
        assert session.execute(select(BotText.key).where(BotText.key == "greet")).scalar_one()
    assert add_missing_texts(content_url) == []


def test_an_unknown_key_is_a_programming_error(repo):
    with pytest.raises(KeyError):
        repo.text("no_such_text")


# ---------------------------------------------------------------- import and export


def _bundle_text(sessions) -> str:
    with sessions() as session:
        return dump_bundle(export_content(session))


def test_export_carries_the_texts_and_imports_again(editor, sessions):
    save(editor, "thank", "Tack själv!")
    bundle = parse_bundle([("export.yml", _bundle_text(sessions))])
    assert {"key": "thank", "text": "Tack själv!", "text_en": texts.defaults(language="en")["thank"]} in [
        dict(t) for t in bundle["texts"]]


def test_an_older_bundle_without_texts_imports_with_the_default_wording(sessions):
    from bot.content.bundle import replace_content

    data = yaml.safe_load(_bundle_text(sessions))
    del data["texts"]
    bundle = parse_bundle([("old.yml", yaml.safe_dump(data, allow_unicode=True))])
    with sessions() as session, session.begin():
        replace_content(session, bundle)
    assert ContentRepository(sessions).text("thank") == texts.defaults()["thank"]


def test_a_bad_text_in_a_bundle_is_reported_with_its_line(sessions):
    data = yaml.safe_load(_bundle_text(sessions))
    data["texts"] = [{"key": "partner_unknown", "text": "Okänd."}, {"key": "nope", "text": "x"}]
    with pytest.raises(BundleError) as failed:
        parse_bundle([("bad.yml", yaml.safe_dump(data, allow_unicode=True))])
    reasons = [str(p) for p in failed.value.problems]
    assert any("text ”partner_unknown”: Texten måste innehålla platshållaren {namn}." in r for r in reasons)
    assert any("okänd textnyckel ”nope”" in r for r in reasons)


# ---------------------------------------------------------------- system messages


def test_system_messages_use_the_staff_wording(editor, repo):
    save(editor, "technical_error", "Något gick fel hos oss. Prova igen senare.")
    assert system_messages.system_text("technical_error", repo) == "Något gick fel hos oss. Prova igen senare."


def test_system_messages_fall_back_to_the_default_when_the_store_is_down(tmp_path):
    down = ContentRepository(session_factory(f"sqlite:///{tmp_path / 'missing' / 'none.db'}"))
    assert system_messages.system_text("technical_error", down) == system_messages.TECHNICAL_ERROR
    assert system_messages.system_text("too_long", down, antal=1000) == system_messages.TOO_LONG
    assert "1000" in system_messages.TOO_LONG


async def _channel_reply(text: str, rasa_says: str | None) -> str:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bot.channels.rest import guarded

    async def rasa(message: UserMessage) -> None:
        if rasa_says:
            await message.output_channel.send_text_message(message.sender_id, rasa_says)

    collector = CollectingOutputChannel()
    await guarded(rasa)(UserMessage(text, collector, "web-1"))
    return collector.messages[0]["text"]


async def test_the_channel_sends_the_staff_wording_of_its_guards(editor, repo, monkeypatch):
    monkeypatch.setattr(system_messages, "_repository", repo)
    save(editor, "empty_message", "Skriv något först, tack.")
    save(editor, "technical_error", "Något gick fel hos oss.")
    assert await _channel_reply("   ", None) == "Skriv något först, tack."
    assert await _channel_reply("hej", None) == "Något gick fel hos oss."


async def test_the_channel_still_replies_politely_when_the_store_is_down(tmp_path, monkeypatch):
    down = ContentRepository(session_factory(f"sqlite:///{tmp_path / 'missing' / 'none.db'}"))
    monkeypatch.setattr(system_messages, "_repository", down)
    assert await _channel_reply("hej", None) == system_messages.TECHNICAL_ERROR
    assert await _channel_reply("x" * 1001, None) == system_messages.TOO_LONG
