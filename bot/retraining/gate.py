"""The quality gate: a new model beside the live one, and whether it may go live.

Both models are measured the same way (bot/retraining/report.py's layout):
held-out NLU macro-F1 per language, the frozen evaluation's pass rate per
group, and the share of other authorities' questions declined as out of scope.
The gates compare the new model with the live one, so a model is never refused
for a weakness the residents already live with, only for a step back.

A report (bot/retraining/report.py measures one) is JSON:

    {"heldout": {"sv": {"macro_f1": 0.95, "examples": 310}, "en": {...}},
     "evaluation": {"groups": {"sv/partners": {"passed": 40, "total": 42}, ...},
                    "conversations": {"<case id>": {"group": "sv/partners", "passed": true,
                                                    "message": "<its first message>"}, ...}},
     "external": {"declined": 292, "total": 300},
     ...}  # anything else the measuring keeps (data files, seconds) is not gated
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.conversations.languages import LANGUAGES

Report = dict[str, Any]

MAX_F1_DROP = 0.01  # held-out macro-F1, per language
MAX_GROUP_DROP = 2.0  # percentage points, per evaluation group and per language in all…
GROUP_NOISE = 1  # …but a group may lose one conversation: retraining the same data moves
# a case or two either way, and one case is 14 points of a group of seven
MAX_EXTERNAL_DROP = 1.0  # percentage points of out-of-scope questions declined


@dataclass(frozen=True)
class Row:
    """One measure, for the live model (None: not measured) and the new one."""
    label: str
    live: float | None
    new: float
    total: int = 0  # what the rate is of (conversations), where it is a pass rate

    @property
    def change(self) -> float | None:
        return None if self.live is None else self.new - self.live

    @property
    def lost(self) -> int:
        """Conversations passed by the live model that this one fails, net."""
        return round(-(self.change or 0.0) * self.total / 100)


@dataclass(frozen=True)
class Gate:
    name: str
    passed: bool
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass
class Comparison:
    heldout: list[Row] = field(default_factory=list)  # macro-F1 0–1, per language
    groups: list[Row] = field(default_factory=list)  # pass rate in %, per group
    languages: list[Row] = field(default_factory=list)  # pass rate in %, of all groups of a language
    external: Row | None = None  # declined in %
    better: list[str] = field(default_factory=list)  # questions the new model passes and the live fails
    worse: list[str] = field(default_factory=list)  # and the other way round
    gates: list[Gate] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(gate.passed for gate in self.gates)


def number(value: float, decimals: int = 1) -> str:
    """Swedish decimals: '0,925', '97,3'."""
    return f"{value:.{decimals}f}".replace(".", ",")


def _percent(passed: int, total: int) -> float:
    return 100.0 * passed / total if total else 0.0


def _counts(report: Report | None) -> dict[str, tuple[int, int]]:
    groups = ((report or {}).get("evaluation") or {}).get("groups") or {}
    return {name: (g["passed"], g["total"]) for name, g in groups.items()}


def _groups(report: Report | None) -> dict[str, float]:
    return {name: _percent(*counts) for name, counts in _counts(report).items()}


def _languages(report: Report | None) -> dict[str, float]:
    """The pass rate of all groups of each language ("sv/partners" is Swedish)."""
    sums: dict[str, list[int]] = {}
    for name, (passed, total) in _counts(report).items():
        language = sums.setdefault(name.split("/")[0], [0, 0])
        language[0] += passed
        language[1] += total
    return {language: _percent(passed, total) for language, (passed, total) in sums.items()}


def _f1(report: Report | None) -> dict[str, float]:
    return {lang: h["macro_f1"] for lang, h in ((report or {}).get("heldout") or {}).items()}


def _external(report: Report | None) -> float | None:
    external = (report or {}).get("external")
    return _percent(external["declined"], external["total"]) if external else None


def _language_name(code: str) -> str:
    return LANGUAGES.get(code, ("", code))[1]


def _conversations(report: Report | None) -> dict[str, dict[str, Any]]:
    return ((report or {}).get("evaluation") or {}).get("conversations") or {}


def compare(live: Report | None, new: Report) -> Comparison:
    """The new model's report beside the live one's, with the gates decided."""
    result = Comparison()
    live_f1, live_groups = _f1(live), _groups(live)
    result.heldout = [Row(_language_name(lang), live_f1.get(lang), f1) for lang, f1 in sorted(_f1(new).items())]
    totals = _counts(new)
    result.groups = [Row(name, live_groups.get(name), rate, totals[name][1])
                     for name, rate in sorted(_groups(new).items())]
    live_languages = _languages(live)
    result.languages = [Row(_language_name(lang), live_languages.get(lang), rate)
                        for lang, rate in sorted(_languages(new).items())]
    if (external := _external(new)) is not None:
        result.external = Row("Utanför ämnet (andra myndigheters frågor)", _external(live), external)
    before = _conversations(live)
    for key, case in sorted(_conversations(new).items()):
        if key in before and before[key]["passed"] != case["passed"]:
            (result.better if case["passed"] else result.worse).append(case["message"])
    result.gates = _gates(result, measured=new)
    return result


def _gates(result: Comparison, measured: Report) -> list[Gate]:
    gates = []
    if not result.heldout or not result.groups or result.external is None:
        missing = [name for name, rows in (("heldout", result.heldout), ("evaluation", result.groups),
                                            ("external", result.external)) if not rows]
        gates.append(Gate("Mätningen är komplett", False, "Saknas i rapporten: " + ", ".join(missing)))
    for row in result.heldout:
        drop = -(row.change or 0.0)
        gates.append(Gate(f"Träffsäkerhet (F1) på testfrågor, {row.label}", drop <= MAX_F1_DROP,
                          f"{number(row.new, 3)} mot {number(row.live, 3)}"
                          if row.live is not None else number(row.new, 3)))
    for row in result.languages:
        drop = -(row.change or 0.0)
        gates.append(Gate(f"Utvärderingen som helhet, {row.label}: högst {MAX_GROUP_DROP:g} procentenheter sämre",
                          drop <= MAX_GROUP_DROP, f"{number(row.new)} % mot {number(row.live)} %"
                          if row.live is not None else f"{number(row.new)} %"))
    worst = max(result.groups, key=lambda row: (row.lost, -(row.change or 0.0)), default=None)
    if worst is not None:
        refused = -(worst.change or 0.0) > MAX_GROUP_DROP and worst.lost > GROUP_NOISE
        gates.append(Gate(f"Ingen utvärderingsgrupp sämre än {MAX_GROUP_DROP:g} procentenheter "
                          f"(ett samtal hit eller dit räknas inte)", not refused,
                          f"Störst förändring: {worst.label} {number(worst.new)} % mot {number(worst.live)} %"
                          if worst.live is not None else f"{worst.label} {number(worst.new)} %"))
    if result.external is not None:
        drop = -(result.external.change or 0.0)
        gates.append(Gate("Frågor utanför ämnet avböjs som förut", drop <= MAX_EXTERNAL_DROP,
                          f"{number(result.external.new)} % mot {number(result.external.live)} %"
                          if result.external.live is not None else f"{number(result.external.new)} %"))
    return gates
