"""Benchmark: the daily sweep on a generated city (and province), each step beside hand-written SQL.

    python bench/bench_daily_sweep.py [--scale city|province] [--backend postgres]

On the cached generated databases (bench/generated.py; city and 10× smaller, or province and city) it runs,
for the morning after the generator's date, inside one transaction that is rolled back afterwards:

1. `run_aging` — the ledger's set-based aging of every item (overdue days, bucket, statutory interest to
   date); then the same date again (idempotent: nothing changes). Lower bound: one hand-written SELECT
   computing the same figures another way (interest segment by segment with window functions); every item
   is compared.
2. the complaint supervision ladder (`complaints.services.sweep`, every case that falls due that day: a
   compare-and-swap per case, its event and notifications). Lower bound: one SELECT computing each due
   case's new step, lateness and next reminder from a working-day index over the holiday calendar;
   every case is compared with what the sweep wrote.
3. the ledger sweep (`payment_reports_escalate`, `plans_check_breaches`, `reassess_due`). Lower bounds:
   one SELECT each for the reports to escalate, the instalments' met/breached states (cumulative plan vs
   payments recorded by the end of the grace period) and the items to re-assess; counts are compared.

Prints a markdown block and TARGET lines. Target (issue 5): the aging of 1,000,000 items with 3,000,000
payments under 60 s on this machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generated

TARGET_S = 60.0

HAND_AGING = """
CREATE TEMPORARY TABLE hand_aging AS
WITH red AS (
    SELECT item_id, effective_on AS day, SUM((amount * 100)::bigint) AS net
    FROM ledger_ledgerentry
    WHERE bucket IN ('payment', 'write_off') AND effective_on <= %(day)s::date
    GROUP BY item_id, effective_on
),
seg AS (
    SELECT r.item_id, r.day, r.net,
           SUM(r.net) OVER w - r.net AS paid_before,
           SUM(r.net) OVER w AS paid_through,
           LAG(r.day) OVER w AS prev_day
    FROM red r
    WINDOW w AS (PARTITION BY r.item_id ORDER BY r.day ROWS UNBOUNDED PRECEDING)
),
p AS (
    SELECT item_id, SUM((amount * 100)::bigint) AS principal FROM ledger_ledgerentry
    WHERE bucket = 'principal' GROUP BY item_id
),
per_item AS (
    SELECT s.item_id,
           SUM(GREATEST(0, p.principal - s.paid_before)
               * GREATEST(0, (s.day - GREATEST(i.due_on, COALESCE(s.prev_day, i.due_on))))) AS before_last,
           MAX(s.day) AS last_day,
           MAX(s.paid_through) AS paid,
           MIN(CASE WHEN s.paid_through >= p.principal THEN s.day END) AS first_zero
    FROM seg s JOIN ledger_arrearsitem i ON i.id = s.item_id JOIN p ON p.item_id = s.item_id
    WHERE i.due_on IS NOT NULL
    GROUP BY s.item_id
)
SELECT i.id AS item_id,
       CASE WHEN i.due_on IS NULL OR COALESCE(p.principal, 0) <= 0 THEN NULL
            WHEN COALESCE(x.paid, 0) >= p.principal THEN GREATEST(0, x.first_zero - i.due_on)
            ELSE GREATEST(0, %(day)s::date - i.due_on) END AS overdue_days,
       CASE WHEN i.due_on IS NULL OR i.rate_num IS NULL OR COALESCE(p.principal, 0) <= 0 THEN NULL
            ELSE div(2 * (COALESCE(x.before_last, 0)
                          + GREATEST(0, p.principal - COALESCE(x.paid, 0))
                            * GREATEST(0, %(day)s::date - GREATEST(i.due_on, COALESCE(x.last_day, i.due_on))))::numeric
                       * i.rate_num + i.rate_den, 2 * i.rate_den) / 100.0 END AS interest
