"""Runs every YAML case in ``cases/*.yaml`` (OpenFisca-style: name, citation, input, expected subset).

``kind: assess`` (default) feeds ``input`` to ``assess_json``; ``kind: size_class`` to
``classify_size``. ``expected`` is a subset of the output, plus three helpers:
``finding_codes`` (exactly these codes, any order), ``findings_include`` and ``findings_exclude``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from qingqian.rules import SizeClassError, assess_json, classify_size, get_catalogue
from qingqian.rules.params import load_yaml

CASES_DIR = Path(__file__).with_name("cases")
CASE_KEYS = {"name", "citation", "input", "expected", "kind", "note"}


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = load_yaml(path)
        assert isinstance(data, list), path
        for case in data:
            cases.append((f"{path.stem}: {case['name']}", case))
    return cases


CASES = load_cases()


def check_subset(expected: Any, actual: Any, where: str = "") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing from {sorted(actual)}"
            check_subset(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(expected) == len(actual), (
            f"{where}: {len(actual)} items, expected {len(expected)}: {actual!r}"
        )
        for index, (value, got) in enumerate(zip(expected, actual, strict=True)):
            check_subset(value, got, f"{where}[{index}]")
    else:
        assert expected == actual, f"{where}: expected {expected!r}, got {actual!r}"


def run_assess(case: dict[str, Any], calendar: Any, lpr: Any) -> dict[str, Any]:
    return assess_json(case["input"], calendar=calendar, lpr=lpr)


def run_size(case: dict[str, Any]) -> dict[str, Any]:
    given = dict(case["input"])
    for name in ("revenue_wan", "assets_wan"):
        if isinstance(given.get(name), str):
            given[name] = Decimal(given[name])
    try:
        result = classify_size(**given)
    except SizeClassError as exc:
        return {"error": exc.code, "figures": list(exc.figures), "message_zh": exc.message_zh}
    return {"size_class": result.size_class, "industry": result.industry, "reason_zh": result.reason_zh}


@pytest.mark.parametrize(("case_id", "case"), CASES, ids=[c[0] for c in CASES])
def test_case(case_id: str, case: dict[str, Any], calendar: Any, lpr: Any) -> None:
    assert set(case) <= CASE_KEYS, f"unknown keys in {case_id}"
    assert case.get("citation"), f"{case_id} must cite the article it checks"
    expected = dict(case["expected"])
    kind = case.get("kind", "assess")
    actual = run_size(case) if kind == "size_class" else run_assess(case, calendar, lpr)
    codes = [f["code"] for f in actual.get("findings", [])]
    if "finding_codes" in expected:
        assert sorted(codes) == sorted(expected.pop("finding_codes")), f"findings: {codes}"
    for code in expected.pop("findings_include", []):
        assert code in codes, f"{code} not in {codes}"
    for code in expected.pop("findings_exclude", []):
        assert code not in codes, f"{code} unexpectedly in {codes}"
    if "reason_contains" in expected:
        assert expected.pop("reason_contains") in actual["reason_zh"]
    check_subset(expected, actual)


def test_the_cases_raise_every_finding_in_the_catalogue() -> None:
    raised: set[str] = set()
    for _, case in CASES:
        expected = case["expected"]
        raised.update(expected.get("finding_codes", []))
        raised.update(expected.get("findings_include", []))
        raised.update(f["code"] for f in expected.get("findings", []))
    assert set(get_catalogue().codes()) <= raised, set(get_catalogue().codes()) - raised


def test_the_cases_produce_every_error_code_but_the_internal_one() -> None:
    from qingqian.rules import ERROR_CODES

    produced = {
        case["expected"]["error"]["code"]
        for _, case in CASES
        if isinstance(case["expected"].get("error"), dict)
    }
    assert produced == set(ERROR_CODES) - {"internal_error"}
