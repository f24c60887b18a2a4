"""The write side of the content store: validation, optimistic locking,
history and restore, focus-area order, protected topics, Q&A in bundles."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select

from bot.content import models
from bot.content.bundle import BundleError, dump_bundle, export_content, load_bundle
from bot.content.editor import ContentEditor, EditConflict, ValidationFailed
from bot.content.store import import_file, migrate
from bot.content.types import FOCUS_AREAS, PARTNERS, QA, SITE, TOPICS
from bot.content.types.focus_area import FocusArea
from bot.content.types.partner import Partner
from bot.content.types.qa import QAEntry
from bot.content.types.site import SiteInfo
from bot.content.types.topic import Topic, protected_topic_keys
from bot.db.base import Base
from bot.portal.models import User


@pytest.fixture
def editor(sessions) -> ContentEditor:
    return ContentEditor(sessions)


def by_title(editor, kind, title):
    return next(i for i in editor.list(kind) if i.title == title)


def errors_of(call) -> dict:
    with pytest.raises(ValidationFailed) as failed:
        call()
    return failed.value.errors


# ---------------------------------------------------------------- validation


def test_partner_validation_messages(editor):
    errors = errors_of(lambda: editor.create(PARTNERS, {
        "name": "  ", "kind": "vänort", "aliases": "Ravena\nravenna", "country": "", "continent": "",
        "description": "",
    }, "anna"))
    assert errors == {
        "name": "”Namn” måste fyllas i.",
        "kind": "”Typ” ska vara en av: vänort, samarbetspart, nätverk, regional organisation.",
        "aliases": "Namnet eller aliaset ”ravenna” används redan av samarbetsparten ”Ravenna”.",
    }


def test_a_name_may_not_repeat_among_its_own_aliases(editor):
    errors = errors_of(lambda: editor.create(PARTNERS, {
        "name": "Tammerfors", "kind": "twin_town", "aliases": "Tampere\nTAMMERFORS"}, "anna"))
    assert errors == {"aliases": "”TAMMERFORS” står mer än en gång bland namnet och de andra namnen."}


def test_renaming_a_partner_to_its_own_alias_is_fine_but_not_to_anothers(editor):
    chobe = by_title(editor, PARTNERS, "Chobe District Council")
    renamed = editor.update(PARTNERS, chobe.id, dict(chobe.values, name="Chobe", aliases=["Chobe District"]),
                            chobe.version, "anna")
    assert renamed.title == "Chobe"
    errors = errors_of(lambda: editor.update(PARTNERS, chobe.id, dict(renamed.values, name="Herning Kommune"),
                                             renamed.version, "anna"))
    assert errors == {"name": "Namnet eller aliaset ”Herning Kommune” används redan av samarbetsparten ”Herning”."}


def test_site_validation_messages(editor):
    site = editor.list(SITE)[0]
    errors = errors_of(lambda: editor.update(SITE, site.id, dict(
        site.values, source_url="vanersborg.se", last_updated="8 maj 2023", municipality=""), site.version, "a"))
    assert errors == {
        "municipality": "”Kommun” måste fyllas i.",
        "last_updated": "”Källsidan senast uppdaterad” ska vara ett datum på formen ÅÅÅÅ-MM-DD, till exempel 2023-05-08.",
        "source_url": "”Källsidans egen adress” ska vara en fullständig webbadress som börjar med https://.",
    }
    errors = errors_of(lambda: editor.update(SITE, site.id, dict(site.values, source_url="https://www.vanersborg.se/"),
                                             site.version, "a"))
    assert errors == {"source_url": "”Källsidans egen adress” är samma som kommunens webbplats. Skriv adressen "
                                    "till själva källsidan, eller lämna fältet tomt."}
    saved = editor.update(SITE, site.id, dict(site.values, last_updated="2026-11-27"), site.version, "a")
    assert saved.values["last_updated"] == "2026-11-27"


def test_topic_key_rules(editor):
    errors = errors_of(lambda: editor.create(TOPICS, {"key": "Nytt ämne", "title": "T", "body": "B"}, "a"))
    assert errors == {"key": "”Nyckel” får bara innehålla små bokstäver a–z, siffror och understreck."}
    errors = errors_of(lambda: editor.create(TOPICS, {"key": "why", "title": "T", "body": "B"}, "a"))
    assert errors == {"key": "Det finns redan ett ämne med nyckeln ”why”."}


def test_lengths_follow_the_columns(editor):
    errors = errors_of(lambda: editor.create(PARTNERS, {"name": "x" * 201, "kind": "partner"}, "a"))
    assert errors == {"name": "”Namn” får vara högst 200 tecken (nu 201)."}


def test_qa_validation_messages(editor):
    editor.create(QA, {"title": "Erasmus", "answer": "Ja.", "examples": "Kan skolor söka Erasmus?"}, "a")
    errors = errors_of(lambda: editor.create(QA, {
        "title": "ERASMUS", "answer": "", "examples": "kan skolor soka erasmus"}, "a"))
    assert errors == {
        "answer": "”Svar” måste fyllas i.",
        "title": "Det finns redan en fråga med rubriken ”Erasmus”.",
        "examples": "Exempelfrågan ”kan skolor soka erasmus” finns redan i frågan ”Erasmus”.",
    }


# ---------------------------------------------------------------- protected topics


def test_topics_the_bot_needs_are_read_from_domain_yml():
    keys = protected_topic_keys()
    assert {"out_of_scope", "no_answer", "why", "contact", "overview"} <= set(keys)
    assert keys["why"] == "boten behöver ämnet för avsikten ask_why"
    assert "focus_areas" in keys  # an ask_ intent without a topic protects nothing that exists


def test_protected_topics_can_neither_be_deleted_nor_rekeyed(editor):
    for key in ("out_of_scope", "no_answer", "why"):
        topic = next(t for t in editor.list(TOPICS) if t.values["key"] == key)
        errors = errors_of(lambda: editor.delete(TOPICS, topic.id, topic.version, "a"))
        assert errors[""].startswith(f"Ämnet ”{key}” kan inte tas bort: boten behöver ämnet")
        errors = errors_of(lambda: editor.update(TOPICS, topic.id, dict(topic.values, key=f"{key}2"),
                                                 topic.version, "a"))
        assert errors["key"].startswith(f"Nyckeln ”{key}” kan inte ändras")
    assert len(editor.list(TOPICS)) == 16


def test_a_topic_no_intent_uses_can_be_deleted(editor, tmp_path: Path):
    domain = tmp_path / "domain.yml"
    domain.write_text("intents:\n  - greet\n  - ask_why: {use_entities: []}\n", encoding="utf-8")
    custom = ContentEditor(editor.sessions, domain_file=domain)
    assert set(custom.protected_topics()) == {"out_of_scope", "no_answer", "why"}
    contact = next(t for t in custom.list(TOPICS) if t.values["key"] == "contact")
    custom.delete(TOPICS, contact.id, contact.version, "a")
    assert all(t.values["key"] != "contact" for t in custom.list(TOPICS))


# ---------------------------------------------------------------- optimistic locking


def test_a_stale_version_is_refused_with_what_changed(editor):
    herning = by_title(editor, PARTNERS, "Herning")
    editor.update(PARTNERS, herning.id, dict(herning.values, country="Danmark (Jylland)"), herning.version, "root")
    with pytest.raises(EditConflict) as conflict:
        editor.update(PARTNERS, herning.id, dict(herning.values, description="Min text"), herning.version, "anna")
    assert str(conflict.value).startswith(
        "Samarbetsparten har ändrats av root sedan du öppnade den (du öppnade version 1, nu gäller version 2).")
    assert [(c.label, c.loaded, c.current) for c in conflict.value.changes] == [
        ("Land", "Danmark", "Danmark (Jylland)")]
    assert by_title(editor, PARTNERS, "Herning").values["description"] != "Min text"


def test_deleting_or_saving_a_deleted_item_is_a_conflict(editor):
    ravenna = by_title(editor, PARTNERS, "Ravenna")
    editor.delete(PARTNERS, ravenna.id, ravenna.version, "root")
    with pytest.raises(EditConflict) as conflict:
        editor.update(PARTNERS, ravenna.id, ravenna.values, ravenna.version, "anna")
    assert conflict.value.current is None
    assert str(conflict.value) == ("Samarbetsparten har tagits bort av root sedan du öppnade den. "
                                   "Dina ändringar har inte sparats.")


def test_the_version_column_guards_the_last_moment(editor, sessions, monkeypatch):
    """A save that lands between the editor's version check and its write is
    still caught: the UPDATE … WHERE version = n changes no row."""
    herning = by_title(editor, PARTNERS, "Herning")
    check = editor._validate

    def racing(session, kind, values, errors, row=None):
        with sessions() as other, other.begin():
            other.get(Partner, herning.id).country = "X"  # someone else, right now
        return check(session, kind, values, errors, row)

    monkeypatch.setattr(editor, "_validate", racing)
    with pytest.raises(EditConflict) as conflict:
        editor.update(PARTNERS, herning.id, dict(herning.values, country="Y"), herning.version, "anna")
    assert conflict.value.current.values["country"] == "X"
    assert by_title(editor, PARTNERS, "Herning").values["country"] == "X"


def test_saving_unchanged_values_writes_no_version(editor):
    herning = by_title(editor, PARTNERS, "Herning")
    same = editor.update(PARTNERS, herning.id, herning.values, herning.version, "anna")
    assert same.version == herning.version
    assert len(editor.history(PARTNERS, herning.id)) == 1


# ---------------------------------------------------------------- history and restore


def test_every_save_is_in_the_history_with_who_and_a_snapshot(editor):
    item = editor.create(QA, {"title": "Fråga", "answer": "Svar 1", "examples": ["Exempel ett"]}, "anna")
    item = editor.update(QA, item.id, dict(item.values, answer="Svar 2"), item.version, "bo")
    history = editor.history(QA, item.id)
    assert [(e.version, e.action, e.username, e.snapshot["answer"]) for e in history] == [
        (2, "ändrad", "bo", "Svar 2"), (1, "skapad", "anna", "Svar 1")]
    assert abs(history[0].created_at - dt.datetime.utcnow()) < dt.timedelta(minutes=1)
    diff = editor.diff(QA, history[1].snapshot, history[0].snapshot)
    assert [(d.label, d.segments) for d in diff] == [("Svar", [("=", "Svar "), ("-", "1"), ("+", "2")])]


def test_restore_makes_an_old_version_current_as_a_new_version(editor):
    herning = by_title(editor, PARTNERS, "Herning")
    changed = editor.update(PARTNERS, herning.id, dict(herning.values, description="Ny"), herning.version, "a")
    first = editor.history(PARTNERS, herning.id)[-1]
    restored = editor.restore(PARTNERS, herning.id, first.id, changed.version, "b")
    assert restored.values == herning.values and restored.version == 3
    with pytest.raises(EditConflict):  # restoring from a stale page is refused like any save
        editor.restore(PARTNERS, herning.id, first.id, changed.version, "b")


def test_a_restore_that_would_break_a_rule_is_refused(editor):
    ravenna = by_title(editor, PARTNERS, "Ravenna")
    first = editor.history(PARTNERS, ravenna.id)[-1]
    renamed = editor.update(PARTNERS, ravenna.id, dict(ravenna.values, name="Ravenna kommun"), ravenna.version, "a")
    editor.create(PARTNERS, {"name": "Ravenna", "kind": "partner"}, "a")
    errors = errors_of(lambda: editor.restore(PARTNERS, ravenna.id, first.id, renamed.version, "a"))
    assert errors == {"name": "Namnet eller aliaset ”Ravenna” används redan av samarbetsparten ”Ravenna”."}


def test_a_deleted_item_is_recreated_from_its_history(editor):
    herning = by_title(editor, PARTNERS, "Herning")
    editor.delete(PARTNERS, herning.id, herning.version, "a")
    last = editor.history(PARTNERS, herning.id)[0]
    assert last.action == "borttagen"
    recreated = editor.restore(PARTNERS, herning.id, last.id, None, "b")
    assert recreated.values == herning.values and recreated.id == herning.id  # its history goes on
    assert [e.action for e in editor.history(PARTNERS, herning.id)][:2] == ["återställd", "borttagen"]


# ---------------------------------------------------------------- focus areas keep their order


def positions(editor):
    return [(a.values["position"], a.title[:12]) for a in editor.list(FOCUS_AREAS)]


def test_focus_areas_stay_numbered_one_to_n(editor):
    new = editor.create(FOCUS_AREAS, {"position": "1", "title": "Först", "aliases": ""}, "a")
    assert [p for p, _ in positions(editor)] == list(range(1, 8)) and positions(editor)[0][1] == "Först"
    moved = editor.update(FOCUS_AREAS, new.id, dict(new.values, position=7), new.version, "a")
    assert positions(editor)[-1][1] == "Först" and positions(editor)[0][1] == "Goda levnads"
    editor.delete(FOCUS_AREAS, moved.id, moved.version, "a")
    assert [p for p, _ in positions(editor)] == list(range(1, 7))
    second = by_title(editor, FOCUS_AREAS, "Sysselsättning och hållbar tillväxt")
    editor.delete(FOCUS_AREAS, second.id, second.version, "a")
    assert [p for p, _ in positions(editor)] == list(range(1, 6))
    moved_history = editor.history(FOCUS_AREAS, by_title(editor, FOCUS_AREAS, "Livslångt lärande").id)
    assert "flyttad" in [e.action for e in moved_history]


def test_a_position_outside_the_list_is_refused(editor):
    errors = errors_of(lambda: editor.create(FOCUS_AREAS, {"position": "9", "title": "Sist"}, "a"))
    assert errors == {"position": "”Plats i ordningen” ska vara ett tal mellan 1 och 7."}


# ---------------------------------------------------------------- search


def test_search_finds_text_without_case_or_diacritics(editor):
    assert [i.title for i in editor.list(PARTNERS, "BOTSWANA")] == ["Chobe District Council"]
    assert [h.item.title for h in editor.repository.search("jamstalldhet")] == [
        "Ökad jämställdhet och mångfald i samhällslivet"]


# ---------------------------------------------------------------- bundles carry Q&A, import keeps history apart


def test_a_bundle_round_trips_qa_entries(editor, sessions, content_url, tmp_path):
    editor.create(QA, {"title": "Erasmus", "answer": "**Ja**", "examples": ["Kan skolor söka?", "Erasmus"],
                       "answer_en": "**Yes**", "examples_en": ["Can schools apply?"]}, "a")
    with sessions() as session:
        first = export_content(session)
    assert first["qa"] == [{"title": "Erasmus", "title_en": "", "answer": "**Ja**", "answer_en": "**Yes**",
                            "examples": ["Kan skolor söka?", "Erasmus"], "examples_en": ["Can schools apply?"],
                            "source": "staff", "source_date": dt.date.today()}]
    path = tmp_path / "bundle.yml"
    path.write_text(dump_bundle(first), encoding="utf-8")
    import_file(path, content_url)
    with sessions() as session:
        assert export_content(session) == first


def test_a_bundle_without_qa_is_valid_and_bad_qa_is_reported(sessions, tmp_path):
    seed = load_bundle(Path(__file__).resolve().parents[2] / "data" / "content")
    assert seed["qa"] == []
    bad = tmp_path / "bad.yml"
    with sessions() as session:
        bundle = dict(export_content(session), qa=[{"title": "X", "answer": "Y", "examples": []}])
    bad.write_text(dump_bundle(bundle), encoding="utf-8")
    with pytest.raises(BundleError) as error:
        load_bundle(bad)
    assert "fråga och svar: fältet ”examples” ska vara en lista med minst en exempelfråga" in str(error.value)


def test_an_import_leaves_old_history_apart_from_new_rows(editor, sessions, content_url, tmp_path):
    herning = by_title(editor, PARTNERS, "Herning")
    editor.update(PARTNERS, herning.id, dict(herning.values, description="Före importen"), herning.version, "a")
    with sessions() as session:
        bundle = export_content(session)
    path = tmp_path / "bundle.yml"
    path.write_text(dump_bundle(bundle), encoding="utf-8")
    import_file(path, content_url)
    new = by_title(editor, PARTNERS, "Herning")
    assert [e.action for e in editor.history(PARTNERS, new.id)] == ["importerad"]
    with sessions() as session:  # the old versions are kept, unlinked
        kept = session.execute(select(models.ContentVersion).where(
            models.ContentVersion.entity_id.is_(None), models.ContentVersion.entity_type == "partner")).scalars()
        assert "Före importen" in [v.snapshot["description"] for v in kept]


# ---------------------------------------------------------------- the migration matches the models


CONTENT_TABLES = {m.__tablename__ for m in (SiteInfo, Topic, FocusArea, Partner, QAEntry, User,
                                             models.ContentVersion)}


def _content_only(obj, name, type_, reflected, compare_to) -> bool:
    """Compare the tables of bot/content/models.py; other packages' tables have their own tests."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in CONTENT_TABLES


def test_the_migrations_build_exactly_the_models_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    migrate(url)
    with create_engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _content_only})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
