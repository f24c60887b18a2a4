"""Per-item provenance and the one-line citation: seeded items cite the page and
its date, items staff create or change cite the municipality and that day."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic import command

from bot.content.bundle import dump_bundle, export_content, parse_bundle, replace_content
from bot.content.citations import cite
from bot.content.editor import ContentEditor
from bot.content.store import migrate, seed_if_empty
from bot.content.types import PARTNERS, SITE
from bot.dates import swedish_date

TODAY = swedish_date(dt.date.today())


@pytest.fixture
def editor(sessions) -> ContentEditor:
    return ContentEditor(sessions)


def partner(repo, name):
    return next(p for p in repo.partners() if p.name == name)


def test_a_seeded_item_cites_the_page_in_one_short_line(repo):
    citation = cite(repo, [partner(repo, "Ravenna").provenance])
    assert citation.text == "Källa: Internationellt arbete, 8 maj 2023"
    assert citation.url == "https://www.vanersborg.se"  # the page's own address is not known yet


def test_the_citation_links_to_the_page_address_staff_set(repo, editor):
    site = editor.list(SITE)[0]
    editor.update(SITE, site.id, dict(site.values, source_url="https://www.vanersborg.se/internationellt-arbete"),
                  site.version, "anna")
    assert cite(repo, [partner(repo, "Herning").provenance]).url == "https://www.vanersborg.se/internationellt-arbete"


def test_an_item_staff_create_or_change_cites_the_municipality_and_that_day(repo, editor):
    editor.create(PARTNERS, {"name": "Tammerfors", "kind": "partner", "country": "Finland"}, "anna")
    herning = next(i for i in editor.list(PARTNERS) if i.title == "Herning")
    editor.update(PARTNERS, herning.id, dict(herning.values, description="Ny text."), herning.version, "anna")
    for name in ("Tammerfors", "Herning"):
        citation = cite(repo, [partner(repo, name).provenance])
        assert citation.text == f"Källa: Vänersborgs kommun, {TODAY}"
        assert citation.url == "https://www.vanersborg.se"
    assert cite(repo, [partner(repo, "Ravenna").provenance]).text == "Källa: Internationellt arbete, 8 maj 2023"


def test_an_answer_from_several_items_names_each_source_once(repo, editor):
    editor.create(PARTNERS, {"name": "Tammerfors", "kind": "partner"}, "anna")
    sources = [p.provenance for p in repo.partners()]
    assert cite(repo, sources).text == f"Källa: Internationellt arbete, 8 maj 2023; Vänersborgs kommun, {TODAY}"


def test_the_editor_shows_what_an_item_cites(editor):
    ravenna = next(i for i in editor.list(PARTNERS) if i.title == "Ravenna")
    assert (ravenna.provenance.source, ravenna.provenance.day) == ("page", dt.date(2023, 5, 8))


def test_provenance_survives_export_and_import_and_older_bundles_cite_the_page(sessions, editor):
    editor.create(PARTNERS, {"name": "Tammerfors", "kind": "partner"}, "anna")
    with sessions() as session:
        exported = export_content(session)
    tammerfors = next(p for p in exported["partners"] if p["name"] == "Tammerfors")
    assert (tammerfors["source"], tammerfors["source_date"]) == ("staff", dt.date.today())
    for record in exported["partners"]:
        record.pop("source"), record.pop("source_date")
    with sessions() as session, session.begin():
        replace_content(session, parse_bundle([("old.yml", dump_bundle(exported))]))
    assert {i.provenance.source for i in editor.list(PARTNERS)} == {"page"}


def test_the_migration_keeps_what_staff_changed_before_it(tmp_path):
    from alembic.config import Config

    from bot.content.store import MIGRATIONS_DIR

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0004")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO site_info (id, version, updated_at, municipality, municipality_url, source_title, "
            "source_url, last_updated) VALUES (1, 1, '2026-01-01 00:00:00', 'Vänersborgs kommun', "
            "'https://www.vanersborg.se', 'Internationellt arbete', 'https://www.vanersborg.se', '2023-05-08')"))
        for pid, name in ((1, "Herning"), (2, "Tammerfors")):
            connection.execute(sa.text(
                "INSERT INTO partner (id, version, updated_at, name, country, continent, kind, description, "
                f"aliases) VALUES ({pid}, 1, '2026-01-01 00:00:00', '{name}', '', '', 'partner', '', '[]')"))
        connection.execute(sa.text(
            "INSERT INTO content_version (entity_type, entity_id, version, action, username, created_at, snapshot) "
            "VALUES ('partner', 2, 1, 'skapad', 'anna', '2026-11-30 10:00:00', '{}')"))
    migrate(url)
    with engine.connect() as connection:
        rows = dict((r.name, (r.source, str(r.source_date))) for r in connection.execute(
            sa.text("SELECT name, source, source_date FROM partner")))
        page_url = connection.execute(sa.text("SELECT source_url FROM site_info")).scalar()
    assert rows == {"Herning": ("page", "2023-05-08"), "Tammerfors": ("staff", "2026-11-30")}
    assert page_url == ""  # it was the home page, which a citation must not pass off as the page
    assert seed_if_empty(url) is False
