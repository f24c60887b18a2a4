"""The `model_version` table (migration 0009): one row per training started in the
portal, and one per model a developer trained with `make train`.

A row is the contract between the training process, which writes its progress
and report here, the portal, which shows them, and the model server, which
serves the live row's file to the Rasa replicas.
"""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String, Text

from bot.dates import utc_now
from bot.db.base import Base

# status → what the portal calls it
STATUSES = {
    "training": "Tränas",
    "failed": "Misslyckades",
    "refused": "Stoppad av kvalitetskontrollen",
    "ready": "Klar att aktivera",
    "live": "Aktiv",
    "retired": "Tidigare aktiv",
}
# stage of a training → its label on the progress bar, in order
STAGES = {
    "data_check": "Kontroll av träningsdata",
    "training": "Träning",
    "evaluation": "Utvärdering",
}


class ModelVersion(Base):
    """A trained (or training) model: who, when, on what data, how good, and whether live.

    `running` is 1 while the row's training runs and NULL otherwise; being unique,
    it lets the database itself refuse a second training. `was_live` stays true
    once the model has served residents, so it can be rolled back to.
    """

    __tablename__ = "model_version"
    id = Column(Integer, primary_key=True)
    status = Column(String(20), nullable=False, default="training")
    origin = Column(String(20), nullable=False, default="portal")  # portal | make train
    running = Column(Integer, nullable=True, unique=True)
    stage = Column(String(20), nullable=False, default="data_check")
    percent = Column(Integer, nullable=False, default=0)
    detail = Column(String(300), nullable=False, default="")
    error = Column(Text, nullable=False, default="")
    pid = Column(Integer, nullable=True)
    heartbeat_at = Column(DateTime, nullable=True)
    trained_by = Column(String(80), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utc_now)
    finished_at = Column(DateTime, nullable=True)
    activated_by = Column(String(80), nullable=True)
    activated_at = Column(DateTime, nullable=True)
    was_live = Column(Boolean, nullable=False, default=False)
    data_fingerprint = Column(String(64), nullable=False, default="")
    file = Column(String(255), nullable=True)  # in the model store's folder; NULL once pruned
    sha256 = Column(String(64), nullable=True)  # the file's, and the ETag Rasa pulls by
    report = Column(JSON, nullable=True)  # the layout in bot/retraining/gate.py
    gates = Column(JSON, nullable=True)  # [{"name", "passed", "detail"}]
