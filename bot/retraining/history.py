"""Every model trained or activated, and the one that is live: the model store's records.

The files sit in one folder (`MODEL_STORE_DIR`, default var/model-store/); the
rows of `model_version` say which file is which. Each training, activation and
rollback writes an audit row in the same transaction as its change.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.conversations.models import ReviewAudit
from bot.dates import utc_now
from bot.paths import VAR_DIR
from bot.retraining.models import ModelVersion

# A training whose process has not written for this long has died (crash, reboot).
STALE_AFTER = dt.timedelta(minutes=3)


def store_dir() -> Path:
    return Path(os.environ.get("MODEL_STORE_DIR") or VAR_DIR / "model-store")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class TrainingRunning(Exception):
    """A second training was asked for while one runs."""


class NotActivatable(Exception):
    """The model cannot go live; the message says why, in Swedish."""


@dataclass(frozen=True)
class Version:
    id: int
    status: str
    origin: str
    stage: str
    percent: int
    detail: str
    error: str
    trained_by: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    activated_by: str | None
    activated_at: dt.datetime | None
    was_live: bool
    data_fingerprint: str
    file: str | None
    sha256: str | None
    report: dict[str, Any] | None
    gates: list[dict[str, Any]] | None

    @property
    def gates_passed(self) -> bool:
        return self.gates is not None and all(gate["passed"] for gate in self.gates)

    @property
    def can_roll_back_to(self) -> bool:
        return self.was_live and self.status != "live" and self.file is not None


def _version(row: ModelVersion) -> Version:
    return Version(**{name: getattr(row, name) for name in Version.__dataclass_fields__})


class ModelHistory:
    """The `model_version` table and the model files it names."""

    def __init__(self, sessions: sessionmaker, folder: Path | None = None) -> None:
        self.sessions = sessions
        self.folder = folder or store_dir()

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def _audit(self, session: Session, who: str, action: str, detail: str) -> None:
        session.add(ReviewAudit(username=who, action=action, detail=detail[:300]))

    # ------------------------------------------------------------ reading

    def get(self, version_id: int) -> Version | None:
        with self.sessions() as session:
            row = session.get(ModelVersion, version_id)
            return _version(row) if row else None

    def all(self) -> list[Version]:
        with self.sessions() as session:
            rows = session.execute(select(ModelVersion).order_by(ModelVersion.id.desc())).scalars()
            return [_version(row) for row in rows]

    def live(self) -> Version | None:
        with self.sessions() as session:
            row = session.execute(select(ModelVersion).where(ModelVersion.status == "live")).scalar()
            return _version(row) if row else None

    def live_file(self) -> tuple[Path, str] | None:
        """The live model's file and its SHA-256, for the model server."""
        live = self.live()
        if live is None or live.file is None:
            return None
        return self.folder / live.file, live.sha256 or ""

    def running(self) -> Version | None:
        """The training that runs now; one whose process went silent is marked failed first."""
        with self._write() as session:
            row = session.execute(select(ModelVersion).where(ModelVersion.running.is_not(None))).scalar()
            if row is None:
                return None
            if row.heartbeat_at is not None and utc_now() - row.heartbeat_at > STALE_AFTER:
                self._end(row, "failed", error="Träningen avbröts oväntat (processen svarade inte längre). "
                                               "Den aktiva modellen är orörd.")
                return None
            return _version(row)

    # ------------------------------------------------------------ training

    def start(self, who: str, data_fingerprint: str) -> int:
        """A new training row; TrainingRunning if one runs (the unique `running` decides)."""
        if self.running() is not None:
            raise TrainingRunning
        try:
            with self._write() as session:
                row = ModelVersion(trained_by=who, running=1, data_fingerprint=data_fingerprint,
                                   heartbeat_at=utc_now())
                session.add(row)
                session.flush()
                self._audit(session, who, "träning", f"Träning {row.id} startad")
                return row.id
        except IntegrityError as error:
            raise TrainingRunning from error

    def progress(self, version_id: int, stage: str, percent: int, detail: str = "", pid: int | None = None) -> None:
        values: dict[str, Any] = {"stage": stage, "percent": max(0, min(100, percent)),
                                  "detail": detail[:300], "heartbeat_at": utc_now()}
        if pid is not None:
            values["pid"] = pid
        with self._write() as session:
            session.execute(update(ModelVersion).where(ModelVersion.id == version_id).values(**values))

    def fail(self, version_id: int, error: str) -> None:
        """The training stopped; the live model is untouched."""
        with self._write() as session:
            row = session.get(ModelVersion, version_id)
            if row is not None and row.status == "training":
                self._end(row, "failed", error=error)

    def finish(self, version_id: int, model: Path, report: dict[str, Any], gates: list[dict[str, Any]]) -> Version:
        """Keep the trained model and its report: ready if every gate passed, refused if not."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"model-{version_id}.tar.gz"
        shutil.copyfile(model, self.folder / name)
        with self._write() as session:
            row = session.get(ModelVersion, version_id)
            row.file, row.sha256 = name, file_sha256(self.folder / name)
            row.report, row.gates = report, gates
            self._end(row, "ready" if all(gate["passed"] for gate in gates) else "refused")
            return _version(row)

    def set_report(self, version_id: int, report: dict[str, Any]) -> None:
        """The measurements of a model that went live without them (`make train`),
        taken when the first new model is compared with it."""
        with self._write() as session:
            session.execute(update(ModelVersion).where(ModelVersion.id == version_id).values(report=report))

    @staticmethod
    def _end(row: ModelVersion, status: str, error: str = "") -> None:
        row.status, row.error, row.running, row.finished_at = status, error, None, utc_now()
        if status in {"ready", "refused"}:
            row.stage, row.percent = "evaluation", 100

    # ------------------------------------------------------------ going live

    def register(self, model: Path, who: str, data_fingerprint: str = "") -> Version:
        """A model trained outside the portal (`make train`) goes live the first time the
        store sees it. A model the store knows already changes nothing, so restarting the
        stack never undoes an admin's activation or rollback."""
        sha = file_sha256(model)
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._write() as session:
            known = session.execute(select(ModelVersion).where(ModelVersion.sha256 == sha)
                                    .order_by(ModelVersion.id.desc())).scalar()
            if known is not None:
                return _version(known)
            row = ModelVersion(trained_by=who, origin="make train", status="ready", stage="training",
                               percent=100, data_fingerprint=data_fingerprint, finished_at=utc_now())
            session.add(row)
            session.flush()
            row.file, row.sha256 = f"model-{row.id}.tar.gz", sha
            shutil.copyfile(model, self.folder / row.file)
            self._go_live(session, row, who)
            self._audit(session, who, "aktivering", f"Modell {row.id} från make train aktiverad")
            return _version(row)

    def activate(self, version_id: int, who: str) -> Version:
        """A checked model goes live (the admin confirmed)."""
        def refusal(row: ModelVersion | None) -> str:
            if row is None or row.status != "ready":
                return "Bara en färdigtränad modell som klarat kvalitetskontrollen kan aktiveras."
            if row.file is None or not (self.folder / row.file).is_file():
                return "Modellens fil finns inte längre kvar."
            return ""
        return self._switch(version_id, who, refusal, "aktivering", "Modell {id} aktiverad")

    def rollback(self, version_id: int, who: str) -> Version:
        """An earlier live model goes live again, without a new check."""
        def refusal(row: ModelVersion | None) -> str:
            if row is None or not row.was_live or row.status == "live":
                return "Bara en modell som varit aktiv tidigare kan återställas."
            if row.file is None or not (self.folder / row.file).is_file():
                return "Modellens fil har gallrats bort och kan inte återställas."
            return ""
        return self._switch(version_id, who, refusal, "återställning", "Återställd till modell {id}")

    def _switch(self, version_id: int, who: str, refusal: Callable[[ModelVersion | None], str],
                action: str, detail: str) -> Version:
        """Make the row live unless `refusal` gives a reason not to (NotActivatable)."""
        with self._write() as session:
            row = session.get(ModelVersion, version_id)
            if reason := refusal(row):
                raise NotActivatable(reason)
            self._go_live(session, row, who)
            self._audit(session, who, action, detail.format(id=row.id))
            return _version(row)

    @staticmethod
    def _go_live(session: Session, row: ModelVersion, who: str) -> None:
        session.execute(update(ModelVersion).where(ModelVersion.status == "live").values(status="retired"))
        row.status, row.was_live, row.activated_by, row.activated_at = "live", True, who, utc_now()

    # ------------------------------------------------------------ disk

    def prune(self, keep: int) -> list[int]:
        """Delete the files of all but the newest `keep` models; the live model's file stays.
        The rows stay, as history. Returns the ids whose file went."""
        with self._write() as session:
            rows = session.execute(select(ModelVersion).where(ModelVersion.file.is_not(None))
                                   .order_by(ModelVersion.id.desc())).scalars().all()
            pruned = []
            for row in rows[keep:]:
                if row.status == "live":
                    continue
                (self.folder / row.file).unlink(missing_ok=True)
                row.file = None
                pruned.append(row.id)
            return pruned
