"""Partners: the list (in or outside places, other than some, or of a kind) and one partner.

Names are matched against the store with fuzzy matching, so a partner that
staff add is found at once, and a place the store does not know gets an honest
"no information" instead of an invented partnership.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import (
    ContentAction,
    Events,
    as_written,
    chat_text,
    honest_about_details,
    latest_entities,
    latest_entity,
    latest_intent,
    remember_list,
    send_topic,
)
from actions.cited import send_cited
from bot.content.matching import best_match, normalise
from bot.content.records import PartnerRecord
from bot.content.repository import ContentRepository
from bot.nlp.followups import REGIONS, asks_location, is_excluded, regions_in

# Normalised values of the `partner_kind` entity → stored kind.
KIND_BY_ENTITY = {"vanort": "twin_town", "natverk": "network", "regional organisation": "regional"}
# Word stems that name a kind inside compounds ("vänortssamarbetet", "nätverket").
KIND_BY_STEM = {"vanort": "twin_town", "twin town": "twin_town", "natverk": "network"}
# Entities that name a place: the gazetteer's and the classifier's.
PLACE_ENTITIES = ("country", "continent", "place")
NAME_ENTITIES = ("partner", *PLACE_ENTITIES)


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


def located_in(partner: PartnerRecord, place: str) -> bool:
    region = REGIONS.get(normalise(place))
    places = partner.places or (partner.country, partner.continent)
    if region:
        return any(p in region for p in places)
    return any(_same_place(place, p) for p in places)


def send_partners(dispatcher: CollectingDispatcher, repo: ContentRepository, heading: str,
                  partners: list[PartnerRecord]) -> None:
    send_cited(dispatcher, repo, f"{heading}\n{format_partner_lines(partners)}", [p.provenance for p in partners])


def mentioned(tracker: Tracker, partners: list[PartnerRecord]) -> list[PartnerRecord]:
    """Every known partner the latest message names ("berätta om herning och ravenna")."""
    text = tracker.latest_message.get("text") or ""
    return [p for p in partners if best_match(text, [p], _names, within_text=True)]


@dataclass(frozen=True)
class Filter:
    """What a partner question narrows the list by."""

    inside: tuple[str, ...]   # places, as the resident wrote them
    outside: tuple[str, ...]  # places after "utanför", "förutom", "inte i"
    values: dict[str, str]    # as written → the place's stored or canonical name
    others_than: tuple[PartnerRecord, ...]  # "förutom Herning"
    kind: str | None
    # The one town or country asked about as a partner ("samarbetar ni med
    # Tyskland", "har ni en vänort i Spanien"), not as where partners are.
    unknown_place: str | None = None
    areas: tuple[str, ...] = ()  # the places that are continents or regions ("Asien", "Norden")

    @property
    def only_areas(self) -> bool:
        """"vilka finns i Asien?": where partners are, not who they are."""
        return bool(self.inside) and all(p in self.areas for p in self.inside)

    @property
    def by_place(self) -> bool:
        return bool(self.inside or self.outside)

    def keeps(self, partner: PartnerRecord) -> bool:
        if self.inside and not any(located_in(partner, self.values[p]) for p in self.inside):
            return False
        if any(located_in(partner, self.values[p]) for p in self.outside):
            return False
        return partner not in self.others_than


def _kind(tracker: Tracker, text: str) -> str | None:
    value = latest_entity(tracker, "partner_kind")
    kind = KIND_BY_ENTITY.get(normalise(value)) if value else None
    folded = normalise(text)
    kind = kind or next((k for stem, k in KIND_BY_STEM.items() if stem in folded), None)
    return kind if kind != "partner" else None


def _unglued(written: str, value: str, partners: list[PartnerRecord]) -> tuple[str, str]:
    """A partner's country or continent glued to a word ("Botswanasamarbetet")
    names that place; anything else stays as written."""
    folded = normalise(value)
    for place in {p.country for p in partners} | {p.continent for p in partners}:
        stem = normalise(place or "")
        if len(stem) >= 4 and folded.startswith(stem) and len(folded) > len(stem) + 2:
            return place, place
    return written, value


def read_filter(tracker: Tracker, partners: list[PartnerRecord]) -> Filter:
    text = tracker.latest_message.get("text") or ""
    values: dict[str, str] = {}
    areas: list[str] = []  # continents and regions: where partners are, never a partner
    for entity in latest_entities(tracker, *PLACE_ENTITIES):
        written, value = _unglued(as_written(tracker, entity), str(entity.get("value") or ""), partners)
        if not best_match(written, partners, _names):  # "Herning" is a partner, not a place here
            values.setdefault(written, value or written)
            if entity.get("entity") == "continent":
                areas.append(written)
    for region in regions_in(text):
        values.setdefault(region.capitalize(), region)
        areas.append(region.capitalize())
    outside = tuple(p for p, v in values.items() if is_excluded(text, p) or is_excluded(text, v))
    inside = tuple(p for p in values if p not in outside)
    others = tuple(p for p in partners if any(is_excluded(text, name) for name in p.names))
    kind = _kind(tracker, text)
    towns = [p for p in inside if p not in areas]
    as_partner = len(inside) == 1 and len(towns) == 1 and not outside and (
        kind is not None or re.search(rf"\b(med|with) {re.escape(normalise(towns[0]))}\b", normalise(text)))
    return Filter(inside, outside, values, others, kind, towns[0] if as_partner else None, tuple(areas))


def describe_one(dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository,
                 partner: PartnerRecord, aspect: str = "description", heading: str = "") -> list[dict[str, Any]]:
    """What the store says about one partner (or where it is), remembered for follow-ups."""
    text = honest_about_details(repo, tracker, ActionPartner.describe(repo, partner, aspect))
    send_cited(dispatcher, repo, f"{heading}\n{text}" if heading else text, [partner.provenance])
    return [SlotSet("partner", partner.name), SlotSet("partner_aspect", aspect)]


def send_listing(dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository,
                 partners: list[PartnerRecord], wanted: Filter) -> list[dict[str, Any]]:
    """The partners the filter keeps under its heading, or an honest "none" and all of them."""
    chosen = [p for p in partners if wanted.keeps(p)]
    if wanted.by_place:
        places = ", ".join(wanted.inside or wanted.outside)
        key = "partners_in_place" if wanted.inside else "partners_outside_place"
        heading, missing, values = key, key.replace("partners_", "partners_none_"), {"plats": places}
    elif wanted.others_than:
        heading, missing = "partners_other_than", "partners_none_other_than"
        values = {"namn": ", ".join(p.name for p in wanted.others_than)}
    elif wanted.kind:
        chosen = [p for p in partners if p.kind == wanted.kind]
        heading, missing, values = "partners_of_kind", "partners_none_of_kind", {"typ": repo.text(f"kind_{wanted.kind}")}
    else:
        chosen, heading, missing, values = partners, "partners_all", "", {}

    if len(chosen) == 1 and (wanted.by_place or wanted.others_than):
        # "Italien-samarbetet?", "vilka finns i Afrika?": the one partner, described.
        described = describe_one(dispatcher, tracker, repo, chosen[0], heading=repo.text(heading, **values))
        return described + [remember_list("partners", [chosen[0].name])]
    if chosen:
        send_partners(dispatcher, repo, repo.text(heading, **values), chosen)
    elif heading == "partners_of_kind":
        # The page names contacts without saying what kind they are: say so plainly.
        chosen = partners
        send_partners(dispatcher, repo, repo.text(missing, **values), chosen)
    elif wanted.unknown_place:
        chosen = partners
        send_partners(dispatcher, repo, f"{repo.text('partner_unknown', namn=wanted.unknown_place)} "
                                        f"{repo.text('partners_known')}", chosen)
    elif heading == "partners_other_than":
        send_cited(dispatcher, repo, repo.text(missing, **values), [p.provenance for p in wanted.others_than])
    else:
        chosen = partners
        send_partners(dispatcher, repo, f"{repo.text(missing, **values)} {repo.text('partners_known')}", chosen)
    return [remember_list("partners", [p.name for p in chosen])]


class ActionPartners(ContentAction):
    """Lists partners, filtered by what the resident asked."""

    action_name = "action_partners"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository) -> Events:
        if not (partners := repo.partners()):
            return send_topic(dispatcher, repo, "no_answer")
        return send_listing(dispatcher, tracker, repo, partners, read_filter(tracker, partners))


def find_partner(tracker: Tracker, partners: list[PartnerRecord]) -> tuple[PartnerRecord | None, str | None]:
    """The partner the latest message means, or the name it gives that the store lacks."""
    named = latest_entities(tracker, *NAME_ENTITIES)
    for entity in named:
        partner = best_match(str(entity.get("value") or ""), partners, _names)
        partner = partner or best_match(as_written(tracker, entity), partners, _names)
        if partner:
            return partner, None
    text = tracker.latest_message.get("text") or ""
    partner = best_match(text, partners, _names, within_text=True) or compound_partner(text, partners)
    if partner:
        return partner, None
    return None, as_written(tracker, named[0]) if named else None


def compound_partner(text: str, partners: list[PartnerRecord]) -> PartnerRecord | None:
    """The partner a compound begins with: "ravennaprojektet", "botswanasamarbetet",
    "danmarkskontakten" (its name, an alias, or its country when only it is there)."""
    words = normalise(text).split()
    for partner in partners:
        stems = [normalise(n) for n in partner.names]
        if partner.country and sum(p.country == partner.country for p in partners) == 1:
            stems.append(normalise(partner.country))
        if any(w.startswith(stem) and len(w) > len(stem) + 2 for w in words for stem in stems if len(stem) >= 4):
            return partner
    return None


class ActionPartner(ContentAction):
    """One partner (or each one named): what the store says about it, or where it is.

    Follow-ups work through two slots: `partner` ("Vilket land ligger den i?")
    and `partner_aspect` ("och Ravenna då?" repeats the last kind of question).
    """

    action_name = "action_partner"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository) -> Events:
        intent = latest_intent(tracker)
        aspect = self._aspect(intent, tracker)
        partners = repo.partners()
        wanted = read_filter(tracker, partners)
        if wanted.others_than or wanted.outside:
            # "förutom Herning", "utanför Europa": a list answers it.
            return send_listing(dispatcher, tracker, repo, partners, wanted)
        partner, unknown = find_partner(tracker, partners)
        if partner is None and unknown is None:
            # "Vilket land ligger den i?": the partner talked about last.
            remembered = tracker.get_slot("partner")
            partner = best_match(remembered, partners, _names) if remembered else None

        if partner is None:
            return self._not_found(dispatcher, tracker, repo, partners, unknown, aspect)
        if wanted.kind and partner.kind != wanted.kind and not any(p.kind == wanted.kind for p in partners):
            # "är Herning en vänort?": the page does not say which contacts are twin towns.
            return send_listing(dispatcher, tracker, repo, partners, replace(wanted, inside=(), outside=()))
        several = mentioned(tracker, partners)
        if len(several) < 2:
            return describe_one(dispatcher, tracker, repo, partner, aspect)
        described = "\n\n".join(self.describe(repo, p, aspect) for p in several)
        send_cited(dispatcher, repo, honest_about_details(repo, tracker, described), [p.provenance for p in several])
        return [SlotSet("partner", partner.name), SlotSet("partner_aspect", aspect),
                remember_list("partners", [p.name for p in several])]

    @staticmethod
    def _aspect(intent: str, tracker: Tracker) -> str:
        if intent == "ask_partner_country" or asks_location(tracker.latest_message.get("text") or ""):
            return "country"
        if intent == "inform_partner":
            return tracker.get_slot("partner_aspect") or "description"
        return "description"

    @staticmethod
    def describe(repo: ContentRepository, partner: PartnerRecord, aspect: str) -> str:
        if aspect == "description":
            return chat_text(partner.description) or repo.text("partner_default_description", namn=partner.name)
        if partner.country and partner.continent:
            return repo.text("partner_country_continent", namn=partner.name, land=partner.country,
                             världsdel=partner.continent)
        if partner.country:
            return repo.text("partner_country", namn=partner.name, land=partner.country)
        return repo.text("partner_no_country", namn=partner.name)

    @staticmethod
    def _not_found(dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository,
                   partners: list[PartnerRecord], unknown: str | None, aspect: str) -> list[dict[str, Any]]:
        wanted = read_filter(tracker, partners)
        if unknown is None and aspect == "country":
            dispatcher.utter_message(text=repo.text("partner_which"), buttons=[
                {"title": p.name, "payload": f'/ask_partner_country{{"partner": "{p.name}"}}'} for p in partners])
            return []
        if unknown is None or wanted.only_areas or (wanted.by_place and any(wanted.keeps(p) for p in partners)):
            # "samarbete?" names nobody; "Samarbetar ni med Europa?" names a place with partners;
            # "och i Asien?" asks where partners are.
            return send_listing(dispatcher, tracker, repo, partners, wanted)
        intro = f"{repo.text('partner_unknown', namn=unknown)} {repo.text('partners_known')}"
        send_partners(dispatcher, repo, intro, partners)
        return [remember_list("partners", [p.name for p in partners])]
