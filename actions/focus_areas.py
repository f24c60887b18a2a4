"""The international policy's focus areas: the list, or one of them."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import (
    ContentAction,
    chat_text,
    latest_entity,
    latest_intent,
    send_topic,
    with_citation,
)
from bot.content.matching import best_match
from bot.content.records import FocusAreaRecord
from bot.content.repository import ContentRepository


def _names(area: FocusAreaRecord) -> list[str]:
    return [area.title, *area.aliases]


def format_list(areas: list[FocusAreaRecord]) -> str:
    lines = "\n".join(f"{area.position}. {area.title}" for area in areas)
    return f"Den internationella policyn har {len(areas)} prioriterade fokusområden:\n{lines}"


def format_one(area: FocusAreaRecord, total: int) -> str:
    text = (
        f"”{area.title}” är fokusområde {area.position} av {total} "
        f"i kommunens internationella policy."
    )
    return f"{text} {chat_text(area.description)}".strip()


class ActionFocusAreas(ContentAction):
    def name(self) -> str:
        return "action_focus_areas"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> list[dict[str, Any]]:
        areas = repo.focus_areas()
        if not areas:
            send_topic(dispatcher, repo, "no_answer")
            return []
        wanted = latest_entity(tracker, "focus_area")
        area = None
        if latest_intent(tracker) == "ask_focus_area":
            area = best_match(wanted, areas, _names) if wanted else None
            area = area or best_match(
                tracker.latest_message.get("text") or "", areas, _names, within_text=True
            )
        text = format_one(area, len(areas)) if area else format_list(areas)
        dispatcher.utter_message(text=with_citation(text, repo))
        return []
