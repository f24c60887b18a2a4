"""Every intent has a Swedish label for the review pages; an unknown one shows its id."""
from __future__ import annotations

import yaml

from bot.conversations.intent_labels import LABELS, intent_label
from bot.paths import ROOT


def test_every_intent_in_the_domain_has_a_swedish_label():
    intents = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
    names = [next(iter(i)) if isinstance(i, dict) else i for i in intents]
    missing = [name for name in names if name not in LABELS]
    assert not missing, f"add Swedish labels to bot/conversations/intent_labels.py for: {missing}"


def test_labels_are_swedish_sentences_not_ids():
    assert intent_label("inform_partner") == "Nämner en samarbetspart"
    assert intent_label("ask_partner_country") == "Fråga om en samarbetsparts land"
    assert all("_" not in label and label[0].isupper() for label in LABELS.values())


def test_an_intent_without_a_label_falls_back_to_its_id():
    assert intent_label("ask_something_new") == "ask_something_new"
    assert intent_label(None) == "–"
