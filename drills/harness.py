"""What every drill needs: a scratch database (SQLite file or a temporary PostgreSQL database), the
environment of a real deployment pointed at it, gunicorn and the outbox worker as killable process
groups, and a small JSON-over-HTTP client.

The drills run the system as it is deployed (separate processes, real sockets, `kill -9`) and look at
the database afterwards through `python -m drills.inside` (Django set up on the same database).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
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


CACHE = Path(tempfile.gettempdir()) / "qq-drills-cache"
# What the seeded starting point depends on: the schema, the demo city, the drills' seeding code, the day.
BASE_INPUTS = (
    "qingqian/*/migrations/*.py",
    "qingqian/demo/*.py",
    "qingqian/registry/data/*",
    "drills/inside/common.py",
)


def base_key() -> str:
    digest = hashlib.sha1(dt.date.today().isoformat().encode(), usedforsecurity=False)
    for pattern in BASE_INPUTS:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _pg(server: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        cur = conn.execute(sql)  # names are ours, not input
        return cur.fetchall() if cur.description else []


def _seeded_base(postgres_server: str) -> tuple[Path, str]:
    """A migrated database with the demo city, built once per `base_key()` and kept: a folder with the
    local keys (and the SQLite file), plus a PostgreSQL template database. Copying it takes a second;
    building it takes 10–40 s (migrations, then seed_demo through the services)."""
    key = base_key()
    folder = CACHE / (f"{key}-pg" if postgres_server else f"{key}-sqlite")
    template = f"{PG_PREFIX}tpl_{key}"
    ready = folder.is_dir() and (
        not postgres_server or _pg(postgres_server, f"SELECT 1 FROM pg_database WHERE datname = '{template}'")
    )
    if ready:
        return folder, template
    building = CACHE / f"building-{uuid.uuid4().hex[:8]}"
    building.mkdir(parents=True)
    name = f"{PG_PREFIX}building_{uuid.uuid4().hex[:8]}"
    if postgres_server:
        _pg(postgres_server, f'CREATE DATABASE "{name}"')
        url = f"{postgres_server}/{name}"
    else:
        url = f"sqlite:///{building / 'drill.sqlite3'}"
    env = drill_env(building, url)
    manage(env, "migrate", "--noinput")
    inside(env, "seed")
    try:
        if postgres_server:
            _pg(postgres_server, f'ALTER DATABASE "{name}" RENAME TO "{template}"')
        building.rename(folder)
    except Exception:  # another drill built the same base at the same moment: use that one
        if postgres_server:
            _pg(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(building, ignore_errors=True)
    return folder, template


def clean_cache(postgres_server: str = "") -> None:
    """Drop the cached seeded bases (folders, and template databases on `postgres_server`)."""
    shutil.rmtree(CACHE, ignore_errors=True)
    if postgres_server:
        for (name,) in _pg(
            postgres_server, f"SELECT datname FROM pg_database WHERE datname LIKE '{PG_PREFIX}%'"
        ):
            _pg(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch(kind: str, postgres_server: str = "", database_url: str = "") -> Iterator[tuple[Path, str]]:
    """A temporary folder and a migrated database with the demo city: at `database_url` (built there),
    or a copy of the cached seeded base — a fresh PostgreSQL database on `postgres_server` (dropped
    afterwards) or an SQLite file in the folder."""
    tmp = Path(tempfile.mkdtemp(prefix=f"qq-drill-{kind}-"))
    name = ""
    try:
        if database_url:
            url = database_url
            env = drill_env(tmp, url)
            manage(env, "migrate", "--noinput")
            inside(env, "seed")
        else:
            base, template = _seeded_base(postgres_server)
            shutil.copytree(base, tmp, dirs_exist_ok=True)
            if postgres_server:
                name = f"{PG_PREFIX}{kind}_{uuid.uuid4().hex[:8]}"
                _pg(postgres_server, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                url = f"{postgres_server}/{name}"
            else:
                url = f"sqlite:///{tmp / 'drill.sqlite3'}"
        yield tmp, url
    finally:
        if name:
            _pg(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
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


if __name__ == "__main__":
    # python drills/harness.py clean [postgres://postgres@127.0.0.1:5432]
    if sys.argv[1:2] == ["clean"]:
        clean_cache(sys.argv[2] if len(sys.argv) > 2 else "")
