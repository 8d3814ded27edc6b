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
]
