"""The one registry of periodic work. `manage.py run_scheduler` runs it (cron-friendly, idempotent).

Each job is a management command that is safe to run twice or on two machines at once (rows are
claimed with compare-and-swap updates). `every_minutes` is the interval; `at` pins a daily job to a
local time ("HH:MM", Asia/Shanghai).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Job:
    name: str
    command: str
    args: tuple[str, ...] = field(default_factory=tuple)
    every_minutes: int = 1
    at: str | None = None  # daily at HH:MM local time (then every_minutes is ignored)


JOBS: list[Job] = [
    Job("complaint supervision ladder", "sweep_complaints", every_minutes=1),
    Job("deliver notifications", "deliver_notifications", every_minutes=1),
    Job("prune idempotency keys", "prune_idempotency_keys", every_minutes=60),
    Job("anchor the audit chain", "anchor_audit", every_minutes=60),
    Job("verify the audit chain", "verify_audit", at="02:30"),
    Job("archive and prune the audit log past retention", "prune_audit", at="03:00"),
    Job(
        "ledger: escalate unanswered payment reports, detect plan breaches", "ledger_sweep", every_minutes=60
    ),
    Job("ledger: daily aging and statutory interest", "ledger_aging", at="01:30"),
    Job("warm the leadership dashboard cache", "warm_dashboard", every_minutes=5),
    Job("annual disclosure reminders", "disclosure_remind", at="08:30"),
    Job("monthly progress report (last month, once)", "monthly_report", at="06:00"),
]
