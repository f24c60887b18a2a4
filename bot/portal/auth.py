"""Staff accounts: argon2 password hashes, roles, throttled logins.

Plain Python on the content database (no aiohttp), so the command line
(`python -m bot users create`) and the portal share it.

* Passwords are hashed with argon2id (argon2-cffi's defaults) and never stored
  or logged in clear; there is no default password. New passwords must pass
  zxcvbn's strength estimate (passwords.py).
* No account is ever locked: failed logins slow down further attempts from
  the same client address (throttle.py), so a stranger cannot lock out the
  real user, who logs in from another address.
* Every refusal looks the same from outside: one message, one argon2 check
  (against a dummy hash when the name is unknown, the account inactive or the
  attempt throttled), so neither the message nor the time tells whether a
  name exists.
* `session_epoch` is raised on logout, deactivation, role change and new
  password; sessions carry the epoch they were created with, so every older
  session cookie stops working at once (cookie sessions cannot be revoked
  otherwise).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.content.editor import ValidationFailed
from bot.dates import utc_now
from bot.db.engine import session_factory
from bot.portal import models
from bot.portal.passwords import MAX_PASSWORD_LENGTH, password_problem
from bot.portal.throttle import LoginThrottle

ROLES = models.ROLES
ROLE_LABELS = {"redaktör": "Redaktör", "admin": "Administratör"}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")

WRONG_LOGIN = "Fel användarnamn eller lösenord."


@dataclass(frozen=True)
class Account:
    """A user as the portal sees it (never the hash)."""

    id: int
    username: str
    role: str
    active: bool
    session_epoch: int
    created_at: dt.datetime
    last_login_at: dt.datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


class LoginRefused(Exception):
    """Wrong username or password, an inactive account or a throttled attempt."""


def _account(row: models.User) -> Account:
    return Account(row.id, row.username, row.role, row.active, row.session_epoch,
                   row.created_at, row.last_login_at)


class UserStore:
    """Create, authenticate and manage portal users."""

    def __init__(self, sessions: sessionmaker | None = None,
                 hasher: PasswordHasher | None = None, throttle: LoginThrottle | None = None) -> None:
        self._sessions = sessions or session_factory()
        self._hasher = hasher or PasswordHasher()
        self.throttle = throttle or LoginThrottle()
        # Verified against when the username is unknown, the account inactive or
        # the attempt throttled, so that every refusal costs one argon2 check.
        self._dummy_hash = self._hasher.hash("not a password of anyone")

    # ------------------------------------------------------------ reading

    def get(self, user_id: int) -> Account | None:
        with self._sessions() as session:
            row = session.get(models.User, user_id)
            return _account(row) if row else None

    def by_name(self, username: str) -> Account | None:
        with self._sessions() as session:
            row = session.execute(
                select(models.User).where(models.User.username == username.strip().lower())
            ).scalar_one_or_none()
            return _account(row) if row else None

    def list(self) -> list[Account]:
        with self._sessions() as session:
            rows = session.execute(select(models.User).order_by(models.User.username)).scalars()
            return [_account(r) for r in rows]

    # ------------------------------------------------------------ writing

    def create(self, username: str, password: str, role: str,
               repeated: str | None = None) -> Account:
        name = username.strip().lower()
        errors: dict[str, str] = {}
        if not name:
            errors["username"] = "”Användarnamn” måste fyllas i."
        elif not _USERNAME.match(name):
            errors["username"] = (
                "Användarnamnet får bara innehålla a–z, siffror, punkt, bindestreck, "
                "understreck och @, och vara 2–80 tecken långt."
            )
        if role not in ROLES:
            errors["role"] = "Välj en roll: redaktör eller admin."
        problem = password_problem(password, repeated, name)
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

    def authenticate(self, username: str, password: str, address: str = "",
                     now: dt.datetime | None = None) -> Account:
        """The account, if the password is right, the account active and the
        attempt not throttled; else `LoginRefused`, always alike (see the module)."""
        name = username.strip().lower()
        wait = self.throttle.wait(address, name)
        account: Account | None = None
        with self._sessions() as session, session.begin():
            row = session.execute(
                select(models.User).where(models.User.username == (name if len(name) <= 80 else ""))
            ).scalar_one_or_none()
            if wait > 0 or row is None or not row.active or len(password) > MAX_PASSWORD_LENGTH:
                self._verify(self._dummy_hash, password[:MAX_PASSWORD_LENGTH])
            elif self._verify(row.password_hash, password):
                if self._hasher.check_needs_rehash(row.password_hash):
                    row.password_hash = self._hasher.hash(password)
                row.last_login_at = now or utc_now()
                account = _account(row)
        if wait > 0:
            self.throttle.refused(address, name, wait)
            raise LoginRefused(WRONG_LOGIN)
        if account is None:
            self.throttle.failed(address, name)
            raise LoginRefused(WRONG_LOGIN)
        self.throttle.succeeded(address, name)
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

    def set_password(self, user_id: int, password: str, repeated: str | None = None) -> Account:
        """A new password; ends the user's sessions."""
        with self._sessions() as session, session.begin():
            row = session.get(models.User, user_id)
            if row is None:
                raise ValidationFailed({"": "Användaren finns inte."})
            problem = password_problem(password, repeated, row.username)
            if problem:
                raise ValidationFailed({"password": problem})
            row.password_hash = self._hasher.hash(password)
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
