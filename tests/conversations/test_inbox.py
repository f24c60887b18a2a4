"""The learning inbox, the admins' decisions and the NLU export."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.content.editor import QA, ContentEditor, domain_intents
from bot.conversations.errors import ReviewError
from bot.conversations.inbox import existing_examples, render_nlu, training_text
from bot.db.engine import session_factory
from bot.paths import ROOT

INTENTS = [i for i in domain_intents() if i != "nlu_fallback"]


def open_items(service) -> dict:
    decided = service.decisions()
    return {item.text: item for item in service.inbox() if item.key not in decided}


def typed(service, sender, index=0):
    return service.conversation(sender).typed[index]


def test_the_inbox_holds_what_the_bot_was_unsure_about_or_got_a_thumbs_down_for(service):
    items = open_items(service)
    assert set(items) == {
        "Kan jag få bygglov för en altan?",  # nlu_fallback, twice (bertil and gustav)
        "När töms soptunnan?",  # out_of_scope
        "Vad kostar bussen till Trollhättan?",  # out_of_scope
        "Vad är Erasmus+?",  # 62 %, and a thumbs down
        "Mitt nummer är [TELEFON], berätta om Herning",  # 55 %
    }
    assert items["Kan jag få bygglov för en altan?"].reasons == {"fallback", "unsure"}
    assert {o.sender_id for o in items["Kan jag få bygglov för en altan?"].occurrences} == {"bertil", "gustav"}
    assert items["Vad är Erasmus+?"].reasons == {"unsure", "negative"}
    assert items["När töms soptunnan?"].reasons == {"out_of_scope"}
    # the newest occurrence first
    assert next(iter(open_items(service))) == "Kan jag få bygglov för en altan?"


def test_a_lower_threshold_leaves_out_the_merely_unsure(service):
    texts = {item.text for item in service.inbox(threshold=0.5)}
    assert "Mitt nummer är [TELEFON], berätta om Herning" not in texts  # 55 %
    assert "Vad är Erasmus+?" in texts  # it got a thumbs down


def test_a_decided_text_leaves_the_inbox_for_every_conversation_it_occurs_in(service):
    line = typed(service, "gustav")
    decision = service.decide("gustav", line.event_id, "out_of_scope", "root")
    assert decision.training_intent == "out_of_scope"
    assert "Kan jag få bygglov för en altan?" not in open_items(service)
    assert len(service.decisions()) == 1
    # deciding the same text again (from bertil's conversation) changes the one decision
    service.decide("bertil", typed(service, "bertil").event_id, "intent", "root", intent="ask_activities",
                   intents=INTENTS)
    decisions = list(service.decisions().values())
    assert [(d.decision, d.intent, d.sender_id) for d in decisions] == [("intent", "ask_activities", "bertil")]
    # undo puts it back
    assert service.undo(decisions[0].id).id == decisions[0].id
    assert "Kan jag få bygglov för en altan?" in open_items(service)


def test_decisions_are_checked(service):
    line = typed(service, "cecilia")
    with pytest.raises(ReviewError):
        service.decide("cecilia", line.event_id, "intent", "root", intent="ask_nothing", intents=INTENTS)
    with pytest.raises(ReviewError):
        service.decide("cecilia", line.event_id, "maybe", "root")
    with pytest.raises(ReviewError):
        service.decide("cecilia", 999999, "ignore", "root")
    with pytest.raises(ReviewError):  # a button click is not a message to learn from
        service.decide("david", service.conversation("david").messages[0].event_id, "ignore", "root")
    with pytest.raises(ReviewError):
        service.decide("cecilia", line.event_id, "qa", "root")
    assert service.decisions() == {}


def test_linking_to_a_staff_qa_entry_adds_the_message_as_an_example_once(service, content_url):
    editor = ContentEditor(session_factory(content_url))
    entry = editor.create(QA, {"title": "Erasmus+ för skolor", "answer": "Skolor kan söka Erasmus+.",
                               "examples": ["Kan skolan söka Erasmus?"]}, "anna")

    def link(entry_id, text):
        item = editor.get(QA, entry_id)
        editor.update(QA, entry_id, dict(item.values, examples=item.values["examples"] + [text]),
                      item.version, "root")

    line = typed(service, "cecilia")
    decision = service.decide("cecilia", line.event_id, "qa", "root", qa_entry_id=entry.id, link_qa=link)
    assert (decision.decision, decision.qa_entry_id, decision.training_intent) == ("qa", entry.id, None)
    assert editor.get(QA, entry.id).values["examples"] == ["Kan skolan söka Erasmus?", "Vad är Erasmus+?"]
    assert editor.history(QA, entry.id)[0].username == "root"


# A training example with an entity annotation, as the project's NLU files have them; the tests
# put it in an NLU folder of their own, so that they do not depend on today's training data.
KNOWN_NLU = """version: "3.1"
nlu:
- intent: ask_partners
  examples: |
    - vilka [vänorter](partner_kind) har ni
    - har ni [vänorter]{"entity": "partner_kind"} i [Danmark](country)
