"""Concurrency through the API: many clients hit the same object at the same moment; exactly one wins.

    python drills/concurrency.py [--parallel 50] [--postgres-server URL | --database-url URL]

On a fresh database (an SQLite file, or a temporary PostgreSQL database) with the demo city, starts
gunicorn with 4 workers × 8 threads (32 requests in flight at once) and, each time from `--parallel`
threads released together by a barrier:

1. conflicting transitions on one case under review — half `accept`, half `reject` (office);
2. confirmations and rejections of one payment report (the SME);
3. payment reports of 300.00 each on an item that owes 1,000.00 (the clerk): together they would
   over-pay it, so exactly three may stand;
4. complaint filings (the enterprise): every one succeeds with its own, consecutive case number.

Checks that the winners are exactly one (three for 3, all for 4), that every loser got a 409 with a
Chinese message and the error shape `{code, message, fields}`, and that the database agrees: status
and version moved once, one event per winner, one ledger entry for a confirmation, balances and
pending reports within the item, the audit chain verifies. Prints a markdown block and TARGET lines.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills import payloads
from drills.harness import Reply, call, drill_env, gunicorn, inside, scratch, vendor

CHINESE = re.compile(r"[\u4e00-\u9fff]")
CONFLICT_CODES = {"concurrent_transition", "invalid_transition", "pending_reports_exceed_balance"}


def race(
    base: str, requests: list[tuple[str, str, dict[str, Any]]], token_of: dict[str, str]
) -> tuple[list[Reply], float]:
    """Send every request from its own thread, all released at once; the replies in request order."""
    barrier = threading.Barrier(len(requests))
    replies: list[Reply | None] = [None] * len(requests)

    def one(i: int, who: str, path: str, body: dict[str, Any]) -> None:
        barrier.wait(timeout=60)
        replies[i] = call(base, "POST", path, token=token_of[who], payload=body, timeout=120)

    threads = [threading.Thread(target=one, args=(i, *r)) for i, r in enumerate(requests)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r or Reply(0) for r in replies], time.monotonic() - started


def losers_ok(replies: list[Reply]) -> list[str]:
    """Problems with the refusals: each must be a 409 in the error shape with a Chinese message."""
    bad = []
    for r in replies:
        if (
            r.status == 409
            and r.code in CONFLICT_CODES
            and CHINESE.search(r.message)
            and isinstance(r.body, dict)
            and "fields" in r.body
        ):
            continue
        bad.append(f"{r.status} {str(r.body)[:200]}")
    return bad


def run(args: argparse.Namespace) -> int:
    n = args.parallel
    with scratch("race", args.postgres_server, args.database_url) as (tmp, url):
        env = drill_env(tmp, url, RATE_LIMIT_ENABLED="0")
        ctx = inside(env, "race_setup")
        server, base = gunicorn(env, tmp / "server.log", workers=4, threads=8)
        server.start()
        try:
            tokens = ctx["tokens"]
            case, report, item = ctx["complaint"], ctx["report"], ctx["overpaid_item"]
            rounds: dict[str, tuple[list[Reply], float]] = {}
            rounds["transition"] = race(
                base,
                [
                    ("office", f"/api/v1/complaints/{case}/accept", {})
                    if i % 2 == 0
                    else (
                        "office",
                        f"/api/v1/complaints/{case}/reject",
                        {"reason": "before_court", "text": "已起诉"},
                    )
                    for i in range(n)
                ],
                tokens,
            )
            rounds["decision"] = race(
                base,
                [
                    ("enterprise", f"/api/v1/ledger/payment-reports/{report}/confirm", {})
                    if i % 2 == 0
                    else (
                        "enterprise",
                        f"/api/v1/ledger/payment-reports/{report}/reject",
                        {"reason": "未收到款项"},
                    )
                    for i in range(n)
                ],
                tokens,
            )
            rounds["overpay"] = race(
                base,
                [
                    (
                        "clerk",
                        f"/api/v1/ledger/items/{item}/payment-reports",
                        {
                            "amount": "300.00",
                            "paid_on": "2025-06-02",
                            "method": "bank_transfer",
                            "reference": f"R{i}",
                        },
                    )
                    for i in range(n)
                ],
                tokens,
            )
            rounds["filing"] = race(
                base,
                [("enterprise", "/api/v1/complaints", filing(ctx["respondent_id"], i)) for i in range(n)],
                tokens,
            )
        finally:
            server.stop()
        filed_ids = [r.body["id"] for r in rounds["filing"][0] if r.status == 201]
        result = inside(env, "race_verify", {**ctx, "filed_ids": filed_ids})
        return report_of(args, url, rounds, result)


def filing(respondent_id: int, i: int) -> dict[str, Any]:
    return payloads.complaint(respondent_id, f"并发演练投诉第{i}件：货款逾期未付。", f"RACE-{i:03d}")


def report_of(
    args: argparse.Namespace, url: str, rounds: dict[str, tuple[list[Reply], float]], db_state: dict[str, Any]
) -> int:
    db = vendor(url)
    checks: dict[str, list[str]] = {}
    rows: list[str] = []

    def judge(name: str, expected_winners: int, ok_status: int, *facts: tuple[str, bool]) -> None:
        """One race: the winners counted, the losers' answers checked, `facts` (message, is wrong)."""
        problems = [message for message, wrong in facts if wrong]
        replies, seconds = rounds[name]
        winners = [r for r in replies if r.status == ok_status]
        losers = [r for r in replies if r.status != ok_status]
        if len(winners) != expected_winners:
            problems.insert(0, f"{len(winners)} winners, expected {expected_winners}")
        problems.extend(
            losers_ok(losers)[:5]
            if expected_winners < len(replies)
            else [f"{r.status} {r.body}" for r in losers][:5]
        )
        checks[name] = problems
        codes = Counter(r.code or str(r.status) for r in losers)
        sample = next((r.message for r in losers), "—")
        rows.append(f"| {name} | {len(replies)} | {len(winners)} | {len(losers)} | {dict(codes) or '—'} | {sample} "
                    f"| {seconds:.2f} s | {'ok' if not problems else '; '.join(problems[:2])} |")  # fmt: skip

    c, rep, over, filings = (
        db_state["complaint"],
        db_state["report"],
        db_state["overpay"],
        db_state["filings"],
    )
    won = [r for r in rounds["transition"][0] if r.status == 200]
    winner_status = won[0].body["status"] if len(won) == 1 else None
    judge(
        "transition",
        1,
        200,
        (f"status {c['status']} ≠ winner's {winner_status}", c["status"] != winner_status),
        (f"version moved {c['version_step']}", c["version_step"] != 1),
        (f"events {c['events']}", sum(c["events"].values()) != 1),
        (f"notifications {c['notifications']}", len(c["notifications"]) != 1),
    )
    won = [r for r in rounds["decision"][0] if r.status == 200]
    decided = won[0].body["status"] if len(won) == 1 else None
    judge(
        "decision",
        1,
        200,
        (f"report {rep['status']} ≠ winner's {decided}", rep["status"] != decided),
        (f"events {rep['events']}", sum(rep["events"].values()) != 1),
        (
            f"payment entries {rep['payment_entries']}",
            rep["payment_entries"] != (1 if decided == "confirmed" else 0),
        ),
    )
    judge(
        "overpay",
        3,
        201,
        (f"{len(over['reports'])} reports stored", len(over["reports"]) != 3),
        (f"pending total {over['total']}", over["total"] != "900.00"),
        (f"events not once {over['events_not_once']}", bool(over["events_not_once"])),
    )
    judge(
        "filing",
        len(rounds["filing"][0]),
        201,
        (f"{filings['rows']} stored", filings["rows"] != len(rounds["filing"][0])),
        ("numbers not distinct", filings["distinct_numbers"] != filings["rows"]),
        ("numbers not consecutive", not filings["consecutive"]),
    )
    invariants = db_state["items"] + ([] if db_state["audit"]["ok"] else ["audit chain broken"])
    ok = not any(checks.values()) and not invariants
    print(f"{db}: {checks} invariants {invariants} audit {db_state['audit']}")
    print("```markdown")
    print(
        f"### Concurrency drill ({db}): {args.parallel} parallel requests on one object (`drills/concurrency.py`)"
    )
    print()
    print(
        "| race | requests | winners | refused | refusals by code | a refusal's message | wall time | checks |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(f"gunicorn 4 workers × 8 threads on {db}. Invariants after the races (balances = entries, pending reports "
          f"≤ balance, audit chain of {db_state['audit']['rows']} rows): {invariants or 'hold'}.")  # fmt: skip
    print("```")
    print(f"TARGET|concurrency ({db}): {args.parallel} parallel conflicting requests ×3 races → one winner (three for "
          f"the over-payment), others a Chinese 409, invariants hold|all|{'all' if ok else 'broken'}|{'PASS' if ok else 'MISS'}")  # fmt: skip
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parallel", type=int, default=50)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--postgres-server", default="", help="a temporary database on this server")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