FROM ledger_arrearsitem i
LEFT JOIN p ON p.item_id = i.id
LEFT JOIN per_item x ON x.item_id = i.id
"""

# The ladder as one statement: a working-day index over the calendar (n = working days up to the day), the
# four thresholds of each due case (催办 2 working days before, 超期 the day after, 督办 3 and 提级 10 working
# days after the deadline), the highest one reached by `now` and the next one.
HAND_LADDER = """
CREATE TEMPORARY TABLE hand_ladder AS
WITH days AS (
    SELECT d::date AS day,
           CASE WHEN c.kind = 'holiday' THEN 0 WHEN c.kind = 'workday' THEN 1
                WHEN EXTRACT(ISODOW FROM d) < 6 THEN 1 ELSE 0 END AS working
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
    LEFT JOIN registry_calendarday c ON c.date = d::date
),
wd AS (SELECT day, working, SUM(working) OVER (ORDER BY day) AS n FROM days),
work_n AS (SELECT n, day FROM wd WHERE working = 1),
due AS (
    SELECT c.id, c.ladder_step, c.due_on, w.n AS n_due, w.working AS due_working
    FROM complaints_complaint c JOIN wd w ON w.day = c.due_on
    WHERE c.next_reminder_at <= %(now)s AND c.due_on IS NOT NULL
      AND c.status IN ('registered', 'under_review', 'awaiting_material', 'accepted', 'transferred',
                       'in_handling', 'extension_requested', 'result_submitted', 'feedback_sent', 'office_review')
),
steps AS (
    SELECT d.id, d.ladder_step, s.step,
           (s.day::timestamp AT TIME ZONE %(tz)s) AS at
    FROM due d
    CROSS JOIN LATERAL (
        SELECT 1 AS step, (SELECT day FROM work_n WHERE n = d.n_due - d.due_working - 1) AS day
        UNION ALL SELECT 2, d.due_on + 1
        UNION ALL SELECT 3, (SELECT day FROM work_n WHERE n = d.n_due + 3)
        UNION ALL SELECT 4, (SELECT day FROM work_n WHERE n = d.n_due + 10)
    ) s
),
reached AS (
    SELECT id, GREATEST(MAX(ladder_step), COALESCE(MAX(step) FILTER (WHERE at <= %(now)s), 0)) AS target
    FROM steps GROUP BY id
)
SELECT r.id, r.target,
       CASE WHEN r.target >= 3 THEN 'seriously_overdue' WHEN r.target = 2 THEN 'overdue'
            WHEN r.target = 1 THEN 'due_soon' ELSE 'on_time' END AS lateness,
       (SELECT MIN(s.at) FROM steps s WHERE s.id = r.id AND s.step > r.target) AS next_at
