"""Issue 14, item 9: weak and common passwords are refused, with a Swedish
reason, in the portal and on the command line (zxcvbn, score 3 or more)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.content.editor import ValidationFailed
from bot.paths import ROOT
from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    ADMIN, client, editor, fetch, login, portal, post_form, users,
)

WEAK = ["aaaaaaaaaaaa", "password1234", "lösenord1234", "qwertyuiopåå", "123456789012", "vanersborg2026"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_with_a_swedish_reason(users, password):
    with pytest.raises(ValidationFailed) as refused:
        users.create("bo.berg", password, "redaktör")
    assert refused.value.errors["password"].startswith("Lösenordet är för lätt att gissa")


def test_the_reason_says_what_is_weak(users):
    with pytest.raises(ValidationFailed) as refused:
        users.create("bo.berg", "aaaaaaaaaaaa", "redaktör")
    assert "det upprepar samma tecken eller samma del" in refused.value.errors["password"]
    with pytest.raises(ValidationFailed) as refused:
        users.create("margareta.lund", "margareta.lund1", "redaktör")
    assert "ditt användarnamn" in refused.value.errors["password"]


def test_a_long_passphrase_is_accepted(users):
    assert users.create("bo.berg", "korrekt häst batteri häftklammer", "redaktör").username == "bo.berg"


async def test_the_portal_refuses_a_weak_password(client):
    await login(client, ADMIN)
    response = await post_form(client, "/admin/users/new", {
        "username": "bo.berg", "role": "redaktör", "password": "aaaaaaaaaaaa", "repeat": "aaaaaaaaaaaa"},
        status=422)
    assert "Lösenordet är för lätt att gissa" in await response.text()


def test_the_command_line_refuses_a_weak_password(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path / 'content.db'}")
    done = subprocess.run([sys.executable, "-m", "bot", "users", "create", "--role", "admin", "anna"],
                          input="aaaaaaaaaaaa\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 1
    assert "fel: Lösenordet är för lätt att gissa" in done.stderr
