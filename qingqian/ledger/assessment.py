"""The bridge to the rules core: an item (plus its entries) as a `ContractInput`, and the stored assessment.

What the ledger feeds `assess`:

* ``amount`` — the confirmed principal (Σ principal-bucket entries: confirmed arrears and adjustments,
  ab initio), not the contract amount: interest runs on what is owed;
* ``payments`` — confirmed payments **and** write-offs, netted per day (a reversal carries the date of
  what it reverses, so a reversed payment disappears). A write-off ends interest on its part from its
  date, as a payment would; it never counts as cleared;
* policies — the defaults (signing date picks the version; principal-first allocation).

The stored fields (due date, version, findings, exact daily rate) do not depend on the payments, so the
set-based aging (`aging.py`) can compute interest to any date from them and the entries alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone

from qingqian.ledger.choices import EntryBucket
from qingqian.ledger.models import ArrearsItem, LedgerEntry, payer_kind_of
from qingqian.rules import (
    DEFAULT_POLICIES,
    Assessment,
    Calendar,
    Clauses,
    ContractInput,
    LprSeries,
    Payment,
    Reason,
    assess,
    finding,
    get_parameters,
    reason_from_ref,
)
from qingqian.rules.money import display_rate

CLAUSE_BOOLS = (
    "back_to_back",
    "audit_settlement",
    "audit_settlement_contract_agreed",
    "forced_bills",
    "contractor_advance_funding",
    "without_budget",
)
CLAUSE_PERCENTS = ("retention_percent", "progress_payment_percent")
ASSESSMENT_FIELDS = [
    "assessed_at",
    "regulation",
    "start_on",
    "term_days",
    "due_on",
    "annual_rate_percent",
    "rate_num",
    "rate_den",
    "findings",
    "explanation",
    "reassess_on",
]


def clauses_from_json(data: dict[str, Any] | None) -> Clauses:
    data = data or {}
    kwargs: dict[str, Any] = {name: bool(data.get(name, False)) for name in CLAUSE_BOOLS}
    kwargs["deposit_kinds"] = tuple(str(k) for k in data.get("deposit_kinds", []) or [])
    for name in CLAUSE_PERCENTS:
        raw = data.get(name)
        kwargs[name] = Decimal(str(raw)) if raw not in (None, "") else None
    return Clauses(**kwargs)


def reductions_by_day(entries: list[tuple[str, dt.date, Decimal]]) -> list[Payment]:
    """(bucket, effective_on, amount) rows → positive net reductions per day (payments + write-offs)."""
    per_day: dict[dt.date, Decimal] = defaultdict(Decimal)
    for bucket, day, amount in entries:
        if bucket in (EntryBucket.PAYMENT, EntryBucket.WRITE_OFF):
            per_day[day] += amount
    return [Payment(paid_on=day, amount=total) for day, total in sorted(per_day.items()) if total > 0]


def principal_of(entries: list[tuple[str, dt.date, Decimal]]) -> Decimal:
    return sum((a for b, _d, a in entries if b == EntryBucket.PRINCIPAL), Decimal("0.00"))


def entry_rows(item: ArrearsItem) -> list[tuple[str, dt.date, Decimal]]:
    return list(LedgerEntry.objects.filter(item=item).values_list("bucket", "effective_on", "amount"))


def contract_input(
    item: ArrearsItem,
    *,
    as_of: dt.date,
    entries: list[tuple[str, dt.date, Decimal]] | None = None,
    payer_kind: str | None = None,
) -> ContractInput | None:
    """None when the rules cannot assess the item (no delivery date, or nothing owed)."""
    rows = entry_rows(item) if entries is None else entries
    principal = principal_of(rows)
    if item.delivered_on is None or principal <= 0:
        return None
    return contract_of(
        payer_kind or payer_kind_of(item.debtor.kind),
        tuple(getattr(item, name) for name in ASSESSED_FACTS),
        clauses_from_json(item.clauses),
        amount=principal,
        as_of=as_of,
        payments=tuple(p for p in reductions_by_day(rows) if p.paid_on <= as_of),
    )


#: the item's facts the rules read: `ContractInput`'s fields but those the ledger supplies itself
ASSESSED_FACTS = tuple(
    f.name
    for f in dataclasses.fields(ContractInput)
    if f.name not in ("payer_kind", "amount", "as_of", "payments")
)


def contract_of(
    payer_kind: str,
    facts: tuple[Any, ...],
    terms: Clauses,
    *,
    amount: Decimal,
    as_of: dt.date,
    payments: tuple[Payment, ...] = (),
) -> ContractInput:
    """The rules' input from an item's facts (in `ASSESSED_FACTS` order; its clauses already read)."""
    values = dict(zip(ASSESSED_FACTS, facts, strict=True))
    values["acceptance_required"] = bool(values["acceptance_required"])
    values["clauses"] = terms
    rate = values["agreed_annual_rate"]
    if rate is not None:  # as the rules explain it: 3.45, whether typed so or read back as 3.4500
        values["agreed_annual_rate"] = Decimal(format(rate.normalize(), "f"))
    return ContractInput(payer_kind=payer_kind, amount=amount, as_of=as_of, payments=payments, **values)  # type: ignore[arg-type]


def assess_item(
    item: ArrearsItem,
    *,
    as_of: dt.date | None = None,
    entries: list[tuple[str, dt.date, Decimal]] | None = None,
    calendar: Calendar | None = None,
    lpr: LprSeries | None = None,
    payer_kind: str | None = None,
) -> Assessment | None:
    from qingqian.registry.reference import lpr_series, working_calendar

    contract = contract_input(
        item, as_of=as_of or timezone.localdate(), entries=entries, payer_kind=payer_kind
    )
    if contract is None:
        return None
    return assess(contract, calendar=calendar or working_calendar(), lpr=lpr or lpr_series())


def exact_daily_rate(result: Assessment) -> Fraction | None:
    """The exact daily rate behind an assessment (the rules display a rounded one)."""
    if result.due_on is None:
        return None
    if result.annual_rate_percent is not None:
        return _rate_of_annual(result.annual_rate_percent)
    return _default_rate_on(result.rule_date)


@functools.lru_cache(maxsize=1024)
def _rate_of_annual(annual_percent: Decimal) -> Fraction:
    return Fraction(annual_percent) / 36500


@functools.lru_cache(maxsize=1024)
def _default_rate_on(rule_date: dt.date) -> Fraction | None:
    default = get_parameters().rules_at(rule_date).default_daily_rate
    return Fraction(default) if default is not None else None


# --- what an item stores of an assessment ------------------------------------------------------------
#
# `findings` is the list of finding codes (the texts come from the rules' catalogue under the item's
# regulation version). `explanation` holds only what the item's columns do not (short keys, JSON values):
#
#   {"start": ref, "term": ref, "rate": ref,   # why: `Reason.as_ref()`, {"code", "values"?}; absent if none
#    "rule_date": "YYYY-MM-DD",                # the date the rules' parameters were read at
#    "because": "imported",                    # why it was (re)assessed; absent if not said
#    "policies": {...}}                        # only when not the default policies (never, in the ledger)
#   {"not_assessed": "delivered_on" | "principal"}   # the rules could not assess the item
#
# `shown_assessment` expands both back to the shapes the item page and the API show (texts included).

#: compact explanation key → `Assessment` reason attribute
_REASONS = {"start": "start_reason", "term": "term_reason", "rate": "rate_reason"}


def stored_assessment(
    result: Assessment | None,
    *,
    delivered_on: dt.date | None,
    acceptance_period_days: int | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> tuple[Any, ...]:
    """What an item stores of an assessment, in `ASSESSMENT_FIELDS` order — the one definition, used by
    `apply_assessment` (one item) and by the bulk paths (import, re-assessment) that write rows directly.
    Only the fields that do not depend on the amount or the payments are stored: the aging computes the
    rest to date from the entries."""
    assessed_at = now or timezone.now()
    if result is None:
        missing = "delivered_on" if delivered_on is None else "principal"
        return (assessed_at, "", None, None, None, None, None, None, [], {"not_assessed": missing}, None)
    rate = exact_daily_rate(result)
    # Acceptance still pending within its agreed period: the due date appears when the period ends.
    pending = "acceptance_pending" in result.finding_codes and acceptance_period_days is not None
    reassess_on = (
        delivered_on + dt.timedelta(days=acceptance_period_days + 1)
        if pending and delivered_on is not None and acceptance_period_days is not None
        else None
    )
    explanation: dict[str, Any] = {}
    for key, attribute in _REASONS.items():
        why: Reason | None = getattr(result, attribute)
        if why is not None:
            explanation[key] = why.as_ref()
    explanation["rule_date"] = result.rule_date.isoformat()
    if reason:
        explanation["because"] = reason
    if result.policies != DEFAULT_POLICIES:
        explanation["policies"] = result.policies.as_dict()
    return (
        assessed_at,
        result.regulation or "",
        result.start_on,
        result.term_days,
        result.due_on,
        result.annual_rate_percent,
        rate.numerator if rate is not None else None,
        rate.denominator if rate is not None else None,
        [f.code for f in result.findings],
        explanation,
        reassess_on,
    )


@dataclasses.dataclass(frozen=True)
class ShownAssessment:
    """An item's stored assessment as people and API clients read it: `findings` as
    ``[{code, message_zh, message_en, citation}]`` and `explanation` as ``{regulation, start_on,
    start_reason, term_days, term_reason, due_on, policies, rate_reason, annual_rate_percent, daily_rate,
    rule_date, refreshed_because?}`` (reasons ``{code, zh, en}``), or ``{"not_assessed": ...}``."""

    findings: list[dict[str, str]]
    explanation: dict[str, Any]


def shown_assessment(item: Any) -> ShownAssessment:
    """Expand what `item` (an `ArrearsItem` or anything with its assessment fields) stores."""
    version = item.regulation or None
    findings = [finding(code, version).as_dict() for code in item.findings or ()]
    stored: dict[str, Any] = item.explanation or {}
    if "rule_date" not in stored:  # not assessed
        return ShownAssessment(findings, dict(stored))
    reasons = {key: reason_from_ref(stored[key]) if key in stored else None for key in _REASONS}
    rate = reasons["rate"]
    daily = (
        display_rate(Fraction(item.rate_num, item.rate_den))
        if item.rate_num is not None and item.rate_den is not None
        else None
    )
    explanation = {
        "regulation": version,
        "start_on": _iso(item.start_on),
        "start_reason": _reason_dict(reasons["start"]),
        "term_days": item.term_days,
        "term_reason": _reason_dict(reasons["term"]),
        "due_on": _iso(item.due_on),
        "policies": stored.get("policies", DEFAULT_POLICIES.as_dict()),
        "rate_reason": _reason_dict(rate),
        # as the rules gave it (3.45, not the column's 3.4500): the rate the reason quotes
        "annual_rate_percent": _annual_text(rate),
        "daily_rate": format(daily, "f") if daily is not None else None,
        "rule_date": stored["rule_date"],
    }
    if stored.get("because"):
        explanation["refreshed_because"] = stored["because"]
    return ShownAssessment(findings, explanation)


def _iso(day: dt.date | str | None) -> str | None:
    return day.isoformat() if isinstance(day, dt.date) else day


def _reason_dict(why: Reason | None) -> dict[str, str] | None:
    return why.as_dict() if why is not None else None


def _annual_text(rate: Reason | None) -> str | None:
    """The applied annual rate as the rules wrote it: the LPR an agreed rate was raised to, else the
    agreed rate; none for the default daily rate."""
    if rate is None:
        return None
    values = dict(rate.values)
    applied = values.get("lpr", values.get("rate"))
    return str(applied) if applied is not None else None


def apply_assessment(item: ArrearsItem, result: Assessment | None, *, reason: str = "") -> None:
    """Copy an assessment onto the item's stored fields (the caller saves)."""
    values = stored_assessment(
        result,
        delivered_on=item.delivered_on,
        acceptance_period_days=item.acceptance_period_days,
        reason=reason,
    )
    for name, value in zip(ASSESSMENT_FIELDS, values, strict=True):
        setattr(item, name, value)


