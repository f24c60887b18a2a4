"""How the review pages show times, shares, links and intents (Jinja helpers).

Kept apart from the handlers so that the pages' wording and the request
handling can change independently.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from bot.conversations.inbox import REASONS
from bot.conversations.intent_labels import has_label, intent_label
from bot.conversations.languages import DEFAULT, LANGUAGES
from bot.conversations.models import AUDIT_ACTIONS, DECISIONS, STATUSES
from bot.conversations.transcript import FALLBACK_INTENT
from bot.dates import local, local_iso, swedish_date, swedish_moment

BASE = "/admin/review"


def when(timestamp: float | None) -> str:
    """'27 november 2026 kl. 14.05' in Swedish time."""
    return swedish_moment(local(timestamp)) if timestamp else "–"


def clock(timestamp: float | None) -> str:
    return local(timestamp).strftime("%H.%M.%S") if timestamp else "–"


def iso_time(timestamp: float | None) -> str:
    return local_iso(timestamp) if timestamp else ""


def percent(value: float | None) -> str:
    """'62 %' (Swedish: a space before the per cent sign)."""
    if value is None:
        return "–"
    return f"{value * 100:.0f}\u00a0%"


def conversation_url(sender_id: str) -> str:
    return f"{BASE}/conversation?id={quote(sender_id, safe='')}"


def delete_url(sender_id: str) -> str:
    return f"{BASE}/conversation/delete?id={quote(sender_id, safe='')}"


def intent_html(intent: str | None) -> Markup:
    """The Swedish label with the intent id as secondary text (the id alone when it has no label)."""
    if not has_label(intent):
        return Markup('<code class="intent-id">{}</code>').format(intent or "–")
    return Markup('{} <code class="intent-id">{}</code>').format(intent_label(intent), intent)


def intent_option(intent: str) -> str:
    """An intent as the text of an <option>: 'Nämner en samarbetspart (inform_partner)'."""
    return f"{intent_label(intent)} ({intent})" if has_label(intent) else intent


def language_label(code: str) -> Markup:
    """A message's language as a short label ("EN"), with its full name for screen readers."""
    short, name = LANGUAGES.get(code, LANGUAGES[DEFAULT])
    return Markup('<span class="lang-label" title="{name}"><span aria-hidden="true">{short}</span>'
                  '<span class="visually-hidden">språk: {name}</span></span>').format(short=short, name=name)


def by_label(intents: list[str]) -> list[str]:
    """Intents in the order of their Swedish labels, as a reader looks for them."""
    return sorted(intents, key=lambda intent: intent_label(intent).casefold())


def helpers() -> dict[str, Any]:
    return {
        "when": when, "clock": clock, "iso_time": iso_time, "percent": percent, "swedish_date": swedish_date,
        "conversation_url": conversation_url, "delete_url": delete_url, "statuses": STATUSES, "reasons": REASONS,
        "decision_labels": DECISIONS, "audit_actions": AUDIT_ACTIONS, "fallback_intent": FALLBACK_INTENT,
        "intent_html": intent_html, "intent_option": intent_option, "intent_label": intent_label,
        "languages": LANGUAGES, "language_label": language_label,
    }
