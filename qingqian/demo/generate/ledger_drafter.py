"""Stage 3a: one arrears item at a time, drafted in memory with its whole money history.

Per item: the contract facts (long-tailed amounts, 10⁴–10⁸ yuan, log-normal), the rules' assessment
(due date, rate, findings) through the ledger's own `contract_input`/`apply_assessment`, then a story of
payments in time order — paid on time, paid late, partly paid, nothing paid, a repayment plan with
instalments met or breached, a dispute open or resolved by negotiation (principal adjustment) or court
(write-off) — with every payment reported by the debtor and confirmed by the SME (or still waiting,
escalated, rejected or withdrawn), a few reversed, and clearance (对账销号) where the balance reached zero.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from qingqian.demo.generate.common import Context, weighted
from qingqian.demo.generate.ledger_drafts import (
    CONTRACT_NAMES,
    DAY,
    PROJECT_WORDS,
    SCENARIO_NAMES,
    SCENARIOS,
    SUBJECTS,
    EntryDraft,
    ItemDraft,
    contract_fen,
    fen_to_yuan,
)
from qingqian.demo.generate.ledger_plans import PlanStories
from qingqian.demo.generate.registry import Body, Sme
from qingqian.ledger.assessment import apply_assessment, contract_input
from qingqian.ledger.models import payer_kind_of
from qingqian.rules import Calendar, LprSeries, assess


class Drafter(PlanStories):
    """Drafts items; one instance per run (shared calendar, LPR series, settings)."""

    def __init__(
        self, ctx: Context, *, calendar: Calendar, lpr: LprSeries, grace_days: int, escalate_days: int
    ):
        self.ctx = ctx
        self.calendar = calendar
        self.lpr = lpr
        self.grace_days = grace_days
        self.escalate = dt.timedelta(days=escalate_days)
        self.now = ctx.now
        self.as_of = ctx.as_of

    # --- the contract and its assessment ---------------------------------------------------------------

    def facts(
        self, rng: random.Random, n: int, debtor: Body, creditor: Sme, source: str, ref: str
    ) -> dict[str, Any]:
        as_of = self.as_of
        subject = weighted(rng, SUBJECTS)
        signed = as_of - dt.timedelta(days=min(2200, 45 + int(rng.expovariate(1 / 420))))
        if n < 2 * len(SCENARIO_NAMES):  # the showcase items of every run: old enough for every story
            signed = as_of - dt.timedelta(days=rng.randrange(500, 800))
        span = {"works": (30, 420), "goods": (5, 90), "services": (30, 365)}[subject]
        delivered: dt.date | None = signed + dt.timedelta(days=rng.randrange(*span))
        if (
            delivered is not None and delivered >= as_of
        ):  # a recent contract: delivered some day since signing
            delivered = signed + dt.timedelta(days=rng.randrange(max(1, (as_of - signed).days)))
        if rng.random() < 0.03:
            delivered = None  # not delivered yet, or the date is not known: the rules cannot assess it
        accept_p = {"works": 0.6, "goods": 0.3, "services": 0.2}[subject]
        acceptance = rng.random() < accept_p
        period = rng.choice((15, 30, 60, 90, None)) if acceptance else None
        accepted = None
        if acceptance and delivered is not None and rng.random() < 0.85:
            accepted = min(as_of, delivered + dt.timedelta(days=rng.randrange(3, (period or 45) + 40)))
        settlement = None
        if subject == "works" and accepted is not None and rng.random() < 0.2:
            settlement = min(as_of, accepted + dt.timedelta(days=rng.randrange(10, 90)))
        public = debtor.kind in ("organ", "institution")
        term = (
            weighted(rng, [(30, 50), (60, 20), (90, 5), (None, 25)])
            if public
            else weighted(rng, [(60, 40), (90, 20), (120, 10), (None, 30)])
        )
        rate = None
        if rng.random() < 0.2:
            rate = Decimal(rng.choice(("1.50", "2.00", "3.00", "3.45", "4.35", "6.00")))
        clauses: dict[str, Any] = {}
        if not public and rng.random() < 0.06:
            clauses["back_to_back"] = True
        if rng.random() < 0.03:
            clauses["audit_settlement"] = True
        if rng.random() < 0.02:
            clauses["forced_bills"] = True
        if subject == "works":
            if rng.random() < 0.5:
                clauses["retention_percent"] = rng.choice(("3", "3", "5"))
            if rng.random() < 0.3:
                clauses["progress_payment_percent"] = rng.choice(("70", "80", "85"))
        region_tag = debtor.region_path.rstrip("/").rsplit("/", 1)[-1][-4:]
        project = ""
        if subject == "works":
            project = f"{debtor.name[:6]}{rng.choice(PROJECT_WORDS)}项目"
        return {
            "creditor_size_class": creditor.size_class if creditor.size_class != "unknown" else "small",
            "contract_number": f"{region_tag}-{signed.year}-{n + 1:07d}",
            "contract_name": rng.choice(CONTRACT_NAMES[subject]),
            "subject_kind": subject,
            "signed_on": signed,
            "delivered_on": delivered,
            "acceptance_required": acceptance,
            "acceptance_period_days": period,
            "accepted_on": accepted,
            "settlement_confirmed_on": settlement,
            "agreed_term_days": term,
            "agreed_annual_rate": rate,
            "clauses": clauses,
            "project_name": project,
            "source": source,
            "source_ref": ref,
            "note": "",
        }

    def assess(
        self, facts: dict[str, Any], principal_fen: int, payer: str, created: dt.date
    ) -> dict[str, Any]:
        """The rules' assessment stored on the item, exactly as the ledger stores it."""
        item = SimpleNamespace(**facts)
        entries = [("principal", created, fen_to_yuan(principal_fen))]
        contract = contract_input(item, as_of=self.as_of, entries=entries, payer_kind=payer)  # type: ignore[arg-type]
        result = (  # no payments yet: what is stored does not need the interest
            assess(contract, calendar=self.calendar, lpr=self.lpr, interest=False)
            if contract is not None
            else None
        )
        apply_assessment(item, result)  # type: ignore[arg-type]
        out = vars(item)
        out["assessed_at"] = self.now
        return out

    # --- one item ------------------------------------------------------------------------------------

    def draft(
        self,
        rng: random.Random,
        n: int,
        debtor: Body,
        creditor: Sme,
        *,
        source: str,
        ref: str,
        amount_fen: int | None,
    ) -> ItemDraft:
        facts = self.facts(rng, n, debtor, creditor, source, ref)
        cfen = contract_fen(rng)
        if amount_fen is not None:
            cfen = max(cfen, amount_fen)
        facts["contract_amount"] = fen_to_yuan(cfen)
        principal = cfen if rng.random() < 0.55 else max(100, int(cfen * rng.uniform(0.1, 0.9)))
        if amount_fen is not None:
            principal = min(cfen, amount_fen)
        start = facts["delivered_on"] or facts["signed_on"]
        registered = start + dt.timedelta(days=rng.randint(0, max(0, min(60, (self.as_of - start).days))))
        self.registered = registered
        facts = self.assess(facts, principal, payer_kind_of(debtor.kind), registered)
        item = ItemDraft(
            n, debtor, creditor, facts, self.ctx.at(registered, 9, n % 60), principal_fen=principal
        )
        item.entries.append(
            EntryDraft(
                "confirmed", "principal", principal, registered, item.created_at, reason="登记确认欠款"
            )
        )
        due = facts["due_on"] or (start + dt.timedelta(days=60))
        showcase = n < 2 * len(SCENARIO_NAMES)  # every run starts with every story, twice
        scenario = SCENARIO_NAMES[n % len(SCENARIO_NAMES)] if showcase else weighted(rng, SCENARIOS)
        if due >= self.as_of and scenario in ("late", "plan", "dispute_court", "dispute_agreed"):
            scenario = rng.choice(("on_time", "partial", "unpaid"))
        if (self.as_of - registered).days < 20 and not scenario.startswith("dispute"):
            scenario = "unpaid"  # registered in the last days: nothing paid on it yet
        item.scenario = scenario
        self._story(rng, item, scenario, registered, due, showcase=showcase)
        self._extra_reports(rng, item, registered)
        self._close(rng, item)
        return item

    def _story(
        self,
        rng: random.Random,
        item: ItemDraft,
        scenario: str,
        registered: dt.date,
        due: dt.date,
        *,
        showcase: bool,
    ) -> None:
        as_of = self.as_of
        if scenario == "on_time":
            days = sorted(
                self._days(
                    rng, max(registered, due - dt.timedelta(days=60)), min(due, as_of), rng.randint(2, 5)
                )
            )
            self._pay_split(rng, item, days, item.balance_fen)
        elif scenario == "late":
            last = min(as_of, due + dt.timedelta(days=rng.randrange(1, 420)))
            days = sorted(
                self._days(rng, max(registered, due - dt.timedelta(days=30)), last, rng.randint(3, 7))
            )
            days[-1] = max(days[-1], due + DAY)
            self._pay_split(rng, item, days, item.balance_fen)
        elif scenario == "partial":
            k = rng.randint(3, 10)
            days = sorted(self._days(rng, max(registered, due - dt.timedelta(days=30)), as_of, k))
            share = int(item.balance_fen * rng.uniform(0.2, 0.9))
            self._pay_split(rng, item, days, share)
            if rng.random() < 0.06:
                self._reverse(rng, item)
        elif scenario == "plan":
            self._plan_story(rng, item, registered, due, showcase=showcase)
        elif scenario.startswith("dispute"):
            self._dispute_story(rng, item, scenario, registered, due)
