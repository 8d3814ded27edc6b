"""A 台账 import killed half-way leaves nothing behind, and the next run imports it exactly once.

    python drills/killed_import.py [--rows 8000] [--postgres-server URL | --database-url URL]

On a fresh database with the demo city, the clerk of 市教育局 uploads an N-row xlsx (some SMEs new to
the registry, so the import registers enterprises too); the upload queues the import task. Then the
task worker as deployed (`manage.py db_worker`, django-tasks' database backend) runs it three times:

1. `kill -9` while it checks the rows (past half of them) — nothing may have been written;
2. the hourly sweep (`import_jobs_resume`) queues the job again (its lease is free); `kill -9` while it
   writes (after the first batch of rows went into the open transaction) — nothing may be visible;
3. queued again, the worker runs it to the end — every row exactly once, one success event.

Finally the same file uploaded again changes nothing, and the audit chain verifies. The kill points
are read from the worker's log (`import N: check|write done/total`). Prints a markdown block and a
TARGET line; exits 1 on a half import, a duplicate or a missed kill.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills.harness import ROOT, drill_env, inside, scratch, vendor

PROGRESS = re.compile(r"import (\d+): (check|write) (\d+)/(\d+)")


def run_worker(env: dict[str, str], log: Path, kill_when: Any = None, timeout: float = 600) -> dict[str, Any]:
    """Start the task worker; `kill -9` it at the first progress line `kill_when(phase, done, total)`
    accepts (or let it finish its queue). Returns what happened and the last progress seen."""
    argv = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.1"]
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    last: tuple[str, int, int] | None = None
    killed = False
    started = time.monotonic()
    assert proc.stdout is not None
    with log.open("a") as out:
        for line in proc.stdout:
            out.write(line)
            m = PROGRESS.search(line)
            if m:
                last = (m.group(2), int(m.group(3)), int(m.group(4)))
                if kill_when is not None and kill_when(*last):
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    killed = True
                    break
    proc.wait()
    timer.cancel()
    return {
        "killed": killed,
        "at": last,
        "exit": proc.returncode,
        "seconds": round(time.monotonic() - started, 1),
    }


def run(args: argparse.Namespace) -> int:
    n = args.rows
    with scratch("import", args.postgres_server, args.database_url) as (tmp, url):
        env = drill_env(tmp, url, LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
        path = str(tmp / "drill-ledger.xlsx")
        ctx = inside(env, "import_setup", {"path": path, "rows": n, "new_every": args.new_every})
        job = ctx["job"]
        log = tmp / "worker.log"
        steps: list[dict[str, Any]] = []
        problems: list[str] = []

        def step(name: str, worker: dict[str, Any], expect_done: bool) -> dict[str, Any]:
            s = inside(env, "import_state", {"job": job, "audit": expect_done})
            steps.append({"name": name, "worker": worker, "state": s})
            if not expect_done:
                if not worker["killed"]:
                    problems.append(f"{name}: the kill missed (worker ended: {worker})")
                if (
                    s["status"] == "succeeded"
                    or s["items"]
                    or s["entries"]
                    or s["new_smes"]
                    or s["events"]["succeeded"]
                ):
                    problems.append(f"{name}: half imported: {s}")
            return s

        # 1. killed while checking the rows
        first = run_worker(env, log, lambda phase, done, total: phase == "check" and done >= total // 2)
        before = step("killed while checking", first, False)
        # 2. queued again by the sweep, killed while writing: the write progress comes between the batches
        # of new items, so at its first line a batch is in the open transaction and the rest is not written
        queued = inside(env, "import_resume")["queued"]
        if queued != 1:
            problems.append(f"the sweep queued {queued} jobs, expected 1")
        second = run_worker(env, log, lambda phase, done, total: phase == "write" and 0 < done < total)
        killed = step("killed while writing", second, False)
        # 3. queued again, runs to the end
        queued = inside(env, "import_resume")["queued"]
        third = run_worker(env, log)
        done = step("run to the end", third, True)
        if (done["status"], done["items"], done["items_of_job"], done["distinct_contracts"], done["entries"]) != (
            "succeeded", n, n, n, n,
        ):  # fmt: skip
            problems.append(f"not exactly once: {done}")
        if done["new_smes"] != ctx["new_smes"] or done["events"] != {
            "succeeded": 1,
            "resumed": 2,
            "failed": 0,
        }:
            problems.append(f"enterprises or events wrong: {done}")
        if not done["audit"]["ok"]:
            problems.append(f"audit chain: {done['audit']}")
        after = inside(env, "import_resume")["queued"]
        again = inside(env, "import_again", {"path": path})
        if after != 0 or (again["created"], again["unchanged"]) != (0, n):
            problems.append(f"re-running changed something: queued {after}, {again}")
        final = inside(env, "import_state", {"job": job})
        if final["items"] != n:
            problems.append(f"after the second upload: {final['items']} items")
        reserved = ""
        if killed["max_item_id_reserved"] is not None:
            reserved = (
                f" PostgreSQL's item id sequence had advanced to {killed['max_item_id_reserved']} (ids reserved "
                f"inside the killed transaction) while the highest stored id was {killed['max_item_id']}."
            )
        return report(args, url, ctx, steps, queued, again, problems, reserved, before)


def report(
    args: argparse.Namespace,
    url: str,
    ctx: dict[str, Any],
    steps: list[dict[str, Any]],
    queued: int,
    again: dict[str, Any],
    problems: list[str],
    reserved: str,
    _before: dict[str, Any],
) -> int:
    db = vendor(url)
    print(f"{db}: {problems or 'ok'}")
    for s in steps:
        print(f"  {s['name']}: worker {s['worker']} state {s['state']}")
    print("```markdown")
    print(
        f"### Killed import ({db}): {args.rows:,}-row xlsx, `kill -9` of the task worker mid-import (`drills/killed_import.py`)"
    )
    print()
    print(
        "| run | killed at (worker's progress) | worker time | job status | items | entries | new SMEs | success events |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for s in steps:
        w, st = s["worker"], s["state"]
        at = (
            f"{w['at'][0]} {w['at'][1]:,}/{w['at'][2]:,}" if w["killed"] and w["at"] else "— (ran to the end)"
        )
        print(f"| {s['name']} | {at} | {w['seconds']} s | {st['status']} | {st['items']:,} | {st['entries']:,} "
              f"| {st['new_smes']} | {st['events']['succeeded']} |")  # fmt: skip
    print()
    print(f"The file names {ctx['new_smes']} SMEs new to the registry ({ctx['bytes']:,} bytes). After each kill the "
          f"job stayed \"running\" with a free lease and the sweep queued it again; the same file uploaded once "
          f"more created {again['created']} and left {again['unchanged']:,} unchanged.{reserved} "
          f"Problems: {'; '.join(problems) if problems else 'none'}.")  # fmt: skip
    print("```")
    ok = not problems
    print(f"TARGET|killed import ({db}): rows half-imported or imported twice after kill -9 while checking and while "
          f"writing|0|{len(problems)}|{'PASS' if ok else 'MISS'}")  # fmt: skip
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, default=8000, help="more than 6,000 so a write batch lands before the kill"
    )
    parser.add_argument("--new-every", type=int, default=100, help="every n-th row names a new SME")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--postgres-server", default="", help="a temporary database on this server")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
