"""Nothing acknowledged is lost: a crash drill against a real server.

    python drills/crash.py [--requests 200] [--kills 6] [--clients 6] [--database-url URL] [--seed N]

Starts gunicorn (2 workers) on a fresh database, sends creating POSTs concurrently with
Idempotency-Keys and retries, `kill -9`s the whole server at random moments, restarts it, and
finally checks that every request that got a 2xx is in the database exactly once (and its creation
event exactly once), and that no request left a duplicate. Prints a markdown block and a TARGET
line; exits 1 if anything was lost or duplicated.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "崩溃演练单位"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    env: dict[str, str]
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{self.port}",
                 "-w", "2", "--timeout", "30", "--graceful-timeout", "1"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not come up: " + self.log.read_text()[-2000:])

    def kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None


@dataclass
class Outcome:
    acknowledged: dict[str, int] = field(default_factory=dict)  # name → id returned
    attempts: int = 0
    retries: int = 0
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def manage(env: dict[str, str], *args: str, input_text: str | None = None) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        input=input_text,
    ).stdout  # fmt: skip


def send(server: Server, token: str, region_id: int, index: int, outcome: Outcome, deadline: float) -> None:
    name = f"{PREFIX}{index:05d}"
    key = str(uuid.uuid4())
    body = json.dumps({"name": name, "kind": "organ", "level": "city", "region_id": region_id}).encode()
    delay = 0.05
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            server.base + "/api/v1/registry/organisations",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": key,
            },
        )
        with outcome.lock:
            outcome.attempts += 1
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                payload = json.loads(r.read())
                with outcome.lock:
                    outcome.acknowledged[name] = int(payload["id"])
                return
        except urllib.error.HTTPError as exc:
            if exc.code < 500 and exc.code not in (409, 429):
                with outcome.lock:
                    outcome.refused.append(f"{name}: {exc.code} {exc.read()[:200]!r}")
                return
        except (OSError, ValueError):
            pass  # connection refused/reset while the server is down: retry with the same key
        with outcome.lock:
            outcome.retries += 1
        time.sleep(delay)
        delay = min(delay * 1.5, 1.0)


VERIFY = """
import json
from collections import Counter
from qingqian.registry.models import Organisation
from qingqian.core.models import Event
rows = list(Organisation.objects.filter(name__startswith=%(prefix)r).values_list("name", "id"))
created = Counter(
    Event.objects.filter(action="registry.organisation.created", object_repr__startswith=%(prefix)r)
    .values_list("object_id", flat=True)
)
print(json.dumps({"rows": rows, "events": created}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--postgres-server",
        default="",
        help="e.g. postgres://postgres@127.0.0.1:5432: run on a temporary database there",
    )
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--time-limit", type=float, default=300.0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.postgres_server:
        import psycopg

        name = f"qq_crash_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{args.postgres_server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        args.database_url = f"{args.postgres_server}/{name}"
        try:
            return run(args, rng)
        finally:
            with psycopg.connect(f"{args.postgres_server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return run(args, rng)


def run(args: argparse.Namespace, rng: random.Random) -> int:

    tmp = Path(tempfile.mkdtemp(prefix="qq-crash-"))
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'crash.sqlite3'}",
            "QINGQIAN_VAR_DIR": str(tmp),
            "QINGQIAN_ENV": "development",
            "DEBUG": "0",
            "DEMO_DATA_ALLOWED": "1",
            "IDEMPOTENCY_LOCK_SECONDS": "3",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage(env, "migrate", "--noinput")
    # A minimal city (regions and one task-force officer with a write token), made through the services.
    setup = manage(
        env,
        "shell",
        "-c",
        "from django.core.management import call_command\n"
        "from qingqian.accounts.services import role_grant, token_create, user_create\n"
        "from qingqian.registry.models import Region\n"
        "call_command('load_regions', verbosity=0)\n"
        "city = Region.objects.get(code='130100')\n"
        "u = user_create(actor=None, username='drill', password=None, display_name='演练')\n"
        "role_grant(actor=None, user=u, role='taskforce_office', region=city)\n"
        "t = token_create(actor=None, user=u, name='crash drill', scope='write')\n"
        "print(t.secret, city.pk)\n",
    ).split()
    token, region_id = setup[-2], int(setup[-1])

    server = Server(env=env, port=free_port(), log=tmp / "server.log")
    server.start()
    outcome = Outcome()
    deadline = time.monotonic() + args.time_limit
    started = time.monotonic()

    def killer() -> None:
        for _ in range(args.kills):
            time.sleep(rng.uniform(0.3, 1.2))
            server.kill()
            time.sleep(rng.uniform(0.05, 0.4))
            server.start()

    killer_thread = threading.Thread(target=killer)
    killer_thread.start()
    indexes = list(range(args.requests))
    chunks = [indexes[i :: args.clients] for i in range(args.clients)]

    def client(chunk: list[int]) -> None:
        for i in chunk:
            send(server, token, region_id, i, outcome, deadline)

    threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    killer_thread.join()
    elapsed = time.monotonic() - started
    server.kill()

    found = json.loads(manage(env, "shell", "-c", VERIFY % {"prefix": PREFIX}).strip().splitlines()[-1])
    rows: dict[str, list[int]] = {}
    for name, pk in found["rows"]:
        rows.setdefault(name, []).append(pk)
    events: dict[str, int] = found["events"]
    lost = [n for n in outcome.acknowledged if n not in rows]
    duplicated = [n for n, ids in rows.items() if len(ids) > 1]
    wrong_id = [n for n, pk in outcome.acknowledged.items() if n in rows and rows[n] != [pk]]
    event_dupes = [pk for pk, count in events.items() if count != 1]
    missing_events = [n for n, ids in rows.items() if str(ids[0]) not in events]
    unacknowledged = args.requests - len(outcome.acknowledged)
    ok = not (
        lost or duplicated or wrong_id or event_dupes or missing_events or outcome.refused or unacknowledged
    )

    db = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"requests {args.requests}, acknowledged {len(outcome.acknowledged)}, attempts {outcome.attempts}, "
          f"retries {outcome.retries}, kills {args.kills}, {elapsed:.1f} s")  # fmt: skip
    print(f"lost {lost[:5]} duplicated {duplicated[:5]} wrong id {wrong_id[:5]} event dupes {event_dupes[:5]} "
          f"missing events {missing_events[:5]} refused {outcome.refused[:3]} unacknowledged {unacknowledged}")  # fmt: skip
    print("```markdown")
    print(f"### Crash drill ({db}): nothing acknowledged is lost (drills/crash.py)")
    print()
    print(
        "| requests | acknowledged (2xx) | attempts | retries | kill -9 of the server | lost | duplicated | time |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {args.requests} | {len(outcome.acknowledged)} | {outcome.attempts} | {outcome.retries} | {args.kills} "
          f"| {len(lost)} | {len(duplicated) + len(event_dupes)} | {elapsed:.1f} s |")  # fmt: skip
    print("```")
    print(f"TARGET|crash drill ({db}): acknowledged requests lost or duplicated after {args.kills} kill -9|0|"
          f"{len(lost) + len(duplicated) + len(event_dupes) + unacknowledged}|{'PASS' if ok else 'MISS'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
