"""Dependency audit: pip-audit against the lock files, offline-capable.

- Known vulnerabilities in requirements.lock / requirements-dev.lock fail the build, except those
  listed in `audit-allowlist.toml` (each with a reason and an expiry date).
- If the vulnerability service cannot be reached, say so loudly and pass — unless REQUIRE_AUDIT=1,
  which makes an unreachable service a failure (CI with network access sets it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "audit-allowlist.toml"
LOCKS = ["requirements.lock", "requirements-dev.lock"]
NETWORK_MARKERS = (
    "ConnectionError",
    "Max retries",
    "Name or service not known",
    "timed out",
    "Temporary failure",
    "NewConnectionError",
    "ProxyError",
)


def load_allowlist() -> dict[str, str]:
    if not ALLOWLIST.exists():
        return {}
    data = tomllib.loads(ALLOWLIST.read_text())
    allowed: dict[str, str] = {}
    today = dt.date.today()
    for entry in data.get("ignore", []):
        vid, reason, until = entry.get("id", ""), entry.get("reason", "").strip(), entry.get("until")
        if not vid or not reason:
            sys.exit(f"audit allow-list: every entry needs an id and a reason ({entry!r})")
        if until and dt.date.fromisoformat(str(until)) < today:
            print(f"audit allow-list: {vid} expired on {until}; it counts again")
            continue
        allowed[vid] = reason
    return allowed


def main() -> int:
    require = os.environ.get("REQUIRE_AUDIT") == "1"
    allowed = load_allowlist()
    exe = str(Path(sys.executable).with_name("pip-audit"))
    failed = False
    for lock in LOCKS:
        cmd = [
            exe,
            "--requirement",
            str(ROOT / lock),
            "--no-deps",
            "--disable-pip",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--timeout",
            "20",
        ]
        for vid in allowed:
            cmd += ["--ignore-vuln", vid]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        if proc.returncode not in (0, 1) or not proc.stdout.strip().startswith("{"):
            message = (proc.stderr or proc.stdout).strip().splitlines()
            offline = any(m in (proc.stderr + proc.stdout) for m in NETWORK_MARKERS)
            tail = message[-1] if message else "no output"
            if offline and not require:
                print(
                    f"!! dependency audit SKIPPED for {lock}: the vulnerability service is unreachable ({tail}). Set REQUIRE_AUDIT=1 to fail instead."
                )
                continue
            print(f"dependency audit could not run for {lock}: {tail}")
            return 1
        report = json.loads(proc.stdout)
        found = [
            (dep["name"], dep["version"], vuln["id"], ", ".join(vuln.get("fix_versions", [])))
            for dep in report.get("dependencies", [])
            for vuln in dep.get("vulns", [])
            if vuln["id"] not in allowed
        ]
        for name, version, vid, fixes in found:
            print(f"VULNERABLE {lock}: {name} {version} {vid} (fixed in: {fixes or 'no fix yet'})")
        failed = failed or bool(found)
        if not found:
            print(
                f"dependency audit {lock}: no known vulnerabilities ({len(report.get('dependencies', []))} packages)"
            )
    if failed:
        print(
            f"known vulnerabilities: upgrade, or allow-list them with a reason in {ALLOWLIST.relative_to(ROOT)}"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
