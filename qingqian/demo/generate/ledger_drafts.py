"""The in-memory drafts of one arrears item and everything that happened to it, and the mixes they are
drawn from. All amounts are integer fen; `ledger.write_chunk` turns drafts into rows."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from qingqian.demo.generate.registry import Body, Sme
from qingqian.ledger.choices import (
    InstalmentState,
    ItemSource,
    PaymentMethod,
    ReportStatus,
    SubjectKind,
)

DAY = dt.timedelta(days=1)
SCENARIOS = [
    ("on_time", 22),
    ("late", 18),
    ("partial", 25),
    ("unpaid", 17),
    ("plan", 8),
    ("dispute_open", 6),
    ("dispute_court", 2),
    ("dispute_agreed", 2),
]
SCENARIO_NAMES = [s for s, _w in SCENARIOS]
METHODS = [
    (PaymentMethod.BANK_TRANSFER, 88),
    (PaymentMethod.COMMERCIAL_BILL, 8),
    (PaymentMethod.E_VOUCHER, 4),
]
SOURCES = [
    (ItemSource.IMPORT, 50),
    (ItemSource.SELF_INSPECTION, 27),
    (ItemSource.AUDIT, 12),
    (ItemSource.UPSTREAM, 11),
]
SUBJECTS = [(SubjectKind.WORKS, 40), (SubjectKind.GOODS, 35), (SubjectKind.SERVICES, 25)]
PROJECT_WORDS = [
    "道路改造",
    "管网更新",
    "校舍维修",
    "绿化提升",
    "污水处理",
    "安置房建设",
    "信息化建设",
    "河道治理",
]
CONTRACT_NAMES = {
    "works": ["工程施工合同", "维修改造工程", "安装工程", "绿化工程", "市政配套工程"],
    "goods": ["设备采购合同", "物资采购", "耗材采购", "办公设备采购", "教学设备采购"],
    "services": ["运维服务合同", "物业服务", "检测服务", "设计服务", "咨询服务", "保洁服务"],
}
REJECT_REASONS = [
    "未收到该笔款项",
    "金额与银行流水不符",
    "该笔款项属于其他合同",
    "收到的是商业汇票，非现金支付",
]


@dataclass(slots=True, eq=False)
class DisputeDraft:
    fen: int
    reason: str
    path: str
    case_ref: str
    raised_at: dt.datetime
    resolved_at: dt.datetime | None = None
    owed_fen: int | None = None
    note: str = ""
    id: int = 0


@dataclass(slots=True, eq=False)
class ReportDraft:
    fen: int
    paid_on: dt.date
    method: str
    reference: str
    status: str
    reported_at: dt.datetime
    confirm_due_at: dt.datetime
    escalated_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    reject_reason: str = ""
    id: int = 0


@dataclass(slots=True, eq=False)
class EntryDraft:
    kind: str
    bucket: str
    fen: int
    effective_on: dt.date
    recorded_at: dt.datetime
    reason: str = ""
    reference: str = ""
    reverses: EntryDraft | None = None
    report: ReportDraft | None = None
    dispute: DisputeDraft | None = None
    id: int = 0


@dataclass(slots=True, eq=False)
class InstalmentDraft:
    seq: int
    due_on: dt.date
    fen: int
    state: str = InstalmentState.PENDING
    checked_at: dt.datetime | None = None
    id: int = 0


@dataclass(slots=True, eq=False)
class PlanDraft:
    version: int
    status: str
    total_fen: int
    grace_days: int
    reason: str
    proposed_at: dt.datetime
    decided_at: dt.datetime | None
    baseline_fen: int | None
    instalments: list[InstalmentDraft]
    revises: PlanDraft | None = None
    decision_note: str = ""
    id: int = 0


@dataclass(slots=True, eq=False)
class WarningDraft:
    kind: str
    message: str
    raised_at: dt.datetime
    plan: PlanDraft | None = None
    instalment: InstalmentDraft | None = None
    report: ReportDraft | None = None
    resolved_at: dt.datetime | None = None
    resolution: str = ""


@dataclass(slots=True, eq=False)
class ItemDraft:
    n: int
    debtor: Body
    creditor: Sme
    facts: dict[str, Any]
    created_at: dt.datetime
    principal_fen: int = 0
    paid_fen: int = 0
    off_fen: int = 0
    disputed_fen: int = 0
    status: str = "open"
    reconciled_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    close_basis: str = ""
    scenario: str = ""
    entries: list[EntryDraft] = field(default_factory=list)
    reports: list[ReportDraft] = field(default_factory=list)
    disputes: list[DisputeDraft] = field(default_factory=list)
    plans: list[PlanDraft] = field(default_factory=list)
    warnings: list[WarningDraft] = field(default_factory=list)
    id: int = 0

    @property
    def balance_fen(self) -> int:
        return self.principal_fen - self.paid_fen - self.off_fen

    def pending_fen(self) -> int:
        return sum(r.fen for r in self.reports if r.status == ReportStatus.REPORTED)


def fen_to_yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def contract_fen(rng: random.Random) -> int:
    """Log-normal, median ≈ 400,000 yuan, clipped to 10⁴–10⁸ yuan; amounts mostly round to 100 yuan."""
    yuan = math.exp(rng.gauss(math.log(400_000), 1.55))
    yuan = min(100_000_000.0, max(10_000.0, yuan))
    fen = int(yuan * 100)
    return fen - fen % 10_000 if rng.random() < 0.8 else fen


class Picker:
    """Skewed choice (a few bodies owe much, a few firms are owed much) by cumulative weights."""

    def __init__(self, rng: random.Random, values: list[Any], sigma: float) -> None:
        self.values = values
        weights = [math.exp(rng.gauss(0, sigma)) for _ in values]
        self.cum = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]
