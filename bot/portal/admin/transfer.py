"""Import and export (admins only): the whole store as YAML, and the staff's
Q&A examples as Rasa NLU training data."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aiohttp import web
from aiohttp.web_request import FileField

from bot.content.bundle import BundleError, Problem
from bot.content.retrieval import STAFF_INTENT
from bot.content.store import export_text, import_file
from bot.content.translations import untranslated
from bot.content.types import QA
from bot.content.types.qa import QARecord
from bot.conversations.inbox import training_text
from bot.portal.admin.account import repository
from bot.portal.admin.common import flash, render
from bot.portal.admin.content_pages import PAGES
from bot.portal.keys import SETTINGS_KEY
from bot.portal.security import blocking, current_user

NLU_INTENT = STAFF_INTENT
DOMAIN_SNIPPET = f"""# domain.yml
intents:
  - {NLU_INTENT}
actions:
  - action_answer_qa

# data/rules/rules.yml
rules:
  - rule: staff questions are answered from the store's Q&A entries
    steps:
      - intent: {NLU_INTENT}
      - action: action_answer_qa
"""


def _database(request: web.Request) -> str:
    return request.app[SETTINGS_KEY].database_url


async def page(request: web.Request, problems: Sequence[Problem] = (), status: int = 200,
               file_name: str = "") -> web.Response:
    return await render(request, "admin/transfer.html", {
        "problems": list(problems), "file_name": file_name,
        "qa_count": await blocking(repository(request).count, QA),
        "intent": NLU_INTENT, "domain_snippet": DOMAIN_SNIPPET,
    }, status)


async def transfer_page(request: web.Request) -> web.StreamResponse:
    return await page(request)


def _download(text: str, name: str) -> web.Response:
    return web.Response(
        text=text, content_type="application/x-yaml", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def export_store(request: web.Request) -> web.StreamResponse:
    text = await blocking(export_text, _database(request))
    return _download(text, f"innehall-{dt.date.today().isoformat()}.yml")


async def import_store(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, FileField) or not upload.filename:
        return await page(request, [Problem("formuläret", 0, "välj en YAML-fil att importera")], 422)
    name = upload.filename
    if form.get("confirm") != "1":
        return await page(request, [Problem(name, 0, "kryssa i att du förstår att allt innehåll ersätts")],
                          422, name)
    try:
        text = upload.file.read().decode("utf-8")
    except UnicodeDecodeError:
        return await page(request, [Problem(name, 0, "filen är inte text i UTF-8")], 422, name)
    who = current_user(request).username
    try:
        counts = await blocking(import_file, (name, text), _database(request), who)
    except BundleError as error:
        return await page(request, error.problems, 422, name)
    missing = len(await blocking(untranslated, repository(request)))
    english = (f" {missing} {'sak' if missing == 1 else 'saker'} saknar engelsk version; listan finns under "
               "Engelska på startsidan." if missing else "")
    await flash(request, f"{name} är importerad: {_summary(counts)}. "
                         f"Boten använder innehållet från nästa meddelande.{english}")
    raise web.HTTPSeeOther("/admin/transfer")


def _summary(counts: dict[str, int]) -> str:
    """'16 ämnen, 6 fokusområden, 3 samarbetsparter och 0 frågor'."""
    parts = [f"{counts[page.section]} {page.counted}" for page in PAGES.values() if page.counted]
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def nlu_yaml(entries: list[QARecord]) -> str:
    """The staff's example questions as Rasa 3 NLU data, under one intent."""
    lines = [
        "# Staff-written example questions from the portal's Q&A entries, exported",
        f"# {dt.date.today().isoformat()}. Place this file in data/nlu/ and run `make train`.",
        f"# All entries share the intent `{NLU_INTENT}`: the action `action_answer_qa`",
        "# picks the entry by retrieval, so entries can change without retraining.",
        "# domain.yml must list the intent and the action, and a rule must map them",
        "# (see the portal's export page); the first time, a developer adds those.",
        'version: "3.1"',
        "nlu:",
    ]
    examples = [
        training_text(example) for entry in entries for example in entry.examples
    ]
    if examples:
        lines += [f"- intent: {NLU_INTENT}", "  examples: |"]
        lines += [f"    - {example}" for example in examples if example]
    else:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"


async def export_nlu(request: web.Request) -> web.StreamResponse:
    text = nlu_yaml(await blocking(repository(request).qa_entries))
    return _download(text, f"{NLU_INTENT}.yml")
