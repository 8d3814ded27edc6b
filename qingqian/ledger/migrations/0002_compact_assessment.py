"""Items store their assessment compactly (ADR 0008): `findings` as finding codes, `explanation` as reason
references and the few values the columns do not hold (`qingqian/ledger/assessment.py` documents the
shape). Forward: the texts stored until now become codes and references — a reason's template values are
read back out of its stored texts by matching them against the catalogue's templates (a text no template
matches is kept as it is, in the reference). Backward: the texts again, from the catalogue
(`shown_assessment`). Rows are rewritten in batches by id; rows already in the target shape are skipped.
"""

from __future__ import annotations

import functools
import re
import string
from types import SimpleNamespace
from typing import Any

from django.db import migrations

BATCH = 2000
#: the stored assessment as it was read and written here
FIELDS = ("regulation", "start_on", "term_days", "due_on", "rate_num", "rate_den", "findings", "explanation")
#: legacy explanation key → compact key
REASON_KEYS = {"start_reason": "start", "term_reason": "term", "rate_reason": "rate"}
#: template fields the rules fill with whole numbers (days); every other field is text
INT_FIELDS = frozenset({"days", "agreed", "cap"})


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    from qingqian.rules.catalogue import load_reasons

    return {code: _pattern(zh) for code, (zh, _en) in load_reasons().items()}


def _pattern(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
    return re.compile("".join(parts))


def reason_ref(old: dict[str, str]) -> dict[str, Any]:
    """A stored ``{code, zh, en}`` as a reference ``{code, values?}`` (or with its texts, if no template
    of the code gives back exactly those texts)."""
    from qingqian.rules.catalogue import reason

    code = old["code"]
    pattern = _patterns().get(code)
    match = pattern.fullmatch(old["zh"]) if pattern is not None else None
    if match is not None:
        values = {
            name: int(text) if name in INT_FIELDS and text.isdigit() else text
            for name, text in match.groupdict().items()
        }
        rebuilt = reason(code, **values)
        if (rebuilt.zh, rebuilt.en) == (old["zh"], old["en"]):
            return rebuilt.as_ref()
    return {"code": code, "zh": old["zh"], "en": old["en"]}


def compact(findings: list[Any], explanation: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Legacy (texts) → compact; a compact or not-assessed value comes back as it is."""
    from qingqian.rules import DEFAULT_POLICIES

    codes = [f["code"] if isinstance(f, dict) else f for f in findings or []]
    if "regulation" not in (explanation or {}):  # compact already, not assessed, or empty
        return codes, explanation
    out: dict[str, Any] = {}
    for old_key, key in REASON_KEYS.items():
        if explanation.get(old_key):
            out[key] = reason_ref(explanation[old_key])
    out["rule_date"] = explanation["rule_date"]
    if explanation.get("refreshed_because"):
        out["because"] = explanation["refreshed_because"]
    policies = explanation.get("policies")
    if policies and policies != DEFAULT_POLICIES.as_dict():
        out["policies"] = policies
    return codes, out


def expanded(row: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Compact → legacy (texts from the catalogue); a legacy or not-assessed value comes back as it is."""
    from qingqian.ledger.assessment import shown_assessment

    explanation = row["explanation"] or {}
    if "regulation" in explanation:
        return row["findings"], explanation
    findings = [f for f in row["findings"] or [] if not isinstance(f, dict)]
    if len(findings) != len(row["findings"] or []):  # findings already expanded
        return row["findings"], explanation
    shown = shown_assessment(SimpleNamespace(**row))
    return shown.findings, shown.explanation


def _rewrite(apps: Any, schema_editor: Any, convert: Any) -> None:
    item_model = apps.get_model("ledger", "ArrearsItem")
    items = item_model.objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        rows = list(items.filter(pk__gt=last).order_by("pk").values("pk", *FIELDS)[:BATCH])
        if not rows:
            return
        last = rows[-1]["pk"]
        changed = []
        for row in rows:
            findings, explanation = convert(row)
            if (findings, explanation) != (row["findings"], row["explanation"]):
                changed.append(item_model(pk=row["pk"], findings=findings, explanation=explanation))
        if changed:
            items.bulk_update(changed, ["findings", "explanation"], batch_size=500)


def forward(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, lambda row: compact(row["findings"], row["explanation"]))


def backward(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, expanded)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=True),
    ]
