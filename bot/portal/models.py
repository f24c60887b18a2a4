"""The portal's users table: staff who sign in, with their role."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, String

from bot.dates import utc_now
from bot.db.base import Base

ROLES = ("redaktör", "admin")


class User(Base):
    """A member of staff who signs in to the portal.

    No `version` column: a login stamps `last_login_at` concurrently, and a lost
    stamp is harmless where a refused login would not be. `session_epoch` is
    stored in the session cookie; raising it (logout, deactivation, new
    password) makes every earlier cookie worthless.
    """

    __tablename__ = "portal_user"
    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(20), nullable=False, default="redaktör")
    active = Column(Boolean, nullable=False, default=True)
    session_epoch = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utc_now)
    last_login_at = Column(DateTime, nullable=True)
