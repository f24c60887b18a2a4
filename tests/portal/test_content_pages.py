"""The portal's words for each content type: every type has a page, and the list's filters narrow."""
from __future__ import annotations

from bot.content.types import PARTNERS, TYPES
from bot.portal.admin.content_pages import PAGE_OF_TYPE, PAGES


def test_every_content_type_has_a_page_in_the_portal():
    assert set(PAGE_OF_TYPE) == set(TYPES)


def test_the_list_filters_narrow_by_a_fields_value(repo):
    partners = PAGES["partners"]
    assert [i.title for i in partners.narrowed(repo.items(PARTNERS), {"continent": "Europa"})] == [
        "Herning", "Ravenna"]
