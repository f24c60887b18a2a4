"""Follow-ups on the list the bot gave last: "det fjärde", "nummer fem", "det sista",
"den i Botswana", "den danska".

The list is remembered in the `listed` slot by the actions that send one
(focus areas, partners); this action resolves the ordinal or the place against it.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import LISTED_SLOT, ContentAction, as_written, chat_text, latest_entities, with_citation
from actions.focus_areas import LIST_KIND as FOCUS_AREAS, send_area_or_range
from actions.partners import PLACE_ENTITIES, located_in
from bot.content.matching import normalise
from bot.content.records import PartnerRecord
from bot.content.repository import ContentRepository
from bot.nlp.followups import LAST, adjective_of, ordinal

LIST_BUTTONS = (("button_focus_areas", "/ask_focus_areas"), ("button_partners", "/ask_partners"))


def _by_adjective(text: str, partners: list[PartnerRecord]) -> list[PartnerRecord]:
    """Partners whose country or continent an adjective in the text names ("den danska")."""
    words = normalise(text).split()
    return [p for p in partners
            if any(adjective_of(w, place) for w in words for place in (p.country, p.continent) if place)]


class ActionSelectItem(ContentAction):
    def name(self) -> str:
        return "action_select_item"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> list[dict[str, Any]]:
        listed = tracker.get_slot(LISTED_SLOT) or {}
        text = tracker.latest_message.get("text") or ""
        position = ordinal(text)
        if listed.get("kind") == FOCUS_AREAS:
            send_area_or_range(dispatcher, repo, repo.focus_areas(), position or 1)
            return []
        if listed.get("kind") == "partners":
            return self._partner(dispatcher, tracker, repo, listed.get("items") or [], position)
        dispatcher.utter_message(
            text=repo.text("which_list"),
            buttons=[{"title": repo.text(key), "payload": payload} for key, payload in LIST_BUTTONS],
        )
        return []

    @staticmethod
    def _partner(dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository,
                 names: list[str], position: int | None) -> list[dict[str, Any]]:
        stored = {p.name: p for p in repo.partners()}
        shown = [stored[name] for name in names if name in stored]
        places = latest_entities(tracker, *PLACE_ENTITIES)
        if places:
            chosen = [p for p in shown if located_in(p, str(places[0].get("value") or ""))]
        elif position is not None:
            index = len(shown) - 1 if position == LAST else position - 1
            chosen = [shown[index]] if 0 <= index < len(shown) else []
        else:
            chosen = _by_adjective(tracker.latest_message.get("text") or "", shown)
        if len(chosen) == 1:
            partner = chosen[0]
            description = chat_text(partner.description) or repo.text(
                "partner_default_description", namn=partner.name)
            dispatcher.utter_message(text=with_citation(description, repo))
            return [SlotSet("partner", partner.name), SlotSet("partner_aspect", "description")]
        if places and not chosen:
            intro = repo.text("listed_none_matching", plats=as_written(tracker, places[0]))
        else:
            intro = repo.text("listed_out_of_range", antal=len(shown))
        dispatcher.utter_message(
            text=intro,
            buttons=[{"title": p.name, "payload": f'/ask_partner{{"partner": "{p.name}"}}'}
                     for p in (chosen or shown)],
        )
        return []
