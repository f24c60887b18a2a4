"""CSV and JSON exports of a filtered set of conversations.

Both hold what the transcript shows (masked texts, intents, confidences,
replies, feedback), one line per resident message, feedback or bot reply, plus
the review status, tags and note. The CSV is for spreadsheets: UTF-8 with a
byte-order mark and semicolons (what Swedish Excel expects), and cells that
a spreadsheet would run as a formula (=, +, -, @ first, also after leading
spaces, or a tab, carriage return or line feed first) are prefixed with an
apostrophe.
"""
from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

from bot.conversations.transcript import Conversation, Line
from bot.dates import local_iso

CSV_COLUMNS = [
    "samtal", "händelse", "tid", "vem", "text", "avsikt", "säkerhet", "bästa_gissning",
    "åtgärd", "återkoppling", "språk", "status", "taggar", "anteckning",
]
WHO = {"user": "invånare", "feedback": "återkoppling", "bot": "bot"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def line_record(line: Line) -> dict[str, Any]:
    record: dict[str, Any] = {"event_id": line.event_id, "time": local_iso(line.at), "kind": line.kind}
    if line.kind in WHO:
        record["language"] = line.language
    if line.kind == "user":
        record.update(text=line.text, intent=line.intent, confidence=_round(line.confidence),
                      button=line.payload, reply_action=line.reply_action)
        if line.guess:
            record.update(best_guess=line.guess, best_guess_confidence=_round(line.guess_confidence))
    elif line.kind == "feedback":
        record.update(value=line.feedback, rated_event_id=line.rated_event_id, rated_text=line.rated_text)
    elif line.kind == "bot":
        record.update(text=line.text, buttons=list(line.buttons))
    elif line.kind == "action":
        record.update(action=line.action, policy=line.policy)
    return record


def conversation_record(conversation: Conversation, review: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "sender_id": conversation.sender_id,
        "started": local_iso(conversation.first_at),
        "last_activity": local_iso(conversation.last_at),
        "status": review.get("status", "ny"),
        "tags": list(review.get("tags", [])),
        "note": review.get("note", ""),
        "lines": [line_record(line) for line in conversation.lines if line.kind != "session"],
    }


def to_json(conversations: Iterable[Conversation], reviews: Mapping[str, Mapping[str, Any]],
            filters: Mapping[str, str]) -> str:
    records = [conversation_record(c, reviews.get(c.sender_id, {})) for c in conversations]
    document = {
        "exported": local_iso(time.time()),
        "filters": dict(filters),
        "count": len(records),
        "conversations": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.4f}".replace(".", ",")
    else:
        text = str(value)
    if text[:1] in FORMULA_STARTS or text.lstrip(" \t\r\n")[:1] in FORMULA_STARTS:
        text = "'" + text  # never a formula in a spreadsheet (Excel skips leading spaces)
    return text


def to_csv(conversations: Iterable[Conversation], reviews: Mapping[str, Mapping[str, Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for conversation in conversations:
        review = reviews.get(conversation.sender_id, {})
        for line in conversation.lines:
            if line.kind not in WHO:
                continue
            row: list[Any] = [
                conversation.sender_id, line.event_id, local_iso(line.at), WHO[line.kind],
                line.text if line.kind != "feedback" else line.rated_text,
                line.intent if line.kind == "user" else "",
                line.confidence if line.kind == "user" else None,
                line.guess or "",
                line.reply_action or "",
                line.feedback or "",
                line.language,
                review.get("status", "ny"), ", ".join(review.get("tags", [])), review.get("note", ""),
            ]
            writer.writerow([_cell(value) for value in row])
    return out.getvalue()
