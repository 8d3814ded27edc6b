"""Benchmark of ``qingqian.rules.assess`` on one core (plain script, no Django).

    python bench/bench_rules.py [--n 100000] [--repeat 5] [--seed 20250601]

Builds N varied, deterministic contracts (every payer kind, both regulation versions and
pre-2020 contracts, acceptance with and without periods, progress settlement, agreed rates below
and above the LPR, 0–4 payments incl. same-day and after-as-of ones, both allocation policies,
assorted clauses), then times ``assess`` over all of them ``--repeat`` times. It also times a
lower bound — a loop that only reads the same inputs and does the date arithmetic — and prints a
markdown block for docs/BENCHMARKS.md. Target: 100,000 contracts in under 10 s.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qingqian.rules import (  # noqa: E402 - after the sys.path set-up
    PAYER_KINDS,
    Calendar,
    Clauses,
    ContractInput,
    LprSeries,
    Payment,
    Policies,
    assess,
    get_parameters,
)

LPR_CSV = ROOT.parent / "shared" / "data" / "lpr_1y.csv"
#: used when ../shared is not beside the checkout (same public change points)
LPR_FALLBACK = [
    ("2019-08-20", "4.25"), ("2019-09-20", "4.20"), ("2019-11-20", "4.15"), ("2020-02-20", "4.05"),
    ("2020-04-20", "3.85"), ("2021-12-20", "3.80"), ("2022-01-20", "3.70"), ("2022-08-22", "3.65"),
    ("2023-06-20", "3.55"), ("2023-08-21", "3.45"), ("2024-07-22", "3.35"), ("2024-10-21", "3.10"),
    ("2025-05-20", "3.00"),
]  # fmt: skip
AS_OF = date(2026, 11, 30)
FIRST_SIGNING = date(2019, 6, 1)
SIGNING_SPAN = (date(2026, 6, 30) - FIRST_SIGNING).days
PRINCIPAL_FIRST = Policies()
CIVIL_CODE_561 = Policies(payment_allocation="civil_code_561")
BY_DELIVERY = Policies(regulation_version_by="delivery")


def build_contracts(n: int, seed: int) -> list[tuple[ContractInput, Policies]]:
    rng = random.Random(seed)
    contracts: list[tuple[ContractInput, Policies]] = []
    for _ in range(n):
        signed_on = FIRST_SIGNING + timedelta(days=rng.randrange(SIGNING_SPAN))
        delivered_on = signed_on + timedelta(days=rng.randrange(0, 120))
        amount = Decimal(rng.randrange(1_000_000, 10_000_000_000)).scaleb(-2)
        acceptance_required = rng.random() < 0.3
        period = accepted_on = settlement_on = None
        if acceptance_required:
            period = None if rng.random() < 0.1 else rng.randrange(0, 31)
            if rng.random() < 0.8:
                accepted_on = delivered_on + timedelta(days=rng.randrange(0, 60))
        elif rng.random() < 0.1:
            settlement_on = delivered_on + timedelta(days=rng.randrange(0, 30))
        term = None if rng.random() < 0.5 else rng.choice((15, 30, 45, 60, 90, 120))
        rate = None if rng.random() < 0.6 else Decimal(rng.randrange(200, 600)).scaleb(-2)
        payments: list[Payment] = []
        remaining = amount
        for _ in range(rng.randrange(0, 5)):
            paid_on = delivered_on + timedelta(days=rng.randrange(0, 400))
            part = (remaining * Decimal(rng.randrange(10, 70)) / 100).quantize(Decimal("0.01"))
            if part > 0:
                payments.append(Payment(paid_on, part))
                remaining -= part
        if payments and rng.random() < 0.1:
            payments.append(Payment(payments[-1].paid_on, Decimal("100.00")))  # same-day split
        clauses = Clauses(
            back_to_back=rng.random() < 0.05,
            audit_settlement=rng.random() < 0.05,
            forced_bills=rng.random() < 0.03,
            deposit_kinds=("performance", "safety") if rng.random() < 0.03 else (),
            retention_percent=Decimal(rng.choice((2, 3, 5))) if rng.random() < 0.1 else None,
            progress_payment_percent=Decimal(rng.choice((60, 80, 90))) if rng.random() < 0.1 else None,
        )
        policy_draw = rng.random()
        policies = (
            CIVIL_CODE_561 if policy_draw < 0.2 else BY_DELIVERY if policy_draw < 0.25 else PRINCIPAL_FIRST
        )
        contract = ContractInput(
            payer_kind=rng.choice(PAYER_KINDS),
            signed_on=signed_on,
            delivered_on=delivered_on,
            amount=amount,
            as_of=AS_OF,
            acceptance_required=acceptance_required,
            acceptance_period_days=period,
            accepted_on=accepted_on,
            settlement_confirmed_on=settlement_on,
            agreed_term_days=term,
            agreed_annual_rate=rate,
            payments=tuple(payments),
            clauses=clauses,
        )
        contracts.append((contract, policies))
    return contracts


def lower_bound(contracts: list[tuple[ContractInput, Policies]]) -> int:
    """Reads every input the rules read and does the plain date arithmetic, nothing else."""
    total = 0
    for contract, policies in contracts:
        start = contract.settlement_confirmed_on or contract.accepted_on or contract.delivered_on
        due_on = start + timedelta(days=contract.agreed_term_days or 30)
        version_day = (
            contract.signed_on if policies.regulation_version_by == "signing" else contract.delivered_on
        )
        total += version_day.toordinal() & 1
        for payment in contract.payments:
            if payment.paid_on > due_on and payment.amount:
                total += (payment.paid_on - due_on).days
        total += (contract.as_of - due_on).days
        if contract.agreed_annual_rate is not None and contract.clauses.retention_percent is not None:
            total += 1
    return total


def time_runs(label: str, repeat: int, run: Callable[[], object]) -> list[float]:
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
        print(f"  {label} run {i + 1}: {times[-1]:.3f} s", file=sys.stderr)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20250601)
    args = parser.parse_args()

    calendar = Calendar.from_chinese_calendar()
    if LPR_CSV.exists():
        lpr = LprSeries.from_csv(LPR_CSV)
    else:
        lpr = LprSeries((date.fromisoformat(d), r) for d, r in LPR_FALLBACK)
    parameters = get_parameters()
    contracts = build_contracts(args.n, args.seed)

    def run_assess() -> None:
        for contract, policies in contracts:
            assess(contract, calendar=calendar, lpr=lpr, parameters=parameters, policies=policies)

    cold = time_runs("assess (cold: empty per-date caches)", 1, run_assess)[0]
    assess_times = time_runs("assess", args.repeat, run_assess)
    bound_times = time_runs("lower bound", args.repeat, lambda: lower_bound(contracts))

    median = statistics.median(assess_times)
    bound = statistics.median(bound_times)
    per_second = args.n / median
    segments = sum(
        len(assess(c, calendar=calendar, lpr=lpr, parameters=parameters, policies=p).segments)
        for c, p in contracts[: min(args.n, 10_000)]
    )
    print(f"contracts: {args.n}, repeats: {args.repeat}")
    print(f"assess  median {median:.3f} s  min {min(assess_times):.3f} s  max {max(assess_times):.3f} s")
    print(f"        {per_second:,.0f} contracts/s, {median / args.n * 1e6:.1f} µs/contract")
    print(f"first (cold) run {cold:.3f} s")
    print(f"lower bound (read inputs + date arithmetic) median {bound:.3f} s; ratio {median / bound:.1f}×")
    print(f"target 100,000 in < 10 s: {'met' if median * 100_000 / args.n < 10 else 'NOT met'}")
    scaled = median * 100_000 / args.n
    verdict = "PASS" if scaled < 10 else "MISS"
    print(
        f"TARGET|rules: 100,000 contracts through assess on one core|< 10 s|{scaled:.2f} s (ratio to lower bound {median / bound:.1f}×)|{verdict}"
    )
    print()
    print("```markdown")
    print("### Rules core: `assess` (bench/bench_rules.py)")
    print()
    print(
        f"Python {platform.python_version()} on {platform.machine()}, one core, {args.n:,} contracts, "
        f"{args.repeat} timed runs after one cold run, seed {args.seed}; "
        f"{segments / min(args.n, 10_000):.2f} interest segments per contract."
    )
    print()
    print("| measure | median | min | max | contracts/s |")
    print("|---|---|---|---|---|")
    print(
        f"| `assess` | {median:.3f} s | {min(assess_times):.3f} s | {max(assess_times):.3f} s "
        f"| {per_second:,.0f} |"
    )
    print(
        f"| lower bound (read inputs, date arithmetic) | {bound:.3f} s | {min(bound_times):.3f} s "
        f"| {max(bound_times):.3f} s | {args.n / bound:,.0f} |"
    )
    print(f"| `assess`, first run (cold per-date caches) | {cold:.3f} s | | | {args.n / cold:,.0f} |")
    print()
    print(f"Ratio `assess` / lower bound: {median / bound:.1f}×. Target: 100,000 contracts in < 10 s.")
    print("```")


if __name__ == "__main__":
    main()