FROM reached r
"""

HAND_BREACHES = """
WITH inst AS (
    SELECT i.id, i.state, p.item_id, p.baseline_paid, i.due_on + p.grace_days AS grace_end,
           SUM(i.amount) OVER (PARTITION BY i.plan_id ORDER BY i.seq) AS planned
    FROM ledger_instalment i JOIN ledger_repaymentplan p ON p.id = i.plan_id
    WHERE p.status = 'approved'
),
judged AS (
    SELECT inst.id,
           (SELECT COALESCE(SUM(e.amount), 0) FROM ledger_ledgerentry e
            WHERE e.item_id = inst.item_id AND e.bucket = 'payment'
              AND e.recorded_at < ((inst.grace_end + 1)::timestamp AT TIME ZONE %(tz)s))
             - COALESCE(inst.baseline_paid, 0) >= inst.planned AS met
    FROM inst WHERE inst.state = 'pending' AND inst.grace_end < %(day)s::date
)
SELECT COUNT(*) FILTER (WHERE met), COUNT(*) FILTER (WHERE NOT met) FROM judged
"""


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def child() -> dict[str, Any]:
    generated.django_setup()
    from django.conf import settings
    from django.db import connection, transaction

    from qingqian.complaints.services import sweep
    from qingqian.ledger.aging import run_aging
    from qingqian.ledger.assessment import reassess_due
    from qingqian.ledger.models import ArrearsItem, LedgerEntry
    from qingqian.ledger.services import payment_reports_escalate, plans_check_breaches

    as_of = dt.date.fromisoformat(os.environ["BENCH_AS_OF"])
    day = as_of + dt.timedelta(days=1)
    from zoneinfo import ZoneInfo

    tz = settings.TIME_ZONE
    now = dt.datetime.combine(day, dt.time(9, 0), tzinfo=ZoneInfo(tz))
    out: dict[str, Any] = {
        "items": ArrearsItem.objects.count(),
        "entries": LedgerEntry.objects.count(),
        "day": day.isoformat(),
    }

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            # 1. aging, then the lower bound and the comparison
            s, r = _timed(run_aging, as_of=day)
            out["aging"] = [s, r.changed]
            s, r = _timed(run_aging, as_of=day)
            out["aging_again"] = [s, r.changed]
            s, _ = _timed(cursor.execute, HAND_AGING, {"day": day.isoformat()})
            out["aging_hand"] = s
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE h.overdue_days IS DISTINCT FROM a.overdue_days"
                " OR h.interest IS DISTINCT FROM a.interest), COALESCE(SUM(a.interest), 0)"
                " FROM hand_aging h JOIN ledger_itemaging a ON a.item_id = h.item_id"
            )
            compared, differing, interest = cursor.fetchone()
            out["aging_check"] = [compared, differing, str(interest)]

            # 2. the complaint ladder: lower bound first (read-only), then the sweep, then compare
            params = {
                "now": now,
                "tz": tz,
                "first": (as_of - dt.timedelta(days=1200)).isoformat(),
                "last": (as_of + dt.timedelta(days=400)).isoformat(),
            }
            s, _ = _timed(cursor.execute, HAND_LADDER, params)
            out["ladder_hand"] = s
            s, report = _timed(sweep, now=now, limit=10**9)
            out["ladder"] = [s, report.examined, report.total, report.advanced]
            cursor.execute(
                "SELECT count(*), count(*) FILTER (WHERE h.target IS DISTINCT FROM c.ladder_step"
                " OR h.lateness IS DISTINCT FROM c.lateness OR h.next_at IS DISTINCT FROM c.next_reminder_at)"
                " FROM hand_ladder h JOIN complaints_complaint c ON c.id = h.id"
            )
            out["ladder_check"] = list(cursor.fetchone())

            # 3. the ledger sweep
            s, _ = _timed(
                cursor.execute,
                "SELECT count(*) FROM ledger_paymentreport WHERE status = 'reported'"
                " AND escalated_at IS NULL AND confirm_due_at <= %s",
                [now],
            )
            hand_escalate = cursor.fetchone()[0]
            out["escalate_hand"] = [s, hand_escalate]
            s, n = _timed(payment_reports_escalate, now=now)
            out["escalate"] = [s, n]
            s, _ = _timed(cursor.execute, HAND_BREACHES, {"tz": tz, "day": day.isoformat()})
            out["breaches_hand"] = [s, list(cursor.fetchone())]
            s, counts = _timed(plans_check_breaches, today=day)
            out["breaches"] = [s, [counts["met"], counts["breached"]]]
            s, _ = _timed(
                cursor.execute,
                "SELECT count(*) FROM ledger_arrearsitem WHERE reassess_on <= %s AND status = 'open'",
                [day],
            )
            out["reassess_hand"] = [s, cursor.fetchone()[0]]
            s, n = _timed(reassess_due, today=day)
            out["reassess"] = [s, n]
            raise Rollback
    except Rollback:
        pass
    return out


def _row(label: str, seconds: float, hand: float, what: str) -> str:
    return f"| {label} | {seconds:.2f} | {hand:.2f} | {generated.ratio(seconds, hand)} | {what} |"


def main() -> None:
    parser = generated.parser(__doc__)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(), default=str))
        return
    lines = [
        "```markdown",
        "### daily sweep: aging + statutory interest + complaint ladder + ledger sweep (postgresql)",
        "",
        "On the generated databases (`bench/generated.py`), for the morning after the generator's date, in a "
        "transaction rolled back afterwards. Seconds; the lower bound is hand-written SQL computing the same "
        "result (see the script), and the product's result is compared with it row by row or by counts.",
        "",
    ]
    targets: list[str] = []
    for size in args.sizes or generated.sizes_for(args.scale):
        mark = len(targets)
        cached = generated.ensure(size)
        r = generated.run_child(__file__, cached)
        aging_s, aging_rows = r["aging"]
        compared, differing, interest = r["aging_check"]
        ladder_s, examined, advanced, steps = r["ladder"]
        checked, ladder_diff = r["ladder_check"]
        esc_s, esc_n = r["escalate"]
        br_s, (met, breached) = r["breaches"]
        re_s, re_n = r["reassess"]
        total = aging_s + ladder_s + esc_s + br_s + re_s
        hand = (
            r["aging_hand"]
            + r["ladder_hand"]
            + r["escalate_hand"][0]
            + r["breaches_hand"][0]
            + r["reassess_hand"][0]
        )
        agree = (
            differing == 0
            and ladder_diff == 0
            and r["escalate_hand"][1] == esc_n
            and r["breaches_hand"][1] == [met, breached]
            and r["reassess_hand"][1] == re_n
        )
        lines += [
            f"#### {cached.label}: {r['items']:,} items, {r['entries']:,} ledger entries, day {r['day']}",
            "",
            "| step | product s | lower bound s | ratio | work |",
            "|---|---:|---:|---:|---|",
            _row(
                "aging (`run_aging`, whole ledger)", aging_s, r["aging_hand"], f"{aging_rows:,} rows written"
            ),
            f"| aging again, same date (idempotent) | {r['aging_again'][0]:.2f} | | | {r['aging_again'][1]:,} rows written |",
            _row(
                "complaint ladder (`sweep`)",
                ladder_s,
                r["ladder_hand"],
                f"{examined:,} due, {advanced:,} advanced {steps}",
            ),
            _row(
                "escalate unconfirmed payment reports", esc_s, r["escalate_hand"][0], f"{esc_n:,} escalated"
            ),
            _row(
                "plan instalments judged", br_s, r["breaches_hand"][0], f"{met:,} met, {breached:,} breached"
            ),
            _row("re-assess items (acceptance period ended)", re_s, r["reassess_hand"][0], f"{re_n:,} items"),
            _row(
                "**daily sweep, total**",
                total,
                hand,
                "agrees with the lower bound" if agree else "**DIFFERS**",
            ),
            "",
            f"Aging compared on {compared:,} items: {differing:,} differ (Σ interest "
            f"{Decimal(interest):,.2f} yuan). Ladder compared on {checked:,} due cases: {ladder_diff:,} differ.",
            "",
        ]
        targets.append(
            f"TARGET|ledger aging {r['items']:,} items, {cached.marker['counts'].get('ledger_paymentreport', 0):,} "
            f"payment reports (postgresql)|< {TARGET_S:.0f} s|{aging_s:.1f} s (lower bound {r['aging_hand']:.1f} s)|"
            f"{'PASS' if aging_s < TARGET_S and differing == 0 else 'MISS'}"
        )
        targets.append(
            f"TARGET|daily sweep agrees with hand-written SQL ({size})|every figure equal|"
            f"{'equal' if agree else 'differs'}; total {total:.1f} s vs {hand:.1f} s|{'PASS' if agree else 'MISS'}"
        )
        if not generated.has_targets(args.scale, size):
            del targets[mark:]
    generated.emit(lines, targets)


if __name__ == "__main__":
    main()
