"""Swedish labels for the bot's intents, for the admins' review pages.

Admins read what a resident meant, not the model's identifiers; the pages
show the label first and the intent id as secondary text. This table is the
only place the labels live. An intent without a label (one just added to
domain.yml) is shown by its id until it gets one here;
tests/conversations/test_intent_labels.py checks that every intent in
domain.yml has one.
"""
from __future__ import annotations

LABELS: dict[str, str] = {
    "greet": "Hälsar",
    "goodbye": "Säger hej då",
    "thank": "Tackar",
    "bot_challenge": "Frågar om boten är en människa",
    "ask_capabilities": "Fråga om vad boten kan svara på",
    "ask_overview": "Fråga om kommunens internationella arbete i stort",
    "ask_history": "Fråga om hur länge kommunen har arbetat internationellt",
    "ask_why": "Fråga om varför kommunen arbetar internationellt",
    "ask_eu_influence": "Fråga om hur EU och omvärlden påverkar kommunen",
    "ask_policy": "Fråga om den internationella policyn",
    "ask_organisation": "Fråga om hur arbetet är organiserat",
    "ask_activities": "Fråga om utbyten, konferenser och projekt",
    "ask_networks": "Fråga om regionala organisationer och nätverk",
    "ask_benefits_residents": "Fråga om vad arbetet ger invånarna",
    "ask_benefits_business": "Fråga om vad arbetet ger näringslivet",
    "ask_goals_link": "Fråga om kopplingen till kommunens mål",
    "ask_updated": "Fråga om när informationen uppdaterades",
    "ask_source": "Fråga om källan till svaren",
    "ask_contact": "Fråga om vem man kan kontakta",
    "ask_focus_areas": "Fråga om fokusområdena",
    "ask_focus_area": "Fråga om ett visst fokusområde",
    "ask_partners": "Fråga om samarbetsparterna",
    "ask_partner": "Fråga om en viss samarbetspart",
    "ask_partner_country": "Fråga om en samarbetsparts land",
    "inform_partner": "Nämner en samarbetspart",
    "select_item": "Väljer något ur en uppräkning",
    "out_of_scope": "Utanför ämnet",
    "nonsense": "Obegripligt eller slumpmässigt",
    "feedback": "Återkoppling från chattrutan",
    "nlu_fallback": "Boten förstod inte (reservsvar)",
    "qa_staff": "Egen fråga och svar från redaktörerna",
}


def intent_label(intent: str | None) -> str:
    """The Swedish label, or the id itself for an intent without one."""
    if not intent:
        return "–"
    return LABELS.get(intent, intent)


def has_label(intent: str | None) -> bool:
    return bool(intent) and intent in LABELS
