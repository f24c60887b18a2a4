"""`make run` ends with what a newcomer does next, starting with the first staff
account, and the command it gives works as printed."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from bot.paths import ROOT
from bot.stack.runner import banner
from bot.stack.settings import StackSettings


def test_the_banner_says_where_to_chat_and_what_now():
    settings = StackSettings()
    text = banner(settings)
    assert "Everything is up." in text and f"Chat in the browser:  {settings.portal_url}/" in text
    what_now = text[text.index("What now:"):]
    assert "users create --role admin" in what_now
    assert f"{settings.portal_url}/admin/" in what_now
    assert text.rstrip().endswith("Press Ctrl-C to stop.")


def test_the_first_staff_account_command_in_the_banner_works(tmp_path):
    command = re.search(r"^\s+(\.venv/bin/python -m bot users create .*)$", banner(StackSettings()), re.M).group(1)
    argv = [sys.executable if word == ".venv/bin/python" else word
            for word in shlex.split(command.replace("<name>", "anna"))]
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'content.db'}", PYTHONPATH=str(ROOT))
    result = subprocess.run(argv, cwd=ROOT, env=env, input="Ravenna, Herning och Chobe i december\n",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "anna" in result.stdout
