"""English in the content store: records in a language, the Swedish fallback with its
note, YAML in both languages (and older Swedish-only files), and what lacks English."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.content import texts
from bot.content.bundle import dump_bundle, export_content
from bot.content.citations import cite
from bot.content.editor import ContentEditor
from bot.content.editor.versions import diff
from bot.content.repository import ContentRepository
from bot.content.store import add_missing_texts, import_file
from bot.content.translations import untranslated
from bot.content.types import FOCUS_AREAS, PARTNERS, QA, TEXTS, TOPICS
from bot.paths import CONTENT_SEED_DIR

NOTE = "(This answer is only available in Swedish.)"


def _item(editor: ContentEditor, kind, **wanted):
    return next(i for i in editor.list(kind) if all(i.values[k] == v for k, v in wanted.items()))


def test_the_store_reads_each_language_and_swedish_by_default(repo):
    english = repo.in_language("en")
    assert repo.topic("policy").body.startswith("Grunden för arbetet är den internationella policyn")
    assert english.topic("policy").body.startswith("The basis for the work is the international policy, "
                                                   "which has been adopted by the municipal council.")
    assert [(p.name, p.country, p.continent) for p in english.partners()] == [
        ("Herning", "Denmark", "Europe"), ("Ravenna", "Italy", "Europe"), ("Chobe District Council", "Botswana", "Africa")]
    assert english.focus_areas()[5].title == "The humanitarian work of voluntary organisations"
    assert english.text("partner_unknown", namn="Hamburg") == "I have no information about any cooperation with Hamburg."
    assert repo.text("partner_unknown", namn="Hamburg") == "Jag har ingen information om något samarbete med Hamburg."


def test_an_english_citation_names_the_page_and_the_date_in_english(repo):
    assert cite(repo.in_language("en")).text == "Source: International work, 8 May 2023"
    assert cite(repo).text == "Källa: Internationellt arbete, 8 maj 2023"


def test_a_missing_english_text_falls_back_to_swedish_with_the_note_never_to_silence(repo, sessions):
    editor = ContentEditor(sessions)
    herning = _item(editor, PARTNERS, name="Herning")
    editor.update(PARTNERS, herning.id, dict(herning.values, description_en="", country_en=""), herning.version, "a")
    partner = repo.in_language("en").partners()[0]
    assert partner.description == ("Vänersborgs kommun har kontakter med Herning i Danmark. Herning nämns som ett "
                                   f"exempel på kommunens internationella samarbetsparter.\n\n{NOTE}")
    assert partner.country == "Danmark"  # a short text falls back without a note
    assert NOTE not in repo.partners()[0].description  # the Swedish answer has no note


def test_the_note_is_a_bot_text_that_staff_can_reword(repo, sessions):
    editor = ContentEditor(sessions)
    note = _item(editor, TEXTS, key="only_in_swedish")
    editor.update(TEXTS, note.id, dict(note.values, text_en="(Swedish only for now.)"), note.version, "a")
    topic = _item(editor, TOPICS, key="why")
    editor.update(TOPICS, topic.id, dict(topic.values, body_en="", title_en=""), topic.version, "a")
    answer = repo.in_language("en").topic("why")
    assert answer.body.endswith("\n\n(Swedish only for now.)")
    assert answer.title == "Varför kommunen arbetar internationellt"


def test_an_english_edit_is_read_on_the_next_call_and_keeps_the_swedish(repo, sessions):
    editor = ContentEditor(sessions)
    topic = _item(editor, TOPICS, key="contact")
    editor.update(TOPICS, topic.id, dict(topic.values, body_en="Write to the municipality."), topic.version, "a")
    assert repo.in_language("en").topic("contact").body == "Write to the municipality."
    assert repo.topic("contact").body.startswith("Sidan om internationellt arbete anger ingen särskild kontaktperson.")


def test_the_seed_has_every_resident_visible_text_in_english(repo):
    assert untranslated(repo) == []
    english, swedish = texts.defaults(language="en"), texts.defaults()
    assert set(english) == set(swedish) == set(texts.SPECS)
    assert all(texts.problem(texts.SPECS[key], text) == "" for key, text in english.items())


def test_the_seed_translations_add_no_numbers_or_web_addresses(repo):
    """A faithful translation states the same facts: every number and address of a
    Swedish text is in its English version, and the English one has no others."""
    def facts(text: str) -> set[str]:
        return set(re.findall(r"\d+|www\.[\w.]+|https?://\S+", text))

    english = repo.in_language("en")
    for key in ("policy", "source", "contact", "out_of_scope", "no_answer"):
        assert facts(english.topic(key).body) == facts(repo.topic(key).body), key


def test_validation_lists_the_items_without_english(repo, sessions):
    editor = ContentEditor(sessions)
    area = _item(editor, FOCUS_AREAS, position=3)
    editor.update(FOCUS_AREAS, area.id, dict(area.values, title_en=""), area.version, "a")
    editor.create(PARTNERS, {"name": "Tammerfors", "country": "Finland", "kind": "twin_town",
                             "description": "En vänort."}, "a")
    listed = {(entry.kind.name, entry.item.title): entry.labels for entry in untranslated(repo)}
    assert listed == {("focus_area", "Livslångt lärande"): ("Rubrik",),
                      ("partner", "Tammerfors"): ("Land", "Beskrivning")}


def test_export_writes_both_languages_and_the_import_reads_them_back(sessions, content_url, tmp_path):
    with sessions() as session:
        first = export_content(session)
    why = next(t for t in first["topics"] if t["key"] == "why")
    assert why["title_en"] == "Why the municipality works internationally"
    assert first["site"]["source_title_en"] == "International work"
    assert {"key": "button_partners", "text": "Samarbetsparter", "text_en": "Partners"} in first["texts"]
    path = tmp_path / "both.yml"
    path.write_text(dump_bundle(first), encoding="utf-8")
    import_file(path, content_url)
    with sessions() as session:
        assert export_content(session) == first


def _swedish_only(bundle: dict) -> dict:
    """A bundle as files were written before English: no `*_en` field anywhere."""
    def strip(record: dict) -> dict:
        return {k: v for k, v in record.items() if not k.endswith("_en")}

    return {section: strip(value) if isinstance(value, dict) else [strip(r) for r in value]
            for section, value in bundle.items()}


def test_an_older_swedish_only_file_still_imports(sessions, content_url, tmp_path):
    with sessions() as session:
        old = _swedish_only(export_content(session))
    path = tmp_path / "old.yml"
    path.write_text(yaml.safe_dump(old, allow_unicode=True, sort_keys=False), encoding="utf-8")
    import_file(path, content_url)
    repo = ContentRepository(sessions)
    english = repo.in_language("en")
    assert english.topic("why").body.endswith(NOTE)  # the facts in Swedish, said so in English
    assert english.text("greet").startswith("Hello!")  # the bot's own sentences get their English default
    assert ("topic", "Varför kommunen arbetar internationellt") in {
        (e.kind.name, e.item.title) for e in untranslated(repo)}


def test_a_store_from_before_english_gets_the_english_bot_texts(sessions, content_url):
    with sessions.begin() as session:
        for row in session.query(TEXTS.model):
            row.text_en = None
    add_missing_texts(content_url)
    assert ContentRepository(sessions).in_language("en").text("rephrase").startswith("Sorry, I did not quite")


def test_the_seed_says_the_municipal_council_for_kommunfullmaktige():
    topics = yaml.safe_load((Path(CONTENT_SEED_DIR) / "topics.yml").read_text(encoding="utf-8"))["topics"]
    council = [t for t in topics if "kommunfullmäktige" in t["body"]]
    assert council and all("the municipal council" in t["body_en"] for t in council)



def test_an_item_from_before_english_exports_imports_and_diffs_as_empty(sessions, content_url, tmp_path):
    """A migrated store's English columns are NULL: they export as empty and import
    again, and a version saved before English existed shows no change to the English."""
    with sessions.begin() as session:
        for row in session.query(TOPICS.model):
            row.title_en = row.body_en = None
    path = tmp_path / "migrated.yml"
    with sessions() as session:
        path.write_text(dump_bundle(export_content(session)), encoding="utf-8")
    assert "_en: null" not in path.read_text(encoding="utf-8")
    import_file(path, content_url)
    editor = ContentEditor(sessions)
    topic = _item(editor, TOPICS, key="why")
    saved = editor.update(TOPICS, topic.id, dict(topic.values, body="Ny text."), topic.version, "a")
    before_english = {k: v for k, v in topic.values.items() if not k.endswith("_en")}
    assert [d.field for d in diff(TOPICS, before_english, saved.values)] == ["body"]


def test_the_command_line_check_lists_what_lacks_english(content_url, sessions, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", content_url)
    assert main(["content", "check"]) == 0
    assert capsys.readouterr().out == "every item has an English version\n"
    editor = ContentEditor(sessions)
    area = _item(editor, FOCUS_AREAS, position=1)
    editor.update(FOCUS_AREAS, area.id, dict(area.values, title_en=""), area.version, "a")
    assert main(["content", "check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Fokusområden: Goda levnadsvillkor genom boende, näringsliv, turism, natur och kultur "
        "(saknar engelska: Rubrik)", "1 item has no English version yet"]


def test_an_english_staff_entry_is_found_by_a_paraphrase_and_not_by_unrelated_english(sessions):
    """English function words ("can", "I", "do", "the") count for nothing, as the Swedish
    ones do: before they were stop words, "How do I apply for a parking permit?" scored
    0.93 against this entry, over the threshold."""
    from bot.content.retrieval import QARetriever

    ContentEditor(sessions).create(QA, {
        "title": "Kan unga få sommarjobb eller praktik utomlands?", "answer": "Nej.",
        "examples": ["Finns det sommarjobb utomlands för ungdomar?"],
        "title_en": "Can young people get summer jobs or work placements abroad?", "answer_en": "No.",
        "examples_en": ["Are there summer jobs abroad for young people?",
                        "Can I as a young person do a work placement in another European city?"]}, "a")
    retriever = QARetriever(ContentRepository(sessions))
    assert retriever.best("could my son find summer jobs abroad?") is not None
    for unrelated in ("How do I apply for a parking permit?", "Can I get help with my taxes?",
                      "Can I visit the town hall?", "Why does the municipality work internationally?"):
        assert retriever.best(unrelated) is None, unrelated


def test_a_store_seeded_before_english_gets_the_seeds_english_where_it_still_reads_as_the_seed(content_url, sessions):
    from sqlalchemy import update

    from bot.content.store import seed_if_empty

    editor = ContentEditor(sessions)
    with sessions() as session, session.begin():  # as a store from before English
        for kind in (TOPICS, FOCUS_AREAS):
            session.execute(update(kind.model).values({f.english().name: None for f in kind.translated}))
    edited = _item(editor, FOCUS_AREAS, position=2)
    editor.update(FOCUS_AREAS, edited.id, dict(edited.values, title="Jobb och hållbar tillväxt"), edited.version, "a")

    assert seed_if_empty(content_url) is False
    english = ContentRepository(sessions, "en")
    assert "the municipal council" in english.topic("policy").body
    titles = [area.title for area in english.focus_areas()]
    assert titles[0] == "Good living conditions through housing, business, tourism, nature and culture"
    assert titles[1] == "Jobb och hållbar tillväxt"  # changed by staff: no translation of other words
