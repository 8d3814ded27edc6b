"""Size-class table validation and error reporting (the class itself is in cases/size_class.yaml)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from qingqian.rules import (
    ParameterError,
    SizeClassError,
    classify_size,
    get_size_standards,
    load_size_standards,
)
from qingqian.rules.size import SIZE_FILE


def test_the_result_explains_itself_in_both_languages() -> None:
    result = classify_size("industry", employees=350, revenue_wan=Decimal("2500"))
    assert result.size_class == "medium"
    assert result.is_sme
    assert "达到中型企业标准（从业人员≥300人且营业收入≥2000万元）" in result.reason_zh
    assert "未达到大型企业标准" in result.reason_zh
    assert "medium" in result.reason_en
    assert result.citation.endswith("第四条第（二）项")
    large = classify_size("other", employees=300)
    assert not large.is_sme
    assert "大型企业" in large.reason_zh


def test_every_industry_is_found_by_its_chinese_name() -> None:
    standards = get_size_standards()
    for code, standard in standards.industries.items():
        assert standards.find(standard.name_zh) is standard
        assert standards.find(code) is standard
    assert standards.find("采矿业") is None


@pytest.mark.parametrize(
    ("kwargs", "code", "figures"),
    [
        (
            {"industry": "industry", "employees": True, "revenue_wan": Decimal(1)},
            "invalid_figure",
            ("employees",),
        ),
        (
            {"industry": "industry", "employees": Decimal(5), "revenue_wan": Decimal(1)},
            "invalid_figure",
            ("employees",),
        ),
        ({"industry": "industry", "employees": 5, "revenue_wan": 1.5}, "invalid_figure", ("revenue_wan",)),
        (
            {"industry": "industry", "employees": 5, "revenue_wan": Decimal("NaN")},
            "invalid_figure",
            ("revenue_wan",),
        ),
        (
            {"industry": "construction", "revenue_wan": Decimal(-1), "assets_wan": 5},
            "invalid_figure",
            ("revenue_wan",),
        ),
        ({"industry": "other"}, "missing_figure", ("employees",)),
    ],
)
def test_bad_figures_are_named(kwargs: dict[str, Any], code: str, figures: tuple[str, ...]) -> None:
    with pytest.raises(SizeClassError) as caught:
        classify_size(**kwargs)
    assert caught.value.code == code
    assert caught.value.figures == figures
    assert figures[0] in caught.value.message_zh


def test_an_unknown_industry_lists_the_choices() -> None:
    with pytest.raises(SizeClassError, match="Unknown industry") as caught:
        classify_size("采矿业", employees=1)
    assert "工业" in caught.value.message_zh


GOOD_INDUSTRY = "name_zh: 工业\nname_en: I\narticle: 第四条\nmetrics: [employees]\nlarge: {employees: 3}\nmedium: {employees: 2}\nsmall: {employees: 1}\n"


def _industry(text: str) -> str:
    return "source: s\nindustries:\n  x:\n" + "".join(f"    {line}\n" for line in text.splitlines())


BROKEN = [
    ("[]\n", None),
    ("source: s\n", None),
    ("source: ''\nindustries: {}\n", "source"),
    ("source: s\nindustries: {}\n", "industries"),
    (_industry("name_zh: 工业"), "industries.x"),
    (_industry(GOOD_INDUSTRY.replace("[employees]", "[staff]")), "industries.x.metrics"),
    (_industry(GOOD_INDUSTRY.replace("[employees]", "[]")), "industries.x.metrics"),
    (
        _industry(GOOD_INDUSTRY.replace("medium: {employees: 2}", "medium: {revenue_wan: 2}")),
        "industries.x.medium",
    ),
    (
        _industry(GOOD_INDUSTRY.replace("small: {employees: 1}", "small: {employees: -1}")),
        "industries.x.small.employees",
    ),
    (
        _industry(GOOD_INDUSTRY.replace("small: {employees: 1}", "small: {employees: yes}")),
        "industries.x.small.employees",
    ),
    (_industry(GOOD_INDUSTRY.replace("article: 第四条", "article: ''")), "industries.x.article"),
]


@pytest.mark.parametrize(("text", "key"), BROKEN)
def test_a_broken_size_table_fails_naming_the_key(tmp_path: Path, text: str, key: str | None) -> None:
    path = tmp_path / "size_classes.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ParameterError) as caught:
        load_size_standards(path)
    assert (caught.value.file, caught.value.key) == ("size_classes.yaml", key)


def test_a_valid_custom_table_loads(tmp_path: Path) -> None:
    path = tmp_path / "size_classes.yaml"
    path.write_text(_industry(GOOD_INDUSTRY), "utf-8")
    standards = load_size_standards(path)
    assert classify_size("x", employees=2, standards=standards).size_class == "medium"
    assert load_size_standards(SIZE_FILE).industries.keys() == get_size_standards().industries.keys()
