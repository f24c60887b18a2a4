"""The data check before a training: what `rasa data validate --fail-on-warnings`
checks (the project's standard, tests/conversations/test_live_review.py), plus
YAML syntax, told to the admin in Swedish with the file and the example or line.

The checks are Rasa's own (rasa.validator.Validator over a TrainingDataImporter);
this module only finds where each problem is and says it in Swedish. Broken
YAML gives a problem, never a traceback.
"""
from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.conversations.inbox import NLU_FILE_NAME, file_examples, plain_example
from bot.retraining.staging import DATA, YAML_SUFFIXES, shown_path

NUMBERS = {2: "två", 3: "tre", 4: "fyra", 5: "fem"}


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}, rad {self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


def _and(words: list[str]) -> str:
    return " och ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " och " + words[-1]


def _files(folder: Path) -> list[Path]:
    found = [folder / "config.yml", folder / "domain.yml"]
    return found + sorted(p for p in (folder / DATA).rglob("*") if p.is_file() and p.suffix in YAML_SUFFIXES)


# ---------------------------------------------------------------- YAML syntax


def yaml_problems(folder: Path) -> list[Problem]:
    """Every file that is not UTF-8 text or not YAML, with the line where reading stopped."""
    problems = []
    for path in _files(folder):
        shown = shown_path(folder, path)
        try:
            yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except FileNotFoundError:
            problems.append(Problem(shown, "filen saknas"))
        except UnicodeDecodeError:
            problems.append(Problem(shown, "filen är inte text i UTF-8"))
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            problems.append(Problem(shown, "filen är inte giltig YAML: kontrollera indraget och att citattecken "
                                           f"och hakparenteser stängs (tolkens besked: {error.problem})",
                                    mark.line + 1 if mark else None))
        except yaml.YAMLError as error:
            problems.append(Problem(shown, f"filen är inte giltig YAML ({error})"))
    return problems


# ---------------------------------------------------------------- Rasa's format

_SCHEMA = [
    (re.compile(r"Key '(?P<x>.+?)' was not defined"), "nyckeln '{x}' hör inte hemma här (stavfel?)"),
    (re.compile(r"Cannot find required key '(?P<x>.+?)'"), "nyckeln '{x}' saknas"),
    (re.compile(r"is not a list"), "värdet ska vara en lista"),
    (re.compile(r"is not a dict"), "värdet ska vara en uppsättning nycklar och värden"),
    (re.compile(r"is not of type '(?P<x>\w+)'"), "värdet har fel typ ({x})"),
]


def _schema_problems(folder: Path, error: Any) -> list[Problem]:
    """Rasa's schema errors (YamlValidationException), one per entry, with its line."""
    shown = shown_path(folder, Path(error.filename)) if error.filename else "träningsdatan"
    problems = []
    for entry in error.validation_errors or []:
        text = str(entry)
        reason = next((template.format(**match.groupdict()) for pattern, template in _SCHEMA
                       if (match := pattern.search(text))), f"Rasa godtar inte innehållet ({text})")
        line = error._line_number_for_path(error.content, entry.path) if hasattr(entry, "path") else None
        problems.append(Problem(shown, f"filen följer inte Rasas format: {reason}", line))
    return list(dict.fromkeys(problems)) or [Problem(shown, f"filen följer inte Rasas format ({error.message})")]


# ---------------------------------------------------------------- Rasa's checks


@dataclass(frozen=True)
class Where:
    file: str
    line: int | None


class Locator:
    """Finds examples, intents and story blocks in the staged files."""

    def __init__(self, folder: Path, validator: Any) -> None:
        self.folder = folder
        self.validator = validator
        self._examples: list[tuple[str, str, str, int | None]] | None = None

    def examples(self) -> list[tuple[str, str, str, int | None]]:
        """(plain text, intent, file, line) of every NLU example."""
        if self._examples is None:
            self._examples = []
            for path in _files(self.folder)[2:]:
                lines = path.read_text(encoding="utf-8").splitlines()
                numbers = {line.strip()[2:].strip(): n for n, line in enumerate(lines, 1)
                           if line.strip().startswith("- ")}
                for intent, example in file_examples(path):
                    self._examples.append((plain_example(example), intent, shown_path(self.folder, path),
                                           numbers.get(example)))
        return self._examples

    def example(self, text: str) -> list[tuple[str, Where]]:
        return [(intent, Where(file, line)) for plain, intent, file, line in self.examples() if plain == text]

    def intent(self, name: str) -> Where | None:
        return next((Where(file, line) for _plain, intent, file, line in self.examples() if intent == name), None)

    def block(self, name: str) -> str:
        for step in self.validator.story_graph.story_steps:
            if step.block_name == name and step.source_name:
                return shown_path(self.folder, Path(step.source_name))
        return "data/stories, data/rules"

    def story_with_intent(self, name: str) -> str:
        for step in self.validator.story_graph.story_steps:
            if any(getattr(event, "intent_name", None) == name for event in step.events) and step.source_name:
                return shown_path(self.folder, Path(step.source_name))
        return "data/stories, data/rules"


def _duplicate(found: re.Match, where: Locator) -> Problem:
    text, intents = found["text"], [i.strip() for i in found["intents"].split(",")]
    # the inbox's corrections first: the admin can change those in the portal
    places = sorted(where.example(text), key=lambda place: (Path(place[1].file).name != NLU_FILE_NAME, place[1].file))
    files = list(dict.fromkeys(place.file for _intent, place in places))
    first = places[0][1] if places else Where("data/nlu", None)
    also = f"; det står också i {_and(files[1:])}" if len(files) > 1 else ""
    count = NUMBERS.get(len(intents), str(len(intents)))
    return Problem(first.file, f"exemplet '{text}' finns under {count} avsikter ({_and(intents)}){also}", first.line)


def _unknown_intent(found: re.Match, where: Locator) -> Problem:
    place = where.intent(found["x"]) or Where("data/nlu", None)
    return Problem(place.file, f"avsikten '{found['x']}' finns inte i domain.yml", place.line)


# Rasa's warnings that fail `rasa data validate --fail-on-warnings`, and what they say in Swedish.
_FAILING: list[tuple[re.Pattern, Callable[[re.Match, Locator], Problem]]] = [
    (re.compile(r"The example '(?P<text>.*)' was found labeled with multiple different intents.*"
                r"labeled with: (?P<intents>.+)\.$", re.S), _duplicate),
    (re.compile(r"labeled with intent '(?P<x>.+?)'\. This intent is not listed in your domain"), _unknown_intent),
    (re.compile(r"The intent '(?P<x>.+?)' is used in your stories, but it is not listed in the domain"),
     lambda m, w: Problem(w.story_with_intent(m["x"]), f"avsikten '{m['x']}' används men finns inte i domain.yml")),
    (re.compile(r"The action '(?P<x>.+?)' is used in the '(?P<block>.+?)' block, but it is not listed"),
     lambda m, w: Problem(w.block(m["block"]), f"åtgärden '{m['x']}' i '{m['block']}' finns inte i domain.yml")),
    (re.compile(r"The form '(?P<x>.+?)' is used in the '(?P<block>.+?)' block, but it is not listed"),
     lambda m, w: Problem(w.block(m["block"]), f"formuläret '{m['x']}' i '{m['block']}' finns inte i domain.yml")),
    (re.compile(r"The action '(?P<x>.+?)' is used in the stories, but is not a valid utterance action"),
     lambda m, w: Problem("domain.yml", f"svaret '{m['x']}' används i berättelserna men finns inte i domain.yml")),
    (re.compile(r"The form slot '(?P<x>.+?)' in form '(?P<form>.+?)' is not present"),
     lambda m, w: Problem("domain.yml", f"formuläret '{m['form']}' fyller luckan '{m['x']}', som inte finns")),
    (re.compile(r"Slot '(?P<x>.+?)' has a mapping condition for form '(?P<form>.+?)'"),
     lambda m, w: Problem("domain.yml", f"luckan '{m['x']}' hänvisar till formuläret '{m['form']}' på fel sätt")),
]
# Warnings that leave `rasa data validate` passing even with --fail-on-warnings.
_NOTICES = [re.compile(p) for p in (r"is listed in the domain file, but is not found in the NLU",
                                    r"is not used in any story or rule", r"Slot auto-fill has been removed")]
_CONFLICT_LINE = re.compile(r"^\s*(?P<action>\S+) predicted in '(?P<block>.+)'$", re.M)


def _conflict(conflict: Any, where: Locator) -> Problem:
    """A story structure conflict: the same situation leads to different actions."""
    found = _CONFLICT_LINE.findall(str(conflict))
    blocks = [f"'{block}'" for _action, block in found]
    actions = list(dict.fromkeys(f"'{action}'" for action, _block in found))
    first = where.block(found[0][1]) if found else "data/stories, data/rules"
    return Problem(first, f"{_and(blocks)} leder till olika åtgärder ({_and(actions)}) i samma läge")


class _Conflicts(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[Any] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not isinstance(record.msg, str):
            self.found.append(record.msg)


@contextmanager
def _caught() -> Iterator[tuple[list[warnings.WarningMessage], _Conflicts]]:
    handler = _Conflicts()
    logger = logging.getLogger("rasa.validator")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield caught, handler
    finally:
        logger.removeHandler(handler)


def _translate(message: str, where: Locator, failed: bool) -> Problem | None:
    for pattern, make in _FAILING:
        if found := pattern.search(message):
            return make(found, where)
    if failed and not any(p.search(message) for p in _NOTICES):
        return Problem("träningsdatan", f"Rasa varnar: {message.splitlines()[0]}")
    return None


def rasa_problems(folder: Path) -> list[Problem]:
    """Rasa's own load and checks of the staged folder."""
    from rasa.shared.exceptions import RasaException, YamlSyntaxException
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.utils.validation import YamlValidationException
    from rasa.validator import Validator

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            importer = TrainingDataImporter.load_from_config(
                str(folder / "config.yml"), str(folder / "domain.yml"), [str(folder / DATA)])
            validator = Validator.from_importer(importer)
    except YamlValidationException as error:
        return _schema_problems(folder, error)
    except YamlSyntaxException as error:
        return [Problem(shown_path(folder, Path(error.filename)) if error.filename else "träningsdatan",
                        "filen är inte giltig YAML")]
    except RasaException as error:
        return [Problem("träningsdatan", f"Rasa kan inte läsa träningsdatan ({str(error).splitlines()[0]})")]

    if not validator.verify_domain_validity():
        return [Problem("domain.yml", "domänen är tom eller använder det gamla formatet för avsikter")]
    where = Locator(folder, validator)
    checks = [validator.verify_actions_in_stories_rules, validator.verify_forms_in_stories_rules,
              validator.verify_form_slots, validator.verify_slot_mappings,
              lambda: validator.verify_nlu(ignore_warnings=False),
              lambda: validator.verify_story_structure(ignore_warnings=False)]
    problems: list[Problem] = []
    for check in checks:
        with _caught() as (caught, conflicts):
            passed = check()
        messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
        problems += [p for message in messages if (p := _translate(message, where, not passed))]
        problems += [_conflict(conflict, where) for conflict in conflicts.found]
    return list(dict.fromkeys(problems))


def check(folder: Path) -> list[Problem]:
    """Every problem in a staged training folder (bot/retraining/staging.py); empty: train."""
    return yaml_problems(folder) or rasa_problems(folder)
