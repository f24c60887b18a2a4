"""Conversation review for admins: the conversation list with filters, a
transcript per conversation with status, tags and a note, erasure of one
conversation, the learning inbox with its NLU export, statistics, CSV/JSON
export and the audit log of purges, erasures and exports.

Every route here needs the role `admin` (`ROUTES`); the admin package adds
them to its route table, so the security middleware checks login, role and
CSRF exactly as for the other admin pages. The conversations are read from
Rasa's tracker store (bot/conversations/); they are masked already when Rasa
stores them (bot/privacy/).

* common.py         the app's conversation service and what every page shares
* conversations.py  the list, its exports, and one conversation
* inbox.py          the learning inbox
* stats.py          statistics and the audit log
* display.py        how the pages show times, shares, links and intents
"""
from __future__ import annotations

from bot.portal.admin.common import Route
from bot.portal.admin.review import conversations, inbox, stats
from bot.portal.admin.review.common import NLU_PATH_KEY, conversation_service
from bot.portal.admin.review.display import BASE

__all__ = ["NLU_PATH_KEY", "ROUTES", "conversation_service"]

ROUTES: list[Route] = [
    ("GET", BASE, conversations.conversations, "admin"),
    ("POST", f"{BASE}/export.csv", conversations.export_csv, "admin"),  # POST: an export is audited
    ("POST", f"{BASE}/export.json", conversations.export_json, "admin"),
    ("GET", f"{BASE}/conversation", conversations.conversation, "admin"),
    ("POST", f"{BASE}/conversation", conversations.save_review, "admin"),
    ("GET", f"{BASE}/conversation/delete", conversations.delete_form, "admin"),
    ("POST", f"{BASE}/conversation/delete", conversations.delete, "admin"),
    ("GET", f"{BASE}/inbox", inbox.inbox, "admin"),
    ("POST", f"{BASE}/inbox", inbox.decide, "admin"),
    ("POST", rf"{BASE}/inbox/decisions/{{id:\d+}}/undo", inbox.undo, "admin"),
    ("POST", f"{BASE}/inbox/export", inbox.export_nlu, "admin"),
    ("GET", f"{BASE}/inbox/reviewed.yml", inbox.download_nlu, "admin"),
    ("GET", f"{BASE}/stats", stats.statistics, "admin"),
    ("GET", f"{BASE}/audit", stats.audit, "admin"),
]
