"""What every drill needs: a scratch database (SQLite file or a temporary PostgreSQL database), the
environment of a real deployment pointed at it, gunicorn and the outbox worker as killable process
groups, and a small JSON-over-HTTP client.

The drills run the system as it is deployed (separate processes, real sockets, `kill -9`) and look at
the database afterwards through `python -m drills.inside` (Django set up on the same database).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_PREFIX = "qq_drills_"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def scratch(kind: str, postgres_server: str = "", database_url: str = "") -> Iterator[tuple[Path, str]]:
    """A temporary folder and a database URL: `database_url` as given, a fresh PostgreSQL database on
    `postgres_server` (dropped afterwards), or an SQLite file in the folder."""
    tmp = Path(tempfile.mkdtemp(prefix=f"qq-drill-{kind}-"))
    name = ""
    try:
        if database_url:
            url = database_url
        elif postgres_server:
            import psycopg

            name = f"{PG_PREFIX}{kind}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = f"{postgres_server}/{name}"
        else:
            url = f"sqlite:///{tmp / 'drill.sqlite3'}"
        yield tmp, url
    finally:
        if name:
            import psycopg

            with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if os.environ.get("DRILL_KEEP_TMP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)


def drill_env(tmp: Path, database_url: str, **extra: str) -> dict[str, str]:
    """A development-like deployment (DEBUG off) on the scratch database, e-mail to a spool folder."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "QINGQIAN_VAR_DIR": str(tmp),
            "QINGQIAN_ENV": "development",
            "DEBUG": "0",
            "DEMO_DATA_ALLOWED": "1",
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "qingqian.notifications.spool.SpoolEmailBackend",
            "EMAIL_SPOOL_DIR": str(tmp / "mail-spool"),
            "PYTHONPATH": str(ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def vendor(database_url: str) -> str:
    return "PostgreSQL" if database_url.startswith("postgres") else "SQLite"


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def inside(env: dict[str, str], command: str, payload: Any = None, *, timeout: float = 600) -> Any:
    """Run `drills.inside.<command>(payload)` in a fresh Django process on the drill's database."""
    proc = subprocess.run(
        [sys.executable, "-m", "drills.inside", command],
        cwd=ROOT,
        env=env,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"drills.inside {command} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


@dataclass
class Process:
    """A killable process group (gunicorn with its workers, or a worker command), restarted at will."""

    argv: list[str]
    env: dict[str, str]
    log: Path
    ready_url: str = ""  # polled until it answers 200 after a start
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        if not self.ready_url:
            return
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.argv[:4]} did not come up: " + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """`kill -9` of the whole process group: no shutdown handlers, no flushing, no goodbyes."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None
            self.kills += 1

    def stop(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            self.proc = None


def gunicorn(env: dict[str, str], log: Path, *, workers: int = 2, threads: int = 1) -> tuple[Process, str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}",
            "-w", str(workers), "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "1"]  # fmt: skip
    return Process(argv=argv, env=env, log=log, ready_url=base + "/healthz"), base


def outbox_worker(env: dict[str, str], log: Path, *, every: float = 0.2) -> Process:
    """The notification worker as deployed (`deliver_notifications --loop`)."""
    argv = [sys.executable, "manage.py", "deliver_notifications", "--loop", str(every)]
    return Process(argv=argv, env=env, log=log)


@dataclass
class Reply:
    status: int  # 0: no answer (connection refused, reset, timed out)
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return str(self.body.get("code", "")) if isinstance(self.body, dict) else ""

    @property
    def message(self) -> str:
        return str(self.body.get("message", "")) if isinstance(self.body, dict) else ""


def call(
    base: str,
    method: str,
    path: str,
    *,
    token: str = "",
    payload: Any = None,
    key: str = "",
    timeout: float = 30,
) -> Reply:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            raw = r.read()
            return Reply(r.status, json.loads(raw) if raw else None, dict(r.headers))
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw[:300].decode(errors="replace")
        return Reply(exc.code, body, dict(exc.headers))
    except (OSError, ValueError, http.client.HTTPException):
        return Reply(0)
