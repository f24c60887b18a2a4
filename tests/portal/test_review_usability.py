"""What an admin reads on the review pages (issue 13): Swedish intent labels,
a learning inbox in pages with a count, and a per-day chart whose period
follows the data or the chosen dates."""
from __future__ import annotations

import re
from html import unescape

from tests.conversations.conftest import at
from tests.conversations.tracker_data import write_conversations
from tests.portal.review_fixtures import (  # noqa: F401  (pytest fixtures and helpers)
    ADMIN, client, portal_url, project_nlu_untouched, review_portal, tracker_db, tracker_template, users,
)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def unsure_messages(tracker_db, count: int) -> None:
    """`count` more conversations, each with one message the bot was unsure about."""
    write_conversations(tracker_db, {
        f"extra{i:02d}": (at("2026-11-07 09:00") + i * 60, [
            ("user", f"Fråga nummer {i} om vänorter", "ask_partners", 0.5), ("action", "action_partners"),
            ("bot", "De samarbetsparter jag känner till är Chobe, Herning och Ravenna."),
        ]) for i in range(count)})


# ---------------------------------------------------------------- Swedish labels for intents


def test_the_inbox_offers_intents_by_their_swedish_labels_with_the_id_as_secondary_text(client):
    client.login(ADMIN)
    html = client.fetch("/admin/review/inbox")
    assert '<option value="intent:inform_partner">Nämner en samarbetspart (inform_partner)</option>' in html
    assert ('<option value="intent:ask_partner_country">Fråga om en samarbetsparts land (ask_partner_country)'
            '</option>') in html
    assert 'Tolkades som Fråga om en viss samarbetspart <code class="intent-id">ask_partner</code>' in html


def test_the_list_and_the_transcript_show_swedish_labels(client):
    client.login(ADMIN)
    listing = client.fetch("/admin/review")
    assert '<li>Fråga om samarbetsparterna <code class="intent-id">ask_partners</code></li>' in listing
    assert '<option value="ask_partners">Fråga om samarbetsparterna (ask_partners)</option>' in listing
    transcript = client.fetch("/admin/review/conversation?id=anna")
    assert 'Avsikt: Fråga om samarbetsparterna <code class="intent-id">ask_partners</code>' in transcript


# ---------------------------------------------------------------- the inbox in pages


def test_the_inbox_shows_twenty_messages_a_page_with_a_count_and_page_links(client, tracker_db):
    unsure_messages(tracker_db, 52)  # with the 5 known ones: 57
    client.login(ADMIN)
    first = client.fetch("/admin/review/inbox")
    assert first.count('<li class="inbox-item">') == 20
    assert "Visar 1–20 av 57 meddelanden att granska, 20 per sida." in first
    nav = re.search(r'<nav class="pagination" aria-label="Sidor i inkorgen">(.*?)</nav>', first, re.S).group(1)
    assert re.search(r'href="/admin/review/inbox\?page=1" aria-current="page"', nav)
    assert 'href="/admin/review/inbox?page=2" rel="next"' in nav
    last = client.fetch("/admin/review/inbox?page=3")
    assert last.count('<li class="inbox-item">') == 17
    assert "Visar 41–57 av 57 meddelanden att granska" in last
    assert 'href="/admin/review/inbox?page=2" rel="prev"' in last


def test_a_decision_on_a_later_page_returns_to_that_page(client, tracker_db):
    unsure_messages(tracker_db, 30)
    client.login(ADMIN)
    html = client.fetch("/admin/review/inbox?page=2")
    action = unescape(re.search(r'<form method="post" action="([^"]+)" class="inbox-item__form">', html).group(1))
    assert action == "/admin/review/inbox?page=2"


# ---------------------------------------------------------------- the period of the statistics


def days_in_table(html: str) -> list[str]:
    table = re.search(r'<table id="table-days".*?</table>', html, re.S).group(0)
    return re.findall(r'<th scope="row" data-label="[^"]*">([^<]+)</th>', table)


def test_without_dates_the_statistics_run_from_the_first_to_the_last_day_with_conversations(client):
    client.login(ADMIN)
    html = client.fetch("/admin/review/stats")
    days = days_in_table(html)
    # the known conversations: 1 October ("old") to 11 November 2026 (the later session of "long")
    assert days[0] == "1 oktober 2026" and days[-1] == "11 november 2026" and len(days) == 42
    assert "från den första till den senaste dagen med samtal" in text_of(html)


def test_chosen_dates_are_kept_and_little_data_is_said_so(client):
    client.login(ADMIN)
    html = client.fetch("/admin/review/stats?from=2026-10-01&to=2026-10-30")
    assert len(days_in_table(html)) == 30
    assert ("Underlaget är litet: invånarna skrev bara under 2 dagar av de 30 dagarna i perioden, "
            "så diagrammen säger inte så mycket än.") in text_of(html)
    busy = client.fetch("/admin/review/stats?from=2026-11-01&to=2026-11-30")
    assert 'id="little-data"' not in busy


def test_a_period_without_messages_says_there_is_nothing_to_draw(client):
    client.login(ADMIN)
    html = client.fetch("/admin/review/stats?from=2025-01-01&to=2025-01-31")
    assert "Inga invånare skrev något under perioden, så det finns inget att rita." in text_of(html)
    assert 'id="chart-days"' not in html
