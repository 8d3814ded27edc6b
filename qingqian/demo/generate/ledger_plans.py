"""Repayment-plan stories: approved plans kept or broken instalment by instalment (judged exactly as
`plans_check_breaches` judges them), revisions beside their originals, pending and rejected proposals."""

from __future__ import annotations

import datetime as dt
import random

from qingqian.demo.generate.ledger_drafts import (
    DAY,
    SCENARIO_NAMES,
    InstalmentDraft,
    ItemDraft,
    PlanDraft,
    WarningDraft,
    fen_to_yuan,
)
from qingqian.demo.generate.ledger_payments import PaymentStories
from qingqian.ledger.choices import InstalmentState, PlanStatus


class PlanStories(PaymentStories):
    def _plan_story(
        self, rng: random.Random, item: ItemDraft, registered: dt.date, due: dt.date, *, showcase: bool
    ) -> None:
        """Part paid, then an approved plan kept or broken; some revised, some with a new proposal.
        The first plan items of a run (`showcase`) always show a revision and a pending or rejected proposal."""
        as_of = self.as_of
        before = self._days(
            rng,
            max(registered, due - dt.timedelta(days=20)),
            min(as_of, due + dt.timedelta(days=90)),
            rng.randint(0, 2),
        )
        self._pay_split(rng, item, sorted(before), int(item.balance_fen * rng.uniform(0.1, 0.4)))
        approved_on = min(as_of - dt.timedelta(days=10), max(due + dt.timedelta(days=30), registered + DAY))
        approved_on = approved_on + dt.timedelta(days=rng.randint(0, max(0, (as_of - approved_on).days - 10)))
        plan = self._approve_plan(rng, item, approved_on, version=1, revises=None)
        if plan is None:
            return
        cut = as_of
        if (showcase or rng.random() < 0.2) and len(
            plan.instalments
        ) >= 3:  # revised after the first instalments
            cut = min(as_of - DAY, plan.instalments[1].due_on + dt.timedelta(days=self.grace_days + 3))
        self._keep_plan(rng, item, plan, until=cut, showcase=showcase)
        if cut < as_of:
            plan.status = PlanStatus.SUPERSEDED
            revision = self._approve_plan(rng, item, cut, version=2, revises=plan)
            if revision is not None:
                self._keep_plan(rng, item, revision, until=as_of, showcase=showcase)
        if (
            showcase or rng.random() < 0.05
        ) and item.balance_fen - item.disputed_fen - item.pending_fen() > 0:
            if showcase:  # the first showcase plan is refused, the second still waits for approval
                status = PlanStatus.REJECTED if item.n < len(SCENARIO_NAMES) else PlanStatus.PROPOSED
            else:
                status = PlanStatus.REJECTED if rng.random() < 0.3 else PlanStatus.PROPOSED
            self._propose_only(rng, item, version=len(item.plans) + 1, status=status)

    def _approve_plan(
        self, rng: random.Random, item: ItemDraft, day: dt.date, *, version: int, revises: PlanDraft | None
    ) -> PlanDraft | None:
        undisputed = item.balance_fen - item.disputed_fen  # what `plan_propose` requires the plan to cover
        if undisputed <= 0:
            return None
        k = rng.randint(3, 8)
        part = undisputed // k
        amounts = [part] * (k - 1) + [undisputed - part * (k - 1)]
        if part <= 0:
            amounts = [undisputed]
        start = day + dt.timedelta(days=rng.choice((20, 30, 45)))
        instalments = [
            InstalmentDraft(i + 1, start + dt.timedelta(days=30 * i), fen) for i, fen in enumerate(amounts)
        ]
        plan = PlanDraft(
            version=version,
            status=PlanStatus.APPROVED,
            total_fen=undisputed,
            grace_days=self.grace_days,
            reason="财政资金分批拨付，申请分期偿还"
            if revises is None
            else "财政资金安排调整，申请修订还款计划",
            proposed_at=self.ctx.at(day - dt.timedelta(days=rng.randint(3, 15)), 10),
            decided_at=self.ctx.at(day, 15),
            baseline_fen=item.paid_fen,
            instalments=instalments,
            revises=revises,
            decision_note="同意按计划分期偿还",
        )
        item.plans.append(plan)
        return plan

    def _keep_plan(
        self, rng: random.Random, item: ItemDraft, plan: PlanDraft, *, until: dt.date, showcase: bool = False
    ) -> None:
        """Pay (or not) each instalment, then judge it exactly as `plans_check_breaches` does. A showcase
        debtor pays about half (so a run always shows breaches and a balance left for a new proposal)."""
        reliability = rng.choice((0.95, 0.8, 0.6, 0.3))
        if showcase:
            reliability = 0.5
        planned = 0
        for inst in plan.instalments:
            grace_end = inst.due_on + dt.timedelta(days=plan.grace_days)
            if until < self.as_of and grace_end >= until:
                break  # superseded by a revision before this instalment was judged
            if inst.due_on - dt.timedelta(days=5) > self.as_of:
                break  # not due yet
            planned += inst.fen
            roll = rng.random()
            owed_now = planned - (item.paid_fen - (plan.baseline_fen or 0))
            room = item.balance_fen - item.pending_fen()
            day = inst.due_on - dt.timedelta(days=rng.randint(0, 5))
            if day <= self.as_of and owed_now > 0 and room > 0 and roll < reliability:
                self.pay(rng, item, day, min(owed_now, room), decide_within=2)
            elif inst.due_on <= self.as_of and owed_now > 1 and room > 0 and roll < reliability + 0.15:
                self.pay(rng, item, inst.due_on, min(owed_now // 2, room), decide_within=2)
            if grace_end >= self.as_of:
                continue  # judged by the sweeper the day after its grace ends
            end = self.ctx.at(grace_end + DAY, 0)
            paid = sum(e.fen for e in item.entries if e.bucket == "payment" and e.recorded_at < end)
            inst.checked_at = end + dt.timedelta(hours=1)
            if paid - (plan.baseline_fen or 0) >= planned:
                inst.state = InstalmentState.MET
            else:
                inst.state = InstalmentState.BREACHED
                item.warnings.append(
                    WarningDraft(
                        "plan_breach",
                        f"还款计划第 {plan.version} 版第 {inst.seq} 期（{inst.due_on.isoformat()}，累计应还 "
                        f"{fen_to_yuan(planned)} 元）未按期履行，差额 {fen_to_yuan(planned - paid + (plan.baseline_fen or 0))} 元。",
                        inst.checked_at,
                        plan=plan,
                        instalment=inst,
                    )
                )

    def _propose_only(self, rng: random.Random, item: ItemDraft, version: int, *, status: str) -> None:
        undisputed = item.balance_fen - item.disputed_fen
        day = self.as_of - dt.timedelta(days=rng.randint(1, 20))
        current = next((p for p in item.plans if p.status == PlanStatus.APPROVED), None)
        plan = PlanDraft(
            version=version,
            status=status,
            total_fen=undisputed,
            grace_days=self.grace_days,
            reason="申请延长还款期限",
            proposed_at=self.ctx.at(day, 10),
            decided_at=self.ctx.at(day + DAY, 16) if status == PlanStatus.REJECTED else None,
            baseline_fen=None,
            instalments=[InstalmentDraft(1, self.as_of + dt.timedelta(days=60), undisputed)],
            revises=current if status == PlanStatus.PROPOSED else None,
            decision_note="资金来源不明确，不予批准" if status == PlanStatus.REJECTED else "",
        )
        item.plans.append(plan)