#: stored assessments remembered at once (each holds its explanation: a few hundred bytes)
BATCH_CACHE_LIMIT = 4096
_CLAUSES, _DELIVERED, _PERIOD = (
    ASSESSED_FACTS.index(name) for name in ("clauses", "delivered_on", "acceptance_period_days")
)


class BatchAssessor:
    """Stored assessments for many items at once (an import, a re-assessment after calendar or LPR edits):
    the same `assess` and `stored_assessment` as one item gets, with the reference data loaded once and one
    `assess` per distinct set of facts.

    What is stored does not depend on the amount or the payments (only whether something is owed), so
    `stored()` takes the facts alone: for an item with confirmed principal and payments it equals what
    `refresh_assessment` stores (tested)."""

    def __init__(self, *, today: dt.date, reason: str) -> None:
        from qingqian.registry.reference import lpr_series, working_calendar

        self.today, self.reason = today, reason
        self.calendar, self.lpr = working_calendar(), lpr_series()
        self.cache: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.terms: dict[str, Clauses] = {}

    def stored(
        self, debtor_kind: str, facts: tuple[Any, ...], now: dt.datetime, *, owed: bool = True
    ) -> tuple[Any, ...]:
        """`ASSESSMENT_FIELDS` values for an item of a debtor of `debtor_kind` with `facts` (in
        `ASSESSED_FACTS` order); `owed` is whether its confirmed principal is above zero."""
        payer = payer_kind_of(debtor_kind)
        clauses = facts[_CLAUSES]
        clauses_key = json.dumps(clauses, sort_keys=True) if clauses else ""
        key = (payer, owed, *facts[:_CLAUSES], *facts[_CLAUSES + 1 :], clauses_key)
        found = self.cache.get(key)
        if found is not None:
            return found
        delivered_on = facts[_DELIVERED]
        result = None
        if delivered_on is not None and owed:
            terms = self.terms.get(clauses_key)
            if terms is None:
                terms = self.terms[clauses_key] = clauses_from_json(clauses)
            # what is stored depends on whether something is owed, not how much
            contract = contract_of(payer, facts, terms, amount=Decimal(1), as_of=self.today)
            result = assess(contract, calendar=self.calendar, lpr=self.lpr, interest=False)
        stored = stored_assessment(
            result,
            delivered_on=delivered_on,
            acceptance_period_days=facts[_PERIOD],
            reason=self.reason,
            now=now,
        )
        if len(self.cache) >= BATCH_CACHE_LIMIT:  # all-different contracts: start afresh
            self.cache.clear()
        self.cache[key] = stored
        return stored


