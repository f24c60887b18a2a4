"""What a resident's message asks: the question without the personal details
around it, and each question when one message holds two.

"jag heter Anna, mejla svaret till [E-POST]: vilka fokusområden har ni?" is
classified as "vilka fokusområden har ni?"; "vad är policyn och varför
samarbetar ni?" is answered as two questions. The stored message is always
the resident's whole (masked) text; the parse data, which Rasa's processor
takes instead of parsing itself, holds the question that was read (its "text",
with the entities' offsets into it, is what the actions see).
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.nlp.questions import questions, without_personal_details

logger = logging.getLogger(__name__)

Parse = Callable[[str], Awaitable[dict[str, Any]]]

# Set on the message's metadata when it held personal data: masked, or a name or
# street address taken out before classifying (actions/base.py reads it).
MASKED_FLAG = "personal_data_masked"
# A part counts as a question of its own only when the classifier is this sure of it.
PART_CONFIDENCE = 0.6
NOT_A_QUESTION = {"out_of_scope", "nonsense", "nlu_fallback", "greet", "goodbye", "thank", "feedback"}


def _in_scope(parse: dict[str, Any]) -> bool:
    intent = parse.get("intent") or {}
    return intent.get("name") not in NOT_A_QUESTION and float(intent.get("confidence") or 0) >= PART_CONFIDENCE


async def understood(message: UserMessage, parse: Parse, masked: bool) -> list[UserMessage]:
    """The message as Rasa should handle it: one message, or one per in-scope question.

    Each returned message carries its parse data, so Rasa does not parse again.
    """
    text = message.text or ""
    metadata = dict(message.metadata or {})
    if text.startswith("/"):  # a button's intent payload: Rasa's own parsing
        return [message]
    focused = without_personal_details(text)
    if masked or focused != text:  # masked data, or a name or street address
        metadata[MASKED_FLAG] = True
    parts = questions(focused)
    parses = [await parse(part) for part in parts] if len(parts) > 1 else []
    chosen = [(part, p) for part, p in zip(parts, parses) if _in_scope(p)]
    seen: set[tuple] = set()
    distinct = []
    for part, p in chosen:
        meaning = (p["intent"]["name"], *sorted(str(e.get("value")) for e in p.get("entities") or []))
        if meaning not in seen:  # "vad är policyn och vem antog den?" is one question
            seen.add(meaning)
            distinct.append((part, p))
    if len(distinct) < 2:
        message.parse_data = distinct[0][1] if distinct else await parse(focused) if focused != text else None
        message.metadata = metadata or message.metadata
        return [message]
    logger.info("One message, %d questions: answering each", len(distinct))
    messages = []
    for index, (part, p) in enumerate(distinct):
        part_metadata = dict(metadata) if index == len(distinct) - 1 else {
            k: v for k, v in metadata.items() if k != MASKED_FLAG}
        messages.append(UserMessage(
            text if index == 0 else part, message.output_channel, message.sender_id,
            parse_data=p, input_channel=message.input_channel, metadata=part_metadata or None,
        ))
    return messages
