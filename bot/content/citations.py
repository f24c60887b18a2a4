"""The one short source line of a factual answer, and where it links.

"Källa: Internationellt arbete, 8 maj 2023" for facts from the source page,
"Källa: Vänersborgs kommun, 2 december 2026" for items that staff wrote or
changed (the day they last changed them); in an English answer "Source: International work, 8 May 2023".
The wording is the bot texts `citation`, `citation_page` and `citation_staff`
in the repository's language, the date in that language too; the link goes to the page's
own address (or the municipality's site when staff have not set it), and to
the municipality's site for staff items.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bot.content.provenance import PAGE, Provenance
from bot.content.repository import ContentRepository
from bot.dates import date_in


@dataclass(frozen=True)
class Citation:
    text: str
    url: str

    def as_json(self) -> dict[str, dict[str, str]]:
        """The REST reply's `custom` part, so the widget can make the line a link."""
        return {"citation": {"text": self.text, "url": self.url}}


def cite(repo: ContentRepository, provenances: Iterable[Provenance] = (PAGE,)) -> Citation:
    """One line for the items an answer is built from: the page (once) and the
    staff (once, with the latest day any of the staff items changed)."""
    site = repo.site()
    chosen = list(provenances) or [PAGE]
    page = [p for p in chosen if not p.by_staff]
    staff_days = [p.day or dt.date.today() for p in chosen if p.by_staff]
    parts: list[tuple[str, str]] = []
    if page:
        day = max(p.day or site.last_updated for p in page)
        parts.append((repo.text("citation_page", sida=site.source_title, datum=date_in(repo.language, day)),
                      site.page_url))
    if staff_days:
        parts.append((repo.text("citation_staff", kommun=site.municipality,
                                datum=date_in(repo.language, max(staff_days))),
                      site.municipality_url))
    if chosen[0].by_staff:
        parts.reverse()  # the first item's source first
    text = repo.text("citation", källor="; ".join(part for part, _url in parts))
    return Citation(text, parts[0][1])
