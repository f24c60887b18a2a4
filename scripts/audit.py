"""`make audit`: known vulnerabilities in the pinned dependencies (requirements.txt).

Runs pip-audit (from its own venv, .venv-audit; see requirements-audit.in) on the
exact pins, without installing them, and compares the findings with
`audit-allowlist.txt`, where every accepted finding states why.

* A finding that is not on the allow-list fails the audit.
* A dependency that pip-audit could not check fails the audit too; pip-audit
  itself only warns and reports "No known vulnerabilities found" then.
* If the vulnerability data cannot be reached at all (this happens on machines
  that reach only package indexes, such as this project's CI), the audit says
  so loudly and does not fail, unless AUDIT_REQUIRED=1, which a pipeline with
  internet access should set.
* Allow-list entries that no longer match a finding are reported as stale.

Usage: python scripts/audit.py [--requirements requirements.txt] [--service pypi|osv]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "audit-allowlist.txt"
ENTRY = re.compile(r"^(?P<id>[A-Za-z]+-[\w-]+)\s+(?P<package>[\w.\-]+)\s+(?P<reason>.*)$")


@dataclass
class Allowed:
    id: str
    package: str
    reason: str


def read_allowlist(path: Path = ALLOWLIST) -> list[Allowed]:
    """`ID  package  reason`, the reason continuing on indented lines; # comments."""
    entries: list[Allowed] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            if not entries:
                raise ValueError(f"{path.name}:{number}: continuation line before any entry")
            entries[-1].reason += " " + line.strip()
            continue
        match = ENTRY.match(line.strip())
        if not match:
            raise ValueError(f"{path.name}:{number}: expected 'ID package reason', got {line!r}")
        entries.append(Allowed(match["id"].upper(), match["package"].lower(), match["reason"].strip()))
    for entry in entries:
        if len(entry.reason.split()) < 5:
            raise ValueError(f"{path.name}: {entry.id} needs a reason (why is it accepted?)")
    return entries


def run_pip_audit(requirements: Path, service: str) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "audit.json"
        command = [
            sys.executable, "-m", "pip_audit", "--requirement", str(requirements),
            "--no-deps", "--disable-pip", "--vulnerability-service", service,
            "--format", "json", "--output", str(output), "--progress-spinner", "off",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if not output.exists():
            raise RuntimeError(f"pip-audit failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        return json.loads(output.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.txt")
    parser.add_argument("--service", default=os.environ.get("AUDIT_SERVICE", "pypi"), choices=["pypi", "osv"])
    args = parser.parse_args(argv)
    required = os.environ.get("AUDIT_REQUIRED", "") == "1"

    allowed = read_allowlist()
    report = run_pip_audit(args.requirements, args.service)
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]

    if dependencies and not audited:
        print(f"audit NOT PERFORMED: none of the {len(dependencies)} pinned dependencies could be checked; "
              f"the vulnerability data ({args.service}) is unreachable from this machine.\n"
              f"  first reason: {skipped[0]['skip_reason']}\n"
              f"  {len(allowed)} accepted findings are listed in {ALLOWLIST.name}.", file=sys.stderr)
        if required:
            print("AUDIT_REQUIRED=1: failing.", file=sys.stderr)
            return 1
        print("Set AUDIT_REQUIRED=1 where the audit must run (a pipeline with internet access).",
              file=sys.stderr)
        return 0

    problems = 0
    for dependency in skipped:
        print(f"not audited: {dependency['name']}: {dependency['skip_reason']}")
        problems += 1

    matched: set[str] = set()
    findings = 0
    for dependency in audited:
        for vuln in dependency.get("vulns", []):
            findings += 1
            names = {vuln["id"].upper(), *(alias.upper() for alias in vuln.get("aliases", []))}
            entry = next((a for a in allowed if a.id in names and a.package == dependency["name"].lower()), None)
            label = f"{dependency['name']} {dependency['version']}: {vuln['id']} " \
                    f"({', '.join(vuln.get('aliases', []))}) fixed in {', '.join(vuln.get('fix_versions', [])) or '-'}"
            if entry:
                matched.add(entry.id)
                print(f"accepted  {label}")
            else:
                print(f"FOUND     {label}\n          {vuln.get('description', '')[:300]}")
                problems += 1
    for entry in allowed:
        if entry.id not in matched:
            print(f"stale allow-list entry (no such finding now): {entry.id} {entry.package}")

    print(f"\n{len(audited)} dependencies audited ({args.service}), {findings} findings, "
          f"{len(matched)} accepted in {ALLOWLIST.name}, {problems} problems.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
