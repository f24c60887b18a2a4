"""Partners: the list (optionally by country, continent or kind) and one partner.

Names are matched against the store with fuzzy matching, so a partner that
staff add is found at once, and a place the store does not know gets an honest
"no information" instead of an invented partnership.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import (
    ContentAction,
    chat_text,
    latest_entity,
    latest_intent,
    send_topic,
    with_citation,
)
from bot.content.matching import best_match, normalise
from bot.content.records import PartnerRecord
from bot.content.repository import ContentRepository

# Stored kind → its Swedish name in the plural.
KIND_PLURALS = {
    "twin_town": "vänorter",
    "partner": "samarbetsparter",
    "network": "nätverk",
    "regional": "regionala organisationer",
}
# Normalised values of the `partner_kind` entity → stored kind.
KIND_BY_ENTITY = {"vanort": "twin_town", "natverk": "network", "regional organisation": "regional"}


def _names(partner: PartnerRecord) -> tuple:
    return partner.names


def _place(partner: PartnerRecord) -> str:
    return ", ".join(p for p in (partner.country, partner.continent) if p)


def format_partner_lines(partners: list[PartnerRecord]) -> str:
    return "\n".join(
        f"• {p.name} ({_place(p)})" if _place(p) else f"• {p.name}" for p in partners
    )


def _same_place(value: str, place: str) -> bool:
    return bool(place) and best_match(value, [place], lambda p: [p]) is not None


class ActionPartners(ContentAction):
    """Lists partners, filtered by the country, continent or kind asked about."""

    def name(self) -> str:
        return "action_partners"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> list[dict[str, Any]]:
        partners = repo.partners()
        if not partners:
            send_topic(dispatcher, repo, "no_answer")
            return []
        place = latest_entity(tracker, "country") or latest_entity(tracker, "continent")
        kind_value = latest_entity(tracker, "partner_kind")
        kind = KIND_BY_ENTITY.get(normalise(kind_value)) if kind_value else None

        if place:
            chosen = [p for p in partners if _same_place(place, p.country) or _same_place(place, p.continent)]
            heading = f"Samarbetsparter i {place}:"
            missing = f"Jag har ingen information om samarbetsparter i {place}."
        elif kind:
            chosen = [p for p in partners if p.kind == kind]
            heading = f"Kommunens {KIND_PLURALS[kind]}:"
            missing = f"Jag har ingen uppgift om vilka kommunens {KIND_PLURALS[kind]} är."
        else:
            chosen = partners
            heading = "Vänersborgs kommun har bland annat kontakter med:"
            missing = ""

        if chosen:
            text = f"{heading}\n{format_partner_lines(chosen)}"
        else:
            text = (
                f"{missing} De samarbetsparter jag känner till är:\n"
                f"{format_partner_lines(partners)}"
            )
        dispatcher.utter_message(text=with_citation(text, repo))
        return []


class ActionPartner(ContentAction):
    """One partner: what the store says about it, or which country it is in.

    Follow-ups work through two slots: `partner` ("Vilket land ligger den i?")
    and `partner_aspect` ("och Ravenna då?" repeats the last kind of question).
    """

    def name(self) -> str:
        return "action_partner"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> list[dict[str, Any]]:
        intent = latest_intent(tracker)
        aspect = self._aspect(intent, tracker)
        partners = repo.partners()
        named = latest_entity(tracker, "partner")
        text = tracker.latest_message.get("text") or ""

        partner = best_match(named, partners, _names) if named else None
        if partner is None and not named:
            partner = best_match(text, partners, _names, within_text=True)
        if partner is None and not named and intent != "ask_partner":
            remembered = tracker.get_slot("partner")
            partner = best_match(remembered, partners, _names) if remembered else None

        if partner is None:
            self._unknown(dispatcher, repo, partners, named)
            return []
        dispatcher.utter_message(text=with_citation(self._describe(partner, aspect), repo))
        return [SlotSet("partner", partner.name), SlotSet("partner_aspect", aspect)]

    @staticmethod
    def _aspect(intent: str, tracker: Tracker) -> str:
        if intent == "ask_partner_country":
            return "country"
        if intent == "inform_partner":
            return tracker.get_slot("partner_aspect") or "description"
        return "description"

    @staticmethod
    def _describe(partner: PartnerRecord, aspect: str) -> str:
        if aspect == "description":
            return chat_text(partner.description) or f"{partner.name} är en av kommunens samarbetsparter."
        if partner.country:
            continent = f", i {partner.continent}" if partner.continent else ""
            return f"{partner.name} ligger i {partner.country}{continent}."
        return f"Jag har ingen uppgift om vilket land {partner.name} ligger i."

    @staticmethod
    def _unknown(
        dispatcher: CollectingDispatcher,
        repo: ContentRepository,
        partners: list[PartnerRecord],
        named: str | None,
    ) -> None:
        known = format_partner_lines(partners)
        if named:
            dispatcher.utter_message(
                text=(
                    f"Jag har ingen information om något samarbete med {named}. "
                    f"De samarbetsparter jag känner till är:\n{known}"
                )
            )
        else:
            dispatcher.utter_message(
                text="Vilken samarbetspart menar du?",
                buttons=[
                    {"title": p.name, "payload": f'/ask_partner{{"partner": "{p.name}"}}'}
                    for p in partners
                ],
            )
