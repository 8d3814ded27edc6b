"""What an item stores of its assessment — finding codes and reason references (ADR 0008) — and what it
shows: the item page and the API read exactly the texts and keys they read when the texts were stored."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from qingqian.ledger.assessment import (
    ASSESSMENT_FIELDS,
    assess_item,
    shown_assessment,
    stored_assessment,
)
from qingqian.ledger.models import ArrearsItem
from qingqian.ledger.tests.factories import make_item
from qingqian.rules import Assessment, ContractInput, Policies, assess, assessment_to_json
from qingqian.rules.tests.test_properties import CALENDAR, LPR, any_contracts, examples, policies

migration = importlib.import_module("qingqian.ledger.migrations.0002_compact_assessment")
NOW = dt.datetime(2025, 1, 1, 10, tzinfo=dt.UTC)


def legacy(result: Assessment, reason: str = "") -> tuple[list[dict[str, str]], dict[str, Any]]:
    """What an item stored (and so showed) before ADR 0008: the texts, as the previous
    `stored_assessment` wrote them (kept here verbatim as the expected shape)."""
    explanation = assessment_to_json(result)
    for key in ("outstanding", "interest", "segments", "overdue_days", "findings"):
        explanation.pop(key, None)
    explanation["rate_reason"] = result.rate_reason.as_dict() if result.rate_reason is not None else None
    explanation["annual_rate_percent"] = (
        str(result.annual_rate_percent) if result.annual_rate_percent is not None else None
    )
    explanation["daily_rate"] = format(result.daily_rate, "f") if result.daily_rate is not None else None
    explanation["rule_date"] = result.rule_date.isoformat()
    if reason:
        explanation["refreshed_because"] = reason
    return [f.as_dict() for f in result.findings], explanation


def stored_row(result: Assessment | None, reason: str = "") -> SimpleNamespace:
    """The item's stored fields as read back from the database (JSON through text, rate to 4 places)."""
    values = dict(
        zip(
            ASSESSMENT_FIELDS,
            stored_assessment(result, delivered_on=None, acceptance_period_days=None, reason=reason, now=NOW),
            strict=True,
        )
    )
    for name in ("findings", "explanation"):
        values[name] = json.loads(json.dumps(values[name]))
    if values["annual_rate_percent"] is not None:
        values["annual_rate_percent"] = values["annual_rate_percent"].quantize(Decimal("0.0001"))
    return SimpleNamespace(**values)


@examples
@given(any_contracts(), policies, st.sampled_from(["", "imported"]))
def test_the_compact_form_shows_exactly_the_texts_stored_before(
    contract: ContractInput, policy: Policies, reason: str
) -> None:
    result = assess(contract, calendar=CALENDAR, lpr=LPR, policies=policy)
    row = stored_row(result, reason)
    assert all(isinstance(code, str) for code in row.findings)
    before_findings, before_explanation = legacy(result, reason)
    shown = shown_assessment(row)
    assert shown.findings == before_findings
    assert shown.explanation == before_explanation
    assert list(shown.explanation) == list(before_explanation)  # the API's key order too
    # the data migration converts each way between the two
    assert migration.compact(before_findings, before_explanation) == (row.findings, row.explanation)
    assert migration.expanded(vars(row)) == (before_findings, before_explanation)
    assert len(json.dumps(row.explanation)) < len(json.dumps(before_explanation)) / 2


@examples
@given(any_contracts())
def test_what_is_stored_is_the_same_without_the_interest(contract: ContractInput) -> None:
    """What `BatchAssessor` stores (no accrual; the amount and payments play no part) is what the full
    assessment stores, but for the `overpaid` finding, which the payments decide."""
    full = assess(contract, calendar=CALENDAR, lpr=LPR)
    bare = assess(contract, calendar=CALENDAR, lpr=LPR, interest=False)
    full_row, bare_row = vars(stored_row(full)), vars(stored_row(bare))
    full_row["findings"] = [code for code in full_row["findings"] if code != "overpaid"]
    assert bare_row == full_row


def test_an_item_the_rules_cannot_assess_says_why() -> None:
    row = stored_row(None)
    assert (row.findings, row.explanation) == ([], {"not_assessed": "delivered_on"})
    assert shown_assessment(row) == shown_assessment(row).__class__([], {"not_assessed": "delivered_on"})
    assert migration.compact([], row.explanation) == ([], row.explanation)
    assert migration.expanded(vars(row)) == ([], row.explanation)


@pytest.mark.django_db
def test_the_item_page_and_the_api_read_the_texts(world, client_for):
    item = make_item(actor=world.clerk, agreed_term_days=90)  # above the 60-day cap for organs
    assert item.findings == ["term_exceeds_cap"]
    assert item.explanation["term"] == {"code": "term.agreed_capped", "values": {"agreed": 90, "cap": 60}}
    result = assess_item(item)
    assert result is not None
    before_findings, before_explanation = legacy(result, "created")
    api = client_for(world.clerk).get(f"/api/v1/ledger/items/{item.pk}").json()
    assert api["findings"] == before_findings
    assert api["explanation"] == before_explanation
    url = reverse("ledger:item_detail", args=[item.pk])
    zh = client_for(world.clerk).get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    en = client_for(world.clerk).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for page, language in ((zh, "zh"), (en, "en")):
        for key in ("start_reason", "term_reason", "rate_reason"):
            assert before_explanation[key][language] in page, (language, key)
        message = before_findings[0]["message_zh" if language == "zh" else "message_en"]
        assert message in page and before_findings[0]["citation"] in page


@pytest.mark.django_db
def test_the_data_migration_converts_stored_rows_both_ways(world):
    items = [
        make_item(actor=world.clerk, agreed_term_days=90),
        make_item(actor=world.clerk, agreed_annual_rate=Decimal("2.0")),
        make_item(actor=world.clerk, delivered_on=None),
    ]
    ids = [item.pk for item in items]
    editor = SimpleNamespace(connection=connection)

    def rows() -> dict[int, tuple[Any, Any]]:
        found = ArrearsItem.objects.filter(pk__in=ids).values_list("pk", "findings", "explanation")
        return {pk: (findings, explanation) for pk, findings, explanation in found}

    compact = rows()
    shown = {item.pk: (item.shown_assessment.findings, item.shown_assessment.explanation) for item in items}
    migration.backward(apps, editor)
    assert rows() == shown
    migration.backward(apps, editor)  # a second run changes nothing
    assert rows() == shown
    # a text written by an older template: kept as it was, in the reference
    old = ArrearsItem.objects.get(pk=ids[0])
    old.explanation["start_reason"]["zh"] = "旧的起算说明。"
    ArrearsItem.objects.filter(pk=old.pk).update(explanation=old.explanation)
    migration.forward(apps, editor)
    after = rows()
    assert after[ids[1]] == compact[ids[1]] and after[ids[2]] == compact[ids[2]]
    assert after[ids[0]][1]["start"] == {
        "code": "start.delivery",
        "zh": "旧的起算说明。",
        "en": old.explanation["start_reason"]["en"],
    }
    assert (
        ArrearsItem.objects.get(pk=ids[0]).shown_assessment.explanation["start_reason"]["zh"]
        == "旧的起算说明。"
    )
