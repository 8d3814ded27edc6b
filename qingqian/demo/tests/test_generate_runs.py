"""Whole generator runs: the same seed gives the same checksums; refusals; the scales."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from qingqian.demo.generate import SCALES, GenerateReport, generate, resolve

AS_OF = dt.date(2026, 6, 30)


class _Undo(Exception):
    pass


def _run(seed: int) -> GenerateReport:
    """Generate a tiny city and roll it back (ids move on; the checksums must not)."""
    out: list[GenerateReport] = []
    try:
        with transaction.atomic():
            out.append(generate(scale=resolve("tiny"), seed=seed, as_of=AS_OF))
            raise _Undo
    except _Undo:
        pass
    return out[0]


def test_the_same_seed_gives_the_same_checksums_and_another_seed_does_not(world: Any) -> None:
    first, again, other = _run(11), _run(11), _run(12)
    assert first.checksums == again.checksums
    assert first.counts == again.counts
    differing = {t for t in first.checksums if first.checksums[t] != other.checksums.get(t)}
    assert differing >= {
        "ledger_arrearsitem",
        "ledger_ledgerentry",
        "complaints_complaint",
        "registry_enterprise",
    }


def test_it_refuses_where_demo_data_is_not_allowed(world: Any, settings: Any) -> None:
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refused"):
        call_command("generate_city", "--scale", "tiny", stdout=StringIO())


def test_it_refuses_production_settings(world: Any, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("generate_city", "--scale", "tiny", stdout=StringIO())


def test_the_national_scale_runs_only_as_a_sample() -> None:
    with pytest.raises(ValueError, match="sample"):
        resolve("national")
    sample = resolve("national", 0.001)
    assert sample.items == SCALES["national"].items // 1000 and sample.label == "national×0.001"
    assert resolve("city", 0.1).items == 10_000
    assert SCALES["province"].items == 10 * SCALES["city"].items


def test_the_command_prints_counts_checksums_and_rates(world: Any) -> None:
    out = StringIO()
    try:
        with transaction.atomic():
            call_command(
                "generate_city", "--scale", "tiny", "--as-of", "2026-06-30", "--seed", "3", stdout=out
            )
            raise _Undo
    except _Undo:
        pass
    text = out.getvalue()
    assert "rows/s" in text and "ledger_arrearsitem" in text and "sm3" in text and "stage ledger" in text


def test_names_number_schools_in_chinese_and_shorten_divisions() -> None:
    from qingqian.demo.generate.names import chinese_number, short_region

    assert [chinese_number(n) for n in (3, 13, 40, 105, 110, 1010, 2050)] == [
        "三",
        "十三",
        "四十",
        "一百零五",
        "一百一十",
        "一千零一十",
        "二千零五十",
    ]
    assert [short_region(n) for n in ("石家庄市", "长安区", "正定县", "辛集市")] == [
        "石家庄",
        "长安",
        "正定",
        "辛集",
    ]
