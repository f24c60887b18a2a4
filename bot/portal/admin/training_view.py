"""How the model pages show a training: its stages, its status as JSON for the
progress bar's script, and its report beside the live model's (Jinja helpers).

Kept apart from the handlers (training.py) so the wording and the request
handling can change independently. Every sentence the script shows comes from
here, so the Swedish lives in one place and the script stays small.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversations.languages import LANGUAGES
from bot.retraining.gate import Comparison, Row, compare, number
from bot.retraining.history import Version
from bot.retraining.models import STAGES, STATUSES

BASE = "/admin/model"
FINGERPRINT_SHOWN = 12  # characters: enough to tell two data sets apart at a glance
STATE_LABELS = {"done": "klart", "current": "pågår", "waiting": "väntar", "stopped": "avbröts"}
ENDINGS = {
    "ready": "Träningen är klar. Modellen klarade kvalitetskontrollen.",
    "refused": "Träningen är klar. Kvalitetskontrollen stoppade modellen.",
    "failed": "Träningen misslyckades. Den aktiva modellen är orörd.",
}


@dataclass(frozen=True)
class Step:
    stage: str
    label: str
    state: str  # a key of STATE_LABELS

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def steps(version: Version) -> list[Step]:
    """The three stages of a training, each done, current, waiting or (where it failed) stopped."""
    order = list(STAGES)
    reached = order.index(version.stage) if version.stage in STAGES else 0
    finished = version.status != "training"
    result = []
    for index, stage in enumerate(order):
        if index < reached or (finished and version.status != "failed"):
            state = "done"
        elif index == reached:
            state = "stopped" if version.status == "failed" else "current"
        else:
            state = "waiting"
        result.append(Step(stage, STAGES[stage], state))
    return result


def stage_sentence(version: Version) -> str:
    """What the progress bar is about: 'Steg 2 av 3: Träning', or how the training ended."""
    if version.status != "training":
        return ENDINGS.get(version.status, "Träningen är klar.")
    order = list(STAGES)
    step = order.index(version.stage) + 1 if version.stage in STAGES else 1
    return f"Steg {step} av {len(order)}: {STAGES.get(version.stage, version.stage)}"


def status_json(version: Version) -> dict[str, Any]:
    """The row's progress for static/training.js (GET …/<id>/status)."""
    return {
        "id": version.id,
        "status": version.status,
        "status_label": STATUSES[version.status],
        "finished": version.status != "training",
        "stage": version.stage,
        "sentence": stage_sentence(version),
        "percent": version.percent,
        "percent_text": percent_text(version.percent),
        "detail": version.detail,
        "steps": [{"stage": s.stage, "state": s.state, "state_label": s.state_label} for s in steps(version)],
    }


def percent_text(percent: int) -> str:
    return f"{percent}\u00a0% av steget klart"


def short(fingerprint: str) -> str:
    return fingerprint[:FINGERPRINT_SHOWN] if fingerprint else "–"


def comparison(live: Version | None, version: Version) -> Comparison | None:
    """The version's report beside the live model's (alone when it is the live one)."""
    if version.report is None:
        return None
    baseline = live.report if live is not None and live.id != version.id else None
    return compare(baseline, version.report)


def may_activate(version: Version, compared: Comparison | None) -> bool:
    """Ready, its gates passed when it was trained, and still no step back from the live model now."""
    return version.status == "ready" and version.gates_passed and compared is not None and compared.passed


def f1(value: float | None) -> str:
    return "–" if value is None else number(value, 3)


def rate(value: float | None) -> str:
    return "–" if value is None else f"{number(value)}\u00a0%"


def change(row: Row, decimals: int, unit: str = "") -> str:
    """'+0,012', '−1,5 procentenheter', '±0' ; '–' when the live model was not measured."""
    if row.change is None:
        return "–"
    if round(row.change, decimals) == 0:
        return "±0"
    sign = "+" if row.change > 0 else "\u2212"
    return f"{sign}{number(abs(row.change), decimals)}{unit}"


def by_language(corrections: Sequence[Any]) -> dict[str, list[Any]]:
    """The snapshot's corrections per language, in the bot's order of languages."""
    grouped: dict[str, list[Any]] = {code: [] for code in LANGUAGES}
    for correction in corrections:
        grouped.setdefault(correction.language, []).append(correction)
    return {code: items for code, items in grouped.items() if items}


def helpers() -> dict[str, Any]:
    return {"base": BASE, "statuses": STATUSES, "short": short, "f1": f1, "rate": rate, "change": change,
            "stage_sentence": stage_sentence, "percent_text": percent_text}
