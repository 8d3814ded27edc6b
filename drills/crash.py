"""Nothing acknowledged is lost: a crash drill against a real server and a real outbox worker.

    python drills/crash.py [--requests 210] [--kills 6] [--worker-kills 6] [--clients 6]
                           [--postgres-server postgres://postgres@127.0.0.1:5432 | --database-url URL]

On a fresh database (an SQLite file, or a temporary PostgreSQL database with `--postgres-server`)
with the demo city, starts gunicorn (2 workers) and the notification worker
(`deliver_notifications --loop`), and sends three kinds of creating POSTs concurrently, each with an
Idempotency-Key and retried with the same key until it gets an answer:

* the office registers organisations,
* an enterprise files complaints (`POST /api/v1/complaints`; each mails the office),
* the debtor's clerk reports payments (`POST /api/v1/ledger/items/{id}/payment-reports`; each mails the SME).

Meanwhile it `kill -9`s the server at random points of the traffic and, independently, the worker,
restarting each. At the end it drains the outbox and checks that every request that got a 2xx is in
the database exactly once with the id it was given, its creation event exactly once and its e-mail
exactly once; that nothing was duplicated; that the audit chain verifies; that the item balances hold;
and that every e-mail row of the outbox was sent, and delivered exactly once (the e-mail backend is
the spool, one file per delivery named by Message-ID, counted against the outbox rows).
Prints a markdown block and TARGET lines; exits 1 on any loss or duplicate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills import payloads
from drills.harness import Process, call, drill_env, gunicorn, inside, outbox_worker, scratch, vendor
from drills.inside.crash import COMPLAINT_MARK, ORG_PREFIX, PAYMENT_MARK

KINDS = ("organisation", "complaint", "payment")


@dataclass
class Outcome:
    acked: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k in KINDS})
    sent: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    attempts: int = 0
    retries: int = 0
    replays: int = 0
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def done(self) -> int:
        return sum(len(v) for v in self.acked.values()) + len(self.refused)


def request_for(kind: str, index: int, ctx: dict[str, Any]) -> tuple[str, str, str, dict[str, Any]]:
    """(marker, token, path, body) of the index-th request of a kind."""
    if kind == "organisation":
        marker = f"{ORG_PREFIX}{index:05d}"
        body = {"name": marker, "kind": "organ", "level": "city", "region_id": ctx["region_id"]}
        return marker, ctx["tokens"]["office"], "/api/v1/registry/organisations", body
    if kind == "complaint":
        marker = f"{COMPLAINT_MARK}{index:05d}"
        body = payloads.complaint(
            ctx["respondent_id"],
            f"演练投诉 {marker}：校舍维修工程验收合格后逾期未付款。",
            f"SJZ-{marker}",
            "120000.00",
        )
        return marker, ctx["tokens"]["enterprise"], "/api/v1/complaints", body
    marker = f"{PAYMENT_MARK}{index:05d}"
    item = ctx["items"][index % len(ctx["items"])]
    body = {
        "amount": f"{1 + index % 97}.{index % 100:02d}",
        "paid_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "method": "bank_transfer",
        "reference": marker,
    }
    return marker, ctx["tokens"]["clerk"], f"/api/v1/ledger/items/{item}/payment-reports", body


def send(
    base: list[str], kind: str, index: int, ctx: dict[str, Any], outcome: Outcome, deadline: float
) -> None:
    """One request, retried with the same Idempotency-Key until it is answered (or the time is up)."""
    marker, token, path, body = request_for(kind, index, ctx)
    key = str(uuid.uuid4())
    with outcome.lock:
        outcome.sent[kind].append(marker)
    delay = 0.05
    while time.monotonic() < deadline:
        with outcome.lock:
            outcome.attempts += 1
        reply = call(base[0], "POST", path, token=token, payload=body, key=key, timeout=20)
        if 200 <= reply.status < 300:
            with outcome.lock:
                outcome.acked[kind][marker] = int(reply.body["id"])
                outcome.replays += reply.headers.get("Idempotent-Replayed") == "true"
            return
        retry = (
            reply.status in (0, 429, 502, 503, 504)
            or reply.status >= 500
            or (reply.status == 409 and reply.code == "idempotency_in_flight")
        )
        if not retry:
            with outcome.lock:
                outcome.refused.append(f"{marker}: {reply.status} {str(reply.body)[:300]}")
            return
        with outcome.lock:
            outcome.retries += 1
        time.sleep(delay)
        delay = min(delay * 1.5, 1.0)


def killer(
    proc: Process, points: list[int], outcome: Outcome, stop: threading.Event, rng: random.Random
) -> None:
    """`kill -9` when the traffic reaches each point (a number of answered requests), then restart."""
    for point in points:
        while outcome.done < point and not stop.is_set():
            time.sleep(0.005)
        if stop.is_set():
            return
        time.sleep(rng.uniform(0, 0.03))
        proc.kill()
        time.sleep(rng.uniform(0.05, 0.4))
        proc.start()


def worker_tally(log: Path) -> dict[str, int]:
    """What the worker processes reported doing (their log lines `sent=… recovered=… receipted=…`)."""
    totals: dict[str, int] = {}
    if log.exists():
        for name, value in re.findall(r"(\w+)=(\d+)", log.read_text(errors="replace")):
            totals[name] = totals.get(name, 0) + int(value)
    return totals


def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    with scratch("crash", args.postgres_server, args.database_url) as (tmp, url):
        env = drill_env(
            tmp,
            url,
            IDEMPOTENCY_LOCK_SECONDS="3",
            RATE_LIMIT_ENABLED="0",
            NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS="2",
            EMAIL_BACKEND="drills.mail.SlowSpoolEmailBackend",
        )
        ctx = inside(env, "crash_setup")
        server, base_url = gunicorn(env, tmp / "server.log", workers=2)
        worker = outbox_worker(env, tmp / "worker.log")
        base = [base_url]
        server.start()
        worker.start()
        outcome = Outcome()
        deadline = time.monotonic() + args.time_limit
        started = time.monotonic()
        stop = threading.Event()
        n = args.requests
        server_points = sorted(rng.randint(int(n * 0.05), int(n * 0.9)) for _ in range(args.kills))
        worker_points = sorted(rng.randint(int(n * 0.1), n) for _ in range(args.worker_kills))
        killers = [
            threading.Thread(target=killer, args=(server, server_points, outcome, stop, rng)),
            threading.Thread(
                target=killer, args=(worker, worker_points, outcome, stop, random.Random(rng.random()))
            ),
        ]
        for t in killers:
            t.start()
        jobs = [(KINDS[i % len(KINDS)], i // len(KINDS)) for i in range(n)]
        chunks = [jobs[i :: args.clients] for i in range(args.clients)]

        def client(chunk: list[tuple[str, int]]) -> None:
            for kind, index in chunk:
                send(base, kind, index, ctx, outcome, deadline)

        threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        for t in killers:
            t.join()
        elapsed = time.monotonic() - started
        server.kill()
        worker.kill()
        server_kills, worker_kills = server.kills - 1, worker.kills - 1  # the last kill ends the run
        result = inside(env, "crash_verify", {"acked": outcome.acked, "sent": outcome.sent})
        tally = worker_tally(tmp / "worker.log")
        return report(args, url, outcome, result, tally, elapsed, server_kills, worker_kills)


def report(
    args: argparse.Namespace,
    url: str,
    outcome: Outcome,
    result: dict[str, Any],
    tally: dict[str, int],
    elapsed: float,
    server_kills: int,
    worker_kills: int,
) -> int:
    db = vendor(url)
    kinds, outbox, audit = result["kinds"], result["outbox"], result["audit"]
    acknowledged = sum(k["acknowledged"] for k in kinds.values())
    unacknowledged = args.requests - acknowledged
    lost = sum(len(k["lost"]) for k in kinds.values())
    duplicated = sum(len(k["duplicated"]) + len(k["event_not_once"]) for k in kinds.values())
    mail_bad = (
        len(outbox["lost"])
        + len(outbox["sent_twice"])
        + len(outbox["not_sent"])
        + len(outbox["unknown_files"])
    )
    mail_bad += sum(len(k["mail_not_once"]) for k in kinds.values())
    ok_requests = all(k["ok"] for k in kinds.values()) and not outcome.refused and not unacknowledged
    ok = ok_requests and outbox["ok"] and audit["ok"] and not result["items"] and mail_bad == 0
    recovered = tally.get("recovered", 0) + result["outbox_run"].get("recovered", 0)
    receipted = tally.get("receipted", 0) + result["outbox_run"].get("receipted", 0)

    print(f"{db}: requests {args.requests}, acknowledged {acknowledged}, attempts {outcome.attempts}, "
          f"retries {outcome.retries}, replayed {outcome.replays}, server kills {server_kills}, "
          f"worker kills {worker_kills}, {elapsed:.1f} s")  # fmt: skip
    for kind, k in kinds.items():
        print(f"  {kind}: {k}")
    print(f"  refused {outcome.refused[:3]}; outbox {outbox}; drain {result['outbox_run']}; worker {tally}")
    print(f"  items {result['items'][:5]}; audit {audit}")
    print("```markdown")
    print(f"### Crash drill ({db}): nothing acknowledged is lost (`drills/crash.py`)")
    print()
    print("| requests | kind | acknowledged (2xx) | rows | lost | duplicated | event ≠ 1 | e-mail ≠ 1 |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, k in kinds.items():
        print(f"| {len(outcome.sent[kind])} | {kind} | {k['acknowledged']} | {k['rows']} | {len(k['lost'])} "
              f"| {len(k['duplicated'])} | {len(k['event_not_once'])} | {len(k['mail_not_once'])} |")  # fmt: skip
    print()
    print(f"{outcome.attempts} attempts ({outcome.retries} retries, {outcome.replays} answered by an "
          f"idempotent replay) in {elapsed:.1f} s; `kill -9` of gunicorn ×{server_kills} and of the outbox worker "
          f"×{worker_kills}. Outbox: {outbox['email_rows']} e-mail rows, {outbox['spool_files']} spool files, "
          f"not sent {len(outbox['not_sent'])}, lost {len(outbox['lost'])}, sent twice {len(outbox['sent_twice'])}; "
          f"rows a killed worker left mid-send: {recovered} queued again (no receipt), {receipted} settled by "
          f"their receipt. Audit chain: {audit['rows']} rows, {'verifies' if audit['ok'] else 'BROKEN'}. "
          f"Item invariants: {'hold' if not result['items'] else 'BROKEN'}.")  # fmt: skip
    print("```")
    print(f"TARGET|crash drill ({db}): acknowledged requests lost or duplicated after {server_kills} kill -9 "
          f"of the server|0|{lost + duplicated + unacknowledged + len(outcome.refused)}|{'PASS' if ok_requests else 'MISS'}")  # fmt: skip
    print(f"TARGET|crash drill ({db}): outbox e-mails lost or sent twice after {worker_kills} kill -9 of the "
          f"worker|0|{mail_bad}|{'PASS' if outbox['ok'] and mail_bad == 0 else 'MISS'}")  # fmt: skip
    print(f"TARGET|crash drill ({db}): audit chain verifies, balances hold|yes|"
          f"{'yes' if audit['ok'] and not result['items'] else 'no'}|{'PASS' if audit['ok'] and not result['items'] else 'MISS'}")  # fmt: skip
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=210, help="total, spread over the three kinds")
    parser.add_argument("--kills", type=int, default=6, help="kill -9 of the server")
    parser.add_argument(
        "--worker-kills", type=int, default=None, help="kill -9 of the worker (default: --kills)"
    )
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--postgres-server",
        default="",
        help="e.g. postgres://postgres@127.0.0.1:5432: a temporary database there",
    )
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--time-limit", type=float, default=600.0)
    args = parser.parse_args()
    if args.worker_kills is None:
        args.worker_kills = args.kills
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
