"""Stage 3: the arrears ledger, drafted item by item (`ledger_drafter`) and written in chunks.

Each chunk of drafts gets consecutive id blocks per table, then its rows go out through the table
writers (COPY / executemany) in foreign-key order: items, payment reports, disputes, entries, plans,
instalments, warnings. The cached totals on each item equal the sums of its entries by construction
(`ledger_verify` checks it afterwards, as it would after a restore).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from qingqian.demo.generate.common import Context, weighted
from qingqian.demo.generate.complaints import Outcomes
from qingqian.demo.generate.ledger_drafter import Drafter
from qingqian.demo.generate.ledger_drafts import SOURCES, ItemDraft, Picker, fen_to_yuan
from qingqian.demo.generate.registry import Registry
from qingqian.ledger import conf
from qingqian.ledger.choices import NON_CASH_METHODS, DisputeStatus, ItemSource
from qingqian.ledger.models import (
    ArrearsItem,
    Dispute,
    Instalment,
    LedgerEntry,
    LedgerWarning,
    PaymentReport,
    RepaymentPlan,
)
from qingqian.registry.models import Enterprise, Organisation
from qingqian.registry.reference import lpr_series, working_calendar

CHUNK = 10_000
ITEM_FIELDS = [
    "id", "debtor", "creditor", "creditor_size_class", "contract_number", "contract_name", "subject_kind",
    "signed_on", "contract_amount", "delivered_on", "acceptance_required", "acceptance_period_days",
    "accepted_on", "settlement_confirmed_on", "agreed_term_days", "agreed_annual_rate", "clauses",
    "project_name", "source", "source_ref", "note", "status", "assessed_at", "regulation", "start_on",
    "term_days", "due_on", "annual_rate_percent", "rate_num", "rate_den", "findings", "reassess_on",
    "explanation", "principal_total", "paid_total", "written_off_total", "balance", "disputed_amount",
    "reconciled_at", "closed_at", "close_basis", "created_at", "updated_at",
]  # fmt: skip
FACT_FIELDS = ITEM_FIELDS[3:21]
ASSESSED_FIELDS = ITEM_FIELDS[22:33]
REPORT_FIELDS = [
    "id", "item", "amount", "paid_on", "method", "non_cash", "reference", "note", "status", "reported_at",
    "confirm_due_at", "escalated_at", "decided_at", "reject_reason",
]  # fmt: skip
DISPUTE_FIELDS = [
    "id", "item", "amount", "reason", "path", "case_ref", "status", "raised_at", "resolved_at",
    "amount_owed", "outcome_note",
]  # fmt: skip
ENTRY_FIELDS = [
    "id", "item", "kind", "bucket", "amount", "effective_on", "reason", "reference", "reverses",
    "payment_report", "dispute", "recorded_at",
]  # fmt: skip
PLAN_FIELDS = [
    "id", "item", "version", "revises", "reason", "status", "total", "grace_days", "proposed_at",
    "decided_at", "decision_note", "baseline_paid",
]  # fmt: skip
INSTALMENT_FIELDS = ["id", "plan", "seq", "due_on", "amount", "state", "checked_at"]
WARNING_FIELDS = [
    "kind", "item", "debtor", "plan", "instalment", "payment_report", "message", "raised_at", "resolved_at",
    "resolution",
]  # fmt: skip


def generate_ledger(ctx: Context, registry: Registry, outcomes: Outcomes, count: int) -> dict[str, int]:
    rng = ctx.rng("ledger")
    drafter = Drafter(
        ctx,
        calendar=working_calendar(),
        lpr=lpr_series(),
        grace_days=conf.plan_grace_days(),
        escalate_days=conf.confirm_escalate_days(),
    )
    debtors = Picker(ctx.rng("debtor-weights"), registry.bodies, sigma=1.2)
    creditors = Picker(ctx.rng("creditor-weights"), registry.smes, sigma=1.0)
    from_complaints = outcomes.resolved[: max(1, count // 20)]
    scenarios: dict[str, int] = {}
    started = time.monotonic()
    done = 0

    def drafts() -> Iterator[ItemDraft]:
        for n in range(count):
            if n < len(from_complaints):
                number, debtor, creditor, amount, _on, _outcome = from_complaints[n]
                yield drafter.draft(
                    rng,
                    n,
                    debtor,
                    creditor,
                    source=ItemSource.COMPLAINT,
                    ref=number,
                    amount_fen=int(amount * 100),
                )
                continue
            source = weighted(rng, SOURCES)
            ref = ""
            if source == ItemSource.AUDIT:
                ref = f"审计发现〔{ctx.as_of.year - rng.randint(0, 3)}〕{rng.randint(1, 99)}号"
            elif source == ItemSource.UPSTREAM:
                ref = f"UP-{rng.randrange(10**8):08d}"
            yield drafter.draft(rng, n, debtors(rng), creditors(rng), source=source, ref=ref, amount_fen=None)

    stream = drafts()
    while done < count:
        chunk = [d for _i, d in zip(range(CHUNK), stream, strict=False)]
        if not chunk:
            break
        for d in chunk:
            scenarios[d.scenario] = scenarios.get(d.scenario, 0) + 1
        write_chunk(ctx, chunk)
        done += len(chunk)
        rate = done / max(time.monotonic() - started, 1e-6)
        ctx.progress(f"ledger: {done:,}/{count:,} items ({rate:,.0f} items/s)")
    return scenarios


def write_chunk(ctx: Context, drafts: list[ItemDraft]) -> None:
    _assign_ids(ctx, drafts)
    ctx.writer(
        ArrearsItem, ITEM_FIELDS, refs={"id": ArrearsItem, "debtor": Organisation, "creditor": Enterprise}
    ).write(_item_rows(ctx, drafts))
    ctx.writer(PaymentReport, REPORT_FIELDS, refs={"id": PaymentReport, "item": ArrearsItem}).write(
        (r.id, d.id, fen_to_yuan(r.fen), r.paid_on, r.method, r.method in NON_CASH_METHODS, r.reference, "",
         r.status, r.reported_at, r.confirm_due_at, r.escalated_at, r.decided_at, r.reject_reason)
        for d in drafts
        for r in d.reports
    )  # fmt: skip
    ctx.writer(Dispute, DISPUTE_FIELDS, refs={"id": Dispute, "item": ArrearsItem}).write(
        (x.id, d.id, fen_to_yuan(x.fen), x.reason, x.path, x.case_ref,
         DisputeStatus.RESOLVED if x.resolved_at else DisputeStatus.OPEN, x.raised_at, x.resolved_at,
         fen_to_yuan(x.owed_fen) if x.owed_fen is not None else None, x.note)
        for d in drafts
        for x in d.disputes
    )  # fmt: skip
    ctx.writer(
        LedgerEntry,
        ENTRY_FIELDS,
        refs={
            "id": LedgerEntry,
            "item": ArrearsItem,
            "reverses": LedgerEntry,
            "payment_report": PaymentReport,
            "dispute": Dispute,
        },
    ).write(
        (e.id, d.id, e.kind, e.bucket, fen_to_yuan(e.fen), e.effective_on, e.reason, e.reference,
         e.reverses.id if e.reverses else None, e.report.id if e.report else None,
         e.dispute.id if e.dispute else None, e.recorded_at)
        for d in drafts
        for e in d.entries
    )  # fmt: skip
    ctx.writer(RepaymentPlan, PLAN_FIELDS, refs={"id": RepaymentPlan, "item": ArrearsItem, "revises": RepaymentPlan}).write(
        (p.id, d.id, p.version, p.revises.id if p.revises else None, p.reason, p.status, fen_to_yuan(p.total_fen),
         p.grace_days, p.proposed_at, p.decided_at, p.decision_note,
         fen_to_yuan(p.baseline_fen) if p.baseline_fen is not None else None)
        for d in drafts
        for p in d.plans
    )  # fmt: skip
    ctx.writer(Instalment, INSTALMENT_FIELDS, refs={"id": Instalment, "plan": RepaymentPlan}).write(
        (i.id, p.id, i.seq, i.due_on, fen_to_yuan(i.fen), i.state, i.checked_at)
        for d in drafts
        for p in d.plans
        for i in p.instalments
    )
    ctx.writer(
        LedgerWarning,
        WARNING_FIELDS,
        refs={
            "item": ArrearsItem,
            "debtor": Organisation,
            "plan": RepaymentPlan,
            "instalment": Instalment,
            "payment_report": PaymentReport,
        },
    ).write(
        (w.kind, d.id, d.debtor.id, w.plan.id if w.plan else None, w.instalment.id if w.instalment else None,
         w.report.id if w.report else None, w.message, w.raised_at, w.resolved_at, w.resolution)
        for d in drafts
        for w in d.warnings
    )  # fmt: skip


def _assign_ids(ctx: Context, drafts: list[ItemDraft]) -> None:
    def block(model: Any, objects: list[Any]) -> None:
        first = ctx.reserve(model, len(objects))
        for k, obj in enumerate(objects):
            obj.id = first + k

    block(ArrearsItem, drafts)
    block(PaymentReport, [r for d in drafts for r in d.reports])
    block(Dispute, [x for d in drafts for x in d.disputes])
    block(LedgerEntry, [e for d in drafts for e in d.entries])
    block(RepaymentPlan, [p for d in drafts for p in d.plans])
    block(Instalment, [i for d in drafts for p in d.plans for i in p.instalments])


def _item_rows(ctx: Context, drafts: list[ItemDraft]) -> Iterator[tuple[Any, ...]]:
    for d in drafts:
        f = d.facts
        last = max([d.created_at, *(e.recorded_at for e in d.entries), d.closed_at or d.created_at])
        yield (
            d.id,
            d.debtor.id,
            d.creditor.id,
            *(f[name] for name in FACT_FIELDS),
            d.status,
            *(f[name] for name in ASSESSED_FIELDS),
            fen_to_yuan(d.principal_fen),
            fen_to_yuan(d.paid_fen),
            fen_to_yuan(d.off_fen),
            fen_to_yuan(d.balance_fen),
            fen_to_yuan(d.disputed_fen),
            d.reconciled_at,
            d.closed_at,
            d.close_basis,
            d.created_at,
            last,
        )
