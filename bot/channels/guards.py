"""What the residents' REST channel accepts, checked before Rasa reads a request.

* Only `application/json` (else 415): a `text/plain` POST needs no CORS
  preflight, so accepting it would let any web page post into the chat.
* A JSON object (else 400), with a `sender` of 8–128 safe characters (else
  400; nothing is stored under a shared "default" id, a number, a list or an
  id too long for the portal to open) and a `message` that is a text.
* Only the metadata keys that bot/portal/static/widget.js sends, each text cut
  to a cap, and the widget's language choice only when it is "sv" or "en";
  everything else is dropped before Rasa stores the message.

The body itself is capped by the Rasa app (bot/rasa/server.py).
"""
from __future__ import annotations

import json
import re
from typing import Any

from sanic import response
from sanic.request import Request

from bot.content.system_messages import BAD_MESSAGE, BAD_SENDER, MALFORMED_BODY, NOT_JSON_TYPE
from bot.nlp.language import LANGUAGES

# The widget's sender ids are "web-" and 32 hex digits; tests and tools use similar ones.
SENDER_ID = re.compile(r"[A-Za-z0-9_.:-]{8,128}")
# The widget's metadata, with a length cap per text (None: a whole number).
METADATA_FIELDS: dict[str, dict[str, int | None]] = {
    "widget": {"page": 300, "lang": 10},
    "feedback": {"value": 20, "message_index": None, "bot_text": 6000},
}
# Texts that only count as one of a few values.
METADATA_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {("widget", "lang"): LANGUAGES}


def allowed_metadata(metadata: Any) -> dict[str, Any] | None:
    """The widget's metadata keys only, texts cut to their caps; None when nothing is left."""
    if not isinstance(metadata, dict):
        return None
    kept: dict[str, Any] = {}
    for key, fields in METADATA_FIELDS.items():
        given = metadata.get(key)
        if not isinstance(given, dict):
            continue
        part: dict[str, Any] = {}
        for name, cap in fields.items():
            value = given.get(name)
            if cap is None and isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**6:
                part[name] = value
            elif cap is not None and isinstance(value, str):
                allowed = METADATA_CHOICES.get((key, name))
                if allowed is None or value[:cap] in allowed:
                    part[name] = value[:cap]
        if part:
            kept[key] = part
    return kept or None


def request_problem(request: Request) -> tuple[int, str] | None:
    """Why a POST cannot be a resident's message, as (status, Swedish text); None if it can."""
    if request.content_type.split(";")[0].strip().lower() != "application/json":
        return 415, NOT_JSON_TYPE
    try:
        body = json.loads(request.body or b"")
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep
        return 400, MALFORMED_BODY
    if not isinstance(body, dict):
        return 400, MALFORMED_BODY
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER_ID.fullmatch(sender):
        return 400, BAD_SENDER
    if not isinstance(body.get("message"), str):
        return 400, BAD_MESSAGE
    return None


async def refuse_malformed(request: Request) -> response.HTTPResponse | None:
    """Blueprint request middleware: answer a malformed POST before Rasa's handler runs."""
    if request.method != "POST":
        return None
    problem = request_problem(request)
    if problem is None:
        return None
    status, message = problem
    return response.json({"error": message}, status=status)
