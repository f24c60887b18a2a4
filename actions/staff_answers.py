"""Answers from the Q&A entries staff write in the portal (no retraining).

Two ways in: a question that clearly matches an entry (almost exactly one of
its example questions, or a retrieval score of CLEAR_MATCH) is answered from
that entry whatever the classifier said (the staff rule, see README), and the fallbacks look for a close-enough entry by
retrieval (bot/content/retrieval.py) before saying "not my area".
"""
from __future__ import annotations

import logging
import threading
import weakref

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.cited import send_cited
from bot.content import retrieval
from bot.content.markup import to_plain_text
from bot.content.repository import ContentRepository, ContentUnavailable

logger = logging.getLogger(__name__)

_retrievers: weakref.WeakKeyDictionary[ContentRepository, retrieval.QARetriever] = (
    weakref.WeakKeyDictionary()
)
_retrievers_lock = threading.Lock()


def qa_retriever(repo: ContentRepository) -> retrieval.QARetriever:
    """One retriever (and index) per repository, on the repository's database; a
    repository's language views share it (it finds entries in both languages)."""
    repo = repo.base
    with _retrievers_lock:
        retriever = _retrievers.get(repo)
        if retriever is None:
            # Reads through the repository (the same database as every other answer);
            # a proxy, so that the cached retriever does not keep the repository alive.
            retriever = retrieval.QARetriever(weakref.proxy(repo))
            _retrievers[repo] = retriever
        return retriever


def find_qa(repo: ContentRepository, text: str, threshold: float | None = None,
            clear: bool = False) -> retrieval.QAMatch | None:
    """The staff entry for the resident's text, if one is close enough.

    A database failure is a content failure (the resident gets the
    technical-error message); any other failure of the retrieval is logged and
    the action answers as it would without staff entries.
    """
    if not text.strip():
        return None
    retriever = qa_retriever(repo)
    try:
        if clear:
            return retriever.clear_match(text)
        if threshold is None:
            return retriever.best(text)
        ranked = retriever.rank(text)
        return ranked[0] if ranked and ranked[0].score >= threshold else None
    except ContentUnavailable:
        raise
    except Exception:  # noqa: BLE001 - a broken retrieval must not silence the fallback
        logger.exception("Q&A retrieval failed; answering without staff entries")
        return None


def send_qa(dispatcher: CollectingDispatcher, repo: ContentRepository, match: retrieval.QAMatch) -> None:
    """The entry's answer as chat text, citing the municipality and the day staff
    last changed it (or the page, for an entry that came from it)."""
    logger.info("Answered from Q&A entry %s (score %.2f)", match.entry.id, match.score)
    entry = repo.qa_entry(match.entry.id) or match.entry  # in the resident's language
    send_cited(dispatcher, repo, to_plain_text(entry.answer), [repo.qa_provenance(match.entry.id)])


def answer_from_qa(dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository,
                   threshold: float | None = None, clear: bool = False) -> bool:
    """Answer the latest message from a staff entry if one fits (with `clear`,
    only if it clearly does); whether it did."""
    match = find_qa(repo, tracker.latest_message.get("text") or "", threshold, clear)
    if match:
        send_qa(dispatcher, repo, match)
    return match is not None