"""


def known_examples(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "known.yml").write_text(KNOWN_NLU, encoding="utf-8")
    return folder


def test_the_export_writes_each_correction_once_keeps_placeholders_and_skips_known_examples(service, tmp_path):
    service.nlu_dir = known_examples(tmp_path / "nlu")
    assert service.write_nlu() == {}  # nothing decided: no file
    assert not service.nlu_path.exists()

    service.decide("erik", typed(service, "erik").event_id, "intent", "root", intent="ask_partner", intents=INTENTS)
    service.decide("bertil", typed(service, "bertil").event_id, "out_of_scope", "root")
    service.decide("gustav", typed(service, "gustav").event_id, "out_of_scope", "root")  # same text
    service.decide("bertil", typed(service, "bertil", 1).event_id, "out_of_scope", "root")
    service.decide("frida", typed(service, "frida").event_id, "ignore", "root")
    service.decide("anna", typed(service, "anna").event_id, "intent", "root", intent="ask_partners",
                   intents=INTENTS)  # "Vilka vänorter har ni?" is training data already

    result = service.write_nlu()["sv"]
    text = service.nlu_path.read_text(encoding="utf-8")
    assert text == result.text
    data = yaml.safe_load(text)
    examples = {block["intent"]: [line[2:] for line in block["examples"].splitlines()] for block in data["nlu"]}
    assert examples == {  # the altan question once, in the wording decided last (gustav's)
        "ask_partner": ["Mitt nummer är [TELEFON], berätta om Herning"],
        "out_of_scope": ["kan jag få bygglov för en altan", "När töms soptunnan?"],
    }
    assert result.skipped == [("Vilka vänorter har ni?", "ask_partners")]
    assert all(d.exported_at is not None for d in service.decisions().values() if d.training_intent
               and d.text != "Vilka vänorter har ni?")

    # Rasa reads it as plain examples: the placeholder is text, not an entity annotation
    from rasa.shared.nlu.training_data.loading import load_data

    training = load_data(str(service.nlu_path))
    by_text = {m.get("text"): m for m in training.intent_examples}
    assert set(by_text) == {"Mitt nummer är [TELEFON], berätta om Herning", "När töms soptunnan?",
                            "kan jag få bygglov för en altan"}
    assert not any(m.get("entities") for m in training.intent_examples)

    # exporting again writes the same examples, still once each
    assert service.write_nlu()["sv"].text.count("- Mitt nummer är [TELEFON]") == 1


def test_training_text_never_turns_into_entity_annotations():
    assert training_text("ring [TELEFON](mobil) eller [E-POST]{x}") == "ring [TELEFON] (mobil) eller [E-POST] {x}"
    assert training_text("[Herning](partner) är\tfin\n ") == "(Herning)(partner) är fin"
    assert training_text("hej\x00 då\x1b") == "hej då"
    result = render_nlu([("greet", "Hej!"), ("greet", "hej"), ("goodbye", "HEJ!")], {})
    assert result.written == [("greet", "Hej!")]


def test_existing_examples_are_read_without_their_annotations(tmp_path):
    known = existing_examples(known_examples(tmp_path / "nlu"))
    assert known == {"vilka vänorter har ni": "ask_partners", "har ni vänorter i danmark": "ask_partners"}


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """The project's Rasa data, domain and config, copied: validation never touches data/."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copytree(ROOT / "data", copy / "data", ignore=shutil.ignore_patterns("content", "reviewed.yml"))
    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def test_the_export_is_valid_rasa_nlu_data_for_rasa_data_validate(service, project_copy):
    service.nlu_dir = known_examples(project_copy / "data" / "nlu")
    service.nlu_path = project_copy / "data" / "nlu" / "reviewed.yml"
    service.decide("erik", typed(service, "erik").event_id, "intent", "root", intent="ask_partner", intents=INTENTS)
    service.decide("bertil", typed(service, "bertil").event_id, "out_of_scope", "root")
    service.decide("cecilia", typed(service, "cecilia").event_id, "intent", "root", intent="ask_networks",
                   intents=INTENTS)
    service.decide("anna", typed(service, "anna").event_id, "intent", "root", intent="ask_partner",
                   intents=INTENTS)  # already an ask_partners example: skipped, so no conflict
    result = service.write_nlu()["sv"]
    assert len(result.written) == 3 and len(result.skipped) == 1

    validated = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "data", "validate", "--data", "data", "--domain", "domain.yml",
         "--config", "config.yml", "--fail-on-warnings"],
        cwd=project_copy, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"),
    )
    assert validated.returncode == 0, validated.stdout[-3000:] + validated.stderr[-3000:]
