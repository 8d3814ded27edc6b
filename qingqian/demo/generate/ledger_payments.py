"""Payment stories of an item: reported payments the SME confirms (or not yet, or rejects), reversals,
disputes resolved by negotiation (principal adjustment) or court (write-off), and clearance (对账销号)."""

from __future__ import annotations

import datetime as dt
import random

from qingqian.demo.generate.common import Context, weighted
from qingqian.demo.generate.ledger_drafts import (
    METHODS,
    REJECT_REASONS,
    DisputeDraft,
    EntryDraft,
    ItemDraft,
    ReportDraft,
    WarningDraft,
    fen_to_yuan,
)
from qingqian.ledger.choices import DisputePath, ReportStatus


class PaymentStories:
    """What happens to an item's money after registration (mixed into `Drafter`)."""

    ctx: Context
    as_of: dt.date
    now: dt.datetime
    escalate: dt.timedelta
    grace_days: int
    registered: dt.date  # the date the item being drafted was registered

    def _days(self, rng: random.Random, low: dt.date, high: dt.date, k: int) -> list[dt.date]:
        """k days in [low, high], never after the run's date (nothing is paid in the future); a window that
        starts after the run's date (an item not due yet) falls back to the days since it was registered."""
        high = min(high, self.as_of)
        if low > high:
            low = min(self.registered, high)
        span = (high - low).days
        return [low + dt.timedelta(days=rng.randint(0, span)) for _ in range(k)]

    def _pay_split(self, rng: random.Random, item: ItemDraft, days: list[dt.date], total: int) -> None:
        """`total` fen paid over `days` in rough instalments (each one reported, then confirmed or not)."""
        left = min(total, item.balance_fen - item.pending_fen())
        for i, day in enumerate(days):
            if left <= 0:
                return
            fen = left if i == len(days) - 1 else max(1, int(left * rng.uniform(0.2, 0.7)))
            self.pay(rng, item, day, fen)
            left -= fen

    def pay(
        self, rng: random.Random, item: ItemDraft, day: dt.date, fen: int, *, decide_within: int = 9
    ) -> ReportDraft:
        """The debtor reports a payment; the SME confirms it unless the answer is still due at the run's clock."""
        method = weighted(rng, METHODS)
        day = min(day, self.as_of)
        reported_day = day + dt.timedelta(days=rng.randint(0, 3))
        if reported_day > self.as_of:
            reported_day = day  # a recent payment: reported the same day
        reported = self.ctx.at(reported_day, 9 + rng.randrange(8), rng.randrange(60))
        decided = reported + dt.timedelta(hours=rng.randrange(2, max(3, 24 * decide_within)))
        report = ReportDraft(
            fen=fen,
            paid_on=day,
            method=method,
            reference=f"{'PJ' if method != 'bank_transfer' else 'YH'}{day:%Y%m%d}{rng.randrange(10**6):06d}",
            status=ReportStatus.CONFIRMED,
            reported_at=reported,
            confirm_due_at=reported + self.escalate,
        )
        item.reports.append(report)
        if decided > self.now:
            report.status = ReportStatus.REPORTED
            self._maybe_escalate(item, report)
            return report
        report.decided_at = decided
        item.paid_fen += fen
        item.entries.append(
            EntryDraft("payment", "payment", fen, day, decided, reference=report.reference, report=report)
        )
        return report

    def _maybe_escalate(self, item: ItemDraft, report: ReportDraft) -> None:
        if report.confirm_due_at > self.now:
            return
        report.escalated_at = report.confirm_due_at + dt.timedelta(minutes=30)
        days = (report.escalated_at - report.reported_at).days
        item.warnings.append(
            WarningDraft(
                "payment_unconfirmed",
                f"付款报告（{fen_to_yuan(report.fen)} 元，{report.paid_on.isoformat()}）已 {days} 天未获企业确认，已上报专班办公室。",
                report.escalated_at,
                report=report,
            )
        )

    def _reverse(self, rng: random.Random, item: ItemDraft) -> None:
        payments = [e for e in item.entries if e.kind == "payment"]
        if not payments:
            return
        target = rng.choice(payments)
        when = min(self.now, target.recorded_at + dt.timedelta(days=rng.randint(1, 20)))
        item.entries.append(
            EntryDraft(
                "reversal", "payment", -target.fen, target.effective_on, when, reason="冲正：银行退票，款项未到账",
                reference=target.reference, reverses=target,
            )
        )  # fmt: skip
        item.paid_fen -= target.fen

    def _dispute_story(
        self, rng: random.Random, item: ItemDraft, scenario: str, registered: dt.date, due: dt.date
    ) -> None:
        as_of = self.as_of
        if rng.random() < 0.6:
            days = self._days(rng, max(registered, due - dt.timedelta(days=20)), as_of, rng.randint(1, 3))
            self._pay_split(rng, item, sorted(days), int(item.balance_fen * rng.uniform(0.2, 0.6)))
        room = item.balance_fen - item.pending_fen()
        if room <= 1:
            return
        fen = max(1, int(room * rng.uniform(0.1, 0.6)))
        raised = min(as_of, due + dt.timedelta(days=rng.randint(5, 200)))
        path = rng.choice((DisputePath.NEGOTIATION, DisputePath.MEDIATION, DisputePath.COURT))
        if scenario == "dispute_court":
            path = DisputePath.COURT
        elif scenario == "dispute_agreed":
            path = rng.choice((DisputePath.NEGOTIATION, DisputePath.MEDIATION))
        case_ref = (
            f"（{raised.year}）冀01民初{rng.randrange(100, 9999)}号" if path == DisputePath.COURT else ""
        )
        dispute = DisputeDraft(
            fen=fen,
            reason=rng.choice(
                ("工程量结算存在争议", "质量问题扣款有争议", "合同外增项未确认", "验收结论有争议")
            ),
            path=path,
            case_ref=case_ref,
            raised_at=self.ctx.at(raised, 14),
        )
        item.disputes.append(dispute)
        if scenario == "dispute_open":
            item.disputed_fen += fen
            return
        resolved = min(as_of, raised + dt.timedelta(days=rng.randint(20, 300)))
        owed = int(fen * rng.uniform(0, 0.8))
        dispute.resolved_at = self.ctx.at(resolved, 16)
        dispute.owed_fen = owed
        dispute.note = "判决认定部分款项" if path == DisputePath.COURT else "双方协商一致，核减部分款项"
        gone = fen - owed
        if gone > 0:
            court = path == DisputePath.COURT
            item.entries.append(
                EntryDraft(
                    "write_off" if court else "adjustment",
                    "write_off" if court else "principal",
                    gone if court else -gone,
                    resolved,
                    dispute.resolved_at,
                    reason=("判决认定不予支付：" if court else f"{DisputePath(path).label}结果核减：")
                    + dispute.note,
                    reference=case_ref if court else "",
                    dispute=dispute,
                )
            )
            if court:
                item.off_fen += gone
            else:
                item.principal_fen -= gone
        rest = item.balance_fen - item.pending_fen()
        if rng.random() < 0.5 and resolved < as_of and rest > 0:
            self.pay(rng, item, min(as_of, resolved + dt.timedelta(days=rng.randint(5, 60))), rest)

    def _extra_reports(self, rng: random.Random, item: ItemDraft, registered: dt.date) -> None:
        """Reports the SME rejected, reports the debtor withdrew, and reports still waiting for an answer."""
        room = item.balance_fen - item.pending_fen()
        if room <= 100:
            return
        roll = rng.random()
        if roll < 0.06:  # rejected by the SME
            day = self._days(rng, registered, self.as_of, 1)[0]
            report = self.pay(rng, item, day, max(1, int(room * rng.uniform(0.1, 0.5))), decide_within=0)
            self._undo(item, report, ReportStatus.REJECTED, rng.choice(REJECT_REASONS))
        elif roll < 0.08:  # withdrawn by the debtor
            day = self._days(rng, registered, self.as_of, 1)[0]
            report = self.pay(rng, item, day, max(1, int(room * rng.uniform(0.1, 0.5))), decide_within=0)
            self._undo(item, report, ReportStatus.WITHDRAWN, "")
        elif roll < 0.15:  # waiting for the SME (some past the escalation deadline)
            day = self.as_of - dt.timedelta(days=rng.randint(0, 40))
            fen = max(1, int(room * rng.uniform(0.1, 0.9)))
            reported = self.ctx.at(day, 9 + rng.randrange(8), rng.randrange(60))
            report = ReportDraft(
                fen=fen,
                paid_on=day,
                method=weighted(rng, METHODS),
                reference=f"YH{day:%Y%m%d}{rng.randrange(10**6):06d}",
                status=ReportStatus.REPORTED,
                reported_at=reported,
                confirm_due_at=reported + self.escalate,
            )
            item.reports.append(report)
            self._maybe_escalate(item, report)

    def _undo(self, item: ItemDraft, report: ReportDraft, status: str, reason: str) -> None:
        """A report that ends rejected or withdrawn never becomes an entry."""
        if report.status == ReportStatus.CONFIRMED:
            item.entries = [e for e in item.entries if e.report is not report]
            item.paid_fen -= report.fen
        item.warnings = [w for w in item.warnings if w.report is not report]
        report.status = status
        report.escalated_at = None
        report.reject_reason = reason
        report.decided_at = min(self.now, report.reported_at + dt.timedelta(hours=20))

    def _close(self, rng: random.Random, item: ItemDraft) -> None:
        """对账销号 where nothing is owed, nothing waits and nothing is disputed (most, not all)."""
        if item.balance_fen != 0 or item.pending_fen() or item.disputed_fen:
            return
        last = max(e.recorded_at for e in item.entries)
        if rng.random() < 0.85:
            item.reconciled_at = min(self.now, last + dt.timedelta(days=rng.randint(1, 20)))
            if rng.random() < 0.9:
                item.closed_at = min(self.now, item.reconciled_at + dt.timedelta(days=rng.randint(0, 10)))
                item.status = "closed"
                item.close_basis = "legal_outcome" if item.off_fen > 0 else "payments"
                for w in item.warnings:
                    w.resolved_at = w.resolved_at or item.closed_at
                    w.resolution = w.resolution or "已销号"
