"""Staff accounts: argon2 password hashes, roles, lock-out after failed logins.

Plain Python on the content database (no aiohttp), so the command line
(`python -m bot users create`) and the portal share it.

* Passwords are hashed with argon2id (argon2-cffi's defaults) and never stored
  or logged in clear; there is no default password.
* After `MAX_FAILURES` failed logins in a row an account is locked, first for
  one minute, and each further failure doubles the time (at most an hour).
  A correct password does not open a locked account before the time is up.
* `session_epoch` is raised on logout, deactivation, role change and new
  password; sessions carry the epoch they were created with, so every older
  session cookie stops working at once (cookie sessions cannot be revoked
  otherwise).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, List, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.content import models
from bot.content.db import session_factory
from bot.content.editor import ValidationFailed

ROLES = models.ROLES
ROLE_LABELS = {"redaktör": "Redaktör", "admin": "Administratör"}
MAX_FAILURES = 5
FIRST_LOCK = dt.timedelta(minutes=1)
LONGEST_LOCK = dt.timedelta(hours=1)
MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")

WRONG_LOGIN = "Fel användarnamn eller lösenord."


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Account:
    """A user as the portal sees it (never the hash)."""

    id: int
    username: str
    role: str
    active: bool
    session_epoch: int
    failed_logins: int
    locked_until: Optional[dt.datetime]
    created_at: dt.datetime
    last_login_at: Optional[dt.datetime]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def locked(self, now: Optional[dt.datetime] = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or _now())


class LoginRefused(Exception):
    """Wrong username or password, an inactive or a locked account."""


class AccountLocked(LoginRefused):
    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        super().__init__("För många misslyckade inloggningar.")


def _account(row: models.User) -> Account:
    return Account(row.id, row.username, row.role, row.active, row.session_epoch,
                   row.failed_logins, row.locked_until, row.created_at, row.last_login_at)


def lock_time(failures: int) -> dt.timedelta:
    """How long the account stays locked after this many failures in a row."""
    if failures < MAX_FAILURES:
        return dt.timedelta(0)
    doublings = min(failures - MAX_FAILURES, 16)  # 2**16 minutes is far past the longest lock
    return min(FIRST_LOCK * 2 ** doublings, LONGEST_LOCK)


def password_problem(password: str, repeated: Optional[str] = None) -> str:
    """A Swedish message when the password cannot be used, else ""."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken."
    if password.strip() != password:
        return "Lösenordet får inte börja eller sluta med mellanslag."
    if repeated is not None and repeated != password:
        return "Lösenorden är inte likadana. Skriv samma lösenord två gånger."
    return ""


