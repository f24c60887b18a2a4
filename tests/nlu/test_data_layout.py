"""Training data that is easy to keep: one intent per file, partner names only in the store.

English examples live in data/nlu/en/ under the same rule: one file per intent
in each language's folder, every Swedish intent with an English file."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from bot.conversations.inbox import NLU_FILE_NAME
from bot.content.bundle import load_bundle
from bot.paths import CONTENT_SEED_DIR, ROOT

NLU_DIR = ROOT / "data" / "nlu"
EN_DIR = NLU_DIR / "en"
# The portal writes its corrections here, for any intent (bot/conversations/inbox.py).
EXPORTS = {NLU_FILE_NAME}
# An intent whose examples are split over several files, each named after it.
SPLIT_INTENTS = {"out_of_scope"}


def intents_by_file(folder: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(folder.rglob("*.y*ml")):
        if path.name in EXPORTS:
            continue
        blocks = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
        found[path.relative_to(folder).as_posix()] = [b["intent"] for b in blocks if "intent" in b]
    return found


def layout_problems(folder: Path) -> list[str]:
    problems, files_of = [], defaultdict(list)
    for name, intents in intents_by_file(folder).items():
        if len(intents) != 1:
            problems.append(f"{name} holds {len(intents)} intents: {intents}")
            continue
        intent = intents[0]
        files_of[(Path(name).parent.as_posix(), intent)].append(name)
        stem = Path(name).stem
        if stem != intent and not (intent in SPLIT_INTENTS and stem.startswith(intent)):
            problems.append(f"{name} holds {intent}: name the file after its intent")
    problems += [f"{intent} is spread over {files}" for (_, intent), files in files_of.items()
                 if len(files) > 1 and intent not in SPLIT_INTENTS]
    return problems


def test_every_nlu_file_holds_one_intent_named_as_the_file():
    assert layout_problems(NLU_DIR) == []


def test_every_intent_has_english_examples_in_a_file_of_the_same_name():
    swedish = {path.name for path in NLU_DIR.glob("*.yml") if path.name not in EXPORTS}
    english = {path.name for path in EN_DIR.glob("*.yml") if path.name not in EXPORTS}
    assert swedish - english == set()


def test_the_layout_check_finds_a_file_with_two_intents(tmp_path):
    (tmp_path / "ask_why.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_why\n  examples: |\n    - varför\n'
        '- intent: ask_policy\n  examples: |\n    - policyn\n', encoding="utf-8")
    (tmp_path / "greet.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_policy\n  examples: |\n    - vilken policy\n', encoding="utf-8")
    assert len(layout_problems(tmp_path)) == 2


def test_the_same_intent_in_both_language_folders_is_no_spread(tmp_path):
    (tmp_path / "en").mkdir()
    for name in ("ask_why.yml", "en/ask_why.yml"):
        (tmp_path / name).write_text('version: "3.1"\nnlu:\n- intent: ask_why\n  examples: |\n    - why\n',
                                     encoding="utf-8")
    assert layout_problems(tmp_path) == []
    (tmp_path / "en" / "why.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_why\n  examples: |\n    - how come\n', encoding="utf-8")
    assert len(layout_problems(tmp_path)) == 2  # misnamed, and ask_why spread over two English files


def test_no_partner_name_is_typed_in_the_training_data():
    """Partner names reach the NLU from the content store (`python -m bot.nlp build`)."""
    names = {n.casefold() for p in load_bundle(CONTENT_SEED_DIR)["partners"]
             for n in [p["name"], *(p.get("aliases") or [])]}
    typed = [(path.name, line.strip()) for path in sorted(NLU_DIR.rglob("*.yml"))
             if path.name not in EXPORTS
             for line in path.read_text(encoding="utf-8").splitlines()
             if any(name in line.casefold() for name in names)]
    assert typed == []
