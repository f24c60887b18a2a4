"""The statistics page and the audit log of purges, erasures and exports."""
from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from bot.conversations.service import ConversationService
from bot.conversations.stats import Statistics, active_range, period
from bot.dates import today
from bot.portal.admin.review.common import page, service
from bot.portal.security import blocking


def _statistics(svc: ConversationService, query: Mapping[str, str]) -> tuple[Statistics, dict[str, str]]:
    start, end, errors = period(query, active_range(svc.conversations()), today())
    return svc.statistics(start, end), errors


async def statistics(request: web.Request) -> web.StreamResponse:
    result, errors = await blocking(_statistics, service(request), request.query)
    chosen = bool(request.query.get("from") or request.query.get("to"))
    return await page(request, "admin/review_stats.html", {"stats": result, "errors": errors, "chosen": chosen},
                      422 if errors else 200)


async def audit(request: web.Request) -> web.StreamResponse:
    entries = await blocking(service(request).audit_log, 200)
    return await page(request, "admin/review_audit.html", {"entries": entries})
