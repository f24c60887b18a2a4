"""What every content-backed action shares: store access in the conversation's
language, the staff rule, "Menade du …?" suggestions, the personal-data
reminder and a polite failure."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.staff_answers import answer_from_qa
from bot.content.markup import to_plain_text
from bot.content.repository import ContentRepository, ContentUnavailable
from bot.content import texts
from bot.content.types.declaration import LANGUAGES
from bot.nlp.details import detail_missing

logger = logging.getLogger(__name__)

Events = list[dict[str, Any]]  # what an action returns: the events to apply

_repository: ContentRepository | None = None

# Set by the REST channel when it masked personal data in the latest message.
MASKED_FLAG = "personal_data_masked"
# The slot that remembers the list the bot gave last, for "det fjärde" or "den danska".
LISTED_SLOT = "listed"
# A runner-up intent is offered as "Menade du …?" when it is at least this
# confident and this close to the intent that was answered (chosen on the
# held-out set: see README, "Topics that lie close together").
SUGGEST_MIN_CONFIDENCE = 0.15
SUGGEST_MAX_GAP = 0.45
# Intents whose answer can be offered as a button: the topic intents, the lists.
SUGGESTIBLE_PREFIX = "ask_"
NOT_SUGGESTIBLE = {"ask_partner", "ask_partner_country", "ask_focus_area", "ask_capabilities"}


def repository() -> ContentRepository:
    """The shared repository, created on first use (after DATABASE_URL is set)."""
    global _repository
    if _repository is None:
        _repository = ContentRepository()
    return _repository


def use_repository(repo: ContentRepository | None) -> None:
    """Point the actions at another store (tests) or back at the default (None)."""
    global _repository
    _repository = repo


def language_of(tracker: Tracker) -> str:
    """The language to answer in: the one the REST channel resolved for the latest
    message (`metadata["language"]`), else Swedish."""
    language = (tracker.latest_message.get("metadata") or {}).get("language")
    return language if language in LANGUAGES else LANGUAGES[0]


def latest_intent(tracker: Tracker) -> str:
    """The intent that triggered this action (as classified, or as a button payload)."""
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The value of an entity in the resident's latest message, if any."""
    value = next(tracker.get_latest_entity_values(entity), None)
    return str(value) if value else None


def latest_entities(tracker: Tracker, *names: str) -> list[dict[str, Any]]:
    """The entities of those types in the latest message, in the order they were written."""
    found = [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") in names]
    return sorted(found, key=lambda e: e.get("start") or 0)


def as_written(tracker: Tracker, entity: dict[str, Any]) -> str:
    """The entity the way the resident spelled it ("Hamburg"), capitalised when
    it was typed in lower case ("uddevalla" → "Uddevalla")."""
    text = tracker.latest_message.get("text") or ""
    start, end = entity.get("start"), entity.get("end")
    written = text[start:end] if isinstance(start, int) and isinstance(end, int) and end > start else ""
    written = (written or str(entity.get("value") or "")).strip(" ?!.,")
    if written.islower():
        written = " ".join(word[:1].upper() + word[1:] for word in written.split())
    return written


def remember_list(kind: str, items: list[str]) -> SlotSet:
    return SlotSet(LISTED_SLOT, {"kind": kind, "items": items})


def chat_text(markdown: str) -> str:
    """Staff write Markdown; the chat shows plain text with bullets and links spelled out."""
    return to_plain_text(markdown)


def honest_about_details(repo: ContentRepository, tracker: Tracker, body: str) -> str:
    """The answer, preceded by "Sidan anger inget årtal för det." when the resident
    asked for a detail (a year, an amount, a name …) that the answer does not give."""
    missing = detail_missing(tracker.latest_message.get("text") or "", body)
    return f"{repo.text(f'detail_missing_{missing}')}\n{body}" if missing else body


def send_topic(dispatcher: CollectingDispatcher, repo: ContentRepository, key: str) -> Events:
    """Send one of the store's replies that cite nothing (out of scope, no answer);
    no events, so an action can end with `return send_topic(…)`.

    Import validation keeps these topics in the store; their absence means
    a broken store, and the resident gets the technical-error message.
    """
    topic = repo.topic(key)
    if topic is None:
        raise ContentUnavailable(f"the required topic {key!r} is missing")
    dispatcher.utter_message(text=chat_text(topic.body))
    return []


def suggestion_label(repo: ContentRepository, intent: str) -> str | None:
    """What a "Menade du …?" button says for an intent: the topic's title, or the list's name."""
    lists = {"ask_focus_areas": "button_focus_areas", "ask_partners": "button_partners"}
    if not intent.startswith(SUGGESTIBLE_PREFIX) or intent in NOT_SUGGESTIBLE:
        return None
    if intent in lists:
        return repo.text(lists[intent])
    topic = repo.topic(intent[len(SUGGESTIBLE_PREFIX):])
    return topic.title if topic else None


def runner_up(tracker: Tracker, answered: str) -> str | None:
    """The second intent, when the classifier was torn between it and the answered one."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    if len(ranking) < 2 or ranking[0].get("name") != answered:
        return None
    first, second = ranking[0], ranking[1]
    name = second.get("name") or ""
    if name == answered:
        return None
    confidence = float(second.get("confidence") or 0)
    gap = float(first.get("confidence") or 0) - confidence
    return name if confidence >= SUGGEST_MIN_CONFIDENCE and gap <= SUGGEST_MAX_GAP else None


def suggest(dispatcher: CollectingDispatcher, repo: ContentRepository, intents: list[str]) -> None:
    buttons = [
        {"title": label, "payload": f"/{intent}"}
        for intent in intents
        if (label := suggestion_label(repo, intent))
    ]
    if buttons:
        dispatcher.utter_message(text=repo.text("did_you_mean"), buttons=buttons)


class ContentAction(Action, ABC):
    """An action that answers from the content store and never goes silent.

    Before the action's own answer: a staff Q&A entry that the resident's
    question clearly matches wins. After it: a "Menade du …?" button
    when the classifier was torn, and a reminder when personal data was masked.
    """

    action_name: str  # the action's name in domain.yml
    staff_entries_first = True
    offers_runner_up = True

    def name(self) -> str:
        return self.action_name

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        repo = repository().in_language(language_of(tracker))
        try:
            if self.staff_entries_first and answer_from_qa(dispatcher, tracker, repo, clear=True):
                events: Events = []
            else:
                events = self.answer(dispatcher, tracker, repo)
                alternative = runner_up(tracker, latest_intent(tracker)) if self.offers_runner_up else None
                if alternative:
                    suggest(dispatcher, repo, [alternative])
            if (tracker.latest_message.get("metadata") or {}).get(MASKED_FLAG):
                dispatcher.utter_message(text=repo.text("personal_data_reminder"))
            return events
        except ContentUnavailable:
            logger.exception("Content store unavailable in %s", self.name())
            dispatcher.utter_message(text=texts.default("technical_error", repo.language))
            return []

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository) -> Events:
        """Send the answer and return the events to apply."""
