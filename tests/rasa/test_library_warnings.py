"""The libraries' known deprecation warnings stay out of the project's output;
every other warning still shows."""
from __future__ import annotations

import subprocess
import sys

from bot.paths import ROOT
from bot.rasa.library_warnings import without_known

KNOWN_AND_OTHER = """
import warnings
from bot.rasa.library_warnings import silence
silence()
warnings.filterwarnings("once", category=DeprecationWarning)  # as Rasa does, after us
warnings.warn("pkg_resources is deprecated as an API. See https://setuptools.pypa.io", DeprecationWarning)
warnings.warn("'parseString' deprecated - use 'parse_string'", UserWarning)
warnings.warn("'BaseCommand' is deprecated and will be removed in Click 9.0. Use 'Command' instead.",
              DeprecationWarning)
warnings.warn("jax.xla_computation is deprecated. Please use the AOT APIs.", DeprecationWarning)
warnings.warn("Something the project should hear about", UserWarning)
print("✓ done")
"""


def python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "2"})


def test_known_warnings_are_dropped_even_after_a_library_adds_its_own_filters():
    result = python("-c", KNOWN_AND_OTHER)
    assert result.stdout == "✓ done\n"
    assert "Something the project should hear about" in result.stderr
    for known in ("pkg_resources", "parseString", "BaseCommand", "jax"):
        assert known not in result.stderr, result.stderr


def test_rasa_through_the_training_child_prints_no_library_deprecations():
    """`rasa data validate` prints pkg_resources, declare_namespace and jax deprecations; the child does not."""
    result = python("-m", "bot.rasa.training", "data", "validate", "--quiet")
    output = result.stdout + result.stderr
    for known in ("pkg_resources", "declare_namespace", "jax.xla_computation", "DeprecationWarning"):
        assert known not in output, output[-3000:]  # Rasa's own warnings about the data may show


def test_a_log_tail_loses_the_known_warnings_and_keeps_everything_else():
    log = [
        "… starting",
        "/x/pkg_resources/__init__.py:3117: DeprecationWarning: Deprecated call to "
        "`pkg_resources.declare_namespace('ruamel')`.",
        "Implementing implicit namespace packages (as specified in PEP 420) is preferred.",
        "  declare_namespace(pkg)",
        "/x/app.py:3: UserWarning: a warning of our own",
        "  warn()",
        "ERROR the real problem",
    ]
    assert without_known(log) == ["… starting", "/x/app.py:3: UserWarning: a warning of our own", "  warn()",
                                  "ERROR the real problem"]
