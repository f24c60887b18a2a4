"""Follow-ups on the list the bot gave last: "det fjärde", "nummer fem", "det sista",
"den i Botswana", "den danska".

The list is remembered in the `listed` slot by the actions that send one
(focus areas, partners); this action resolves the ordinal or the place against it.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import LISTED_SLOT, ContentAction, Events
from actions.focus_areas import LIST_KIND as FOCUS_AREAS, send_area_or_range
from actions.partners import describe_one, read_filter
from actions.replies import send_text
from bot.content.matching import normalise
from bot.content.records import PartnerRecord
from bot.content.repository import ContentRepository
from bot.nlp.followups import adjective_of, index_in, ordinal

LIST_BUTTONS = (("button_focus_areas", "/ask_focus_areas"), ("button_partners", "/ask_partners"))


def _by_adjective(text: str, partners: list[PartnerRecord]) -> list[PartnerRecord]:
    """Partners whose country or continent an adjective in the text names ("den danska")."""
    words = normalise(text).split()
    return [p for p in partners
            if any(adjective_of(w, place) for w in words for place in p.places or (p.country, p.continent) if place)]


def _partner_buttons(partners: list[PartnerRecord]) -> list[dict[str, str]]:
    return [{"title": p.name, "payload": f'/ask_partner{{"partner": "{p.name}"}}'} for p in partners]


class ActionSelectItem(ContentAction):
    action_name = "action_select_item"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository) -> Events:
        listed = tracker.get_slot(LISTED_SLOT) or {}
        position = ordinal(tracker.latest_message.get("text") or "")
        if listed.get("kind") == FOCUS_AREAS:
            send_area_or_range(dispatcher, repo, repo.focus_areas(), position or 1)
            return []
        partners = repo.partners()
        if listed.get("kind") == "partners":
            shown = [p for name in listed.get("items") or [] for p in partners if p.name == name]
            return self._partner(dispatcher, tracker, repo, shown, position)
        if position is None:
            # No list given and no number: "den danska" still means one of the partners.
            return self._partner(dispatcher, tracker, repo, partners, None, or_rephrase=True)
        dispatcher.utter_message(
            text=repo.text("which_list"),
            buttons=[{"title": repo.text(key), "payload": payload} for key, payload in LIST_BUTTONS],
        )
        return []

    @staticmethod
    def _partner(dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository,
                 shown: list[PartnerRecord], position: int | None, or_rephrase: bool = False) -> list[dict[str, Any]]:
        wanted = read_filter(tracker, shown)
        text = tracker.latest_message.get("text") or ""
        if wanted.by_place:
            chosen = [p for p in shown if wanted.keeps(p)]
        elif position is not None:
            index = index_in(position, len(shown))
            chosen = [] if index is None else [shown[index]]
        else:
            chosen = _by_adjective(text, shown) or (shown if len(shown) == 1 else [])
        if len(chosen) == 1:
            return describe_one(dispatcher, tracker, repo, chosen[0])
        if or_rephrase and not chosen:
            send_text(dispatcher, repo, "rephrase", with_topics=True)
            return []
        if wanted.inside and not chosen:
            intro = repo.text("listed_none_matching", plats=", ".join(wanted.inside))
        else:
            intro = repo.text("listed_out_of_range", antal=len(shown))
        dispatcher.utter_message(text=intro, buttons=_partner_buttons(chosen or shown))
        return []