def reassess_due(*, today: dt.date | None = None) -> int:
    """Sweeper: re-run the rules for open items whose `reassess_on` has come (e.g. an acceptance period
    ended without acceptance, so the term now runs from the period's end). Touches only those rows."""
    from django.db import transaction

    from qingqian.core.events import record_event
    from qingqian.ledger.choices import ItemStatus

    today = today or timezone.localdate()
    done = 0
    due = ArrearsItem.objects.filter(reassess_on__lte=today, status=ItemStatus.OPEN).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            item = ArrearsItem.objects.select_for_update(of=("self",)).select_related("debtor").get(pk=pk)
            before = {"due_on": item.due_on}
            refresh_assessment(item, reason="acceptance_period_ended")
            record_event(
                actor=None,
                action="ledger.item.reassessed",
                obj=item,
                before=before,
                after={"due_on": item.due_on},
            )
            done += 1
    return done


def refresh_assessment(item: ArrearsItem, *, reason: str = "", save: bool = True) -> None:
    """Re-run the rules on the item's current inputs and store the result (inside the caller's transaction)."""
    apply_assessment(item, assess_item(item), reason=reason)
    if save:
        from qingqian.ledger.aging import age_items

        item.save(update_fields=[*ASSESSMENT_FIELDS, "updated_at"])
        age_items([item.pk])
