"""Import and export of the content store as YAML."""
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.content.bundle import BundleError, dump_bundle, export_content, load_bundle
from bot.content.store import import_file
from bot.content.types.partner import Partner
from bot.paths import CONTENT_SEED_DIR


def test_seed_content_matches_the_source_page(repo):
    # in the page's order: "Herning i Danmark, Ravenna i Italien och Chobe District Council i Botswana"
    assert [p.name for p in repo.partners()] == ["Herning", "Ravenna", "Chobe District Council"]
    assert len(repo.focus_areas()) == 6
    assert repo.focus_areas()[0].title.startswith("Goda levnadsvillkor")
    assert repo.site().last_updated.isoformat() == "2023-05-08"


def test_export_then_import_round_trips(sessions, content_url, tmp_path: Path):
    with sessions() as session:
        first = export_content(session)
    bundle_file = tmp_path / "bundle.yml"
    bundle_file.write_text(dump_bundle(first), encoding="utf-8")
    import_file(bundle_file, content_url)
    with sessions() as session:
        assert export_content(session) == first


def test_seed_directory_is_valid():
    bundle = load_bundle(CONTENT_SEED_DIR)
    assert {t["key"] for t in bundle["topics"]} >= {"overview", "why", "out_of_scope", "no_answer"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("topics: [\n  - key: a\n", "bad.yml, rad 2: ogiltig YAML"),
        ("site: {}\n", "avsnittet ”topics” saknas"),
        ("colours: []\n", "okänt avsnitt ”colours”"),
    ],
)
def test_malformed_file_is_rejected_with_place_and_reason(tmp_path, sessions, content_url, text, expected):
    bad = tmp_path / "bad.yml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(BundleError) as error:
        import_file(bad, content_url)
    assert expected in str(error.value)
    with sessions() as session:  # nothing was changed
        assert len(session.execute(select(Partner)).all()) == 3


def test_duplicate_partner_alias_and_bad_kind_are_reported_by_line(tmp_path, sessions, content_url):
    with sessions() as session:
        bundle = export_content(session)
    bundle["partners"].append(
        {"name": "Ny ort", "kind": "vänort", "aliases": ["Herning"], "country": "", "continent": "", "description": ""}
    )
    bad = tmp_path / "bundle.yml"
    bad.write_text(dump_bundle(bundle), encoding="utf-8")
    with pytest.raises(BundleError) as error:
        import_file(bad, content_url)
    reasons = [p.reason for p in error.value.problems]
    assert any("”kind” ska vara en av" in r for r in reasons)
    assert all(p.line > 0 for p in error.value.problems)
