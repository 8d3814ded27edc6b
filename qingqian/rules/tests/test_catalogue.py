"""Findings catalogue and explanation texts are data, validated like parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qingqian.rules import ParameterError, finding, get_catalogue, load_catalogue
from qingqian.rules.catalogue import load_reasons, reason, reason_from_ref


def test_every_finding_has_messages_and_a_citation_for_each_version() -> None:
    catalogue = get_catalogue()
    for code in catalogue.codes():
        for version in catalogue.versions(code):
            entry = catalogue.get(code, None if version == "any" else version)
            assert entry.code == code
            assert entry.message_zh
            assert entry.message_en
            assert entry.citation


def test_a_version_specific_entry_wins_over_any() -> None:
    assert "第802号" in finding("acceptance_delayed", "2025").citation
    assert "第728号" in finding("acceptance_delayed", "2020").citation
    assert "2020年版" in finding("acceptance_delayed", None).citation
    assert finding("due_date_rolled", "2025") is finding("due_date_rolled", None)
    with pytest.raises(KeyError):
        finding("back_to_back_clause", "2020")


def test_reasons_fill_both_languages() -> None:
    filled = reason("term.agreed", days=45)
    assert (filled.code, filled.zh, filled.en) == (
        "term.agreed",
        "合同约定付款期限45日。",
        "The contract agrees a payment term of 45 days.",
    )
    assert load_reasons()["rate.default"][0].startswith("未约定")


def test_a_reason_is_stored_as_its_code_and_values_and_rebuilt_from_them() -> None:
    filled = reason("term.agreed_capped", agreed=90, cap=60)
    ref = filled.as_ref()
    assert ref == {"code": "term.agreed_capped", "values": {"agreed": 90, "cap": 60}}
    again = reason_from_ref(json.loads(json.dumps(ref)))
    assert (again.code, again.zh, again.en, again.values) == (
        filled.code,
        filled.zh,
        filled.en,
        filled.values,
    )
    bare = reason("term.missing")
    assert bare.as_ref() == {"code": "term.missing"}
    assert reason_from_ref({"code": "term.missing"}) == bare
    assert bare.as_dict() == {"code": "term.missing", "zh": bare.zh, "en": bare.en}  # public shape unchanged


def test_a_reference_kept_with_its_own_texts_returns_them() -> None:
    kept = reason_from_ref({"code": "term.agreed", "zh": "旧文本", "en": "old text"})
    assert kept.as_dict() == {"code": "term.agreed", "zh": "旧文本", "en": "old text"}


BROKEN_FINDINGS = [
    ("- a\n", None),
    ("{}\n", None),
    ("code_x: 3\n", "code_x"),
    ("code_x: {'2030': {message_zh: a, message_en: b, citation: c}}\n", "code_x.2030"),
    ("code_x: {any: [a]}\n", "code_x.any"),
    ("code_x: {any: {message_zh: a, message_en: b, citation: c, severity: high}}\n", "code_x.any.severity"),
    ("code_x: {any: {message_zh: a, message_en: b}}\n", "code_x.any.citation"),
    ("code_x: {any: {message_zh: '', message_en: b, citation: c}}\n", "code_x.any.message_zh"),
]


@pytest.mark.parametrize(("text", "key"), BROKEN_FINDINGS)
def test_a_broken_findings_file_fails_naming_the_key(tmp_path: Path, text: str, key: str | None) -> None:
    path = tmp_path / "findings.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ParameterError) as caught:
        load_catalogue(path)
    assert (caught.value.file, caught.value.key) == ("findings.yaml", key)


BROKEN_REASONS = [
    ("[]\n", None),
    ("r: {zh: a}\n", "r"),
    ("r: text\n", "r"),
    ("r: {zh: '{a}', en: '{b}'}\n", "r"),
    ("r: {zh: '', en: b}\n", "r.zh"),
]


@pytest.mark.parametrize(("text", "key"), BROKEN_REASONS)
def test_a_broken_reasons_file_fails_naming_the_key(tmp_path: Path, text: str, key: str | None) -> None:
    path = tmp_path / "reasons.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ParameterError) as caught:
        load_reasons(path)
    assert (caught.value.file, caught.value.key) == ("reasons.yaml", key)
