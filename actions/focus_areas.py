"""The international policy's focus areas: the list, or one of them (by name or number)."""
from __future__ import annotations


from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import (
    ContentAction,
    Events,
    chat_text,
    latest_entity,
    latest_intent,
    remember_list,
    send_topic,
)
from actions.cited import send_cited
from bot.content.matching import best_match
from bot.content.records import FocusAreaRecord
from bot.content.repository import ContentRepository
from bot.nlp.followups import index_in, ordinal

LIST_KIND = "focus_areas"


def _names(area: FocusAreaRecord) -> list[str]:
    return [area.title, *area.aliases]


def area_lines(areas: list[FocusAreaRecord]) -> str:
    return "\n".join(f"{area.position}. {area.title}" for area in areas)


def format_list(repo: ContentRepository, areas: list[FocusAreaRecord], intro_key: str = "focus_areas_intro") -> str:
    return f"{repo.text(intro_key, antal=len(areas))}\n{area_lines(areas)}"


def format_one(repo: ContentRepository, area: FocusAreaRecord, total: int) -> str:
    text = repo.text("focus_area_one", rubrik=area.title, nummer=area.position, antal=total)
    return f"{text} {chat_text(area.description)}".strip()


def area_at(areas: list[FocusAreaRecord], position: int) -> FocusAreaRecord | None:
    """The area at a position (1-based, or LAST / NEXT_TO_LAST), if there is one."""
    index = index_in(position, len(areas))
    return None if index is None else areas[index]


def send_area_or_range(dispatcher: CollectingDispatcher, repo: ContentRepository,
                       areas: list[FocusAreaRecord], position: int) -> None:
    """One area by its number, or an honest "there are six" with the list."""
    area = area_at(areas, position)
    text = format_one(repo, area, len(areas)) if area else format_list(repo, areas, "focus_area_out_of_range")
    send_cited(dispatcher, repo, text, [area.provenance] if area else [a.provenance for a in areas])


class ActionFocusAreas(ContentAction):
    action_name = "action_focus_areas"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository) -> Events:
        if not (areas := repo.focus_areas()):
            return send_topic(dispatcher, repo, "no_answer")
        text = tracker.latest_message.get("text") or ""
        if latest_intent(tracker) == "ask_focus_area":
            wanted = latest_entity(tracker, "focus_area")
            area = best_match(wanted, areas, _names) if wanted else None
            area = area or best_match(text, areas, _names, within_text=True)
            if area:
                send_cited(dispatcher, repo, format_one(repo, area, len(areas)), [area.provenance])
                return []
            position = ordinal(text)
            if position is not None:
                send_area_or_range(dispatcher, repo, areas, position)
                return []
        send_cited(dispatcher, repo, format_list(repo, areas), [a.provenance for a in areas])
        return [remember_list(LIST_KIND, [str(area.position) for area in areas])]
