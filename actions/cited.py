"""A factual answer goes out with its one-line source under it.

The line is part of the text, so every channel shows it; the reply's custom
part says where it links, so the widget can make the line a link to the page
(or, for what staff wrote, to the municipality's site).
"""
from __future__ import annotations

from collections.abc import Iterable

from rasa_sdk.executor import CollectingDispatcher

from bot.content.citations import cite
from bot.content.records import Provenance
from bot.content.repository import ContentRepository


def send_cited(dispatcher: CollectingDispatcher, repo: ContentRepository, text: str,
               provenances: Iterable[Provenance] = ()) -> None:
    """Send `text` citing the items it was built from (none given: the page)."""
    citation = cite(repo, provenances)
    dispatcher.utter_message(text=f"{text}\n{citation.text}", json_message=citation.as_json())