class UserStore:
    """Create, authenticate and manage portal users."""

    def __init__(self, sessions: Optional[sessionmaker] = None,
                 hasher: Optional[PasswordHasher] = None) -> None:
        self._sessions = sessions or session_factory()
        self._hasher = hasher or PasswordHasher()
        # Verified against when the username is unknown, so that a wrong name
        # takes as long as a wrong password.
        self._dummy_hash = self._hasher.hash("not a password of anyone")

    # ------------------------------------------------------------ reading

    def get(self, user_id: int) -> Optional[Account]:
        with self._sessions() as session:
            row = session.get(models.User, user_id)
            return _account(row) if row else None

    def by_name(self, username: str) -> Optional[Account]:
        with self._sessions() as session:
            row = session.execute(
                select(models.User).where(models.User.username == username.strip().lower())
            ).scalar_one_or_none()
            return _account(row) if row else None

    def list(self) -> List[Account]:
        with self._sessions() as session:
            rows = session.execute(select(models.User).order_by(models.User.username)).scalars()
            return [_account(r) for r in rows]

    # ------------------------------------------------------------ writing

    def create(self, username: str, password: str, role: str,
               repeated: Optional[str] = None) -> Account:
        name = username.strip().lower()
        errors: Dict[str, str] = {}
        if not name:
            errors["username"] = "”Användarnamn” måste fyllas i."
        elif not _USERNAME.match(name):
            errors["username"] = (
                "Användarnamnet får bara innehålla a–z, siffror, punkt, bindestreck, "
                "understreck och @, och vara 2–80 tecken långt."
            )
        if role not in ROLES:
            errors["role"] = "Välj en roll: redaktör eller admin."
        problem = password_problem(password, repeated)
        if problem:
            errors["password"] = problem
        with self._sessions() as session, session.begin():
            if "username" not in errors and session.execute(
                select(models.User.id).where(models.User.username == name)
            ).first():
                errors["username"] = f"Det finns redan en användare som heter ”{name}”."
            if errors:
                raise ValidationFailed(errors)
            row = models.User(username=name, password_hash=self._hasher.hash(password), role=role)
            session.add(row)
            session.flush()
            return _account(row)

    def authenticate(self, username: str, password: str, now: Optional[dt.datetime] = None) -> Account:
        """The account, if the password is right and the account active and unlocked."""
        now = now or _now()
        refusal: Optional[LoginRefused] = None
        with self._sessions() as session, session.begin():
            row = session.execute(
                select(models.User).where(models.User.username == username.strip().lower())
            ).scalar_one_or_none()
            if row is None or not row.active:
                self._verify(self._dummy_hash, password)
                refusal = LoginRefused(WRONG_LOGIN)
            elif row.locked_until is not None and row.locked_until > now:
                refusal = AccountLocked(row.locked_until)
            elif not self._verify(row.password_hash, password):
                row.failed_logins += 1  # committed below, before the refusal is raised
                if row.failed_logins >= MAX_FAILURES:
                    row.locked_until = now + lock_time(row.failed_logins)
                    refusal = AccountLocked(row.locked_until)
                else:
                    refusal = LoginRefused(WRONG_LOGIN)
            else:
                if self._hasher.check_needs_rehash(row.password_hash):
                    row.password_hash = self._hasher.hash(password)
                row.failed_logins = 0
                row.locked_until = None
                row.last_login_at = now
                account = _account(row)
        if refusal is not None:
            raise refusal
        return account

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def update(self, user_id: int, role: str, active: bool, acting: Account) -> Account:
        """Change role or active state; an admin cannot remove the last active admin."""
        if role not in ROLES:
            raise ValidationFailed({"role": "Välj en roll: redaktör eller admin."})
        with self._sessions() as session, session.begin():
            row = session.get(models.User, user_id)
            if row is None:
                raise ValidationFailed({"": "Användaren finns inte."})
            losing_admin = row.role == "admin" and row.active and (role != "admin" or not active)
            if losing_admin and self._active_admins(session) <= 1:
                raise ValidationFailed({"": "Det måste finnas minst en aktiv administratör. "
                                            "Gör någon annan till administratör först."})
            if row.id == acting.id and not active:
                raise ValidationFailed({"active": "Du kan inte inaktivera ditt eget konto."})
            if row.role != role or row.active != active:
                row.session_epoch += 1  # signed out everywhere; the new rights apply at once
            row.role, row.active = role, active
            return _account(row)

    def set_password(self, user_id: int, password: str, repeated: Optional[str] = None) -> Account:
        """A new password; also unlocks the account and ends its sessions."""
        problem = password_problem(password, repeated)
        if problem:
            raise ValidationFailed({"password": problem})
        with self._sessions() as session, session.begin():
            row = session.get(models.User, user_id)
            if row is None:
                raise ValidationFailed({"": "Användaren finns inte."})
            row.password_hash = self._hasher.hash(password)
            row.failed_logins = 0
            row.locked_until = None
            row.session_epoch += 1
            return _account(row)

    def check_password(self, user_id: int, password: str) -> bool:
        with self._sessions() as session:
            row = session.get(models.User, user_id)
            return bool(row) and self._verify(row.password_hash, password)

    def end_sessions(self, user_id: int) -> None:
        """Make every session cookie of the user worthless (logout)."""
        with self._sessions() as session, session.begin():
            row = session.get(models.User, user_id)
            if row is not None:
                row.session_epoch += 1

    @staticmethod
    def _active_admins(session) -> int:
        return session.execute(
            select(func.count()).select_from(models.User)
            .where(models.User.role == "admin", models.User.active.is_(True))
        ).scalar_one()
