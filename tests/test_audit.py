"""scripts/audit.py (`make audit`): findings against the allow-list, on made-up reports."""
from __future__ import annotations

import importlib.util
import sys

import pytest

from bot.paths import ROOT

spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(spec)
sys.modules["audit"] = audit  # dataclasses look their module up
spec.loader.exec_module(audit)


def report(*dependencies):
    return {"dependencies": list(dependencies), "fixes": []}


def dep(name, version="1.0", vulns=()):
    return {"name": name, "version": version, "vulns": list(vulns)}


def vuln(id_, *aliases):
    return {"id": id_, "aliases": list(aliases), "fix_versions": ["9.9"], "description": "x"}


@pytest.fixture
def run(monkeypatch):
    def run_with(data, **env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(audit, "run_pip_audit", lambda requirements, service: data)
        return audit.main([])
    return run_with


def test_the_allow_list_is_well_formed_and_every_entry_says_why():
    entries = audit.read_allowlist()
    assert entries and all(len(e.reason.split()) >= 5 for e in entries)
    assert len({(e.id, e.package) for e in entries}) == len(entries)


def test_accepted_findings_pass_matched_by_id_or_alias(run):
    assert run(report(dep("tensorflow", "2.12.0", [vuln("GHSA-gjh7-xx4r-x345")]),
                      dep("keras", "2.12.0", [vuln("GHSA-c9rc-mg46-23w3", "CVE-2024-3660")]),
                      dep("requests", "2.34.2"))) == 0


def test_a_finding_not_on_the_list_fails(run):
    assert run(report(dep("requests", "2.0", [vuln("PYSEC-2099-1", "CVE-2099-1")]))) == 1


def test_an_entry_for_another_package_does_not_cover_the_finding(run):
    assert run(report(dep("numpy", "1.0", [vuln("GHSA-gjh7-xx4r-x345")]))) == 1


def test_a_dependency_that_could_not_be_audited_fails(run):
    assert run(report(dep("requests", "2.34.2"), {"name": "x", "skip_reason": "not found"})) == 1


def test_no_vulnerability_data_at_all_is_reported_and_fails_only_when_required(run, capsys):
    unreachable = report({"name": "a", "skip_reason": "Dependency not found on PyPI"},
                         {"name": "b", "skip_reason": "Dependency not found on PyPI"})
    assert run(unreachable, AUDIT_REQUIRED="0") == 0
    assert "audit NOT PERFORMED" in capsys.readouterr().err
    assert run(unreachable, AUDIT_REQUIRED="1") == 1


def test_an_entry_without_a_reason_is_refused(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("CVE-2024-1  somepackage  ok\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a reason"):
        audit.read_allowlist(path)
