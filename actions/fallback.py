"""Replies for questions the trained intents do not answer.

Before saying "not my area" or "please rephrase", both fallbacks look for a
question-and-answer entry that staff have written in the portal (retrieval
over the entries' example questions, bot/content/retrieval.py). An entry saved
a moment ago is found on the next message, without retraining.
"""
from __future__ import annotations

import os
import re
import threading

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import LISTED_SLOT, ContentAction, Events, as_written, latest_entities, send_topic, suggestion_label
from actions.lists import ActionSelectItem
from actions.partners import PLACE_ENTITIES, ActionPartner, compound_partner, find_partner
from actions.replies import send_text, topic_buttons
from actions.staff_answers import answer_from_qa
from bot.content import retrieval
from bot.content.matching import normalise
from bot.content.repository import ContentRepository
from bot.nlp.details import about_international_work, asks_about_cooperation, cooperates_with, detail_asked
from bot.nlp.followups import picks_by_position


def asks_missing_detail(tracker: Tracker, repo: ContentRepository) -> bool:
    """A detail of the international work the store has no answer for ("vad är
    budgeten för vänortsarbetet", "har personen ett telefonnummer?" after a
    contact question): the honest "no information", not "not my area"."""
    text = tracker.latest_message.get("text") or ""
    if not detail_asked(text):
        return False
    names = tuple(name for partner in repo.partners() for name in partner.names)
    return about_international_work(text, names) or previous_intent(tracker).startswith("ask_")


def previous_intent(tracker: Tracker) -> str:
    """The intent of the resident's message before the latest one, if any."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name") or "" if len(users) > 1 else ""


# "finns det något utbyte med Ystad" is a partner question; "Kan barnet ha kontakt
# med sina föräldrar efter en vårdnadsöverflyttning?" is not (external set).
COOPERATION_MAX_WORDS = 8
FOLLOW_UP_WORDS = re.compile(r"^(och|men|a)\b|\b(fler|flera|andra|ocksa|da)\b")
PARTNER_INTENTS = {"ask_partner", "ask_partners", "ask_partner_country", "inform_partner", "select_item"}


def meant_otherwise(dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository,
                    unsure: bool) -> Events | None:
    """Answer a message the classifier missed but its words settle, else None:
    a position in the list given last ("det tionde då?"); working with a
    partner or a place ("har ni kontakt med Ystad", "… samarbetar med herning");
    a short place just after a partner question ("och afrika?", "finns det fler
    i asien?"). When the classifier was only unsure (`unsure`), a partner's name
    alone settles it ("danmarkskontakten, berätta")."""
    text = tracker.latest_message.get("text") or ""
    if tracker.get_slot(LISTED_SLOT) and picks_by_position(text):
        return ActionSelectItem().answer(dispatcher, tracker, repo)
    places = latest_entities(tracker, *PLACE_ENTITIES)
    partners = repo.partners()
    partner = find_partner(tracker, partners)[0] or compound_partner(text, partners)
    named = partner is not None and (unsure or any(cooperates_with(text, name) for name in partner.names))
    # "och afrika?", "finns det fler i asien?" right after a partner question narrow that question
    narrows = (len(text.split()) <= 5 and previous_intent(tracker) in PARTNER_INTENTS
               and (unsure or bool(FOLLOW_UP_WORDS.search(normalise(text)))))
    # a long message that mentions working with someone is usually about something else
    cooperation = (len(text.split()) <= COOPERATION_MAX_WORDS and asks_about_cooperation(text)) or any(
        cooperates_with(text, as_written(tracker, place)) for place in places)
    if named or (places and (narrows or cooperation)):
        return ActionPartner().answer(dispatcher, tracker, repo)
    return None


def staff_entry_or_missed(dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository,
                          unsure: bool) -> Events | None:
    """Before a fallback answers: a staff Q&A entry that fits, or what the classifier
    missed (`meant_otherwise`); None when neither answered."""
    if answer_from_qa(dispatcher, tracker, repo):
        return []
    return meant_otherwise(dispatcher, tracker, repo, unsure)


class ActionOutOfScope(ContentAction):
    """Other questions: a staff Q&A entry if one fits, else "not my area"."""

    offers_runner_up = False

    action_name = "action_out_of_scope"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository) -> Events:
        if (handled := staff_entry_or_missed(dispatcher, tracker, repo, unsure=False)) is not None:
            return handled
        return send_topic(dispatcher, repo, "no_answer" if asks_missing_detail(tracker, repo) else "out_of_scope")


# On low confidence, intents at least this confident are offered as the
# rephrase prompt's buttons instead of the fixed topics (a two-stage fallback).
RETRY_MIN_CONFIDENCE = 0.3


class ActionRephrase(ContentAction):
    """Low confidence: a staff Q&A entry if one fits, else ask the resident to
    rephrase, with the intents the classifier hesitated between as buttons."""

    offers_runner_up = False

    action_name = "action_rephrase"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository) -> Events:
        if (handled := staff_entry_or_missed(dispatcher, tracker, repo, unsure=True)) is not None:
            return handled
        if asks_missing_detail(tracker, repo):
            return send_topic(dispatcher, repo, "no_answer")
        ranking = tracker.latest_message.get("intent_ranking") or []
        likely = [
            {"title": label, "payload": f"/{intent['name']}"}
            for intent in ranking[:4]
            if float(intent.get("confidence") or 0) >= RETRY_MIN_CONFIDENCE
            and (label := suggestion_label(repo, intent.get("name") or ""))
        ][:2]
        dispatcher.utter_message(text=repo.text("rephrase"), buttons=likely or topic_buttons(repo))
        return []


# When the staff examples have been trained in (the portal's NLU export, intent
# `qa_staff`), the classifier has already said "this is a staff question", so
# the best entry is used at a lower bar than in the fallbacks.
TRAINED_QA_THRESHOLD = retrieval.THRESHOLD / 2


class ActionAnswerQA(ContentAction):
    """For the trained intent `qa_staff`: the best staff entry, or the rephrase prompt.

    Used only when domain.yml lists the intent, this action and a rule
    (see the portal's export page); without them it is never called.
    """

    action_name = "action_answer_qa"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository) -> Events:
        if not answer_from_qa(dispatcher, tracker, repo, TRAINED_QA_THRESHOLD):
            send_text(dispatcher, repo, "rephrase", with_topics=True)
        return []


if os.environ.get("QA_WARMUP", "1") != "0":
    # Load the spaCy pipeline and the background now, not on a resident's first question.
    threading.Thread(target=retrieval.warm_up, name="qa-warm-up", daemon=True).start()
