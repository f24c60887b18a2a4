"""Replies for questions the trained intents do not answer.

Before saying "not my area" or "please rephrase", both fallbacks look for a
question-and-answer entry that staff have written in the portal (retrieval
over the entries' example questions, bot/content/retrieval.py). An entry saved
a moment ago is found on the next message, without retraining.
"""
from __future__ import annotations

import logging
import os
import threading
import weakref
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.base import ContentAction, send_topic
from bot.content import retrieval
from bot.content.markup import to_plain_text
from bot.content.repository import ContentRepository, ContentUnavailable

logger = logging.getLogger(__name__)

_retrievers: weakref.WeakKeyDictionary[ContentRepository, retrieval.QARetriever] = (
    weakref.WeakKeyDictionary()
)
_retrievers_lock = threading.Lock()


def qa_retriever(repo: ContentRepository) -> retrieval.QARetriever:
    """One retriever (and index) per repository, on the repository's database."""
    with _retrievers_lock:
        retriever = _retrievers.get(repo)
        if retriever is None:
            # The repository's session factory: the same database as every other answer.
            retriever = retrieval.QARetriever(repo.sessions)
            _retrievers[repo] = retriever
        return retriever


def find_qa(repo: ContentRepository, text: str, threshold: float | None = None) -> retrieval.QAMatch | None:
    """The staff entry for the resident's text, if one is close enough.

    A database failure is a content failure (the resident gets the
    technical-error message); any other failure of the retrieval is logged and
    the action answers as it would without staff entries.
    """
    if not text.strip():
        return None
    retriever = qa_retriever(repo)
    try:
        if threshold is None:
            return retriever.best(text)
        ranked = retriever.rank(text)
        return ranked[0] if ranked and ranked[0].score >= threshold else None
    except SQLAlchemyError as error:
        raise ContentUnavailable(str(error)) from error
    except Exception:  # noqa: BLE001 - a broken retrieval must not silence the fallback
        logger.exception("Q&A retrieval failed; answering without staff entries")
        return None


def send_qa(dispatcher: CollectingDispatcher, repo: ContentRepository, match: retrieval.QAMatch) -> None:
    """The entry's answer as chat text, marked as the municipality's own answer
    (staff answers cite no source page)."""
    logger.info("Answered from Q&A entry %s (score %.2f)", match.entry.id, match.score)
    dispatcher.utter_message(
        text=f"{to_plain_text(match.entry.answer)}\n\nSvar från {repo.site().municipality}."
    )


def answer_from_qa(dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository,
                   threshold: float | None = None) -> bool:
    """Answer the latest message from a staff entry if one fits; whether it did."""
    match = find_qa(repo, tracker.latest_message.get("text") or "", threshold)
    if match:
        send_qa(dispatcher, repo, match)
    return match is not None


class ActionOutOfScope(ContentAction):
    """Other questions: a staff Q&A entry if one fits, else "not my area"."""

    def name(self) -> str:
        return "action_out_of_scope"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> list[dict[str, Any]]:
        if not answer_from_qa(dispatcher, tracker, repo):
            send_topic(dispatcher, repo, "out_of_scope")
        return []


class ActionRephrase(ContentAction):
    """One-step fallback: a staff Q&A entry if one fits, else ask the resident
    to rephrase, offering topics."""

    def name(self) -> str:
        return "action_rephrase"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> list[dict[str, Any]]:
        if not answer_from_qa(dispatcher, tracker, repo):
            dispatcher.utter_message(response="utter_rephrase")
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

    def name(self) -> str:
        return "action_answer_qa"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> list[dict[str, Any]]:
        if not answer_from_qa(dispatcher, tracker, repo, TRAINED_QA_THRESHOLD):
            dispatcher.utter_message(response="utter_rephrase")
        return []


if os.environ.get("QA_WARMUP", "1") != "0":
    # Load the spaCy pipeline and the background now, not on a resident's first question.
    threading.Thread(target=retrieval.warm_up, name="qa-warm-up", daemon=True).start()
